//! What a check produces: findings, and the run's summary.

use std::sync::Arc;

use crate::policy::ast::Severity;
use crate::source::{SourceFile, Span};

/// The rule id of an input that could not be read or decoded (no clause: it is not a breach
/// of the regulation, but the file was not checked).
pub const UNREADABLE: &str = "bylaw/unreadable";
/// The rule id of an input bylaw does not know how to read.
pub const UNSUPPORTED: &str = "bylaw/unsupported";
/// The rule id of a rule that could not finish on an input (it took too many steps).
pub const RULE_ABORTED: &str = "bylaw/rule-aborted";
/// The rule id of a record that could not be read as it stands (a ragged row, bad quoting):
/// the rest of the file is still checked.
pub const MALFORMED_RECORD: &str = "bylaw/malformed-record";

/// Lines kept around a finding's span by [`Finding::compact`]: the one line of context a
/// snippet shows (miette's default, which the human report uses).
const EXCERPT_CONTEXT_LINES: usize = 1;

/// One finding about one file.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub clauses: Vec<String>,
    pub severity: Severity,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    /// The file as reported: relative to the current directory, forward slashes.
    pub file: String,
    /// The checked text, for snippets and positions; `None` when the file could not be read.
    pub source: Option<Arc<SourceFile>>,
    pub span: Option<Span>,
    /// Where in a record file the finding is (then `source`/`span` are unused).
    pub record: Option<RecordLocation>,
    /// In a Word table: `T1R5C4` (table 1, row 5 counting the header, column 4).
    pub table_cell: Option<String>,
    /// A position resolved beforehand, for a finding read back from a report (which has no
    /// source text): used when there is neither a record location nor a source span.
    pub position: Option<Location>,
}

/// A finding's place in a record file.
#[derive(Debug, Clone)]
pub struct RecordLocation {
    /// Spreadsheets: the sheet's name.
    pub sheet: Option<String>,
    /// Spreadsheets: the cell reference, such as `C17`.
    pub cell: Option<String>,
    /// The record's 1-based index among the data rows (JSON: index or line); `None` for the
    /// header.
    pub row: Option<usize>,
    /// The column's header as written.
    pub field: Option<String>,
    /// 1-based line where the record starts (spreadsheets: the sheet row).
    pub line: usize,
    /// 1-based character columns of the cell within its line (CSV), else 1.
    pub column: usize,
    pub end_column: usize,
    /// The row as text, for human output.
    pub snippet: Option<Snippet>,
    /// Where the snippet stands when it is not the file's own text: `Sheet1!C17` for a
    /// spreadsheet, `record 3` for JSON.
    pub place: Option<String>,
}

/// A piece of text to show under a finding, with the span to underline.
#[derive(Debug, Clone)]
pub struct Snippet {
    pub text: String,
    /// The line number of the snippet's first line.
    pub first_line: usize,
    pub span: std::ops::Range<usize>,
    /// Byte ranges holding personal data, masked unless values are shown.
    pub personal: Vec<std::ops::Range<usize>>,
}

/// Resolved 1-based positions of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Finding {
    /// Keep, of the checked text, only the lines the finding shows (with some context): a
    /// run holds its findings until it reports them, and should not hold every file that
    /// has one.
    pub fn compact(&mut self) {
        if let (Some(src), Some(span)) = (&self.source, self.span) {
            self.source = Some(src.excerpt(span, EXCERPT_CONTEXT_LINES));
        }
    }

    pub fn location(&self) -> Location {
        if let Some(r) = &self.record {
            return Location {
                line: r.line,
                column: r.column,
                end_line: r.line,
                end_column: r.end_column,
            };
        }
        match (&self.source, self.span) {
            (Some(src), Some(span)) => {
                let start = src.position(span.start);
                let end = src.position(span.end);
                Location {
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                }
            }
            _ => self.position.unwrap_or(Location {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            }),
        }
    }

    /// An error about the input itself (unreadable, undecodable, unsupported).
    pub fn input_error(
        rule: &str,
        file: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            clauses: Vec::new(),
            severity: Severity::Error,
            message: message.into(),
            label: None,
            help,
            file: file.to_string(),
            source: None,
            span: None,
            record: None,
            table_cell: None,
            position: None,
        }
    }

    /// A warning about one line of an input (a malformed record) that does not stop the file:
    /// the rest of the file is still checked.
    pub fn input_line_warning(
        rule: &str,
        file: &str,
        line: usize,
        message: impl Into<String>,
    ) -> Finding {
        let mut f = Finding::input_error(rule, file, message, None);
        f.severity = Severity::Warning;
        f.record = Some(RecordLocation {
            sheet: None,
            cell: None,
            row: None,
            field: None,
            line,
            column: 1,
            end_column: 1,
            snippet: None,
            place: None,
        });
        f
    }
}

/// Sort findings for output: file, line, column, rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by_cached_key(|f| {
        let loc = f.location();
        (
            f.file.clone(),
            loc.line,
            loc.column,
            f.rule.clone(),
            f.message.clone(),
        )
    });
}

/// Sort suppressed findings (with their reasons) like findings.
pub fn sort_pairs(pairs: &mut [(Finding, String)]) {
    pairs.sort_by_cached_key(|(f, _)| {
        let loc = f.location();
        (
            f.file.clone(),
            loc.line,
            loc.column,
            f.rule.clone(),
            f.message.clone(),
        )
    });
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub files_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub infos: usize,
    /// Findings accepted by inline suppressions or waivers: counted, not hidden.
    #[serde(default)]
    pub suppressed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    pub fn of(findings: &[Finding], files_checked: usize) -> Summary {
        let mut s = Summary {
            files_checked,
            ..Summary::default()
        };
        for f in findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }

    /// The same, with the number of suppressed findings.
    pub fn with_suppressed(mut self, suppressed: usize) -> Summary {
        self.suppressed = suppressed;
        self
    }
}
