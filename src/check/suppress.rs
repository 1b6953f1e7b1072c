//! Suppressions: inline directives in documents, and `[[waivers]]` in `bylaw.toml` (records
//! cannot hold comments).
//!
//! A suppression never hides a finding in silence: the finding moves from the report to the
//! list of suppressed findings, with the reason, and the run counts it.
//!
//! # Directives
//!
//! ```text
//! <!-- bylaw-disable-next-line RULE[,RULE2] -- reason -->    the next non-empty line
//! <!-- bylaw-disable-line RULE -- reason -->                 the line it is written on
//! <!-- bylaw-disable RULE -- reason -->                      from here …
//! <!-- bylaw-enable RULE -->                                 … to here (else to the end)
//! <!-- bylaw-disable-file RULE -- reason -->                 the whole file
//! ```
//!
//! - **Markdown**: in HTML comments (not in code blocks, inline code or front matter). A comment
//!   may span lines; it then covers (`disable-line`) or is followed by (`disable-next-line`)
//!   the lines of the whole comment.
//! - **Plain text**: the same, or on a line of its own after `#`, `//` or `%`
//!   (`# bylaw-disable-next-line ad-copy/absolute-term -- quoting the regulator's list`).
//! - **.docx**: a review comment whose text is a directive (comment markers optional). It
//!   applies to the paragraph the comment is anchored on: `disable-next-line` and
//!   `disable-line` both mean that paragraph; `disable` … `enable` run from the paragraph of
//!   one comment to that of the other.
//!
//! `bylaw-disable-next-line` skips blank lines and lines holding nothing but other directives,
//! so directives can be stacked above one line.
//!
//! `RULE` is a rule id (`ad-copy/absolute-term`), a clause id (`4.1.5`: every finding citing
//! that clause) or `*` (every rule; the `bylaw/…` input ids must be named). Several are
//! separated by commas. `bylaw-enable` without a rule closes every open `bylaw-disable`.
//!
//! The reason follows ` -- ` (Word's autocorrected `–` / `—` are accepted too) and may itself
//! contain `--`. An optional expiry ends the directive: `-- reason (until 2027-03-31)`
//! (full-width brackets accepted). It suppresses through that day, judged by the audit date.
//!
//! # Waivers
//!
//! ```toml
//! [[waivers]]
//! path = "records/customers*.csv"   # glob on the reported path
//! rule = "customers/duplicate-id"   # rule id, clause id or "*"
//! row = 17                          # optional: the record's 1-based data row
//! field = "手机"                    # optional: the column's header as written
//! line = 12                         # optional: the line (documents; records: the physical line)
//! reason = "…"                      # required
//! approved_by = "…"                 # required
//! expires = "2027-03-31"            # optional; a bare TOML date works too
//! ```
//!
//! # What suppressions report themselves
//!
//! These findings cite no clause and can never be suppressed:
//!
//! | rule | severity | meaning |
//! |---|---|---|
//! | `bylaw/suppression-expired` | error | a directive's `(until …)` or a waiver's `expires` date is before the audit date; it no longer suppresses |
//! | `bylaw/suppression-unreasoned` | warning | a directive gives no reason after ` -- ` (it still suppresses) |
//! | `bylaw/suppression-unused` | warning | a directive's rule, or a waiver, suppresses nothing |
//! | `bylaw/suppression-unknown-rule` | warning | a directive names a rule or clause no policy in force has (with a did-you-mean); that rule suppresses nothing |
//! | `bylaw/suppression-malformed` | warning | a `bylaw-…` directive that cannot be read: an unknown directive, no rule, an expiry that is not a date, a `bylaw-enable` that closes nothing; it suppresses nothing |

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use globset::Glob;
use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::{Deserialize, Deserializer};

use crate::input::docx::DocxComment;
use crate::model::normalize::fold_width;
use crate::policy::ast::Severity;
use crate::policy::errors::did_you_mean;
use crate::report::finding::{
    Finding, MALFORMED_RECORD, RULE_ABORTED, RecordLocation, UNREADABLE, UNSUPPORTED,
};
use crate::source::{SourceFile, Span};

/// A directive's `(until …)` or a waiver's `expires` date has passed (error).
pub const SUPPRESSION_EXPIRED: &str = "bylaw/suppression-expired";
/// A directive gives no reason (warning).
pub const SUPPRESSION_UNREASONED: &str = "bylaw/suppression-unreasoned";
/// A directive's rule, or a waiver, suppresses nothing (warning).
pub const SUPPRESSION_UNUSED: &str = "bylaw/suppression-unused";
/// A directive names an unknown rule or clause (warning).
pub const SUPPRESSION_UNKNOWN_RULE: &str = "bylaw/suppression-unknown-rule";
/// A `bylaw-…` directive that cannot be read (warning).
pub const SUPPRESSION_MALFORMED: &str = "bylaw/suppression-malformed";

/// Rule ids of findings bylaw makes itself that a directive or waiver may name.
const INPUT_RULES: [&str; 4] = [UNREADABLE, UNSUPPORTED, RULE_ABORTED, MALFORMED_RECORD];

/// Whether a rule id is one of the problems suppressions report (never suppressible).
pub fn is_suppression_problem(rule: &str) -> bool {
    rule.starts_with("bylaw/suppression-")
}

// ---------------------------------------------------------------------------------------------
// Directives

/// What a directive does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    DisableNextLine,
    DisableLine,
    Disable,
    Enable,
    DisableFile,
    /// `bylaw test`: the rule must report a finding here (see [`crate::suite`]).
    Expect,
    /// `bylaw test`: the rule should report a finding here but does not yet (known failing).
    ExpectTodo,
    /// `bylaw test`: the rule reports a finding here that it should not (known failing).
    FalsePositive,
}

const KINDS: [DirectiveKind; 8] = [
    DirectiveKind::DisableNextLine,
    DirectiveKind::DisableLine,
    DirectiveKind::Disable,
    DirectiveKind::Enable,
    DirectiveKind::DisableFile,
    DirectiveKind::Expect,
    DirectiveKind::ExpectTodo,
    DirectiveKind::FalsePositive,
];

impl DirectiveKind {
    /// The directive as written: `bylaw-disable-next-line`.
    pub fn keyword(self) -> &'static str {
        match self {
            DirectiveKind::DisableNextLine => "bylaw-disable-next-line",
            DirectiveKind::DisableLine => "bylaw-disable-line",
            DirectiveKind::Disable => "bylaw-disable",
            DirectiveKind::Enable => "bylaw-enable",
            DirectiveKind::DisableFile => "bylaw-disable-file",
            DirectiveKind::Expect => "bylaw-expect",
            DirectiveKind::ExpectTodo => "bylaw-expect-todo",
            DirectiveKind::FalsePositive => "bylaw-false-positive",
        }
    }

    /// A test expectation for `bylaw test`, not a suppression: it suppresses nothing.
    pub fn is_expectation(self) -> bool {
        matches!(
            self,
            DirectiveKind::Expect | DirectiveKind::ExpectTodo | DirectiveKind::FalsePositive
        )
    }

    fn from_keyword(s: &str) -> Option<DirectiveKind> {
        KINDS.into_iter().find(|k| k.keyword() == s)
    }
}

/// The lines a directive's rule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// 1-based lines `first..=last`; `last == usize::MAX`: to the end of the file.
    Lines { first: usize, last: usize },
    /// The whole file.
    File,
    /// No line: a `bylaw-disable-next-line` with no line after it.
    Nothing,
}

impl Scope {
    pub fn covers(self, line: usize) -> bool {
        match self {
            Scope::Lines { first, last } => first <= line && line <= last,
            Scope::File => true,
            Scope::Nothing => false,
        }
    }

    fn describe(self) -> String {
        match self {
            Scope::Lines { first, last } if first == last => format!("on line {first}"),
            Scope::Lines {
                first,
                last: usize::MAX,
            } => {
                format!("from line {first} to the end of the file")
            }
            Scope::Lines { first, last } => format!("on lines {first}–{last}"),
            Scope::File => "in this file".into(),
            Scope::Nothing => "(there is no line after it)".into(),
        }
    }
}

/// One rule (or clause, or `*`) of a directive and the lines it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// As written: a rule id, a clause id or `*`.
    pub rule: String,
    pub scope: Scope,
}

/// An inline suppression directive, where it was written and what it covers.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// The file as reported.
    pub file: String,
    /// `None` when the `bylaw-…` keyword is unknown (then `error` says so).
    pub kind: Option<DirectiveKind>,
    /// The directive without its comment markers, whitespace collapsed.
    pub text: String,
    /// 1-based line the directive starts on (.docx: the paragraph the comment is anchored on).
    pub line: usize,
    /// The directive with its comment markers, in `source` (text documents; `None` for .docx).
    pub span: Option<Span>,
    pub source: Option<Arc<SourceFile>>,
    /// Empty for `bylaw-enable` and for malformed directives.
    pub targets: Vec<Target>,
    /// The text after ` -- ` (without the expiry); `None` when missing or empty.
    pub reason: Option<String>,
    /// The `(until …)` date: the last day it suppresses.
    pub until: Option<NaiveDate>,
    /// Why the directive cannot be read; it then suppresses nothing.
    pub error: Option<String>,
}

/// A directive's text, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed {
    kind: Option<DirectiveKind>,
    text: String,
    rules: Vec<String>,
    reason: Option<String>,
    until: Option<NaiveDate>,
    error: Option<String>,
}

