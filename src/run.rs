//! One `bylaw check` run: configuration → policies → walk → read → recognise → check.
//!
//! Files are read and checked in parallel; each file is read once, and a file that cannot be
//! read becomes an error finding while every other file is still checked.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::check::engine::{Checker, RuleSettings};
use crate::check::records::{TableChecker, pick_header};
use crate::check::suppress;
use crate::check::value::Value;
use crate::config::{self, Config, ConfigError};
use crate::input::FileType;
use crate::input::kind::KindRecognizer;
use crate::input::records::{Event, read_records};
use crate::input::walk::{self, Filters};
use crate::input::{self};
use crate::model::Document;
use crate::partition::{Partition, ShardWaiver};
use crate::policy::ast::Severity;
use crate::policy::errors::PolicyErrors;
use crate::policy::{self, PolicySet, PolicySource};
use crate::report::finding::{self, Finding, MALFORMED_RECORD, UNREADABLE, UNSUPPORTED};

/// What to check and how.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// Extra policy files or directories.
    pub policies: Vec<PathBuf>,
    /// Run only `policies`, not the built-in pack.
    pub no_builtin: bool,
    /// An explicit configuration file (otherwise discovered).
    pub config: Option<PathBuf>,
    /// The audit date (default: the configuration's, else today).
    pub as_of: Option<NaiveDate>,
    /// Check only files changed since this git revision (`--changed-since`).
    pub changed_since: Option<String>,
    /// Check only the files of this shard (`--partition K/N`).
    pub partition: Option<Partition>,
    /// A directory laid out like the built-in pack (`bylaw test policies/`): its `.bylaw` files
    /// replace the built-in files of the same relative name, and the others are added.
    pub pack_dir: Option<PathBuf>,
}

/// The outcome of a run.
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Findings that inline suppressions or waivers accepted, with their reasons: counted in
    /// the summary, listed with `--show-suppressed`.
    pub suppressed: Vec<(Finding, String)>,
    pub files_checked: usize,
    /// Each checked file, with the kind it was recognised as and how it was read.
    pub files: Vec<FileReport>,
    pub as_of: NaiveDate,
    /// The policies the run applied (for reports that describe every rule).
    pub policies: Arc<PolicySet>,
    /// A partitioned run: how its files fared with each waiver they matched, for
    /// `bylaw merge` (unused waivers are reported by the merge, not by a shard).
    pub shard_waivers: Vec<ShardWaiver>,
}

/// What was made of one file (for `--verbose`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileReport {
    /// The file as reported.
    pub file: String,
    pub kind: Option<String>,
    /// The text encoding it was read in (text files).
    pub encoding: Option<&'static str>,
}

/// Why a run could not start (exit code 2).
#[derive(Debug)]
pub enum RunError {
    Usage(String),
    Config(ConfigError),
    Policy(PolicyErrors),
}

/// Load the configuration named or discovered.
pub fn load_config(explicit: Option<&PathBuf>) -> Result<Config, RunError> {
    let path = match explicit {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d)),
    };
    match path {
        Some(p) => config::load(&p).map_err(RunError::Config),
        None => Ok(Config::default()),
    }
}

/// Load the built-in pack (unless `no_builtin`) and the given policy paths.
pub fn load_policies(options: &Options, config: &Config) -> Result<PolicySet, RunError> {
    let mut sources: Vec<PolicySource> = if options.no_builtin {
        Vec::new()
    } else {
        policy::builtin_sources()
    };
    if let Some(dir) = &options.pack_dir {
        sources.retain(|s| match &s.name.strip_prefix(policy::BUILTIN_PREFIX) {
            Some(rel) => !dir.join(rel).is_file(),
            None => true,
        });
    }
    for p in options.pack_dir.iter().chain(&options.policies) {
        let found = policy::sources_from_path(p).map_err(|e| {
            RunError::Usage(format!(
                "cannot read policies at `{}`: {}",
                p.display(),
                input::io_reason(&e)
            ))
        })?;
        if found.is_empty() {
            return Err(RunError::Usage(format!(
                "no `.bylaw` files at `{}`",
                p.display()
            )));
        }
        sources.extend(found);
    }
    if sources.is_empty() {
        return Err(RunError::Usage(
            "no policies to run: give `--policy PATH` or drop `--no-builtin`".into(),
        ));
    }
    policy::load(&sources, &config.param_values()).map_err(RunError::Policy)
}

