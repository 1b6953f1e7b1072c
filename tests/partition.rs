//! `bylaw check --partition K/N` and `bylaw merge`: the shards of a realistic tree merge into
//! exactly the report of one run over the whole tree, every file is in exactly one shard, the
//! shard of a path is pinned, and bad partitions and bad merges are refused.
//!
//! The tree: the samples (Word files, and a campaign register whose rule looks campaign reviews
//! up among the documents), the built-in pack's test cases, the record fixtures (an unreadable
//! workbook, a malformed record), an unreadable Word file, a PDF, and a `bylaw.toml` with four waivers: one used, one that matches files but
//! suppresses nothing, one that matches files of several shards but is used in only some of
//! them, and one expired.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

mod common;
use common::{bylaw, validate_sarif, write};

const AS_OF: &str = "2026-11-30";

const WAIVERS: &str = r#"[[waivers]]
path = "samples/records/2026年11月客户信息.csv"
rule = "customers/duplicate-id"
row = 22
reason = "two accounts of one customer, to be merged"
approved_by = "Wang"

[[waivers]]
path = "samples/ads/*.md"
rule = "ad-copy/personal-data"
line = 999
reason = "a line no ad has"
approved_by = "Wang"

[[waivers]]
path = "samples/ads/**"
rule = "ad-copy/absolute-term"
reason = "quoted from the regulator's notice"
approved_by = "Wang"

[[waivers]]
path = "samples/plans/**"
rule = "campaign-plan/missing-part"
reason = "legacy template"
approved_by = "Wang"
expires = "2026-01-01"
"#;

/// The campaign register: its `campaigns/review` rule looks reviews up among the documents.
const REGISTER: &str = "samples/records/2026年活动台账.csv";

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk the fixtures");
        let rel = entry.path().strip_prefix(from).expect("below the root");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The tree, built once per test run.
fn tree() -> &'static Path {
    static TREE: OnceLock<PathBuf> = OnceLock::new();
    TREE.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("partition-tree");
        let _ = std::fs::remove_dir_all(&root);
        for (from, to) in [
            ("samples", "samples"),
            ("policies/tests/documents", "cases/documents"),
            ("policies/tests/records", "cases/records"),
            ("tests/fixtures/records", "fixtures/records"),
        ] {
            copy_dir(&repo(from), &root.join(to));
        }
        write(&root, "fixtures/broken-plan.docx", "PK\u{3}\u{4} not a zip");
        write(&root, "fixtures/brochure.pdf", "%PDF-1.4\n");
        write(&root, "bylaw.toml", WAIVERS);
        root
    })
}