/// Parse a directive (comment markers removed). `None` when the text is not a `bylaw-…`
/// directive at all.
fn parse_directive(body: &str) -> Option<Parsed> {
    let text = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.starts_with("bylaw-") {
        return None;
    }
    let (keyword, rest) = text.split_once(' ').unwrap_or((text.as_str(), ""));
    // `bylaw-expect: RULE` reads as well as `bylaw-expect RULE`.
    let keyword = keyword.strip_suffix([':', '：']).unwrap_or(keyword);
    let mut p = Parsed {
        kind: DirectiveKind::from_keyword(keyword),
        text: text.clone(),
        rules: Vec::new(),
        reason: None,
        until: None,
        error: None,
    };
    let Some(kind) = p.kind else {
        let hint = did_you_mean(keyword, KINDS.iter().map(|k| k.keyword()))
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        p.error = Some(format!(
            "`{keyword}` is not a bylaw directive{hint}; the directives are {}",
            KINDS
                .iter()
                .map(|k| format!("`{}`", k.keyword()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return Some(p);
    };
    let (rest, until) = split_until(rest);
    match until {
        Some(Ok(d)) => p.until = Some(d),
        Some(Err(e)) => p.error = Some(e),
        None => {}
    }
    let (rules, reason) = split_reason(rest);
    p.rules = rules
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    p.reason = reason
        .map(|r| r.trim_start_matches(['-', '–', '—']).trim())
        .filter(|r| !r.is_empty())
        .map(String::from);
    if p.rules.is_empty() && kind != DirectiveKind::Enable && p.error.is_none() {
        p.error = Some(format!(
            "`{}` names no rule: write a rule id, a clause id or `*` after it",
            kind.keyword()
        ));
    }
    Some(p)
}

/// Split a trailing `(until YYYY-MM-DD)` off; the date, or why it is not one.
fn split_until(rest: &str) -> (&str, Option<Result<NaiveDate, String>>) {
    let t = rest.trim_end();
    let Some(close) = t.chars().last().filter(|c| matches!(c, ')' | '）')) else {
        return (rest, None);
    };
    let inner_end = t.len() - close.len_utf8();
    let Some(open) = t[..inner_end].rfind(['(', '（']) else {
        return (rest, None);
    };
    let open_len = if t[open..].starts_with('(') {
        1
    } else {
        '（'.len_utf8()
    };
    let inner = t[open + open_len..inner_end].trim();
    let Some(after) = inner
        .get(..5)
        .filter(|w| w.eq_ignore_ascii_case("until"))
        .map(|_| &inner[5..])
    else {
        return (rest, None);
    };
    if !(after.is_empty() || after.starts_with([' ', ':', '：'])) {
        return (rest, None);
    }
    let date = after.trim_start_matches([' ', ':', '：']).trim();
    let parsed = parse_date(date).ok_or_else(|| {
        format!(
            "`{inner}` is not an expiry date: write `(until YYYY-MM-DD)`, e.g. `(until 2027-03-31)`"
        )
    });
    (&t[..open], Some(parsed))
}

/// A `YYYY-MM-DD` date.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Split the rules from the reason at the first `--` (or `–`, `—`) that starts a word.
fn split_reason(rest: &str) -> (&str, Option<&str>) {
    for (at, c) in rest.char_indices() {
        let dash = match c {
            '-' => rest[at..].starts_with("--"),
            '–' | '—' => true,
            _ => false,
        };
        if dash && (at == 0 || rest[..at].ends_with(char::is_whitespace)) {
            let len = if c == '-' { 2 } else { c.len_utf8() };
            return (&rest[..at], Some(&rest[at + len..]));
        }
    }
    (rest, None)
}

/// A directive found in a file, before scopes are resolved.
struct Raw {
    first_line: usize,
    last_line: usize,
    /// The line `bylaw-disable-next-line` covers.
    next_line: Option<usize>,
    /// Whether the directive stands on lines of its own (else it shares its line with text).
    own_line: bool,
    span: Option<Span>,
    parsed: Parsed,
}

/// Directives in a text document's source (`markdown`: HTML comments outside code; else plain
/// text: also `#`, `//`, `%` line comments).
pub fn scan_text(source: &Arc<SourceFile>, markdown: bool) -> Vec<Suppression> {
    let text = source.text();
    if !text.contains("bylaw-") {
        return Vec::new();
    }
    let mut found: Vec<(Span, Parsed)> = Vec::new();
    let mut skips: Vec<Range<usize>> = Vec::new();
    if markdown {
        skips = markdown_skips(text);
    } else {
        for idx in 0..source.line_count() {
            let ls = source.line_span(idx);
            let line = source.slice(ls);
            if let Some(body) = line_comment_body(line) {
                let start = ls.start + (line.len() - line.trim_start().len());
                let end = ls.start + line.trim_end().len();
                if let Some(p) = parse_directive(body) {
                    found.push((Span::new(start, end), p));
                    skips.push(ls.range());
                }
            }
        }
    }
    for (whole, body) in html_comments(text, &skips) {
        if let Some(p) = parse_directive(&text[body]) {
            found.push((Span::from(whole), p));
        }
    }
    found.sort_by_key(|(s, _)| s.start);
    let spans: Vec<Span> = found.iter().map(|(s, _)| *s).collect();
    let raws = found
        .into_iter()
        .map(|(span, parsed)| {
            let first_line = source.position(span.start).line;
            let last_line = source.position(span.end).line;
            let next_line = (last_line..source.line_count())
                .find(|&idx| !is_filler(source, idx, &spans))
                .map(|idx| idx + 1);
            Raw {
                first_line,
                last_line,
                next_line,
                own_line: is_filler(source, first_line - 1, &spans),
                span: Some(span),
                parsed,
            }
        })
        .collect();
    build(source.name(), Some(source), raws)
}

/// The directive after a `#`, `//` or `%` that starts a line.
fn line_comment_body(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let rest = if let Some(r) = t.strip_prefix("//") {
        r.trim_start_matches('/')
    } else if t.starts_with('#') {
        t.trim_start_matches('#')
    } else if t.starts_with('%') {
        t.trim_start_matches('%')
    } else {
        return None;
    };
    let rest = rest.trim();
    rest.starts_with("bylaw-").then_some(rest)
}

/// `<!-- … -->` comments (whole, body) whose start is outside `skips`.
fn html_comments(text: &str, skips: &[Range<usize>]) -> Vec<(Range<usize>, Range<usize>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find("<!--") {
        let start = at + i;
        let body_start = start + 4;
        if skips.iter().any(|r| r.contains(&start)) {
            at = body_start;
            continue;
        }
        let Some(j) = text[body_start..].find("-->") else {
            break;
        };
        let end = body_start + j + 3;
        out.push((start..end, body_start..body_start + j));
        at = end;
    }
    out
}

/// Where a Markdown text holds no directives: front matter, code blocks, inline code.
fn markdown_skips(text: &str) -> Vec<Range<usize>> {
    let base = front_matter_end(text);
    let mut skips = Vec::new();
    if base > 0 {
        skips.push(0..base);
    }
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, r) in Parser::new_ext(&text[base..], options).into_offset_iter() {
        if matches!(event, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)) {
            skips.push(r.start + base..r.end + base);
        }
    }
    skips
}

/// Just past a `---` … `---` (or `...`) front matter block at the start of the text; else 0.
fn front_matter_end(text: &str) -> usize {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut lines = text[start..].split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        return 0;
    }
    let mut offset = start
        + text[start..]
            .find('\n')
            .map_or(text.len() - start, |i| i + 1);
    for (i, raw) in lines.enumerate() {
        let line = raw.trim_end();
        offset += raw.len();
        let closing = line == "---" || line == "...";
        // As the Markdown reader: the block cannot start with a blank line or be empty.
        if i == 0 && (closing || line.is_empty()) {
            return 0;
        }
        if closing {
            return offset;
        }
    }
    0
}

/// A blank line, or one holding nothing but directives.
fn is_filler(source: &SourceFile, idx: usize, directives: &[Span]) -> bool {
    let ls = source.line_span(idx);
    let text = source.text();
    let mut pos = ls.start;
    for s in directives
        .iter()
        .filter(|s| s.start < ls.end && s.end > ls.start)
    {
        if s.start > pos && !text[pos..s.start].trim().is_empty() {
            return false;
        }
        pos = pos.max(s.end);
    }
    pos >= ls.end || text[pos..ls.end].trim().is_empty()
}

/// Directives in .docx review comments, each applying to the paragraph (line) it is anchored
/// on. Comments that are not `bylaw-…` directives are ignored.
pub fn from_docx_comments(file: &str, comments: &[DocxComment]) -> Vec<Suppression> {
    let mut sorted: Vec<&DocxComment> = comments.iter().collect();
    sorted.sort_by_key(|c| (c.line, c.id.parse::<u64>().unwrap_or(u64::MAX)));
    let raws = sorted
        .into_iter()
        .filter_map(|c| {
            let parsed = parse_directive(strip_markers(&c.text))?;
            Some(Raw {
                first_line: c.line,
                last_line: c.line,
                next_line: Some(c.line),
                own_line: false,
                span: None,
                parsed,
            })
        })
        .collect();
    build(file, None, raws)
}

/// A comment's text without optional `<!-- -->` or `#` / `//` / `%` markers.
fn strip_markers(text: &str) -> &str {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("<!--") {
        return inner.strip_suffix("-->").unwrap_or(inner);
    }
    line_comment_body(t).unwrap_or(t)
}

/// Resolve scopes (`bylaw-disable` … `bylaw-enable` pairs) in order of position.
fn build(file: &str, source: Option<&Arc<SourceFile>>, raws: Vec<Raw>) -> Vec<Suppression> {
    let mut out: Vec<Suppression> = Vec::with_capacity(raws.len());
    // Open `bylaw-disable` targets: (suppression index, target index).
    let mut open: Vec<(usize, usize)> = Vec::new();
    for raw in raws {
        let p = raw.parsed;
        let mut s = Suppression {
            file: file.to_string(),
            kind: p.kind,
            text: p.text,
            line: raw.first_line,
            span: source.and(raw.span),
            source: source.cloned(),
            targets: Vec::new(),
            reason: p.reason,
            until: p.until,
            error: p.error,
        };
        if let (None, Some(kind)) = (&s.error, s.kind) {
            let scope = match kind {
                DirectiveKind::DisableNextLine => match raw.next_line {
                    Some(n) => Scope::Lines { first: n, last: n },
                    None => Scope::Nothing,
                },
                DirectiveKind::DisableLine => Scope::Lines {
                    first: raw.first_line,
                    last: raw.last_line,
                },
                DirectiveKind::Disable => Scope::Lines {
                    first: raw.first_line,
                    last: usize::MAX,
                },
                DirectiveKind::DisableFile => Scope::File,
                DirectiveKind::Enable => Scope::Nothing,
                // An expectation on a line of its own is about the next line, like
                // `disable-next-line`; beside text, about its own line.
                DirectiveKind::Expect
                | DirectiveKind::ExpectTodo
                | DirectiveKind::FalsePositive => match (raw.own_line, raw.next_line) {
                    (false, _) => Scope::Lines {
                        first: raw.first_line,
                        last: raw.first_line,
                    },
                    (true, Some(n)) => Scope::Lines { first: n, last: n },
                    (true, None) => Scope::Nothing,
                },
            };
            if kind == DirectiveKind::Enable {
                let all = p.rules.is_empty() || p.rules.iter().any(|r| r == "*");
                let mut closed: HashSet<String> = HashSet::new();
                open.retain(|&(si, ti)| {
                    let t = &mut out[si].targets[ti];
                    if !(all || p.rules.contains(&t.rule)) {
                        return true;
                    }
                    if let Scope::Lines { last, .. } = &mut t.scope {
                        *last = raw.first_line;
                    }
                    closed.insert(t.rule.clone());
                    false
                });
                let unmatched: Vec<String> = if all {
                    if closed.is_empty() {
                        vec!["*".into()]
                    } else {
                        Vec::new()
                    }
                } else {
                    p.rules
                        .iter()
                        .filter(|r| !closed.contains(*r))
                        .map(|r| format!("`{r}`"))
                        .collect()
                };
                if !unmatched.is_empty() {
                    s.error = Some(if all {
                        "`bylaw-enable` closes nothing: no `bylaw-disable` is open here".into()
                    } else {
                        format!(
                            "`bylaw-enable` closes nothing for {}: no `bylaw-disable` of it is open here",
                            unmatched.join(", ")
                        )
                    });
                }
            } else {
                for rule in p.rules {
                    if kind == DirectiveKind::Disable {
                        open.push((out.len(), s.targets.len()));
                    }
                    s.targets.push(Target { rule, scope });
                }
            }
        }
        out.push(s);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Waivers

/// A `[[waivers]]` entry of `bylaw.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Glob on the reported path.
    pub path: String,
    /// A rule id, a clause id or `*`.
    pub rule: String,
    /// Records: the 1-based data row (`RecordLocation::row`).
    #[serde(default)]
    pub row: Option<usize>,
    /// Records: the column's header as written (width- and case-insensitive).
    #[serde(default)]
    pub field: Option<String>,
    /// The 1-based line (documents; for records the physical line).
    #[serde(default)]
    pub line: Option<usize>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub approved_by: Option<String>,
    /// `YYYY-MM-DD` (a string or a bare TOML date): the last day it applies.
    #[serde(default, deserialize_with = "date_text")]
    pub expires: Option<String>,
}

fn date_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) => Ok(Some(s)),
        toml::Value::Datetime(dt) => Ok(Some(dt.to_string())),
        other => Err(serde::de::Error::custom(format!(
            "`expires` must be a date (YYYY-MM-DD), not a {}",
            other.type_str()
        ))),
    }
}

