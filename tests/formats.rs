//! The CI formats — SARIF, JUnit XML, GitHub workflow commands — on real findings: the built-in
//! pack run on the research-report fixtures and the record-format fixtures.
//!
//! SARIF is validated against the official SARIF 2.1.0 schema, JUnit XML against the Ant
//! `JUnit.xsd` and Jenkins' `junit-4.xsd` (with `xmllint`, from Debian's `libxml2-utils`: the
//! test fails, not skips, without it). Each output is also snapshotted, and personal data must
//! stay masked in all of them.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use bylaw::policy::ast::Severity;
use bylaw::report::finding::{Finding, RecordLocation, Summary};
use bylaw::report::sarif::RuleInfo;
use bylaw::report::{RenderOptions, github, junit, sarif};
use bylaw::run::{self, Options, Outcome};
use bylaw::source::{SourceFile, Span};
use common::{is_uri_reference, sarif_errors, validate_sarif};

const D01: &str = "policies/tests/documents/d01-research-report";
const FORMATS: &str = "tests/fixtures/records/formats";

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("valid date")
}

fn opts() -> RenderOptions {
    RenderOptions {
        show_values: false,
        color: false,
        width: 100,
    }
}

fn check(paths: &[&str]) -> Outcome {
    run::check(&Options {
        paths: paths.iter().map(PathBuf::from).collect(),
        as_of: Some(as_of()),
        ..Options::default()
    })
    .unwrap_or_else(|e| panic!("the built-in pack must load: {e:?}"))
}

fn rules() -> Vec<RuleInfo> {
    let set = run::load_policies(&Options::default(), &Default::default())
        .unwrap_or_else(|e| panic!("the built-in pack must load: {e:?}"));
    set.rules.iter().map(RuleInfo::from).collect()
}

fn summary(o: &Outcome) -> Summary {
    Summary::of(&o.findings, o.files_checked)
}

fn files(o: &Outcome) -> Vec<String> {
    o.files.iter().map(|f| f.file.clone()).collect()
}

fn schema_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/schemas")
        .join(name)
}

fn phone_number() -> regex::Regex {
    regex::Regex::new(r"1[3-9]\d{9}").expect("regex")
}

/// Findings made by hand for what the fixtures do not have: input errors, a Word table cell, a
/// row-level spreadsheet finding, a note, hostile characters and personal data in messages, a
/// file name that needs escaping everywhere.
fn crafted() -> Vec<Finding> {
    let hostile = "a <b> & \"c\", 50% d: e\r\nf\u{1}g, call 13812345678";
    let mut out = Vec::new();

    let mut f = Finding::input_error(
        "bylaw/unreadable",
        "in box/bad #1 & <x>.txt",
        "cannot decode the file: 13812345678",
        Some("save it as UTF-8".into()),
    );
    f.help = Some(hostile.into());
    out.push(f);

    let mut f = Finding::input_error(
        "bylaw/unsupported",
        "deliverables/deck,final.pptx",
        "bylaw does not read .pptx files",
        None,
    );
    f.severity = Severity::Warning;
    out.push(f);

    let src = SourceFile::new("notes/报告 1.md", "# 调研报告\n\n联系 13812345678 获取\n");
    let text = src.text().to_string();
    let start = text.find("联系").expect("text");
    let mut f = Finding::input_error("custom/hostile", "notes/报告 1.md", hostile, None);
    f.clauses = vec!["7.1.1".into(), "7.1.2".into()];
    f.source = Some(src.clone());
    f.span = Some(Span::new(start, text.len() - 1));
    f.table_cell = Some("T1R7C4".into());
    out.push(f);

    let mut f = Finding::input_error(
        "custom/note",
        "notes/报告 1.md",
        "a note",
        Some("nothing to do".into()),
    );
    f.severity = Severity::Info;
    f.clauses = vec!["1.1".into()];
    f.source = Some(src);
    f.span = Some(Span::new(0, 1));
    out.push(f);

    let mut f = Finding::input_error(
        "custom/row",
        "sheets/roster.xlsx",
        "the row has no id",
        None,
    );
    f.clauses = vec!["3.5.1".into()];
    f.record = Some(RecordLocation {
        sheet: Some("Sheet 1".into()),
        cell: None,
        row: Some(4),
        field: None,
        line: 5,
        column: 1,
        end_column: 1,
        snippet: None,
        place: Some("Sheet 1, row 5".into()),
    });
    out.push(f);
    out
}

// ---- SARIF ----------------------------------------------------------------------------------