/// Run `bylaw ARGS` in `dir`; stdout, stderr and the exit code.
fn run(dir: &Path, args: &[&str]) -> (Vec<u8>, String, i32) {
    let out = bylaw()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("bylaw runs");
    let code = out.status.code().unwrap_or(-1);
    (
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        code,
    )
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

/// `bylaw check . --format FORMAT` over the tree, with `extra` arguments: the report's text.
fn check(format: &str, extra: &[&str]) -> Vec<u8> {
    let mut args = vec!["check", ".", "--format", format, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let (out, err, code) = run(tree(), &args);
    assert!(
        code == 0 || code == 1,
        "check {extra:?} exited {code}: {err}"
    );
    out
}

fn full(format: &'static str) -> &'static Value {
    static JSON: OnceLock<Value> = OnceLock::new();
    static SARIF: OnceLock<Value> = OnceLock::new();
    let cell = if format == "json" { &JSON } else { &SARIF };
    cell.get_or_init(|| json(&check(format, &[])))
}

/// Every shard's report of an `n`-way partition over the tree: their paths (made once per
/// test run, outside the tree).
fn shards(format: &str, n: usize) -> Vec<PathBuf> {
    static MADE: Mutex<BTreeMap<(String, usize), Vec<PathBuf>>> = Mutex::new(BTreeMap::new());
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("partition-reports-{n}"));
    made.entry((format.to_string(), n))
        .or_insert_with(|| {
            std::fs::create_dir_all(&dir).expect("mkdir");
            (1..=n)
                .map(|k| {
                    let path = dir.join(format!("bylaw-{k}.{format}"));
                    let out = check(format, &["--partition", &format!("{k}/{n}")]);
                    std::fs::write(&path, out).expect("write the shard's report");
                    path
                })
                .collect()
        })
        .clone()
}

fn read_json(path: &Path) -> Value {
    json(&std::fs::read(path).expect("read a report"))
}

/// `bylaw merge FILES EXTRA`: stdout, stderr, exit code.
fn merge(files: &[PathBuf], extra: &[&str]) -> (Vec<u8>, String, i32) {
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(tree(), &args)
}

fn diagnostics(report: &Value) -> &[Value] {
    report["diagnostics"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn rules_in<'a>(report: &'a Value, file: &str) -> Vec<&'a str> {
    diagnostics(report)
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .filter_map(|d| d["rule"].as_str())
        .collect()
}

#[test]
fn the_tree_exercises_what_sharding_must_get_right() {
    let report = full("json");
    let rules: Vec<&str> = diagnostics(report)
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    for rule in [
        "campaigns/review",
        "bylaw/unreadable",
        "bylaw/unsupported",
        "bylaw/suppression-expired",
        "bylaw/suppression-unused",
    ] {
        assert!(rules.contains(&rule), "the full run reports {rule}");
    }
    assert_eq!(rules_in(report, "bylaw.toml").len(), 2, "{report}");
    assert!(report["summary"]["suppressed"].as_u64() > Some(1));
    // Without the reviews, the register has more findings: the cross-source rule matters.
    let (out, err, _) = run(
        tree(),
        &["check", REGISTER, "--format", "json", "--as-of", AS_OF],
    );
    let alone = json(&out);
    assert_eq!(alone["summary"]["files_checked"], 1, "{err}");
    let reviews = |r: &Value| {
        rules_in(r, REGISTER)
            .iter()
            .filter(|&&r| r == "campaigns/review")
            .count()
    };
    assert!(reviews(&alone) > reviews(report), "{alone}");
}

#[test]
fn json_shards_merge_into_the_full_run() {
    for n in [2, 3, 5] {
        let files = shards("json", n);
        let (out, err, code) = merge(&files, &[]);
        let merged = json(&out);
        assert_eq!(code, 1, "the tree has errors: {err}");
        assert_eq!(
            merged["summary"],
            full("json")["summary"],
            "{n} shards: summary"
        );
        assert_eq!(
            diagnostics(&merged),
            diagnostics(full("json")),
            "{n} shards: findings"
        );
        assert_eq!(&merged, full("json"), "{n} shards: the whole report");
    }
}

#[test]
fn sarif_shards_merge_into_the_full_run() {
    for n in [2, 3, 5] {
        let files = shards("sarif", n);
        for f in &files {
            validate_sarif(&std::fs::read_to_string(f).expect("read"));
        }
        let (out, err, code) = merge(&files, &[]);
        assert_eq!(code, 1, "the tree has errors: {err}");
        let text = String::from_utf8_lossy(&out);
        validate_sarif(&text);
        let merged = json(&out);
        assert_eq!(
            sarif_results(&merged),
            sarif_results(full("sarif")),
            "{n} shards"
        );
        let run = &merged["runs"][0];
        let whole = &full("sarif")["runs"][0];
        assert_eq!(run["properties"], whole["properties"], "{n} shards");
        assert_eq!(run["invocations"], whole["invocations"]);
        // The same descriptors: the rules of the policies first, in order; then those of
        // findings, in the order the shards met them.
        let (mut merged_ids, mut whole_ids) = (rule_ids(&merged), rule_ids(full("sarif")));
        assert_eq!(merged_ids[..50], whole_ids[..50]);
        merged_ids.sort();
        whole_ids.sort();
        assert_eq!(merged_ids, whole_ids, "{n} shards");
    }
}

/// A SARIF log's results, each with its `ruleIndex` checked against its `ruleId` and then left
/// out (descriptors may come in another order), sorted.
fn sarif_results(log: &Value) -> Vec<String> {
    let ids = rule_ids(log);
    let mut out: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(r["ruleId"].as_str(), ids.get(index).map(String::as_str));
            let mut r = r.clone();
            if let Some(fields) = r.as_object_mut() {
                fields.remove("ruleIndex");
            }
            r.to_string()
        })
        .collect();
    out.sort();
    out
}

