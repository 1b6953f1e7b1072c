//! The plain-text reader, and the pieces every reader shares: labelled-line detection
//! ([`split_label`]) and section building ([`build_headings`]).
//!
//! Plain text has no markup, so structure is inferred from how staff actually write:
//! - a heading is a short numbered line (`一、引言`, `（一）方法`, `1.2 样本`, `第一章 引言`,
//!   `Part 2 Results`); numbering styles get levels in order of first appearance, so a
//!   document numbered `一、` / `（一）` / `1.` gets levels 1 / 2 / 3 whatever the convention;
//! - a short standalone line between a blank line and text (`结论`) is a heading too;
//! - a line of a typed table of contents (`四、结论 ........ 5`, `1. 引言⇥3`: leaders and/or a
//!   tab, then a page number, see [`is_toc_entry`]) is neither a heading nor a label;
//! - `KEY：VALUE` lines are labels;
//! - `|`-separated and tab-separated blocks are tables.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::model::normalize::{
    NumberingStyle, is_numbering_only, is_toc_entry, normalize_label, numbering_prefix,
};
use crate::model::{Document, Format, Heading, Label, Line, LineKind, Spanned, Table};
use crate::source::{SourceFile, Span};

/// Longest line (in characters) that can be a numbered heading.
const MAX_HEADING_CHARS: usize = 40;
/// Longest line (in characters) that can be an unnumbered standalone heading.
const MAX_STANDALONE_CHARS: usize = 20;
/// Longest label key, in characters.
const MAX_KEY_CHARS: usize = 20;

/// Sentence punctuation: a label key never contains it, a heading never ends with it.
pub(crate) fn is_sentence_punct(c: char) -> bool {
    matches!(c, '。' | '，' | '；' | '！' | '？' | ',' | ';' | '!' | '?')
}

/// Whether a line ends like a sentence (so it is not a heading).
pub(crate) fn ends_like_sentence(s: &str) -> bool {
    s.trim_end()
        .chars()
        .last()
        .is_some_and(|c| is_sentence_punct(c) || c == '.')
}

/// Whether a line reads as a sentence rather than a heading: it ends with sentence
/// punctuation (or `.`), or has a full stop, semicolon, exclamation or question mark, or a
/// full-width comma inside (`一、加强宣传，提升品牌` is a list item, not a heading). ASCII commas
/// inside are allowed (`Goals, channels and content`).
pub(crate) fn sentence_like(s: &str) -> bool {
    ends_like_sentence(s) || s.contains(['。', '；', ';', '！', '？', '!', '?', '，'])
}

/// The key and value of a labelled line, as byte ranges into the text given to
/// [`split_label`]. Both are trimmed; the value may be empty (`预算：` above a table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelParts {
    pub key: Range<usize>,
    pub value: Range<usize>,
}

/// Split `KEY：VALUE` / `KEY: VALUE` (text with markup and bullets already removed).
///
/// The first colon decides. The key must be 1–20 characters, free of sentence punctuation
/// and not just a number or a time (`10:30`), and an ASCII colon must not start a URL's
/// `://` or sit between two digits. This keeps running prose (`我们认为：……，……`), URLs and
/// times out while accepting `**预算**：5万元`, `Budget: ¥50,000` and `预算：`.
pub fn split_label(text: &str) -> Option<LabelParts> {
    let (colon, colon_char) = text.char_indices().find(|(_, c)| matches!(c, ':' | '：'))?;
    let after_colon = colon + colon_char.len_utf8();
    let key_raw = &text[..colon];
    let after = &text[after_colon..];
    if colon_char == ':' {
        if after.starts_with("//") {
            return None;
        }
        let digit_before = key_raw.chars().last().is_some_and(|c| c.is_ascii_digit());
        let digit_after = after.chars().next().is_some_and(|c| c.is_ascii_digit());
        if digit_before && digit_after {
            return None;
        }
    }
    let key_start = key_raw.len() - key_raw.trim_start().len();
    let key = key_raw.trim();
    let key_chars = key.chars().count();
    if key_chars == 0 || key_chars > MAX_KEY_CHARS {
        return None;
    }
    if key.chars().any(is_sentence_punct) {
        return None;
    }
    let numeric = key
        .chars()
        .all(|c| c.is_numeric() || c.is_whitespace() || matches!(c, ':' | '.' | '-' | '/' | '：'));
    if numeric || !key.chars().any(char::is_alphanumeric) {
        return None;
    }
    let value_start = after_colon + (after.len() - after.trim_start().len());
    let value_end = value_start + after.trim().len();
    Some(LabelParts {
        key: key_start..key_start + key.len(),
        value: value_start..value_end,
    })
}

/// [`split_label`], except that a line whose "key" is nothing but heading numbering
/// (`第一部分：研究背景`, `Part 4: Conclusion`) is not a labelled line: it is a numbered heading
/// written with a colon. Nor is an entry of a typed table of contents (`附录：问卷……12`, see
/// [`is_toc_entry`]).
pub(crate) fn label_parts(text: &str) -> Option<LabelParts> {
    split_label(text)
        .filter(|p| !text.get(p.key.clone()).is_some_and(is_numbering_only))
        .filter(|_| !is_toc_entry(text))
}

