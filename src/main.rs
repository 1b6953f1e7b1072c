//! The `bylaw` command line: arguments → run → output → exit code.
//!
//! Exit codes: 0 no finding at or above `--fail-on` (default: error); 1 such findings (an
//! unreadable input is one); 2 usage, configuration or policy error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use bylaw::partition::{Partition, Shard};
use bylaw::policy::ast::Severity;
use bylaw::report::finding::Summary;
use bylaw::report::{RenderOptions, baseline, github, human, json, junit, sarif};
use bylaw::run::{self, Options, RunError};
use bylaw::suite;

#[derive(Parser)]
#[command(
    name = "bylaw",
    version,
    about = "Check marketing deliverables and records against the department's regulation, written as code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check documents and records against the built-in policy pack and your own policies.
    Check(CheckArgs),
    /// List the rules in force: id, severity, clauses, kinds, summary.
    Rules(RulesArgs),
    /// Explain a rule or a clause: what it requires, the rule's policy source, how to fix it.
    Explain(ExplainArgs),
    /// Show, for every clause, the rules that enforce it and the test files that exercise
    /// them, or why it is declared not checkable.
    Coverage(CoverageArgs),
    /// Run the policy test cases under PATH (files in `tests` folders, annotated with
    /// `bylaw-expect` or a `FILE.expect.toml` sidecar).
    Test(TestArgs),
    /// Write a commented bylaw.toml in the current directory.
    Init,
    /// Format policy files in the canonical layout, in place.
    Fmt(FmtArgs),
    /// Combine the JSON reports or SARIF logs of `bylaw check` runs — the shards of a
    /// `--partition` run — into one report.
    Merge(MergeArgs),
}

#[derive(clap::Args)]
struct MergeArgs {
    /// Reports written by `bylaw check --format json` or `--format sarif`.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format (default: the reports' own).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to a file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The lowest severity that fails the merge (exit code 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Merge even when the reports of some shards are missing.
    #[arg(long)]
    allow_partial: bool,
    /// When to use colours (human output).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(clap::Args)]
struct FmtArgs {
    /// Policy files or directories of `*.bylaw` files (default: `policies/` if it exists, else
    /// the current directory).
    paths: Vec<PathBuf>,
    /// Write nothing: list the files that would change, with a diff, and exit 1 if any would.
    #[arg(long)]
    check: bool,
    /// Format a policy read from standard input and write it to standard output.
    #[arg(long, conflicts_with_all = ["check", "paths"])]
    stdin: bool,
}

#[derive(clap::Args)]
struct TestArgs {
    /// Policy folders whose `tests` folders hold the cases, or test folders (default:
    /// `policies/`).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Also write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Fail unless every rule has a passing violating case and a passing compliant case.
    #[arg(long)]
    require_cases: bool,
    /// Show personal data in the report unmasked.
    #[arg(long)]
    show_values: bool,
}

#[derive(clap::Args)]
struct CoverageArgs {
    /// Where the tests are: policy folders with `tests` folders of annotated cases (a rule is
    /// tested when a passing case expects it), or folders of plain fixtures (a rule is tested
    /// when it reports a finding on one of them).
    tests: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Audit date for the test run.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// Fail (exit 1) when fewer than this percentage of clauses are covered.
    #[arg(long, value_name = "PERCENT")]
    fail_under: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(clap::Args)]
struct PolicyArgs {
    /// Extra policy file or directory of `.bylaw` files (repeatable).
    #[arg(long = "policy", value_name = "PATH")]
    policies: Vec<PathBuf>,
    /// Run only the policies given with --policy, not the built-in pack.
    #[arg(long)]
    no_builtin: bool,
    /// Configuration file (default: bylaw.toml in this directory or above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to a file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Audit date for time-relative rules (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// The lowest severity that fails the run (exit code 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings as the baseline in this file.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Check only files changed since this git revision (and untracked ones).
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    /// Check only shard K of N (a file's shard is fixed by its path); combine the shards'
    /// JSON or SARIF reports with `bylaw merge`.
    #[arg(long, value_name = "K/N")]
    partition: Option<Partition>,
    /// Show personal data (phones, e-mails, ID numbers) unmasked.
    #[arg(long)]
    show_values: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Also list every file checked, with its kind and encoding (on standard error).
    #[arg(short, long)]
    verbose: bool,
    /// List the findings that suppressions and waivers accepted, with their reasons.
    #[arg(long)]
    show_suppressed: bool,
}

#[derive(clap::Args)]
struct RulesArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    /// Only the rules in force on this day (rules may declare `effective` and `until`).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ListFormat {
    Human,
    Json,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// A rule id (`research-report/missing-part`) or a clause id (`4.1.5`).
    what: String,
    #[command(flatten)]
    policy: PolicyArgs,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules(args) => rules(args),
        Command::Explain(args) => explain(args),
        Command::Coverage(args) => coverage(args),
        Command::Test(args) => test(args),
        Command::Init => init(),
        Command::Fmt(args) => format_policies(args),
        Command::Merge(args) => merge(args),
    }
}

