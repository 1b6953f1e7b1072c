//! Spreadsheet record files: .xlsx/.xlsm, .xls, .ods (and .xlsb), read with calamine.
//!
//! Every worksheet is a table. XLSX sheets are streamed cell by cell; the other formats come
//! as one calamine range per sheet. Cell values become text as a person reads them in Excel:
//! dates `YYYY-MM-DD` (with ` HH:MM:SS` when there is a time), integers without `.0`, other
//! numbers rounded to Excel's 15 significant digits, `TRUE`/`FALSE`, errors such as `#N/A`.
//! A row's cells are indexed by sheet column (index 0 is column A), so [`Row::cell_ref`] names
//! the real cell, and `place.line` is the sheet row number.
//!
//! calamine is third-party code reading untrusted files: every call into it runs under
//! `catch_unwind`, so a panic in it becomes an error for the workbook or a problem for the
//! sheet, never the end of the run.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use calamine::{
    Data, DataRef, ExcelDateTime, Ods, Reader, SheetType, Sheets, Xls, Xlsb, Xlsx,
    open_workbook_from_rs,
};

use super::{Event, HEADER_CANDIDATES, HeaderPicker, problem};
use crate::input::ReadError;
use crate::model::record::{Cell, RecordFormat, Row, RowPlace, Table};

/// Excel's column limit (XFD); cells beyond it are ignored.
const MAX_COLUMNS: usize = 16_384;

/// The container formats calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Xls,
    Xlsb,
    Ods,
}

/// Read a workbook file; it is opened again for each container format tried.
pub(super) fn read_workbook_file(
    path: &Path,
    ext: &str,
    display: &str,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) -> Result<(), ReadError> {
    let magic = read_magic(path)?;
    let reopen = || File::open(path).map(BufReader::new);
    read_workbook(&reopen, &magic, ext, display, pick, on)
}

/// Read a workbook from its bytes.
pub(super) fn read_workbook_bytes(
    bytes: &[u8],
    ext: &str,
    display: &str,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) -> Result<(), ReadError> {
    let magic = &bytes[..bytes.len().min(8)];
    let reopen = || Ok(Cursor::new(bytes));
    read_workbook(&reopen, magic, ext, display, pick, on)
}

/// Read a workbook whose content `reopen` gives from its start, each time it is called;
/// `magic` is its first bytes.
fn read_workbook<R: Read + Seek>(
    reopen: &dyn Fn() -> std::io::Result<R>,
    magic: &[u8],
    ext: &str,
    display: &str,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) -> Result<(), ReadError> {
    let declared = match ext {
        "xls" => Format::Xls,
        "xlsb" => Format::Xlsb,
        "ods" => Format::Ods,
        _ => Format::Xlsx,
    };
    let mut book = open(reopen, declared, magic, ext)?;

    let sheets: Vec<(String, SheetType)> = match guard(|| {
        book.sheets_metadata()
            .iter()
            .map(|s| (s.name.clone(), s.typ))
            .collect()
    }) {
        Ok(sheets) => sheets,
        Err(_) => return Err(damaged(ext, "its list of sheets cannot be read")),
    };
    if sheets.is_empty() {
        on(problem(1, "the workbook has no sheets"));
        return Ok(());
    }
    for (name, typ) in sheets {
        if typ != SheetType::WorkSheet {
            continue; // chart sheets, macro sheets, dialogs hold no records
        }
        read_sheet(&mut book, &name, display, pick, on);
    }
    Ok(())
}

/// Runs a calamine call, turning a panic into `Err`.
fn guard<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| ())
}

fn read_magic(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut file = File::open(path).map_err(|e| ReadError {
        message: format!("cannot read this file: {}", crate::input::io_reason(&e)),
        help: None,
    })?;
    let mut magic = Vec::with_capacity(8);
    file.by_ref()
        .take(8)
        .read_to_end(&mut magic)
        .map_err(|e| ReadError {
            message: format!("cannot read this file: {}", crate::input::io_reason(&e)),
            help: None,
        })?;
    Ok(magic)
}