/// Whether a line at the top of a document is a stamp rather than its title: a labelled line
/// (`密级：内部`, `编号：…`), a line that starts with a bracketed tag (`【内部资料】…`,
/// `[CONFIDENTIAL] …`, `〔机密〕`), a line with a `★`, or a line in upper-case ASCII letters only
/// (`CONFIDENTIAL – INTERNAL USE ONLY`). Readers skip such lines when the title is the first
/// line of text; the lines themselves stay content.
pub(crate) fn is_stamp_line(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() {
        return false;
    }
    if label_parts(line).is_some() || line.contains('★') {
        return true;
    }
    let mut chars = line.chars();
    let tag_close = match chars.next() {
        Some('【') => Some('】'),
        Some('[') => Some(']'),
        Some('［') => Some('］'),
        Some('〔') => Some('〕'),
        Some('〖') => Some('〗'),
        _ => None,
    };
    if let Some(close) = tag_close {
        let inner: String = chars.take_while(|c| *c != close).collect();
        let closed = line.chars().skip(1).any(|c| c == close);
        if closed && !inner.trim().is_empty() {
            return true;
        }
    }
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && line
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_ascii_uppercase())
}

/// Index of the title among `count` candidate lines (the non-empty lines, in order): the first
/// that is not a stamp (`stamp`, see [`is_stamp_line`]), else the first.
///
/// Stamps are skipped only to reach a line that can be a title: when the first non-stamp line
/// is shaped like a section heading (`heading_like`: `一、推广目标`, or `Sales` on its own above
/// its text), the document has no title line of its own and the first line stays the title,
/// as the spec's "first non-empty line" says.
pub(crate) fn title_choice(
    count: usize,
    stamp: impl Fn(usize) -> bool,
    heading_like: impl Fn(usize) -> bool,
) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match (0..count).find(|&i| !stamp(i)) {
        Some(i) if i > 0 && heading_like(i) => Some(0),
        Some(i) => Some(i),
        None => Some(0),
    }
}

/// A heading as a reader finds it, before its section is known.
#[derive(Debug, Clone)]
pub struct HeadingDraft {
    pub level: u8,
    pub text: Spanned,
    /// Where the heading itself starts (its line or block); sections of earlier headings end
    /// here.
    pub start: usize,
    /// Just after the heading line.
    pub body_start: usize,
}

/// Turn drafts (in document order) into headings with sections.
///
/// `content` holds the start offsets of everything that counts as section content (text,
/// list, table, code …), sorted or not. A heading is empty when no content starts between
/// its body and the next heading, and that next heading is not a sub-heading (a sub-section
/// is content).
pub fn build_headings(
    drafts: Vec<HeadingDraft>,
    content: &[usize],
    text_len: usize,
) -> Vec<Heading> {
    let mut content = content.to_vec();
    content.sort_unstable();
    let has_content = |from: usize, to: usize| {
        let i = content.partition_point(|&c| c < from);
        content.get(i).is_some_and(|&c| c < to)
    };
    let mut out = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let section_end = drafts[i + 1..]
            .iter()
            .find(|n| n.level <= d.level)
            .map_or(text_len, |n| n.start);
        let empty = match drafts.get(i + 1) {
            Some(next) if next.level > d.level => false,
            Some(next) => !has_content(d.body_start, next.start),
            None => !has_content(d.body_start, text_len),
        };
        out.push(Heading {
            level: d.level,
            normalized: normalize_label(&d.text.text),
            text: d.text.clone(),
            body_start: d.body_start,
            section_end: section_end.max(d.body_start),
            empty,
        });
    }
    out
}

/// Assigns heading levels to numbering styles in order of first appearance.
#[derive(Debug)]
pub(crate) struct StyleLevels<K> {
    seen: Vec<K>,
}

impl<K> Default for StyleLevels<K> {
    fn default() -> Self {
        StyleLevels { seen: Vec::new() }
    }
}

impl<K: PartialEq + Copy> StyleLevels<K> {
    /// 0-based rank of `style`, registering it when new.
    pub(crate) fn rank(&mut self, style: K) -> usize {
        match self.seen.iter().position(|s| *s == style) {
            Some(i) => i,
            None => {
                self.seen.push(style);
                self.seen.len() - 1
            }
        }
    }
}

/// One physical line of the input.
#[derive(Debug, Clone)]
struct RawLine {
    /// Byte offset just past the line terminator (the next line's start).
    next: usize,
    /// The line without terminator, `\r`, or surrounding whitespace.
    span: Span,
    /// The line without terminator and `\r` (untrimmed), for tab splitting.
    full: Span,
}

fn raw_lines(text: &str) -> Vec<RawLine> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let (end, next) = match text[start..].find('\n') {
            Some(i) => (start + i, start + i + 1),
            None => (text.len(), text.len()),
        };
        let mut content_end = end;
        if text[start..end].ends_with('\r') {
            content_end -= 1;
        }
        // A byte-order mark is not content.
        let content_start = if start == 0 && text.starts_with('\u{FEFF}') {
            '\u{FEFF}'.len_utf8().min(content_end)
        } else {
            start
        };
        let line = &text[content_start..content_end];
        let lead = line.len() - line.trim_start().len();
        let trimmed_len = line.trim().len();
        out.push(RawLine {
            next,
            span: Span::new(content_start + lead, content_start + lead + trimmed_len),
            full: Span::new(content_start, content_end),
        });
        start = next;
    }
    out
}

