//! `bylaw fmt`: the canonical layout of policy files. Every policy file in the repository
//! formats to a text that means the same (same syntax tree, spans aside), keeps its comments
//! and formats to itself again; the command line writes, checks and reads standard input.

use std::path::{Path, PathBuf};

use bylaw::policy::format::{self, FormatError};

mod common;
use common::{bylaw, write};

fn fmt(text: &str) -> String {
    format::format(text).unwrap_or_else(|e| panic!("{e}"))
}

/// Every `.bylaw` file of the repository but the intentionally broken fixtures and the
/// fuzzers' inputs.
fn repo_policies() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let broken = root.join("tests/fixtures/policies/broken");
    let fuzzed = root.join("tests/fixtures/fuzz");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(name.starts_with('.') && e.depth() > 0)
                && name != "target"
                && e.path() != broken
                && e.path() != fuzzed
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "bylaw"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "found only {files:?}");
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("readable")
}

#[test]
fn every_repo_policy_keeps_its_meaning_and_comments() {
    for path in repo_policies() {
        let text = read(&path);
        let formatted = fmt(&text);
        let before = format::ast_shape(&text).expect("the original parses");
        let after = format::ast_shape(&formatted)
            .unwrap_or_else(|| panic!("{} does not parse once formatted", path.display()));
        assert_eq!(before, after, "{} changes meaning", path.display());
        assert_eq!(
            format::comment_texts(&text),
            format::comment_texts(&formatted),
            "{} loses or reorders comments",
            path.display()
        );
    }
}

#[test]
fn every_repo_policy_is_stable() {
    for path in repo_policies() {
        let once = fmt(&read(&path));
        assert_eq!(fmt(&once), once, "{} is not idempotent", path.display());
    }
}

/// CI runs `bylaw fmt --check policies/`; this says the same earlier, with the file's name.
#[test]
fn the_builtin_pack_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    for path in repo_policies().iter().filter(|p| p.starts_with(&root)) {
        let text = read(path);
        assert_eq!(
            fmt(&text),
            text,
            "{} is not formatted: run `bylaw fmt policies/`",
            path.display()
        );
    }
}

/// The language reference shows its declarations in the canonical layout.
#[test]
fn the_reference_examples_are_formatted() {
    let reference =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/README.md"))
            .expect("policies/README.md");
    let mut checked = 0;
    for block in reference.split("```bylaw").skip(1) {
        let code = block
            .split("```")
            .next()
            .unwrap_or("")
            .trim_start_matches('\n')
            .trim_end();
        let indent = code
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let code: String = code
            .lines()
            .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
            .collect();
        let declaration = ["rule ", "let ", "kind ", "param ", "clause "]
            .iter()
            .any(|k| code.starts_with(k));
        if !declaration || code.starts_with("let found") {
            continue;
        }
        assert_eq!(fmt(&code), code, "a reference example is not formatted");
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} examples checked");
}

#[test]
fn the_shape_ignores_positions_only() {
    let a = format::ast_shape("let a = [1, 2]\n").expect("parses");
    assert_eq!(format::ast_shape("let   a =\n  [1,2,]\n"), Some(a.clone()));
    assert_ne!(format::ast_shape("let a = [2, 1]\n"), Some(a));
}

