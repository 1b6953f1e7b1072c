//! What a test case expects, and how findings are held against it.
//!
//! Expectations come from the case itself (`bylaw-expect` directives in Markdown and text
//! comments or Word review comments, the same syntax family as suppressions) and from a
//! sidecar `FILE.expect.toml` beside it (for records, and anywhere a comment will not do).
//!
//! Matching is exact: every expectation must be met by its own finding (`RULE*2` or
//! `count = 2` expects two), and every finding must be expected. Known-failing markers keep a
//! suite green while a gap is open, and turn red when the gap closes, so they cannot rot.

use std::path::Path;

use serde::Deserialize;

use crate::check::suppress::{DirectiveKind, Scope, Suppression};
use crate::model::normalize::fold_width;
use crate::report::finding::Finding;

/// What an expectation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The rule must report a finding here.
    Expect,
    /// Known failing: the rule should report a finding here but does not yet.
    Todo,
    /// Known failing: the rule reports a finding here that it should not.
    FalsePositive,
}

/// Where an expected finding is; every field that is set must agree with the finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The 1-based line (documents; Word: the paragraph number; records: the physical line).
    pub line: Option<usize>,
    /// Records: the record's 1-based data row.
    pub row: Option<usize>,
    /// Records: the column's header as written (width- and case-insensitive).
    pub field: Option<String>,
    /// Spreadsheets: the sheet's name.
    pub sheet: Option<String>,
    /// A spreadsheet cell (`C17`) or a Word table cell (`T1R7C4`).
    pub cell: Option<String>,
}

impl Place {
    fn specificity(&self) -> usize {
        [
            self.line.is_some(),
            self.row.is_some(),
            self.field.is_some(),
            self.sheet.is_some(),
            self.cell.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }

    fn matches(&self, f: &Finding) -> bool {
        let record = f.record.as_ref();
        let same = |want: &Option<String>, got: Option<&str>| match want {
            None => true,
            Some(w) => got.is_some_and(|g| fold_width(g.trim()) == fold_width(w.trim())),
        };
        self.line.is_none_or(|l| f.location().line == l)
            && self
                .row
                .is_none_or(|r| record.and_then(|x| x.row) == Some(r))
            && same(&self.field, record.and_then(|x| x.field.as_deref()))
            && same(&self.sheet, record.and_then(|x| x.sheet.as_deref()))
            && same(
                &self.cell,
                record
                    .and_then(|x| x.cell.as_deref())
                    .or(f.table_cell.as_deref()),
            )
    }

    /// `line 3`, `row 5, field 手机`, … (`anywhere` when nothing is set).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.sheet {
            parts.push(format!("sheet {s}"));
        }
        if let Some(c) = &self.cell {
            parts.push(format!("cell {c}"));
        }
        if let Some(r) = self.row {
            parts.push(format!("row {r}"));
        }
        if let Some(f) = &self.field {
            parts.push(format!("field {f}"));
        }
        if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        if parts.is_empty() {
            "anywhere in the file".into()
        } else {
            parts.join(", ")
        }
    }
}

/// One expectation of a test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub rule: String,
    pub place: Place,
    /// How many findings it stands for (at least 1).
    pub count: usize,
    pub mode: Mode,
    /// Why a known-failing marker is there.
    pub reason: Option<String>,
}

/// A problem with a case's own expectations (an unreadable sidecar, a malformed directive):
/// the case fails with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectationError(pub String);

