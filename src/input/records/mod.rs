//! Reading record sources — CSV, spreadsheets (XLSX/XLSM/XLS/ODS) and JSON / JSON Lines —
//! into the record model ([`crate::model::record`]), one row at a time.
//!
//! A reader never holds all rows of a file as records: it finds the header among the first
//! rows of each table (a CSV file, a sheet, a JSON array), announces the table with
//! [`Event::Table`] and then hands every data row to the caller as it reads it. Problems with
//! single records (a ragged row, bad quoting, a JSON line that does not parse) are reported as
//! [`Event::Problem`] and the file goes on; only a file that cannot be opened or decoded at all
//! is a [`ReadError`].
//!
//! Event order for one file: for each table either `Unrecognised`, or `Table` followed by its
//! rows, each problem with a record coming right before that record's row (or in its place,
//! when the record is skipped). A problem that concerns no row — "the file has no rows", a
//! JSON syntax error that stops the file, a spreadsheet sheet that cannot be read (its message
//! names the sheet; it may follow the previous sheet's rows, so do not attribute it to that
//! table) — comes where it is found.

mod cfb;
mod csv;
mod json;
mod spreadsheet;

use std::path::Path;
use std::sync::Arc;

use super::ReadError;
use crate::model::record::{RecordProblem, Row, Table};

/// What a record reader reports, in file order.
#[derive(Debug)]
pub enum Event {
    /// A table (CSV file, sheet, JSON array) starts; `kind` as returned by the picker. The rows
    /// that follow, up to the next `Table`/`Unrecognised`, belong to it.
    Table { table: Arc<Table>, kind: String },
    /// One data row of the current table.
    Row(Row),
    /// A problem with one record (ragged row, bad quoting, invalid JSON) or with a part of the
    /// file (a sheet that cannot be read, an empty file); reading goes on unless said otherwise.
    /// `line` is the physical line (CSV, JSON) or the sheet row (spreadsheets).
    Problem(RecordProblem),
    /// A sheet/table whose header identifies no kind (skipped), or an empty sheet.
    Unrecognised { sheet: Option<String> },
}

/// Chooses the header row among the first (up to) ten rows of a table and the record kind:
/// returns (index into `rows`, kind), or None when nothing is recognised.
pub type HeaderPicker<'a> = dyn Fn(&[Vec<String>]) -> Option<(usize, String)> + 'a;

/// How many rows of a table the header picker sees.
pub const HEADER_CANDIDATES: usize = 10;

/// File extensions read as record sources.
const RECORD_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "xlsx", "xlsm", "xls", "ods", "json", "jsonl", "ndjson",
];

/// Whether `path` names a record source by its extension (case-insensitive): .csv .tsv .xlsx
/// .xlsm .xls .ods .json .jsonl .ndjson.
pub fn is_record_file(path: &Path) -> bool {
    extension(path).is_some_and(|ext| RECORD_EXTENSIONS.contains(&ext.as_str()))
}

/// Read one record file, pushing its tables, rows and problems to `on` as they are read.
///
/// `display` is the file name as reported (it becomes [`Table::file`]). `pick` chooses the
/// header row and the kind of each table. Returns `Err` only when the file as a whole cannot
/// be read: it cannot be opened, it does not decode as text (CSV, JSON), or the workbook is
/// corrupt or encrypted.
pub fn read_records(
    path: &Path,
    display: &str,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) -> Result<(), ReadError> {
    let ext = extension(path).unwrap_or_default();
    if is_workbook(&ext) {
        return spreadsheet::read_workbook_file(path, &ext, display, pick, on);
    }
    if !RECORD_EXTENSIONS.contains(&ext.as_str()) {
        return Err(unsupported(&ext));
    }
    let bytes = read_bytes(path)?;
    read_records_bytes(bytes, &ext, display, pick, on)
}

/// [`read_records`] on a file's bytes: `ext` is the lower-case extension (without the dot)
/// that says how to read them.
pub fn read_records_bytes(
    bytes: Vec<u8>,
    ext: &str,
    display: &str,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) -> Result<(), ReadError> {
    match ext {
        "csv" | "tsv" => csv::read_csv(bytes, display, ext == "tsv", pick, on),
        "json" => json::read_json(bytes, display, false, pick, on),
        "jsonl" | "ndjson" => json::read_json(bytes, display, true, pick, on),
        _ if is_workbook(ext) => spreadsheet::read_workbook_bytes(&bytes, ext, display, pick, on),
        _ => Err(unsupported(ext)),
    }
}

fn is_workbook(ext: &str) -> bool {
    matches!(ext, "xlsx" | "xlsm" | "xls" | "ods" | "xlsb")
}

fn unsupported(ext: &str) -> ReadError {
    ReadError {
        message: format!(
            "bylaw does not read {} files as records",
            if ext.is_empty() {
                "extension-less".to_string()
            } else {
                format!(".{ext}")
            }
        ),
        help: Some(
            "record files are .csv, .tsv, .xlsx, .xlsm, .xls, .ods, .json, .jsonl and .ndjson"
                .into(),
        ),
    }
}

fn extension(path: &Path) -> Option<String> {
    Some(path.extension()?.to_str()?.to_ascii_lowercase())
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    std::fs::read(path).map_err(|e| ReadError {
        message: format!("cannot read this file: {}", super::io_reason(&e)),
        help: None,
    })
}

