//! JSON record files: an array of objects, an object holding one array of objects
//! (`{"customers": [...]}`), or JSON Lines (one object per line; also a `.json` file whose
//! content is a sequence of objects).
//!
//! Records are read one at a time straight from the decoded text (never the whole array as a
//! `serde_json::Value`), so every record knows the line where it starts. Values become cell
//! text: strings as they are, numbers as written, `true`/`false`, null as an empty cell, and
//! nested arrays/objects as their compact JSON text.

use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::Arc;

use serde::de::{DeserializeOwned, IgnoredAny};

use super::{Event, HEADER_CANDIDATES, HeaderPicker, LineCounter, problem};
use crate::input::ReadError;
use crate::model::record::{Cell, RecordFormat, Row, RowPlace, Table};

/// How many problems (records that are not objects, bad JSON lines) are buffered while the
/// header is being looked for.
const MAX_PENDING: usize = 1000;

pub(super) fn read_json(
    bytes: Vec<u8>,
    display: &str,
    json_lines: bool,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) -> Result<(), ReadError> {
    let text = super::decode(bytes, "JSON file")?;
    let text = text.as_str();
    let mut lines = LineCounter::new(text);
    let start = skip_ws(text, 0);
    if start >= text.len() {
        on(problem(1, "the file has no rows"));
        return Ok(());
    }
    let (mut source, format) = if json_lines {
        (Source::Lines { pos: 0 }, RecordFormat::JsonLines)
    } else {
        match text.as_bytes()[start] {
            b'[' => (
                Source::Array {
                    pos: start + 1,
                    index: 0,
                    first: true,
                    top_level: true,
                    done: false,
                },
                RecordFormat::Json,
            ),
            b'{' => match object_layout(text, start, &mut lines) {
                Ok(Layout::Sequence) => (
                    Source::Sequence {
                        pos: start,
                        done: false,
                    },
                    RecordFormat::JsonLines,
                ),
                Ok(Layout::Wrapped { array_at }) => (
                    Source::Array {
                        pos: array_at + 1,
                        index: 0,
                        first: true,
                        top_level: false,
                        done: false,
                    },
                    RecordFormat::Json,
                ),
                Ok(Layout::Single) => (Source::Single { pos: Some(start) }, RecordFormat::Json),
                Ok(Layout::NoRows) => {
                    on(problem(lines.line_at(start), "the file has no rows"));
                    return Ok(());
                }
                Err(stop) => {
                    on(stop);
                    return Ok(());
                }
            },
            _ => {
                on(problem(
                    lines.line_at(start),
                    "this JSON holds no records: a record file holds an array of objects, or \
                     one object per line",
                ));
                return Ok(());
            }
        }
    };
    drive(text, &mut source, &mut lines, format, display, pick, on);
    Ok(())
}

/// One JSON object read as a record.
struct Record {
    row: usize,
    line: usize,
    fields: Vec<(String, String)>,
}

enum Item {
    Record(Record),
    /// A problem with one record; reading goes on.
    Problem(Event),
    /// A problem that stops the file.
    Fatal(Event),
}

