//! The document model: what every reader (Markdown, plain text, later .docx) produces and
//! what policies see as `document`.
//!
//! The model is deliberately flat: an ordered list of headings (each knowing where its
//! section ends and whether it is empty), labelled lines, tables, and the prose lines, all
//! carrying spans into one [`SourceFile`]. Readers decide what is a heading; policies decide
//! what a heading *means*.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::source::{SourceFile, Span};

/// The file format a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Text,
    Docx,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Docx => "docx",
        }
    }
}

/// A piece of text with the place it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    pub text: String,
    pub span: Span,
}

/// A heading and the section it opens.
#[derive(Debug, Clone)]
pub struct Heading {
    /// 1 = top level. Markdown `#` is 1; plain-text numbering styles get levels in order of
    /// first appearance.
    pub level: u8,
    /// The heading text as written, numbering included (`一、引言`), inline markup removed.
    pub text: Spanned,
    /// [`normalize_label`](crate::model::normalize::normalize_label) of `text`.
    pub normalized: String,
    /// Byte offset where the section's body starts (just after the heading line).
    pub body_start: usize,
    /// Byte offset where the section ends: the start of the next heading of the same or a
    /// higher level, or the end of the text.
    pub section_end: usize,
    /// No text, list, table or sub-section between this heading and the next heading of the
    /// same or higher level.
    pub empty: bool,
}

/// A labelled line such as `预算：5 万元` or `Budget: ¥50,000`.
#[derive(Debug, Clone)]
pub struct Label {
    /// The label (`预算`), inline markup removed.
    pub key: Spanned,
    /// [`normalize_label`](crate::model::normalize::normalize_label) of `key`.
    pub normalized: String,
    /// The text after the colon (may be empty).
    pub value: Spanned,
    /// The whole line.
    pub line: Spanned,
}

/// A table: header row and body rows of cell texts.
#[derive(Debug, Clone)]
pub struct Table {
    pub header: Vec<Spanned>,
    pub rows: Vec<Vec<Spanned>>,
    pub span: Span,
}

/// What a line of the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Heading,
    Prose,
    ListItem,
    TableRow,
    Quote,
}

/// A non-empty line of content (code blocks, front matter and comments excluded).
#[derive(Debug, Clone)]
pub struct Line {
    /// The line with block markup (`#`, `>`, `-`, `1.`, `|`) and emphasis markers removed,
    /// trimmed.
    pub text: String,
    /// Span of the trimmed line in the source.
    pub span: Span,
    pub kind: LineKind,
}

/// A read document.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: Arc<SourceFile>,
    pub format: Format,
    /// Front matter keys (lower-cased) and their values as text; empty when there is none.
    pub front_matter: BTreeMap<String, Spanned>,
    /// The first heading, else the first non-empty line.
    pub title: Option<Spanned>,
    pub headings: Vec<Heading>,
    pub labels: Vec<Label>,
    pub tables: Vec<Table>,
    /// Non-empty content lines in order.
    pub lines: Vec<Line>,
    /// Page header and footer paragraphs (.docx only).
    pub header: Vec<Line>,
    pub footer: Vec<Line>,
    /// Byte ranges of the source that are prose: everything but code blocks, front matter,
    /// HTML comments and markup-only lines. Term and pattern searches run over these.
    pub prose: Vec<Span>,
}

impl Document {
    /// The document's file name as given on the command line or found by the walk.
    pub fn name(&self) -> &str {
        self.source.name()
    }

    pub fn text(&self) -> &str {
        self.source.text()
    }
}