fn globset(patterns: &[String], what: &str) -> Result<Option<GlobSet>, RunError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| {
            RunError::Usage(format!(
                "invalid {what} glob `{p}` in the configuration: {e}"
            ))
        })?);
    }
    b.build()
        .map(Some)
        .map_err(|e| RunError::Usage(e.to_string()))
}

/// Rule settings from the configuration, checked against the policy set.
fn rule_settings(config: &Config, policies: &PolicySet) -> Result<RuleSettings, RunError> {
    let mut settings = RuleSettings::default();
    for (id, value) in &config.rules {
        if !policies.rules.iter().any(|r| &r.id == id) {
            let ids: Vec<&str> = policies.rules.iter().map(|r| r.id.as_str()).collect();
            let hint = crate::policy::errors::did_you_mean(id, ids).unwrap_or_default();
            return Err(RunError::Usage(
                format!("the configuration names an unknown rule `{id}` {hint}")
                    .trim()
                    .to_string(),
            ));
        }
        match value.as_str() {
            "off" => settings.disabled.push(id.clone()),
            other => match Severity::parse(other) {
                Some(s) => {
                    settings.severity.insert(id.clone(), s);
                }
                None => {
                    return Err(RunError::Usage(format!(
                        "the configuration sets rule `{id}` to `{other}`: use `error`, `warning`, `info` or `off`"
                    )));
                }
            },
        }
    }
    Ok(settings)
}