#[test]
fn messy_input_gets_the_canonical_layout() {
    let messy = "\u{feff}# Header.\n\n\n\
clause 1.1 \"one\"\n\
clause 1.10.2   \"two\"   not checkable \"why\"\n\
\n\
\n\
let  words=[ \"a\",\"b\" ,\"c\",]   \n\
let m = {\"k\":1,\n     \"long key\": [1,2]}\n\
let parts = {\n\"intro\": [\"引言\"], \"method\":[\"方法\"],\"results\": [\"结果\"]}\n\
param p=3   \"doc\"\n\
kind k1 { keywords [\"k\"] globs [\"*.md\"] }\n\
rule r/one{clauses 1.1\n\
severity error\n\
applies to k1\n\
message \"m {x}\"\n\
  let x = words+[\"d\"]   and\n      true\n\
  if x {report at x}else if not x{ report \"y\" at x cite 1.1} else {\n}\n\
for a ,b in m {  let q=-1 * (a  +  2)\n\
let r = [e for e in words\n           if e != \"a\"]\n\
\n\n\
report at document.title\n\
  }\n\
  let long = [\"一二三四五六七八九十\", \"一二三四五六七八九十\", \"一二三四五六七八九十\", \"一二三四五六七八九十\"]\n\
}\n\n\n";
    let expected = "# Header.

clause 1.1    \"one\"
clause 1.10.2 \"two\"
  not checkable \"why\"

let words = [\"a\", \"b\", \"c\"]
let m = {\"k\": 1, \"long key\": [1, 2]}
let parts = {\"intro\": [\"引言\"], \"method\": [\"方法\"], \"results\": [\"结果\"]}
param p = 3 \"doc\"

kind k1 {
  keywords [\"k\"]
  globs [\"*.md\"]
}

rule r/one {
  clauses 1.1
  severity error
  applies to k1
  message \"m {x}\"

  let x = words + [\"d\"] and true
  if x {
    report at x
  } else if not x {
    report \"y\" at x cite 1.1
  } else {}
  for a, b in m {
    let q = -1 * (a + 2)
    let r = [e for e in words if e != \"a\"]

    report at document.title
  }
  let long = [\"一二三四五六七八九十\", \"一二三四五六七八九十\", \"一二三四五六七八九十\",
              \"一二三四五六七八九十\"]
}
";
    assert_eq!(fmt(messy), expected);
    assert_eq!(fmt(expected), expected);
}

#[test]
fn long_statements_keep_the_authors_breaks_and_align_continuations() {
    let text = "rule r/x {\n  clauses 1.1\n\n  let present = [{\"part\": part, \"place\": document.part(names)}\n    for part, names in research_report_parts if document.part(names) != none]\n  let ok = first_condition_that_is_long(document.title) and second_condition_that_is_long(x) or\n    third_condition(y)\n}\n";
    let expected = "rule r/x {\n  clauses 1.1\n\n  let present = [{\"part\": part, \"place\": document.part(names)}\n                 for part, names in research_report_parts if document.part(names) != none]\n  let ok = first_condition_that_is_long(document.title) and second_condition_that_is_long(x)\n           or third_condition(y)\n}\n";
    assert_eq!(fmt(text), expected);
    assert_eq!(fmt(expected), expected);
}

#[test]
fn maps_written_one_entry_per_line_align_their_values() {
    let text = "let m = {\n  \"a\": [\"一\", \"二\"], \"longer\": 1,\n  \"mid\": {\"x\": 1},\n  \"pad\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n}\n";
    let expected = "let m = {\n  \"a\":      [\"一\", \"二\"],\n  \"longer\": 1,\n  \"mid\":    {\"x\": 1},\n  \"pad\":    \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\n}\n";
    assert_eq!(fmt(text), expected);
}

#[test]
fn comments_stay_where_they_were() {
    let text = "# file header\n\
\n\
# about a\n\
let a = 1  # trailing on a\n\
let b = [\"x\",   # after x\n\
  # before y\n\
  \"y\"]\n\
let c = {\"k\": 1, # after k\n\
\"l\": 2}\n\
rule r/x {   # after the brace\n\
  clauses 1.1  # why this clause\n\
  # before severity\n\
  severity error\n\
\n\
  # before the first statement\n\
  if a == 1 and # after and\n\
    b {\n\
    report at a # after report\n\
    # last in the block\n\
  }\n\
  let s = \"# not a comment\" + r\"#nor this\"  # but this\n\
  let t = /a#b/ # and this\n\
}\n\
# at the end\n";
    let expected = "# file header

# about a
let a = 1  # trailing on a
let b = [
  \"x\",  # after x
  # before y
  \"y\",
]
let c = {
  \"k\": 1,  # after k
  \"l\": 2,
}

rule r/x {  # after the brace
  clauses 1.1  # why this clause
  # before severity
  severity error

  # before the first statement
  if a == 1
     and  # after and
     b {
    report at a  # after report
    # last in the block
  }
  let s = \"# not a comment\" + r\"#nor this\"  # but this
  let t = /a#b/  # and this
}
# at the end
";
    let out = fmt(text);
    assert_eq!(out, expected);
    assert_eq!(format::comment_texts(&out), format::comment_texts(text));
    assert_eq!(fmt(&out), out);
}

#[test]
fn a_file_of_comments_only_keeps_them() {
    assert_eq!(fmt("# one\n\n\n# two   \n"), "# one\n\n# two\n");
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n"), "");
}

#[test]
fn syntax_errors_are_policy_errors() {
    let broken = read(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/policies/broken/05-unclosed-block.bylaw"),
    );
    match format::format(&broken) {
        Err(FormatError::Syntax(e)) => assert!(!e.errors.is_empty()),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

// ---- the command line -----------------------------------------------------------------

const MESSY: &str = "clause 91.1   \"one\"\nlet a=[1,2]\nrule r/x{\nclauses 91.1\nseverity error\napplies to document\nmessage \"m\"\nreport\n}\n";
const CLEAN: &str = "clause 91.1 \"one\"\nlet a = [1, 2]\n\nrule r/x {\n  clauses 91.1\n  severity error\n  applies to document\n  message \"m\"\n\n  report\n}\n";

#[test]
fn check_exits_1_with_a_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let messy = write(dir.path(), "rules/messy.bylaw", MESSY);
    let clean = write(dir.path(), "rules/clean.bylaw", CLEAN);
    let out = bylaw()
        .current_dir(dir.path())
        .args(["fmt", "--check", "rules"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).expect("utf-8");
    assert!(out.contains("would reformat rules/messy.bylaw"), "{out}");
    assert!(out.contains("\n-let a=[1,2]\n"), "{out}");
    assert!(out.contains("\n+let a = [1, 2]\n"), "{out}");
    assert!(!out.contains("clean.bylaw"), "{out}");
    assert!(
        out.ends_with("1 file would be reformatted: run `bylaw fmt`\n"),
        "{out}"
    );
    assert_eq!(read(&messy), MESSY);
    assert_eq!(read(&clean), CLEAN);
}

#[test]
fn check_exits_0_when_formatted() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "policies/clean.bylaw", CLEAN);
    // Without a path: `policies/`.
    bylaw()
        .current_dir(dir.path())
        .args(["fmt", "--check"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn fmt_rewrites_files_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let messy = write(dir.path(), "my.bylaw", MESSY);
    let clean = write(dir.path(), "sub/clean.bylaw", CLEAN);
    bylaw()
        .current_dir(dir.path())
        .args(["fmt", "my.bylaw", "sub"])
        .assert()
        .code(0)
        .stdout("reformatted my.bylaw\n");
    assert_eq!(read(&messy), CLEAN);
    assert_eq!(read(&clean), CLEAN);
    // The formatted file still loads as a policy.
    bylaw()
        .current_dir(dir.path())
        .args(["rules", "--no-builtin", "--policy", "my.bylaw"])
        .assert()
        .code(0);
}

#[test]
fn a_broken_policy_exits_2_with_the_check_diagnostic_and_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken_text = "rule r/x {\n  clauses 1.1\n  if a = 1 {\n  }\n}\n";
    let broken = write(dir.path(), "rules/broken.bylaw", broken_text);
    let messy = write(dir.path(), "rules/messy.bylaw", MESSY);
    let fmt_err = bylaw()
        .current_dir(dir.path())
        .args(["fmt", "rules"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let check_err = bylaw()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-builtin",
            "--policy",
            "rules/broken.bylaw",
            ".",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let fmt_err = String::from_utf8(fmt_err).expect("utf-8");
    assert!(fmt_err.contains("rules/broken.bylaw:3:"), "{fmt_err}");
    assert!(fmt_err.contains("use `==`"), "{fmt_err}");
    assert_eq!(fmt_err, String::from_utf8(check_err).expect("utf-8"));
    assert_eq!(read(&broken), broken_text);
    // The other file is still formatted.
    assert_eq!(read(&messy), CLEAN);
    // --check too reports the broken file with exit 2.
    bylaw()
        .current_dir(dir.path())
        .args(["fmt", "--check", "rules"])
        .assert()
        .code(2);
}

#[test]
fn stdin_to_stdout() {
    bylaw()
        .args(["fmt", "--stdin"])
        .write_stdin(MESSY)
        .assert()
        .code(0)
        .stdout(CLEAN);
    let err = bylaw()
        .args(["fmt", "--stdin"])
        .write_stdin("let a = \n")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).expect("utf-8");
    assert!(err.contains("<stdin>:"), "{err}");
}
