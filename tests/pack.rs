//! The built-in pack's own test cases (`policies/tests/`, as `bylaw test policies/` runs them)
//! and `bylaw test` itself: expectations in comments and sidecars, exact matching,
//! known-failing markers, JUnit output, and the errors a suite author meets.

use std::path::Path;

use bylaw::suite::{self, Status, SuiteOptions};

mod common;
use common::{bylaw, write};

/// Run `bylaw ARGS` in `dir`, expect exit `code`, and return stdout and stderr.
fn run(dir: &Path, args: &[&str], code: i32) -> (String, String) {
    let out = bylaw()
        .current_dir(dir)
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .clone();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_built_in_pack_passes_its_own_cases_with_every_rule_covered_both_ways() {
    let outcome = suite::run(&SuiteOptions {
        paths: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")],
        ..SuiteOptions::default()
    })
    .unwrap_or_else(|e| panic!("the suite must run: {e:?}"));
    let failed: Vec<&str> = outcome
        .cases
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.file.as_str())
        .collect();
    assert!(failed.is_empty(), "failing cases: {failed:?}");
    let gaps = suite::report::Gaps::of(&outcome);
    assert!(
        gaps.is_empty(),
        "rules without a violating case: {:?}; without a compliant case: {:?}",
        gaps.no_violating,
        gaps.no_compliant
    );
    let rules = outcome.policies.as_ref().map_or(0, |p| p.rules.len());
    assert!(rules >= 50, "the pack has its rules ({rules})");
    assert!(outcome.cases.len() >= 100, "{} cases", outcome.cases.len());
}

const REPORT: &str = "# 2026年咖啡市场调研报告\n\n【内部资料】仅限市场部使用\n\n## 一、引言\n背景。\n\n## 二、调研方法\n问卷。\n\n## 三、结果分析\n数据。\n\n## 四、结论\n结论。\n\n## 五、建议\n建议。\n";

/// A policy folder with one rule of its own and a `tests` folder.
fn project(dir: &Path) {
    write(
        dir,
        "rules/crm.bylaw",
        r#"rule crm/no-draft {
  clauses 4.1.5
  severity error
  applies to research-report
  message "the report is still marked as a draft"
  for line in document.lines {
    if line.text contains "草稿" {
      report at line
    }
  }
}
"#,
    );
}

#[test]
fn a_users_rule_is_tested_with_inline_expectations() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let draft = REPORT.replace(
        "背景。",
        "<!-- bylaw-expect crm/no-draft -->\n背景（草稿）。",
    );
    write(dir.path(), "rules/tests/draft_调研报告.md", &draft);
    write(dir.path(), "rules/tests/clean_调研报告.md", REPORT);
    let (out, _) = run(dir.path(), &["test", "rules"], 0);
    assert!(out.contains("PASS  rules/tests/draft_调研报告.md"), "{out}");
    assert!(out.contains("PASS  rules/tests/clean_调研报告.md"), "{out}");
    assert!(
        out.trim_end().ends_with("cases: 2 passed, 0 failed"),
        "{out}"
    );
}

#[test]
fn a_failing_case_shows_what_was_expected_and_what_was_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    // Expected on the wrong line, and a second finding nobody expected.
    let draft = REPORT
        .replace(
            "## 一、引言",
            "<!-- bylaw-expect crm/no-draft -->\n## 一、引言",
        )
        .replace("数据。", "数据（草稿）。");
    write(dir.path(), "rules/tests/draft_调研报告.md", &draft);
    let (out, _) = run(dir.path(), &["test", "rules"], 1);
    assert!(out.contains("FAIL  rules/tests/draft_调研报告.md"), "{out}");
    assert!(
        out.contains("expected, not reported:\n        - crm/no-draft at line 6"),
        "{out}"
    );
    assert!(out.contains("reported, not expected:"), "{out}");
    assert!(
        out.contains("+ error: 13:1 [4.1.5] the report is still marked as a draft (crm/no-draft)"),
        "{out}"
    );
    assert!(out.contains("cases: 0 passed, 1 failed"), "{out}");
}

#[test]
fn counts_are_exact() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let two = REPORT.replace(
        "数据。",
        "<!-- bylaw-expect crm/no-draft*2 -->\n草稿\n\n草稿",
    );
    write(dir.path(), "rules/tests/x_调研报告.md", &two);
    // Only the first line after the directive is its line: one finding is unexpected, one
    // expected finding is missing.
    let (out, _) = run(dir.path(), &["test", "rules"], 1);
    assert!(out.contains("- crm/no-draft at line 13"), "{out}");
    assert!(out.contains("+ error: 15:1"), "{out}");
    let one_line = REPORT.replace("数据。", "<!-- bylaw-expect crm/no-draft -->\n草稿，草稿");
    write(dir.path(), "rules/tests/x_调研报告.md", &one_line);
    run(dir.path(), &["test", "rules"], 0);
}

#[test]
fn sidecars_hold_expectations_for_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "pack/tests/客户信息.csv",
        "客户编号,姓名,手机,邮箱,客户等级,最近购买日期,更新日期\nC001,张三,13812345678,,A,2026-10-01,2026-10-01\nC001,李四,13912345678,,B,2026-10-02,2026-10-02\n",
    );
    write(
        dir.path(),
        "pack/tests/bylaw.toml",
        "as_of = \"2026-11-30\"\n",
    );
    let (out, _) = run(dir.path(), &["test", "pack"], 1);
    assert!(out.contains("customers/duplicate-id"), "{out}");
    write(
        dir.path(),
        "pack/tests/客户信息.csv.expect.toml",
        "[[expect]]\nrule = \"customers/duplicate-id\"\nrow = 2\nfield = \"客户编号\"\n",
    );
    let (out, _) = run(dir.path(), &["test", "pack"], 0);
    assert!(out.contains("PASS  pack/tests/客户信息.csv"), "{out}");
    // Personal data in the report is masked.
    write(dir.path(), "pack/tests/客户信息.csv.expect.toml", "");
    let (out, _) = run(dir.path(), &["test", "pack"], 1);
    assert!(!out.contains("13912345678"), "{out}");
}