fn rule_ids(log: &Value) -> Vec<String> {
    log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn every_file_is_in_exactly_one_shard() {
    // The full run's checked files, as `--verbose` lists them.
    let (_, err, _) = run(tree(), &["check", ".", "--as-of", AS_OF, "--verbose"]);
    let all: BTreeSet<String> = err
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(f, _)| f.to_string()))
        .collect();
    assert!(all.len() > 150, "{} files", all.len());
    let full = full("json");
    for n in [2, 3, 5] {
        let mut owner: BTreeMap<String, usize> = BTreeMap::new();
        let mut with_findings: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        let mut checked = 0;
        for (k, path) in (1..=n).zip(shards("json", n)) {
            let shard = read_json(&path);
            assert_eq!(shard["partition"]["index"], k);
            assert_eq!(shard["partition"]["count"], n);
            let files = shard["partition"]["files"].as_array().expect("files");
            assert_eq!(
                Some(files.len() as u64),
                shard["summary"]["files_checked"].as_u64()
            );
            checked += files.len();
            for f in files {
                let f = f.as_str().expect("a path").to_string();
                if let Some(other) = owner.insert(f.clone(), k) {
                    panic!("{f} is in shards {other} and {k} of {n}");
                }
            }
            for d in diagnostics(&shard) {
                let file = d["file"].as_str().expect("file").to_string();
                with_findings.entry(file).or_default().insert(k);
            }
        }
        let union: BTreeSet<String> = owner.keys().cloned().collect();
        assert_eq!(union, all, "{n} shards cover the tree");
        assert_eq!(
            Some(checked as u64),
            full["summary"]["files_checked"].as_u64()
        );
        // Problem paths (a PDF) and unreadable files are reported by one shard too.
        let reported: BTreeSet<String> = diagnostics(full)
            .iter()
            .filter_map(|d| d["file"].as_str().map(str::to_string))
            .collect();
        assert_eq!(
            with_findings.keys().cloned().collect::<BTreeSet<_>>(),
            reported
        );
        for (file, shards) in &with_findings {
            assert_eq!(
                shards.len(),
                1,
                "{file} is reported by shards {shards:?} of {n}"
            );
        }
    }
}

#[test]
fn shards_report_waivers_for_the_merge() {
    let unused = |r: &Value| {
        diagnostics(r)
            .iter()
            .filter(|d| d["rule"] == "bylaw/suppression-unused")
            .count()
    };
    let expired = |r: &Value| {
        diagnostics(r)
            .iter()
            .filter(|d| d["rule"] == "bylaw/suppression-expired")
            .count()
    };
    let mut split = false;
    for (k, path) in (1..=3).zip(shards("json", 3)) {
        let shard = read_json(&path);
        assert_eq!(
            unused(&shard),
            0,
            "a shard cannot tell that a waiver is unused"
        );
        assert_eq!(expired(&shard), usize::from(k == 1), "shard {k}");
        let waivers = shard["partition"]["waivers"].as_array().expect("waivers");
        // The absolute-term waiver (index 2) matched ads of this shard but suppressed nothing.
        split |= waivers
            .iter()
            .any(|w| w["waiver"] == 2 && w["used"] == false && w["unused"].is_object());
    }
    assert!(split, "a waiver used in one shard is unused in another");
    assert_eq!((unused(full("json")), expired(full("json"))), (1, 1));
}

#[test]
fn other_formats_merge_like_a_full_run() {
    let files = shards("json", 3);
    for format in ["junit", "github"] {
        let (out, err, code) = merge(&files, &["--format", format]);
        assert_eq!(code, 1, "{err}");
        let whole = check(format, &[]);
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&whole),
            "{format}"
        );
    }
    let (out, _, code) = merge(&files, &["--format", "human", "--color", "never"]);
    assert_eq!(code, 1);
    let text = String::from_utf8_lossy(&out);
    let summary = text.lines().last().unwrap_or_default();
    let whole = String::from_utf8_lossy(&check("human", &["--color", "never"])).into_owned();
    assert_eq!(Some(summary), whole.lines().last());
    // Without snippets, a finding names its file and place.
    assert!(text.contains("fixtures/broken-plan.docx: "), "{text}");
    assert!(
        text.contains("samples/plans/圣诞快闪店活动方案.md:36:10: [4.3.4, 3.4.2]"),
        "{text}"
    );
}

