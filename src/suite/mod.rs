//! `bylaw test`: policy test cases that live beside the policies they test.
//!
//! A test case is a file (a document or a record file) in a folder named `tests` below the
//! path given (or the path itself, when it is such a folder). Its expectations are written in
//! it (`<!-- bylaw-expect RULE -->`; see [`expect`]) or in a sidecar `FILE.expect.toml`. A case
//! without expectations is a compliant case: it passes when no rule reports anything.
//!
//! The files of one folder are checked together, exactly as `bylaw check FOLDER` would check
//! them, so cross-source rules (a campaign register and its review documents) see their
//! siblings; the folder's `bylaw.toml` (or the nearest one above it) applies, which is how a
//! case pins its audit date (`as_of`) or sets parameters. Policies: the built-in pack, the
//! `.bylaw` files under the tested path (outside `tests` folders; a file with the same
//! relative name as a built-in one replaces it, so `bylaw test policies/` tests the working
//! copy of the pack), and `--policy` paths.

pub mod expect;
pub mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::check::suppress;
use crate::config;
use crate::input::{self, FileType, walk};
use crate::policy::PolicySet;
use crate::report::finding::Finding;
use crate::run::{self, Options, RunError};
use expect::{Expectation, ExpectationError, Verdict};

/// The folder name that holds test cases.
pub const TESTS_DIR: &str = "tests";

/// What to test.
#[derive(Debug, Default, Clone)]
pub struct SuiteOptions {
    /// Policy folders (or test folders) to test; default `policies/`.
    pub paths: Vec<PathBuf>,
    /// Extra policy paths (`--policy`).
    pub policies: Vec<PathBuf>,
    pub no_builtin: bool,
    /// One configuration for every case (else each folder's own).
    pub config: Option<PathBuf>,
}

impl SuiteOptions {
    /// The suite over `paths` with the policy choices of a check (`--policy`, `--no-builtin`,
    /// `--config`).
    pub fn new(paths: Vec<PathBuf>, policy: &Options) -> SuiteOptions {
        SuiteOptions {
            paths,
            policies: policy.policies.clone(),
            no_builtin: policy.no_builtin,
            config: policy.config.clone(),
        }
    }
}

/// How a case came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    /// Passes, with known-failing markers still open.
    KnownFailing,
    Fail,
}

/// One test case and its verdict.
#[derive(Debug)]
pub struct Case {
    /// The case file as reported.
    pub file: String,
    /// The kind it was recognised as.
    pub kind: Option<String>,
    pub status: Status,
    pub verdict: Verdict,
    /// The case's expectations could not be read.
    pub error: Option<String>,
}

impl Case {
    /// Whether the case shows the rule reporting (a violating case for it).
    fn shows(&self, rule: &str) -> bool {
        self.verdict.met.iter().any(|(r, _)| r == rule)
    }
}

/// The outcome of a suite run.
pub struct SuiteOutcome {
    pub cases: Vec<Case>,
    /// The policies of the last folder run (rule ids, kinds and clauses for coverage).
    pub policies: Option<Arc<PolicySet>>,
    /// The rules under test: those defined in the tested folders, or every rule when the
    /// folders hold test cases only.
    pub tested_rules: BTreeSet<String>,
}

impl SuiteOutcome {
    pub fn count(&self, status: Status) -> usize {
        self.cases.iter().filter(|c| c.status == status).count()
    }

    /// What clause coverage counts: for every passing case, the expected findings it shows
    /// (rule, the clauses they cite, case).
    pub fn exercised(&self) -> Vec<Exercised> {
        self.cases
            .iter()
            .filter(|c| c.status != Status::Fail)
            .flat_map(|c| {
                c.verdict.met.iter().map(|(rule, clauses)| Exercised {
                    rule: rule.clone(),
                    clauses: clauses.clone(),
                    case: c.file.clone(),
                })
            })
            .collect()
    }

    /// For each rule, the passing cases that show it reporting (violating) and the passing
    /// cases of a kind it applies to where it stays silent (compliant).
    pub fn rule_cases(&self) -> BTreeMap<String, (usize, usize)> {
        let mut out = BTreeMap::new();
        let Some(set) = &self.policies else {
            return out;
        };
        for rule in set
            .rules
            .iter()
            .filter(|r| self.tested_rules.contains(&r.id))
        {
            let applies = |kind: Option<&str>| {
                rule.applies.iter().any(|a| {
                    Some(a.as_str()) == kind
                        || (a == crate::policy::ANY_DOCUMENT
                            && kind.is_some_and(|k| {
                                set.kinds.iter().any(|d| d.name == k && !d.is_records())
                            }))
                })
            };
            let mut violating = 0;
            let mut compliant = 0;
            for c in self.cases.iter().filter(|c| c.status != Status::Fail) {
                if c.shows(&rule.id) {
                    violating += 1;
                } else if applies(c.kind.as_deref()) {
                    compliant += 1;
                }
            }
            out.insert(rule.id.clone(), (violating, compliant));
        }
        out
    }
}