const ZIP_MAGIC: &[u8] = b"PK";
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Opens the workbook as its extension says; when that fails and the content is another
/// spreadsheet container (an .xlsx saved with an .xls name, say), as that.
fn open<R: Read + Seek>(
    reopen: &dyn Fn() -> std::io::Result<R>,
    declared: Format,
    magic: &[u8],
    ext: &str,
) -> Result<Sheets<R>, ReadError> {
    if magic.is_empty() {
        return Err(ReadError {
            message: "this workbook is empty (0 bytes)".into(),
            help: None,
        });
    }
    if magic.starts_with(CFB_MAGIC) {
        // calamine would loop on such a file until memory runs out (see `cfb`).
        let mut content = Vec::new();
        reopen()
            .and_then(|mut r| r.read_to_end(&mut content))
            .map_err(|e| ReadError {
                message: format!("cannot read this file: {}", crate::input::io_reason(&e)),
                help: None,
            })?;
        if !super::cfb::chains_end(&content) {
            return Err(damaged(
                ext,
                "a chain of sectors in the file loops back on itself",
            ));
        }
    }
    let first = open_as(reopen, declared);
    let error = match first {
        Ok(book) => return Ok(book),
        Err(e) => e,
    };
    let sniffed = if magic.starts_with(ZIP_MAGIC) {
        Some(if declared == Format::Xlsx {
            Format::Ods
        } else {
            Format::Xlsx
        })
    } else if magic.starts_with(CFB_MAGIC) && declared != Format::Xlsx {
        Some(Format::Xls)
    } else {
        None
    };
    if let Some(other) = sniffed.filter(|f| *f != declared)
        && let Ok(book) = open_as(reopen, other)
    {
        return Ok(book);
    }
    Err(open_error(error, magic, ext))
}

enum OpenError {
    Calamine(calamine::Error),
    Panicked,
}

fn open_as<R: Read + Seek>(
    reopen: &dyn Fn() -> std::io::Result<R>,
    format: Format,
) -> Result<Sheets<R>, OpenError> {
    let opened = guard(|| -> Result<Sheets<R>, calamine::Error> {
        let content = reopen().map_err(calamine::Error::Io)?;
        Ok(match format {
            Format::Xlsx => Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(content)?),
            Format::Xls => Sheets::Xls(open_workbook_from_rs::<Xls<_>, _>(content)?),
            Format::Xlsb => Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(content)?),
            Format::Ods => Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(content)?),
        })
    });
    match opened {
        Ok(Ok(book)) => Ok(book),
        Ok(Err(e)) => Err(OpenError::Calamine(e)),
        Err(()) => Err(OpenError::Panicked),
    }
}

fn open_error(error: OpenError, magic: &[u8], ext: &str) -> ReadError {
    let error = match error {
        OpenError::Calamine(e) => e,
        OpenError::Panicked => return damaged(ext, "the spreadsheet reader failed on it"),
    };
    let password = matches!(
        &error,
        calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Xls(calamine::XlsError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password)
    );
    if password {
        return ReadError {
            message: "this workbook is password-protected (encrypted), so it cannot be checked"
                .into(),
            help: Some(
                "save a copy without the password (Excel: File → Info → Protect Workbook → \
                 Encrypt with Password, clear the password), or export the sheet as CSV"
                    .into(),
            ),
        };
    }
    if !magic.starts_with(ZIP_MAGIC) && !magic.starts_with(CFB_MAGIC) {
        let looks_like = if magic.iter().all(|b| b.is_ascii() && *b != 0)
            || magic.starts_with(b"\xEF\xBB\xBF")
        {
            if magic.trim_ascii_start().starts_with(b"<") {
                " (it looks like HTML or XML, as some systems export with a spreadsheet name)"
            } else {
                " (it looks like text)"
            }
        } else {
            ""
        };
        return ReadError {
            message: format!("this file is not a spreadsheet workbook{looks_like}"),
            help: Some(format!(
                "open it in Excel and save it as .xlsx, or export it as CSV; the .{ext} name \
                 does not match the content"
            )),
        };
    }
    let detail = error.to_string();
    let detail = ["Xlsx error: ", "Xls error: ", "Xlsb error: ", "Ods error: "]
        .iter()
        .find_map(|prefix| detail.strip_prefix(prefix))
        .unwrap_or(&detail)
        .to_string();
    damaged(ext, &lowercase_first(&detail))
}