fn options(policy: PolicyArgs) -> Options {
    Options {
        policies: policy.policies,
        no_builtin: policy.no_builtin,
        config: policy.config,
        ..Options::default()
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let options = Options {
        paths: args.paths,
        as_of: args.as_of,
        changed_since: args.changed_since,
        partition: args.partition,
        ..options(args.policy)
    };
    let outcome = match run::check(&options) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    // SARIF describes every rule of the run, not only those that fired.
    let rule_infos: Vec<sarif::RuleInfo> = if args.format == Format::Sarif {
        outcome
            .policies
            .rules
            .iter()
            .map(sarif::RuleInfo::from)
            .collect()
    } else {
        Vec::new()
    };
    if args.verbose {
        let mut err = std::io::stderr().lock();
        for f in &outcome.files {
            let kind = f.kind.as_deref().unwrap_or("(no kind recognised)");
            let _ = match f.encoding {
                Some(enc) => writeln!(err, "{}: {kind}, read as {enc}", f.file),
                None => writeln!(err, "{}: {kind}", f.file),
            };
        }
    }
    if let Some(path) = &args.write_baseline {
        let text =
            serde_json::to_string_pretty(&baseline::of(&outcome.findings)).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            return fail(RunError::Usage(format!(
                "cannot write the baseline `{}`: {}",
                path.display(),
                bylaw::input::io_reason(&e)
            )));
        }
    }
    let mut findings = outcome.findings;
    let mut shard_waivers = outcome.shard_waivers;
    let mut notes = Vec::new();
    if let Some(path) = &args.baseline {
        let base: baseline::Baseline = match std::fs::read_to_string(path)
            .map_err(|e| bylaw::input::io_reason(&e))
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(b) => b,
            Err(e) => {
                return fail(RunError::Usage(format!(
                    "cannot read the baseline `{}`: {e}",
                    path.display()
                )));
            }
        };
        // A baselined unused waiver is not reported by the merge either.
        for w in &mut shard_waivers {
            w.unused
                .take_if(|f| base.findings.contains(&baseline::entry(f)));
        }
        let mut compared = baseline::compare(findings, &base);
        if let Some(p) = args.partition {
            // Other shards' findings are not fixed because this shard did not find them.
            compared.fixed.retain(|e| p.contains(&e.file));
        }
        findings = compared.new;
        notes.push(format!(
            "baseline: {} finding(s) accepted, {} fixed since it was written",
            compared.baselined.len(),
            compared.fixed.len()
        ));
        for fixed in &compared.fixed {
            notes.push(format!("  fixed: {} in {}", fixed.rule, fixed.file));
        }
    }
    let opts = RenderOptions {
        show_values: args.show_values,
        color: wants_color(args.color, args.output.as_ref()),
        width: 100,
    };
    let summary =
        Summary::of(&findings, outcome.files_checked).with_suppressed(outcome.suppressed.len());
    let checked: Vec<String> = outcome.files.iter().map(|f| f.file.clone()).collect();
    let shard = args.partition.map(|partition| Shard {
        partition,
        files: &checked,
        waivers: &shard_waivers,
    });
    let mut text = match args.format {
        Format::Human => human::render(&findings, summary, &opts),
        Format::Json => json::render_shard(&findings, summary, outcome.as_of, shard, &opts),
        Format::Sarif => {
            sarif::render_shard(&findings, &rule_infos, summary, outcome.as_of, shard, &opts)
        }
        Format::Junit => junit::render(&findings, &checked, summary, outcome.as_of, &opts),
        Format::Github => github::render(&findings, summary, &opts),
    };
    if let Some(p) = args.partition
        && !matches!(args.format, Format::Json | Format::Sarif)
        && shard_waivers.iter().any(|w| w.unused.is_some())
    {
        notes.push(format!(
            "shard {p}: waivers unused in this shard are not reported (another shard may use them); `bylaw merge` of the shards' JSON or SARIF reports reports the waivers no shard used"
        ));
    }
    if args.show_suppressed {
        let mut listing = String::from("suppressed:\n");
        for (f, reason) in &outcome.suppressed {
            let loc = f.location();
            listing.push_str(&format!(
                "  {}:{}:{} {} — {} (reason: {})\n",
                f.file,
                loc.line,
                loc.column,
                f.rule,
                opts.mask(&f.message),
                opts.mask(reason)
            ));
        }
        if args.format == Format::Human {
            notes.insert(0, listing.trim_end().to_string());
        } else {
            let _ = std::io::stderr().write_all(listing.as_bytes());
        }
    }
    if args.format == Format::Human {
        for note in &notes {
            text.push_str(note);
            text.push('\n');
        }
    } else if !notes.is_empty() {
        let mut err = std::io::stderr().lock();
        for note in &notes {
            let _ = writeln!(err, "{note}");
        }
    }
    if let Err(e) = write_report(args.output.as_ref(), &text) {
        return fail(e);
    }
    let threshold = args.fail_on.severity();
    exit_code(findings.iter().any(|f| f.severity >= threshold))
}

