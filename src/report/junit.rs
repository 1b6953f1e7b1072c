//! The JUnit XML report, for CI test-report views (Jenkins, GitLab, Azure DevOps, …).
//!
//! Every file is a test case of one suite named `bylaw` (class name `bylaw`, name the file as
//! reported):
//!
//! - a file without an error finding **passes**;
//! - a file with error findings **fails**: one `<failure type="RULE" message="…">` whose text
//!   lists them, one a line, `line:col [clauses] message (rule)`;
//! - a file with an input error (`bylaw/unreadable`, `bylaw/unsupported` named on the command
//!   line, `bylaw/rule-aborted`) is an `<error>` instead, whose text lists every error finding
//!   of the file;
//! - a path met in a folder that bylaw does not read (a `bylaw/unsupported` *warning*: a
//!   `.pdf`, a `.pptx`) is `<skipped>`: it was not checked, and the report says so;
//! - **warnings and notes do not fail a test case**, as they do not fail the run (exit code
//!   parity: only error findings make `bylaw check` exit 1). They are listed, with their file,
//!   in the suite's `<system-out>`, followed by the summary line.
//!
//! Paths that have findings but are not among the checked files (a path that could not be
//! read) get test cases of their own.
//!
//! The document validates against both the Apache Ant `JUnit.xsd` and Jenkins' `junit-4.xsd`,
//! which constrains its shape: the root `<testsuites>` carries no attributes (Ant's schema
//! allows none; the counts are on the `<testsuite>`), the suite has the `package`, `id`,
//! `timestamp` and `hostname` Ant requires, a test case has at most one of `<failure>`,
//! `<error>`, `<skipped>` and no output of its own, and `<properties>` is never empty.
//! Rendering is a pure function: `timestamp` is the audit instant (`as_of` at 23:59:59, as the
//! checker sees it), not the wall clock, `hostname` is `localhost` and times are `0`.

use std::collections::BTreeMap;

use super::RenderOptions;
use super::finding::{Finding, RULE_ABORTED, Summary, UNREADABLE, UNSUPPORTED};
use super::human::summary_line;
use crate::policy::ast::Severity;

