//! The Markdown reader: pulldown-cmark events → the document model.
//!
//! Besides what CommonMark calls headings, staff write headings as bold lines
//! (`**一、活动主题**`) or as bare Chinese-numbered lines (`一、活动主题`). Those become
//! headings too, at levels below any `#` heading (7, 8, … by numbering style in order of first
//! appearance), so they nest inside the `#` section they appear in. A line of a typed table of
//! contents (`四、结论 ........ 5`, `**1. 引言**⇥3`: leaders and/or a tab, then a page number,
//! see [`is_toc_entry`]) is never such a pseudo-heading (nor a one-item-list heading, nor a
//! label); `#` headings are headings whatever their text.
//!
//! Every span is an exact byte range into the source. Inline text is gathered as pieces that
//! remember where they came from ([`Mapped`]), so a label key inside `**预算**：` still gets the
//! span of `预算` alone.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use yaml_rust2::{Yaml, YamlLoader};

use crate::input::text::{
    HeadingDraft, StyleLevels, build_headings, is_sentence_punct, is_stamp_line, label_parts,
    rank_to_level, sentence_like, standalone_candidate, title_choice,
};
use crate::model::normalize::{NumberingStyle, is_toc_entry, normalize_label, numbering_prefix};
use crate::model::{Document, Format, Label, Line, LineKind, Spanned, Table};
use crate::source::{SourceFile, Span};

/// Longest single line (in characters) that can be a bold or Chinese-numbered pseudo-heading.
const MAX_PSEUDO_HEADING_CHARS: usize = 40;
/// Level of the first pseudo-heading style; deeper styles get 8, 9, ….
const PSEUDO_HEADING_LEVEL: u8 = 7;
/// Longest item text (in characters) of a one-item list that can be a heading (`1. 引言`).
const MAX_LIST_HEADING_CHARS: usize = 30;

/// Read a Markdown document.
pub fn read_markdown(name: &str, text: &str) -> Document {
    let source = SourceFile::new(name, text);
    let text = source.text();
    let fm = find_front_matter(text);
    let body_offset = fm.as_ref().map_or(0, |f| f.end);
    let mut front_matter = BTreeMap::new();
    let mut excluded = Vec::new();
    if let Some(fm) = &fm {
        front_matter = parse_front_matter(text, fm.body.clone());
        excluded.push(Span::new(0, fm.end));
    }

    let mut b = Builder::new(&source, body_offset);
    b.excluded = excluded;
    b.run();
    b.finish(Arc::clone(&source), front_matter)
}

// ---------------------------------------------------------------------------------------------
// Front matter

/// Where a YAML front matter block lies.
#[derive(Debug, Clone)]
struct FrontMatterBlock {
    /// The YAML text between the fences.
    body: Range<usize>,
    /// Just past the closing fence line (its newline included).
    end: usize,
}

/// A `---` … `---` (or `...`) block at the very start of the text.
///
/// Detected here rather than by pulldown-cmark's metadata-block option, which also accepts such
/// blocks in the middle of a document, where `---` is a thematic break or Setext underline and
/// swallowing the text between would lose content.
fn find_front_matter(text: &str) -> Option<FrontMatterBlock> {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut lines = line_ranges(text, start);
    let first = lines.next()?;
    if text.get(first.range())?.trim_end() != "---" {
        return None;
    }
    let body_start = first.end_with_newline;
    let mut first_body_line = true;
    for l in lines {
        let s = text.get(l.range())?.trim_end();
        let closing = s == "---" || s == "...";
        // As in pulldown-cmark: the block cannot start with a blank line or be empty.
        if first_body_line && (closing || s.trim().is_empty()) {
            return None;
        }
        first_body_line = false;
        if closing {
            return Some(FrontMatterBlock {
                body: body_start..l.start,
                end: l.end_with_newline,
            });
        }
    }
    None
}

/// A line's content range plus the offset just past its terminator.
#[derive(Debug, Clone)]
struct LineRange {
    start: usize,
    end: usize,
    end_with_newline: usize,
}

impl LineRange {
    fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

fn line_ranges(text: &str, from: usize) -> impl Iterator<Item = LineRange> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let rest = text.get(pos..)?;
        let (end, next) = match rest.find('\n') {
            Some(i) => (pos + i, pos + i + 1),
            None => (text.len(), text.len()),
        };
        let start = pos;
        pos = next;
        Some(LineRange {
            start,
            end,
            end_with_newline: next,
        })
    })
}

/// YAML that would nest deeper than this is not parsed (yaml-rust2 recurses per level).
const MAX_YAML_NESTING: usize = 64;