/// Byte length of a leading list bullet (`- `, `• `, `* `, `·`) and the space after it.
fn bullet_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    let Some((_, c)) = chars.next() else {
        return 0;
    };
    let after = c.len_utf8();
    let rest = &s[after..];
    let spaced = rest.starts_with(char::is_whitespace);
    let is_bullet = match c {
        // ASCII bullets need a space, or `-5%` and `**bold**` would lose a character.
        '-' | '*' | '+' => spaced,
        '•' | '·' | '●' | '○' | '▪' | '■' | '□' | '◆' | '◇' | '►' | '➢' | '√' | '✓' => {
            true
        }
        _ => false,
    };
    if !is_bullet {
        return 0;
    }
    after + (rest.len() - rest.trim_start().len())
}

/// A table found in the text: which lines it covers and its cells.
struct TextTable {
    lines: Range<usize>,
    table: Table,
    /// Row texts for [`Line`]s, by line index (separator rows omitted).
    row_lines: Vec<(usize, String)>,
}

/// Cells of a `|`-separated row, as trimmed spans. `None` when the line is not a pipe row.
fn pipe_cells(text: &str, span: Span) -> Option<Vec<Span>> {
    let line = text.get(span.range())?;
    if !line.contains('|') {
        return None;
    }
    let mut start = 0;
    let mut end = line.len();
    if line.starts_with('|') {
        start = 1;
    }
    if end > start && line.ends_with('|') && !line.ends_with("\\|") {
        end -= 1;
    }
    let inner = &line[start..end];
    let mut cells = Vec::new();
    let mut cell_start = 0;
    let mut prev_backslash = false;
    for (i, c) in inner.char_indices() {
        if c == '|' && !prev_backslash {
            cells.push(cell_start..i);
            cell_start = i + 1;
        }
        prev_backslash = c == '\\' && !prev_backslash;
    }
    cells.push(cell_start..inner.len());
    if cells.len() < 2 {
        return None;
    }
    let base = span.start + start;
    Some(
        cells
            .into_iter()
            .map(|r| trimmed_span(text, base + r.start, base + r.end))
            .collect(),
    )
}

/// The span `start..end` with surrounding whitespace removed (an empty span at `start` when
/// all whitespace).
fn trimmed_span(text: &str, start: usize, end: usize) -> Span {
    let s = text.get(start..end).unwrap_or("");
    let lead = s.len() - s.trim_start().len();
    Span::new(start + lead, start + lead + s.trim().len())
}

/// `|---|:---:|` separator rows of pipe tables.
fn is_separator_row(text: &str, cells: &[Span]) -> bool {
    cells.iter().all(|c| {
        let s = text.get(c.range()).unwrap_or("").trim_matches(':');
        !s.is_empty() && s.bytes().all(|b| b == b'-')
    })
}

/// Cells of a tab-separated row. Leading whitespace is indentation, not an empty first
/// column; trailing tabs do make empty cells (spreadsheets copy them that way).
fn tab_cells(text: &str, l: &RawLine) -> Option<Vec<Span>> {
    let full = Span::new(l.span.start, l.full.end);
    let line = text.get(full.range())?;
    if !line.contains('\t') || line.trim().is_empty() {
        return None;
    }
    let mut cells = Vec::new();
    let mut start = 0;
    for (i, _) in line.match_indices('\t') {
        cells.push(trimmed_span(text, full.start + start, full.start + i));
        start = i + 1;
    }
    cells.push(trimmed_span(
        text,
        full.start + start,
        full.start + line.len(),
    ));
    Some(cells)
}

/// `body` as a labelled line (`预算：5 万元`), when it is one; `body` starts `base` bytes into
/// `text`, and the whole line spans `line`.
pub(crate) fn label_at(text: &str, body: &str, base: usize, line: Span) -> Option<Label> {
    let parts = label_parts(body)?;
    let key = spanned(
        text,
        Span::new(base + parts.key.start, base + parts.key.end),
    );
    Some(Label {
        normalized: normalize_label(&key.text),
        key,
        value: spanned(
            text,
            Span::new(base + parts.value.start, base + parts.value.end),
        ),
        line: Spanned {
            text: body.to_string(),
            span: line,
        },
    })
}

/// The text of `span` in `text`, with its span.
pub(crate) fn spanned(text: &str, span: Span) -> Spanned {
    Spanned {
        text: text.get(span.range()).unwrap_or("").to_string(),
        span,
    }
}

fn make_table(text: &str, rows: Vec<(usize, Vec<Span>)>) -> Option<TextTable> {
    let first_line = rows.first()?.0;
    let last_line = rows.last()?.0;
    let span_start = rows.first()?.1.first()?.start;
    let span_end = rows.last()?.1.last()?.end;
    let mut row_lines = Vec::new();
    let mut cells_rows = Vec::new();
    for (line, cells) in rows {
        let cells: Vec<Spanned> = cells.into_iter().map(|c| spanned(text, c)).collect();
        let joined = cells
            .iter()
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        row_lines.push((line, joined));
        cells_rows.push(cells);
    }
    let mut iter = cells_rows.into_iter();
    let header = iter.next()?;
    Some(TextTable {
        lines: first_line..last_line + 1,
        table: Table {
            header,
            rows: iter.collect(),
            span: Span::new(span_start, span_end),
        },
        row_lines,
    })
}