impl Waiver {
    /// The expiry date, when given and valid.
    pub fn expiry(&self) -> Option<NaiveDate> {
        self.expires.as_deref().and_then(parse_date)
    }

    fn expired(&self, as_of: NaiveDate) -> bool {
        self.expiry().is_some_and(|d| d < as_of)
    }

    fn describe(&self) -> String {
        let mut s = format!("waiver for `{}` on `{}`", self.rule, self.path);
        if let Some(r) = self.row {
            s.push_str(&format!(" row {r}"));
        }
        if let Some(f) = &self.field {
            s.push_str(&format!(" field `{f}`"));
        }
        if let Some(l) = self.line {
            s.push_str(&format!(" line {l}"));
        }
        s
    }

    /// Whether a finding is at the row, field and line the waiver names (all that it names).
    fn place_matches(&self, f: &Finding) -> bool {
        let record = f.record.as_ref();
        if let Some(row) = self.row
            && record.and_then(|r| r.row) != Some(row)
        {
            return false;
        }
        if let Some(field) = &self.field
            && record
                .and_then(|r| r.field.as_deref())
                .is_none_or(|x| fold_width(x.trim()) != fold_width(field.trim()))
        {
            return false;
        }
        if let Some(line) = self.line
            && f.location().line != line
        {
            return false;
        }
        true
    }
}

/// Check waivers as configuration (config error when not): `reason` and `approved_by` are
/// required, `expires` is a date, `path` a glob, `row` / `line` count from 1.
pub fn validate_waivers(waivers: &[Waiver]) -> Result<(), String> {
    for (i, w) in waivers.iter().enumerate() {
        let which = format!("waiver {} (`{}` on `{}`)", i + 1, w.rule, w.path);
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        let problem = if w.path.trim().is_empty() {
            Some("has an empty `path`: give a glob on the reported path".to_string())
        } else if let Err(e) = Glob::new(&w.path) {
            Some(format!("has a `path` that is not a valid glob: {e}"))
        } else if w.rule.trim().is_empty() {
            Some("has an empty `rule`: give a rule id, a clause id or \"*\"".into())
        } else if blank(&w.reason) {
            Some("needs a `reason`: why the finding is acceptable".into())
        } else if blank(&w.approved_by) {
            Some("needs `approved_by`: who approved the waiver".into())
        } else if let Some(e) = w.expires.as_deref().filter(|e| parse_date(e).is_none()) {
            Some(format!(
                "has `expires = \"{e}\"`, which is not a date (YYYY-MM-DD)"
            ))
        } else if w.row == Some(0) {
            Some("has `row = 0`: data rows count from 1".into())
        } else if w.line == Some(0) {
            Some("has `line = 0`: lines count from 1".into())
        } else if w.field.as_deref().is_some_and(|f| f.trim().is_empty()) {
            Some("has an empty `field`: give the column's header as written".into())
        } else {
            None
        };
        if let Some(p) = problem {
            return Err(format!("{which} {p}"));
        }
    }
    Ok(())
}

/// Check that every waiver names a rule, clause or `*` known to the policies in force (a
/// usage error otherwise, like an unknown id under `[rules]`).
pub fn validate_waiver_rules(
    waivers: &[Waiver],
    known_rules: &[(&str, &[String])],
) -> Result<(), String> {
    let known = Known::new(known_rules);
    for (i, w) in waivers.iter().enumerate() {
        if known.resolve(w.rule.trim()).is_none() {
            let hint = known
                .hint(w.rule.trim())
                .map(|h| format!(" {h}"))
                .unwrap_or_default();
            return Err(format!(
                "waiver {} (on `{}`) names an unknown rule or clause `{}`{hint}",
                i + 1,
                w.path,
                w.rule
            ));
        }
    }
    Ok(())
}

/// Which waivers matched a checked file (by path) and which suppressed a finding, over a run.
#[derive(Debug, Clone, Default)]
pub struct WaiverUsage {
    pub matched: Vec<bool>,
    pub used: Vec<bool>,
}

impl WaiverUsage {
    pub fn new(waivers: usize) -> WaiverUsage {
        WaiverUsage {
            matched: vec![false; waivers],
            used: vec![false; waivers],
        }
    }

    /// Add what one file's [`apply`] found.
    pub fn record(&mut self, applied: &Applied) {
        for &i in &applied.matched_waivers {
            if let Some(m) = self.matched.get_mut(i) {
                *m = true;
            }
        }
        for &i in &applied.used_waivers {
            if let Some(u) = self.used.get_mut(i) {
                *u = true;
            }
        }
    }
}

/// The run-wide waiver findings, once all files are applied: an expired waiver is an error
/// (whether or not it matched); a waiver that matched a checked file but suppressed nothing
/// is a warning. `unmatched_are_unused`: also warn about waivers whose path matched no file
/// of this run (right when the run covers the whole project; noise when checking one file).
///
/// `config_text` (the configuration's text), when given, lets each finding point at its
/// `[[waivers]]` header.
pub fn waiver_problems(
    waivers: &[Waiver],
    usage: &WaiverUsage,
    as_of: NaiveDate,
    unmatched_are_unused: bool,
    config_file: &str,
    config_text: Option<&str>,
) -> Vec<Finding> {
    indexed_waiver_problems(
        waivers,
        usage,
        as_of,
        unmatched_are_unused,
        config_file,
        config_text,
    )
    .into_iter()
    .map(|(_, f)| f)
    .collect()
}

