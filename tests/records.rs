//! The built-in pack on the record fixtures (`tests/fixtures/records/`, and the pack's own
//! record cases in `policies/tests/records/`): each folder is checked
//! as one run (a campaign register needs the review documents beside it), its human output is
//! snapshotted, and the facts the snapshots rest on are asserted — a `compliant-*` file has no
//! finding, a `violating-*` file has at least one, every record rule fires somewhere, and no
//! unmasked personal value from the fixtures reaches any output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bylaw::report::finding::{Finding, Summary};
use bylaw::report::{RenderOptions, human, json};
use bylaw::run::{self, Options};

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("valid date")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records")
}

/// The pack's own record cases (one folder per obligation) and the format and QA folders.
fn folders() -> Vec<PathBuf> {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/tests/records");
    let mut out: Vec<PathBuf> = [root(), cases]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("record fixture folder"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort_by_key(|p| p.file_name().map(|n| n.to_os_string()));
    out
}

fn check(folder: &Path) -> (Vec<Finding>, usize) {
    let rel = folder
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(folder)
        .to_path_buf();
    let outcome = run::check(&Options {
        paths: vec![rel],
        as_of: Some(as_of()),
        ..Options::default()
    })
    .unwrap_or_else(|e| panic!("the built-in pack must load: {e:?}"));
    (outcome.findings, outcome.files_checked)
}

fn opts(show_values: bool) -> RenderOptions {
    RenderOptions {
        show_values,
        color: false,
        width: 100,
    }
}

fn file_name(f: &Finding) -> &str {
    f.file.rsplit('/').next().unwrap_or(&f.file)
}

#[test]
fn human_output_per_folder() {
    for folder in folders() {
        let (findings, files) = check(&folder);
        let name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        for f in &findings {
            assert!(
                !file_name(f).starts_with("compliant"),
                "{name}: a compliant file has a finding: {} {}",
                f.rule,
                f.message
            );
        }
        for entry in std::fs::read_dir(&folder)
            .expect("folder")
            .filter_map(Result::ok)
        {
            let file = entry.file_name().to_string_lossy().to_string();
            if file.starts_with("violating") && !file.ends_with(".expect.toml") {
                assert!(
                    findings.iter().any(|f| file_name(f) == file),
                    "{name}/{file} should have findings"
                );
            }
        }
        let out = human::render(&findings, Summary::of(&findings, files), &opts(false));
        insta::with_settings!({snapshot_suffix => name.clone()}, {
            insta::assert_snapshot!(out);
        });
    }
}

#[test]
fn every_record_rule_fires_somewhere() {
    let pack = run::load_policies(&Options::default(), &Default::default()).expect("pack loads");
    let record_kinds: Vec<&str> = pack
        .kinds
        .iter()
        .filter(|k| k.is_records())
        .map(|k| k.name.as_str())
        .collect();
    let mut fired = BTreeSet::new();
    for folder in folders() {
        for f in check(&folder).0 {
            fired.insert(f.rule);
        }
    }
    let silent: Vec<&str> = pack
        .rules
        .iter()
        .filter(|r| r.applies.iter().any(|a| record_kinds.contains(&a.as_str())))
        .map(|r| r.id.as_str())
        .filter(|id| !fired.contains(*id))
        .collect();
    assert!(
        silent.is_empty(),
        "record rules no fixture triggers: {silent:?}"
    );
}

/// Personal data (phones, e-mails) from the fixtures never appears unmasked in any format,
/// and does with `--show-values`.
#[test]
fn no_personal_data_leaks() {
    let phone = regex::Regex::new(r"1[3-9]\d{9}").expect("regex");
    let email =
        regex::Regex::new(r"[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").expect("regex");
    for folder in folders() {
        let (findings, files) = check(&folder);
        let summary = Summary::of(&findings, files);
        for text in [
            human::render(&findings, summary, &opts(false)),
            json::render(&findings, summary, as_of(), &opts(false)),
        ] {
            for re in [&phone, &email] {
                if let Some(m) = re.find(&text) {
                    panic!(
                        "{}: unmasked `{}` in output:\n{text}",
                        folder.display(),
                        m.as_str()
                    );
                }
            }
        }
    }
}

/// A table larger than a batch runs its rules on threads of their own, fed batches in order:
/// the findings must be those of row-at-a-time evaluation — every planted problem at its row,
/// `first_seen` state carried across batches, nothing twice, nothing lost.
#[test]
fn a_large_table_is_checked_like_a_small_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rows = 3 * 4096 + 1234;
    let mut csv = String::from("客户编号,姓名,手机,客户等级,最近购买日期\n");
    let mut expected: BTreeSet<(String, usize)> = BTreeSet::new();
    for i in 1..=rows {
        let mut id = format!("C{i:06}");
        let mut phone = format!("139{i:08}");
        let mut segment = "VIP";
        if i % 5000 == 0 {
            // The id of row 7, far back in an earlier batch.
            id = "C000007".into();
            expected.insert(("customers/duplicate-id".into(), i));
        }
        if i % 3001 == 0 {
            phone.pop();
            expected.insert(("customers/malformed-contact".into(), i));
        }
        if i % 4096 == 0 {
            segment = "X";
            expected.insert(("customers/segment".into(), i));
        }
        csv.push_str(&format!("{id},客户{i},{phone},{segment},2026-10-01\n"));
    }
    let path = dir.path().join("客户资料.csv");
    std::fs::write(&path, csv).expect("write");
    let outcome = run::check(&Options {
        paths: vec![path],
        as_of: Some(as_of()),
        ..Options::default()
    })
    .expect("run");
    let found: Vec<(String, usize)> = outcome
        .findings
        .iter()
        .map(|f| {
            let row = f.record.as_ref().and_then(|r| r.row).unwrap_or(0);
            (f.rule.clone(), row)
        })
        .collect();
    let unique: BTreeSet<(String, usize)> = found.iter().cloned().collect();
    assert_eq!(
        found.len(),
        unique.len(),
        "a finding reported twice: {found:?}"
    );
    assert_eq!(unique, expected);
}
