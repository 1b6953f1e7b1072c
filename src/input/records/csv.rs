//! CSV/TSV record files.
//!
//! The file is decoded as a whole (UTF-8 with or without BOM, UTF-16 with BOM, or GBK/GB18030
//! as Excel writes it on Chinese Windows), then parsed record by record with the `csv` crate.
//! The delimiter is `,` `;` tab or `|`, detected from the first records (a `.tsv` file is
//! tab-separated; an Excel `sep=;` first line is honoured). Every record keeps its physical
//! line, its raw text and the byte span of each field within that text, so a diagnostic can
//! quote and underline the offending cell.

use std::ops::Range;
use std::sync::Arc;

use ::csv::{ByteRecord, ReaderBuilder};

use super::{Event, HEADER_CANDIDATES, HeaderPicker, LineCounter, problem};
use crate::input::ReadError;
use crate::model::record::{Cell, RecordFormat, Row, RowPlace, Table};

/// Delimiters we detect, in order of preference when the evidence ties.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// How many records delimiter detection looks at, and in how many bytes at most.
const SNIFF_RECORDS: usize = 20;
const SNIFF_BYTES: usize = 64 * 1024;

pub(super) fn read_csv(
    bytes: Vec<u8>,
    display: &str,
    is_tsv: bool,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) -> Result<(), ReadError> {
    let text = super::decode(bytes, "CSV file")?;
    let (body_start, directive) = sep_directive(&text);
    let delimiter = directive.unwrap_or_else(|| {
        if is_tsv {
            b'\t'
        } else {
            detect_delimiter(&text[body_start..])
        }
    });
    let mut records = Records::new(&text, body_start, delimiter);

    // The header candidates: the first (up to) ten non-blank records.
    let mut head: Vec<RawRecord> = Vec::new();
    let mut stopped: Option<Event> = None;
    while head.len() < HEADER_CANDIDATES {
        match records.next_record() {
            Some(Ok(record)) => head.push(record),
            Some(Err(stop)) => {
                stopped = Some(stop);
                break;
            }
            None => break,
        }
    }
    if head.is_empty() {
        on(stopped.unwrap_or_else(|| problem(1, "the file has no rows")));
        return Ok(());
    }
    let candidates: Vec<Vec<String>> = head
        .iter()
        .map(|r| r.fields.iter().map(|f| f.to_string()).collect())
        .collect();
    let Some((header_at, kind)) = pick(&candidates).filter(|(i, _)| *i < head.len()) else {
        on(Event::Unrecognised { sheet: None });
        return Ok(());
    };

    let mut head = head.into_iter().skip(header_at);
    let Some(header) = head.next() else {
        on(Event::Unrecognised { sheet: None });
        return Ok(());
    };
    let header_width = header.fields.len();
    let header_problem = header.quote_problem.clone();
    let table = Arc::new(Table {
        file: display.to_string(),
        format: RecordFormat::Csv,
        sheet: None,
        header_line: header.line,
        header_spans: header.spans.clone().unwrap_or_default(),
        header_raw: Some(header.raw),
        header: header.fields.iter().map(|f| f.to_string()).collect(),
    });
    on(Event::Table {
        table: Arc::clone(&table),
        kind,
    });
    if let Some(message) = header_problem {
        on(problem(header.line, message));
    }

    let mut row_index = 0;
    let mut emit = |record: RawRecord, on: &mut dyn FnMut(Event)| {
        row_index += 1;
        if let Some(message) = &record.quote_problem {
            on(problem(record.line, message.clone()));
        }
        if record.fields.len() != header_width {
            on(problem(
                record.line,
                format!(
                    "row has {} field{}, the header has {}",
                    record.fields.len(),
                    if record.fields.len() == 1 { "" } else { "s" },
                    header_width
                ),
            ));
        }
        let spans = record.spans.unwrap_or_default();
        let cells = record
            .fields
            .into_iter()
            .enumerate()
            .map(|(i, text)| Cell {
                text,
                span: spans.get(i).cloned(),
            })
            .collect();
        on(Event::Row(Row {
            table: Arc::clone(&table),
            place: RowPlace {
                row: row_index,
                line: record.line,
                raw: Some(record.raw),
            },
            cells,
        }));
    };
    for record in head {
        emit(record, on);
    }
    if let Some(stop) = stopped {
        on(stop);
        return Ok(());
    }
    loop {
        match records.next_record() {
            Some(Ok(record)) => emit(record, on),
            Some(Err(stop)) => {
                on(stop);
                break;
            }
            None => break,
        }
    }
    Ok(())
}