/// [`waiver_problems`], each with the index of its waiver in `waivers`.
pub fn indexed_waiver_problems(
    waivers: &[Waiver],
    usage: &WaiverUsage,
    as_of: NaiveDate,
    unmatched_are_unused: bool,
    config_file: &str,
    config_text: Option<&str>,
) -> Vec<(usize, Finding)> {
    let source = config_text.map(|t| SourceFile::new(config_file, t));
    let headers = source
        .as_ref()
        .map(|s| waiver_headers(s))
        .filter(|h| h.len() == waivers.len());
    let mut out = Vec::new();
    for (i, w) in waivers.iter().enumerate() {
        let matched = usage.matched.get(i).copied().unwrap_or(false);
        let used = usage.used.get(i).copied().unwrap_or(false);
        let (rule, severity, message, help) = if w.expired(as_of) {
            (
                SUPPRESSION_EXPIRED,
                Severity::Error,
                format!(
                    "the {} expired on {}; it no longer suppresses",
                    w.describe(),
                    w.expires.as_deref().unwrap_or_default()
                ),
                "fix the findings it was waiving, or renew it with a later `expires` date and a fresh approval",
            )
        } else if matched && !used {
            (
                SUPPRESSION_UNUSED,
                Severity::Warning,
                format!("the {} suppresses nothing", w.describe()),
                "remove it, or correct its rule, row, field or line",
            )
        } else if !matched && unmatched_are_unused {
            (
                SUPPRESSION_UNUSED,
                Severity::Warning,
                format!("the {} matches no file checked in this run", w.describe()),
                "remove it, or correct its `path` (a glob on the reported path)",
            )
        } else {
            continue;
        };
        let span = headers.as_ref().map(|h| h[i]);
        out.push((
            i,
            Finding {
                rule: rule.to_string(),
                clauses: Vec::new(),
                severity,
                message,
                label: span.map(|_| "this waiver".to_string()),
                help: Some(help.to_string()),
                file: config_file.to_string(),
                source: span.and(source.clone()),
                span,
                record: None,
                table_cell: None,
                position: None,
            },
        ));
    }
    out
}

/// Spans of the `[[waivers]]` headers in a configuration, in order.
fn waiver_headers(source: &SourceFile) -> Vec<Span> {
    (0..source.line_count())
        .filter_map(|idx| {
            let ls = source.line_span(idx);
            let line = source.slice(ls);
            let code = line.split('#').next().unwrap_or("");
            let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
            (compact == "[[waivers]]").then(|| {
                let start = ls.start + (line.len() - line.trim_start().len());
                Span::new(start, ls.start + code.trim_end().len())
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Applying

/// One file's findings after its suppressions.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings still reported.
    pub kept: Vec<Finding>,
    /// Suppressed findings and why: the directive's reason (`no reason given` when it has
    /// none), or a waiver's `reason (waiver approved by …)`.
    pub suppressed: Vec<(Finding, String)>,
    /// Findings about the file's directives: expired, unreasoned, unused, unknown rule,
    /// malformed (waiver problems come from [`waiver_problems`]).
    pub problems: Vec<Finding>,
    /// Indices into `waivers` whose path matched this file.
    pub matched_waivers: Vec<usize>,
    /// Indices into `waivers` that suppressed at least one finding of this file.
    pub used_waivers: Vec<usize>,
}

/// What a directive's rule or a waiver's rule selects.
#[derive(Debug, Clone, Copy)]
enum Selector<'a> {
    /// `*`: every finding except the `bylaw/…` ones.
    Any,
    Rule(&'a str),
    Clause(&'a str),
}

impl Selector<'_> {
    fn matches(self, f: &Finding) -> bool {
        match self {
            Selector::Any => !f.rule.starts_with("bylaw/"),
            Selector::Rule(id) => f.rule == id,
            Selector::Clause(c) => f.clauses.iter().any(|x| x == c),
        }
    }
}

/// The rule ids and clause ids of the policies in force.
struct Known<'a> {
    rules: HashSet<&'a str>,
    clauses: HashSet<&'a str>,
}

impl<'a> Known<'a> {
    fn new(known_rules: &[(&'a str, &'a [String])]) -> Known<'a> {
        let mut rules: HashSet<&str> = known_rules.iter().map(|(id, _)| *id).collect();
        rules.extend(INPUT_RULES);
        let clauses = known_rules
            .iter()
            .flat_map(|(_, c)| c.iter().map(String::as_str))
            .collect();
        Known { rules, clauses }
    }

    fn resolve<'t>(&self, token: &'t str) -> Option<Selector<'t>> {
        if token == "*" {
            Some(Selector::Any)
        } else if self.rules.contains(token) {
            Some(Selector::Rule(token))
        } else if self.clauses.contains(token) {
            Some(Selector::Clause(token))
        } else {
            None
        }
    }

    fn hint(&self, token: &str) -> Option<String> {
        let mut candidates: Vec<&str> = self.rules.iter().chain(&self.clauses).copied().collect();
        candidates.sort_unstable();
        did_you_mean(token, candidates)
    }
}

/// A directive target in force in a file.
struct Active<'a> {
    selector: Selector<'a>,
    scope: Scope,
    suppression: usize,
    target: usize,
    used: bool,
}