/// A test case in which a rule reported a finding citing these clauses.
#[derive(Debug, Clone)]
pub struct Exercised {
    pub rule: String,
    pub clauses: Vec<String>,
    pub case: String,
}

/// Why a suite could not run.
#[derive(Debug)]
pub enum SuiteError {
    Run(RunError),
    /// No test case under the given paths.
    NoCases(String),
}

impl From<RunError> for SuiteError {
    fn from(e: RunError) -> Self {
        SuiteError::Run(e)
    }
}

/// A case file, before it is run.
struct CaseFile {
    path: PathBuf,
    display: String,
}

/// Run the test cases under the given paths.
pub fn run(options: &SuiteOptions) -> Result<SuiteOutcome, SuiteError> {
    let roots = if options.paths.is_empty() {
        vec![PathBuf::from("policies")]
    } else {
        options.paths.clone()
    };
    let mut cases = Vec::new();
    let mut policies = None;
    for root in &roots {
        if !root.exists() {
            return Err(SuiteError::NoCases(format!(
                "`{}` does not exist",
                walk::display_path(root)
            )));
        }
        let pack_dir = (root.is_dir() && has_policies(root)).then(|| root.clone());
        for (folder, files) in case_folders(root) {
            let config = match &options.config {
                Some(c) => Some(c.clone()),
                None => std::path::absolute(&folder)
                    .ok()
                    .and_then(|abs| config::discover(&abs)),
            };
            let run_options = Options {
                paths: files.iter().map(|f| f.path.clone()).collect(),
                policies: options.policies.clone(),
                no_builtin: options.no_builtin,
                config,
                pack_dir: pack_dir.clone(),
                ..Options::default()
            };
            let outcome = run::check(&run_options)?;
            let mut by_file: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
            for f in outcome.findings {
                by_file.entry(f.file.clone()).or_default().push(f);
            }
            let kinds: BTreeMap<&str, Option<String>> = outcome
                .files
                .iter()
                .map(|r| (r.file.as_str(), r.kind.clone()))
                .collect();
            let rule_ids: Vec<&str> = outcome
                .policies
                .rules
                .iter()
                .map(|r| r.id.as_str())
                .collect();
            for file in &files {
                let findings = by_file.remove(&file.display).unwrap_or_default();
                let kind = kinds.get(file.display.as_str()).cloned().flatten();
                cases.push(judge(file, kind, findings, &rule_ids));
            }
            // Findings about files that are not cases (a folder that could not be read).
            for (file, findings) in by_file {
                let verdict = expect::compare(findings, &[]);
                cases.push(Case {
                    file,
                    kind: None,
                    status: Status::Fail,
                    verdict,
                    error: None,
                });
            }
            policies = Some(outcome.policies);
        }
    }
    if cases.is_empty() {
        let shown: Vec<String> = roots.iter().map(|r| walk::display_path(r)).collect();
        return Err(SuiteError::NoCases(format!(
            "no test cases under {}: cases are files in a `{TESTS_DIR}` folder",
            shown.join(", ")
        )));
    }
    cases.sort_by(|a, b| a.file.cmp(&b.file));
    let tested_rules = tested_rules(policies.as_deref(), &roots);
    Ok(SuiteOutcome {
        cases,
        policies,
        tested_rules,
    })
}

/// The rules defined under the tested paths; every rule when none is.
fn tested_rules(set: Option<&PolicySet>, roots: &[PathBuf]) -> BTreeSet<String> {
    let Some(set) = set else {
        return BTreeSet::new();
    };
    let prefixes: Vec<String> = roots.iter().map(|r| walk::display_path(r)).collect();
    let own: BTreeSet<String> = set
        .rules
        .iter()
        .filter(|r| {
            let name = walk::display_path(Path::new(r.source.name()));
            prefixes.iter().any(|p| name.starts_with(p.as_str()))
        })
        .map(|r| r.id.clone())
        .collect();
    if own.is_empty() {
        set.rules.iter().map(|r| r.id.clone()).collect()
    } else {
        own
    }
}

