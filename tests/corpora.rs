//! bylaw over real third-party files (`../shared/corpora/`): Markdown, text, Word, CSV and
//! spreadsheets from public test suites, in several encodings, corrupt ones included. Whatever they hold, the run finishes with exit 0 or 1,
//! every readable file is checked, and every unreadable one gets exactly one diagnostic.

use std::path::Path;

use assert_cmd::Command;

#[test]
fn real_files_never_crash_the_run() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if !corpora.is_dir() {
        panic!("../shared/corpora is missing: it sits beside every checkout");
    }
    let expected_files = walkdir::WalkDir::new(&corpora)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            matches!(
                e.path().extension().and_then(|x| x.to_str()),
                Some(
                    "md" | "txt"
                        | "docx"
                        | "csv"
                        | "tsv"
                        | "xlsx"
                        | "xlsm"
                        | "xls"
                        | "ods"
                        | "json"
                        | "jsonl"
                )
            )
        })
        .count();
    let started = std::time::Instant::now();
    let out = Command::cargo_bin("bylaw")
        .expect("binary")
        .args(["check", "--format", "json", "--as-of", "2026-11-30"])
        .arg(&corpora)
        .output()
        .expect("runs");
    // A guard against hangs (a zip bomb, a pathological file), not a speed benchmark: the
    // whole corpus takes well under a second in a release build.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "the corpus run hung"
    );
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        json["summary"]["files_checked"].as_u64(),
        Some(expected_files as u64)
    );
    let unreadable: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["rule"] == "bylaw/unreadable")
        .filter_map(|d| d["file"].as_str())
        .collect();
    let mut distinct = unreadable.clone();
    distinct.dedup();
    assert_eq!(unreadable, distinct, "one diagnostic per unreadable file");
    // Corrupt and encrypted workbooks and Word files are reported, one diagnostic each.
    for corrupt in [
        "xlsx-corrupted.xlsx",
        "encryptAES.xlsx",
        "poc-xmlbomb.xlsx",
        "bug53475-password-is-pass.docx",
        "truncated62886.docx",
    ] {
        assert!(
            unreadable.iter().any(|f| f.ends_with(corrupt)),
            "{corrupt}: {unreadable:?}"
        );
    }
    // Legacy encodings are detected and decoded (GBK, Big5, UTF-16, Windows-1252), not
    // reported as unreadable and not checked as mojibake.
    for encoded in ["gbk", "big5", "utf-16", "windows-1252", "gb18030"] {
        assert!(
            !unreadable.iter().any(|f| f.contains(encoded)),
            "{encoded}: {unreadable:?}"
        );
    }
}