#[test]
fn shard_of_a_path_is_pinned() {
    use bylaw::partition::{Partition, shard_of};
    // FNV-1a 64 of the path, modulo N: these must never change.
    assert_eq!(shard_of("reports/调研报告.md", 3), 1);
    assert_eq!(shard_of("ads/poster.md", 3), 2);
    assert_eq!(shard_of("a b/c#1.md", 4), 4);
    assert_eq!(shard_of("records/客户信息.csv", 4), 1);
    assert_eq!(
        shard_of("ads\\poster.md", 3),
        2,
        "backslashes count as slashes"
    );
    assert!(Partition::new(3, 3).is_ok_and(|p| p.contains("notes.txt")));

    let dir = tempfile::tempdir().expect("tempdir");
    for name in [
        "ads/海报.md",
        "ads/poster.md",
        "plans/活动方案.md",
        "reports/调研报告.md",
        "records/客户信息.csv",
        "notes.txt",
        "a b/c#1.md",
    ] {
        write(dir.path(), name, "# 标题\n\n正文。\n");
    }
    let expected = [
        vec!["reports/调研报告.md"],
        vec!["ads/poster.md", "plans/活动方案.md"],
        vec![
            "a b/c#1.md",
            "ads/海报.md",
            "notes.txt",
            "records/客户信息.csv",
        ],
    ];
    for (k, want) in (1..=3).zip(expected) {
        let (out, err, _) = run(
            dir.path(),
            &[
                "check",
                ".",
                "--format",
                "json",
                "--partition",
                &format!("{k}/3"),
            ],
        );
        let report = json(&out);
        let files: Vec<&str> = report["partition"]["files"]
            .as_array()
            .unwrap_or_else(|| panic!("no files: {err}"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(files, want, "shard {k}/3");
    }
}

#[test]
fn bad_partitions_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (bad, says) in [
        ("0/3", "shards are numbered 1 to 3"),
        ("4/3", "shards are numbered 1 to 3"),
        ("x", "write K/N"),
        ("3", "write K/N"),
        ("1/0", "at least 1"),
        ("-1/3", "write K/N"),
    ] {
        let arg = format!("--partition={bad}");
        let (_, err, code) = run(dir.path(), &["check", ".", &arg]);
        assert_eq!(code, 2, "--partition {bad}: {err}");
        assert!(err.contains(says), "--partition {bad}: {err}");
    }
    let (_, err, code) = run(dir.path(), &["check", ".", "--partition", "1/1"]);
    assert_eq!(code, 0, "one shard of one is the whole run: {err}");
}

#[test]
fn merge_refuses_what_does_not_belong_together() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name);
    let files = shards("json", 3);
    let save = |name: &str, bytes: &[u8]| {
        std::fs::write(p(name), bytes).expect("write");
        p(name)
    };
    let (out, err, _) = run(
        tree(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--partition",
            "2/3",
            "--as-of",
            "2026-12-01",
        ],
    );
    assert!(!out.is_empty(), "{err}");
    let later = save("later.json", &out);
    let whole = save("whole.json", &check("json", &[]));
    let other_n = save("other.json", &check("json", &["--partition", "2/4"]));
    let sarif = save("one.sarif", &check("sarif", &["--partition", "2/3"]));
    let garbage = save("garbage.json", b"{\"not\": \"a report\"}");
    let broken = save("broken.json", b"{\"diagnostics\": [");
    let foreign = save(
        "foreign.sarif",
        br#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"eslint","rules":[]}},"results":[]}]}"#,
    );
    let cases: Vec<(Vec<PathBuf>, &str)> = vec![
        (vec![files[0].clone(), later, files[2].clone()], "as of"),
        (
            vec![files[0].clone(), files[2].clone()],
            "shard 2/3 missing",
        ),
        (
            vec![files[0].clone(), files[1].clone(), files[1].clone()],
            "given twice",
        ),
        (vec![files[0].clone(), whole], "whole run"),
        (vec![files[0].clone(), other_n], "one partition"),
        (
            vec![files[0].clone(), sarif, files[2].clone()],
            "one format",
        ),
        (vec![garbage], "neither"),
        (vec![broken], "not a report"),
        (vec![foreign], "not bylaw"),
        (vec![p("absent.json")], "cannot read"),
    ];
    for (inputs, says) in cases {
        let (out, err, code) = merge(&inputs, &[]);
        assert_eq!(code, 2, "{inputs:?}: {err}");
        assert!(err.contains(says), "{inputs:?}: expected `{says}` in {err}");
        assert!(out.is_empty(), "nothing is written");
    }
    // --allow-partial merges what there is, and says what it could not tell.
    let (out, err, code) = merge(&files[..2], &["--allow-partial"]);
    assert_eq!(code, 1, "{err}");
    let merged = json(&out);
    let sum = |f: &PathBuf| {
        read_json(f)["summary"]["files_checked"]
            .as_u64()
            .unwrap_or(0)
    };
    assert_eq!(
        merged["summary"]["files_checked"].as_u64(),
        Some(sum(&files[0]) + sum(&files[1]))
    );
    assert!(err.contains("unused waivers are not reported"), "{err}");
}

