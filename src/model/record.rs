//! The record model: rows of a customer database, a complaint log, an appraisal sheet …
//!
//! Records are streamed: a reader yields one [`Row`] at a time and only rules that need
//! cross-row state keep anything. Every cell knows where it came from, so a finding can point
//! at it — a CSV line and column span, a spreadsheet cell (`C17`), or a JSON record and key.

use std::sync::Arc;

/// The file format records were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    Csv,
    Spreadsheet,
    Json,
    JsonLines,
}

impl RecordFormat {
    pub fn name(self) -> &'static str {
        match self {
            RecordFormat::Csv => "csv",
            RecordFormat::Spreadsheet => "spreadsheet",
            RecordFormat::Json => "json",
            RecordFormat::JsonLines => "jsonl",
        }
    }
}

/// One table of records: a CSV file, one sheet of a workbook, or a JSON array.
#[derive(Debug)]
pub struct Table {
    /// The file as reported.
    pub file: String,
    pub format: RecordFormat,
    /// The sheet name (spreadsheets only).
    pub sheet: Option<String>,
    /// Header cells as written (a unit in brackets included), in column order.
    pub header: Vec<String>,
    /// Where the header row is: 1-based line (CSV), sheet row (spreadsheet) or line (JSON).
    pub header_line: usize,
    /// The raw header line (CSV only), for snippets.
    pub header_raw: Option<String>,
    /// Byte ranges of the header cells within `header_raw` (CSV only).
    pub header_spans: Vec<std::ops::Range<usize>>,
}

/// Where a row stands in its file.
#[derive(Debug, Clone)]
pub struct RowPlace {
    /// 1-based index of the record among the data rows (JSON: the record's index, or for JSON
    /// Lines the line number).
    pub row: usize,
    /// 1-based line where the record starts (CSV physical line; spreadsheet row number; JSON
    /// line).
    pub line: usize,
    /// The raw text of the record (CSV: the physical line(s); JSON: the object), for snippets.
    pub raw: Option<String>,
}

/// One cell's text and where it is.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Shared, so that policies can look at a cell many times without copying it.
    pub text: Arc<str>,
    /// Byte range of the cell within [`RowPlace::raw`], when known (CSV).
    pub span: Option<std::ops::Range<usize>>,
}

/// One record, cells in header order (missing trailing cells are absent).
#[derive(Debug, Clone)]
pub struct Row {
    pub table: Arc<Table>,
    pub place: RowPlace,
    pub cells: Vec<Cell>,
}

impl Row {
    /// Spreadsheet-style reference of column `col` in this row: `C17`.
    pub fn cell_ref(&self, col: usize) -> String {
        format!("{}{}", column_letters(col), self.place.line)
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
pub fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A problem with one record (a ragged row, bad quoting) that does not stop the file.
#[derive(Debug, Clone)]
pub struct RecordProblem {
    pub line: usize,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_spreadsheet_style() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(2), "C");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