fn sarif_of(findings: &[Finding], files_checked: usize) -> serde_json::Value {
    let out = sarif::render(
        findings,
        &rules(),
        Summary::of(findings, files_checked),
        as_of(),
        &opts(),
    );
    validate_sarif(&out);
    serde_json::from_str(&out).expect("SARIF output is JSON")
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let o = check(&[D01, FORMATS]);
    assert!(!o.findings.is_empty(), "the fixtures have findings");
    let out = sarif::render(&o.findings, &rules(), summary(&o), o.as_of, &opts());
    validate_sarif(&out);
    validate_sarif(&sarif::render(
        &[],
        &[],
        Summary::default(),
        as_of(),
        &opts(),
    ));
    sarif_of(&crafted(), 3);
}

#[test]
fn the_sarif_validator_is_not_vacuous() {
    let out = sarif::render(&crafted(), &[], Summary::default(), as_of(), &opts());
    let broken = out
        .replacen("\"version\": \"2.1.0\"", "\"version\": \"2.0\"", 1)
        .replacen("\"level\": \"note\"", "\"level\": \"info\"", 1);
    let errors = sarif_errors(&broken).join("\n");
    assert!(
        errors.contains("2.0"),
        "a wrong version is caught: {errors}"
    );
    assert!(
        errors.contains("info"),
        "an invalid level is caught: {errors}"
    );
    assert!(!is_uri_reference("in box/a#b.md") && !is_uri_reference("报告.md"));
    assert!(is_uri_reference(&sarif::uri_reference(
        "in box/a#b%20,报告.md"
    )));
}

#[test]
fn sarif_results_are_complete() {
    let o = check(&[D01, FORMATS]);
    let log = sarif_of(&o.findings, o.files_checked);
    let run = &log["runs"][0];
    let descriptors = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = descriptors
        .iter()
        .map(|d| d["id"].as_str().expect("id"))
        .collect();
    for id in [
        "bylaw/unreadable",
        "bylaw/unsupported",
        "bylaw/rule-aborted",
        "bylaw/malformed-record",
        "research-report/missing-part",
    ] {
        assert!(ids.contains(&id), "no descriptor for {id}");
    }
    assert_eq!(
        ids.len(),
        ids.iter().collect::<BTreeSet<_>>().len(),
        "descriptor ids are unique"
    );
    for d in descriptors {
        let id = d["id"].as_str().unwrap_or_default();
        if !id.starts_with("bylaw/") {
            let clauses = d["properties"]["clauses"].as_array().expect("clauses");
            assert!(!clauses.is_empty(), "{id} cites no clause");
            assert_eq!(d["properties"]["tags"], d["properties"]["clauses"]);
        }
    }

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), o.findings.len());
    let mut logical = 0;
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(ids[index], id, "ruleIndex points at the rule's descriptor");
        let text = r["message"]["text"].as_str().expect("message");
        if !id.starts_with("bylaw/") {
            let clauses = r["properties"]["clauses"].as_array().expect("clauses");
            assert!(!clauses.is_empty(), "{id}: a finding cites a clause");
            assert!(
                text.starts_with('['),
                "{id}: clauses lead the message: {text}"
            );
        }
        let physical = &r["locations"][0]["physicalLocation"];
        assert!(physical["artifactLocation"]["uri"].is_string());
        assert!(physical["region"]["startLine"].as_u64().is_some());
        let uri = physical["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default();
        if uri.ends_with(".xlsx") {
            let name = r["locations"][0]["logicalLocations"][0]["name"]
                .as_str()
                .unwrap_or_else(|| panic!("a spreadsheet finding names its cell: {r}"));
            assert!(name.contains('!'), "{name}");
            assert!(
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .is_some_and(|q| q.ends_with(&format!("#{name}")))
            );
            logical += 1;
        }
    }
    assert!(logical > 0, "the workbook fixture has findings");
    assert_eq!(run["properties"]["as_of"], "2026-11-30");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
}