/// Run a check.
pub fn check(options: &Options) -> Result<Outcome, RunError> {
    let config = load_config(options.config.as_ref())?;
    let as_of = match (options.as_of, &config.as_of) {
        (Some(d), _) => d,
        (None, Some(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            RunError::Usage(format!(
                "`as_of = \"{s}\"` in the configuration is not a date (YYYY-MM-DD)"
            ))
        })?,
        (None, None) => chrono::Local::now().date_naive(),
    };
    let policies = load_policies(options, &config)?;
    let config_globs: Vec<(String, String)> = config
        .kinds
        .iter()
        .flat_map(|(k, globs)| globs.iter().map(move |g| (k.clone(), g.clone())))
        .collect();
    for (k, _) in &config_globs {
        if !policies.kinds.iter().any(|d| &d.name == k) {
            let names: Vec<&str> = policies.kinds.iter().map(|d| d.name.as_str()).collect();
            return Err(RunError::Usage(format!(
                "the configuration assigns files to an unknown kind `{k}` (known kinds: {})",
                names.join(", ")
            )));
        }
    }
    let recognizer =
        KindRecognizer::new(&policies.kinds, &config_globs).map_err(RunError::Usage)?;
    let settings = rule_settings(&config, &policies)?;
    let filters = Filters {
        include: globset(&config.include, "include")?,
        exclude: globset(&config.exclude, "exclude")?,
    };
    let corpus_kinds = policies.corpus_kinds();
    let limits = Limits {
        max_file_bytes: config.max_file_mb.unwrap_or(DEFAULT_MAX_FILE_MB) * 1024 * 1024,
    };
    let mut checker = Checker::new(Arc::new(policies), settings, as_of);

    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let mut walked = walk::walk(&paths, &filters);
    // `--changed-since` and `--partition` narrow what is checked and reported; documents that
    // cross-source rules look up are still read (not checked) from the rest of the tree.
    let changed = match &options.changed_since {
        Some(rev) => Some(changed_files(rev)?),
        None => None,
    };
    let in_scope = |display: &str| {
        changed.as_ref().is_none_or(|c| c.contains(display))
            && options.partition.is_none_or(|p| p.contains(display))
    };
    let rest = narrow(&mut walked, in_scope);
    // Documents are kept for cross-source rules only when there are records to look them up;
    // otherwise each document is dropped once checked, and memory does not grow with the tree.
    let has_records = walked
        .files
        .iter()
        .any(|c| c.file_type == FileType::Records);
    let corpus_kinds = if has_records {
        corpus_kinds
    } else {
        Vec::new()
    };
    let context_only = if !corpus_kinds.is_empty() {
        rest.into_iter()
            .filter(|c| c.file_type != FileType::Records)
            .collect()
    } else {
        Vec::new()
    };
    let policies = checker.policies.clone();
    let known: Vec<(&str, &[String])> = policies
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.clauses.as_slice()))
        .collect();
    suppress::validate_waiver_rules(&config.waivers, &known).map_err(RunError::Usage)?;
    let mut usage = suppress::WaiverUsage::new(config.waivers.len());
    let mut suppressed = Vec::new();
    let mut findings = Vec::new();
    // Every file's findings pass through its inline suppressions and the waivers.
    let mut accept = |file: &str,
                      found: Vec<Finding>,
                      inline: &[suppress::Suppression],
                      findings: &mut Vec<Finding>| {
        let applied = suppress::apply(file, found, inline, &config.waivers, as_of, &known);
        usage.record(&applied);
        findings.extend(applied.kept);
        findings.extend(applied.problems);
        suppressed.extend(applied.suppressed);
    };
    let problems: Vec<Finding> = walked
        .problems
        .iter()
        .map(|p| {
            let rule = if p.unsupported { UNSUPPORTED } else { UNREADABLE };
            let help = p.unsupported.then(|| {
                "bylaw reads documents (.md, .txt, .docx) and records (.csv, .xlsx, .xls, .ods, .json, .jsonl); convert the file to one of these to check it".to_string()
            });
            let mut f = Finding::input_error(rule, &p.display, p.message.clone(), help);
            if p.unsupported && !p.explicit {
                f.severity = Severity::Warning;
            }
            f
        })
        .collect();
    for f in problems {
        let file = f.file.clone();
        accept(&file, vec![f], &[], &mut findings);
    }
    let (record_files, document_files): (Vec<&walk::Candidate>, Vec<&walk::Candidate>) = walked
        .files
        .iter()
        .partition(|c| c.file_type == FileType::Records);
    // The documents to check and those read only for context, in walk order (the order the
    // cross-source rules see them in, whichever files this run checks).
    let mut documents: Vec<(&walk::Candidate, bool)> = document_files
        .iter()
        .map(|&c| (c, true))
        .chain(context_only.iter().map(|c| (c, false)))
        .collect();
    documents.sort_by(|a, b| a.0.display.cmp(&b.0.display));

    // Documents first: record rules may look documents up (`documents(kind)`).
    let checked: Vec<Checked> = documents
        .par_iter()
        .map(|&(c, check)| {
            guarded(c, limits, || {
                if check {
                    check_document_file(c, &recognizer, &checker, &corpus_kinds)
                } else {
                    read_for_context(c, &recognizer, &corpus_kinds)
                }
            })
        })
        .collect();
    let mut files = Vec::with_capacity(walked.files.len());
    for (&(c, check), done) in documents.iter().zip(checked) {
        if let (Some(kind), Some(doc)) = (&done.kind, done.keep) {
            checker
                .corpus
                .entry(kind.clone())
                .or_default()
                .push(Value::Document(doc));
        }
        if !check {
            continue;
        }
        accept(&c.display, done.findings, &done.inline, &mut findings);
        files.push(FileReport {
            file: c.display.clone(),
            kind: done.kind,
            encoding: done.encoding,
        });
    }
    let checked: Vec<Checked> = record_files
        .par_iter()
        .map(|c| guarded(c, limits, || check_record_file(c, &recognizer, &checker)))
        .collect();
    for (c, done) in record_files.iter().zip(checked) {
        accept(&c.display, done.findings, &[], &mut findings);
        files.push(FileReport {
            file: c.display.clone(),
            kind: done.kind,
            encoding: done.encoding,
        });
    }
    let (config_file, config_text) = match &config.origin {
        Some((file, text)) => (file.as_str(), Some(text.as_str())),
        None => (config::FILE_NAME, None),
    };
    let waiver_problems = suppress::indexed_waiver_problems(
        &config.waivers,
        &usage,
        as_of,
        false,
        config_file,
        config_text,
    );
    let shard_waivers = match options.partition {
        None => {
            findings.extend(waiver_problems.into_iter().map(|(_, f)| f));
            Vec::new()
        }
        Some(p) => split_waiver_problems(p, waiver_problems, &usage, &mut findings),
    };
    files.sort();
    finding::sort(&mut findings);
    finding::sort_pairs(&mut suppressed);
    Ok(Outcome {
        findings,
        suppressed,
        files_checked: walked.files.len(),
        files,
        as_of,
        policies,
        shard_waivers,
    })
}

