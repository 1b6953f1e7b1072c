//! `bylaw test` output: a line per case with a diff of expected and reported findings, and a
//! JUnit report for CI test views.

use super::expect::Verdict;
use super::{Case, Status, SuiteOutcome};
use crate::report::RenderOptions;
use crate::report::finding::Finding;
use crate::report::junit::{attr, line, text};

/// Rules lacking a violating or a compliant passing case.
#[derive(Debug, Default)]
pub struct Gaps {
    pub no_violating: Vec<String>,
    pub no_compliant: Vec<String>,
}

impl Gaps {
    pub fn of(outcome: &SuiteOutcome) -> Gaps {
        let mut gaps = Gaps::default();
        for (rule, (violating, compliant)) in outcome.rule_cases() {
            if violating == 0 {
                gaps.no_violating.push(rule.clone());
            }
            if compliant == 0 {
                gaps.no_compliant.push(rule);
            }
        }
        gaps
    }

    pub fn is_empty(&self) -> bool {
        self.no_violating.is_empty() && self.no_compliant.is_empty()
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS ",
        Status::KnownFailing => "KNOWN",
        Status::Fail => "FAIL ",
    }
}

/// A finding in a diff: `line 3:5  rule  message`.
fn finding_line(f: &Finding, opts: &RenderOptions) -> String {
    format!("{}: {}", f.severity.as_str(), line(f, opts))
}

/// The lines explaining a case's verdict (none for a plain pass).
fn details(case: &Case, opts: &RenderOptions) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(e) = &case.error {
        out.push(format!("the expectations cannot be read: {e}"));
    }
    let Verdict {
        missing,
        unexpected,
        stale,
        known,
        ..
    } = &case.verdict;
    if !missing.is_empty() {
        out.push("expected, not reported:".into());
        for (e, n) in missing {
            let times = if *n > 1 {
                format!(" ({n} findings missing)")
            } else {
                String::new()
            };
            out.push(format!("  - {} at {}{times}", e.rule, e.place.describe()));
        }
    }
    if !unexpected.is_empty() {
        out.push("reported, not expected:".into());
        for f in unexpected {
            out.push(format!("  + {}", finding_line(f, opts)));
        }
    }
    for s in stale {
        out.push(format!("known-failing marker out of date: {s}"));
    }
    for k in known {
        out.push(format!("known failing: {k}"));
    }
    out
}

/// The human report.
pub fn render(outcome: &SuiteOutcome, gaps: &Gaps, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for case in &outcome.cases {
        out.push_str(&format!("{} {}\n", status_word(case.status), case.file));
        for d in details(case, opts) {
            out.push_str(&format!("      {d}\n"));
        }
    }
    if outcome.policies.is_some() {
        let total = outcome.tested_rules.len();
        out.push_str(&format!(
            "\nrules: {} of {total} with a violating case, {} of {total} with a compliant case\n",
            total - gaps.no_violating.len(),
            total - gaps.no_compliant.len()
        ));
        if !gaps.no_violating.is_empty() {
            out.push_str(&format!(
                "  no violating case: {}\n",
                gaps.no_violating.join(", ")
            ));
        }
        if !gaps.no_compliant.is_empty() {
            out.push_str(&format!(
                "  no compliant case: {}\n",
                gaps.no_compliant.join(", ")
            ));
        }
    }
    let known = outcome.count(Status::KnownFailing);
    if known > 0 {
        out.push_str(&format!(
            "{known} case(s) known failing (their markers give the reasons)\n"
        ));
    }
    out.push_str(&format!(
        "cases: {} passed, {} failed\n",
        outcome.count(Status::Pass) + known,
        outcome.count(Status::Fail)
    ));
    out
}

/// The JUnit report: a suite `bylaw test`, a test case per case file (class name its
/// folder); a failing case has a `<failure>` with the diff, a known-failing one is
/// `<skipped>` with its reasons. Valid under Ant's `JUnit.xsd` and Jenkins' schema (same shape
/// as `bylaw check --format junit`).
pub fn render_junit(outcome: &SuiteOutcome, opts: &RenderOptions) -> String {
    let failures = outcome.count(Status::Fail);
    let skipped = outcome.count(Status::KnownFailing);
    let now = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    out.push_str(&format!(
        "  <testsuite name=\"bylaw test\" package=\"bylaw\" id=\"0\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{now}\" hostname=\"localhost\">\n",
        outcome.cases.len()
    ));
    out.push_str(&format!(
        "    <properties>\n      <property name=\"cases\" value=\"{}\"/>\n    </properties>\n",
        outcome.cases.len()
    ));
    for case in &outcome.cases {
        let (class, name) = case.file.rsplit_once('/').unwrap_or(("", &case.file));
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
            attr(class),
            attr(name)
        ));
        let body = details(case, opts).join("\n");
        match case.status {
            Status::Pass => out.push_str("/>\n"),
            Status::Fail => {
                let headline = body.lines().next().unwrap_or("failed").to_string();
                out.push_str(&format!(
                    ">\n      <failure message=\"{}\" type=\"expectations\">{}</failure>\n    </testcase>\n",
                    attr(&headline),
                    text(&body)
                ));
            }
            Status::KnownFailing => {
                out.push_str(&format!(
                    ">\n      <skipped>{}</skipped>\n    </testcase>\n",
                    text(&body)
                ));
            }
        }
    }
    out.push_str(&format!(
        "    <system-out>{}</system-out>\n    <system-err></system-err>\n  </testsuite>\n</testsuites>\n",
        text(&format!(
            "cases: {} passed, {failures} failed",
            outcome.cases.len() - failures
        ))
    ));
    out
}