/// One non-blank CSV record and where it is.
struct RawRecord {
    /// Physical 1-based line where the record starts.
    line: usize,
    /// The record's physical line(s), without the final line terminator.
    raw: String,
    fields: Vec<Arc<str>>,
    /// Byte range of each field within `raw` (quotes included), when the scan agrees with the
    /// parser on the number of fields.
    spans: Option<Vec<Range<usize>>>,
    /// Bad quoting found in the record.
    quote_problem: Option<String>,
}

/// Streams the non-blank records of a decoded CSV text.
struct Records<'t> {
    text: &'t str,
    /// Byte offset in `text` where the parsed body starts (after a `sep=` line).
    offset: usize,
    delimiter: u8,
    reader: ::csv::Reader<&'t [u8]>,
    record: ByteRecord,
    lines: LineCounter<'t>,
    done: bool,
}

impl<'t> Records<'t> {
    fn new(text: &'t str, offset: usize, delimiter: u8) -> Self {
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(&text.as_bytes()[offset..]);
        Records {
            text,
            offset,
            delimiter,
            reader,
            record: ByteRecord::new(),
            lines: LineCounter::new(text),
            done: false,
        }
    }

    /// The next non-blank record; `Err` carries the problem that stopped the reader.
    fn next_record(&mut self) -> Option<Result<RawRecord, Event>> {
        while !self.done {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    if self
                        .record
                        .iter()
                        .all(|f| f.iter().all(u8::is_ascii_whitespace))
                    {
                        continue; // a blank line, or only delimiters (an empty Excel row)
                    }
                    return Some(Ok(self.current()));
                }
                Err(e) => {
                    // With flexible parsing of decoded text, the csv reader cannot fail on the
                    // data; an error here stops the file.
                    self.done = true;
                    let at = e
                        .position()
                        .map(|p| p.byte() as usize)
                        .unwrap_or_else(|| self.reader.position().byte() as usize);
                    let line = self.lines.line_at(self.offset + at);
                    return Some(Err(problem(
                        line,
                        format!("cannot parse the CSV from here on: {e}"),
                    )));
                }
            }
        }
        None
    }

    fn current(&mut self) -> RawRecord {
        let bytes = self.text.as_bytes();
        let mut start = self.offset
            + self
                .record
                .position()
                .map(|p| p.byte() as usize)
                .unwrap_or(0);
        // The record's position may be before the blank lines (or the `\n` of a CRLF) that
        // the parser skipped on its way to the record.
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let mut end = (self.offset + self.reader.position().byte() as usize).min(bytes.len());
        if end < start {
            end = start;
        }
        let mut raw = self.text.get(start..end).unwrap_or_default();
        raw = raw
            .strip_suffix("\r\n")
            .or_else(|| raw.strip_suffix('\n'))
            .or_else(|| raw.strip_suffix('\r'))
            .unwrap_or(raw);
        let line = self.lines.line_at(start);
        let fields: Vec<Arc<str>> = self
            .record
            .iter()
            .map(|f| Arc::from(String::from_utf8_lossy(f)))
            .collect();
        let scan = scan_fields(raw, self.delimiter);
        let quote_problem = scan.issue.map(|issue| match issue {
            QuoteIssue::Unclosed { field } => format!(
                "field {} opens a quote that is never closed: the rest of the file was read \
                 into this one cell",
                field + 1
            ),
            QuoteIssue::TextAfterQuote { field } => format!(
                "field {} has text after its closing quote (a quote inside a quoted field must \
                 be doubled: \"\")",
                field + 1
            ),
        });
        let spans = (scan.spans.len() == fields.len()).then_some(scan.spans);
        RawRecord {
            line,
            raw: raw.to_string(),
            fields,
            spans,
            quote_problem,
        }
    }
}

enum QuoteIssue {
    /// A quoted field runs to the end of the file.
    Unclosed { field: usize },
    /// `"abc"def`: the parser joins the parts, which is rarely what the writer meant.
    TextAfterQuote { field: usize },
}

struct FieldScan {
    spans: Vec<Range<usize>>,
    issue: Option<QuoteIssue>,
}