/// Hold one case's findings against its expectations.
fn judge(file: &CaseFile, kind: Option<String>, findings: Vec<Finding>, rules: &[&str]) -> Case {
    let (expectations, error) = match expectations_of(file).and_then(|e| known_rules(e, rules)) {
        Ok(e) => (e, None),
        Err(ExpectationError(e)) => (Vec::new(), Some(e)),
    };
    let verdict = expect::compare(findings, &expectations);
    let status = if error.is_some() || !verdict.passed() {
        Status::Fail
    } else if verdict.known.is_empty() {
        Status::Pass
    } else {
        Status::KnownFailing
    };
    Case {
        file: file.display.clone(),
        kind,
        status,
        verdict,
        error,
    }
}

/// Refuse expectations of rules that do not exist (a typo would otherwise read as a rule that
/// stays silent).
fn known_rules(
    expectations: Vec<Expectation>,
    rules: &[&str],
) -> Result<Vec<Expectation>, ExpectationError> {
    for e in &expectations {
        if !e.rule.starts_with("bylaw/") && !rules.contains(&e.rule.as_str()) {
            let hint = crate::policy::errors::did_you_mean(&e.rule, rules.iter().copied())
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return Err(ExpectationError(format!(
                "`{}` is not a rule of the policies under test{hint}",
                e.rule
            )));
        }
    }
    Ok(expectations)
}

/// A case's expectations: its directives (Markdown, text, Word review comments) and its
/// sidecar. The case is read a second time for them, on purpose: `bylaw check` drops the
/// directives after applying suppressions, and a test run is small, so the check path stays as
/// it is rather than carrying every file's directives for this.
fn expectations_of(file: &CaseFile) -> Result<Vec<Expectation>, ExpectationError> {
    let mut out = Vec::new();
    let file_type = FileType::of(&file.path);
    if let Some(ft @ (FileType::Markdown | FileType::Text | FileType::Docx)) = file_type {
        // An unreadable case has no directives; its `bylaw/unreadable` finding is judged by
        // the sidecar.
        if let Ok(read) = input::read_document(&file.path, &file.display, ft) {
            let directives = match ft {
                FileType::Docx => suppress::from_docx_comments(&file.display, &read.comments),
                _ => suppress::scan_text(&read.doc.source, ft == FileType::Markdown),
            };
            out.extend(expect::from_directives(&directives)?);
        }
    }
    let sidecar = expect::sidecar_path(&file.path);
    if sidecar.is_file() {
        let shown = walk::display_path(&sidecar);
        let text = std::fs::read_to_string(&sidecar).map_err(|e| {
            ExpectationError(format!("{shown}: cannot read: {}", input::io_reason(&e)))
        })?;
        out.extend(expect::from_sidecar(&shown, &text)?);
    }
    Ok(out)
}

/// Whether a path holds test cases (files in a `tests` folder).
pub fn has_cases(path: &Path) -> bool {
    !case_folders(path).is_empty()
}

/// Whether a directory holds `.bylaw` files outside its `tests` folders.
fn has_policies(dir: &Path) -> bool {
    WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && e.depth() > 0 && is_tests_dir(e.path())))
        .flatten()
        .any(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "bylaw"))
}

fn is_tests_dir(p: &Path) -> bool {
    p.file_name().is_some_and(|n| n == TESTS_DIR)
}

/// The case files under a root, grouped by folder (sorted). Files in a `tests` folder (at any
/// depth below it) are cases, except sidecars, `.bylaw` files, READMEs, hidden files and
/// `bylaw.toml`.
fn case_folders(root: &Path) -> BTreeMap<PathBuf, Vec<CaseFile>> {
    let mut folders: BTreeMap<PathBuf, Vec<CaseFile>> = BTreeMap::new();
    let root_is_tests = is_tests_dir(root) || root.is_file();
    for entry in WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
        })
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let in_tests = root_is_tests
            || path
                .strip_prefix(root)
                .ok()
                .and_then(Path::parent)
                .is_some_and(|rel| rel.components().any(|c| c.as_os_str() == TESTS_DIR));
        if !in_tests || !is_case_file(path) {
            continue;
        }
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        folders.entry(folder).or_default().push(CaseFile {
            path: path.to_path_buf(),
            display: walk::display_path(path),
        });
    }
    folders
}

fn is_case_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let lower = name.to_lowercase();
    !(lower.ends_with(expect::SIDECAR_SUFFIX)
        || lower.ends_with(".bylaw")
        || lower == config::FILE_NAME
        || lower.starts_with("readme"))
}