fn yaml_too_deep(yaml: &str) -> bool {
    let mut depth = 0usize;
    for c in yaml.chars() {
        match c {
            '[' | '{' => {
                depth += 1;
                if depth > MAX_YAML_NESTING {
                    return true;
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    yaml.lines().any(|l| {
        let indent = l.len() - l.trim_start().len();
        let dashes = l
            .trim_start()
            .split_inclusive(' ')
            .take_while(|t| t.trim() == "-")
            .count();
        indent + dashes > MAX_YAML_NESTING * 4
    })
}

fn scalar_text(y: &Yaml) -> Option<String> {
    Some(match y {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        Yaml::Null => String::new(),
        _ => return None,
    })
}

/// Top-level scalar keys (lower-cased) with their values. Invalid YAML gives an empty map.
fn parse_front_matter(text: &str, body: Range<usize>) -> BTreeMap<String, Spanned> {
    let mut out = BTreeMap::new();
    let Some(yaml) = text.get(body.clone()) else {
        return out;
    };
    if yaml_too_deep(yaml) {
        return out;
    }
    // yaml-rust2 asserts on a few malformed streams; a bad header must not take the run down.
    let loaded = std::panic::catch_unwind(|| YamlLoader::load_from_str(yaml));
    let Ok(Ok(docs)) = loaded else {
        return out;
    };
    let Some(Yaml::Hash(hash)) = docs.into_iter().next() else {
        return out;
    };
    for (k, v) in hash {
        let (Some(key), Some(value)) = (scalar_text(&k), scalar_text(&v)) else {
            continue;
        };
        if key.trim().is_empty() {
            continue;
        }
        let span = value_span(text, body.clone(), &key, &value);
        out.entry(key.to_lowercase())
            .or_insert(Spanned { text: value, span });
    }
    out
}

/// Best-effort span of a front matter value: the value itself when it is written on the
/// `key: value` line, else that line, else the whole block.
fn value_span(text: &str, body: Range<usize>, key: &str, value: &str) -> Span {
    for l in line_ranges(text, body.start).take_while(|l| l.start < body.end) {
        let Some(line) = text.get(l.range()) else {
            continue;
        };
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        let k = line[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
        if k != key {
            continue;
        }
        let after = colon + 1;
        let rest = &line[after..];
        if !value.is_empty()
            && let Some(i) = rest.find(value)
        {
            let s = l.start + after + i;
            return Span::new(s, s + value.len());
        }
        let trimmed = rest.trim();
        if !trimmed.is_empty() {
            let s = l.start + after + (rest.len() - rest.trim_start().len());
            return Span::new(s, s + trimmed.len());
        }
        return Span::new(l.start, l.end - usize::from(line.ends_with('\r')));
    }
    Span::new(body.start, body.end)
}

// ---------------------------------------------------------------------------------------------
// Inline text with source mapping

/// One piece of inline text and where it came from.
#[derive(Debug, Clone)]
struct Seg {
    /// Range in [`Mapped::text`].
    text: Range<usize>,
    /// Range in the source.
    src: Range<usize>,
    /// The text is a verbatim copy of the source at `src.start`, so offsets map one to one.
    /// Otherwise (escapes, entities) the whole piece maps to `src`.
    verbatim: bool,
}

/// Text assembled from inline pieces, able to map its byte offsets back to the source.
#[derive(Debug, Clone, Default)]
struct Mapped {
    text: String,
    segs: Vec<Seg>,
}

impl Mapped {
    fn push(&mut self, piece: &Piece) {
        let start = self.text.len();
        self.text.push_str(&piece.text);
        let (src, verbatim) = match piece.verbatim_at {
            Some(at) => (at..at + piece.text.len(), true),
            None => (piece.range.clone(), false),
        };
        self.segs.push(Seg {
            text: start..self.text.len(),
            src,
            verbatim,
        });
    }

    /// Text that maps nowhere (the space joining two lines of a heading).
    fn push_gap(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn append(&mut self, other: &Mapped) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.segs.extend(other.segs.iter().map(|s| Seg {
            text: s.text.start + offset..s.text.end + offset,
            src: s.src.clone(),
            verbatim: s.verbatim,
        }));
    }

    /// Source offset of text offset `o` taken as a start.
    fn src_start(&self, o: usize) -> Option<usize> {
        let seg = self
            .segs
            .iter()
            .find(|s| s.text.start <= o && o < s.text.end)?;
        Some(if seg.verbatim {
            seg.src.start + (o - seg.text.start)
        } else {
            seg.src.start
        })
    }

    /// Source offset of text offset `o` taken as an (exclusive) end.
    fn src_end(&self, o: usize) -> Option<usize> {
        let seg = self
            .segs
            .iter()
            .find(|s| s.text.start < o && o <= s.text.end)?;
        Some(if seg.verbatim {
            seg.src.start + (o - seg.text.start)
        } else {
            seg.src.end
        })
    }

    /// The text of `r` (which must lie on char boundaries) with its source span.
    fn spanned(&self, r: Range<usize>, fallback: Span) -> Spanned {
        let text = self.text.get(r.clone()).unwrap_or("").to_string();
        let span = if r.is_empty() {
            self.src_end(r.start)
                .or_else(|| self.src_start(r.start))
                .map_or(Span::new(fallback.end, fallback.end), |p| Span::new(p, p))
        } else {
            match (self.src_start(r.start), self.src_end(r.end)) {
                (Some(s), Some(e)) if s <= e => Span::new(s, e),
                _ => fallback,
            }
        };
        Spanned { text, span }
    }

    /// Range of the text without surrounding whitespace.
    fn trimmed(&self) -> Range<usize> {
        let lead = self.text.len() - self.text.trim_start().len();
        lead..lead + self.text.trim().len()
    }
}

/// A leaf of inline text.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    range: Range<usize>,
    /// Where `text` occurs verbatim in the source, if it does.
    verbatim_at: Option<usize>,
    /// Inside `**strong**` emphasis.
    strong: bool,
}

#[derive(Debug, Clone)]
enum Inline {
    Leaf(Piece),
    /// An inline tag opens here (`**`, `[`): part of the line's extent, not of its text.
    Open(usize),
    /// An inline tag closes here.
    Close(usize),
    /// A soft or hard line break.
    Break,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Paragraph,
    Heading(u8),
    /// Text directly inside a tight list item (no paragraph event).
    Implicit,
    Cell,
}

/// A block whose inline content is being collected.
#[derive(Debug)]
struct Block {
    kind: BlockKind,
    range: Range<usize>,
    items: Vec<Inline>,
}

/// One line of a block: its text and the span of the line in the source (markup included).
#[derive(Debug)]
struct BlockLine {
    mapped: Mapped,
    span: Span,
    /// All its non-blank text is `**strong**` (and there is some).
    bold: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Quote,
    Item,
}

/// What ranks a pseudo-heading's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PseudoStyle {
    Numbered(NumberingStyle),
    Bold,
    /// A one-item bullet list used as a heading, its text unnumbered (`- 引言`).
    Bullet,
}

/// A top-level one-item list that is really a numbered heading (`1. 引言` on its own line,
/// followed by its text), found before the event walk.
#[derive(Debug, Clone, Copy)]
struct ListHeading {
    style: PseudoStyle,
    /// Where the list (its marker) starts.
    start: usize,
}

#[derive(Debug, Default)]
struct TableDraft {
    range: Range<usize>,
    header: Vec<Spanned>,
    rows: Vec<Vec<Spanned>>,
    row: Vec<Spanned>,
    row_start: usize,
}

// ---------------------------------------------------------------------------------------------
// The event walk

/// A piece of an HTML block's text (one `Event::Html`) and its source range.
type HtmlPiece = (String, Range<usize>);

struct Builder<'s> {
    source: &'s SourceFile,
    text: &'s str,
    /// Offset of the parsed Markdown within the source (past any front matter).
    base: usize,
    containers: Vec<Container>,
    block: Option<Block>,
    table: Option<TableDraft>,
    /// Inside a code or HTML block: its text is not content.
    skipping: usize,
    /// Inside an HTML block (not a comment): its start and its pieces of text with their
    /// ranges, to read it as a heading if it is one `<hN>` element.
    html_block: Option<(usize, Vec<HtmlPiece>)>,
    strong: usize,
    inline_comment_start: Option<usize>,
    drafts: Vec<HeadingDraft>,
    pseudo_styles: StyleLevels<PseudoStyle>,
    /// Start offsets of the top-level lists that are headings, with their style.
    list_headings: BTreeMap<usize, PseudoStyle>,
    /// Inside such a list: its text becomes the heading.
    list_heading: Option<ListHeading>,
    content: Vec<usize>,
    lines: Vec<Line>,
    labels: Vec<Label>,
    tables: Vec<Table>,
    excluded: Vec<Span>,
}

impl<'s> Builder<'s> {
    fn new(source: &'s SourceFile, base: usize) -> Self {
        Builder {
            source,
            text: source.text(),
            base,
            containers: Vec::new(),
            block: None,
            table: None,
            skipping: 0,
            html_block: None,
            strong: 0,
            inline_comment_start: None,
            drafts: Vec::new(),
            pseudo_styles: StyleLevels::default(),
            list_headings: BTreeMap::new(),
            list_heading: None,
            content: Vec::new(),
            lines: Vec::new(),
            labels: Vec::new(),
            tables: Vec::new(),
            excluded: Vec::new(),
        }
    }

    fn run(&mut self) {
        let text = self.text;
        let Some(body) = text.get(self.base..) else {
            return;
        };
        // Front matter was split off already (see `find_front_matter`), so the metadata-block
        // option stays off: mid-document `---` blocks are ordinary Markdown.
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options)
            .into_offset_iter()
            .map(|(event, r)| {
                let r = (r.start + self.base).min(text.len())..(r.end + self.base).min(text.len());
                (event, r)
            })
            .collect();
        self.list_headings = find_list_headings(text, &events);
        for (event, r) in events {
            self.event(event, r);
        }
        self.flush_implicit();
    }

    fn event(&mut self, event: Event<'_>, r: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, r),
            Event::End(tag) => self.end(tag, r),
            Event::Text(t) => {
                if self.skipping == 0 {
                    self.leaf(t, r);
                }
            }
            Event::Code(t) => self.leaf(t, r),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.leaf(t, r),
            Event::InlineHtml(h) => self.inline_html(&h, r),
            Event::Html(h) => {
                if let Some((_, pieces)) = &mut self.html_block {
                    pieces.push((h.to_string(), r));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(b) = &mut self.block {
                    b.items.push(Inline::Break);
                }
            }
            Event::Rule => self.flush_implicit(),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, r: Range<usize>) {
        if is_inline(&tag.to_end()) {
            if matches!(tag, Tag::Strong) {
                self.strong += 1;
            }
            self.open_implicit(r.start);
            if let Some(b) = &mut self.block {
                b.items.push(Inline::Open(r.start));
            }
            return;
        }
        // Any block-level start ends a tight list item's leading text.
        self.flush_implicit();
        match tag {
            Tag::Paragraph => self.block = Some(Block::new(BlockKind::Paragraph, r)),
            Tag::Heading { level, .. } => {
                self.block = Some(Block::new(BlockKind::Heading(level as u8), r));
            }
            Tag::BlockQuote(_) => {
                self.content.push(r.start);
                self.containers.push(Container::Quote);
            }
            Tag::List(_) => {
                let heading = self
                    .containers
                    .is_empty()
                    .then(|| self.list_headings.get(&r.start).copied())
                    .flatten();
                match heading {
                    Some(style) => {
                        self.list_heading = Some(ListHeading {
                            style,
                            start: r.start,
                        });
                    }
                    None => self.content.push(r.start),
                }
            }
            Tag::Item => self.containers.push(Container::Item),
            Tag::CodeBlock(_) => {
                self.content.push(r.start);
                self.excluded.push(Span::from(r));
                self.skipping += 1;
            }
            Tag::HtmlBlock => {
                let html = self.text.get(r.clone()).unwrap_or("");
                if html.trim_start().starts_with("<!--") {
                    self.excluded.push(Span::from(r));
                } else {
                    // Content, unless it turns out to be a heading (see `finish_html_block`).
                    self.html_block = Some((r.start, Vec::new()));
                }
                self.skipping += 1;
            }
            Tag::MetadataBlock(_) => {
                self.excluded.push(Span::from(r));
                self.skipping += 1;
            }
            Tag::Table(_) => {
                self.content.push(r.start);
                self.table = Some(TableDraft {
                    range: r,
                    ..TableDraft::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.row.clear();
                    t.row_start = r.start;
                }
            }
            Tag::TableCell => self.block = Some(Block::new(BlockKind::Cell, r)),
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.content.push(r.start),
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => {}
        }
    }

    fn end(&mut self, tag: TagEnd, r: Range<usize>) {
        if is_inline(&tag) {
            if tag == TagEnd::Strong {
                self.strong = self.strong.saturating_sub(1);
            }
            if let Some(b) = &mut self.block {
                b.items.push(Inline::Close(r.end));
            }
            return;
        }
        match tag {
            TagEnd::Paragraph => {
                if let Some(b) = self.block.take() {
                    self.finish_paragraph(b);
                }
            }
            TagEnd::Heading(_) => {
                if let Some(b) = self.block.take() {
                    self.finish_heading(b);
                }
            }
            TagEnd::TableCell => {
                if let Some(b) = self.block.take() {
                    let cell = self.cell(&b);
                    if let Some(t) = &mut self.table {
                        t.row.push(cell);
                    }
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => self.finish_row(tag == TagEnd::TableHead, r),
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.tables.push(Table {
                        header: t.header,
                        rows: t.rows,
                        span: self.trim_span(t.range),
                    });
                }
            }
            TagEnd::BlockQuote(_) | TagEnd::Item => {
                self.flush_implicit();
                self.containers.pop();
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => {
                self.skipping = self.skipping.saturating_sub(1);
                if tag == TagEnd::HtmlBlock
                    && let Some((start, pieces)) = self.html_block.take()
                {
                    self.finish_html_block(start, &pieces);
                }
            }
            TagEnd::List(_) => {
                self.flush_implicit();
                if self.containers.is_empty() {
                    self.list_heading = None;
                }
            }
            _ => self.flush_implicit(),
        }
    }

    fn leaf(&mut self, t: CowStr<'_>, r: Range<usize>) {
        if self.skipping > 0 {
            return;
        }
        self.open_implicit(r.start);
        let strong = self.strong;
        let Some(b) = &mut self.block else {
            return;
        };
        let src = self.text.get(r.clone()).unwrap_or("");
        let verbatim_at = if src == &*t {
            Some(r.start)
        } else if t.is_empty() {
            None
        } else {
            // Inline code: the content sits inside the backticks.
            src.find(&*t).map(|i| r.start + i)
        };
        b.items.push(Inline::Leaf(Piece {
            text: t.to_string(),
            range: r,
            verbatim_at,
            strong: strong > 0,
        }));
    }

    fn inline_html(&mut self, h: &str, r: Range<usize>) {
        if h.starts_with("<!--") {
            self.inline_comment_start = Some(r.start);
        }
        if let Some(start) = self.inline_comment_start
            && h.contains("-->")
        {
            self.excluded.push(Span::new(start, r.end));
            self.inline_comment_start = None;
        }
        if let Some(b) = &mut self.block {
            b.items.push(Inline::Open(r.start));
            b.items.push(Inline::Close(r.end));
        }
    }

    /// Inline content outside any block: the text of a tight list item.
    fn open_implicit(&mut self, at: usize) {
        if self.block.is_none() && self.skipping == 0 {
            self.block = Some(Block::new(BlockKind::Implicit, at..at));
        }
    }

    fn flush_implicit(&mut self) {
        if self
            .block
            .as_ref()
            .is_some_and(|b| b.kind == BlockKind::Implicit)
            && let Some(b) = self.block.take()
        {
            self.finish_paragraph(b);
        }
    }

    /// The line kind of running text in the current container.
    fn text_kind(&self) -> LineKind {
        match self.containers.last() {
            Some(Container::Item) => LineKind::ListItem,
            Some(Container::Quote) => LineKind::Quote,
            None => LineKind::Prose,
        }
    }

    fn finish_paragraph(&mut self, b: Block) {
        let lines = self.block_lines(&b);
        if self.containers.len() == 1
            && let Some(lh) = self.list_heading.take()
        {
            self.finish_list_heading(lh, lines);
            return;
        }
        // Only top-level paragraphs hold pseudo-headings: a bold line in a list or quote is
        // emphasis. Each line is considered, because staff often write `一、主题` and its text
        // on consecutive lines, which Markdown joins into one paragraph.
        let top_level = self.containers.is_empty() && b.kind == BlockKind::Paragraph;
        let kind = self.text_kind();
        for line in lines {
            let style = if top_level {
                pseudo_heading_style(&line)
            } else {
                None
            };
            if let Some(style) = style {
                let level = rank_to_level(self.pseudo_styles.rank(style))
                    .saturating_add(PSEUDO_HEADING_LEVEL - 1);
                let mut text = line.mapped.spanned(line.mapped.trimmed(), line.span);
                if self.source.slice(text.span) != text.text {
                    text.span = line.span;
                }
                let range = line.span.range();
                self.push_heading(level, text, range, std::slice::from_ref(&line));
                continue;
            }
            let trimmed = line.mapped.trimmed();
            if trimmed.is_empty() {
                continue;
            }
            if b.kind == BlockKind::Paragraph {
                self.content.push(line.span.start);
            }
            let line_text = line.mapped.text[trimmed.clone()].to_string();
            if let Some(parts) = label_parts(&line_text) {
                let shift = |r: Range<usize>| r.start + trimmed.start..r.end + trimmed.start;
                let key = line.mapped.spanned(shift(parts.key), line.span);
                let value = line.mapped.spanned(shift(parts.value), line.span);
                self.labels.push(Label {
                    normalized: normalize_label(&key.text),
                    key,
                    value,
                    line: Spanned {
                        text: line_text.clone(),
                        span: line.span,
                    },
                });
            }
            self.lines.push(Line {
                text: line_text,
                span: line.span,
                kind,
            });
        }
    }

    /// The text of a one-item list that is a heading (see [`find_list_headings`]). The heading
    /// text keeps an ordered list's marker (`1. 引言`), as numbering is kept elsewhere.
    fn finish_list_heading(&mut self, lh: ListHeading, lines: Vec<BlockLine>) {
        let Some(line) = lines.iter().find(|l| !l.mapped.text.trim().is_empty()) else {
            return;
        };
        let item = line.mapped.spanned(line.mapped.trimmed(), line.span);
        let marker_span = Span::new(lh.start.min(line.span.start), line.span.start);
        let marker = self.source.slice(marker_span).trim();
        // An ordered list's marker is numbering; a bullet is not.
        let ordered = marker.starts_with(|c: char| c.is_ascii_digit());
        let mut text = if !ordered {
            item
        } else {
            let whole = Span::new(marker_span.start, line.span.end);
            Spanned {
                text: format!("{marker} {}", item.text),
                span: whole,
            }
        };
        // Markup or irregular spacing: the text cannot be sliced back; point at the line.
        if self.source.slice(text.span) != text.text {
            text.span = Span::new(marker_span.start.min(line.span.start), line.span.end);
        }
        let level = rank_to_level(self.pseudo_styles.rank(lh.style))
            .saturating_add(PSEUDO_HEADING_LEVEL - 1);
        let range = lh.start.min(line.span.start)..line.span.end;
        self.push_heading(level, text, range, std::slice::from_ref(line));
    }

    fn finish_heading(&mut self, b: Block) {
        let lines = self.block_lines(&b);
        let level = match b.kind {
            BlockKind::Heading(l) => l,
            _ => 1,
        };
        self.heading_from_lines(level, lines, b.range);
    }

    /// An HTML block that is one `<hN>…</hN>` element is a heading of level N (see
    /// [`html_heading`]); any other is content that is not text.
    fn finish_html_block(&mut self, start: usize, pieces: &[HtmlPiece]) {
        match html_heading(self.text, pieces) {
            Some((level, lines, range)) => self.heading_from_lines(level, lines, range),
            None => self.content.push(start),
        }
    }

    /// A heading whose text is `lines` (more than one for a Setext heading), the heading
    /// block covering `range`.
    fn heading_from_lines(&mut self, level: u8, lines: Vec<BlockLine>, range: Range<usize>) {
        // A multi-line (Setext) heading reads as one line of text.
        let mut mapped = Mapped::default();
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                mapped.push_gap(" ");
            }
            mapped.append(&l.mapped);
        }
        let fallback = lines
            .first()
            .map(|l| l.span)
            .unwrap_or_else(|| Span::new(range.start, range.start));
        let mut text = mapped.spanned(mapped.trimmed(), fallback);
        // With markup inside (`# 一、**引言**`), point at the whole heading line rather than
        // at a range that cuts a `**` pair.
        if let [line] = lines.as_slice()
            && self.source.slice(text.span) != text.text
        {
            text.span = line.span;
        }
        self.push_heading(level, text, range, &lines);
    }

    fn push_heading(&mut self, level: u8, text: Spanned, range: Range<usize>, lines: &[BlockLine]) {
        for l in lines {
            let t = l.mapped.text.trim();
            if !t.is_empty() {
                self.lines.push(Line {
                    text: t.to_string(),
                    span: l.span,
                    kind: LineKind::Heading,
                });
            }
        }
        self.drafts.push(HeadingDraft {
            level,
            text,
            start: range.start,
            body_start: self.after_line(range.end),
        });
    }

    /// The start of the line after the one holding `end - 1` (the block's last byte).
    fn after_line(&self, end: usize) -> usize {
        let end = end.min(self.text.len());
        if end == 0 || self.text.as_bytes().get(end - 1) == Some(&b'\n') {
            return end;
        }
        self.text
            .get(end..)
            .and_then(|rest| rest.find('\n'))
            .map_or(self.text.len(), |i| end + i + 1)
    }

    fn cell(&self, b: &Block) -> Spanned {
        let mut mapped = Mapped::default();
        for item in &b.items {
            if let Inline::Leaf(p) = item {
                mapped.push(p);
            }
        }
        let cell_span = self.trim_span(b.range.clone());
        let fallback = Span::new(cell_span.start, cell_span.start);
        let r = mapped.trimmed();
        if r.is_empty() {
            return Spanned {
                text: String::new(),
                span: fallback,
            };
        }
        let mut cell = mapped.spanned(r, cell_span);
        // Markup inside the cell (`**合**计`): point at the whole cell.
        if self.source.slice(cell.span) != cell.text {
            cell.span = cell_span;
        }
        cell
    }

    fn finish_row(&mut self, is_head: bool, r: Range<usize>) {
        let span = self.trim_span(r);
        let Some(t) = &mut self.table else {
            return;
        };
        let cells = std::mem::take(&mut t.row);
        let span = Span::new(t.row_start.min(span.end), span.end);
        let text = cells
            .iter()
            .map(|c| c.text.as_str())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if is_head {
            t.header = cells;
        } else {
            t.rows.push(cells);
        }
        if !text.is_empty() {
            self.lines.push(Line {
                text,
                span,
                kind: LineKind::TableRow,
            });
        }
    }

    /// `r` without surrounding whitespace.
    fn trim_span(&self, r: Range<usize>) -> Span {
        let s = self.text.get(r.clone()).unwrap_or("");
        let lead = s.len() - s.trim_start().len();
        Span::new(r.start + lead, r.start + lead + s.trim().len())
    }

    /// Split a block's inline items into lines at breaks.
    fn block_lines(&self, b: &Block) -> Vec<BlockLine> {
        let mut out = Vec::new();
        for group in b.items.split(|i| matches!(i, Inline::Break)) {
            let mut mapped = Mapped::default();
            let mut start: Option<usize> = None;
            let mut end: Option<usize> = None;
            let mut bold_text = false;
            let mut plain_text = false;
            for item in group {
                let (s, e) = match item {
                    Inline::Leaf(p) => {
                        mapped.push(p);
                        if !p.text.trim().is_empty() {
                            bold_text |= p.strong;
                            plain_text |= !p.strong;
                        }
                        (Some(p.range.start), Some(p.range.end))
                    }
                    Inline::Open(s) => (Some(*s), None),
                    Inline::Close(e) => (None, Some(*e)),
                    Inline::Break => (None, None),
                };
                if let Some(s) = s {
                    start = Some(start.map_or(s, |x| x.min(s)));
                }
                if let Some(e) = e {
                    end = Some(end.map_or(e, |x| x.max(e)));
                }
            }
            let Some(start) = start else {
                continue;
            };
            // Clamp to the source line holding the start (inline code may span lines).
            let line = self.source.line_span(self.source.line_index(start));
            let line_end = self.trim_span(line.range()).end.max(start);
            let end = end.unwrap_or(line_end).clamp(start, line_end.max(start));
            out.push(BlockLine {
                mapped,
                span: self.trim_span(start..end),
                bold: bold_text && !plain_text,
            });
        }
        out
    }

    fn finish(
        mut self,
        source: Arc<SourceFile>,
        front_matter: BTreeMap<String, Spanned>,
    ) -> Document {
        if let Some(start) = self.inline_comment_start.take() {
            self.excluded.push(Span::new(start, self.text.len()));
        }
        self.lines.sort_by_key(|l| l.span.start);
        self.labels.sort_by_key(|l| l.line.span.start);
        let text_len = self.text.len();
        let title = title(self.source, &self.drafts, &self.lines);
        let prose = complement(&mut self.excluded, text_len);
        let headings = build_headings(self.drafts, &self.content, text_len);
        Document {
            source,
            format: Format::Markdown,
            front_matter,
            title,
            headings,
            labels: self.labels,
            tables: self.tables,
            lines: self.lines,
            header: Vec::new(),
            footer: Vec::new(),
            prose,
        }
    }
}

fn is_inline(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

impl Block {
    fn new(kind: BlockKind, range: Range<usize>) -> Self {
        Block {
            kind,
            range,
            items: Vec::new(),
        }
    }
}

/// An HTML block that is one `<hN …>text</hN>` element (N = 1..6, attributes allowed): its
/// level, the lines of its text (inner tags dropped, the common entities decoded, spans exact
/// where the text is written as is) and the block's range. The block's pieces must be its
/// source verbatim and contiguous (so not inside a quote or list, whose markers interrupt it).
fn html_heading(text: &str, pieces: &[HtmlPiece]) -> Option<(u8, Vec<BlockLine>, Range<usize>)> {
    let (first, last) = (pieces.first()?, pieces.last()?);
    let mut at = first.1.start;
    for (piece, r) in pieces {
        if r.start != at || text.get(r.clone())? != piece.as_str() {
            return None;
        }
        at = r.end;
    }
    let range = first.1.start..last.1.end;
    let block = text.get(range.clone())?;
    let whole = block.trim();
    let base = range.start + (block.len() - block.trim_start().len());
    let bytes = whole.as_bytes();
    if !matches!(bytes.get(1), Some(b'h' | b'H')) || bytes.first() != Some(&b'<') {
        return None;
    }
    let level = match bytes.get(2) {
        Some(d @ b'1'..=b'6') => d - b'0',
        _ => return None,
    };
    if !matches!(bytes.get(3), Some(b) if *b == b'>' || b.is_ascii_whitespace()) {
        return None;
    }
    // The end of the opening tag: the first `>` outside a quoted attribute value.
    let mut quote = None;
    let mut open_end = None;
    for (i, &b) in bytes.iter().enumerate().skip(3) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => {
                open_end = Some(i + 1);
                break;
            }
            (None, _) => {}
        }
    }
    let open_end = open_end?;
    let close_start = whole.rfind("</")?;
    let close: String = whole
        .get(close_start..)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if close_start < open_end || !close.eq_ignore_ascii_case(&format!("</h{level}>")) {
        return None;
    }
    let inner = whole.get(open_end..close_start)?;
    // One element only: no other heading tag inside.
    let lower = inner.to_ascii_lowercase();
    let heading_tag = |p: &str| {
        lower
            .match_indices(p)
            .any(|(i, _)| matches!(lower.as_bytes().get(i + p.len()), Some(b'1'..=b'6')))
    };
    if heading_tag("<h") || heading_tag("</h") {
        return None;
    }
    let inner_start = base + open_end;
    let mut lines = Vec::new();
    let mut mapped = Mapped::default();
    let mut line_start = inner_start;
    let mut push_line = |mapped: &mut Mapped, line: Range<usize>| {
        let m = std::mem::take(mapped);
        if m.text.trim().is_empty() {
            return;
        }
        let src = text.get(line.clone()).unwrap_or("");
        let lead = src.len() - src.trim_start().len();
        let fallback = Span::new(line.start + lead, line.start + lead + src.trim().len());
        let exact = m.spanned(m.trimmed(), fallback);
        // Markup or entities inside: the whole text between the tags on this line.
        let span = if text.get(exact.span.range()) == Some(exact.text.as_str()) {
            exact.span
        } else {
            fallback
        };
        lines.push(BlockLine {
            mapped: m,
            span,
            bold: false,
        });
    };
    let mut i = 0;
    while i < inner.len() {
        let rest = inner.get(i..)?;
        let at = inner_start + i;
        if rest.starts_with('\n') {
            push_line(&mut mapped, line_start..at);
            i += 1;
            line_start = inner_start + i;
        } else if rest.starts_with('<') {
            let len = rest.find('>')? + 1;
            let tag = rest.get(..len)?.to_ascii_lowercase();
            if tag.starts_with("<br") {
                mapped.push_gap(" ");
            }
            i += len;
        } else if let Some((decoded, len)) = rest.strip_prefix('&').and_then(decode_entity) {
            mapped.push(&Piece {
                text: decoded.to_string(),
                range: at..at + len + 1,
                verbatim_at: None,
                strong: false,
            });
            i += len + 1;
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let len = rest
                .get(first..)
                .and_then(|r| r.find(['<', '&', '\n']))
                .map_or(rest.len(), |n| n + first);
            let run = rest.get(..len)?;
            mapped.push(&Piece {
                text: run.to_string(),
                range: at..at + len,
                verbatim_at: Some(at),
                strong: false,
            });
            i += len;
        }
    }
    push_line(&mut mapped, line_start..inner_start + inner.len());
    Some((level, lines, range))
}

/// The character an HTML entity stands for, given the text just past its `&`, and the length
/// of the entity without the `&` (`amp;` → `&`, 4). Only the common entities are known.
fn decode_entity(rest: &str) -> Option<(char, usize)> {
    let end = rest.bytes().take(12).position(|b| b == b';')?;
    let name = rest.get(..end)?;
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')?
        }
    };
    Some((c, end + 1))
}