/// Finds the header, announces the table and streams the rows.
fn drive(
    text: &str,
    source: &mut Source,
    lines: &mut LineCounter,
    format: RecordFormat,
    display: &str,
    pick: &HeaderPicker,
    on: &mut dyn FnMut(Event),
) {
    let mut pending: Vec<Item> = Vec::new();
    let mut records = 0;
    let mut fatal = None;
    while records < HEADER_CANDIDATES && pending.len() < MAX_PENDING {
        match source.next(text, lines) {
            Some(Item::Fatal(stop)) => {
                fatal = Some(stop);
                break;
            }
            Some(Item::Record(r)) => {
                records += 1;
                pending.push(Item::Record(r));
            }
            Some(item) => pending.push(item),
            None => break,
        }
    }

    // The header: the union of the keys of the first records, in first-seen order.
    let mut header: Vec<String> = Vec::new();
    let mut column: HashMap<String, usize> = HashMap::new();
    let mut first_line = None;
    for item in &pending {
        if let Item::Record(r) = item {
            first_line.get_or_insert(r.line);
            for (key, _) in &r.fields {
                if !column.contains_key(key) {
                    column.insert(key.clone(), header.len());
                    header.push(key.clone());
                }
            }
        }
    }
    if records == 0 {
        // Nothing to pick a header from: say why, once.
        if let Some(stop) = fatal {
            on(stop);
        } else if let Some(Item::Problem(Event::Problem(p))) = pending.first() {
            on(problem(p.line, "this JSON holds no records (objects)"));
        } else {
            on(problem(1, "the file has no rows"));
        }
        return;
    }
    let recognised = pick(std::slice::from_ref(&header)).filter(|(i, _)| *i == 0);
    let Some((_, kind)) = recognised else {
        on(Event::Unrecognised { sheet: None });
        return;
    };
    let table = Arc::new(Table {
        file: display.to_string(),
        format,
        sheet: None,
        header_line: first_line.unwrap_or(1),
        header_raw: None,
        header_spans: Vec::new(),
        header,
    });
    on(Event::Table {
        table: Arc::clone(&table),
        kind,
    });

    let mut unknown_keys: HashSet<String> = HashSet::new();
    let mut emit = |item: Item, on: &mut dyn FnMut(Event)| match item {
        Item::Record(record) => {
            let mut cells: Vec<Cell> = (0..table.header.len())
                .map(|_| Cell {
                    text: Arc::from(""),
                    span: None,
                })
                .collect();
            for (key, value) in record.fields {
                match column.get(&key) {
                    Some(&i) => cells[i].text = value.into(),
                    None => {
                        if unknown_keys.insert(key.clone()) {
                            on(problem(
                                record.line,
                                format!(
                                    "key \"{key}\" is not in the first {HEADER_CANDIDATES} \
                                     records; its values are not checked"
                                ),
                            ));
                        }
                    }
                }
            }
            on(Event::Row(Row {
                table: Arc::clone(&table),
                place: RowPlace {
                    row: record.row,
                    line: record.line,
                    raw: None,
                },
                cells,
            }));
        }
        Item::Problem(p) | Item::Fatal(p) => on(p),
    };
    for item in pending {
        emit(item, on);
    }
    if let Some(stop) = fatal {
        on(stop);
        return;
    }
    while let Some(item) = source.next(text, lines) {
        let stop = matches!(item, Item::Fatal(_));
        emit(item, on);
        if stop {
            break;
        }
    }
}

/// Where the records of a file come from.
enum Source {
    /// The elements of an array; `pos` is just after `[` or after the previous element.
    Array {
        pos: usize,
        index: usize,
        first: bool,
        /// Whether the array is the whole file (so nothing but whitespace may follow it).
        top_level: bool,
        done: bool,
    },
    /// JSON Lines: one object per non-blank line; a bad line is a problem, the file goes on.
    Lines { pos: usize },
    /// A sequence of top-level objects (a `.json` file written as JSON Lines).
    Sequence { pos: usize, done: bool },
    /// One top-level object, the only record.
    Single { pos: Option<usize> },
}