#[test]
fn sarif_crafted_findings() {
    let log = sarif_of(&crafted(), 3);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let unreadable = &results[0];
    assert_eq!(unreadable["ruleId"], "bylaw/unreadable");
    assert_eq!(unreadable["level"], "error");
    assert_eq!(
        unreadable["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "in%20box/bad%20%231%20%26%20%3Cx%3E.txt"
    );
    assert!(unreadable["locations"][0]["physicalLocation"]["region"].is_null());
    assert_eq!(results[1]["level"], "warning");
    let hostile = &results[2];
    assert_eq!(
        hostile["locations"][0]["logicalLocations"][0]["name"],
        "T1R7C4"
    );
    assert_eq!(
        hostile["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 18})
    );
    assert!(
        hostile["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("[7.1.1, 7.1.2] a <b>"))
    );
    assert_eq!(results[3]["level"], "note");
    assert_eq!(
        results[4]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "sheets/roster.xlsx#Sheet 1!5:5"
    );
    // Rules no descriptor was given for get a bare one.
    let ids: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    for r in results {
        assert!(ids.contains(&r["ruleId"].as_str().unwrap_or_default()));
    }
}

// ---- JUnit XML ------------------------------------------------------------------------------

fn xmllint_validate(xml: &str, xsd: &str) -> Result<(), String> {
    let schema = schema_path(xsd);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).expect("write the report");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run xmllint ({e}): install libxml2-utils: apt-get install -y libxml2-utils"
            )
        });
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{xsd}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn validate_junit(xml: &str) {
    let problems: Vec<String> = ["JUnit.xsd", "jenkins-junit.xsd"]
        .iter()
        .filter_map(|xsd| xmllint_validate(xml, xsd).err())
        .collect();
    assert!(
        problems.is_empty(),
        "JUnit output does not validate:\n{}\n--- output ---\n{xml}",
        problems.join("\n")
    );
}

#[test]
fn junit_validates_against_ant_and_jenkins_schemas() {
    let o = check(&[D01, FORMATS]);
    let xml = junit::render(&o.findings, &files(&o), summary(&o), o.as_of, &opts());
    validate_junit(&xml);
    validate_junit(&junit::render(
        &[],
        &[],
        Summary::default(),
        as_of(),
        &opts(),
    ));
    let crafted = crafted();
    validate_junit(&junit::render(
        &crafted,
        &["notes/报告 1.md".to_string(), "ok.md".to_string()],
        Summary::of(&crafted, 2),
        as_of(),
        &opts(),
    ));
}

/// The shapes the two schemas disagree on, which is why the report has an attribute-less
/// `<testsuites>` and keeps warnings out of test cases: each is valid for Jenkins, not for Ant.
#[test]
fn junit_schemas_disagree_where_expected() {
    let o = check(&[D01]);
    let xml = junit::render(&o.findings, &files(&o), summary(&o), o.as_of, &opts());
    let counted = xml.replacen(
        "<testsuites>",
        "<testsuites name=\"bylaw\" tests=\"11\">",
        1,
    );
    assert!(xmllint_validate(&counted, "jenkins-junit.xsd").is_ok());
    assert!(xmllint_validate(&counted, "JUnit.xsd").is_err());
    let case_output = xml.replacen(
        "time=\"0\"/>",
        "time=\"0\"><system-out>a warning</system-out></testcase>",
        1,
    );
    assert!(xmllint_validate(&case_output, "jenkins-junit.xsd").is_ok());
    assert!(xmllint_validate(&case_output, "JUnit.xsd").is_err());
}

#[test]
fn junit_test_cases_follow_the_exit_code() {
    let o = check(&[D01, FORMATS]);
    let xml = junit::render(&o.findings, &files(&o), summary(&o), o.as_of, &opts());
    let cases = xml.matches("<testcase ").count();
    assert_eq!(cases, o.files.len(), "one test case per checked file");
    let failing: BTreeSet<&str> = o
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.file.as_str())
        .collect();
    assert_eq!(xml.matches("<failure ").count(), failing.len());
    assert!(xml.contains(&format!(
        "tests=\"{cases}\" failures=\"{}\" errors=\"0\" skipped=\"0\"",
        failing.len()
    )));
    // A warning-only file passes; its warning is in the suite's output.
    let out_of_order = "violating-out-of-order_调研报告.md";
    let case = xml
        .lines()
        .find(|l| l.contains(out_of_order))
        .expect("a test case for the out-of-order report");
    assert!(case.trim_end().ends_with("/>"), "{case}");
    assert!(xml.contains(&format!(
        "{D01}/{out_of_order}: warning: 2:3 [4.1.5] the conclusion"
    )));

    let crafted = crafted();
    let xml = junit::render(
        &crafted,
        &["notes/报告 1.md".to_string(), "ok.md".to_string()],
        Summary::of(&crafted, 2),
        as_of(),
        &opts(),
    );
    assert!(xml.contains("tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\""));
    assert!(xml.contains("<testcase classname=\"bylaw\" name=\"in box/bad #1 &amp; &lt;x&gt;.txt\" time=\"0\">\n      <error message=\"cannot decode the file: 138****5678\" type=\"bylaw/unreadable\">"));
    assert!(xml.contains("<skipped>bylaw does not read .pptx files (bylaw/unsupported)</skipped>"));
    assert!(xml.contains("<testcase classname=\"bylaw\" name=\"ok.md\" time=\"0\"/>"));
    assert!(xml.contains("3:1 (T1R7C4) [7.1.1, 7.1.2] a &lt;b&gt; &amp; \"c\", 50% d: e&#13;\nf\u{FFFD}g, call 138****5678 (custom/hostile)"));
    assert!(
        xml.contains("message=\"a &lt;b&gt; &amp; &quot;c&quot;, 50% d: e&#13;&#10;f\u{FFFD}g")
    );
}