/// Whether a line of a top-level paragraph is written as a heading, and its style: short, not
/// a sentence, not a `key: value` line, and either wholly bold (`**活动主题**`) or numbered the
/// Chinese way (`一、`, `（一）`, `第一章`/`第一节`/`第一部分`). `1.` lines are not considered:
/// in Markdown those are ordered lists. Table-of-contents entries (`四、结论……5`) are not
/// headings.
fn pseudo_heading_style(line: &BlockLine) -> Option<PseudoStyle> {
    let text = line.mapped.text.trim();
    if text.is_empty() || text.chars().count() > MAX_PSEUDO_HEADING_CHARS {
        return None;
    }
    if sentence_like(text) || is_toc_entry(text) {
        return None;
    }
    if label_parts(text).is_some_and(|l| !l.value.is_empty()) {
        return None;
    }
    let numbered = numbering_prefix(text)
        .map(|(style, _)| style)
        .filter(|s| s.is_chinese());
    match (numbered, line.bold) {
        (Some(style), _) => Some(PseudoStyle::Numbered(style)),
        (None, true) => Some(PseudoStyle::Bold),
        (None, false) => None,
    }
}

/// The first `#`/Setext heading; without one, the first line (or the pseudo-heading it is),
/// stamps above it (`【内部资料】…`, `密级：内部`, see [`is_stamp_line`]) skipped unless what
/// follows them is a section heading (see [`title_choice`]).
fn title(source: &SourceFile, drafts: &[HeadingDraft], lines: &[Line]) -> Option<Spanned> {
    if let Some(h) = drafts
        .iter()
        .find(|d| d.level < PSEUDO_HEADING_LEVEL && !d.text.text.is_empty())
    {
        return Some(h.text.clone());
    }
    // The pseudo-heading on a line, if it is one (its text keeps numbering and markers).
    let draft_on = |line: &Line| {
        drafts
            .iter()
            .find(|d| d.text.span.start <= line.span.end && d.text.span.end >= line.span.start)
    };
    let blank_line = |index: Option<usize>| {
        index.is_none_or(|i| source.slice(source.line_span(i)).trim().is_empty())
    };
    let chosen = title_choice(
        lines.len(),
        |k| {
            lines
                .get(k)
                .is_some_and(|l| l.kind != LineKind::TableRow && is_stamp_line(&l.text))
        },
        |k| {
            let Some(line) = lines.get(k) else {
                return false;
            };
            if draft_on(line).is_some_and(|d| numbering_prefix(&d.text.text).is_some()) {
                return true;
            }
            // A short line on its own above its text, as a plain-text section heading is.
            let at = source.line_index(line.span.start);
            standalone_candidate(&line.text)
                && blank_line(at.checked_sub(1))
                && !blank_line(Some(at + 1).filter(|&n| n < source.line_count()))
        },
    );
    let line = lines.get(chosen?)?;
    if let Some(h) = draft_on(line) {
        return Some(h.text.clone());
    }
    Some(Spanned {
        text: line.text.clone(),
        span: line.span,
    })
}