/// Expectations written as directives in the case (Markdown/text comments, Word review
/// comments), already parsed by the suppression scanner.
pub fn from_directives(directives: &[Suppression]) -> Result<Vec<Expectation>, ExpectationError> {
    let mut out = Vec::new();
    for d in directives {
        let Some(kind) = d.kind.filter(|k| k.is_expectation()) else {
            continue;
        };
        if let Some(e) = &d.error {
            return Err(ExpectationError(format!(
                "line {}: this expectation cannot be read: {e}",
                d.line
            )));
        }
        let mode = match kind {
            DirectiveKind::ExpectTodo => Mode::Todo,
            DirectiveKind::FalsePositive => Mode::FalsePositive,
            _ => Mode::Expect,
        };
        if mode != Mode::Expect && d.reason.is_none() {
            return Err(ExpectationError(format!(
                "line {}: `{}` needs a reason after ` -- `: why is it known to fail?",
                d.line,
                kind.keyword()
            )));
        }
        for t in &d.targets {
            let line = match t.scope {
                Scope::Lines { first, .. } => first,
                _ => {
                    return Err(ExpectationError(format!(
                        "line {}: `{}` has no line after it to be about",
                        d.line,
                        kind.keyword()
                    )));
                }
            };
            let (rule, count) = split_count(&t.rule)
                .map_err(|e| ExpectationError(format!("line {}: {e}", d.line)))?;
            out.push(Expectation {
                rule,
                place: Place {
                    line: Some(line),
                    ..Place::default()
                },
                count,
                mode,
                reason: d.reason.clone(),
            });
        }
    }
    Ok(out)
}

/// `RULE*3` → (`RULE`, 3); `RULE` → (`RULE`, 1).
fn split_count(token: &str) -> Result<(String, usize), String> {
    match token.rsplit_once('*') {
        None => Ok((token.to_string(), 1)),
        Some((rule, n)) => match n.parse::<usize>() {
            Ok(n) if n >= 1 && !rule.is_empty() => Ok((rule.to_string(), n)),
            _ => Err(format!(
                "`{token}` is not `RULE` or `RULE*N` (N a count of findings, at least 1)"
            )),
        },
    }
}

/// A sidecar file: `FILE.expect.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    /// What the case shows (for readers of the suite).
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    expect: Vec<SidecarEntry>,
    #[serde(default)]
    false_positive: Vec<SidecarEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SidecarEntry {
    rule: String,
    line: Option<usize>,
    row: Option<usize>,
    field: Option<String>,
    sheet: Option<String>,
    cell: Option<String>,
    #[serde(default)]
    count: Option<usize>,
    /// Known failing, with the reason (`[[expect]]` only).
    #[serde(default)]
    todo: Option<String>,
    /// Why (`[[false_positive]]`).
    #[serde(default)]
    reason: Option<String>,
}

/// The sidecar of a case file: `NAME.EXT.expect.toml`.
pub fn sidecar_path(case: &Path) -> std::path::PathBuf {
    let mut name = case.file_name().unwrap_or_default().to_os_string();
    name.push(SIDECAR_SUFFIX);
    case.with_file_name(name)
}

/// What a sidecar's name ends with.
pub const SIDECAR_SUFFIX: &str = ".expect.toml";

/// Expectations from a sidecar's text.
pub fn from_sidecar(display: &str, text: &str) -> Result<Vec<Expectation>, ExpectationError> {
    let sidecar: Sidecar = toml::from_str(text).map_err(|e| {
        ExpectationError(format!(
            "{display}: {}",
            e.message().trim_end_matches('.').to_lowercase()
        ))
    })?;
    let mut out = Vec::new();
    let entries = sidecar
        .expect
        .into_iter()
        .map(|e| (e, false))
        .chain(sidecar.false_positive.into_iter().map(|e| (e, true)));
    for (i, (e, false_positive)) in entries.enumerate() {
        let count = e.count.unwrap_or(1);
        if count == 0 {
            return Err(ExpectationError(format!(
                "{display}: entry {} for `{}` expects 0 findings; a case without findings of a rule needs no entry",
                i + 1,
                e.rule
            )));
        }
        let (mode, reason) = match (false_positive, e.todo, e.reason) {
            (true, _, Some(r)) => (Mode::FalsePositive, Some(r)),
            (true, _, None) => {
                return Err(ExpectationError(format!(
                    "{display}: the `[[false_positive]]` for `{}` needs a `reason`",
                    e.rule
                )));
            }
            (false, Some(t), _) => (Mode::Todo, Some(t)),
            (false, None, r) => (Mode::Expect, r),
        };
        out.push(Expectation {
            rule: e.rule,
            place: Place {
                line: e.line,
                row: e.row,
                field: e.field,
                sheet: e.sheet,
                cell: e.cell,
            },
            count,
            mode,
            reason,
        });
    }
    Ok(out)
}