/// Find pipe tables and tab-separated tables.
fn find_tables(text: &str, lines: &[RawLine]) -> Vec<TextTable> {
    let mut tables = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // Pipe table: ≥ 2 consecutive pipe rows (the separator row counts).
        let mut j = i;
        let mut rows = Vec::new();
        let mut separators = 0;
        while let Some(cells) = lines.get(j).and_then(|l| pipe_cells(text, l.span)) {
            if is_separator_row(text, &cells) {
                separators += 1;
            } else {
                rows.push((j, cells));
            }
            j += 1;
        }
        if j - i >= 2 && !rows.is_empty() && separators <= 1 {
            // The whole block, separator included, belongs to the table.
            let block = i..j;
            if let Some(mut t) = make_table(text, rows) {
                if let (Some(first), Some(last)) =
                    (lines.get(block.start), lines.get(block.end - 1))
                {
                    t.table.span = Span::new(first.span.start, last.span.end);
                }
                t.lines = block;
                tables.push(t);
                i = j;
                continue;
            }
        }
        // Tab table: ≥ 2 consecutive lines with the same number (≥ 2) of columns.
        let mut j = i;
        let mut rows = Vec::new();
        let mut width = None;
        while let Some(cells) = lines.get(j).and_then(|l| tab_cells(text, l)) {
            if cells.len() < 2 || width.is_some_and(|w| w != cells.len()) {
                break;
            }
            width = Some(cells.len());
            rows.push((j, cells));
            j += 1;
        }
        if rows.len() >= 2
            && let Some(mut t) = make_table(text, rows)
        {
            if let (Some(first), Some(last)) = (lines.get(i), lines.get(j - 1)) {
                t.table.span = Span::new(first.span.start, last.span.end);
            }
            tables.push(t);
            i = j;
            continue;
        }
        i += 1;
    }
    tables
}

/// What a non-table line turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Blank,
    Table,
    NumberedHeading(NumberingStyle),
    StandaloneHeading,
    Body,
}

/// Whether the trimmed line is a numbered heading; returns its numbering style. An entry of a
/// typed table of contents (`四、结论 ........ 5`) is not.
fn numbered_heading(line: &str) -> Option<NumberingStyle> {
    if line.chars().count() > MAX_HEADING_CHARS || sentence_like(line) || is_toc_entry(line) {
        return None;
    }
    let (style, len) = numbering_prefix(line)?;
    let rest = line.get(len..).unwrap_or("").trim();
    if rest.is_empty() && !style.may_stand_alone() {
        return None;
    }
    if label_parts(line).is_some_and(|l| !l.value.is_empty()) {
        return None;
    }
    Some(style)
}

/// Whether the trimmed line could be a standalone heading (`结论`, `Conclusion`), ignoring
/// its neighbours. A table-of-contents entry (`结论 ........ 5`) cannot.
pub(crate) fn standalone_candidate(line: &str) -> bool {
    line.chars().count() <= MAX_STANDALONE_CHARS
        && !line
            .chars()
            .any(|c| is_sentence_punct(c) || matches!(c, ':' | '：'))
        && !ends_like_sentence(line)
        && bullet_len(line) == 0
        && line.chars().any(char::is_alphabetic)
        && !is_toc_entry(line)
}

