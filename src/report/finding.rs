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
    pub fn location(&self) -> Location {
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
            _ => Location {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            },
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
        }
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

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub infos: usize,
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
}
