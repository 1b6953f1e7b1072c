//! Human output: one rustc-style miette report per finding, then a summary line.
//!
//! The snippet shows the checked file's text with personal data masked in place (masking keeps
//! byte lengths, so spans still point at the right characters).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use super::RenderOptions;
use super::finding::{Finding, Summary};
use crate::policy::ast::Severity;
use crate::source::CharColumns;

struct Report<'a> {
    finding: &'a Finding,
    title: String,
    help: Option<String>,
    source: Option<CharColumns>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span: SourceSpan = match &self.finding.record {
            Some(r) => {
                let s = r.snippet.as_ref()?.span.clone();
                (s.start, s.end.saturating_sub(s.start)).into()
            }
            // The source may be an excerpt: the span is rebased onto its text.
            None => {
                let span = self.finding.span?;
                let base = self.finding.source.as_ref().map_or(0, |s| s.base());
                let start = span.start.saturating_sub(base);
                (start, span.end.saturating_sub(base).saturating_sub(start)).into()
            }
        };
        let label = self.finding.label.clone();
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label, span,
        ))))
    }
}

fn title(f: &Finding, opts: &RenderOptions) -> String {
    let message = opts.mask(&f.message);
    let clauses = if f.clauses.is_empty() {
        String::new()
    } else {
        format!("[{}] ", f.clauses.join(", "))
    };
    // Without a snippet to show it, the title names the file and the place.
    match (&f.source, &f.record, f.position) {
        (_, Some(r), _) if r.snippet.is_none() => {
            format!("{}:{}: {clauses}{message}", f.file, r.line)
        }
        // A finding read back from a report (`bylaw merge`).
        (None, None, Some(p)) => format!("{}:{}:{}: {clauses}{message}", f.file, p.line, p.column),
        _ if f.clauses.is_empty() => format!("{}: {message}", f.file),
        _ => format!("{clauses}{message}"),
    }
}

/// Render all findings and the summary.
pub fn render(findings: &[Finding], summary: Summary, opts: &RenderOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width.max(60))
        .with_links(false);
    // A spreadsheet or JSON row is shown as `A | B | C`: its columns are not the file's, so
    // the header names the place (`Sheet1!C17`, `record 3`) instead of `line:column`.
    let placed = handler.clone().without_primary_span_start();
    let mut masked_sources: HashMap<usize, String> = HashMap::new();
    let mut out = String::new();
    for f in findings {
        let source = match (&f.source, &f.record) {
            (_, Some(record)) => record.snippet.as_ref().map(|snippet| CharColumns {
                name: record_name(f, record),
                text: mask_snippet(snippet, opts),
                first_line: snippet.first_line,
            }),
            (Some(src), None) => {
                // Findings of a file may share its text: masked once.
                let text = masked_sources
                    .entry(Arc::as_ptr(src) as usize)
                    .or_insert_with(|| opts.mask(src.text()).into_owned())
                    .clone();
                Some(CharColumns {
                    name: f.file.clone(),
                    text,
                    first_line: src.first_line() + 1,
                })
            }
            (None, None) => None,
        };
        let report = Report {
            finding: f,
            title: title(f, opts),
            help: f.help.as_deref().map(|h| opts.mask(h).into_owned()),
            source,
        };
        let mut s = String::new();
        let handler = if f.record.as_ref().is_some_and(|r| r.place.is_some()) {
            &placed
        } else {
            &handler
        };
        if handler.render_report(&mut s, &report).is_err() {
            s = format!("{}: {}\n", f.file, report.title);
        }
        out.push_str(&s);
        out.push('\n');
    }
    out.push_str(&summary_line(summary));
    out.push('\n');
    out
}

pub fn summary_line(s: Summary) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let files = plural(s.files_checked, "file");
    let suppressed = if s.suppressed > 0 {
        format!(
            " ({} suppressed; --show-suppressed lists them)",
            s.suppressed
        )
    } else {
        String::new()
    };
    if s.errors + s.warnings + s.infos == 0 {
        return format!("✓ {files} checked: no findings{suppressed}");
    }
    let mut parts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.infos > 0 {
        parts.push(plural(s.infos, "note"));
    }
    format!("✗ {files} checked: {}{suppressed}", parts.join(", "))
}

/// A configuration error as a miette report pointing into `bylaw.toml`.
pub fn config_error(e: &crate::config::ConfigError) -> miette::Report {
    let mut diag =
        miette::MietteDiagnostic::new(format!("invalid configuration: {}", e.message.trim()))
            .with_code("config");
    match &e.span {
        Some(span) => {
            diag = diag.with_label(LabeledSpan::at(span.clone(), "here"));
            miette::Report::new(diag).with_source_code(NamedSource::new(&e.path, e.text.clone()))
        }
        None => miette::Report::new(diag.with_help(format!("in {}", e.path))),
    }
}

/// The name shown above a record snippet: the file, and where in it (sheet and cell, record).
fn record_name(f: &Finding, r: &super::finding::RecordLocation) -> String {
    match &r.place {
        Some(place) => format!("{} [{place}]", f.file),
        None => f.file.clone(),
    }
}

/// The snippet's text with personal cells masked (byte lengths kept) unless values are shown.
fn mask_snippet(snippet: &super::finding::Snippet, opts: &RenderOptions) -> String {
    if opts.show_values {
        return snippet.text.clone();
    }
    let mut bytes = snippet.text.clone().into_bytes();
    for range in &snippet.personal {
        if let Some(cell) = bytes.get_mut(range.clone()) {
            super::mask::mask_in_place(cell);
        }
    }
    let text = String::from_utf8(bytes).unwrap_or_else(|_| snippet.text.clone());
    opts.mask(&text).into_owned()
}