#[test]
fn known_failing_markers_keep_the_suite_green_until_the_gap_closes() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let todo = REPORT.replace(
        "背景。",
        "<!-- bylaw-expect-todo crm/no-draft -- 'draft' in English is not caught yet -->\n背景 (draft)。",
    );
    write(dir.path(), "rules/tests/todo_调研报告.md", &todo);
    let (out, _) = run(dir.path(), &["test", "rules"], 0);
    assert!(out.contains("KNOWN rules/tests/todo_调研报告.md"), "{out}");
    assert!(out.contains("not caught yet"), "{out}");
    // The gap closes: the marker is now out of date and the case fails.
    let fixed = todo.replace("背景 (draft)。", "背景（草稿）。");
    write(dir.path(), "rules/tests/todo_调研报告.md", &fixed);
    let (out, _) = run(dir.path(), &["test", "rules"], 1);
    assert!(out.contains("known-failing marker out of date"), "{out}");
    // A known false positive.
    let fp = REPORT.replace(
        "背景。",
        "<!-- bylaw-false-positive crm/no-draft -- quoting the word is not a draft -->\n“草稿”一词。",
    );
    write(dir.path(), "rules/tests/todo_调研报告.md", &fp);
    run(dir.path(), &["test", "rules"], 0);
    // A marker without a reason is refused.
    let bare = REPORT.replace("背景。", "<!-- bylaw-expect-todo crm/no-draft -->\n背景。");
    write(dir.path(), "rules/tests/todo_调研报告.md", &bare);
    let (out, _) = run(dir.path(), &["test", "rules"], 1);
    assert!(out.contains("needs a reason"), "{out}");
}

#[test]
fn junit_report_is_written_and_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    write(dir.path(), "rules/tests/clean_调研报告.md", REPORT);
    write(
        dir.path(),
        "rules/tests/bad_调研报告.md",
        &REPORT.replace("数据。", "草稿 <b>&</b>"),
    );
    run(dir.path(), &["test", "rules", "--junit", "out.xml"], 1);
    let xml = std::fs::read_to_string(dir.path().join("out.xml")).expect("junit written");
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    assert!(
        xml.contains("<failure message=\"reported, not expected:\""),
        "{xml}"
    );
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/schemas");
    for xsd in ["JUnit.xsd", "jenkins-junit.xsd"] {
        let out = std::process::Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schemas.join(xsd))
            .arg(dir.path().join("out.xml"))
            .output()
            .expect("xmllint runs (apt-get install libxml2-utils)");
        assert!(
            out.status.success(),
            "{xsd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn suite_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "empty/README.md", "nothing here\n");
    let (_, err) = run(dir.path(), &["test", "empty"], 2);
    assert!(err.contains("no test cases under empty"), "{err}");
    let (_, err) = run(dir.path(), &["test", "missing"], 2);
    assert!(err.contains("`missing` does not exist"), "{err}");
    // A broken policy in the tested folder: the policy diagnostic, exit 2.
    write(
        dir.path(),
        "rules/bad.bylaw",
        "rule x/y {\n  severity fatal\n}\n",
    );
    write(dir.path(), "rules/tests/a_调研报告.md", REPORT);
    let (_, err) = run(dir.path(), &["test", "rules"], 2);
    assert!(err.contains("rules/bad.bylaw"), "{err}");
    // A sidecar that does not read.
    std::fs::remove_file(dir.path().join("rules/bad.bylaw")).expect("rm");
    write(
        dir.path(),
        "rules/tests/a_调研报告.md.expect.toml",
        "[[expect]]\nrule = \"x\"\ncolumn = 1\n",
    );
    let (out, _) = run(dir.path(), &["test", "rules"], 1);
    assert!(out.contains("the expectations cannot be read"), "{out}");
    // A misspelt rule id is named, with a suggestion.
    write(
        dir.path(),
        "rules/tests/a_调研报告.md.expect.toml",
        "[[expect]]\nrule = \"research-report/missing-prat\"\n",
    );
    let (out, _) = run(dir.path(), &["test", "rules"], 1);
    assert!(
        out.contains("`research-report/missing-prat` is not a rule of the policies under test (did you mean `research-report/missing-part`?)"),
        "{out}"
    );
}

#[test]
fn coverage_counts_passing_cases_that_expect_a_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let draft = REPORT.replace(
        "背景。",
        "<!-- bylaw-expect crm/no-draft -->\n背景（草稿）。",
    );
    write(dir.path(), "rules/tests/draft_调研报告.md", &draft);
    let (out, _) = run(dir.path(), &["coverage", "rules", "--format", "json"], 0);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let clause = json["clauses"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["clause"] == "4.1.5"))
        .expect("4.1.5 listed");
    assert!(
        clause["rules"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == "crm/no-draft")),
        "{clause}"
    );
    assert_eq!(clause["test_cases"], 1, "{clause}");
    // Clauses whose rules have no case here are untested.
    let untested = json["clauses"].as_array().map_or(0, |a| {
        a.iter().filter(|c| c["status"] == "untested").count()
    });
    assert!(untested > 0);
}