/// Apply a file's inline suppressions, and the waivers whose path matches `file`, to that
/// file's findings. Lines are `Finding::location().line`; waivers with `row` / `field` match
/// `RecordLocation::row` / `field`. A finding covered by several suppressions marks all of
/// them used; the reason given is the first's (directives before waivers). Suppression
/// problems among `findings` are never suppressed.
pub fn apply(
    file: &str,
    findings: Vec<Finding>,
    inline: &[Suppression],
    waivers: &[Waiver],
    as_of: NaiveDate,
    known_rules: &[(&str, &[String])],
) -> Applied {
    if inline.is_empty() && waivers.is_empty() {
        // Nothing can suppress: the common case, so it skips the rule index.
        return Applied {
            kept: findings,
            ..Applied::default()
        };
    }
    let known = Known::new(known_rules);
    let mut out = Applied::default();
    let mut active: Vec<Active> = Vec::new();
    for (si, s) in inline.iter().enumerate() {
        if let Some(e) = &s.error {
            out.problems.push(inline_problem(
                s,
                SUPPRESSION_MALFORMED,
                Severity::Warning,
                format!("this suppression cannot be read: {e}"),
                "directives read `bylaw-disable-next-line RULE[,RULE…] -- reason (until YYYY-MM-DD)`; also `bylaw-disable-line`, `bylaw-disable` … `bylaw-enable RULE`, `bylaw-disable-file`".into(),
            ));
            continue;
        }
        let Some(kind) = s
            .kind
            .filter(|k| *k != DirectiveKind::Enable && !k.is_expectation())
        else {
            continue;
        };
        let rules = s
            .targets
            .iter()
            .map(|t| format!("`{}`", t.rule))
            .collect::<Vec<_>>()
            .join(", ");
        let expired = s.until.filter(|d| *d < as_of);
        if let Some(d) = expired {
            out.problems.push(inline_problem(
                s,
                SUPPRESSION_EXPIRED,
                Severity::Error,
                format!("this suppression of {rules} expired on {d}; it no longer suppresses"),
                "fix the findings it was hiding, or renew it with a later `(until …)` date and a current reason".into(),
            ));
        }
        if s.reason.is_none() {
            out.problems.push(inline_problem(
                s,
                SUPPRESSION_UNREASONED,
                Severity::Warning,
                format!("this suppression of {rules} gives no reason"),
                format!(
                    "write why after ` -- `: `{} {} -- why this is acceptable`",
                    kind.keyword(),
                    s.targets
                        .iter()
                        .map(|t| t.rule.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            ));
        }
        if expired.is_some() {
            continue;
        }
        for (ti, t) in s.targets.iter().enumerate() {
            match known.resolve(&t.rule) {
                Some(selector) => active.push(Active {
                    selector,
                    scope: t.scope,
                    suppression: si,
                    target: ti,
                    used: false,
                }),
                None => {
                    let hint = known
                        .hint(&t.rule)
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default();
                    out.problems.push(inline_problem(
                        s,
                        SUPPRESSION_UNKNOWN_RULE,
                        Severity::Warning,
                        format!(
                            "`{}` in this suppression is not a rule or clause of the policies in force{hint}",
                            t.rule
                        ),
                        "`bylaw rules` lists the rule ids and the clauses they cite; `*` stands for every rule; the reason goes after ` -- `".into(),
                    ));
                }
            }
        }
    }

    let mut waived: Vec<(usize, Selector, bool)> = Vec::new();
    for (wi, w) in waivers.iter().enumerate() {
        let Ok(glob) = Glob::new(&w.path) else {
            continue;
        };
        if !glob.compile_matcher().is_match(file) {
            continue;
        }
        out.matched_waivers.push(wi);
        if w.expired(as_of) {
            continue;
        }
        if let Some(selector) = known.resolve(w.rule.trim()) {
            waived.push((wi, selector, false));
        }
    }

    for f in findings {
        if is_suppression_problem(&f.rule) {
            out.kept.push(f);
            continue;
        }
        let mut reason: Option<String> = None;
        if !active.is_empty() {
            let line = f.location().line;
            for a in active.iter_mut() {
                if a.scope.covers(line) && a.selector.matches(&f) {
                    a.used = true;
                    reason.get_or_insert_with(|| {
                        inline[a.suppression]
                            .reason
                            .clone()
                            .unwrap_or_else(|| "no reason given".into())
                    });
                }
            }
        }
        for (wi, selector, used) in waived.iter_mut() {
            let w = &waivers[*wi];
            if selector.matches(&f) && w.place_matches(&f) {
                *used = true;
                reason.get_or_insert_with(|| {
                    format!(
                        "{} (waiver approved by {})",
                        w.reason.as_deref().unwrap_or_default().trim(),
                        w.approved_by.as_deref().unwrap_or_default().trim()
                    )
                });
            }
        }
        match reason {
            Some(r) => out.suppressed.push((f, r)),
            None => out.kept.push(f),
        }
    }

    for a in active.iter().filter(|a| !a.used) {
        let s = &inline[a.suppression];
        let t = &s.targets[a.target];
        let what = match a.selector {
            Selector::Any => "no finding".to_string(),
            Selector::Rule(id) => format!("no `{id}` finding"),
            Selector::Clause(c) => format!("no finding citing clause {c}"),
        };
        let keyword = s.kind.map(|k| k.keyword()).unwrap_or_default();
        let help = match s.kind {
            Some(DirectiveKind::DisableLine) => {
                "`bylaw-disable-line` covers the line it is written on, `bylaw-disable-next-line` the next non-empty one; remove it if the finding is gone"
            }
            _ => "remove it if the finding is gone, or move it to the finding it is meant for",
        };
        out.problems.push(inline_problem(
            s,
            SUPPRESSION_UNUSED,
            Severity::Warning,
            format!(
                "`{keyword} {}` suppresses nothing: {what} {}",
                t.rule,
                t.scope.describe()
            ),
            help.into(),
        ));
    }
    out.used_waivers = waived
        .iter()
        .filter(|(_, _, used)| *used)
        .map(|(wi, _, _)| *wi)
        .collect();
    out
}

/// A finding about a directive: at its span when the file's text is known, else at its line.
fn inline_problem(
    s: &Suppression,
    rule: &str,
    severity: Severity,
    message: String,
    help: String,
) -> Finding {
    let (source, span, record) = match (&s.source, s.span) {
        (Some(src), Some(span)) => (Some(src.clone()), Some(span), None),
        _ => (
            None,
            None,
            Some(RecordLocation {
                sheet: None,
                cell: None,
                row: None,
                field: None,
                line: s.line,
                column: 1,
                end_column: 1,
                snippet: None,
                place: None,
            }),
        ),
    };
    Finding {
        rule: rule.to_string(),
        clauses: Vec::new(),
        severity,
        message,
        label: Some("this suppression".into()),
        help: Some(help),
        file: s.file.clone(),
        source,
        span,
        record,
        table_cell: None,
        position: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> Vec<Suppression> {
        scan_text(&SourceFile::new("a.md", text), true)
    }

    fn txt(text: &str) -> Vec<Suppression> {
        scan_text(&SourceFile::new("a.txt", text), false)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn lines(first: usize, last: usize) -> Scope {
        Scope::Lines { first, last }
    }

    fn target(rule: &str, scope: Scope) -> Target {
        Target {
            rule: rule.into(),
            scope,
        }
    }

    /// A finding of `rule` citing `clauses` on 1-based `line` of `src`.
    fn at(src: &Arc<SourceFile>, rule: &str, clauses: &[&str], line: usize) -> Finding {
        let mut f = Finding::input_error(rule, src.name(), format!("{rule} here"), None);
        f.clauses = clauses.iter().map(|c| c.to_string()).collect();
        f.source = Some(src.clone());
        f.span = Some(src.line_span(line - 1));
        f
    }

    /// A finding in a record file at data row `row`, column `field`, physical `line`.
    fn record(file: &str, rule: &str, row: usize, field: &str, line: usize) -> Finding {
        let mut f = Finding::input_error(rule, file, "record finding", None);
        f.clauses = vec!["5.2.1".into()];
        f.record = Some(RecordLocation {
            sheet: None,
            cell: None,
            row: Some(row),
            field: Some(field.into()),
            line,
            column: 1,
            end_column: 3,
            snippet: None,
            place: None,
        });
        f
    }

    /// The policies in force in these tests.
    fn with_known<R>(f: impl FnOnce(&[(&str, &[String])]) -> R) -> R {
        let absolute = vec!["4.1.5".to_string(), "2.1.2".to_string()];
        let missing = vec!["4.1.5".to_string()];
        let dup = vec!["5.2.1".to_string()];
        let phone = vec!["5.2.3".to_string()];
        let known: Vec<(&str, &[String])> = vec![
            ("ad-copy/absolute-term", &absolute),
            ("research-report/missing-part", &missing),
            ("customers/duplicate-id", &dup),
            ("customers/phone-format", &phone),
        ];
        f(&known)
    }

    fn apply_inline(src: &Arc<SourceFile>, findings: Vec<Finding>, as_of: &str) -> Applied {
        let sups = scan_text(src, src.name().ends_with(".md"));
        with_known(|k| apply(src.name(), findings, &sups, &[], date(as_of), k))
    }

    fn rules(fs: &[Finding]) -> Vec<&str> {
        fs.iter().map(|f| f.rule.as_str()).collect()
    }

    // --- parsing ------------------------------------------------------------------------------

    #[test]
    fn next_line_with_two_rules_and_a_chinese_reason() {
        let s = md(
            "# 标题\n<!-- bylaw-disable-next-line ad-copy/absolute-term,4.1.5 -- 引用监管部门原文 -->\n最好的产品\n",
        );
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(s.kind, Some(DirectiveKind::DisableNextLine));
        assert_eq!(s.line, 2);
        assert_eq!(s.reason.as_deref(), Some("引用监管部门原文"));
        assert_eq!(s.until, None);
        assert_eq!(s.error, None);
        assert_eq!(
            s.targets,
            vec![
                target("ad-copy/absolute-term", lines(3, 3)),
                target("4.1.5", lines(3, 3))
            ]
        );
        let src = s.source.as_ref().unwrap();
        assert!(
            src.slice(s.span.unwrap())
                .starts_with("<!-- bylaw-disable-next-line")
        );
        assert!(src.slice(s.span.unwrap()).ends_with("-->"));
    }

    #[test]
    fn rule_lists_accept_spaces_and_full_width_commas() {
        let s = md("<!-- bylaw-disable-file a/b, c/d，4.1.5 -- why -->\n");
        let r: Vec<&str> = s[0].targets.iter().map(|t| t.rule.as_str()).collect();
        assert_eq!(r, ["a/b", "c/d", "4.1.5"]);
        assert!(s[0].targets.iter().all(|t| t.scope == Scope::File));
    }

    #[test]
    fn next_line_skips_blank_and_directive_only_lines() {
        let s = md(concat!(
            "<!-- bylaw-disable-next-line a/b -- one -->\n",
            "\n",
            "<!-- bylaw-disable-next-line c/d -- two -->\n",
            "   \n",
            "text\n",
        ));
        assert_eq!(s[0].targets[0].scope, lines(5, 5));
        assert_eq!(s[1].targets[0].scope, lines(5, 5));
        // No line after it.
        let s = md("text\n<!-- bylaw-disable-next-line a/b -- r -->\n\n");
        assert_eq!(s[0].targets[0].scope, Scope::Nothing);
        // A directive at the end of a content line: the next line.
        let s = md("first <!-- bylaw-disable-next-line a/b -- r -->\nsecond\n");
        assert_eq!(s[0].targets[0].scope, lines(2, 2));
        // A non-directive comment is content for this purpose.
        let s = md("<!-- bylaw-disable-next-line a/b -- r -->\n<!-- note -->\nx\n");
        assert_eq!(s[0].targets[0].scope, lines(2, 2));
    }

    #[test]
    fn disable_line_covers_its_own_lines() {
        let s =
            md("intro\n最好的产品 <!-- bylaw-disable-line ad-copy/absolute-term -- 品牌名 -->\n");
        assert_eq!(s[0].kind, Some(DirectiveKind::DisableLine));
        assert_eq!(s[0].targets[0].scope, lines(2, 2));
        // A comment over several lines covers them all; the reason's whitespace collapses.
        let s = md("a <!-- bylaw-disable-line x/y -- spans\n   two lines -->\nb\n");
        assert_eq!(s[0].targets[0].scope, lines(1, 2));
        assert_eq!(s[0].reason.as_deref(), Some("spans two lines"));
        assert_eq!(s[0].text, "bylaw-disable-line x/y -- spans two lines");
    }

    #[test]
    fn ranges_open_and_close_per_rule() {
        let s = md(concat!(
            "<!-- bylaw-disable a/b,c/d -- quoted section -->\n", // 1
            "x\n",                                                // 2
            "<!-- bylaw-enable a/b -->\n",                        // 3
            "y\n",                                                // 4
        ));
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0].targets,
            vec![
                target("a/b", lines(1, 3)),
                target("c/d", lines(1, usize::MAX)) // unclosed: to the end of the file
            ]
        );
        assert_eq!(s[1].kind, Some(DirectiveKind::Enable));
        assert!(s[1].targets.is_empty() && s[1].error.is_none());
        // `bylaw-enable` alone closes everything open.
        let s = md(
            "<!-- bylaw-disable a/b -- r -->\n<!-- bylaw-disable * -- r -->\nx\n<!-- bylaw-enable -->\n",
        );
        assert_eq!(s[0].targets[0].scope, lines(1, 4));
        assert_eq!(s[1].targets[0].scope, lines(2, 4));
    }

    #[test]
    fn enable_that_closes_nothing_is_malformed() {
        let s = md("<!-- bylaw-enable a/b -->\n");
        assert!(s[0].error.as_deref().unwrap().contains("closes nothing"));
        let s = md("<!-- bylaw-disable a/b -- r -->\n<!-- bylaw-enable a/b, c/d -->\n");
        let e = s[1].error.as_deref().unwrap();
        assert!(e.contains("`c/d`") && !e.contains("`a/b`"), "{e}");
        assert_eq!(s[0].targets[0].scope, lines(1, 2));
        let s = md("<!-- bylaw-enable -->\n");
        assert!(s[0].error.is_some());
    }

    #[test]
    fn double_dashes_inside_the_reason_are_kept() {
        let s = md("<!-- bylaw-disable-file * -- 引用 -- 见附件 A--B -->\n");
        assert_eq!(s[0].reason.as_deref(), Some("引用 -- 见附件 A--B"));
        // Word's autocorrected dashes separate too.
        for sep in ["–", "—", "——"] {
            let s = md(&format!("<!-- bylaw-disable-file a/b {sep} 理由 -->\n"));
            assert_eq!(s[0].reason.as_deref(), Some("理由"), "{sep}");
            assert_eq!(s[0].targets.len(), 1, "{sep}");
        }
        // A dash inside a rule id is not a separator.
        let s = md("<!-- bylaw-disable-file ad-copy/absolute-term -- r -->\n");
        assert_eq!(s[0].targets[0].rule, "ad-copy/absolute-term");
    }

    #[test]
    fn missing_or_empty_reasons() {
        for text in [
            "<!-- bylaw-disable-file a/b -->",
            "<!-- bylaw-disable-file a/b -- -->",
            "<!-- bylaw-disable-file a/b --   (until 2027-03-31) -->",
            "<!-- bylaw-disable-file a/b (until 2027-03-31) -->",
        ] {
            let s = md(text);
            assert_eq!(s.len(), 1, "{text}");
            assert_eq!(s[0].reason, None, "{text}");
            assert_eq!(s[0].error, None, "{text}");
            assert_eq!(s[0].targets.len(), 1, "{text}");
        }
    }

    #[test]
    fn expiry_dates() {
        let s = md("<!-- bylaw-disable-file a/b -- 临时活动 (until 2027-03-31) -->\n");
        assert_eq!(s[0].until, Some(date("2027-03-31")));
        assert_eq!(s[0].reason.as_deref(), Some("临时活动"));
        let s = md("<!-- bylaw-disable-file a/b -- 临时活动（until 2027-03-31） -->\n");
        assert_eq!(s[0].until, Some(date("2027-03-31")));
        assert_eq!(s[0].reason.as_deref(), Some("临时活动"));
        let s = md("<!-- bylaw-disable-file a/b -- r (UNTIL: 2027-03-31) -->\n");
        assert_eq!(s[0].until, Some(date("2027-03-31")));
        // A bracket that is not an expiry stays in the reason.
        let s = md("<!-- bylaw-disable-file a/b -- 见附件（第 3 页） -->\n");
        assert_eq!(s[0].until, None);
        assert_eq!(s[0].reason.as_deref(), Some("见附件（第 3 页）"));
        let s = md("<!-- bylaw-disable-file a/b -- r (untilled) -->\n");
        assert_eq!(s[0].until, None);
    }

    #[test]
    fn expiry_parse_errors_are_malformed() {
        for bad in [
            "(until 2027-02-30)",
            "(until 31/03/2027)",
            "(until next month)",
            "(until)",
            "(until 2027-3-31)",
        ] {
            let s = md(&format!("<!-- bylaw-disable-file a/b -- r {bad} -->\n"));
            let e = s[0].error.as_deref().unwrap_or_else(|| panic!("{bad}"));
            assert!(e.contains("YYYY-MM-DD"), "{bad}: {e}");
            assert!(s[0].targets.is_empty(), "{bad}");
        }
    }

    #[test]
    fn unknown_directives_and_missing_rules_are_malformed() {
        let s = md("<!-- bylaw-disable-nextline a/b -- r -->\n");
        assert_eq!(s[0].kind, None);
        let e = s[0].error.as_deref().unwrap();
        assert!(e.contains("did you mean `bylaw-disable-next-line`"), "{e}");
        let s = md("<!-- bylaw-disable-next-line -- 没写规则 -->\nx\n");
        assert!(s[0].error.as_deref().unwrap().contains("names no rule"));
        // Comments that are not directives are not suppressions.
        assert!(md("<!-- TODO: bylaw-disable later -->\n<!-- bylaw -->\n").is_empty());
    }

    #[test]
    fn markdown_code_and_front_matter_hold_no_directives() {
        let s = md(concat!(
            "---\n",
            "title: <!-- bylaw-disable-file a/b -- fm -->\n",
            "---\n",
            "```\n",
            "<!-- bylaw-disable-file c/d -- code block -->\n",
            "```\n",
            "    <!-- bylaw-disable-file e/f -- indented code -->\n",
            "\n",
            "Write `<!-- bylaw-disable-file g/h -- inline code -->` to disable.\n",
            "<!-- bylaw-disable-file i/j -- real -->\n",
        ));
        assert_eq!(s.len(), 1, "{s:#?}");
        assert_eq!(s[0].targets[0].rule, "i/j");
        assert_eq!(s[0].line, 10);
    }

    #[test]
    fn plain_text_line_comments() {
        let s = txt(concat!(
            "一、引言\n",                                                                        // 1
            "# bylaw-disable-next-line ad-copy/absolute-term -- quoting the regulator's list\n", // 2
            "最佳\n",                                              // 3
            "  // bylaw-disable-file 4.1.5 -- 草稿\n",             // 4
            "%% bylaw-disable a/b -- 表格\n",                      // 5
            "x <!-- bylaw-disable-line c/d -- 行尾 -->\n",         // 6
            "# 不是指令\n",                                        // 7
            "说明 # bylaw-disable-line e/f -- not at the start\n", // 8
        ));
        assert_eq!(s.len(), 4, "{s:#?}");
        assert_eq!(s[0].targets[0].scope, lines(3, 3));
        assert_eq!(s[0].reason.as_deref(), Some("quoting the regulator's list"));
        let src = s[0].source.as_ref().unwrap();
        assert_eq!(
            src.slice(s[0].span.unwrap()),
            "# bylaw-disable-next-line ad-copy/absolute-term -- quoting the regulator's list"
        );
        assert_eq!(s[1].targets[0].scope, Scope::File);
        assert_eq!(
            src.slice(s[1].span.unwrap()),
            "// bylaw-disable-file 4.1.5 -- 草稿"
        );
        assert_eq!(s[2].targets[0].scope, lines(5, usize::MAX));
        assert_eq!(s[3].targets[0].scope, lines(6, 6));
        assert_eq!(s[3].reason.as_deref(), Some("行尾"));
    }

    #[test]
    fn plain_text_markers_are_not_markdown_comments() {
        // In Markdown, `#` lines are headings, not directives.
        assert!(md("# bylaw-disable-file a/b -- r\n").is_empty());
    }

    #[test]
    fn crlf_line_endings() {
        let s = txt("标题\r\n# bylaw-disable-next-line a/b -- 理由\r\n\r\n内容\r\n");
        assert_eq!(s[0].targets[0].scope, lines(4, 4));
        assert_eq!(s[0].reason.as_deref(), Some("理由"));
        let src = s[0].source.as_ref().unwrap();
        assert_eq!(
            src.slice(s[0].span.unwrap()),
            "# bylaw-disable-next-line a/b -- 理由"
        );
        let s =
            md("a\r\n<!-- bylaw-disable-next-line a/b -- r (until 2027-03-31) -->\r\n\r\nb\r\n");
        assert_eq!(s[0].targets[0].scope, lines(4, 4));
        assert_eq!(s[0].until, Some(date("2027-03-31")));
        let s = md("a <!-- bylaw-disable-line a/b -- r\r\n  more -->\r\n");
        assert_eq!(s[0].reason.as_deref(), Some("r more"));
        assert_eq!(s[0].targets[0].scope, lines(1, 2));
    }

    #[test]
    fn docx_comments_apply_to_their_paragraph() {
        let c = |line: usize, id: &str, text: &str| DocxComment {
            line,
            span: Span::new(0, 0),
            id: id.into(),
            author: "王五".into(),
            text: text.into(),
        };
        let comments = vec![
            c(9, "4", "bylaw-enable a/b"),
            c(
                3,
                "1",
                "bylaw-disable-next-line ad-copy/absolute-term -- 引用原文",
            ),
            c(4, "2", "请核实数据"),
            c(5, "3", "bylaw-disable a/b -- 附录\n（引用）"),
            c(6, "5", "<!-- bylaw-disable-line c/d -- 标记 -->"),
            c(7, "6", "# bylaw-disable-file * -- 全文"),
            c(8, "7", "bylaw-ignore x"),
        ];
        let s = from_docx_comments("plan.docx", &comments);
        assert_eq!(s.len(), 6, "{s:#?}");
        assert_eq!(s[0].targets[0].scope, lines(3, 3));
        assert_eq!(s[0].reason.as_deref(), Some("引用原文"));
        assert_eq!(s[1].targets[0].scope, lines(5, 9));
        assert_eq!(s[1].reason.as_deref(), Some("附录 （引用）"));
        assert_eq!(s[2].targets[0].scope, lines(6, 6));
        assert_eq!(s[3].targets[0].scope, Scope::File);
        assert!(s[4].error.is_some());
        assert_eq!(s[5].kind, Some(DirectiveKind::Enable));
        assert!(s.iter().all(|s| s.source.is_none() && s.span.is_none()));
        assert!(s.iter().all(|s| s.file == "plan.docx"));
    }

    // --- applying -----------------------------------------------------------------------------

    #[test]
    fn suppresses_by_rule_clause_and_star() {
        let src = SourceFile::new(
            "ad.md",
            concat!(
                "# 广告\n",                                                             // 1
                "<!-- bylaw-disable-next-line ad-copy/absolute-term -- 品牌口号 -->\n", // 2
                "最好的\n",                                                             // 3
                "<!-- bylaw-disable-next-line 2.1.2 -- 引用 -->\n",                     // 4
                "第一\n",                                                               // 5
                "<!-- bylaw-disable-next-line * -- 全部 -->\n",                         // 6
                "唯一\n",                                                               // 7
                "顶级\n",                                                               // 8
            ),
        );
        let findings = vec![
            at(&src, "ad-copy/absolute-term", &["4.1.5", "2.1.2"], 3),
            at(&src, "ad-copy/absolute-term", &["4.1.5", "2.1.2"], 5),
            at(&src, "ad-copy/absolute-term", &["4.1.5", "2.1.2"], 7),
            at(&src, "bylaw/malformed-record", &[], 7), // `*` leaves input ids alone
            at(&src, "ad-copy/absolute-term", &["4.1.5", "2.1.2"], 8),
        ];
        let a = apply_inline(&src, findings, "2026-11-30");
        assert!(a.problems.is_empty(), "{:#?}", a.problems);
        let reasons: Vec<(usize, &str)> = a
            .suppressed
            .iter()
            .map(|(f, r)| (f.location().line, r.as_str()))
            .collect();
        assert_eq!(reasons, [(3, "品牌口号"), (5, "引用"), (7, "全部")]);
        let kept: Vec<(usize, &str)> = a
            .kept
            .iter()
            .map(|f| (f.location().line, f.rule.as_str()))
            .collect();
        assert_eq!(
            kept,
            [(7, "bylaw/malformed-record"), (8, "ad-copy/absolute-term")]
        );
    }

    #[test]
    fn input_ids_can_be_named() {
        let src = SourceFile::new(
            "a.txt",
            "# bylaw-disable-file bylaw/rule-aborted -- 已知\nx\n",
        );
        let a = apply_inline(&src, vec![at(&src, RULE_ABORTED, &[], 2)], "2026-11-30");
        assert_eq!(a.suppressed.len(), 1);
        assert!(a.problems.is_empty());
    }

    #[test]
    fn ranges_and_files_suppress_their_lines() {
        let src = SourceFile::new(
            "r.md",
            concat!(
                "a\n",                                        // 1
                "<!-- bylaw-disable 4.1.5 -- 引用章节 -->\n", // 2
                "b\n",                                        // 3
                "<!-- bylaw-enable 4.1.5 -->\n",              // 4
                "c\n",                                        // 5
            ),
        );
        let f = |line| at(&src, "research-report/missing-part", &["4.1.5"], line);
        let a = apply_inline(&src, vec![f(1), f(3), f(5)], "2026-11-30");
        assert_eq!(a.suppressed.len(), 1);
        assert_eq!(a.suppressed[0].0.location().line, 3);
        assert_eq!(a.kept.len(), 2);
        assert!(a.problems.is_empty());
    }

    #[test]
    fn expired_suppressions_stop_and_are_errors() {
        let text = "<!-- bylaw-disable-next-line ad-copy/absolute-term -- 活动期 (until 2026-10-31) -->\n最好\n";
        let src = SourceFile::new("a.md", text);
        let f = || vec![at(&src, "ad-copy/absolute-term", &["4.1.5"], 2)];
        // Through the day itself it still suppresses.
        let a = apply_inline(&src, f(), "2026-10-31");
        assert_eq!((a.suppressed.len(), a.problems.len()), (1, 0));
        let a = apply_inline(&src, f(), "2026-11-01");
        assert_eq!(a.kept.len(), 1);
        assert!(a.suppressed.is_empty());
        assert_eq!(rules(&a.problems), [SUPPRESSION_EXPIRED]);
        let p = &a.problems[0];
        assert_eq!(p.severity, Severity::Error);
        assert!(p.clauses.is_empty());
        assert!(p.message.contains("2026-10-31"), "{}", p.message);
        // It points at the directive, with the source for a snippet.
        assert_eq!(
            p.source.as_ref().unwrap().slice(p.span.unwrap()),
            text.lines().next().unwrap()
        );
        assert_eq!(p.location().line, 1);
    }

    #[test]
    fn unreasoned_suppressions_still_suppress_but_warn() {
        let src = SourceFile::new(
            "a.md",
            "<!-- bylaw-disable-next-line ad-copy/absolute-term -->\n最好\n",
        );
        let a = apply_inline(
            &src,
            vec![at(&src, "ad-copy/absolute-term", &[], 2)],
            "2026-11-30",
        );
        assert_eq!(a.suppressed.len(), 1);
        assert_eq!(a.suppressed[0].1, "no reason given");
        assert_eq!(rules(&a.problems), [SUPPRESSION_UNREASONED]);
        assert_eq!(a.problems[0].severity, Severity::Warning);
        assert!(a.problems[0].help.as_deref().unwrap().contains(" -- "));
    }

    #[test]
    fn unused_suppressions_warn_per_rule() {
        let src = SourceFile::new(
            "a.md",
            concat!(
                "<!-- bylaw-disable-next-line ad-copy/absolute-term,research-report/missing-part -- r -->\n",
                "最好\n",
                "<!-- bylaw-disable-line 4.1.5 -- r -->\n",
                "<!-- bylaw-disable-next-line * -- r -->\n",
            ),
        );
        let a = apply_inline(
            &src,
            vec![at(&src, "ad-copy/absolute-term", &[], 2)],
            "2026-11-30",
        );
        assert_eq!(a.suppressed.len(), 1);
        assert_eq!(
            rules(&a.problems),
            [SUPPRESSION_UNUSED, SUPPRESSION_UNUSED, SUPPRESSION_UNUSED]
        );
        let m: Vec<&str> = a.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            m[0].contains("no `research-report/missing-part` finding on line 2"),
            "{}",
            m[0]
        );
        assert!(
            m[1].contains("no finding citing clause 4.1.5 on line 3"),
            "{}",
            m[1]
        );
        assert!(
            a.problems[1]
                .help
                .as_deref()
                .unwrap()
                .contains("bylaw-disable-next-line")
        );
        assert!(m[2].contains("there is no line after it"), "{}", m[2]);
        assert_eq!(a.problems[0].location().line, 1);
        assert_eq!(a.problems[1].location().line, 3);
    }

    #[test]
    fn unknown_rules_warn_with_did_you_mean() {
        let src = SourceFile::new(
            "a.md",
            "<!-- bylaw-disable-next-line ad-copy/absolute-terms, 9.9.9 -- r -->\n最好\n",
        );
        let a = apply_inline(
            &src,
            vec![at(&src, "ad-copy/absolute-term", &[], 2)],
            "2026-11-30",
        );
        assert_eq!(a.kept.len(), 1);
        assert_eq!(
            rules(&a.problems),
            [SUPPRESSION_UNKNOWN_RULE, SUPPRESSION_UNKNOWN_RULE]
        );
        assert!(
            a.problems[0]
                .message
                .contains("did you mean `ad-copy/absolute-term`?"),
            "{}",
            a.problems[0].message
        );
        assert!(a.problems[1].message.contains("`9.9.9`"));
    }

    #[test]
    fn malformed_directives_are_reported_and_suppress_nothing() {
        let src = SourceFile::new(
            "a.txt",
            "# bylaw-disable-next-line ad-copy/absolute-term -- r (until 2027-02-30)\n最好\n",
        );
        let a = apply_inline(
            &src,
            vec![at(&src, "ad-copy/absolute-term", &[], 2)],
            "2026-11-30",
        );
        assert_eq!(a.kept.len(), 1);
        assert_eq!(rules(&a.problems), [SUPPRESSION_MALFORMED]);
        assert!(a.problems[0].message.contains("until 2027-02-30"));
    }

    #[test]
    fn suppression_problems_are_never_suppressed() {
        let src = SourceFile::new("a.md", "<!-- bylaw-disable-file * -- r -->\nx\n");
        let findings = vec![
            at(&src, SUPPRESSION_UNUSED, &[], 2),
            at(&src, "ad-copy/absolute-term", &[], 2),
        ];
        let a = apply_inline(&src, findings, "2026-11-30");
        assert_eq!(rules(&a.kept), [SUPPRESSION_UNUSED]);
        assert_eq!(a.suppressed.len(), 1);
    }

    #[test]
    fn docx_problems_point_at_the_line() {
        let comments = vec![DocxComment {
            line: 4,
            span: Span::new(10, 20),
            id: "0".into(),
            author: "x".into(),
            text: "bylaw-disable-next-line ad-copy/absolute-term".into(),
        }];
        let s = from_docx_comments("p.docx", &comments);
        let a = with_known(|k| apply("p.docx", vec![], &s, &[], date("2026-11-30"), k));
        assert_eq!(
            rules(&a.problems),
            [SUPPRESSION_UNREASONED, SUPPRESSION_UNUSED]
        );
        for p in &a.problems {
            assert!(p.source.is_none() && p.span.is_none());
            assert_eq!(p.location().line, 4);
            assert_eq!(p.file, "p.docx");
        }
    }

    // --- waivers ------------------------------------------------------------------------------

    #[derive(Deserialize)]
    struct Conf {
        #[serde(default)]
        waivers: Vec<Waiver>,
    }

    fn waivers(toml_text: &str) -> Vec<Waiver> {
        toml::from_str::<Conf>(toml_text).unwrap().waivers
    }

    const WAIVERS: &str = r#"
[[waivers]]
path = "records/customers*.csv"
rule = "customers/duplicate-id"
row = 17
reason = "同一客户两次登记，已核实"
approved_by = "张三"
expires = 2027-03-31

[[waivers]]  # the phone column of one row
path = "records/customers*.csv"
rule = "5.2.3"
row = 4
field = "手机"
reason = "境外号码"
approved_by = "李四"

[[waivers]]
path = "reports/*.md"
rule = "ad-copy/absolute-term"
line = 3
reason = "引用原文"
approved_by = "王五"
expires = "2026-01-31"

[[waivers]]
path = "records/staff.csv"
rule = "*"
reason = "历史数据"
approved_by = "赵六"
"#;

    #[test]
    fn waivers_deserialize_with_string_or_bare_dates() {
        let w = waivers(WAIVERS);
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].expires.as_deref(), Some("2027-03-31"));
        assert_eq!(w[0].expiry(), Some(date("2027-03-31")));
        assert_eq!(w[1].field.as_deref(), Some("手机"));
        assert_eq!(w[2].expires.as_deref(), Some("2026-01-31"));
        assert_eq!(w[2].line, Some(3));
        assert!(validate_waivers(&w).is_ok());
        with_known(|k| assert!(validate_waiver_rules(&w, k).is_ok()));
        // Unknown keys are errors (a typo in `approved_by` must not pass).
        assert!(
            toml::from_str::<Conf>("[[waivers]]\npath='a'\nrule='b'\nreason='r'\napprovedby='x'\n")
                .is_err()
        );
        assert!(toml::from_str::<Conf>("[[waivers]]\npath='a'\nrule='b'\nexpires=3\n").is_err());
    }

    #[test]
    fn waiver_validation() {
        let base = "[[waivers]]\npath = \"a/*.csv\"\nrule = \"customers/duplicate-id\"\n";
        let check = |extra: &str| validate_waivers(&waivers(&format!("{base}{extra}")));
        assert!(check("reason = \"r\"\napproved_by = \"p\"\n").is_ok());
        let e = check("approved_by = \"p\"\n").unwrap_err();
        assert!(e.contains("waiver 1") && e.contains("`reason`"), "{e}");
        assert!(
            check("reason = \"  \"\napproved_by = \"p\"\n")
                .unwrap_err()
                .contains("`reason`")
        );
        assert!(
            check("reason = \"r\"\n")
                .unwrap_err()
                .contains("approved_by")
        );
        let e =
            check("reason = \"r\"\napproved_by = \"p\"\nexpires = \"2027-02-30\"\n").unwrap_err();
        assert!(e.contains("2027-02-30") && e.contains("YYYY-MM-DD"), "{e}");
        let e =
            check("reason = \"r\"\napproved_by = \"p\"\nexpires = \"31/03/2027\"\n").unwrap_err();
        assert!(e.contains("not a date"), "{e}");
        assert!(
            check("reason = \"r\"\napproved_by = \"p\"\nrow = 0\n")
                .unwrap_err()
                .contains("row")
        );
        assert!(
            check("reason = \"r\"\napproved_by = \"p\"\nline = 0\n")
                .unwrap_err()
                .contains("line")
        );
        assert!(
            check("reason = \"r\"\napproved_by = \"p\"\nfield = \"\"\n")
                .unwrap_err()
                .contains("field")
        );
        let bad_glob = waivers(
            "[[waivers]]\npath = \"a/[x.csv\"\nrule = \"r\"\nreason = \"r\"\napproved_by = \"p\"\n",
        );
        assert!(validate_waivers(&bad_glob).unwrap_err().contains("glob"));
        let unknown = waivers(
            "[[waivers]]\npath = \"a\"\nrule = \"customers/duplicate-ids\"\nreason = \"r\"\napproved_by = \"p\"\n",
        );
        let e = with_known(|k| validate_waiver_rules(&unknown, k)).unwrap_err();
        assert!(e.contains("did you mean `customers/duplicate-id`?"), "{e}");
    }

    #[test]
    fn waivers_match_path_rule_row_and_field() {
        let w = waivers(WAIVERS);
        let file = "records/customers-2026.csv";
        let findings = vec![
            record(file, "customers/duplicate-id", 17, "客户编号", 18), // waiver 0
            record(file, "customers/duplicate-id", 18, "客户编号", 19), // other row
            {
                let mut f = record(file, "customers/phone-format", 4, "手机", 5); // waiver 1 (clause)
                f.clauses = vec!["5.2.3".into()];
                f
            },
            {
                let mut f = record(file, "customers/phone-format", 4, "邮箱", 5); // other field
                f.clauses = vec!["5.2.3".into()];
                f
            },
        ];
        let a = with_known(|k| apply(file, findings, &[], &w, date("2026-11-30"), k));
        assert_eq!(a.suppressed.len(), 2);
        assert_eq!(
            a.suppressed[0].1,
            "同一客户两次登记，已核实 (waiver approved by 张三)"
        );
        assert_eq!(
            a.suppressed[1].0.record.as_ref().unwrap().field.as_deref(),
            Some("手机")
        );
        assert_eq!(a.kept.len(), 2);
        assert!(a.problems.is_empty());
        assert_eq!(a.matched_waivers, [0, 1]);
        assert_eq!(a.used_waivers, [0, 1]);

        // Past its expiry, waiver 0 waives nothing.
        let findings = vec![record(file, "customers/duplicate-id", 17, "客户编号", 18)];
        let a = with_known(|k| apply(file, findings, &[], &w, date("2027-04-01"), k));
        assert_eq!(a.kept.len(), 1);
        assert_eq!(a.matched_waivers, [0, 1]);
        assert!(a.used_waivers.is_empty());

        // `*` waives every rule of the file but not input problems.
        let staff = "records/staff.csv";
        let findings = vec![
            record(staff, "customers/duplicate-id", 1, "工号", 2),
            Finding::input_line_warning(MALFORMED_RECORD, staff, 3, "ragged"),
        ];
        let a = with_known(|k| apply(staff, findings, &[], &w, date("2026-11-30"), k));
        assert_eq!(a.suppressed.len(), 1);
        assert_eq!(rules(&a.kept), [MALFORMED_RECORD]);
        assert_eq!(a.used_waivers, [3]);
    }

    #[test]
    fn waivers_target_document_lines() {
        let mut w = waivers(WAIVERS);
        w[2].expires = None;
        let src = SourceFile::new("reports/ad.md", "a\nb\n最好\n");
        let findings = vec![
            at(&src, "ad-copy/absolute-term", &[], 3),
            at(&src, "ad-copy/absolute-term", &[], 2),
        ];
        let a = with_known(|k| apply("reports/ad.md", findings, &[], &w, date("2026-11-30"), k));
        assert_eq!(a.suppressed.len(), 1);
        assert_eq!(a.suppressed[0].0.location().line, 3);
        assert_eq!(a.used_waivers, [2]);
    }

    #[test]
    fn directives_and_waivers_together_mark_both_used() {
        let w = waivers(
            "[[waivers]]\npath = \"*.md\"\nrule = \"ad-copy/absolute-term\"\nreason = \"w\"\napproved_by = \"p\"\n",
        );
        let src = SourceFile::new(
            "a.md",
            "<!-- bylaw-disable-next-line ad-copy/absolute-term -- inline -->\n最好\n",
        );
        let sups = scan_text(&src, true);
        let a = with_known(|k| {
            apply(
                "a.md",
                vec![at(&src, "ad-copy/absolute-term", &[], 2)],
                &sups,
                &w,
                date("2026-11-30"),
                k,
            )
        });
        assert_eq!(a.suppressed[0].1, "inline");
        assert!(a.problems.is_empty());
        assert_eq!(a.used_waivers, [0]);
    }

    #[test]
    fn run_wide_waiver_problems() {
        let w = waivers(WAIVERS);
        let mut usage = WaiverUsage::new(w.len());
        usage.record(&Applied {
            matched_waivers: vec![0, 1],
            used_waivers: vec![0],
            ..Applied::default()
        });
        let p = waiver_problems(
            &w,
            &usage,
            date("2026-11-30"),
            false,
            "bylaw.toml",
            Some(WAIVERS),
        );
        // Waiver 1 matched but waived nothing; waiver 2 expired (even though it matched no file);
        // waiver 3 matched no file of this run.
        assert_eq!(rules(&p), [SUPPRESSION_UNUSED, SUPPRESSION_EXPIRED]);
        assert_eq!(p[0].severity, Severity::Warning);
        assert!(p[0].message.contains("`5.2.3`") && p[0].message.contains("row 4"));
        assert_eq!(p[1].severity, Severity::Error);
        assert!(p[1].message.contains("2026-01-31"));
        assert_eq!(p[0].file, "bylaw.toml");
        let src = p[0].source.as_ref().unwrap();
        assert_eq!(src.slice(p[0].span.unwrap()), "[[waivers]]");
        assert_eq!(p[0].location().line, 10);
        assert_eq!(p[1].location().line, 18);

        let p = waiver_problems(&w, &usage, date("2026-11-30"), true, "bylaw.toml", None);
        assert_eq!(
            rules(&p),
            [SUPPRESSION_UNUSED, SUPPRESSION_EXPIRED, SUPPRESSION_UNUSED]
        );
        assert!(p[2].message.contains("matches no file"));
        assert!(p.iter().all(|f| f.source.is_none() && f.span.is_none()));
    }
}