/// Splits one raw record into field spans the way the csv parser reads it (RFC 4180 quoting,
/// doubled quotes; a quote only opens a quoted field at the start of the field). The span of a
/// quoted field covers its quotes.
fn scan_fields(raw: &str, delimiter: u8) -> FieldScan {
    let bytes = raw.as_bytes();
    let len = bytes.len();
    let mut spans = Vec::new();
    let mut issue = None;
    let mut i = 0;
    loop {
        let start = i;
        if i < len && bytes[i] == b'"' {
            i += 1;
            let mut closed = false;
            while i < len {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    closed = true;
                    i += 1;
                    break;
                }
                i += 1;
            }
            if !closed {
                issue.get_or_insert(QuoteIssue::Unclosed { field: spans.len() });
                spans.push(start..len);
                break;
            }
            let after_quote = i;
            while i < len && bytes[i] != delimiter {
                i += 1;
            }
            if i > after_quote {
                issue.get_or_insert(QuoteIssue::TextAfterQuote { field: spans.len() });
            }
        } else {
            while i < len && bytes[i] != delimiter {
                i += 1;
            }
        }
        spans.push(start..i);
        if i < len {
            i += 1; // the delimiter
        } else {
            break;
        }
    }
    FieldScan { spans, issue }
}

/// Excel's `sep=;` first line: returns where the body starts and the delimiter it names.
fn sep_directive(text: &str) -> (usize, Option<u8>) {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = text[..first_end].trim_end_matches(['\r', '\n']);
    match first.strip_prefix("sep=").map(str::as_bytes) {
        Some([d]) if d.is_ascii() && !d.is_ascii_alphanumeric() && *d != b'"' => {
            (first_end, Some(*d))
        }
        _ => (0, None),
    }
}

