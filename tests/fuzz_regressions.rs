//! Inputs the fuzzers (`fuzz/`) found to crash, hang or exhaust memory, minimised and kept in
//! `tests/fixtures/fuzz/<target>/`: each is fed to the entry point its target calls and must
//! now give a result or a clean error, within a time bound.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, mpsc};
use std::time::Duration;

use bylaw::check::engine::{Checker, RuleSettings};
use bylaw::check::records::{TableChecker, pick_header};
use bylaw::input::records::{Event, read_records_bytes};
use bylaw::policy::{self, Base, PolicySource, format};

/// How long one input may take (a debug build, on a busy machine).
const BOUND: Duration = Duration::from_secs(60);

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("fixture entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

/// Run `f` on every input of `target` in its own thread: each must return within [`BOUND`]
/// without panicking.
fn each_input(target: &str, f: fn(Vec<u8>)) {
    for path in inputs(target) {
        let bytes = std::fs::read(&path).expect("read fixture");
        let (done, wait) = mpsc::channel();
        let name = path.display().to_string();
        let worker = std::thread::spawn(move || {
            f(bytes);
            let _ = done.send(());
        });
        match wait.recv_timeout(BOUND) {
            Ok(()) => worker.join().expect("joined"),
            Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
                Ok(()) => {}
                Err(_) => panic!("{name}: panicked"),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("{name}: still running after {BOUND:?}"),
        }
    }
}

/// Load a policy source as `bylaw check --policy FILE` does, and format it as `bylaw fmt` does
/// (the result must format to itself).
fn load_and_format(bytes: Vec<u8>) {
    let Ok(text) = String::from_utf8(bytes) else {
        return;
    };
    let source = PolicySource {
        name: "fuzz.bylaw".into(),
        text: text.clone(),
        base: Base::Builtin("documents".into()),
    };
    let _ = policy::load(&[source], &BTreeMap::new());
    if let Ok(formatted) = format::format(&text) {
        let again = format::format(&formatted).expect("the formatted text formats");
        assert_eq!(again, formatted);
    }
}

/// Lists opened many times over (`"theme"[[[[…`): the grammar tried a comprehension, then a
/// list, parsing the element twice at each level, so a line of 40 brackets never finished.
#[test]
fn policy_parser() {
    each_input("policy_parser", load_and_format);
}

/// The built-in pack, ready to check.
static CHECKER: LazyLock<Checker> = LazyLock::new(|| {
    let policies = policy::load(&policy::builtin_sources(), &BTreeMap::new()).expect("pack");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
    Checker::new(Arc::new(policies), RuleSettings::default(), as_of)
});

/// Read records (the first byte chooses the format, as in `fuzz_targets/records_reader.rs`)
/// and stream them through the pack's record rules.
fn check_records(bytes: Vec<u8>) {
    const EXTENSIONS: &[&str] = &["csv", "tsv", "json", "jsonl", "xlsx", "xls", "ods", "xlsb"];
    let Some((&selector, file)) = bytes.split_first() else {
        return;
    };
    let ext = EXTENSIONS[usize::from(selector) % EXTENSIONS.len()];
    let checker = &*CHECKER;
    let kinds = checker.policies.record_kinds();
    let pick = |rows: &[Vec<String>]| pick_header(&kinds, None, rows, ext.starts_with('x'));
    let mut tables = TableChecker::new(checker, None);
    let _ = read_records_bytes(
        file.to_vec(),
        ext,
        "fuzz",
        &pick,
        &mut |event| match event {
            Event::Table { table, kind } => {
                if let Some(def) = kinds.iter().find(|d| d.name == kind) {
                    tables.start(table, def);
                }
            }
            Event::Row(row) => tables.row(row),
            Event::Problem(_) | Event::Unrecognised { .. } => {}
        },
    );
    tables.finish();
}

/// OLE compound files (.xls, or an encrypted .xlsx) whose allocation table loops: calamine
/// followed the loop until memory ran out; they are now refused as damaged. Also a compound
/// file on which calamine panics (cfb.rs, a sector past the end), which the reader's guard turns
/// into an error.
#[test]
fn records_reader() {
    each_input("records_reader", check_records);
}

#[test]
fn looping_compound_file_is_a_damaged_workbook() {
    for name in ["xls-directory-chain-loops", "xls-oom-883892bd"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz/records_reader")
            .join(name);
        let bytes = std::fs::read(path).expect("fixture");
        let (handle, rx) = {
            let (tx, rx) = mpsc::channel();
            let handle = std::thread::spawn(move || {
                let result = read_records_bytes(
                    bytes[1..].to_vec(),
                    "xls",
                    "fuzz.xls",
                    &|_| None,
                    &mut |_| {},
                );
                let _ = tx.send(result.map_err(|e| e.message));
            });
            (handle, rx)
        };
        let result = rx.recv_timeout(BOUND).expect("read within the bound");
        handle.join().expect("no panic");
        let message = result.expect_err("a damaged workbook");
        assert!(message.contains("damaged"), "{name}: {message}");
    }
}