/// Read a plain-text document.
pub fn read_text(name: &str, text: &str) -> Document {
    let source = SourceFile::new(name, text);
    let text = source.text();
    let raw = raw_lines(text);
    let tables = find_tables(text, &raw);

    let mut roles: Vec<Role> = raw
        .iter()
        .map(|l| {
            if l.span.is_empty() {
                Role::Blank
            } else {
                Role::Body
            }
        })
        .collect();
    for t in &tables {
        for role in roles.get_mut(t.lines.clone()).into_iter().flatten() {
            *role = Role::Table;
        }
    }
    // The title is the first non-empty line, stamps (`【内部资料】…`, `密级：内部`) above it
    // aside; table rows are never skipped.
    let non_blank: Vec<usize> = (0..raw.len())
        .filter(|&i| roles[i] != Role::Blank)
        .collect();
    let line_at = |i: usize| {
        raw.get(i)
            .and_then(|l| text.get(l.span.range()))
            .unwrap_or("")
    };
    let role_at = |i: usize| roles.get(i).copied().unwrap_or(Role::Blank);
    let title_index = title_choice(
        non_blank.len(),
        |k| {
            non_blank
                .get(k)
                .is_some_and(|&i| role_at(i) != Role::Table && is_stamp_line(line_at(i)))
        },
        |k| {
            non_blank.get(k).is_some_and(|&i| {
                let line = line_at(i);
                let after_break = i == 0 || role_at(i - 1) == Role::Blank;
                let followed = role_at(i + 1) != Role::Blank;
                numbered_heading(line).is_some()
                    || (standalone_candidate(line) && after_break && followed)
            })
        },
    )
    .and_then(|k| non_blank.get(k).copied());

    for i in 0..raw.len() {
        if roles[i] != Role::Body {
            continue;
        }
        let line = text.get(raw[i].span.range()).unwrap_or("");
        if let Some(style) = numbered_heading(line) {
            roles[i] = Role::NumberedHeading(style);
            continue;
        }
        // Neither the title nor the stamps above it are standalone headings.
        if title_index.is_some_and(|t| i <= t) || !standalone_candidate(line) {
            continue;
        }
        let after_break =
            i == 0 || roles.get(i - 1) == Some(&Role::Blank) || Some(i - 1) == title_index;
        let followed = roles.get(i + 1).is_some_and(|r| !matches!(r, Role::Blank));
        if after_break && followed {
            roles[i] = Role::StandaloneHeading;
        }
    }

    let any_numbered = roles.iter().any(|r| matches!(r, Role::NumberedHeading(_)));
    let mut levels = StyleLevels::default();
    let mut drafts = Vec::new();
    let mut content = Vec::new();
    let mut lines = Vec::new();
    let mut labels = Vec::new();
    let mut table_rows: BTreeMap<usize, String> = BTreeMap::new();
    for t in &tables {
        table_rows.extend(t.row_lines.iter().cloned());
    }

    for (i, l) in raw.iter().enumerate() {
        let line_text = text.get(l.span.range()).unwrap_or("");
        match roles[i] {
            Role::Blank => {}
            Role::Table => {
                content.push(l.span.start);
                if let Some(row) = table_rows.get(&i).filter(|r| !r.is_empty()) {
                    lines.push(Line {
                        text: row.clone(),
                        span: l.span,
                        kind: LineKind::TableRow,
                    });
                }
            }
            Role::NumberedHeading(_) | Role::StandaloneHeading => {
                let level = match roles[i] {
                    Role::NumberedHeading(style) => rank_to_level(levels.rank(style)),
                    _ if !any_numbered => 1,
                    _ => drafts.last().map_or(1, |d: &HeadingDraft| d.level),
                };
                drafts.push(HeadingDraft {
                    level,
                    text: spanned(text, l.span),
                    start: l.span.start,
                    body_start: l.next,
                });
                lines.push(Line {
                    text: line_text.to_string(),
                    span: l.span,
                    kind: LineKind::Heading,
                });
            }
            Role::Body => {
                content.push(l.span.start);
                let bullet = bullet_len(line_text);
                let body = &line_text[bullet..];
                let kind = if bullet > 0 || numbering_prefix(line_text).is_some() {
                    LineKind::ListItem
                } else {
                    LineKind::Prose
                };
                lines.push(Line {
                    text: body.to_string(),
                    span: l.span,
                    kind,
                });
                if let Some(label) = label_at(text, body, l.span.start + bullet, l.span) {
                    labels.push(label);
                }
            }
        }
    }

    let title = title_index
        .and_then(|i| raw.get(i))
        .map(|l| spanned(text, l.span));
    let prose = if text.is_empty() {
        Vec::new()
    } else {
        vec![Span::new(0, text.len())]
    };
    Document {
        format: Format::Text,
        front_matter: BTreeMap::new(),
        title,
        headings: build_headings(drafts, &content, text.len()),
        labels,
        tables: tables.into_iter().map(|t| t.table).collect(),
        lines,
        header: Vec::new(),
        footer: Vec::new(),
        prose,
        source,
    }
}