/// Decode a text record file (CSV, JSON), with help that fits record files.
fn decode(bytes: Vec<u8>, what: &str) -> Result<String, ReadError> {
    super::decode::decode_text(bytes)
        .map(|d| d.text)
        .map_err(|e| ReadError {
            message: e.message,
            help: Some(format!(
                "save the {what} as UTF-8 (or GBK/GB18030) text{}",
                if what.contains("CSV") {
                    "; in Excel: Save As → \"CSV UTF-8\""
                } else {
                    ""
                }
            )),
        })
}

fn problem(line: usize, message: impl Into<String>) -> Event {
    Event::Problem(RecordProblem {
        line: line.max(1),
        message: message.into(),
    })
}

/// Counts 1-based line numbers of byte offsets in a text, moving forward cheaply. A line
/// break is `\n`, `\r\n` or a lone `\r`.
struct LineCounter<'t> {
    text: &'t str,
    pos: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text,
            pos: 0,
            line: 1,
        }
    }

    /// The line of byte offset `target` (clamped to the text).
    fn line_at(&mut self, target: usize) -> usize {
        let target = target.min(self.text.len());
        if target < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let bytes = self.text.as_bytes();
        for i in self.pos..target {
            match bytes[i] {
                b'\n' => self.line += 1,
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
        }
        self.pos = target;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects events in a form that is easy to assert on.
    pub(super) fn collect(path: &Path, pick: &HeaderPicker) -> (Result<(), ReadError>, Vec<Event>) {
        let mut events = Vec::new();
        let result = read_records(path, "f", pick, &mut |e| events.push(e));
        (result, events)
    }

    pub(super) fn rows(events: &[Event]) -> Vec<&Row> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Row(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    pub(super) fn problems(events: &[Event]) -> Vec<&RecordProblem> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Problem(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    pub(super) fn tables(events: &[Event]) -> Vec<(&Arc<Table>, &str)> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Table { table, kind } => Some((table, kind.as_str())),
                _ => None,
            })
            .collect()
    }

    pub(super) fn texts(row: &Row) -> Vec<&str> {
        row.cells.iter().map(|c| &*c.text).collect()
    }

    /// A picker that accepts the first candidate row as the header.
    pub(super) fn first_row(rows: &[Vec<String>]) -> Option<(usize, String)> {
        (!rows.is_empty()).then(|| (0, "any".to_string()))
    }

    /// A picker that takes the first row containing `id` (or `客户编号`).
    pub(super) fn row_with_id(rows: &[Vec<String>]) -> Option<(usize, String)> {
        rows.iter()
            .position(|r| r.iter().any(|c| c.trim() == "id" || c.trim() == "客户编号"))
            .map(|i| (i, "customers".to_string()))
    }

    /// A temp file named `*<suffix>` (e.g. `.csv`) holding `bytes`, removed on drop.
    pub(super) fn temp_file(suffix: &str, bytes: &[u8]) -> tempfile::TempPath {
        use std::io::Write;
        let mut file = tempfile::Builder::new()
            .prefix("bylaw-records-")
            .suffix(suffix)
            .tempfile()
            .expect("temp file");
        file.write_all(bytes).expect("write temp file");
        file.into_temp_path()
    }

    pub(super) fn corpus(rel: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpora")
            .join(rel)
    }

    #[test]
    fn recognises_record_extensions() {
        for name in [
            "a.csv", "a.TSV", "a.xlsx", "a.xlsm", "a.xls", "a.ods", "a.json", "a.jsonl", "a.ndjson",
        ] {
            assert!(is_record_file(Path::new(name)), "{name}");
        }
        for name in ["a.md", "a.txt", "a.docx", "a", "a.xlsb"] {
            assert!(!is_record_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn unknown_extension_is_an_error() {
        let path = temp_file(".txt", b"id\n1\n");
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_err());
        assert!(events.is_empty());
    }

    #[test]
    fn line_counter_handles_all_line_breaks() {
        let text = "a\nb\r\nc\rd";
        let mut lines = LineCounter::new(text);
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(2), 2);
        assert_eq!(lines.line_at(5), 3);
        assert_eq!(lines.line_at(8), 4);
        assert_eq!(lines.line_at(1), 1);
    }

    /// Every CSV and spreadsheet of the shared corpora: no panic, Ok or Err only.
    #[test]
    fn every_corpus_file_reads_without_panic() {
        let mut seen = 0;
        for dir in ["csv", "xlsx"] {
            for entry in walkdir::WalkDir::new(corpus(dir)).sort_by_file_name() {
                let entry = entry.expect("corpus entry");
                if !entry.file_type().is_file() {
                    continue;
                }
                let path = entry.path();
                let mut counts = (0, 0, 0, 0);
                let result = read_records(path, "f", &first_row, &mut |e| match e {
                    Event::Table { .. } => counts.0 += 1,
                    Event::Row(_) => counts.1 += 1,
                    Event::Problem(_) => counts.2 += 1,
                    Event::Unrecognised { .. } => counts.3 += 1,
                });
                seen += 1;
                eprintln!(
                    "{}: {} tables={} rows={} problems={} unrecognised={}",
                    path.display(),
                    match &result {
                        Ok(()) => "ok".to_string(),
                        Err(e) => format!("err ({})", e.message),
                    },
                    counts.0,
                    counts.1,
                    counts.2,
                    counts.3
                );
            }
        }
        assert!(seen > 60, "corpus files found: {seen}");
    }
}