// ---- GitHub workflow commands ---------------------------------------------------------------

#[test]
fn github_commands_escape_properties_and_data() {
    let crafted = crafted();
    let out = github::render(&crafted, Summary::of(&crafted, 3), &opts());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        crafted.len() + 1,
        "one command a finding, then the summary"
    );
    assert_eq!(
        lines[0],
        "::error file=in box/bad #1 & <x>.txt,title=bylaw/unreadable::cannot decode the file: 138****5678%0Ahelp: a <b> & \"c\", 50%25 d: e%0D%0Af\u{1}g, call 138****5678"
    );
    assert_eq!(
        lines[1],
        "::warning file=deliverables/deck%2Cfinal.pptx,title=bylaw/unsupported::bylaw does not read .pptx files"
    );
    assert_eq!(
        lines[2],
        "::error file=notes/报告 1.md,line=3,col=1,endLine=3,endColumn=18,title=custom/hostile [7.1.1%2C 7.1.2]::[T1R7C4] a <b> & \"c\", 50%25 d: e%0D%0Af\u{1}g, call 138****5678"
    );
    assert!(lines[3].starts_with("::notice file=notes/报告 1.md,line=1,col=1,"));
    assert!(lines[4].contains("::[Sheet 1, row 5] the row has no id"));
    assert_eq!(lines[5], "✗ 3 files checked: 3 errors, 1 warning, 1 note");
    assert_eq!(github::property("a,b:c%d\r\n"), "a%2Cb%3Ac%25d%0D%0A");
    assert_eq!(github::data("a,b:c%d\r\n"), "a,b:c%25d%0D%0A");
}

#[test]
fn github_snapshot() {
    let o = check(&[D01]);
    let out = github::render(&o.findings, summary(&o), &opts());
    insta::assert_snapshot!("github_d01", out);
}

// ---- snapshots and masking ------------------------------------------------------------------

/// The tool's version replaced by `[VERSION]`, so the snapshot survives a release. (insta's
/// `Settings::add_filter` needs its `filters` feature, which this crate does not enable.)
fn version_filtered(out: &str) -> String {
    out.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[VERSION]\"",
    )
}

#[test]
fn sarif_snapshot() {
    let o = check(&[D01, FORMATS]);
    // Only the descriptors of rules that fired: the snapshot should not change with every
    // rule added to the pack.
    let fired: BTreeSet<&str> = o.findings.iter().map(|f| f.rule.as_str()).collect();
    let rules: Vec<RuleInfo> = rules()
        .into_iter()
        .filter(|r| fired.contains(r.id.as_str()))
        .collect();
    let out = sarif::render(&o.findings, &rules, summary(&o), o.as_of, &opts());
    insta::assert_snapshot!("sarif_d01_formats", version_filtered(&out));
}

#[test]
fn junit_snapshot() {
    let o = check(&[D01, FORMATS]);
    let out = junit::render(&o.findings, &files(&o), summary(&o), o.as_of, &opts());
    insta::assert_snapshot!("junit_d01_formats", out);
}

#[test]
fn no_output_shows_personal_data_unless_asked() {
    let o = check(&[D01, FORMATS]);
    let mut findings = o.findings.clone();
    findings.extend(crafted());
    let summary = Summary::of(&findings, o.files_checked);
    let files = files(&o);
    let render = |opts: &RenderOptions| {
        [
            sarif::render(&findings, &rules(), summary, as_of(), opts),
            junit::render(&findings, &files, summary, as_of(), opts),
            github::render(&findings, summary, opts),
        ]
    };
    let phone = phone_number();
    for out in render(&opts()) {
        assert!(
            !phone.is_match(&out),
            "an unmasked phone number: {:?}",
            phone.find(&out).map(|m| m.as_str())
        );
    }
    let shown = RenderOptions {
        show_values: true,
        ..opts()
    };
    for out in render(&shown) {
        assert!(phone.is_match(&out), "--show-values shows the values");
    }
}
