//! The JSON report: a stable contract for tools.
//!
//! ```json
//! {"version":1,"bylaw_version":"0.1.0","as_of":"2026-11-30",
//!  "summary":{"files_checked":12,"errors":3,"warnings":1,"suppressed":0},
//!  "diagnostics":[{"rule":"…","clauses":["4.1.5"],"severity":"error","message":"…","help":"…",
//!   "file":"reports/x.md","line":1,"column":1,"end_line":1,"end_column":9,
//!   "sheet":null,"cell":null,"row":null,"field":null}]}
//! ```
//!
//! The report of one shard of a partitioned run (`--partition K/N`) also has a `partition`
//! object for `bylaw merge` (see [`ShardRecord`]).

use serde::{Deserialize, Serialize};

use super::RenderOptions;
use super::finding::{Finding, Summary};
use crate::partition::{Shard, ShardRecord};
use crate::policy::ast::Severity;

/// The version of the report's layout.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    bylaw_version: Option<&'a str>,
    as_of: &'a str,
    summary: Summary,
    diagnostics: &'a [Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    partition: Option<ShardRecord<Diagnostic>>,
}

/// One finding as the JSON report gives it: messages masked, positions resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub rule: String,
    pub clauses: Vec<String>,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub row: Option<usize>,
    pub field: Option<String>,
}

impl Diagnostic {
    pub fn of(f: &Finding, opts: &RenderOptions) -> Diagnostic {
        let loc = f.location();
        let record = f.record.as_ref();
        Diagnostic {
            rule: f.rule.clone(),
            clauses: f.clauses.clone(),
            severity: f.severity,
            message: opts.mask(&f.message).into_owned(),
            help: f.help.as_deref().map(|h| opts.mask(h).into_owned()),
            file: f.file.clone(),
            line: loc.line,
            column: loc.column,
            end_line: loc.end_line,
            end_column: loc.end_column,
            sheet: record.and_then(|r| r.sheet.clone()),
            cell: record
                .and_then(|r| r.cell.clone())
                .or_else(|| f.table_cell.clone()),
            row: record.and_then(|r| r.row),
            field: record.and_then(|r| r.field.clone()),
        }
    }
}

pub fn render(
    findings: &[Finding],
    summary: Summary,
    as_of: chrono::NaiveDate,
    opts: &RenderOptions,
) -> String {
    render_shard(findings, summary, as_of, None, opts)
}

/// The report of a run, with what `bylaw merge` needs when the run is one shard of many.
pub fn render_shard(
    findings: &[Finding],
    summary: Summary,
    as_of: chrono::NaiveDate,
    shard: Option<Shard>,
    opts: &RenderOptions,
) -> String {
    let diagnostics: Vec<Diagnostic> = findings.iter().map(|f| Diagnostic::of(f, opts)).collect();
    let partition = shard.map(|s| ShardRecord::of(s, |f| Diagnostic::of(f, opts)));
    write(
        &diagnostics,
        summary,
        &as_of.format("%Y-%m-%d").to_string(),
        Some(env!("CARGO_PKG_VERSION")),
        partition,
    )
}

/// Write a report of diagnostics already rendered (`bylaw merge` writes what it read).
pub fn write(
    diagnostics: &[Diagnostic],
    summary: Summary,
    as_of: &str,
    bylaw_version: Option<&str>,
    partition: Option<ShardRecord<Diagnostic>>,
) -> String {
    let report = Report {
        version: VERSION,
        bylaw_version,
        as_of,
        summary,
        diagnostics,
        partition,
    };
    let mut out =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}
