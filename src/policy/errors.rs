//! Policy errors: what a policy author sees when a `.bylaw` file is wrong.
//!
//! Every error points into the policy source with a labelled span and, where we can guess,
//! says what to do. Messages follow one style: lowercase, no final period, user input in
//! backticks, no Rust type names.

use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::source::{CharColumns, SourceFile, Span};

/// One problem in a policy file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct PolicyError {
    pub message: String,
    /// The policy text for snippets (character columns).
    source_code: CharColumns,
    pub label: String,
    pub help: Option<String>,
    pub span: Span,
    pub source_file: Arc<SourceFile>,
}

impl PolicyError {
    pub fn new(source: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Self {
        PolicyError {
            message: message.into(),
            source_code: CharColumns {
                name: source.name().to_string(),
                text: source.text().to_string(),
                first_line: 1,
            },
            label: String::from("here"),
            help: None,
            span,
            source_file: source.clone(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

impl Diagnostic for PolicyError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("policy"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span: SourceSpan = self.span.into();
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), span),
        )))
    }
}

impl miette::SourceCode for PolicyError {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        self.source_code
            .read_span(span, context_lines_before, context_lines_after)
    }
}

/// All problems found while loading a policy set, reported together.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} in the policies", count_phrase(.errors.len()))]
pub struct PolicyErrors {
    pub errors: Vec<PolicyError>,
}

fn count_phrase(n: usize) -> String {
    if n == 1 {
        "1 error".to_string()
    } else {
        format!("{n} errors")
    }
}

impl Diagnostic for PolicyErrors {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

/// The closest candidate to `word`, for "did you mean" help.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// A named source for miette, used when we render a policy source elsewhere.
pub fn named_source(file: &SourceFile) -> NamedSource<String> {
    NamedSource::new(file.name(), file.text().to_string())
}