/// How a case's findings compare with its expectations.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Expected, and not reported (count missing).
    pub missing: Vec<(Expectation, usize)>,
    /// Reported, and not expected.
    pub unexpected: Vec<Finding>,
    /// Known-failing markers whose gap has closed: the case fails until they are updated.
    pub stale: Vec<String>,
    /// Known-failing markers still failing as known.
    pub known: Vec<String>,
    /// The findings that met expectations: (rule, the clauses they cite).
    pub met: Vec<(String, Vec<String>)>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty() && self.stale.is_empty()
    }
}

/// Hold a case's findings against its expectations. The most specific expectations take
/// their findings first, so `line 3` is not robbed by an expectation about anywhere.
pub fn compare(findings: Vec<Finding>, expectations: &[Expectation]) -> Verdict {
    let mut verdict = Verdict::default();
    let mut left: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut order: Vec<&Expectation> = expectations.iter().collect();
    order.sort_by_key(|e| std::cmp::Reverse(e.place.specificity()));
    for e in order {
        let mut taken = 0;
        for slot in left.iter_mut() {
            if taken == e.count {
                break;
            }
            if slot
                .as_ref()
                .is_some_and(|f| f.rule == e.rule && e.place.matches(f))
                && let Some(f) = slot.take()
            {
                if e.mode == Mode::Expect {
                    verdict.met.push((f.rule, f.clauses));
                }
                taken += 1;
            }
        }
        let what = format!("`{}` at {}", e.rule, e.place.describe());
        let why = e.reason.as_deref().unwrap_or("no reason given");
        match e.mode {
            Mode::Expect if taken < e.count => verdict.missing.push((e.clone(), e.count - taken)),
            Mode::Expect => {}
            Mode::Todo if taken == e.count => verdict.stale.push(format!(
                "{what} is reported now: turn `bylaw-expect-todo` (or `todo`) into an expectation"
            )),
            Mode::Todo => verdict
                .known
                .push(format!("not yet reported: {what} ({why})")),
            Mode::FalsePositive if taken == 0 => verdict.stale.push(format!(
                "{what} is no longer reported: remove the `bylaw-false-positive` marker"
            )),
            Mode::FalsePositive => verdict
                .known
                .push(format!("reported but should not be: {what} ({why})")),
        }
    }
    verdict.unexpected = left.into_iter().flatten().collect();
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::ast::Severity;

    fn finding(rule: &str, line: usize) -> Finding {
        let text = "a\nb\nc\nd\n";
        let src = crate::source::SourceFile::new("x.md", text);
        let start = src.line_span(line - 1).start;
        Finding {
            rule: rule.into(),
            clauses: vec![],
            severity: Severity::Error,
            message: "m".into(),
            label: None,
            help: None,
            file: "x.md".into(),
            source: Some(src),
            span: Some(crate::source::Span::new(start, start + 1)),
            record: None,
            table_cell: None,
            position: None,
        }
    }

    fn expect(rule: &str, line: Option<usize>, count: usize, mode: Mode) -> Expectation {
        Expectation {
            rule: rule.into(),
            place: Place {
                line,
                ..Place::default()
            },
            count,
            mode,
            reason: Some("why".into()),
        }
    }

    #[test]
    fn every_finding_must_be_expected_and_every_expectation_met() {
        let v = compare(
            vec![finding("a/x", 1), finding("a/y", 2)],
            &[
                expect("a/x", Some(1), 1, Mode::Expect),
                expect("a/z", Some(3), 1, Mode::Expect),
            ],
        );
        assert!(!v.passed());
        assert_eq!(v.missing.len(), 1);
        assert_eq!(v.missing[0].0.rule, "a/z");
        assert_eq!(v.unexpected.len(), 1);
        assert_eq!(v.unexpected[0].rule, "a/y");
    }

    #[test]
    fn counts_are_exact() {
        let two = vec![finding("a/x", 2), finding("a/x", 2)];
        assert!(compare(two.clone(), &[expect("a/x", Some(2), 2, Mode::Expect)]).passed());
        let v = compare(two, &[expect("a/x", Some(2), 1, Mode::Expect)]);
        assert_eq!(v.unexpected.len(), 1);
        let v = compare(
            vec![finding("a/x", 2)],
            &[expect("a/x", Some(2), 2, Mode::Expect)],
        );
        assert_eq!(v.missing[0].1, 1);
    }

    #[test]
    fn specific_expectations_are_served_first() {
        // The unlocated expectation must not take the finding on line 3.
        let v = compare(
            vec![finding("a/x", 3), finding("a/x", 1)],
            &[
                expect("a/x", None, 1, Mode::Expect),
                expect("a/x", Some(3), 1, Mode::Expect),
            ],
        );
        assert!(v.passed(), "{v:?}");
    }

    #[test]
    fn known_failing_markers_pass_while_known_and_fail_once_fixed() {
        let v = compare(vec![], &[expect("a/x", Some(1), 1, Mode::Todo)]);
        assert!(v.passed() && v.known.len() == 1);
        let v = compare(
            vec![finding("a/x", 1)],
            &[expect("a/x", Some(1), 1, Mode::Todo)],
        );
        assert!(!v.passed() && v.stale.len() == 1);
        let v = compare(
            vec![finding("a/x", 1)],
            &[expect("a/x", Some(1), 1, Mode::FalsePositive)],
        );
        assert!(v.passed() && v.known.len() == 1);
        let v = compare(vec![], &[expect("a/x", Some(1), 1, Mode::FalsePositive)]);
        assert!(!v.passed() && v.stale.len() == 1);
    }

    #[test]
    fn directives_become_expectations_on_the_next_line() {
        let src = crate::source::SourceFile::new(
            "x.md",
            "<!-- bylaw-expect a/x, b/y*2 -->\n\n# Title\ntext <!-- bylaw-expect c/z -->\n",
        );
        let found = from_directives(&crate::check::suppress::scan_text(&src, true)).unwrap();
        let got: Vec<(String, Option<usize>, usize)> = found
            .iter()
            .map(|e| (e.rule.clone(), e.place.line, e.count))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a/x".into(), Some(3), 1),
                ("b/y".into(), Some(3), 2),
                ("c/z".into(), Some(4), 1)
            ]
        );
    }

    #[test]
    fn word_review_comments_expect_on_their_paragraph() {
        let comment = crate::input::docx::DocxComment {
            line: 7,
            span: crate::source::Span::new(0, 0),
            id: "1".into(),
            author: "QA".into(),
            text: "bylaw-expect ad-copy/absolute-term*2".into(),
        };
        let directives = crate::check::suppress::from_docx_comments("x.docx", &[comment]);
        let found = from_directives(&directives).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].place.line, Some(7));
        assert_eq!(found[0].count, 2);
    }

    #[test]
    fn known_failing_directives_need_a_reason() {
        let src =
            crate::source::SourceFile::new("x.md", "<!-- bylaw-expect-todo a/x -->\n# Title\n");
        let err = from_directives(&crate::check::suppress::scan_text(&src, true)).unwrap_err();
        assert!(err.0.contains("needs a reason"), "{err:?}");
    }

    #[test]
    fn sidecars_read_places_counts_and_markers() {
        let text = r#"
description = "two duplicate ids"
[[expect]]
rule = "customers/duplicate-id"
row = 4
field = "客户编号"
count = 2
[[expect]]
rule = "customers/malformed-phone"
cell = "C7"
todo = "landlines with extensions are not read yet"
[[false_positive]]
rule = "customers/stale"
line = 9
reason = "the update column is read as text"
"#;
        let e = from_sidecar("x.csv.expect.toml", text).unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].place.row, Some(4));
        assert_eq!(e[0].count, 2);
        assert_eq!(e[1].mode, Mode::Todo);
        assert_eq!(e[2].mode, Mode::FalsePositive);
        let bad = from_sidecar("x.expect.toml", "[[expect]]\nrule = \"a\"\nrow = \"x\"\n");
        assert!(bad.is_err());
        let unknown = from_sidecar("x.expect.toml", "[[expect]]\nrule = \"a\"\ncolumn = 3\n");
        assert!(unknown.is_err());
    }
}