impl Source {
    fn next(&mut self, text: &str, lines: &mut LineCounter) -> Option<Item> {
        match self {
            Source::Array {
                pos,
                index,
                first,
                top_level,
                done,
            } => {
                if *done {
                    return None;
                }
                let bytes = text.as_bytes();
                *pos = skip_ws(text, *pos);
                let fatal = |err: JsonError, lines: &mut LineCounter| {
                    Some(Item::Fatal(err.into_problem(0, lines)))
                };
                if *first {
                    *first = false;
                    if bytes.get(*pos) == Some(&b']') {
                        *done = true;
                        return trailing(text, *pos + 1, *top_level, lines);
                    }
                } else {
                    match bytes.get(*pos) {
                        Some(b',') => *pos = skip_ws(text, *pos + 1),
                        Some(b']') => {
                            *done = true;
                            return trailing(text, *pos + 1, *top_level, lines);
                        }
                        _ => {
                            *done = true;
                            return fatal(
                                JsonError::at(*pos, expected(text, *pos, "`,` or `]`")),
                                lines,
                            );
                        }
                    }
                }
                *index += 1;
                let line = lines.line_at(*pos);
                if bytes.get(*pos) == Some(&b'{') {
                    match read_object(text, *pos) {
                        Ok((fields, end)) => {
                            *pos = end;
                            Some(Item::Record(Record {
                                row: *index,
                                line,
                                fields,
                            }))
                        }
                        Err(e) => {
                            *done = true;
                            fatal(e, lines)
                        }
                    }
                } else {
                    match skip_value(text, *pos) {
                        Ok(end) => {
                            *pos = end;
                            Some(Item::Problem(problem(
                                line,
                                format!("record {index} is not an object; it is skipped"),
                            )))
                        }
                        Err(e) => {
                            *done = true;
                            fatal(e, lines)
                        }
                    }
                }
            }
            Source::Lines { pos } => loop {
                if *pos >= text.len() {
                    return None;
                }
                let end = text[*pos..].find('\n').map_or(text.len(), |i| *pos + i + 1);
                let this_line = lines.line_at(*pos);
                let slice = text[*pos..end].trim_end_matches(['\n', '\r']);
                let base = *pos;
                *pos = end;
                let at = skip_ws(slice, 0);
                if at >= slice.len() {
                    continue; // blank line
                }
                if slice.as_bytes()[at] != b'{' {
                    return Some(Item::Problem(match skip_value(slice, at) {
                        Ok(_) => problem(
                            this_line,
                            format!("line {this_line} is not a JSON object; it is skipped"),
                        ),
                        Err(e) => e.into_problem(base, lines),
                    }));
                }
                return Some(match read_object(slice, at) {
                    Ok((fields, end)) => {
                        let rest = skip_ws(slice, end);
                        if rest < slice.len() {
                            Item::Problem(problem(
                                this_line,
                                format!(
                                    "line {this_line} has text after its record; the line is skipped"
                                ),
                            ))
                        } else {
                            Item::Record(Record {
                                row: this_line,
                                line: this_line,
                                fields,
                            })
                        }
                    }
                    Err(e) => Item::Problem(e.into_problem(base, lines)),
                });
            },
            Source::Sequence { pos, done } => {
                if *done {
                    return None;
                }
                *pos = skip_ws(text, *pos);
                if *pos >= text.len() {
                    *done = true;
                    return None;
                }
                let line = lines.line_at(*pos);
                if text.as_bytes()[*pos] != b'{' {
                    *done = true;
                    return Some(Item::Fatal(problem(
                        line,
                        "expected a JSON object (one record per line); the rest of the file is \
                         not read",
                    )));
                }
                match read_object(text, *pos) {
                    Ok((fields, end)) => {
                        *pos = end;
                        Some(Item::Record(Record {
                            row: line,
                            line,
                            fields,
                        }))
                    }
                    Err(e) => {
                        *done = true;
                        Some(Item::Fatal(e.into_problem(0, lines)))
                    }
                }
            }
            Source::Single { pos } => {
                let at = pos.take()?;
                let line = lines.line_at(at);
                Some(match read_object(text, at) {
                    Ok((fields, _)) => Item::Record(Record {
                        row: 1,
                        line,
                        fields,
                    }),
                    Err(e) => Item::Fatal(e.into_problem(0, lines)),
                })
            }
        }
    }
}

/// After the closing `]` of a top-level array only whitespace may follow.
fn trailing(text: &str, pos: usize, top_level: bool, lines: &mut LineCounter) -> Option<Item> {
    let rest = skip_ws(text, pos);
    if top_level && rest < text.len() {
        return Some(Item::Fatal(problem(
            lines.line_at(rest),
            "invalid JSON: text after the end of the array",
        )));
    }
    None
}

/// What a file that starts with `{` holds.
enum Layout {
    /// Several top-level values: JSON Lines in a `.json` file.
    Sequence,
    /// One object with exactly one array of objects, at `array_at` (its `[`).
    Wrapped { array_at: usize },
    /// One object that is itself the only record.
    Single,
    /// One object whose only member is an empty array.
    NoRows,
}

