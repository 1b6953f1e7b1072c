//! The JSON report: a stable contract for tools.
//!
//! ```json
//! {"version":1,"as_of":"2026-11-30","summary":{"files_checked":12,"errors":3,"warnings":1},
//!  "diagnostics":[{"rule":"…","clauses":["4.1.5"],"severity":"error","message":"…","help":"…",
//!   "file":"reports/x.md","line":1,"column":1,"end_line":1,"end_column":9,
//!   "sheet":null,"cell":null,"row":null,"field":null}]}
//! ```

use serde::Serialize;

use super::RenderOptions;
use super::finding::{Finding, Summary};
use crate::policy::ast::Severity;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    as_of: String,
    summary: Summary,
    diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    rule: &'a str,
    clauses: &'a [String],
    severity: Severity,
    message: String,
    help: Option<String>,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    sheet: Option<String>,
    cell: Option<String>,
    row: Option<usize>,
    field: Option<String>,
}

pub fn render(
    findings: &[Finding],
    summary: Summary,
    as_of: chrono::NaiveDate,
    opts: &RenderOptions,
) -> String {
    let diagnostics = findings
        .iter()
        .map(|f| {
            let loc = f.location();
            Diagnostic {
                rule: &f.rule,
                clauses: &f.clauses,
                severity: f.severity,
                message: opts.mask(&f.message).into_owned(),
                help: f.help.as_deref().map(|h| opts.mask(h).into_owned()),
                file: &f.file,
                line: loc.line,
                column: loc.column,
                end_line: loc.end_line,
                end_column: loc.end_column,
                sheet: f.record.as_ref().and_then(|r| r.sheet.clone()),
                cell: f
                    .record
                    .as_ref()
                    .and_then(|r| r.cell.clone())
                    .or_else(|| f.table_cell.clone()),
                row: f.record.as_ref().and_then(|r| r.row),
                field: f.record.as_ref().and_then(|r| r.field.clone()),
            }
        })
        .collect();
    let report = Report {
        version: 1,
        as_of: as_of.format("%Y-%m-%d").to_string(),
        summary,
        diagnostics,
    };
    let mut out =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}