/// Chooses the delimiter whose count per record is the most consistent over the first
/// records (ties: the larger count, then `,` `\t` `;` `|` in that order). Counting is
/// quote-aware, so delimiters inside quoted fields and quoted line breaks do not count.
fn detect_delimiter(text: &str) -> u8 {
    let sample = &text.as_bytes()[..text.len().min(SNIFF_BYTES)];
    let mut best = (b',', (0usize, 0usize));
    for d in DELIMITERS {
        let counts = counts_per_record(sample, d);
        let mut tally: Vec<(usize, usize)> = Vec::new(); // (count, records with it)
        for c in counts.into_iter().filter(|c| *c > 0) {
            match tally.iter_mut().find(|(k, _)| *k == c) {
                Some((_, n)) => *n += 1,
                None => tally.push((c, 1)),
            }
        }
        let score = tally
            .iter()
            .map(|(count, records)| (*records, *count))
            .max()
            .unwrap_or((0, 0));
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn counts_per_record(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut counts = Vec::new();
    let (mut in_quotes, mut count, mut content) = (false, 0, false);
    for &b in sample {
        if b == b'"' {
            in_quotes = !in_quotes;
            content = true;
        } else if in_quotes {
            continue;
        } else if b == delimiter {
            count += 1;
            content = true;
        } else if b == b'\n' || b == b'\r' {
            if content {
                counts.push(count);
                if counts.len() >= SNIFF_RECORDS {
                    return counts;
                }
            }
            (count, content) = (0, false);
        } else if !b.is_ascii_whitespace() {
            content = true;
        }
    }
    if content {
        counts.push(count);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        collect, first_row, problems, row_with_id, rows, tables, temp_file, texts,
    };
    use super::*;

    #[test]
    fn bom_crlf_and_quoted_newline_keep_lines_raw_and_spans() {
        let csv = "\u{feff}id,name,note\r\n1,\"a,b\",x\r\n2,\"multi\r\nline\",\"say \"\"hi\"\"\"\r\n\r\n3,c,\r\n";
        let path = temp_file(".csv", csv.as_bytes());
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        let t = tables(&events);
        assert_eq!(t.len(), 1);
        let table = t[0].0;
        assert_eq!(table.header, ["id", "name", "note"]);
        assert_eq!(table.header_line, 1);
        assert_eq!(table.header_raw.as_deref(), Some("id,name,note"));
        assert_eq!(table.header_spans, [0..2, 3..7, 8..12]);
        assert!(problems(&events).is_empty(), "{:?}", problems(&events));

        let rows = rows(&events);
        assert_eq!(rows.len(), 3);
        let r = rows[0];
        assert_eq!((r.place.row, r.place.line), (1, 2));
        let raw = r.place.raw.as_deref().unwrap();
        assert_eq!(raw, "1,\"a,b\",x");
        assert_eq!(texts(r), ["1", "a,b", "x"]);
        assert_eq!(&raw[r.cells[1].span.clone().unwrap()], "\"a,b\"");
        assert_eq!(&raw[r.cells[2].span.clone().unwrap()], "x");

        let r = rows[1];
        assert_eq!((r.place.row, r.place.line), (2, 3));
        let raw = r.place.raw.as_deref().unwrap();
        assert_eq!(raw, "2,\"multi\r\nline\",\"say \"\"hi\"\"\"");
        assert_eq!(texts(r), ["2", "multi\r\nline", "say \"hi\""]);
        assert_eq!(&raw[r.cells[1].span.clone().unwrap()], "\"multi\r\nline\"");
        assert_eq!(&raw[r.cells[2].span.clone().unwrap()], "\"say \"\"hi\"\"\"");

        // The blank line 5 is skipped; the record on line 6 is data row 3.
        let r = rows[2];
        assert_eq!((r.place.row, r.place.line), (3, 6));
        assert_eq!(r.place.raw.as_deref(), Some("3,c,"));
        assert_eq!(texts(r), ["3", "c", ""]);
        assert_eq!(r.cells[2].span, Some(4..4));
    }

    #[test]
    fn gbk_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("客户编号,姓名,手机\n1,张三,13812345678\n");
        let path = temp_file(".csv", &bytes);
        let (result, events) = collect(&path, &row_with_id);
        assert!(result.is_ok());
        let t = tables(&events);
        assert_eq!(t[0].0.header, ["客户编号", "姓名", "手机"]);
        assert_eq!(t[0].1, "customers");
        let rows = rows(&events);
        assert_eq!(texts(rows[0]), ["1", "张三", "13812345678"]);
        let raw = rows[0].place.raw.as_deref().unwrap();
        assert_eq!(&raw[rows[0].cells[1].span.clone().unwrap()], "张三");
    }

    #[test]
    fn ragged_rows_are_problems_and_still_rows() {
        let path = temp_file(".csv", b"id,a,b\n1,2\n3,4,5\n6,7,8,9\n");
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        let p = problems(&events);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].line, p[0].message.as_str()),
            (2, "row has 2 fields, the header has 3")
        );
        assert_eq!(
            (p[1].line, p[1].message.as_str()),
            (4, "row has 4 fields, the header has 3")
        );
        let rows = rows(&events);
        assert_eq!(rows.len(), 3);
        assert_eq!(texts(rows[0]), ["1", "2"]);
        assert_eq!(texts(rows[2]), ["6", "7", "8", "9"]);
        // The problem comes right before its row.
        let i = events
            .iter()
            .position(|e| matches!(e, Event::Problem(_)))
            .unwrap();
        assert!(matches!(&events[i + 1], Event::Row(r) if r.place.line == 2));
    }

    #[test]
    fn banner_rows_above_the_header_are_skipped() {
        let csv = "2024年客户档案,,\n,,\n客户编号,姓名,手机\n1,张三,13812345678\n";
        let path = temp_file(".csv", csv.as_bytes());
        let (_, events) = collect(&path, &row_with_id);
        let t = tables(&events);
        assert_eq!(t[0].0.header_line, 3);
        assert_eq!(t[0].0.header, ["客户编号", "姓名", "手机"]);
        let rows = rows(&events);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].place.row, rows[0].place.line), (1, 4));
        assert!(problems(&events).is_empty());
    }

    #[test]
    fn picker_sees_the_first_ten_records_and_can_refuse() {
        let mut csv = String::new();
        for i in 0..15 {
            csv.push_str(&format!("x{i},y\n"));
        }
        let path = temp_file(".csv", csv.as_bytes());
        let seen = std::cell::Cell::new(0);
        let pick = |rows: &[Vec<String>]| {
            seen.set(rows.len());
            None
        };
        let (result, events) = collect(&path, &pick);
        assert!(result.is_ok());
        assert_eq!(seen.get(), 10);
        assert!(matches!(
            events.as_slice(),
            [Event::Unrecognised { sheet: None }]
        ));
    }

    #[test]
    fn semicolon_tab_and_pipe_delimiters_are_detected() {
        let path = temp_file(
            ".csv",
            "id;name;amount\n1;\"a;b\";1,5\n2;c;2,25\n".as_bytes(),
        );
        let (_, events) = collect(&path, &first_row);
        assert_eq!(tables(&events)[0].0.header, ["id", "name", "amount"]);
        let rows = rows(&events);
        assert_eq!(texts(rows[0]), ["1", "a;b", "1,5"]);
        assert_eq!(texts(rows[1]), ["2", "c", "2,25"]);

        let path = temp_file(".csv", b"id\tname\n1\ta, b\n");
        let (_, events) = collect(&path, &first_row);
        assert_eq!(texts(rows_of(&events)[0]), ["1", "a, b"]);

        let path = temp_file(".csv", b"id|name\n1|a\n");
        let (_, events) = collect(&path, &first_row);
        assert_eq!(texts(rows_of(&events)[0]), ["1", "a"]);

        // .tsv is tab-separated whatever the content.
        let path = temp_file(".tsv", b"id,x\tname\n1,y\ta\n");
        let (_, events) = collect(&path, &first_row);
        assert_eq!(tables(&events)[0].0.header, ["id,x", "name"]);

        // Excel's sep= line.
        let path = temp_file(".csv", b"sep=;\nid;name\n1;a,b\n");
        let (_, events) = collect(&path, &first_row);
        assert_eq!(tables(&events)[0].0.header_line, 2);
        let rows = rows_of(&events);
        assert_eq!(texts(rows[0]), ["1", "a,b"]);
        assert_eq!(rows[0].place.line, 3);
    }

    /// `rows` for tests that shadow it with a local.
    fn rows_of(events: &[Event]) -> Vec<&Row> {
        rows(events)
    }

    #[test]
    fn empty_files_have_no_rows() {
        for content in [&b""[..], b"\n\r\n\n", b"\xEF\xBB\xBF"] {
            let path = temp_file(".csv", content);
            let (result, events) = collect(&path, &first_row);
            assert!(result.is_ok());
            assert_eq!(events.len(), 1);
            let p = problems(&events);
            assert_eq!(
                (p[0].line, p[0].message.as_str()),
                (1, "the file has no rows")
            );
        }
    }

    #[test]
    fn bad_quoting_is_a_problem() {
        let path = temp_file(".csv", b"id,name\n1,\"a\"b\n2,\"open\n3,x\n");
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        let p = problems(&events);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].line, 2);
        assert!(p[0].message.contains("text after its closing quote"));
        assert_eq!(p[1].line, 3);
        assert!(p[1].message.contains("never closed"));
        let rows = rows(&events);
        assert_eq!(texts(rows[0]), ["1", "ab"]);
        assert_eq!(&*rows[1].cells[1].text, "open\n3,x\n");
        let raw = rows[1].place.raw.as_deref().unwrap();
        assert_eq!(&raw[rows[1].cells[1].span.clone().unwrap()], "\"open\n3,x");
    }

    #[test]
    fn undecodable_csv_is_an_error() {
        let path = temp_file(".csv", b"id,name\n1,\x80\xff\xfe\x81\n");
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_err());
        assert!(events.is_empty());
    }

    #[test]
    fn scan_matches_parser_fields() {
        let s = scan_fields("a,\"b,\"\"c\",,\"\"", b',');
        assert_eq!(s.spans, [0..1, 2..9, 10..10, 11..13]);
        assert!(s.issue.is_none());
        assert_eq!(detect_delimiter("a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(detect_delimiter("a,b\n\"x;y\",2\n"), b',');
        assert_eq!(detect_delimiter("title\n"), b',');
    }

    #[test]
    fn corpus_csv_files() {
        use super::super::tests::corpus;
        // csv-spectrum: quoted newline with CRLF.
        let (result, events) = collect(&corpus("csv/csv-spectrum/newlines_crlf.csv"), &first_row);
        assert!(result.is_ok());
        let rows = rows(&events);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].place.line, 3);
        assert_eq!(&*rows[1].cells[0].text, "Once upon \r\na time");
        assert_eq!(rows[2].place.line, 5);
        assert!(problems(&events).is_empty());
        // commons-csv bom.csv: BOM before the header.
        let (_, events) = collect(&corpus("csv/commons-csv/bom.csv"), &first_row);
        assert!(!tables(&events)[0].0.header[0].starts_with('\u{feff}'));
        // tabulator bom.csv: BOM + Chinese.
        let (_, events) = collect(&corpus("csv/tabulator/bom.csv"), &first_row);
        assert!(
            rows_of(&events)
                .iter()
                .any(|r| r.cells.iter().any(|c| &*c.text == "中国人"))
        );
        // a 0-byte file with another extension is not a CSV; an empty CSV has no rows.
        let path = temp_file(".csv", b"");
        let (_, events) = collect(&path, &first_row);
        assert_eq!(problems(&events).len(), 1);
    }
}