fn damaged(ext: &str, detail: &str) -> ReadError {
    ReadError {
        message: format!(
            "cannot open this workbook: it is damaged or not a valid .{ext} file ({detail})"
        ),
        help: Some(
            "open it in Excel (which may repair it) and save it again, or export it as CSV".into(),
        ),
    }
}

/// An error message from a library as a lowercase phrase without a final full stop.
fn lowercase_first(s: &str) -> String {
    let s = s.trim().trim_end_matches('.');
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One sheet row: its 0-based sheet row number and its cells' text from column A on.
type SheetRow = (u32, Vec<String>);

fn read_sheet<R: Read + Seek>(
    book: &mut Sheets<R>,
    name: &str,
    display: &str,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) {
    match book {
        Sheets::Xlsx(xlsx) => {
            let reader = match guard(|| xlsx.worksheet_cells_reader(name)) {
                Ok(Ok(reader)) => reader,
                Ok(Err(e)) => {
                    on(sheet_failed(name, &e.to_string()));
                    return;
                }
                Err(()) => {
                    on(sheet_failed(name, "the spreadsheet reader failed on it"));
                    return;
                }
            };
            let mut reader = reader;
            let mut pending: Option<calamine::Cell<DataRef>> = None;
            let mut done = false;
            let mut next_row = || -> Result<Option<SheetRow>, String> {
                let mut current: Option<SheetRow> = None;
                while !done {
                    let cell = match pending.take() {
                        Some(cell) => cell,
                        None => match guard(|| reader.next_cell()) {
                            Ok(Ok(Some(cell))) => cell,
                            Ok(Ok(None)) => {
                                done = true;
                                break;
                            }
                            Ok(Err(e)) => {
                                done = true;
                                return Err(e.to_string());
                            }
                            Err(()) => {
                                done = true;
                                return Err("the spreadsheet reader failed on it".into());
                            }
                        },
                    };
                    let (row, col) = cell.get_position();
                    let (_, cells) = match &mut current {
                        Some((r, _)) if *r != row => {
                            pending = Some(cell);
                            break;
                        }
                        Some(current) => current,
                        None => current.insert((row, Vec::new())),
                    };
                    let col = col as usize;
                    if col < MAX_COLUMNS {
                        let text = data_ref_text(cell.get_value());
                        if !text.is_empty() {
                            if cells.len() <= col {
                                cells.resize(col + 1, String::new());
                            }
                            cells[col] = text;
                        }
                    }
                }
                Ok(current)
            };
            read_rows(&mut next_row, name, display, pick, on);
        }
        other => {
            let range = match guard(|| other.worksheet_range(name)) {
                Ok(Ok(range)) => range,
                Ok(Err(e)) => {
                    on(sheet_failed(name, &e.to_string()));
                    return;
                }
                Err(()) => {
                    on(sheet_failed(name, "the spreadsheet reader failed on it"));
                    return;
                }
            };
            let (first_row, first_col) = range.start().unwrap_or((0, 0));
            let mut rows = range.rows().enumerate();
            let mut next_row = || -> Result<Option<SheetRow>, String> {
                Ok(rows.next().map(|(i, cells)| {
                    let mut texts = vec![String::new(); (first_col as usize).min(MAX_COLUMNS)];
                    texts.extend(
                        cells
                            .iter()
                            .take(MAX_COLUMNS.saturating_sub(texts.len()))
                            .map(data_text),
                    );
                    (first_row.saturating_add(i as u32), texts)
                }))
            };
            read_rows(&mut next_row, name, display, pick, on);
        }
    }
}

fn sheet_failed(name: &str, why: &str) -> Event {
    problem(
        1,
        format!("sheet \"{name}\" cannot be read: {}", lowercase_first(why)),
    )
}

/// Finds the header among the first non-empty rows of a sheet, announces the table and
/// streams its data rows. Empty rows are skipped.
fn read_rows(
    next_row: &mut dyn FnMut() -> Result<Option<SheetRow>, String>,
    name: &str,
    display: &str,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) {
    let mut next_non_empty = || -> Result<Option<SheetRow>, String> {
        while let Some((row, mut cells)) = next_row()? {
            while cells.last().is_some_and(|c| c.trim().is_empty()) {
                cells.pop();
            }
            if !cells.is_empty() {
                return Ok(Some((row, cells)));
            }
        }
        Ok(None)
    };

    let mut head: Vec<SheetRow> = Vec::new();
    let mut failure = None;
    while head.len() < HEADER_CANDIDATES {
        match next_non_empty() {
            Ok(Some(row)) => head.push(row),
            Ok(None) => break,
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    if head.is_empty() {
        match failure {
            Some(e) => on(sheet_failed(name, &e)),
            None => on(Event::Unrecognised {
                sheet: Some(name.to_string()),
            }),
        }
        return;
    }
    let candidates: Vec<Vec<String>> = head.iter().map(|(_, cells)| cells.clone()).collect();
    let Some((header_at, kind)) = pick(&candidates).filter(|(i, _)| *i < head.len()) else {
        on(Event::Unrecognised {
            sheet: Some(name.to_string()),
        });
        return;
    };
    let mut head = head.into_iter().skip(header_at);
    let Some((header_row, header)) = head.next() else {
        return;
    };
    let table = Arc::new(Table {
        file: display.to_string(),
        format: RecordFormat::Spreadsheet,
        sheet: Some(name.to_string()),
        header,
        header_line: header_row as usize + 1,
        header_raw: None,
        header_spans: Vec::new(),
    });
    on(Event::Table {
        table: Arc::clone(&table),
        kind,
    });
    let width = table.header.len();
    let mut index = 0;
    let mut last_line = table.header_line;
    let mut emit = |(row, cells): SheetRow, on: &mut dyn FnMut(Event)| {
        index += 1;
        last_line = row as usize + 1;
        let mut cells: Vec<Cell> = cells
            .into_iter()
            .map(|text| Cell {
                text: text.into(),
                span: None,
            })
            .collect();
        while cells.len() < width {
            cells.push(Cell {
                text: Arc::from(""),
                span: None,
            });
        }
        on(Event::Row(Row {
            table: Arc::clone(&table),
            place: RowPlace {
                row: index,
                line: row as usize + 1,
                raw: None,
            },
            cells,
        }));
    };
    for row in head {
        emit(row, on);
    }
    if failure.is_none() {
        loop {
            match next_non_empty() {
                Ok(Some(row)) => emit(row, on),
                Ok(None) => break,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
    }
    if let Some(e) = failure {
        on(problem(
            last_line,
            format!(
                "sheet \"{name}\" could not be read to the end: {}; the rows after sheet row \
                 {last_line} are not checked",
                lowercase_first(&e),
            ),
        ));
    }
}

fn data_text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(dt) => datetime_text(dt),
        Data::DateTimeIso(s) => iso_datetime_text(s),
        Data::DurationIso(s) => iso_duration_text(s),
        Data::Error(e) => e.to_string(),
    }
}

fn data_ref_text(value: &DataRef) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => bool_text(*b),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::DateTimeIso(s) => iso_datetime_text(s),
        DataRef::DurationIso(s) => iso_duration_text(s),
        DataRef::Error(e) => e.to_string(),
    }
}

fn bool_text(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_string()
}

/// A number as Excel shows it in General format: at most 15 significant digits, integers
/// without a decimal point (`12000`, `0.5`, `0.3` for 0.30000000000000004).
fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded == 0.0 {
        return "0".into();
    }
    format!("{rounded}")
}