#[test]
fn merge_exit_code_follows_fail_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two files, one with a warning only (an unread PDF met in a folder).
    write(dir.path(), "docs/readme.txt", "notes\n");
    write(dir.path(), "docs/brochure.pdf", "%PDF-1.4\n");
    // Reports are written outside the tree, or the next shard would check them.
    let reports = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for k in 1..=2 {
        let (out, err, code) = run(
            dir.path(),
            &[
                "check",
                ".",
                "--format",
                "json",
                "--partition",
                &format!("{k}/2"),
            ],
        );
        assert!(code == 0, "{err}");
        let path = reports.path().join(format!("s{k}.json"));
        std::fs::write(&path, out).expect("write");
        files.push(path);
    }
    let args = |extra: &[&str]| {
        let mut a: Vec<String> = vec!["merge".into()];
        a.extend(files.iter().map(|f| f.display().to_string()));
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let code = |extra: &[&str]| {
        bylaw()
            .current_dir(dir.path())
            .args(args(extra))
            .output()
            .expect("runs")
            .status
            .code()
    };
    assert_eq!(code(&[]), Some(0));
    assert_eq!(code(&["--fail-on", "warning"]), Some(1));
    let out = reports.path().join("merged.sarif");
    let out_arg = out.display().to_string();
    assert_eq!(code(&["--format", "sarif", "-o", &out_arg]), Some(0));
    let text = std::fs::read_to_string(&out).expect("written");
    validate_sarif(&text);
    assert_eq!(
        json(text.as_bytes())["runs"][0]["results"][0]["level"],
        "warning"
    );
}

#[test]
fn partitions_combine_with_changed_since() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(root)
            .output()
            .expect("git runs")
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    copy_dir(&repo("samples/reviews"), &root.join("reviews"));
    copy_dir(&repo("samples/ads"), &root.join("ads"));
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "start"]);
    // Changed since: the register (which looks the committed reviews up) and new ads.
    std::fs::copy(repo(REGISTER), root.join("2026年活动台账.csv")).expect("copy");
    copy_dir(&repo("samples/ads"), &root.join("new-ads"));
    let report = |extra: &[&str]| {
        let mut args = vec![
            "check",
            ".",
            "--changed-since",
            "HEAD",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ];
        args.extend_from_slice(extra);
        let (out, err, code) = run(root, &args);
        assert!(code == 0 || code == 1, "{err}");
        out
    };
    let changed = json(&report(&[]));
    let changed_files = changed["summary"]["files_checked"].as_u64();
    assert!(changed_files > Some(2), "{changed}");
    assert!(
        rules_in(&changed, "2026年活动台账.csv").contains(&"campaigns/overspend"),
        "{changed}"
    );
    let reports = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for k in 1..=3 {
        let shard = json(&report(&["--partition", &format!("{k}/3")]));
        for d in diagnostics(&shard) {
            let file = d["file"].as_str().unwrap_or_default();
            assert!(
                !file.starts_with("reviews/") && !file.starts_with("ads/"),
                "an unchanged file is reported: {file}"
            );
        }
        let path = reports.path().join(format!("shard-{k}.json"));
        std::fs::write(&path, shard.to_string()).expect("write");
        files.push(path.display().to_string());
    }
    let mut args = vec!["merge".to_string()];
    args.extend(files);
    let (out, err, code) = run(root, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 1, "{err}");
    assert_eq!(json(&out), changed);
}