fn merge(args: MergeArgs) -> ExitCode {
    use bylaw::report::merge::{self, InputFormat, Output};
    let mut reports = Vec::with_capacity(args.files.len());
    for path in &args.files {
        match merge::read_path(path) {
            Ok(r) => reports.push(r),
            Err(e) => return fail(RunError::Usage(e)),
        }
    }
    let merged = match merge::merge(reports, args.allow_partial) {
        Ok(m) => m,
        Err(e) => return fail(RunError::Usage(e)),
    };
    for note in &merged.notes {
        let _ = writeln!(std::io::stderr(), "note: {note}");
    }
    let output = match (args.format, merged.format) {
        (None, InputFormat::Json) | (Some(Format::Json), _) => Output::Json,
        (None, InputFormat::Sarif) | (Some(Format::Sarif), _) => Output::Sarif,
        (Some(Format::Human), _) => Output::Human,
        (Some(Format::Junit), _) => Output::Junit,
        (Some(Format::Github), _) => Output::Github,
    };
    let opts = RenderOptions {
        show_values: false,
        color: wants_color(args.color, args.output.as_ref()),
        width: 100,
    };
    if let Err(e) = write_report(args.output.as_ref(), &merged.render(output, &opts)) {
        return fail(e);
    }
    exit_code(merged.fails(args.fail_on.severity()))
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Colours for a report written to a terminal that wants them.
fn wants_color(color: Color, output: Option<&PathBuf>) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// Write a report to its file, or to standard output.
fn write_report(output: Option<&PathBuf>, text: &str) -> Result<(), RunError> {
    let written = match output {
        Some(path) => std::fs::write(path, text.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
        }
    };
    written.map_err(|e| {
        RunError::Usage(format!(
            "cannot write the report: {}",
            bylaw::input::io_reason(&e)
        ))
    })
}

fn load(policy: PolicyArgs) -> Result<bylaw::policy::PolicySet, RunError> {
    let options = options(policy);
    let config = run::load_config(options.config.as_ref())?;
    run::load_policies(&options, &config)
}

fn rules(args: RulesArgs) -> ExitCode {
    let mut set = match load(args.policy) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if let Some(day) = args.as_of {
        set.rules.retain(|r| r.in_force(day));
    }
    let mut out = String::new();
    match args.format {
        ListFormat::Json => {
            let rules: Vec<_> = set
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "clauses": r.clauses, "kinds": r.applies,
                        "severity": r.severity, "summary": r.summary,
                        "effective": r.effective.map(|d| d.to_string()),
                        "until": r.until.map(|d| d.to_string()),
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&serde_json::json!({ "rules": rules }))
                .unwrap_or_default();
            out.push('\n');
        }
        ListFormat::Human => {
            for r in &set.rules {
                out.push_str(&format!(
                    "{:<40} {:<8} [{}] {}\n    {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.clauses.join(", "),
                    r.applies.join(", "),
                    r.summary.as_deref().unwrap_or("")
                ));
            }
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn explain(args: ExplainArgs) -> ExitCode {
    let set = match load(args.policy) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let what = args.what.trim();
    let mut out = String::new();
    if let Some(rule) = set.rules.iter().find(|r| r.id == what) {
        out.push_str(&format!("{} ({})\n\n", rule.id, rule.severity.as_str()));
        if let Some(s) = &rule.summary {
            out.push_str(&format!("{s}\n\n"));
        }
        for c in &rule.clauses {
            let title = set.clauses.get(c).map(String::as_str).unwrap_or("");
            out.push_str(&format!("  clause {c}: {title}\n"));
        }
        out.push_str(&format!("  applies to: {}\n", rule.applies.join(", ")));
        if rule.effective.is_some() || rule.until.is_some() {
            let from = rule
                .effective
                .map(|d| d.to_string())
                .unwrap_or_else(|| "always".into());
            let to = rule
                .until
                .map(|d| d.to_string())
                .unwrap_or_else(|| "further notice".into());
            out.push_str(&format!("  in force: from {from} until {to}\n"));
        }
        if let Some(h) = &rule.help {
            out.push_str(&format!("  how to fix: {}\n", h.value));
        }
        out.push_str(&format!("\npolicy source ({}):\n\n", rule.source.name()));
        out.push_str(rule.source.slice(rule.full_span));
        out.push('\n');
    } else if let Some(title) = set.clauses.get(what) {
        out.push_str(&format!("clause {what}: {title}\n\n"));
        let enforcing: Vec<_> = set
            .rules
            .iter()
            .filter(|r| r.clauses.iter().any(|c| c == what))
            .collect();
        if enforcing.is_empty() {
            out.push_str("no rule enforces this clause\n");
        }
        for r in enforcing {
            out.push_str(&format!(
                "  {:<40} {}\n",
                r.id,
                r.summary.as_deref().unwrap_or("")
            ));
        }
        out.push_str("\n`bylaw explain RULE` shows a rule's source and how to fix its findings\n");
    } else {
        let ids = set
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .chain(set.clauses.keys().map(String::as_str));
        let hint = bylaw::policy::errors::did_you_mean(what, ids).unwrap_or_default();
        return fail(RunError::Usage(
            format!("no rule or clause `{what}` {hint}")
                .trim()
                .to_string(),
        ));
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn coverage(args: CoverageArgs) -> ExitCode {
    let options = Options {
        paths: args.tests.clone(),
        as_of: args.as_of,
        ..options(args.policy)
    };
    let has_cases = args.tests.iter().any(|p| suite::has_cases(p));
    // The run over the tests brings the policies too.
    let (set, exercised) = if args.tests.is_empty() {
        match run::load_config(options.config.as_ref())
            .and_then(|c| run::load_policies(&options, &c))
        {
            Ok(s) => (std::sync::Arc::new(s), None),
            Err(e) => return fail(e),
        }
    } else if has_cases {
        match suite::run(&suite::SuiteOptions::new(args.tests.clone(), &options)) {
            Ok(o) => {
                let pairs = o.exercised();
                match o.policies {
                    Some(p) => (p, Some(pairs)),
                    None => return fail(RunError::Usage("no policies were run".into())),
                }
            }
            Err(e) => return suite_fail(e),
        }
    } else {
        match run::check(&options) {
            Ok(o) => {
                let pairs = o
                    .findings
                    .iter()
                    .map(|f| suite::Exercised {
                        rule: f.rule.clone(),
                        clauses: f.clauses.clone(),
                        case: f.file.clone(),
                    })
                    .collect();
                (o.policies, Some(pairs))
            }
            Err(e) => return fail(e),
        }
    };
    let cov = bylaw::report::coverage::of(&set, exercised.as_deref());
    let text = match args.format {
        ListFormat::Human => bylaw::report::coverage::render(&cov),
        ListFormat::Json => serde_json::to_string_pretty(&cov).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    match args.fail_under {
        Some(min) if cov.percent + 1e-9 < min => {
            let _ = writeln!(
                std::io::stderr(),
                "coverage {:.1}% is under {min}%",
                cov.percent
            );
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn test(args: TestArgs) -> ExitCode {
    let options = suite::SuiteOptions::new(args.paths, &options(args.policy));
    let outcome = match suite::run(&options) {
        Ok(o) => o,
        Err(e) => return suite_fail(e),
    };
    let opts = RenderOptions {
        show_values: args.show_values,
        ..RenderOptions::default()
    };
    let gaps = suite::report::Gaps::of(&outcome);
    let _ = std::io::stdout().write_all(suite::report::render(&outcome, &gaps, &opts).as_bytes());
    if let Some(path) = &args.junit
        && let Err(e) = std::fs::write(path, suite::report::render_junit(&outcome, &opts))
    {
        return fail(RunError::Usage(format!(
            "cannot write `{}`: {}",
            path.display(),
            bylaw::input::io_reason(&e)
        )));
    }
    let failed = outcome.count(suite::Status::Fail) > 0;
    if args.require_cases && !gaps.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "error: --require-cases: some rules lack a passing violating or compliant case (listed above)"
        );
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn suite_fail(e: suite::SuiteError) -> ExitCode {
    match e {
        suite::SuiteError::Run(e) => fail(e),
        suite::SuiteError::NoCases(msg) => fail(RunError::Usage(msg)),
    }
}

/// The commented configuration `bylaw init` writes.
const INIT_CONFIG: &str = include_str!("init.toml");

fn init() -> ExitCode {
    let path = PathBuf::from(bylaw::config::FILE_NAME);
    if path.exists() {
        return fail(RunError::Usage(
            "bylaw.toml already exists here: edit it, or remove it first".into(),
        ));
    }
    if let Err(e) = std::fs::write(&path, INIT_CONFIG) {
        return fail(RunError::Usage(format!(
            "cannot write bylaw.toml: {}",
            bylaw::input::io_reason(&e)
        )));
    }
    println!("wrote bylaw.toml: every setting is commented out; uncomment what you need");
    ExitCode::SUCCESS
}

fn format_policies(args: FmtArgs) -> ExitCode {
    use bylaw::policy::format;
    if args.stdin {
        let mut text = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            let reason = bylaw::input::io_reason(&e);
            return fail(RunError::Usage(format!(
                "cannot read standard input: {reason}"
            )));
        }
        return match format::format_named("<stdin>", &text) {
            Ok(out) => {
                let _ = std::io::stdout().write_all(out.as_bytes());
                ExitCode::SUCCESS
            }
            Err(format::FormatError::Syntax(errors)) => fail(RunError::Policy(errors)),
            Err(e) => fail(RunError::Usage(e.to_string())),
        };
    }
    let paths = if args.paths.is_empty() {
        let policies = PathBuf::from("policies");
        vec![if policies.is_dir() {
            policies
        } else {
            PathBuf::from(".")
        }]
    } else {
        args.paths
    };
    let outcome = format::format_paths(&paths, args.check);
    let _ = std::io::stdout().write_all(outcome.report.as_bytes());
    for problem in &outcome.problems {
        let _ = writeln!(std::io::stderr(), "error: {problem}");
    }
    if !outcome.syntax.is_empty() {
        let errors = bylaw::policy::errors::PolicyErrors {
            errors: outcome.syntax,
        };
        return fail(RunError::Policy(errors));
    }
    if !outcome.problems.is_empty() {
        ExitCode::from(2)
    } else if args.check && outcome.changed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Report a run that could not start, and exit 2.
fn fail(e: RunError) -> ExitCode {
    let handler = miette::GraphicalReportHandler::new_themed(if std::io::stderr().is_terminal() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    })
    .with_links(false);
    let mut s = String::new();
    match e {
        RunError::Usage(msg) => s = format!("error: {msg}\n"),
        RunError::Policy(errors) => {
            for err in &errors.errors {
                let _ = handler.render_report(&mut s, err);
                s.push('\n');
            }
            s.push_str(&format!("error: {errors}\n"));
        }
        RunError::Config(c) => {
            let diag = bylaw::report::human::config_error(&c);
            let _ = handler.render_report(&mut s, diag.as_ref());
        }
    }
    let _ = std::io::stderr().write_all(s.as_bytes());
    ExitCode::from(2)
}