/// An Excel serial date/time: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, or `HH:MM:SS` for a time
/// of day without a date; a duration as `HH:MM:SS` (hours may exceed 24).
fn datetime_text(dt: &ExcelDateTime) -> String {
    let value = dt.as_f64();
    if !value.is_finite() {
        return number_text(value);
    }
    if dt.is_duration() {
        return duration_text((value * 86_400.0).round());
    }
    if (0.0..1.0).contains(&value) {
        let seconds = (value * 86_400.0).round() as i64 % 86_400;
        return format!(
            "{:02}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    // Round to the second (a serial time is rarely exact).
    let exact = chrono::NaiveDate::from_ymd_opt(y.into(), mo.into(), d.into())
        .and_then(|date| date.and_hms_milli_opt(h.into(), mi.into(), s.into(), ms.into()))
        .and_then(|t| t.checked_add_signed(chrono::Duration::milliseconds(500)));
    match exact {
        Some(t) if t.format("%H:%M:%S").to_string() == "00:00:00" => {
            t.format("%Y-%m-%d").to_string()
        }
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        // Excel's fictitious 1900-02-29.
        None if h == 0 && mi == 0 && s == 0 => format!("{y:04}-{mo:02}-{d:02}"),
        None => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
    }
}

fn duration_text(seconds: f64) -> String {
    let negative = seconds < 0.0;
    let total = seconds.abs().min(i64::MAX as f64) as i64;
    format!(
        "{}{:02}:{:02}:{:02}",
        if negative { "-" } else { "" },
        total / 3600,
        total / 60 % 60,
        total % 60
    )
}

/// ODS dates: `2024-01-15` or `2024-01-15T10:30:00[.fff]` → `2024-01-15[ 10:30:00]`.
fn iso_datetime_text(s: &str) -> String {
    match s.split_once('T') {
        Some((date, time)) => {
            let time = time.split(['.', 'Z', '+']).next().unwrap_or(time);
            if time == "00:00:00" || time.is_empty() {
                date.to_string()
            } else {
                format!("{date} {time}")
            }
        }
        None => s.to_string(),
    }
}

/// ODS times/durations: `PT10H30M00S` → `10:30:00`; anything else as written.
fn iso_duration_text(s: &str) -> String {
    let Some(rest) = s.strip_prefix("PT") else {
        return s.to_string();
    };
    let (mut h, mut m, mut sec) = (0f64, 0f64, 0f64);
    let mut number = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' => number.push(c),
            'H' | 'M' | 'S' => {
                let Ok(n) = number.parse::<f64>() else {
                    return s.to_string();
                };
                match c {
                    'H' => h = n,
                    'M' => m = n,
                    _ => sec = n,
                }
                number.clear();
            }
            _ => return s.to_string(),
        }
    }
    duration_text((h * 3600.0 + m * 60.0 + sec).round())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        collect, corpus, first_row, problems, row_with_id, rows, tables, temp_file, texts,
    };
    use super::*;

    #[test]
    fn a_panic_in_the_spreadsheet_library_is_caught() {
        // (The default hook prints the message; the panic goes no further.)
        let caught = guard(|| -> u8 { panic!("a simulated calamine bug") });
        assert!(caught.is_err());
        assert_eq!(guard(|| 7), Ok(7));
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(12000.0), "12000");
        assert_eq!(number_text(0.5), "0.5");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(8595602512225.0), "8595602512225");
        assert_eq!(number_text(-3.25), "-3.25");
        assert_eq!(
            iso_datetime_text("2024-01-15T10:30:00"),
            "2024-01-15 10:30:00"
        );
        assert_eq!(iso_datetime_text("2024-01-15T00:00:00"), "2024-01-15");
        assert_eq!(iso_datetime_text("2024-01-15"), "2024-01-15");
        assert_eq!(iso_duration_text("PT10H30M05S"), "10:30:05");
    }

    #[test]
    fn serial_dates_read_as_iso_dates() {
        use calamine::ExcelDateTimeType::{DateTime, TimeDelta};
        let date = |v: f64| datetime_text(&ExcelDateTime::new(v, DateTime, false));
        assert_eq!(date(45306.0), "2024-01-15");
        assert_eq!(date(45306.4375), "2024-01-15 10:30:00");
        assert_eq!(date(45306.4374999999), "2024-01-15 10:30:00");
        assert_eq!(date(0.75), "18:00:00");
        assert_eq!(date(60.0), "1900-02-29");
        assert_eq!(
            datetime_text(&ExcelDateTime::new(0.0, DateTime, true)),
            "00:00:00"
        );
        assert_eq!(
            datetime_text(&ExcelDateTime::new(1.0, DateTime, true)),
            "1904-01-02"
        );
        assert_eq!(
            datetime_text(&ExcelDateTime::new(1.5, TimeDelta, false)),
            "36:00:00"
        );
    }

    #[test]
    fn dates_in_a_real_workbook() {
        let (result, events) = collect(&corpus("xlsx/calamine/date_1904.xlsx"), &first_row);
        assert!(result.is_ok());
        let cells: Vec<String> = rows(&events)
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.text.to_string()))
            .chain(tables(&events).iter().flat_map(|(t, _)| t.header.clone()))
            .collect();
        // calamine's own test reads 1909-09-01 and 2023-06-06 07:12:00 from this file... the
        // cells must be ISO dates, never serial numbers.
        assert!(
            cells
                .iter()
                .any(|c| c.len() >= 10 && c.as_bytes()[4] == b'-'),
            "{cells:?}"
        );
        assert!(
            !cells
                .iter()
                .any(|c| c.parse::<f64>().is_ok_and(|n| n > 3000.0)),
            "{cells:?}"
        );

        let (result, events) = collect(&corpus("xlsx/poi/DateFormatTests.xlsx"), &first_row);
        assert!(result.is_ok());
        let rows = rows(&events);
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .any(|r| r.cells.iter().any(|c| is_iso_date(&c.text))),
            "no ISO date in DateFormatTests.xlsx"
        );
    }

    fn is_iso_date(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[7] == b'-'
            && b[5..7].iter().all(u8::is_ascii_digit)
    }

    #[test]
    fn every_sheet_is_a_table_with_sheet_rows() {
        let (result, events) = collect(&corpus("xlsx/calamine/merged_range.xlsx"), &first_row);
        assert!(result.is_ok());
        let t = tables(&events);
        assert!(t.len() >= 2, "{} tables", t.len());
        let names: Vec<_> = t.iter().map(|(t, _)| t.sheet.clone().unwrap()).collect();
        assert_ne!(names[0], names[1]);
        for (table, _) in &t {
            assert_eq!(table.format, RecordFormat::Spreadsheet);
            assert!(table.header_raw.is_none());
        }
        for row in rows(&events) {
            assert!(row.place.raw.is_none());
            assert!(row.place.line > row.table.header_line);
            assert!(row.cells.len() >= row.table.header.len());
            assert!(row.cells.iter().all(|c| c.span.is_none()));
        }
    }

    #[test]
    fn chinese_xls_and_xlsx() {
        let (result, events) = collect(&corpus("xlsx/poi/chinese-provinces.xls"), &first_row);
        assert!(result.is_ok());
        let text: String = rows(&events)
            .iter()
            .flat_map(|r| texts(r).into_iter().map(str::to_string))
            .chain(tables(&events)[0].0.header.clone())
            .collect();
        assert!(text.contains('省') || text.contains('市'), "{text}");

        let (result, events) = collect(&corpus("xlsx/calamine/issue_530.xlsx"), &first_row);
        assert!(result.is_ok());
        assert!(!tables(&events).is_empty());
    }

    /// offset.xlsx / offset.ods (see testdata/make_fixtures.py): a banner in row 1, the
    /// header in C3:G3, data in rows 4, 5 and 7; an empty sheet and an unrecognised one.
    #[test]
    fn tables_away_from_a1_keep_sheet_rows_and_columns() {
        for file in ["offset.xlsx", "offset.ods"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src/input/records/testdata")
                .join(file);
            let (result, events) = collect(&path, &row_with_id);
            assert!(
                result.is_ok(),
                "{file}: {:?}",
                result.err().map(|e| e.message)
            );
            let t = tables(&events);
            assert_eq!(t.len(), 1, "{file}");
            let (table, kind) = t[0];
            assert_eq!(kind, "customers");
            assert_eq!(table.sheet.as_deref(), Some("客户"));
            assert_eq!(table.header_line, 3, "{file}");
            assert_eq!(
                table.header,
                ["", "", "客户编号", "注册日期", "金额", "VIP", "备注"]
            );
            let rows = rows(&events);
            assert_eq!(rows.len(), 3, "{file}");
            let r = rows[0];
            assert_eq!((r.place.row, r.place.line), (1, 4), "{file}");
            assert_eq!(r.cell_ref(2), "C4");
            assert_eq!(
                texts(r),
                ["", "", "C001", "2024-01-15", "12000", "TRUE", "#N/A"],
                "{file}"
            );
            let r = rows[1];
            assert_eq!((r.place.row, r.place.line), (2, 5), "{file}");
            assert_eq!(
                texts(r),
                ["", "", "C002", "2024-01-15 10:30:00", "0.5", "FALSE", "x"],
                "{file}"
            );
            let r = rows[2];
            assert_eq!((r.place.row, r.place.line), (3, 7), "{file}");
            assert_eq!(texts(r), ["", "", "C003", "", "", "", ""], "{file}");
            assert_eq!(r.cell_ref(3), "D7");
            let unrecognised: Vec<_> = events
                .iter()
                .filter_map(|e| match e {
                    Event::Unrecognised { sheet } => sheet.as_deref(),
                    _ => None,
                })
                .collect();
            assert_eq!(unrecognised, ["Empty", "Other"], "{file}");
            assert!(
                problems(&events).is_empty(),
                "{file}: {:?}",
                problems(&events)
            );
        }
    }

    #[test]
    fn broken_workbooks_are_errors() {
        for file in [
            "xlsx/poi/invalid.xlsx",
            "xlsx/poi/xlsx-corrupted.xlsx",
            "xlsx/poi/clusterfuzz-XLSX2CSVFuzzer-5636439151607808.xlsx",
            "xlsx/poi/crash-274d6342e4842d61be0fb48eaadad6208ae767ae.xlsx",
            "xlsx/calamine/too_small.xls",
            "xlsx/calamine/OOM_alloc3.xls",
        ] {
            let (result, _) = collect(&corpus(file), &first_row);
            let e = result.expect_err(file);
            assert!(
                e.message.chars().next().unwrap().is_lowercase(),
                "{file}: {}",
                e.message
            );
        }
        let (result, _) = collect(&corpus("xlsx/excelize/encryptAES.xlsx"), &first_row);
        assert!(result.unwrap_err().message.contains("password"));
        let (result, _) = collect(&corpus("xlsx/calamine/too_small.xls"), &first_row);
        assert!(result.unwrap_err().message.contains("not a spreadsheet"));
        let path = temp_file(".xlsx", b"");
        assert!(collect(&path, &first_row).0.is_err());
        let path = temp_file(".xlsx", b"<html><table><tr><td>1</td></tr></table></html>");
        let e = collect(&path, &first_row).0.unwrap_err();
        assert!(e.message.contains("HTML"), "{}", e.message);
    }

    #[test]
    fn empty_sheets_are_unrecognised() {
        let (result, events) = collect(&corpus("xlsx/calamine/empty_sheet.xlsx"), &first_row);
        assert!(result.is_ok());
        assert!(tables(&events).is_empty());
        assert!(matches!(
            events.as_slice(),
            [Event::Unrecognised { sheet: Some(_) }]
        ));
        let (result, events) = collect(&corpus("xlsx/excelize/BadWorkbook.xlsx"), &first_row);
        assert!(result.is_ok());
        assert!(
            problems(&events)
                .iter()
                .any(|p| p.message.contains("no sheets"))
                || !events.is_empty()
        );
    }
}