/// Level for a 0-based style rank (1-based, saturating).
pub(crate) fn rank_to_level(rank: usize) -> u8 {
    u8::try_from(rank + 1).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(doc: &Document) -> Vec<(u8, &str, bool)> {
        doc.headings
            .iter()
            .map(|h| (h.level, h.text.text.as_str(), h.empty))
            .collect()
    }

    fn assert_spans_exact(doc: &Document) {
        let src = &doc.source;
        for h in &doc.headings {
            assert_eq!(src.slice(h.text.span), h.text.text);
        }
        for l in &doc.labels {
            assert_eq!(src.slice(l.key.span), l.key.text);
            assert_eq!(src.slice(l.value.span), l.value.text);
        }
        for t in &doc.tables {
            for c in t.header.iter().chain(t.rows.iter().flatten()) {
                assert_eq!(src.slice(c.span), c.text);
            }
        }
        if let Some(t) = &doc.title {
            assert_eq!(src.slice(t.span), t.text);
        }
    }

    #[test]
    fn split_label_accepts_labels() {
        let s = "预算：5万元";
        let p = split_label(s).unwrap();
        assert_eq!(&s[p.key.clone()], "预算");
        assert_eq!(&s[p.value.clone()], "5万元");
        let s = "Budget: ¥50,000";
        let p = split_label(s).unwrap();
        assert_eq!(&s[p.key.clone()], "Budget");
        assert_eq!(&s[p.value.clone()], "¥50,000");
        let s = "预算：";
        let p = split_label(s).unwrap();
        assert_eq!(&s[p.key.clone()], "预算");
        assert!(p.value.is_empty());
        let s = "  Total budget :  100 ";
        let p = split_label(s).unwrap();
        assert_eq!(&s[p.key.clone()], "Total budget");
        assert_eq!(&s[p.value.clone()], "100");
        let s = "网址：https://example.com";
        assert_eq!(&s[split_label(s).unwrap().value], "https://example.com");
    }

    #[test]
    fn split_label_rejects_non_labels() {
        for s in [
            "10:30",
            "10:30 开会",
            "会议定于 10:30 开始",
            "https://example.com/a",
            "我们认为，结果是：好",
            "Note, however: this",
            "：没有键",
            "这是一个非常非常非常非常非常非常长的键名称超过了二十个字：值",
            "没有冒号的行",
            "12: 三",
            "",
        ] {
            assert_eq!(split_label(s), None, "{s:?}");
        }
    }

    #[test]
    fn numbered_headings_get_levels_by_first_appearance() {
        let doc = read_text(
            "r.txt",
            "2027年市场调研报告\n\n一、引言\n背景文字。\n（一）目的\n了解市场。\n1. 范围\n覆盖全国。\n1.1 区域\n华东。\n1.1.1 城市\n上海。\n二、方法\n问卷调查。\n",
        );
        assert_eq!(
            headings(&doc),
            vec![
                (1, "一、引言", false),
                (2, "（一）目的", false),
                (3, "1. 范围", false),
                (4, "1.1 区域", false),
                (5, "1.1.1 城市", false),
                (1, "二、方法", false),
            ]
        );
        assert_eq!(doc.title.as_ref().unwrap().text, "2027年市场调研报告");
        assert_eq!(doc.headings[0].normalized, "引言");
        assert_eq!(doc.headings[2].normalized, "范围");
        assert_spans_exact(&doc);
    }

    #[test]
    fn other_numbering_styles_are_headings() {
        let doc = read_text(
            "r.txt",
            "Report\n第一章 引言\ntext\nPart 2 Results\ntext\n1、背景\ntext\n1. Introduction\ntext\n",
        );
        assert_eq!(
            headings(&doc),
            vec![
                (1, "第一章 引言", false),
                (2, "Part 2 Results", false),
                (3, "1、背景", false),
                (3, "1. Introduction", false),
            ]
        );
        assert_eq!(doc.headings[1].normalized, "results");
    }

    #[test]
    fn sentences_and_labels_are_not_headings() {
        let doc = read_text(
            "r.txt",
            "标题\n一、我们将在全国范围内开展调研，覆盖三十个城市。\n2、加强宣传，提升品牌\n1. 预算：5万元\n1.5万元用于场地\n",
        );
        assert!(doc.headings.is_empty(), "{:?}", headings(&doc));
        assert_eq!(doc.labels.len(), 1);
        assert_eq!(doc.labels[0].value.text, "5万元");
        assert_eq!(doc.labels[0].normalized, "预算");
    }

    #[test]
    fn numbering_before_a_colon_makes_a_heading_not_a_label() {
        let text = "研究报告\n\n第一部分：研究背景\n文字。\n第二部分：调研方法\n文字。\n\nPart 3: Results\ntext\nSection 4: Findings\ntext\nChapter 5: Conclusion\ntext\n第二章：调研方法\n文字。\n1. 预算：5万元\n";
        let doc = read_text("r.txt", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "第一部分：研究背景", false),
                (1, "第二部分：调研方法", false),
                (2, "Part 3: Results", false),
                (3, "Section 4: Findings", false),
                (4, "Chapter 5: Conclusion", false),
                (5, "第二章：调研方法", false),
            ]
        );
        let normalized: Vec<_> = doc.headings.iter().map(|h| h.normalized.as_str()).collect();
        assert_eq!(
            normalized,
            vec![
                "研究背景",
                "调研方法",
                "results",
                "findings",
                "conclusion",
                "调研方法"
            ]
        );
        // Only the real label is a label; the numbered lines are heading lines.
        assert_eq!(doc.labels.len(), 1);
        assert_eq!(doc.labels[0].normalized, "预算");
        assert!(
            doc.lines
                .iter()
                .any(|l| l.kind == LineKind::Heading && l.text == "Part 3: Results")
        );
        assert_spans_exact(&doc);
        // A sentence after the numbering is not a heading, and not a label either.
        let doc = read_text("r.txt", "报告\n第一部分：我们认为，市场仍在增长。\n");
        assert!(doc.headings.is_empty() && doc.labels.is_empty());
    }

    #[test]
    fn typed_table_of_contents_is_not_headings() {
        let text = "2026年门店服务满意度调研报告\n【内部资料】仅限门店运营部\n\n目录\n一、研究背景 ........................ 1\n二、调研方法 ........................ 2\n三、调研结果…………3\n四、结论 ··········· 5\n附录：调查问卷……………12\n\n一、研究背景\n文字。\n\n二、调研方法\n文字。\n\n三、调研结果\n文字。\n\n五、建议\n文字。\n";
        let doc = read_text("m.txt", text);
        let texts: Vec<_> = doc.headings.iter().map(|h| h.text.text.as_str()).collect();
        assert!(!texts.iter().any(|t| t.contains("结论")), "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains('.') || t.contains('…')));
        assert_eq!(
            texts.iter().filter(|t| t.starts_with("一、")).count(),
            1,
            "{texts:?}"
        );
        // Entries are list lines, not labels.
        assert!(doc.labels.is_empty(), "{:?}", doc.labels);
        let kind = |t: &str| {
            doc.lines
                .iter()
                .find(|l| l.text.starts_with(t))
                .map(|l| l.kind)
        };
        assert_eq!(kind("四、结论"), Some(LineKind::ListItem));
        assert_eq!(kind("附录"), Some(LineKind::Prose));
        // An unnumbered entry after a blank line is not a standalone heading either; a lone
        // tab-separated entry is not a table.
        let doc = read_text(
            "m.txt",
            "报告\n\n结论 ........ 5\n文字\n\n1. 引言\t3\n文字\n",
        );
        assert!(doc.headings.is_empty(), "{:?}", headings(&doc));
        assert_spans_exact(&doc);
    }

    #[test]
    fn stamp_lines() {
        for line in [
            "密级：内部",
            "编号：MK-2027-001",
            "Classification: Internal",
            "【内部资料】仅限品牌部",
            "[CONFIDENTIAL] Brand team only",
            "〔机密〕",
            "［内部］",
            "机密★一年",
            "★ 内部资料",
            "CONFIDENTIAL – INTERNAL USE ONLY",
            "INTERNAL",
        ] {
            assert!(is_stamp_line(line), "{line:?}");
        }
        for line in [
            "",
            "2027年度品牌推广计划",
            "Quarterly Promotion Plan Q3",
            "第一部分：研究背景",
            "Part 4: Conclusion",
            "【】",
            "【未闭合",
            "(Draft) Promotion Plan",
            "Q3",
            "2027",
            "内部资料",
        ] {
            assert!(!is_stamp_line(line), "{line:?}");
        }
    }

    #[test]
    fn title_skips_stamps_above_it() {
        let text = "【内部资料】仅限品牌部\n2027年度品牌推广计划\n\n一、推广目标\n认知度提升。\n";
        let doc = read_text("n.txt", text);
        let title = doc.title.as_ref().unwrap();
        assert_eq!(title.text, "2027年度品牌推广计划");
        assert_eq!(doc.source.slice(title.span), title.text);
        // The stamp is still a line, and neither a heading nor the title.
        assert_eq!(doc.lines[0].text, "【内部资料】仅限品牌部");
        assert_eq!(doc.lines[0].kind, LineKind::Prose);
        assert_eq!(headings(&doc), vec![(1, "一、推广目标", false)]);

        let cases = [
            ("密级：内部\n编号：MK-1\n\n推广计划\n\n正文。\n", "推广计划"),
            (
                "[CONFIDENTIAL] Brand team\nPromotion Plan\n\nText.\n",
                "Promotion Plan",
            ),
            ("〔机密〕\n机密★一年\n调研报告\n", "调研报告"),
            (
                "CONFIDENTIAL – INTERNAL USE ONLY\n\nResearch Report\n",
                "Research Report",
            ),
            // All stamps: the first line.
            ("密级：内部\n【内部资料】\n", "密级：内部"),
            // What follows the stamp is a section heading: no title line of its own.
            (
                "【内部资料】仅限品牌部\n一、推广目标\n认知度提升。\n",
                "【内部资料】仅限品牌部",
            ),
            (
                "Q3 Store Events: Review\n\nSales\nSales grew.\n",
                "Q3 Store Events: Review",
            ),
            ("\n\n2027年度品牌推广计划\n", "2027年度品牌推广计划"),
            // A table row is never skipped, even in capitals.
            ("| NAME | ID |\n| AB | 1 |\n\n报告\n", "| NAME | ID |"),
        ];
        for (text, want) in cases {
            let doc = read_text("t.txt", text);
            assert_eq!(
                doc.title.as_ref().map(|t| t.text.as_str()),
                Some(want),
                "{text:?}"
            );
            assert_spans_exact(&doc);
        }
        // The labelled stamp is still a label.
        let doc = read_text("t.txt", "密级：内部\n推广计划\n");
        assert_eq!(doc.labels.len(), 1);
        assert_eq!(doc.labels[0].normalized, "密级");
        // A standalone line after the title is still a heading, stamps before it or not.
        let doc = read_text(
            "t.txt",
            "【内部资料】\nCampaign Review\n\nSales\nSales grew.\n",
        );
        assert_eq!(doc.title.as_ref().unwrap().text, "Campaign Review");
        assert_eq!(headings(&doc), vec![(1, "Sales", false)]);
    }

    #[test]
    fn standalone_headings() {
        let doc = read_text(
            "r.txt",
            "Market Research Report\nIntroduction\nWe studied the market.\n\nConclusion\nIt grew.\n\nThanks.\n",
        );
        assert_eq!(
            headings(&doc),
            vec![(1, "Introduction", false), (1, "Conclusion", false)]
        );
        // A standalone line after numbered headings is a sibling of the latest one.
        let doc = read_text(
            "r.txt",
            "报告\n一、引言\n文字\n（一）背景\n文字\n\n小结\n文字\n",
        );
        assert_eq!(
            headings(&doc),
            vec![
                (1, "一、引言", false),
                (2, "（一）背景", false),
                (2, "小结", false)
            ]
        );
        // Not preceded by a blank line, or not followed by text: not a heading.
        let doc = read_text("r.txt", "报告\n\n正文第一段。\n结论\n文字\n\n落款\n");
        assert!(doc.headings.is_empty(), "{:?}", headings(&doc));
    }

    #[test]
    fn emptiness() {
        let doc = read_text(
            "r.txt",
            "报告\n一、引言\n二、方法\n（一）问卷\n内容\n三、结果\n\n\n四、结论\n内容\n",
        );
        assert_eq!(
            headings(&doc),
            vec![
                (1, "一、引言", true),
                (1, "二、方法", false),
                (2, "（一）问卷", false),
                (1, "三、结果", true),
                (1, "四、结论", false),
            ]
        );
        let h = &doc.headings[1];
        assert_eq!(h.section_end, doc.text().find("三、").unwrap());
        assert_eq!(h.body_start, doc.text().find("（一）").unwrap());
        assert_eq!(doc.headings[4].section_end, doc.text().len());
        // A heading whose only content is a sub-heading (itself empty) is not empty.
        let doc = read_text("r.txt", "报告\n一、引言\n（一）背景\n二、方法\n内容\n");
        assert_eq!(
            headings(&doc),
            vec![
                (1, "一、引言", false),
                (2, "（一）背景", true),
                (1, "二、方法", false)
            ]
        );
    }

    #[test]
    fn labels_with_bullets_and_english() {
        let doc = read_text(
            "p.txt",
            "计划\n- 预算：5 万元\n• 渠道：微信\n* Budget: ¥50,000\n· 时间：2027年3月\n会议 10:30 开始\n见 https://example.com\n",
        );
        let got: Vec<_> = doc
            .labels
            .iter()
            .map(|l| (l.key.text.as_str(), l.value.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("预算", "5 万元"),
                ("渠道", "微信"),
                ("Budget", "¥50,000"),
                ("时间", "2027年3月"),
            ]
        );
        assert_eq!(doc.labels[0].line.text, "预算：5 万元");
        assert_eq!(doc.source.slice(doc.labels[0].line.span), "- 预算：5 万元");
        assert_eq!(doc.lines[1].kind, LineKind::ListItem);
        assert_eq!(doc.lines[1].text, "预算：5 万元");
        assert_spans_exact(&doc);
    }

    #[test]
    fn pipe_tables() {
        let text = "预算\n\n| 项目 | 金额（元） |\n|---|---:|\n| 场地 | 12,000 |\n| 合计 | 12,000 |\n\n后文\n";
        let doc = read_text("b.txt", text);
        assert_eq!(doc.tables.len(), 1);
        let t = &doc.tables[0];
        let header: Vec<_> = t.header.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(header, vec!["项目", "金额（元）"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][0].text, "合计");
        assert_eq!(t.rows[1][1].text, "12,000");
        assert!(doc.source.slice(t.span).starts_with("| 项目"));
        assert!(doc.source.slice(t.span).ends_with("12,000 |"));
        let rows: Vec<_> = doc
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::TableRow)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(rows, vec!["项目 金额（元）", "场地 12,000", "合计 12,000"]);
        assert!(doc.labels.is_empty());
        assert_spans_exact(&doc);
    }

    #[test]
    fn pipe_table_without_separator_and_tab_tables() {
        let doc = read_text(
            "b.txt",
            "表\n项目 | 金额\n场地 | 100\n\n姓名\t部门\t评分\n张三\t市场部\t90\n李四\t\t85\n",
        );
        assert_eq!(doc.tables.len(), 2);
        assert_eq!(doc.tables[0].header[1].text, "金额");
        assert_eq!(doc.tables[0].rows[0][1].text, "100");
        let t = &doc.tables[1];
        assert_eq!(t.header.len(), 3);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][1].text, "");
        assert_eq!(t.rows[1][2].text, "85");
        assert_spans_exact(&doc);
    }

    #[test]
    fn crlf_and_bom() {
        let doc = read_text("c.txt", "\u{FEFF}报告\r\n\r\n一、引言\r\n预算：5万元\r\n");
        assert_eq!(doc.title.as_ref().unwrap().text, "报告");
        assert_eq!(headings(&doc), vec![(1, "一、引言", false)]);
        assert_eq!(doc.labels[0].value.text, "5万元");
        for l in &doc.lines {
            assert!(!doc.source.slice(l.span).contains('\r'));
            assert_eq!(doc.source.slice(l.span), l.text);
        }
        assert_spans_exact(&doc);
    }

    #[test]
    fn empty_and_blank_input() {
        for text in ["", "\n\n", "   \r\n\t\n"] {
            let doc = read_text("e.txt", text);
            assert!(doc.title.is_none());
            assert!(doc.headings.is_empty() && doc.lines.is_empty() && doc.tables.is_empty());
        }
        assert!(read_text("e.txt", "").prose.is_empty());
        assert_eq!(read_text("e.txt", "x").prose, vec![Span::new(0, 1)]);
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..200 {
            let len = (round * 7) % 400;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Bias towards structure characters.
                    match seed % 8 {
                        0 => b'\n',
                        1 => b'|',
                        2 => b'\t',
                        3 => b':',
                        _ => (seed >> 8) as u8,
                    }
                })
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            let doc = read_text("g.txt", &text);
            assert_spans_exact(&doc);
        }
        for text in [
            "|",
            "||\n||",
            "\t\n\t",
            "一、",
            "：",
            "\r",
            "\r\n\r\n",
            "第一部分\n",
            "第一部分：\n",
            "【\n",
            "【】\n",
            "★\n",
            "Part 1:\nA\n",
        ] {
            let _ = read_text("g.txt", text);
        }
    }
}