fn object_layout(text: &str, start: usize, lines: &mut LineCounter) -> Result<Layout, Event> {
    // Parsing the whole first value checks the syntax before any row is reported.
    let end = skip_value(text, start).map_err(|e| e.into_problem(0, lines))?;
    if skip_ws(text, end) < text.len() {
        return Ok(Layout::Sequence);
    }
    let members = members(text, start).map_err(|e| e.into_problem(0, lines))?;
    let bytes = text.as_bytes();
    let mut arrays_of_objects = Vec::new();
    let mut empty_arrays = 0;
    for (key, value_at) in &members {
        if bytes.get(*value_at) != Some(&b'[') {
            continue;
        }
        match bytes.get(skip_ws(text, value_at + 1)) {
            Some(b'{') => arrays_of_objects.push((key.as_str(), *value_at)),
            Some(b']') => empty_arrays += 1,
            _ => {}
        }
    }
    match arrays_of_objects.as_slice() {
        [(_, at)] => Ok(Layout::Wrapped { array_at: *at }),
        [] if members.len() == 1 && empty_arrays == 1 => Ok(Layout::NoRows),
        [] => Ok(Layout::Single),
        several => Err(problem(
            lines.line_at(start),
            format!(
                "this JSON object holds several arrays of records ({}); put each in its own file",
                several
                    .iter()
                    .map(|(k, _)| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// A JSON syntax error: the byte offset (in the text given to the parser) where the failing
/// parse started, and the 1-based line within that parse where serde_json found the error.
struct JsonError {
    from: usize,
    line: usize,
    message: String,
}

impl JsonError {
    fn at(pos: usize, message: String) -> Self {
        JsonError {
            from: pos,
            line: 1,
            message,
        }
    }

    fn from_serde(from: usize, e: serde_json::Error) -> Self {
        let text = e.to_string();
        let message = match text.rsplit_once(" at line ") {
            Some((message, _)) => message.to_string(),
            None => text,
        };
        JsonError {
            from,
            line: e.line().max(1),
            message,
        }
    }

    /// The problem, for a parse of a text that starts at byte `base` of the file.
    fn into_problem(self, base: usize, lines: &mut LineCounter) -> Event {
        let line = lines.line_at(base + self.from) + self.line - 1;
        problem(line, format!("invalid JSON: {}", self.message))
    }
}

fn expected(text: &str, pos: usize, what: &str) -> String {
    match text.get(pos..).and_then(|rest| rest.chars().next()) {
        Some(c) => format!("expected {what}, found `{c}`"),
        None => format!("expected {what}, found the end of the file"),
    }
}

fn skip_ws(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// Deserializes one value starting at `pos`; returns it and the offset just after it.
fn parse_at<T: DeserializeOwned>(text: &str, pos: usize) -> Result<(T, usize), JsonError> {
    let rest = text.get(pos..).unwrap_or_default();
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<T>();
    match stream.next() {
        Some(Ok(value)) => Ok((value, pos + stream.byte_offset())),
        Some(Err(e)) => Err(JsonError::from_serde(pos, e)),
        None => Err(JsonError::at(
            pos,
            "expected a value, found the end of the file".into(),
        )),
    }
}

fn skip_value(text: &str, pos: usize) -> Result<usize, JsonError> {
    parse_at::<IgnoredAny>(text, pos).map(|(_, end)| end)
}

/// The members of the object at `pos`: each key and the offset of its value.
fn members(text: &str, pos: usize) -> Result<Vec<(String, usize)>, JsonError> {
    let mut out = Vec::new();
    walk_object(text, pos, |key, value_at, end| {
        out.push((key, value_at));
        Ok(end)
    })?;
    Ok(out)
}

/// Reads the object at `pos` as a record: each key with its cell text.
fn read_object(text: &str, pos: usize) -> Result<(Vec<(String, String)>, usize), JsonError> {
    let mut fields = Vec::new();
    let end = walk_object(text, pos, |key, value_at, end| {
        fields.push((key, cell_text(&text[value_at..end])));
        Ok(end)
    })?;
    Ok((fields, end))
}

/// Walks the members of the object at `pos` (which must be `{`), calling `member(key,
/// value_start, value_end)` for each; returns the offset after the closing `}`.
fn walk_object(
    text: &str,
    pos: usize,
    mut member: impl FnMut(String, usize, usize) -> Result<usize, JsonError>,
) -> Result<usize, JsonError> {
    let bytes = text.as_bytes();
    if bytes.get(pos) != Some(&b'{') {
        return Err(JsonError::at(pos, expected(text, pos, "`{`")));
    }
    let mut pos = skip_ws(text, pos + 1);
    if bytes.get(pos) == Some(&b'}') {
        return Ok(pos + 1);
    }
    loop {
        if bytes.get(pos) != Some(&b'"') {
            return Err(JsonError::at(pos, expected(text, pos, "a key in quotes")));
        }
        let (key, after_key) = parse_at::<String>(text, pos)?;
        pos = skip_ws(text, after_key);
        if bytes.get(pos) != Some(&b':') {
            return Err(JsonError::at(pos, expected(text, pos, "`:`")));
        }
        let value_at = skip_ws(text, pos + 1);
        let value_end = skip_value(text, value_at)?;
        pos = skip_ws(text, member(key, value_at, value_end)?);
        match bytes.get(pos) {
            Some(b',') => pos = skip_ws(text, pos + 1),
            Some(b'}') => return Ok(pos + 1),
            _ => return Err(JsonError::at(pos, expected(text, pos, "`,` or `}`"))),
        }
    }
}

/// The cell text of one JSON value, given its raw text.
fn cell_text(raw: &str) -> String {
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string()),
        Some(b'n') => String::new(),
        Some(b'{' | b'[') => compact(raw),
        _ => raw.to_string(), // numbers as written, true, false
    }
}

/// Nested JSON without the whitespace between tokens (key order and numbers as written).
fn compact(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in raw.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{collect, first_row, problems, rows, tables, temp_file, texts};
    use super::*;

    #[test]
    fn array_of_objects_with_lines() {
        let json = r#"[
  {"id": 1, "name": "张三", "vip": true, "score": 1.50, "note": null},
  {
    "id": 2,
    "name": "李四",
    "tags": ["a", "b"], "extra": {"k": [1, 2]}
  },
  {"name": "王五", "id": "0003"}
]
"#;
        let path = temp_file(".json", json.as_bytes());
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        let t = tables(&events);
        assert_eq!(t.len(), 1);
        let table = t[0].0;
        assert_eq!(table.format, RecordFormat::Json);
        assert_eq!(
            table.header,
            ["id", "name", "vip", "score", "note", "tags", "extra"]
        );
        assert_eq!(table.header_line, 2);
        assert!(problems(&events).is_empty());
        let rows = rows(&events);
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].place.row, rows[0].place.line), (1, 2));
        assert_eq!(texts(rows[0]), ["1", "张三", "true", "1.50", "", "", ""]);
        assert_eq!((rows[1].place.row, rows[1].place.line), (2, 3));
        assert_eq!(
            texts(rows[1]),
            ["2", "李四", "", "", "", "[\"a\",\"b\"]", "{\"k\":[1,2]}"]
        );
        assert_eq!((rows[2].place.row, rows[2].place.line), (3, 8));
        assert_eq!(texts(rows[2])[..2], ["0003", "王五"]);
        assert!(rows[0].place.raw.is_none());
    }

    #[test]
    fn object_wrapping_one_array() {
        let json = "{\"exported\": \"2024-01-01\",\n \"customers\": [\n  {\"id\": 1},\n  {\"id\": 2}\n ]}\n";
        let path = temp_file(".json", json.as_bytes());
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        assert_eq!(tables(&events)[0].0.header, ["id"]);
        let rows = rows(&events);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1].place.row, rows[1].place.line), (2, 4));
    }

    #[test]
    fn json_lines_with_a_bad_line() {
        let jsonl = "{\"id\": 1, \"name\": \"a\"}\n\n{\"id\": 2, \"name\": }\n[1]\n{\"id\": 3, \"late\": \"x\"}\r\n";
        let path = temp_file(".jsonl", jsonl.as_bytes());
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        let table = tables(&events)[0].0;
        assert_eq!(table.format, RecordFormat::JsonLines);
        assert_eq!(table.header, ["id", "name", "late"]);
        let rows = rows(&events);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].place.row, rows[0].place.line), (1, 1));
        assert_eq!((rows[1].place.row, rows[1].place.line), (5, 5));
        assert_eq!(texts(rows[1]), ["3", "", "x"]);
        let p = problems(&events);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].line, 3);
        assert!(
            p[0].message.starts_with("invalid JSON: "),
            "{}",
            p[0].message
        );
        assert!(!p[0].message.contains("at line"));
        assert_eq!(p[1].line, 4);
    }

    #[test]
    fn json_file_with_one_object_per_line() {
        let path = temp_file(".json", b"{\"id\": 1}\n{\"id\": 2}\n");
        let (_, events) = collect(&path, &first_row);
        assert_eq!(tables(&events)[0].0.format, RecordFormat::JsonLines);
        let rows = rows(&events);
        assert_eq!((rows[1].place.row, rows[1].place.line), (2, 2));
    }

    #[test]
    fn invalid_json_stops_the_file_at_the_right_line() {
        let json = "[\n {\"id\": 1},\n {\"id\": 2,\n  \"name\": \"x\" \"y\"},\n {\"id\": 4}\n]";
        let path = temp_file(".json", json.as_bytes());
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        assert_eq!(rows(&events).len(), 1);
        let p = problems(&events);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, 4);
        assert!(p[0].message.starts_with("invalid JSON"), "{}", p[0].message);
        assert!(matches!(events.last(), Some(Event::Problem(_))));

        // An error inside a value, found by serde_json several lines into it.
        let json = "[{\"id\": 1,\n\"a\": [1,\n2,\n}]";
        let path = temp_file(".json", json.as_bytes());
        let (_, events) = collect(&path, &first_row);
        let p = problems(&events);
        assert_eq!(p[0].line, 4);

        // Not closed.
        let path = temp_file(".json", b"[{\"id\": 1},\n");
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        assert_eq!(rows(&events).len(), 1);
        assert_eq!(problems(&events).len(), 1);

        // Garbage.
        let path = temp_file(".json", b"id,name\n1,2\n");
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        assert_eq!(problems(&events).len(), 1);
        assert!(tables(&events).is_empty());
    }

    #[test]
    fn empty_and_odd_json() {
        for content in [&b""[..], b"  \n", b"[]", b"{\"customers\": []}"] {
            let path = temp_file(".json", content);
            let (result, events) = collect(&path, &first_row);
            assert!(result.is_ok());
            let p = problems(&events);
            assert_eq!(p.len(), 1, "{:?}", String::from_utf8_lossy(content));
            assert_eq!(p[0].message, "the file has no rows");
        }
        // One object, no array: the only record.
        let path = temp_file(".json", b"{\"id\": 7, \"tags\": []}");
        let (_, events) = collect(&path, &first_row);
        assert_eq!(texts(rows(&events)[0]), ["7", "[]"]);
        // An array of scalars holds no records.
        let path = temp_file(".json", b"[1, 2, 3]");
        let (_, events) = collect(&path, &first_row);
        assert_eq!(events.len(), 1);
        assert_eq!(
            problems(&events)[0].message,
            "this JSON holds no records (objects)"
        );
        // Two arrays of records.
        let path = temp_file(".json", b"{\"a\": [{\"x\": 1}], \"b\": [{\"y\": 1}]}");
        let (_, events) = collect(&path, &first_row);
        assert!(problems(&events)[0].message.contains("several arrays"));
        // Deep nesting is read (serde_json skips values without recursion), no stack overflow.
        let deep = format!(
            "[{{\"a\": {}{}}}]",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let path = temp_file(".json", deep.as_bytes());
        let (result, events) = collect(&path, &first_row);
        assert!(result.is_ok());
        assert!(problems(&events).is_empty());
        assert_eq!(rows(&events)[0].cells[0].text.len(), 200_000);
    }

    #[test]
    fn keys_after_the_first_ten_records_are_reported_once() {
        let mut json = String::from("[");
        for i in 0..12 {
            json.push_str(&format!("{{\"id\": {i}}},\n"));
        }
        json.push_str("{\"id\": 12, \"new\": 1},\n{\"id\": 13, \"new\": 2}]");
        let path = temp_file(".json", json.as_bytes());
        let (_, events) = collect(&path, &first_row);
        assert_eq!(rows(&events).len(), 14);
        let p = problems(&events);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, 13);
    }

    #[test]
    fn unrecognised_json() {
        let path = temp_file(".json", b"[{\"a\": 1}]");
        let (_, events) = collect(&path, &|_: &[Vec<String>]| None);
        assert!(matches!(
            events.as_slice(),
            [Event::Unrecognised { sheet: None }]
        ));
    }
}
