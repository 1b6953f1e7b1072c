//! The `bylaw` command line: arguments → run → output → exit code.
//!
//! Exit codes: 0 no error-severity finding; 1 error findings (an unreadable input is one);
//! 2 usage, configuration or policy error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use bylaw::policy::ast::Severity;
use bylaw::report::finding::Summary;
use bylaw::report::{RenderOptions, human, json};
use bylaw::run::{self, Options, RunError};

#[derive(Parser)]
#[command(
    name = "bylaw",
    version,
    about = "Check marketing deliverables against the department's regulation, written as code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check documents against the built-in policy pack and your own policies.
    Check(CheckArgs),
    /// List the rules in force: id, clauses, kinds, severity, summary.
    Rules(PolicyArgs),
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Audit date for time-relative rules (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// Show personal data (phones, e-mails, ID numbers) unmasked.
    #[arg(long)]
    show_values: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Also list every file checked, with its kind and encoding (on standard error).
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
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
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let options = Options {
        paths: args.paths,
        policies: args.policy.policies,
        no_builtin: args.policy.no_builtin,
        config: args.policy.config,
        as_of: args.as_of,
    };
    let outcome = match run::check(&options) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let opts = RenderOptions {
        show_values: args.show_values,
        color,
        width: 100,
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
    let summary = Summary::of(&outcome.findings, outcome.files_checked);
    let text = match args.policy.format {
        Format::Human => human::render(&outcome.findings, summary, &opts),
        Format::Json => json::render(&outcome.findings, summary, outcome.as_of, &opts),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if outcome
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn rules(args: PolicyArgs) -> ExitCode {
    let options = Options {
        policies: args.policies,
        no_builtin: args.no_builtin,
        config: args.config,
        ..Options::default()
    };
    let config = match run::load_config(options.config.as_ref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let set = match run::load_policies(&options, &config) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let mut out = String::new();
    match args.format {
        Format::Json => {
            let rules: Vec<_> = set
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "clauses": r.clauses, "kinds": r.applies,
                        "severity": r.severity, "summary": r.summary,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&serde_json::json!({ "rules": rules }))
                .unwrap_or_default();
            out.push('\n');
        }
        Format::Human => {
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