/// The run-wide waiver findings of one shard. Whether a waiver suppressed anything is known
/// only over all shards, so an unused waiver is not reported here but recorded, with the
/// finding to report, for `bylaw merge`. The other waiver findings (an expired waiver) are
/// about the configuration, which every shard reads: shard 1 reports them. (Not the shard of
/// the configuration's path: a discovered configuration is reported by its absolute path,
/// which differs between machines.)
fn split_waiver_problems(
    partition: Partition,
    problems: Vec<(usize, Finding)>,
    usage: &suppress::WaiverUsage,
    findings: &mut Vec<Finding>,
) -> Vec<ShardWaiver> {
    let mut unused = std::collections::HashMap::new();
    for (i, f) in problems {
        if f.rule == suppress::SUPPRESSION_UNUSED {
            unused.insert(i, f);
        } else if partition.index() == 1 {
            findings.push(f);
        }
    }
    usage
        .matched
        .iter()
        .enumerate()
        .filter(|&(_, &matched)| matched)
        .map(|(i, _)| ShardWaiver {
            waiver: i,
            used: usage.used.get(i).copied().unwrap_or(false),
            unused: unused.remove(&i),
        })
        .collect()
}

/// What checking one file produced.
struct Checked {
    findings: Vec<Finding>,
    kind: Option<String>,
    encoding: Option<&'static str>,
    /// Inline suppression directives found in the document.
    inline: Vec<suppress::Suppression>,
    /// The document, when cross-source rules need documents of its kind.
    keep: Option<Arc<Document>>,
}

/// A document as read for a run: its directive lines blanked, its kind recognised.
struct ReadDoc {
    doc: Document,
    encoding: &'static str,
    /// Inline suppression directives found in the document.
    inline: Vec<suppress::Suppression>,
    kind: Option<String>,
}

/// Read one document and recognise its kind. Checked documents and documents read only for
/// context are read alike, so cross-source rules see the same text either way.
fn read_recognised(
    c: &walk::Candidate,
    recognizer: &KindRecognizer,
) -> Result<ReadDoc, input::ReadError> {
    let read = input::read_document(&c.path, &c.display, c.file_type)?;
    let ((doc, encoding), inline) = with_directives(read, &c.display, c.file_type);
    let fm_kind = doc.front_matter.get("kind").map(|s| s.text.as_str());
    let title = doc.title.as_ref().map(|t| t.text.as_str());
    let kind = recognizer
        .recognise(&c.path, fm_kind, title)
        .map(|(k, _)| k);
    Ok(ReadDoc {
        doc,
        encoding,
        inline,
        kind,
    })
}

