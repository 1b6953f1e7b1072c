//! The built-in pack on the document fixtures of the QA rounds (`tests/fixtures/documents/`)
//! and the Word fixtures (`tests/fixtures/docx/`): one snapshot of the human output per
//! fixture, plus the facts the snapshots rest on — a `compliant-*` fixture yields no finding
//! at all, a `violating-*` fixture yields at least one. What each rule must and must not
//! report is specified by the pack's own test cases (`policies/tests/`, run by `tests/pack.rs`).

use std::path::Path;

use bylaw::report::RenderOptions;
use bylaw::report::finding::{Finding, Summary};
use bylaw::report::human;
use bylaw::run::{self, Options};

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("valid date")
}

/// Check one file with the built-in pack, as `bylaw check FILE --as-of 2026-11-30` does.
fn check(path: &Path) -> (Vec<Finding>, usize) {
    let (findings, files, _) = check_with_kind(path);
    (findings, files)
}

fn check_with_kind(path: &Path) -> (Vec<Finding>, usize, Option<String>) {
    let rel = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_path_buf();
    let outcome = run::check(&Options {
        paths: vec![rel],
        as_of: Some(as_of()),
        ..Options::default()
    })
    .unwrap_or_else(|e| panic!("the built-in pack must load: {e:?}"));
    let kind = outcome.files.first().and_then(|f| f.kind.clone());
    (outcome.findings, outcome.files_checked, kind)
}

fn render(findings: &[Finding], files: usize) -> String {
    let opts = RenderOptions {
        show_values: false,
        color: false,
        width: 100,
    };
    human::render(findings, Summary::of(findings, files), &opts)
}

/// One fixture's output, after asserting the facts its snapshot rests on: a `compliant-*`
/// file has no finding, a `violating-*` file has at least one, and no file is unreadable.
fn checked_output(path: &Path) -> String {
    let (findings, files) = check(path);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    assert!(
        !findings.iter().any(|f| f.rule == "bylaw/unreadable"),
        "{name} must read: {}",
        render(&findings, files)
    );
    if name.starts_with("compliant") {
        assert!(
            findings.is_empty(),
            "{name} should be clean:\n{}",
            render(&findings, files)
        );
    } else if name.starts_with("violating") {
        assert!(!findings.is_empty(), "{name} should have findings");
    }
    render(&findings, files)
}

#[test]
fn human_output_per_fixture() {
    insta::glob!("fixtures/documents/**/*.{md,txt}", |path| {
        if path.file_name().is_some_and(|n| n != "README.md") {
            insta::assert_snapshot!(checked_output(path));
        }
    });
}

/// The same for Word documents (`tests/fixtures/docx/`, made by `make_docx.py`).
#[test]
fn human_output_per_docx_fixture() {
    insta::glob!("fixtures/docx/*.docx", |path| {
        insta::assert_snapshot!(checked_output(path));
    });
}