/// A top-level block, as far as one-item-list headings care.
#[derive(Debug, Clone, Copy)]
enum TopBlock {
    /// `colon`: its text ends with a colon, so it introduces what follows.
    Paragraph {
        colon: bool,
    },
    Table,
    /// `heading`: the style it would have as a heading, when it is a one-item list whose item is
    /// one short heading-like line.
    List {
        start: usize,
        heading: Option<PseudoStyle>,
    },
    Other,
}

/// The top-level one-item lists that are headings, by start offset, with their style.
///
/// Staff write numbered section headings as `1. 引言` on a line of their own, followed by the
/// section's text; CommonMark reads each as a one-item ordered list. Such a list is a heading
/// when its only item is one short line that does not read as a sentence or a label, and it
/// is followed directly by a paragraph, a table or another such list, and not introduced by a
/// paragraph ending with a colon (`步骤：` then `1. 签到` is a list). Lists of two or more items
/// are lists.
fn find_list_headings(
    text: &str,
    events: &[(Event<'_>, Range<usize>)],
) -> BTreeMap<usize, PseudoStyle> {
    let mut tops = Vec::new();
    let mut depth = 0usize;
    let mut begin = 0usize;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) if !is_inline(&tag.to_end()) => {
                if depth == 0 {
                    begin = i;
                }
                depth += 1;
            }
            Event::End(tag) if !is_inline(tag) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    tops.push(classify_top(text, events.get(begin..=i).unwrap_or(&[])));
                }
            }
            _ if depth == 0 => tops.push(TopBlock::Other),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    let mut is_heading = vec![false; tops.len()];
    for k in (0..tops.len()).rev() {
        let TopBlock::List {
            start,
            heading: Some(style),
        } = tops[k]
        else {
            continue;
        };
        let introduced = k
            .checked_sub(1)
            .and_then(|p| tops.get(p))
            .is_some_and(|t| matches!(t, TopBlock::Paragraph { colon: true }));
        let followed = match tops.get(k + 1) {
            Some(TopBlock::Paragraph { .. } | TopBlock::Table) => true,
            Some(TopBlock::List { .. }) => is_heading.get(k + 1).copied().unwrap_or(false),
            _ => false,
        };
        if followed && !introduced {
            is_heading[k] = true;
            out.insert(start, style);
        }
    }
    out
}

