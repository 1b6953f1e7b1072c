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
use crate::config::{self, Config, ConfigError};
use crate::input::kind::KindRecognizer;
use crate::input::walk::{self, Filters};
use crate::input::{self};
use crate::policy::ast::Severity;
use crate::policy::errors::PolicyErrors;
use crate::policy::{self, PolicySet, PolicySource};
use crate::report::finding::{self, Finding, UNREADABLE, UNSUPPORTED};

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
}

/// The outcome of a run.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub files_checked: usize,
    /// Each checked file (as reported) and the kind it was recognised as.
    pub kinds: Vec<(String, Option<String>)>,
    pub as_of: NaiveDate,
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
    for p in &options.policies {
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
    let checker = Checker {
        policies: Arc::new(policies),
        settings,
        as_of,
    };

    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let walked = walk::walk(&paths, &filters);
    let mut findings: Vec<Finding> = walked
        .problems
        .iter()
        .map(|p| {
            let rule = if p.unsupported {
                UNSUPPORTED
            } else {
                UNREADABLE
            };
            let help = p
                .unsupported
                .then(|| "bylaw reads Markdown (.md) and text (.txt) files".to_string());
            Finding::input_error(rule, &p.display, p.message.clone(), help)
        })
        .collect();
    let per_file: Vec<(Vec<Finding>, Option<String>)> = walked
        .files
        .par_iter()
        .map(|c| check_file(c, &recognizer, &checker))
        .collect();
    let mut kinds = Vec::with_capacity(per_file.len());
    for (c, (found, kind)) in walked.files.iter().zip(per_file) {
        findings.extend(found);
        kinds.push((c.display.clone(), kind));
    }
    finding::sort(&mut findings);
    Ok(Outcome {
        findings,
        files_checked: walked.files.len(),
        kinds,
        as_of,
    })
}

/// Read, recognise and check one file; an unreadable file becomes an error finding.
fn check_file(
    c: &walk::Candidate,
    recognizer: &KindRecognizer,
    checker: &Checker,
) -> (Vec<Finding>, Option<String>) {
    match input::read_document(&c.path, &c.display, c.file_type) {
        Ok(doc) => {
            let fm_kind = doc.front_matter.get("kind").map(|s| s.text.as_str());
            let title = doc.title.as_ref().map(|t| t.text.as_str());
            let kind = recognizer
                .recognise(&c.path, fm_kind, title)
                .map(|(k, _)| k);
            let found = checker.check_document(Arc::new(doc), kind.as_deref(), &c.display);
            (found, kind)
        }
        Err(e) => (
            vec![Finding::input_error(
                UNREADABLE, &c.display, e.message, e.help,
            )],
            None,
        ),
    }
}
