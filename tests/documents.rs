//! The built-in pack on the document fixtures (`tests/fixtures/documents/`): one snapshot of
//! the human output per fixture, plus the facts the snapshots rest on — a `compliant-*`
//! fixture yields no finding at all, a `violating-*` fixture yields at least one, and every
//! rule of the pack both fires on some fixture and stays silent on another of its kind.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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

/// `qa/` holds an independent review's files: their expected findings (and the verdicts on
/// the open questions) are in `qa/README.md`; they are snapshotted but named freely, so the
/// compliant/violating checks below do not apply to them.
fn in_qa(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "qa")
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")))
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .filter(|p| !in_qa(p))
        .collect();
    out.sort();
    out
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

#[test]
fn every_rule_fires_somewhere_and_is_silent_somewhere() {
    let pack = run::load_policies(&Options::default(), &Default::default()).expect("pack loads");
    let mut fired: BTreeSet<String> = BTreeSet::new();
    let mut silent: BTreeSet<String> = BTreeSet::new();
    for path in fixtures() {
        let (findings, _, kind) = check_with_kind(&path);
        let name = path.to_string_lossy().to_string();
        // A rule is silent on a compliant fixture it applies to.
        let applicable: Vec<&str> = pack
            .rules
            .iter()
            .filter(|r| {
                r.applies
                    .iter()
                    .any(|a| a == "document" || Some(a) == kind.as_ref())
            })
            .map(|r| r.id.as_str())
            .collect();
        for f in &findings {
            fired.insert(f.rule.clone());
        }
        if name.contains("compliant") {
            for id in &applicable {
                if !findings.iter().any(|f| f.rule == *id) {
                    silent.insert(id.to_string());
                }
            }
        }
    }
    let record_kinds: Vec<&str> = pack
        .kinds
        .iter()
        .filter(|k| k.is_records())
        .map(|k| k.name.as_str())
        .collect();
    let document_rules: Vec<&str> = pack
        .rules
        .iter()
        .filter(|r| !r.applies.iter().all(|a| record_kinds.contains(&a.as_str())))
        .map(|r| r.id.as_str())
        .collect();
    let never_fired: Vec<&str> = document_rules
        .iter()
        .copied()
        .filter(|id| !fired.contains(*id))
        .collect();
    assert!(
        never_fired.is_empty(),
        "rules no fixture triggers: {never_fired:?}"
    );
    let never_silent: Vec<&str> = document_rules
        .iter()
        .copied()
        .filter(|id| !silent.contains(*id))
        .collect();
    assert!(
        never_silent.is_empty(),
        "rules no compliant fixture satisfies: {never_silent:?}"
    );
}