/// What the top-level block `events` (from its start to its end event) is.
fn classify_top(text: &str, events: &[(Event<'_>, Range<usize>)]) -> TopBlock {
    let Some((Event::Start(tag), r)) = events.first() else {
        return TopBlock::Other;
    };
    match tag {
        Tag::Paragraph => {
            let para = text.get(r.clone()).unwrap_or("");
            let end = para.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_'));
            TopBlock::Paragraph {
                colon: end.ends_with([':', '：']),
            }
        }
        Tag::Table(_) => TopBlock::Table,
        Tag::List(first) => TopBlock::List {
            start: r.start,
            heading: one_item_heading(events.get(1..events.len().saturating_sub(1)).unwrap_or(&[]))
                .map(|item| {
                    if first.is_some() {
                        ordered_marker_style(text.get(r.start..).unwrap_or(""))
                    } else {
                        numbering_prefix(&item)
                            .map_or(PseudoStyle::Bullet, |(s, _)| PseudoStyle::Numbered(s))
                    }
                }),
        },
        _ => TopBlock::Other,
    }
}

/// The item text of a list (the events between its start and end) that has exactly one item
/// holding one short heading-like line and nothing else.
fn one_item_heading(events: &[(Event<'_>, Range<usize>)]) -> Option<String> {
    let mut items = 0;
    let mut paragraphs = 0;
    let mut depth = 0usize;
    let mut item = String::new();
    for (event, _) in events {
        match event {
            Event::Start(tag) if is_inline(&tag.to_end()) => {}
            Event::Start(Tag::Item) if depth == 0 => {
                items += 1;
                depth += 1;
            }
            Event::Start(Tag::Paragraph) if depth == 1 => {
                paragraphs += 1;
                depth += 1;
            }
            Event::Start(_) => return None,
            Event::End(tag) if !is_inline(tag) => depth = depth.saturating_sub(1),
            Event::End(_) | Event::InlineHtml(_) | Event::FootnoteReference(_) => {}
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => item.push_str(t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::Html(_)
            | Event::Rule
            | Event::DisplayMath(_)
            | Event::TaskListMarker(_) => return None,
        }
    }
    let item = item.trim();
    let heading_like = items == 1
        && paragraphs <= 1
        && !item.is_empty()
        && item.chars().count() <= MAX_LIST_HEADING_CHARS
        && item.chars().any(char::is_alphabetic)
        && !item.chars().any(is_sentence_punct)
        && !item.ends_with(['.', '：', ':'])
        && !is_toc_entry(item)
        && label_parts(item).is_none_or(|l| l.value.is_empty());
    heading_like.then(|| item.to_string())
}

/// The numbering style of an ordered list's marker (`1.` or `1)`), from the list's source.
fn ordered_marker_style(list: &str) -> PseudoStyle {
    let after_digits = list
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit());
    if after_digits.starts_with(')') {
        PseudoStyle::Numbered(NumberingStyle::DecimalParen)
    } else {
        PseudoStyle::Numbered(NumberingStyle::Decimal)
    }
}

/// Everything in `0..len` not covered by `excluded`, as sorted, coalesced spans.
fn complement(excluded: &mut [Span], len: usize) -> Vec<Span> {
    excluded.sort();
    let mut out = Vec::new();
    let mut pos = 0;
    for e in excluded.iter() {
        if e.start > pos {
            out.push(Span::new(pos, e.start.min(len)));
        }
        pos = pos.max(e.end);
    }
    if pos < len {
        out.push(Span::new(pos, len));
    }
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(doc: &Document) -> Vec<(u8, &str, bool)> {
        doc.headings
            .iter()
            .map(|h| (h.level, h.text.text.as_str(), h.empty))
            .collect()
    }

    fn labels(doc: &Document) -> Vec<(&str, &str)> {
        doc.labels
            .iter()
            .map(|l| (l.key.text.as_str(), l.value.text.as_str()))
            .collect()
    }

    fn lines(doc: &Document) -> Vec<(LineKind, &str)> {
        doc.lines
            .iter()
            .map(|l| (l.kind, l.text.as_str()))
            .collect()
    }

    /// Label keys/values and table cells written without inner markup slice back to their text.
    fn assert_spans_exact(doc: &Document) {
        let src = &doc.source;
        for l in &doc.labels {
            assert_eq!(src.slice(l.key.span), l.key.text, "key {l:?}");
            assert_eq!(src.slice(l.value.span), l.value.text, "value {l:?}");
        }
        for t in &doc.tables {
            for c in t.header.iter().chain(t.rows.iter().flatten()) {
                assert_eq!(src.slice(c.span), c.text, "cell {c:?}");
            }
        }
    }

    /// Invariants that hold for any input.
    fn assert_well_formed(doc: &Document) {
        let len = doc.text().len();
        let on_boundary = |s: Span| s.end <= len && doc.text().get(s.range()).is_some();
        for h in &doc.headings {
            assert!(on_boundary(h.text.span));
            assert!(
                h.body_start <= h.section_end && h.section_end <= len,
                "{h:?}"
            );
        }
        for l in &doc.lines {
            assert!(on_boundary(l.span));
            assert!(!l.text.is_empty());
            assert!(!doc.source.slice(l.span).contains('\n'), "{l:?}");
        }
        for l in &doc.labels {
            assert!(on_boundary(l.key.span) && on_boundary(l.value.span));
        }
        for t in &doc.tables {
            assert!(on_boundary(t.span));
            for c in t.header.iter().chain(t.rows.iter().flatten()) {
                assert!(on_boundary(c.span));
            }
        }
        for p in &doc.prose {
            assert!(on_boundary(*p) && !p.is_empty());
        }
        for v in doc.front_matter.values() {
            assert!(on_boundary(v.span));
        }
    }

    #[test]
    fn atx_and_setext_headings() {
        let text = "# 2027年市场调研报告\n\n## 一、引言 ##\n\n背景。\n\n研究方法\n---\n\n文字\n\nResults\n=======\n";
        let doc = read_markdown("r.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "2027年市场调研报告", false),
                (2, "一、引言", false),
                (2, "研究方法", false),
                (1, "Results", true),
            ]
        );
        for h in &doc.headings {
            assert_eq!(doc.source.slice(h.text.span), h.text.text);
        }
        assert_eq!(doc.headings[1].normalized, "引言");
        assert_eq!(doc.headings[3].normalized, "results");
        // Setext: the text line only, the underline is not part of the heading text.
        assert_eq!(doc.source.slice(doc.headings[2].text.span), "研究方法");
        assert_eq!(
            doc.headings[2].body_start,
            text.find("\n\n文字").unwrap() + 1
        );
        assert_eq!(doc.headings[0].section_end, text.find("Results").unwrap());
        assert_eq!(doc.headings[1].section_end, text.find("研究方法").unwrap());
        assert_eq!(doc.headings[3].section_end, text.len());
        assert_eq!(doc.title.as_ref().unwrap().text, "2027年市场调研报告");
        assert_well_formed(&doc);
    }

    #[test]
    fn heading_with_inline_markup() {
        let doc = read_markdown("r.md", "## 一、**推广目标**：\n\n文字\n");
        let h = &doc.headings[0];
        assert_eq!(h.text.text, "一、推广目标：");
        assert_eq!(h.normalized, "推广目标");
        assert_eq!(doc.source.slice(h.text.span), "一、**推广目标**：");
        // A heading ending with a colon is a heading, not a label.
        assert!(doc.labels.is_empty());
        assert_eq!(lines(&doc)[0], (LineKind::Heading, "一、推广目标："));
    }

    #[test]
    fn bold_and_chinese_numbered_lines_are_headings() {
        let text = "# 活动方案\n\n**一、活动主题**\n\n春季促销。\n\n（一）时间\n\n三月。\n\n**二、活动形式**\n\n线下。\n\n第三部分 预算\n\n见下表。\n";
        let doc = read_markdown("p.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "活动方案", false),
                (7, "一、活动主题", false),
                (8, "（一）时间", false),
                (7, "二、活动形式", false),
                (9, "第三部分 预算", false),
            ]
        );
        let h = &doc.headings[1];
        assert_eq!(doc.source.slice(h.text.span), "一、活动主题");
        assert_eq!(h.normalized, "活动主题");
        assert_eq!(h.section_end, text.find("**二、").unwrap());
        assert!(
            doc.lines
                .iter()
                .any(|l| l.kind == LineKind::Heading && l.text == "（一）时间")
        );
        // A `#` section contains its pseudo-headings.
        assert_eq!(doc.headings[0].section_end, text.len());
    }

    #[test]
    fn unnumbered_bold_lines_rank_after_numbered_styles() {
        let doc = read_markdown("p.md", "**活动背景**\n\n文字\n\n__目标__\n\n文字\n");
        assert_eq!(
            headings(&doc),
            vec![(7, "活动背景", false), (7, "目标", false)]
        );
        assert_eq!(doc.title.as_ref().unwrap().text, "活动背景");
    }

    #[test]
    fn what_is_not_a_pseudo_heading() {
        let text = "# T\n\n1. 引言\n2. 方法\n\n**本方案仅供内部使用。**\n\n**预算：5万元**\n\n一、我们将在全国范围内开展调研覆盖三十个城市并分析结果，形成报告\n\n> **引用中的粗体**\n\n- **列表中的粗体**\n- 第二项\n\n部分**粗体**\n";
        let doc = read_markdown("p.md", text);
        assert_eq!(headings(&doc), vec![(1, "T", false)]);
        assert_eq!(labels(&doc), vec![("预算", "5万元")]);
        assert_spans_exact(&doc);
    }

    #[test]
    fn typed_table_of_contents_is_not_pseudo_headings() {
        let text = "# 门店服务调研报告\n\n目录\n\n一、研究背景 ........ 1\n二、调研方法……………2\n**四、结论 ········ 5**\n附录：问卷……12\n\n1. 引言\t3\n\n正文。\n\n一、研究背景\n\n文字。\n\n五、建议\n\n文字。\n";
        let doc = read_markdown("m.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "门店服务调研报告", false),
                (7, "一、研究背景", false),
                (7, "五、建议", false),
            ]
        );
        assert!(labels(&doc).is_empty(), "{:?}", labels(&doc));
        assert!(
            doc.lines
                .iter()
                .any(|l| l.kind == LineKind::Prose && l.text == "四、结论 ········ 5")
        );
        assert_spans_exact(&doc);
    }

    #[test]
    fn numbered_lines_inside_a_paragraph_are_headings() {
        let text =
            "# 方案\n一、活动主题\n春季促销\n二、活动时间\n（一）开始\n三月\n**预算**\n说明文字\n";
        let doc = read_markdown("p.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "方案", false),
                (7, "一、活动主题", false),
                (7, "二、活动时间", false),
                (8, "（一）开始", false),
                (9, "预算", false),
            ]
        );
        assert_eq!(
            lines(&doc),
            vec![
                (LineKind::Heading, "方案"),
                (LineKind::Heading, "一、活动主题"),
                (LineKind::Prose, "春季促销"),
                (LineKind::Heading, "二、活动时间"),
                (LineKind::Heading, "（一）开始"),
                (LineKind::Prose, "三月"),
                (LineKind::Heading, "预算"),
                (LineKind::Prose, "说明文字"),
            ]
        );
        let h = &doc.headings[1];
        assert_eq!(h.body_start, text.find("春季").unwrap());
        assert_eq!(h.section_end, text.find("二、").unwrap());
        // Same-level pseudo-headings back to back: the first is empty.
        let doc = read_markdown("p.md", "一、主题\n二、时间\n三月\n");
        assert_eq!(
            headings(&doc),
            vec![(7, "一、主题", true), (7, "二、时间", false)]
        );
    }

    #[test]
    fn one_item_lists_followed_by_text_are_headings() {
        let text = "# 外卖包装调研报告\n\n【内部资料】仅限运营组\n\n1. 引言\n\n投诉上升。\n\n2. 调研方法\n\n抽检 300 单。\n\n3. 调研结果\n\n| 指标 | 值 |\n|---|---|\n| 洒漏率 | 4.3% |\n\n4) 结论\n\n杯盖不足。\n";
        let doc = read_markdown("r.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "外卖包装调研报告", false),
                (7, "1. 引言", false),
                (7, "2. 调研方法", false),
                (7, "3. 调研结果", false),
                (8, "4) 结论", false),
            ]
        );
        let normalized: Vec<_> = doc.headings.iter().map(|h| h.normalized.as_str()).collect();
        assert_eq!(
            normalized,
            vec!["外卖包装调研报告", "引言", "调研方法", "调研结果", "结论"]
        );
        for h in &doc.headings {
            assert_eq!(doc.source.slice(h.text.span), h.text.text);
        }
        let h = &doc.headings[1];
        assert_eq!(h.text.span.start, text.find("1. 引言").unwrap());
        assert_eq!(h.body_start, text.find("\n投诉").unwrap());
        assert_eq!(h.section_end, text.find("2. 调研").unwrap());
        // The `#` section holds them; the heading lines are heading lines.
        assert_eq!(doc.headings[0].section_end, text.len());
        assert!(lines(&doc).contains(&(LineKind::Heading, "调研方法")));
        assert!(!lines(&doc).iter().any(|l| l.0 == LineKind::ListItem));
        assert_eq!(doc.title.as_ref().unwrap().text, "外卖包装调研报告");
        assert_well_formed(&doc);
    }

    #[test]
    fn one_item_list_headings_rank_with_other_pseudo_headings() {
        // `一、` first seen → 7, `1.` → 8; an empty list heading before a sibling of its parent.
        let text =
            "一、总则\n\n正文\n\n1. 引言\n\n**二、方法**\n\n正文\n\n1. 问卷\n\n- 抽样\n\n正文\n";
        let doc = read_markdown("r.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (7, "一、总则", false),
                (8, "1. 引言", true),
                (7, "二、方法", false),
                (8, "1. 问卷", false),
                (9, "抽样", false),
            ]
        );
        let h = &doc.headings[1];
        assert_eq!(h.section_end, text.find("**二、").unwrap());
        assert_eq!(doc.source.slice(doc.headings[4].text.span), "抽样");
        assert_eq!(doc.title.as_ref().unwrap().text, "一、总则");
        // A bullet item numbered in its text takes that numbering's style; the bullet is not
        // part of the heading.
        let doc = read_markdown("r.md", "# T\n\n- 一、引言\n\n正文\n\n二、方法\n\n正文\n");
        assert_eq!(
            headings(&doc),
            vec![
                (1, "T", false),
                (7, "一、引言", false),
                (7, "二、方法", false)
            ]
        );
        // Markup inside the item: the heading points at its whole line.
        let text = "# T\n\n1. **引言**\n\n文字\n";
        let doc = read_markdown("r.md", text);
        let h = &doc.headings[1];
        assert_eq!(
            (h.text.text.as_str(), h.normalized.as_str()),
            ("1. 引言", "引言")
        );
        assert_eq!(doc.source.slice(h.text.span), "1. **引言**");
        assert_well_formed(&doc);
    }

    #[test]
    fn lists_that_stay_lists() {
        for text in [
            // Two or more items: a list of points.
            "# T\n\n1. 引言\n2. 方法\n\n正文\n",
            "# T\n\n1. 引言\n\n2. 方法\n\n正文\n",
            "# T\n\n- 第一点\n- 第二点\n\n正文\n",
            // Not followed by text.
            "# T\n\n1. 引言\n",
            "# T\n\n1. 引言\n\n---\n\n正文\n",
            "# T\n\n1. 引言\n\n> 引用\n",
            "# T\n\n1. 引言\n\n- 甲\n- 乙\n",
            // Introduced by a colon.
            "# T\n\n活动步骤：\n\n1. 签到\n\n现场领取物料。\n",
            "# T\n\n注意 **步骤:**\n\n- 签到\n\n现场领取物料。\n",
            // A sentence, a label, a long line, a trailing colon or full stop.
            "# T\n\n1. 我们在上海调研，覆盖三个区\n\n正文\n",
            "# T\n\n1. 地点: 上海\n\n正文\n",
            "# T\n\n1. 这是一个非常非常非常非常非常非常非常非常非常非常长的列表项目文字\n\n正文\n",
            "# T\n\n1. 预算：\n\n正文\n",
            "# T\n\n1. Ends with a stop.\n\n正文\n",
            // More than one line, or more than text, in the item.
            "# T\n\n1. 引言\n   续行\n\n正文\n",
            "# T\n\n1. 引言\n   - 子项\n\n正文\n",
            "# T\n\n1. 引言\n\n   第二段\n\n正文\n",
            // Not at the top level.
            "# T\n\n> 1. 引言\n>\n> 正文\n",
            "# T\n\n- 甲\n\n  1. 引言\n\n  正文\n",
        ] {
            let doc = read_markdown("l.md", text);
            assert_eq!(headings(&doc), vec![(1, "T", false)], "{text:?}");
            assert_well_formed(&doc);
        }
        // The label stays a label.
        let doc = read_markdown("l.md", "# T\n\n1. 地点: 上海\n\n正文\n");
        assert_eq!(labels(&doc), vec![("地点", "上海")]);
    }

    #[test]
    fn numbering_before_a_colon_makes_a_pseudo_heading() {
        let text = "# 报告\n\n第一部分：研究背景\n\n文字\n\n**第二部分：调研方法**\n\n文字\n\n第三部分：我们认为，市场仍在增长。\n";
        let doc = read_markdown("r.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "报告", false),
                (7, "第一部分：研究背景", false),
                (7, "第二部分：调研方法", false),
            ]
        );
        assert_eq!(doc.headings[1].normalized, "研究背景");
        assert_eq!(doc.headings[2].normalized, "调研方法");
        assert!(doc.labels.is_empty(), "{:?}", labels(&doc));
        assert_well_formed(&doc);
    }

    #[test]
    fn title_skips_stamps_without_a_hash_heading() {
        let cases = [
            (
                "【内部资料】仅限品牌部\n2027年度品牌推广计划\n\n正文。\n",
                "2027年度品牌推广计划",
            ),
            (
                "密级：内部\n\n**2027年度品牌推广计划**\n\n**一、目标**\n\n正文。\n",
                "2027年度品牌推广计划",
            ),
            (
                "> [CONFIDENTIAL] Brand team only\n\nPromotion Plan\n",
                "Promotion Plan",
            ),
            (
                "CONFIDENTIAL – INTERNAL USE ONLY\n\n机密★一年\n\n调研计划\n",
                "调研计划",
            ),
            // All stamps: the first line.
            ("密级：内部\n\n〔机密〕\n", "密级：内部"),
            // What follows is a section heading: the first line stays the title.
            ("【内部资料】\n\n一、推广目标\n\n正文。\n", "【内部资料】"),
            ("【内部资料】\n\n1. 引言\n\n正文。\n", "【内部资料】"),
            (
                "Q3 Store Events: Review\n\nSales\nSales grew.\n",
                "Q3 Store Events: Review",
            ),
            // A `#` heading wins anyway.
            ("**机密**\n\n# 调研报告\n", "调研报告"),
        ];
        for (text, want) in cases {
            let doc = read_markdown("t.md", text);
            assert_eq!(
                doc.title.as_ref().map(|t| t.text.as_str()),
                Some(want),
                "{text:?}"
            );
            assert_well_formed(&doc);
        }
        // The stamps are still lines (and labels).
        let doc = read_markdown("t.md", "密级：内部\n\n【内部资料】\n\n推广计划\n");
        assert_eq!(
            lines(&doc),
            vec![
                (LineKind::Prose, "密级：内部"),
                (LineKind::Prose, "【内部资料】"),
                (LineKind::Prose, "推广计划"),
            ]
        );
        assert_eq!(labels(&doc), vec![("密级", "内部")]);
        let title = doc.title.unwrap();
        assert_eq!(doc.source.slice(title.span), "推广计划");
    }

    #[test]
    fn html_headings() {
        let text = "<h1>2026年调研报告</h1>\n\n> 【内部资料】\n\n<h2 id=\"a\" class='x>y'>一、引言</h2>\n\n正文。\n\n<H3>R&amp;D <b>方法</b></H3>\n\n<h2>二、结论</h2>\n\n<div>其他</div>\n\n<h2>三、建议</h2>\n<p>x</p>\n\n<h2>\n四、附录\n</h2>\n";
        let doc = read_markdown("h.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "2026年调研报告", false),
                (2, "一、引言", false),
                (3, "R&D 方法", true),
                (2, "二、结论", false),
                (2, "四、附录", true),
            ]
        );
        let title = doc.title.as_ref().map(|t| (t.text.as_str(), t.span));
        assert_eq!(
            title,
            Some(("2026年调研报告", Span::new(4, 4 + "2026年调研报告".len())))
        );
        assert_eq!(doc.source.slice(doc.headings[1].text.span), "一、引言");
        assert_eq!(doc.source.slice(doc.headings[4].text.span), "四、附录");
        // Entities and inner tags: the span is the text inside the tags.
        assert_eq!(
            doc.source.slice(doc.headings[2].text.span),
            "R&amp;D <b>方法</b>"
        );
        let heading_lines: Vec<_> = doc
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Heading)
            .map(|l| (l.text.as_str(), doc.source.slice(l.span)))
            .collect();
        assert_eq!(
            heading_lines,
            vec![
                ("2026年调研报告", "2026年调研报告"),
                ("一、引言", "一、引言"),
                ("R&D 方法", "R&amp;D <b>方法</b>"),
                ("二、结论", "二、结论"),
                ("四、附录", "四、附录"),
            ]
        );
        // Not one heading element: content, not a heading.
        for other in [
            "<h2>a</h2><h2>b</h2>\n",
            "<h2>a</h3>\n",
            "<h7>a</h7>\n",
            "<h2>a</h2>\n<p>b</p>\n",
            "<header>a</header>\n",
            "<h2>a &amp 调研报告调研报告</h2\n",
        ] {
            let doc = read_markdown("h.md", &format!("# T\n\n{other}"));
            assert_eq!(headings(&doc), vec![(1, "T", false)], "{other:?}");
            assert_well_formed(&doc);
        }
        for odd in [
            "<h2>",
            "<h2 a=\"",
            "<h2>&#0;&#xZZ;&#99999999;&\n</h2>",
            "<h1></h1>",
        ] {
            assert_well_formed(&read_markdown("h.md", odd));
        }
        assert_well_formed(&doc);
    }

    #[test]
    fn emptiness() {
        let text = "# 报告\n## 引言\n## 方法\n### 问卷\n内容\n## 结果\n<!-- 待补充 -->\n## 列表\n- a\n## 表格\n| a | b |\n|---|---|\n| 1 | 2 |\n## 代码\n```\nx\n```\n## 结论\n";
        let doc = read_markdown("r.md", text);
        assert_eq!(
            headings(&doc),
            vec![
                (1, "报告", false),
                (2, "引言", true),
                (2, "方法", false),
                (3, "问卷", false),
                (2, "结果", true),
                (2, "列表", false),
                (2, "表格", false),
                (2, "代码", false),
                (2, "结论", true),
            ]
        );
        // A heading whose only content is an (empty) sub-heading is not empty.
        let doc = read_markdown("r.md", "## 一\n### 二\n## 三\n正文\n");
        assert_eq!(
            headings(&doc),
            vec![(2, "一", false), (3, "二", true), (2, "三", false)]
        );
    }

    #[test]
    fn labels_in_paragraphs_and_lists() {
        let text = "# 方案\n\n**预算**：5万元\n主题：春季促销\nBudget: ¥50,000\n\n- 渠道：微信、抖音\n- **时间：** 2027年3月\n1. 地点: 上海\n\n会议 10:30 开始\n10:30\n链接 https://example.com/a\n见 <https://example.com>\n\n预算：\n\n| 项目 | 金额 |\n|---|---|\n| 场地：A | 100 |\n";
        let doc = read_markdown("p.md", text);
        assert_eq!(
            labels(&doc),
            vec![
                ("预算", "5万元"),
                ("主题", "春季促销"),
                ("Budget", "¥50,000"),
                ("渠道", "微信、抖音"),
                ("时间", "2027年3月"),
                ("地点", "上海"),
                ("预算", ""),
            ]
        );
        let l = &doc.labels[0];
        assert_eq!(l.normalized, "预算");
        assert_eq!(l.line.text, "预算：5万元");
        assert_eq!(doc.source.slice(l.line.span), "**预算**：5万元");
        let empty = &doc.labels[6];
        assert!(empty.value.span.is_empty());
        assert_eq!(
            empty.value.span.start,
            text.find("预算：\n").unwrap() + "预算：".len()
        );
        assert_spans_exact(&doc);
        assert_well_formed(&doc);
    }

    #[test]
    fn tables_with_cjk_cells() {
        let text = "## 预算\n\n| 项目 | 金额（元） |\n|:---|---:|\n| 场地租赁 | **12,000** |\n| 物料 | 3\\|4 |\n| 合计 |  |\n\n后记\n";
        let doc = read_markdown("b.md", text);
        assert_eq!(doc.tables.len(), 1);
        let t = &doc.tables[0];
        let cells = |row: &[Spanned]| row.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
        assert_eq!(cells(&t.header), vec!["项目", "金额（元）"]);
        assert_eq!(cells(&t.rows[0]), vec!["场地租赁", "12,000"]);
        assert_eq!(cells(&t.rows[1]), vec!["物料", "3|4"]);
        assert_eq!(cells(&t.rows[2]), vec!["合计", ""]);
        for c in t.header.iter().chain(&t.rows[0]).chain([&t.rows[2][0]]) {
            assert_eq!(doc.source.slice(c.span), c.text);
        }
        assert_eq!(doc.source.slice(t.rows[1][1].span), "3\\|4");
        assert!(t.rows[2][1].span.is_empty());
        assert!(doc.source.slice(t.span).starts_with("| 项目"));
        assert!(doc.source.slice(t.span).ends_with("| 合计 |  |"));
        let rows: Vec<_> = doc
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::TableRow)
            .map(|l| (l.text.as_str(), doc.source.slice(l.span)))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("项目 金额（元）", "| 项目 | 金额（元） |"),
                ("场地租赁 12,000", "| 场地租赁 | **12,000** |"),
                ("物料 3|4", "| 物料 | 3\\|4 |"),
                ("合计", "| 合计 |  |"),
            ]
        );
        assert!(doc.labels.is_empty());
        assert_well_formed(&doc);
    }

    #[test]
    fn front_matter() {
        let text = "---\nTitle: \"2027 推广计划\"\nkind: promotion-plan\nclassification: 内部  # 密级\nyear: 2027\ntags: [a, b]\nowner:\n  name: x\n---\n# 推广计划\n";
        let doc = read_markdown("p.md", text);
        let fm = &doc.front_matter;
        assert_eq!(
            fm.keys().collect::<Vec<_>>(),
            vec!["classification", "kind", "title", "year"]
        );
        for (k, v) in [
            ("title", "2027 推广计划"),
            ("kind", "promotion-plan"),
            ("classification", "内部"),
            ("year", "2027"),
        ] {
            assert_eq!(fm[k].text, v);
            assert_eq!(doc.source.slice(fm[k].span), v);
        }
        assert_eq!(headings(&doc), vec![(1, "推广计划", true)]);
        assert_eq!(lines(&doc), vec![(LineKind::Heading, "推广计划")]);
        assert_eq!(
            doc.prose,
            vec![Span::new(text.find("# 推广").unwrap(), text.len())]
        );
    }

    #[test]
    fn invalid_or_misplaced_front_matter() {
        let doc = read_markdown("p.md", "---\nkey: [unclosed\n---\n# T\n");
        assert!(doc.front_matter.is_empty());
        assert_eq!(headings(&doc), vec![(1, "T", true)]);
        // Not at the start: ordinary Markdown (a rule and a Setext heading).
        let doc = read_markdown("p.md", "正文\n\n---\nkind: x\n---\n");
        assert!(doc.front_matter.is_empty());
        assert_eq!(headings(&doc), vec![(2, "kind: x", true)]);
        // A list, not a mapping.
        let doc = read_markdown("p.md", "---\n- a\n- b\n---\ntext\n");
        assert!(doc.front_matter.is_empty());
        assert_eq!(lines(&doc), vec![(LineKind::Prose, "text")]);
        // Unclosed: no front matter.
        let doc = read_markdown("p.md", "---\nkind: x\n");
        assert!(doc.front_matter.is_empty());
        // Absurd nesting is refused, not recursed into.
        let deep = format!("---\nk: {}\n---\n", "[".repeat(100_000));
        assert!(read_markdown("p.md", &deep).front_matter.is_empty());
    }

    #[test]
    fn code_and_comments_are_not_content_lines_or_prose() {
        let text = "# T\n\n```\n预算：5万元\n```\n\n    indented code\n\n<!-- 机密 -->\n\n<div>html</div>\n\n正文 <!-- 备注 --> 结束\n";
        let doc = read_markdown("c.md", text);
        assert_eq!(
            lines(&doc),
            vec![(LineKind::Heading, "T"), (LineKind::Prose, "正文  结束")]
        );
        assert!(doc.labels.is_empty());
        let prose: String = doc.prose.iter().map(|s| doc.source.slice(*s)).collect();
        assert!(!prose.contains("预算"));
        assert!(!prose.contains("indented"));
        assert!(!prose.contains("机密"));
        assert!(!prose.contains("备注"));
        assert!(prose.contains("正文"));
        assert!(prose.contains("结束"));
        assert!(prose.contains("html"));
        assert_well_formed(&doc);
    }

    #[test]
    fn line_kinds_and_texts() {
        let text = "# 标题\n\n段落 *强调* 文字\n第二行\n\n- 项目一\n- 项目二\n  续行\n\n> 引用\n> 第二行\n\n1. 有序\n\n---\n";
        let doc = read_markdown("l.md", text);
        assert_eq!(
            lines(&doc),
            vec![
                (LineKind::Heading, "标题"),
                (LineKind::Prose, "段落 强调 文字"),
                (LineKind::Prose, "第二行"),
                (LineKind::ListItem, "项目一"),
                (LineKind::ListItem, "项目二"),
                (LineKind::ListItem, "续行"),
                (LineKind::Quote, "引用"),
                (LineKind::Quote, "第二行"),
                (LineKind::ListItem, "有序"),
            ]
        );
        let spans: Vec<_> = doc.lines.iter().map(|l| doc.source.slice(l.span)).collect();
        assert_eq!(
            spans,
            vec![
                "标题",
                "段落 *强调* 文字",
                "第二行",
                "项目一",
                "项目二",
                "续行",
                "引用",
                "第二行",
                "有序"
            ]
        );
    }

    #[test]
    fn crlf() {
        let text = "---\r\nkind: x\r\n---\r\n# 标题\r\n\r\n预算：5万元\r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n\r\n结论\r\n====\r\n";
        let doc = read_markdown("c.md", text);
        assert_eq!(doc.front_matter["kind"].text, "x");
        assert_eq!(doc.source.slice(doc.front_matter["kind"].span), "x");
        assert_eq!(headings(&doc), vec![(1, "标题", false), (1, "结论", true)]);
        assert_eq!(labels(&doc), vec![("预算", "5万元")]);
        for l in &doc.lines {
            assert!(!doc.source.slice(l.span).contains('\r'), "{l:?}");
        }
        assert_eq!(doc.tables[0].rows[0][1].text, "2");
        assert_spans_exact(&doc);
        assert_well_formed(&doc);
    }

    #[test]
    fn title_fallbacks() {
        let doc = read_markdown("t.md", "内部资料\n\n正文\n");
        assert_eq!(doc.title.as_ref().unwrap().text, "内部资料");
        let doc = read_markdown("t.md", "**机密**\n\n# 调研报告\n");
        assert_eq!(doc.title.as_ref().unwrap().text, "调研报告");
        let doc = read_markdown("t.md", "```\ncode\n```\n");
        assert!(doc.title.is_none());
    }

    #[test]
    fn empty_input() {
        for text in ["", "\n", "   \n\n", "---\n---\n"] {
            let doc = read_markdown("e.md", text);
            assert!(doc.headings.is_empty() && doc.labels.is_empty() && doc.tables.is_empty());
            assert!(doc.title.is_none() || text.starts_with("---"));
            assert_well_formed(&doc);
        }
        assert!(read_markdown("e.md", "").prose.is_empty());
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let alphabet: Vec<char> = "#*_`|>-+:：\n\r\t 1.一、（）[]()!<>-~\\&;预算abc\u{FEFF}"
            .chars()
            .collect();
        for round in 0..300 {
            let len = (round * 13) % 500;
            let mut bytes = Vec::with_capacity(len);
            let mut structured = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                bytes.push((seed >> 16) as u8);
                structured.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let lossy = String::from_utf8_lossy(&bytes).into_owned();
            for text in [
                lossy,
                structured.clone(),
                format!("---\n{structured}\n---\n{structured}"),
            ] {
                let doc = read_markdown("g.md", &text);
                assert_well_formed(&doc);
            }
        }
        for text in [
            "**",
            "|",
            "|-|\n|",
            "> - # a\n> b",
            "- ```\n",
            "<!--",
            "a <!-- b",
            "\u{FEFF}---\nk: v\n---\n",
            "1. a\n\nb",
            "1.\n\nb",
            "- \n\nb",
            "1. `a`\n\n|x|\n|-|\n",
            "- a\n\n* b\n\n1) c\n\nd",
            "【\n\n★",
        ] {
            assert_well_formed(&read_markdown("g.md", text));
        }
    }
}