/// Read, recognise and check one document; an unreadable file becomes an error finding.
/// The document's inline suppression directives come back with the findings.
fn check_document_file(
    c: &walk::Candidate,
    recognizer: &KindRecognizer,
    checker: &Checker,
    corpus_kinds: &[String],
) -> Checked {
    match read_recognised(c, recognizer) {
        Ok(ReadDoc {
            doc,
            encoding,
            inline,
            kind,
        }) => {
            let doc = Arc::new(doc);
            let mut findings = checker.check_document(doc.clone(), kind.as_deref(), &c.display);
            // The document is dropped once checked; its findings keep only their lines.
            findings.iter_mut().for_each(Finding::compact);
            let keep = kind
                .as_ref()
                .filter(|k| corpus_kinds.contains(k))
                .map(|_| doc);
            Checked {
                findings,
                kind,
                encoding: Some(encoding),
                inline,
                keep,
            }
        }
        Err(e) => Checked {
            findings: vec![Finding::input_error(
                UNREADABLE, &c.display, e.message, e.help,
            )],
            kind: None,
            encoding: None,
            inline: Vec::new(),
            keep: None,
        },
    }
}

/// The document's suppression directives. In plain text a directive line is not content:
/// the text is read again with those lines blanked (byte lengths kept, so spans stay true).
pub fn with_directives(
    read: input::ReadDocument,
    display: &str,
    file_type: FileType,
) -> (
    (crate::model::Document, &'static str),
    Vec<suppress::Suppression>,
) {
    let input::ReadDocument {
        doc,
        encoding,
        comments,
    } = read;
    match file_type {
        FileType::Docx => {
            let inline = suppress::from_docx_comments(display, &comments);
            ((doc, encoding), inline)
        }
        FileType::Markdown => {
            let inline = suppress::scan_text(&doc.source, true);
            ((doc, encoding), inline)
        }
        _ => {
            let inline = suppress::scan_text(&doc.source, false);
            if inline.is_empty() {
                return ((doc, encoding), inline);
            }
            let mut text = doc.source.text().as_bytes().to_vec();
            for s in &inline {
                let line = doc.source.line_span(s.line.saturating_sub(1));
                for b in text.get_mut(line.range()).into_iter().flatten() {
                    *b = b' ';
                }
            }
            let blanked = String::from_utf8(text).unwrap_or_else(|_| doc.source.text().to_string());
            let reread = input::text::read_text(display, &blanked);
            ((reread, encoding), inline)
        }
    }
}

/// Read a document only for cross-source rules (it is not checked): kept if its kind is one
/// that rules look up.
fn read_for_context(
    c: &walk::Candidate,
    recognizer: &KindRecognizer,
    corpus_kinds: &[String],
) -> Checked {
    let mut checked = Checked {
        findings: Vec::new(),
        kind: None,
        encoding: None,
        inline: Vec::new(),
        keep: None,
    };
    if let Ok(read) = read_recognised(c, recognizer)
        && read.kind.as_ref().is_some_and(|k| corpus_kinds.contains(k))
    {
        checked.keep = Some(Arc::new(read.doc));
        checked.kind = read.kind;
    }
    checked
}

/// Keep in `walked` the files and problems whose reported path is in scope; the files left
/// out come back (they may still be read for context).
fn narrow(walked: &mut walk::Walked, in_scope: impl Fn(&str) -> bool) -> Vec<walk::Candidate> {
    let (keep, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut walked.files)
        .into_iter()
        .partition(|c| in_scope(&c.display));
    walked.files = keep;
    walked.problems.retain(|p| in_scope(&p.display));
    rest
}

/// Files changed since a git revision (committed, staged, unstaged, and untracked ones git
/// does not ignore), as paths relative to the current directory.
pub fn changed_files(rev: &str) -> Result<std::collections::HashSet<String>, RunError> {
    let git = |args: &[&str]| -> Result<String, RunError> {
        let out = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| {
                RunError::Usage(format!(
                    "--changed-since needs git: {}",
                    input::io_reason(&e)
                ))
            })?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(RunError::Usage(format!(
                "git could not list the files changed since `{rev}`: {}",
                err.lines().next().unwrap_or("").trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let mut files = std::collections::HashSet::new();
    for list in [
        git(&[
            "-c",
            "core.quotepath=off",
            "diff",
            "--name-only",
            "--relative",
            rev,
            "--",
        ])?,
        git(&[
            "-c",
            "core.quotepath=off",
            "ls-files",
            "--others",
            "--exclude-standard",
        ])?,
    ] {
        files.extend(
            list.lines()
                .filter(|l| !l.is_empty())
                .map(|l| l.to_string()),
        );
    }
    Ok(files)
}

/// Read a record file table by table, streaming its rows through the rules of its kind.
fn check_record_file(
    c: &walk::Candidate,
    recognizer: &KindRecognizer,
    checker: &Checker,
) -> Checked {
    let kinds = checker.policies.record_kinds();
    let by_name = recognizer
        .recognise_records(&c.path)
        .and_then(|name| kinds.iter().find(|k| k.name == name).copied());
    let is_workbook = matches!(
        c.path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("xlsx" | "xlsm" | "xls" | "ods" | "xlsb")
    );
    let pick = |rows: &[Vec<String>]| pick_header(&kinds, by_name, rows, is_workbook);
    // A large table's rules run on threads of their own (see `TableChecker`).
    let (mut findings, problems, kind, outcome) = std::thread::scope(|threads| {
        let mut tables = TableChecker::new(checker, Some(threads));
        let mut problems = Vec::new();
        let mut kind = None;
        let outcome = read_records(&c.path, &c.display, &pick, &mut |event| match event {
            Event::Table { table, kind: k } => {
                if let Some(def) = kinds.iter().find(|d| d.name == k) {
                    kind.get_or_insert(k);
                    tables.start(table, def);
                }
            }
            Event::Row(row) => tables.row(row),
            Event::Problem(p) => problems.push(Finding::input_line_warning(
                MALFORMED_RECORD,
                &c.display,
                p.line,
                p.message,
            )),
            Event::Unrecognised { .. } => {}
        });
        tables.finish();
        (tables.findings, problems, kind, outcome)
    });
    findings.extend(problems);
    if let Err(e) = outcome {
        findings.push(Finding::input_error(
            UNREADABLE, &c.display, e.message, e.help,
        ));
    }
    Checked {
        findings,
        kind,
        encoding: None,
        inline: Vec::new(),
        keep: None,
    }
}

/// Bounds on what one file may cost.
#[derive(Debug, Clone, Copy)]
struct Limits {
    max_file_bytes: u64,
}

/// Files larger than this many MiB are reported, not read (`max_file_mb` in bylaw.toml).
pub const DEFAULT_MAX_FILE_MB: u64 = 512;

/// Check one file within its bounds: a file over the size limit is reported unread, and a
/// panic inside a reader (a bug, or a third-party parser's) becomes an error for that file
/// while the run goes on.
fn guarded(c: &walk::Candidate, limits: Limits, check: impl FnOnce() -> Checked) -> Checked {
    let failed = |message: String, help: &str| Checked {
        findings: vec![Finding::input_error(
            UNREADABLE,
            &c.display,
            message,
            Some(help.to_string()),
        )],
        kind: None,
        encoding: None,
        inline: Vec::new(),
        keep: None,
    };
    if let Ok(meta) = std::fs::metadata(&c.path)
        && meta.len() > limits.max_file_bytes
    {
        return failed(
            format!(
                "this file is {} MiB, over the limit of {} MiB",
                meta.len() / (1024 * 1024),
                limits.max_file_bytes / (1024 * 1024)
            ),
            "raise `max_file_mb` in bylaw.toml to check it",
        );
    }
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)) {
        Ok(checked) => checked,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            failed(
                format!("bylaw failed while reading this file: {what}"),
                "this is a bug in bylaw or a library it uses; the other files were checked",
            )
        }
    }
}