/// What became of one test case.
enum Outcome<'a> {
    Pass,
    Failure(Vec<&'a Finding>),
    Error(Vec<&'a Finding>),
    Skipped(&'a Finding),
}

/// Render findings as a JUnit XML report. `files` are the checked files (each becomes a test
/// case, passing when it has no error finding); `as_of` is the audit date.
pub fn render(
    findings: &[Finding],
    files: &[String],
    summary: Summary,
    as_of: chrono::NaiveDate,
    opts: &RenderOptions,
) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> =
        files.iter().map(|f| (f.as_str(), Vec::new())).collect();
    for f in findings {
        by_file.entry(f.file.as_str()).or_default().push(f);
    }

    let mut cases = Vec::with_capacity(by_file.len());
    let mut others: Vec<&Finding> = Vec::new();
    let (mut failures, mut errors, mut skipped) = (0, 0, 0);
    for (file, found) in &by_file {
        let erring: Vec<&Finding> = found
            .iter()
            .copied()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        let outcome = if erring.iter().any(|f| is_input_error(f)) {
            errors += 1;
            Outcome::Error(erring)
        } else if !erring.is_empty() {
            failures += 1;
            Outcome::Failure(erring)
        } else if let Some(f) = found.iter().find(|f| f.rule == UNSUPPORTED) {
            skipped += 1;
            Outcome::Skipped(f)
        } else {
            Outcome::Pass
        };
        others.extend(found.iter().filter(|f| f.severity != Severity::Error));
        cases.push((*file, outcome));
    }

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    let as_of_text = as_of.format("%Y-%m-%d").to_string();
    out.push_str(&format!(
        "  <testsuite name=\"bylaw\" package=\"bylaw\" id=\"0\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{as_of_text}T23:59:59\" hostname=\"localhost\">\n",
        cases.len()
    ));
    out.push_str("    <properties>\n");
    for (name, value) in [
        ("as_of", as_of_text.clone()),
        ("files_checked", summary.files_checked.to_string()),
        ("errors", summary.errors.to_string()),
        ("warnings", summary.warnings.to_string()),
    ] {
        out.push_str(&format!(
            "      <property name=\"{name}\" value=\"{}\"/>\n",
            attr(&value)
        ));
    }
    out.push_str("    </properties>\n");

    for (file, outcome) in &cases {
        let open = format!(
            "    <testcase classname=\"bylaw\" name=\"{}\" time=\"0\"",
            attr(file)
        );
        match outcome {
            Outcome::Pass => {
                out.push_str(&open);
                out.push_str("/>\n");
            }
            Outcome::Failure(found) | Outcome::Error(found) => {
                let element = if matches!(outcome, Outcome::Error(_)) {
                    "error"
                } else {
                    "failure"
                };
                out.push_str(&open);
                out.push_str(">\n");
                out.push_str(&format!(
                    "      <{element} message=\"{}\" type=\"{}\">",
                    attr(&headline(found, opts)),
                    attr(&rule_types(found))
                ));
                let lines: Vec<String> = found.iter().map(|f| line(f, opts)).collect();
                out.push_str(&text(&lines.join("\n")));
                out.push_str(&format!("</{element}>\n    </testcase>\n"));
            }
            Outcome::Skipped(f) => {
                out.push_str(&open);
                out.push_str(">\n      <skipped>");
                out.push_str(&text(&line(f, opts)));
                out.push_str("</skipped>\n    </testcase>\n");
            }
        }
    }

    let mut system_out = String::new();
    for f in others {
        system_out.push_str(&format!(
            "{}: {}: {}\n",
            f.file,
            f.severity.as_str(),
            line(f, opts)
        ));
    }
    system_out.push_str(&summary_line(summary));
    system_out.push('\n');
    out.push_str("    <system-out>");
    out.push_str(&text(&system_out));
    out.push_str("</system-out>\n    <system-err></system-err>\n  </testsuite>\n</testsuites>\n");
    out
}

/// An error about the input itself rather than a breach of the regulation.
fn is_input_error(f: &Finding) -> bool {
    [UNREADABLE, UNSUPPORTED, RULE_ABORTED].contains(&f.rule.as_str())
}

/// The `message` of a failure: the first finding's message, and how many more there are.
fn headline(found: &[&Finding], opts: &RenderOptions) -> String {
    let first = found
        .first()
        .map(|f| opts.mask(&f.message))
        .unwrap_or_default();
    match found.len() {
        0 | 1 => first.into_owned(),
        n => format!("{first} (and {} more)", n - 1),
    }
}

/// The `type` of a failure: the distinct rule ids, in order.
fn rule_types(found: &[&Finding]) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for f in found {
        if !ids.contains(&f.rule.as_str()) {
            ids.push(&f.rule);
        }
    }
    ids.join(" ")
}

/// One finding as a line: `line:col [clauses] message (rule)`, the position left out for a
/// finding about the whole file, the cell added for a spreadsheet or a Word table.
pub(crate) fn line(f: &Finding, opts: &RenderOptions) -> String {
    let mut s = String::new();
    if super::sarif::has_location(f) {
        let loc = f.location();
        s.push_str(&format!("{}:{} ", loc.line, loc.column));
    }
    if let Some(place) = place(f) {
        s.push_str(&format!("({place}) "));
    }
    if !f.clauses.is_empty() {
        s.push_str(&format!("[{}] ", f.clauses.join(", ")));
    }
    s.push_str(&opts.mask(&f.message));
    s.push_str(&format!(" ({})", f.rule));
    s
}

/// Where in a record file or Word table a finding is, beyond its line: `Sheet1!C17`,
/// `record 3`, `T1R7C4`.
pub(crate) fn place(f: &Finding) -> Option<String> {
    match &f.record {
        Some(r) => r.place.clone(),
        None => f.table_cell.clone(),
    }
}

/// Text content, escaped.
pub(crate) fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value, escaped (line breaks and tabs as character references, so they
/// survive attribute-value normalisation).
pub(crate) fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            // Characters XML 1.0 does not allow at all.
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_breaks_and_forbidden_characters() {
        assert_eq!(text("a<b>&c\r\n\u{1}"), "a&lt;b&gt;&amp;c&#13;\n\u{FFFD}");
        assert_eq!(attr("\"x\"\n\ty"), "&quot;x&quot;&#10;&#9;y");
    }
}
