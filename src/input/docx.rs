//! The .docx reader: a WordprocessingML package → the document model.
//!
//! A .docx has no text lines of its own, so the reader synthesises the [`Document`]'s source
//! text and every span points into it:
//!
//! - one line per body paragraph, in document order (paragraphs in content controls
//!   included, text-box paragraphs right after the paragraph that anchors them), and one line
//!   per table row with its cells' text joined by ` | `, so body line *n* is the *n*-th
//!   paragraph or row as users count them. A soft line break (Shift+Enter: `w:br` without a
//!   type or of type `textWrapping`, `w:cr`; python-docx writes one for each `"\n"`) splits a
//!   paragraph: each segment is a line of its own (and a heading or label candidate of its
//!   own), so line *n* is the *n*-th paragraph-or-segment. Page and column breaks are spaces;
//!   so is a soft break in a `Title` or heading-styled paragraph, which stays one line (the
//!   break only wraps the heading), and in a table cell (a row stays one line);
//! - then, after one empty line, the page header and footer paragraphs (each distinct text
//!   once; a header table gives one line per cell), which become [`Document::header`] and
//!   [`Document::footer`]. A header or footer paragraph is split at soft breaks and at runs
//!   of tabs (`公司名⇥⇥【内部资料】仅限市场部`: text in its own tab stop is a line of its own);
//! - then, after one empty line, the core properties kept as front matter (`title: …`,
//!   `subject: …`, `keywords: …`, `category: …`), which, like Markdown front matter, are
//!   neither lines nor prose.
//!
//! Headings are paragraphs whose style is a heading style (built-in or localised names, or
//! an outline level, followed through `basedOn`), plus short unstyled paragraphs numbered in
//! Chinese (`一、`, `（一）`, `第一章`), typed or by Word's automatic numbering (whose label is
//! rendered from `numbering.xml` to recognise them, not added to the text), and short
//! unstyled paragraphs numbered with Arabic numbers (`1. 研究背景`, `2.1 样本`, `3、结果`) whose
//! text is all bold (by the runs, their character style or the paragraph style) — not bold,
//! such a paragraph is a numbered list item. Table-of-contents entries are never headings:
//! paragraphs in a `toc N` / `目录 N` style or inside a field, and entries typed as text
//! (`四、结论…………5`, `1. 引言⇥3`, see [`is_toc_entry`]); nor are typed entries labels.
//!
//! The title is the first `Title` paragraph, else the first `Heading 1` (or a plain title
//! line above it), else the core property `title`, else the first non-empty paragraph that
//! is not a stamp. A plain title line continued after a soft break (`2027年华东区⏎消费调研报告`)
//! is read with its continuation, joined by a space.
//!
//! Reading is bounded: the number of zip entries, the bytes decompressed per part and in
//! all, and the XML nesting depth are limited ([`DocxLimits`]); declared sizes are never
//! trusted. Entities are never resolved.

mod body;
mod numbering;
mod package;
mod styles;
mod xml;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::input::ReadError;
use crate::input::text::{
    HeadingDraft, StyleLevels, build_headings, is_stamp_line, label_at, label_parts, rank_to_level,
    sentence_like, spanned, title_choice,
};
use crate::model::normalize::{NumberingStyle, is_toc_entry, numbering_prefix};
use crate::model::{Document, Format, Line, LineKind, Spanned, Table};
use crate::source::{SourceFile, Span};

use body::{Block, Para, Row, Walker};
use numbering::Numbering;
use package::{Package, Rel, error};
use styles::{Resolved, StyleKind, Styles};
use xml::Tree;

/// Limits on what reading one .docx may cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxLimits {
    /// Most zip entries a package may have.
    pub max_entries: usize,
    /// Most bytes decompressed from all the parts read.
    pub max_total_uncompressed: u64,
    /// Most bytes one part may decompress to.
    pub max_part_size: u64,
    /// Deepest XML element nesting.
    pub max_xml_depth: usize,
}

impl Default for DocxLimits {
    fn default() -> Self {
        DocxLimits {
            max_entries: 2_000,
            max_total_uncompressed: 200 * 1024 * 1024,
            max_part_size: 50 * 1024 * 1024,
            max_xml_depth: 256,
        }
    }
}

/// A review comment and the body line it is anchored to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxComment {
    /// 1-based line of the paragraph (or table row) the comment is attached to.
    pub line: usize,
    /// Span of that line's text.
    pub span: Span,
    /// The comment's `w:id`.
    pub id: String,
    pub author: String,
    /// The comment's paragraphs, joined with newlines.
    pub text: String,
}

/// Longest paragraph (in characters) that can be an unstyled numbered heading.
const MAX_HEADING_CHARS: usize = 40;
/// Longest bold paragraph (in characters) that can be a heading numbered with Arabic numbers.
const MAX_ARABIC_HEADING_CHARS: usize = 30;
/// Longest paragraph (in characters) above the first `Heading 1` that can be the title.
const MAX_TITLE_CHARS: usize = 60;
/// Core properties kept as front matter, in this order.
const CORE_KEYS: &[&str] = &["title", "subject", "keywords", "category"];

/// Read a .docx (its bytes); `name` is the path as reported.
pub fn read_docx(bytes: &[u8], name: &str, limits: &DocxLimits) -> Result<Document, ReadError> {
    read_docx_with_comments(bytes, name, limits).map(|(doc, _)| doc)
}

/// The review comments of a .docx, each with the line it is anchored to (comments without
/// an anchor in the body are left out).
pub fn comments(
    bytes: &[u8],
    name: &str,
    limits: &DocxLimits,
) -> Result<Vec<DocxComment>, ReadError> {
    read_docx_with_comments(bytes, name, limits).map(|(_, c)| c)
}

/// [`read_docx`] and [`comments`] in one reading.
pub fn read_docx_with_comments(
    bytes: &[u8],
    name: &str,
    limits: &DocxLimits,
) -> Result<(Document, Vec<DocxComment>), ReadError> {
    if bytes.is_empty() {
        return Err(error("this .docx is empty (0 bytes)"));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(package::ole_error(bytes));
    }
    let mut pkg = Package::open(bytes, limits)?;
    let main = main_part(&mut pkg)?;
    let tree = pkg
        .tree(&main)
        .map_err(|e| e.into_read_error(&main))?
        .ok_or_else(|| not_word(&main))?;
    if !tree.is_w(tree.root(), "document") {
        return Err(not_word(&main));
    }
    let rels = pkg.rels(&main)?;
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);

    let styles_part = rel_target(&rels, "styles").unwrap_or_else(|| join(dir, "styles.xml"));
    let styles = pkg
        .optional_tree(&styles_part)?
        .map(|t| Styles::parse(&t))
        .unwrap_or_default();

    let numbering_part =
        rel_target(&rels, "numbering").unwrap_or_else(|| join(dir, "numbering.xml"));
    let numbering = pkg
        .optional_tree(&numbering_part)?
        .map(|t| Numbering::parse(&t))
        .unwrap_or_default();

    let mut blocks = Vec::new();
    if let Some(body) = tree.child_w(tree.root(), "body") {
        Walker::new(&tree, limits.max_xml_depth).blocks(body, 0, &mut blocks);
    }

    let (header_parts, footer_parts) = header_footer_parts(&tree, &rels);
    drop(tree);
    let headers = story_cells(&mut pkg, &header_parts, limits, true)?;
    let footers = story_cells(&mut pkg, &footer_parts, limits, false)?;

    let root_rels = pkg.rels("")?;
    let core_part = root_rels
        .iter()
        .find(|r| r.is("core-properties"))
        .map(|r| r.target.clone())
        .unwrap_or_else(|| "docProps/core.xml".to_string());
    let core = match pkg.optional_tree(&core_part)? {
        Some(t) => core_properties(&t),
        None => Vec::new(),
    };

    let comment_texts = match rel_target(&rels, "comments") {
        Some(part) => match pkg.optional_tree(&part)? {
            Some(t) => comment_texts(&t, limits),
            None => Vec::new(),
        },
        None => Vec::new(),
    };

    Ok(assemble(
        name,
        Parts {
            blocks,
            styles,
            numbering,
            headers,
            footers,
            core,
            comments: comment_texts,
        },
    ))
}

fn not_word(part: &str) -> ReadError {
    ReadError {
        message: format!("not a Word document: {part} is not a WordprocessingML document"),
        help: None,
    }
}

/// The main document part: the `officeDocument` relationship's target, else
/// `word/document.xml`.
fn main_part(pkg: &mut Package<'_>) -> Result<String, ReadError> {
    let rels = pkg.rels("")?;
    let mut candidates: Vec<String> = rels
        .iter()
        .filter(|r| r.is("officeDocument"))
        .map(|r| r.target.clone())
        .collect();
    candidates.push("word/document.xml".into());
    if let Some(part) = candidates.into_iter().find(|p| pkg.has(p)) {
        return Ok(part);
    }
    let what = if pkg.has("xl/workbook.xml") {
        " (it is an Excel workbook)"
    } else if pkg.has("ppt/presentation.xml") {
        " (it is a PowerPoint presentation)"
    } else {
        ""
    };
    Err(ReadError {
        message: format!("not a Word document: the package has no word/document.xml{what}"),
        help: None,
    })
}

fn rel_target(rels: &[Rel], kind: &str) -> Option<String> {
    rels.iter().find(|r| r.is(kind)).map(|r| r.target.clone())
}

fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

/// The header and footer parts the sections reference (all of them: default, first page,
/// even pages), in order; every header/footer relationship when no section references any.
fn header_footer_parts(tree: &Tree, rels: &[Rel]) -> (Vec<String>, Vec<String>) {
    let mut headers = Vec::new();
    let mut footers = Vec::new();
    for id in 0..tree.len() as u32 {
        let list = if tree.is_w(id, "headerReference") {
            &mut headers
        } else if tree.is_w(id, "footerReference") {
            &mut footers
        } else {
            continue;
        };
        let Some(rid) = tree.attr(id, "id") else {
            continue;
        };
        if let Some(rel) = rels.iter().find(|r| r.id == rid)
            && !list.contains(&rel.target)
        {
            list.push(rel.target.clone());
        }
    }
    if headers.is_empty() && footers.is_empty() {
        for r in rels {
            if r.is("header") && !headers.contains(&r.target) {
                headers.push(r.target.clone());
            } else if r.is("footer") && !footers.contains(&r.target) {
                footers.push(r.target.clone());
            }
        }
    }
    (headers, footers)
}

/// The distinct non-empty paragraph texts of header or footer parts (a table gives one text
/// per cell), split at soft breaks and at runs of tabs, and, with `watermarks`, after each
/// part's paragraphs the texts of its watermarks (VML WordArt, `v:textpath/@string`: the way
/// Word and WPS insert a text watermark, in a header part). Unreadable parts are skipped.
fn story_cells(
    pkg: &mut Package<'_>,
    parts: &[String],
    limits: &DocxLimits,
    watermarks: bool,
) -> Result<Vec<String>, ReadError> {
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        let Some(tree) = pkg.optional_tree(part)? else {
            continue;
        };
        let mut blocks = Vec::new();
        Walker::new(&tree, limits.max_xml_depth).blocks(tree.root(), 0, &mut blocks);
        let mut push = |s: &str| {
            for piece in s.split(['\n', '\t']) {
                let piece = piece.trim();
                if !piece.is_empty() && !out.iter().any(|o| o == piece) {
                    out.push(piece.to_string());
                }
            }
        };
        for b in &blocks {
            match b {
                Block::Para(p) => push(&p.text),
                Block::Table(rows) => {
                    for r in rows {
                        for c in &r.cells {
                            push(c);
                        }
                    }
                }
            }
        }
        if watermarks {
            for id in 0..tree.len() as u32 {
                if tree.ns(id) == xml::Ns::V
                    && tree.name(id) == "textpath"
                    && let Some(s) = tree.attr(id, "string")
                {
                    push(&body::one_line(s));
                }
            }
        }
    }
    Ok(out)
}

/// `title`, `subject`, `keywords`, `category` from the core properties, non-empty, on one
/// line each.
fn core_properties(tree: &Tree) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for c in tree.children(tree.root()) {
        let key = tree.name(c).to_ascii_lowercase();
        if !CORE_KEYS.contains(&key.as_str()) || out.iter().any(|(k, _)| *k == key) {
            continue;
        }
        let mut value = tree.text(c);
        // `cp:keywords` may hold `cp:value` children.
        for v in tree.children(c) {
            let t = tree.text(v);
            if !t.trim().is_empty() {
                if !value.trim().is_empty() {
                    value.push_str(", ");
                }
                value.push_str(t.trim());
            }
        }
        let value = collapse_spaces(&body::one_line(&value));
        if !value.is_empty() {
            out.push((key, value));
        }
    }
    out.sort_by_key(|(k, _)| CORE_KEYS.iter().position(|c| c == k));
    out
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A comment as found in the comments part.
#[derive(Debug, Clone)]
struct CommentText {
    id: String,
    author: String,
    text: String,
}

fn comment_texts(tree: &Tree, limits: &DocxLimits) -> Vec<CommentText> {
    let mut out = Vec::new();
    for c in tree.children(tree.root()) {
        if !tree.is_w(c, "comment") {
            continue;
        }
        let mut blocks = Vec::new();
        Walker::new(tree, limits.max_xml_depth).blocks(c, 0, &mut blocks);
        let mut paras = Vec::new();
        for b in &blocks {
            match b {
                Block::Para(p) => paras.push(p.text.trim().to_string()),
                Block::Table(rows) => {
                    for r in rows {
                        paras.push(r.cells.join(" | "));
                    }
                }
            }
        }
        out.push(CommentText {
            id: tree.attr(c, "id").unwrap_or("").to_string(),
            author: tree.attr(c, "author").unwrap_or("").to_string(),
            text: paras.join("\n").trim().to_string(),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Assembling the document

/// Appends lines to the synthesised text.
#[derive(Default)]
struct TextBuilder {
    text: String,
}

/// Where a line landed.
#[derive(Debug, Clone, Copy)]
struct At {
    start: usize,
    end: usize,
    /// Start of the next line.
    next: usize,
}

impl At {
    /// The line's span without surrounding whitespace.
    fn trimmed(&self, text: &str) -> Span {
        let line = text.get(self.start..self.end).unwrap_or("");
        let lead = line.len() - line.trim_start().len();
        let start = self.start + lead;
        Span::new(start, start + line.trim().len())
    }
}

impl TextBuilder {
    fn line(&mut self, s: &str) -> At {
        let start = self.text.len();
        self.text.push_str(s);
        let end = self.text.len();
        self.text.push('\n');
        At {
            start,
            end,
            next: self.text.len(),
        }
    }
}

/// What a body paragraph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Empty,
    Title,
    Heading(u8),
    Numbered(NumberingStyle),
    List,
    Prose,
}

struct BodyPara {
    para: Para,
    /// The paragraph's style, resolved.
    resolved: Resolved,
    /// Which paragraph of the body this line comes from (segments of one paragraph share it).
    group: usize,
    /// 0-based segment of the paragraph (split at soft breaks).
    segment: usize,
    /// All the line's text is bold.
    bold: bool,
    at: At,
    span: Span,
    role: Role,
    /// A table-of-contents entry (by style, or inside a field such as `TOC`).
    toc: bool,
    /// The label automatic numbering shows before the text (`一、`), if any.
    list_label: Option<String>,
}

impl BodyPara {
    /// The paragraph as shown: its automatic numbering label, then its text.
    fn shown<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.list_label {
            Some(label) => {
                let space = label.chars().last().is_some_and(char::is_alphanumeric);
                let sep = if space { " " } else { "" };
                Cow::Owned(format!("{label}{sep}{text}"))
            }
            None => Cow::Borrowed(text),
        }
    }
}

struct BodyRow {
    at: At,
    cells: Vec<Span>,
    comments: Vec<String>,
}

impl BodyRow {
    /// From the first non-empty cell to the last (empty when every cell is).
    fn content_span(&self) -> Span {
        let mut filled = self.cells.iter().filter(|c| !c.is_empty());
        match (filled.next(), filled.next_back()) {
            (Some(a), Some(b)) => a.join(*b),
            (Some(a), None) => *a,
            _ => Span::new(self.at.start, self.at.start),
        }
    }
}

enum BodyLine {
    Para(BodyPara),
    Row(BodyRow),
}

impl BodyLine {
    fn span(&self) -> Span {
        match self {
            BodyLine::Para(p) => p.span,
            BodyLine::Row(r) => r.content_span(),
        }
    }

    fn is_empty(&self) -> bool {
        self.span().is_empty()
    }
}

/// Whether an unstyled paragraph (or segment) is a numbered heading; returns its numbering
/// style. Numbered in Chinese (`一、引言`, `（一）背景`, `第一章 总则`) it is one when short and
/// not a sentence; numbered with Arabic numbers (`1. 研究背景`, `2.1 样本`, `3、结果分析`) only
/// when, besides, all its text is `bold`, at most [`MAX_ARABIC_HEADING_CHARS`] long and not
/// ending with a colon (a plain `1. …` paragraph is a list item). Never a table-of-contents
/// entry (`四、结论……5`).
fn numbered_heading(line: &str, bold: bool) -> Option<NumberingStyle> {
    let chars = line.chars().count();
    if chars > MAX_HEADING_CHARS || sentence_like(line) || line.contains('\t') || is_toc_entry(line)
    {
        return None;
    }
    let (style, len) = numbering_prefix(line)?;
    let rest = line.get(len..).unwrap_or("").trim();
    if style.is_chinese() {
        if rest.is_empty() && !style.may_stand_alone() {
            return None;
        }
    } else if style.is_arabic() {
        if !bold
            || chars > MAX_ARABIC_HEADING_CHARS
            || line.ends_with([':', '：'])
            || !rest.chars().any(char::is_alphabetic)
        {
            return None;
        }
    } else {
        return None;
    }
    if label_parts(line).is_some_and(|l| !l.value.is_empty()) {
        return None;
    }
    Some(style)
}

/// Byte length of a typed bullet (`• `, `- `) and the whitespace after it.
fn bullet_len(s: &str) -> usize {
    let mut chars = s.chars();
    let Some(c) = chars.next() else {
        return 0;
    };
    let after = c.len_utf8();
    let rest = s.get(after..).unwrap_or("");
    let spaced = rest.starts_with(char::is_whitespace);
    let bullet = match c {
        '-' | '*' | '+' => spaced,
        '•' | '·' | '●' | '○' | '▪' | '■' | '□' | '◆' | '◇' | '►' | '➢' | '√' | '✓' => {
            true
        }
        _ => false,
    };
    if bullet {
        after + (rest.len() - rest.trim_start().len())
    } else {
        0
    }
}

/// Everything read from the package, ready to be laid out.
struct Parts {
    blocks: Vec<Block>,
    styles: Styles,
    numbering: Numbering,
    headers: Vec<String>,
    footers: Vec<String>,
    /// Core properties kept as front matter, in [`CORE_KEYS`] order.
    core: Vec<(String, String)>,
    comments: Vec<CommentText>,
}

fn assemble(name: &str, parts: Parts) -> (Document, Vec<DocxComment>) {
    let Parts {
        blocks,
        styles,
        numbering,
        headers,
        footers,
        core,
        comments: comment_texts,
    } = parts;
    let mut b = TextBuilder::default();
    let mut body: Vec<BodyLine> = Vec::new();
    // Ranges of `body` that are tables.
    let mut table_ranges = Vec::new();
    for (group, block) in blocks.into_iter().enumerate() {
        match block {
            Block::Para(para) => {
                let resolved = styles.resolve(&para);
                // A soft break in a title or heading only wraps it.
                let whole = matches!(resolved.kind, StyleKind::Title | StyleKind::Heading(_));
                let segments: Vec<String> = if whole {
                    vec![para.text.replace('\n', " ")]
                } else {
                    para.text.split('\n').map(str::to_string).collect()
                };
                for (segment, seg) in segments.iter().enumerate() {
                    let at = b.line(seg);
                    let span = at.trimmed(&b.text);
                    let bold = styles.all_bold(&para, (!whole).then_some(segment));
                    let mut para = para.clone();
                    if segment > 0 {
                        // Comments are anchored to the paragraph's first line.
                        para.comments.clear();
                    }
                    body.push(BodyLine::Para(BodyPara {
                        para,
                        resolved: resolved.clone(),
                        group,
                        segment,
                        bold,
                        at,
                        span,
                        role: Role::Empty,
                        toc: false,
                        list_label: None,
                    }));
                }
            }
            Block::Table(rows) => {
                let first = body.len();
                for row in rows {
                    body.push(BodyLine::Row(row_line(&mut b, row)));
                }
                if body.len() > first {
                    table_ranges.push(first..body.len());
                }
            }
        }
    }
    let body_end = b.text.len();

    // Header and footer region.
    let has_hf = !headers.is_empty() || !footers.is_empty();
    if has_hf {
        b.line("");
    }
    let hf_line = |b: &mut TextBuilder, s: &str| {
        let at = b.line(s);
        Line {
            text: s.to_string(),
            span: at.trimmed(&b.text),
            kind: LineKind::Prose,
        }
    };
    let header: Vec<Line> = headers.iter().map(|s| hf_line(&mut b, s)).collect();
    let footer: Vec<Line> = footers.iter().map(|s| hf_line(&mut b, s)).collect();
    let prose_end = if has_hf {
        b.text.len().saturating_sub(1)
    } else {
        body_end
    };

    // Core properties region.
    let mut front_matter = BTreeMap::new();
    if !core.is_empty() {
        b.line("");
        for (key, value) in &core {
            let at = b.line(&format!("{key}: {value}"));
            let start = at.start + key.len() + 2;
            front_matter.insert(
                key.clone(),
                Spanned {
                    text: value.clone(),
                    span: Span::new(start, at.end),
                },
            );
        }
    }

    let source = SourceFile::new(name, b.text);
    let text = source.text();

    // Roles of body paragraphs.
    for line in &mut body {
        let BodyLine::Para(p) = line else { continue };
        let t = text.get(p.span.range()).unwrap_or("");
        if t.is_empty() {
            p.role = Role::Empty;
            continue;
        }
        let resolved = &p.resolved;
        // The numbering label shows before the paragraph's first line only.
        p.list_label = resolved
            .list
            .as_ref()
            .filter(|_| p.segment == 0)
            .and_then(|(num, ilvl)| numbering.label(num, *ilvl));
        let shown = p.shown(t);
        let numbered_list = resolved.numbered || bullet_len(t) > 0;
        let toc_entry = is_toc_entry(&shown);
        p.toc = resolved.kind == StyleKind::Toc || p.para.in_field || toc_entry;
        p.role = match resolved.kind {
            StyleKind::Title => Role::Title,
            StyleKind::Heading(level) if !p.para.textbox && !toc_entry => Role::Heading(level),
            StyleKind::Toc => {
                if numbered_list {
                    Role::List
                } else {
                    Role::Prose
                }
            }
            _ => match numbered_heading(&shown, p.bold) {
                Some(style) if !p.para.in_field && !p.para.textbox => Role::Numbered(style),
                _ if numbered_list => Role::List,
                _ => Role::Prose,
            },
        };
    }

    // Levels of numbered (unstyled) headings: the level of a styled heading numbered the
    // same way, else by first appearance — below every styled level when there are any.
    let mut known: Vec<(NumberingStyle, u8)> = Vec::new();
    let mut styled_max = 0u8;
    for line in &body {
        if let BodyLine::Para(p) = line
            && let Role::Heading(level) = p.role
        {
            styled_max = styled_max.max(level);
            let shown = p.shown(text.get(p.span.range()).unwrap_or(""));
            if let Some((style, _)) = numbering_prefix(&shown)
                && !known.iter().any(|(s, _)| *s == style)
            {
                known.push((style, level));
            }
        }
    }
    let mut ranks: StyleLevels<NumberingStyle> = StyleLevels::default();
    let mut numbered_level = |style: NumberingStyle| -> u8 {
        if let Some((_, l)) = known.iter().find(|(s, _)| *s == style) {
            return *l;
        }
        let rank = rank_to_level(ranks.rank(style));
        styled_max.saturating_add(rank)
    };

    // Title.
    let non_empty: Vec<usize> = (0..body.len()).filter(|&i| !body[i].is_empty()).collect();
    let para_at = |i: usize| match body.get(i) {
        Some(BodyLine::Para(p)) => Some(p),
        _ => None,
    };
    let is_heading = |i: usize| {
        para_at(i).is_some_and(|p| matches!(p.role, Role::Heading(_) | Role::Numbered(_)))
    };
    // Stamps, and table-of-contents entries, are never the title.
    let is_stamp = |i: usize| {
        para_at(i).is_some_and(|p| p.toc || is_stamp_line(text.get(p.span.range()).unwrap_or("")))
    };
    let first_title = non_empty
        .iter()
        .copied()
        .find(|&i| para_at(i).is_some_and(|p| p.role == Role::Title));
    let first_h1 = non_empty
        .iter()
        .copied()
        .find(|&i| para_at(i).is_some_and(|p| p.role == Role::Heading(1)));
    let core_title = core
        .iter()
        .find(|(k, _)| k == "title")
        .map(|(_, v)| v.clone());
    // A plain title line with its continuation after soft breaks (`2027年华东区⏎消费调研报告`):
    // the following segments of its paragraph that read as more title, joined by a space.
    let plain_title_at = |i: usize| -> Spanned {
        let span = body[i].span();
        let mut title = text.get(span.range()).unwrap_or("").to_string();
        let Some(first) = para_at(i).filter(|p| p.role == Role::Prose) else {
            return spanned(text, span);
        };
        let mut j = i + 1;
        while let Some(p) = para_at(j).filter(|p| p.group == first.group) {
            let t = text.get(p.span.range()).unwrap_or("");
            let continues = p.role == Role::Prose
                && !t.is_empty()
                && !t.contains('\t')
                && !sentence_like(t)
                && !is_stamp_line(t)
                && title.chars().count() + 1 + t.chars().count() <= MAX_TITLE_CHARS;
            if !continues {
                break;
            }
            title.push(' ');
            title.push_str(t);
            j += 1;
        }
        Spanned { text: title, span }
    };
    let title: Option<Spanned> = if let Some(i) = first_title {
        Some(spanned(text, body[i].span()))
    } else if let Some(h) = first_h1 {
        // A plain line above the first heading (`2027年市场调研报告` in bold) is the title
        // the reader sees; the heading then is only the first section.
        let above = non_empty
            .iter()
            .copied()
            .take_while(|&i| i < h)
            .find(|&i| !is_stamp(i));
        let plain_title = above.filter(|&i| {
            para_at(i).is_some_and(|p| {
                let t = text.get(p.span.range()).unwrap_or("");
                p.role == Role::Prose
                    && !t.contains('\t')
                    && t.chars().count() <= MAX_TITLE_CHARS
                    && !sentence_like(t)
                    && t.chars().filter(|c| c.is_alphabetic()).count() >= 2
            })
        });
        Some(match plain_title {
            Some(i) => plain_title_at(i),
            None => spanned(text, body[h].span()),
        })
    } else if let Some(core_title) = core_title {
        let at = non_empty
            .first()
            .map_or(Span::new(0, 0), |&i| body[i].span());
        Some(Spanned {
            text: core_title,
            span: at,
        })
    } else {
        title_choice(
            non_empty.len(),
            |k| non_empty.get(k).is_some_and(|&i| is_stamp(i)),
            |k| non_empty.get(k).is_some_and(|&i| is_heading(i)),
        )
        .and_then(|k| non_empty.get(k))
        .map(|&i| plain_title_at(i))
    };

    // Lines, headings, labels, tables.
    let mut lines = Vec::new();
    let mut labels = Vec::new();
    let mut drafts = Vec::new();
    let mut content = Vec::new();
    for line in &body {
        match line {
            BodyLine::Para(p) => {
                let t = text.get(p.span.range()).unwrap_or("");
                let level = match p.role {
                    Role::Empty => continue,
                    Role::Heading(l) => Some(l),
                    Role::Numbered(style) => Some(numbered_level(style)),
                    _ => None,
                };
                if let Some(level) = level {
                    drafts.push(HeadingDraft {
                        level,
                        text: spanned(text, p.span),
                        start: p.at.start,
                        body_start: p.at.next,
                    });
                    lines.push(Line {
                        text: t.to_string(),
                        span: p.span,
                        kind: LineKind::Heading,
                    });
                    continue;
                }
                content.push(p.span.start);
                let bullet = bullet_len(t);
                let body_text = t.get(bullet..).unwrap_or("");
                let kind = if p.role == Role::List {
                    LineKind::ListItem
                } else {
                    LineKind::Prose
                };
                lines.push(Line {
                    text: body_text.to_string(),
                    span: p.span,
                    kind,
                });
                if p.role == Role::Title {
                    continue;
                }
                if let Some(label) = label_at(text, body_text, p.span.start + bullet, p.span) {
                    labels.push(label);
                }
            }
            BodyLine::Row(r) => {
                let joined = r
                    .cells
                    .iter()
                    .map(|c| text.get(c.range()).unwrap_or(""))
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                if joined.is_empty() {
                    continue;
                }
                content.push(r.at.start);
                lines.push(Line {
                    text: joined,
                    span: r.content_span(),
                    kind: LineKind::TableRow,
                });
            }
        }
    }

    let tables = table_ranges
        .into_iter()
        .filter_map(|range| {
            let rows: Vec<&BodyRow> = body
                .get(range)?
                .iter()
                .filter_map(|l| match l {
                    BodyLine::Row(r) => Some(r),
                    BodyLine::Para(_) => None,
                })
                .collect();
            let first = rows.first()?;
            let last = rows.last()?;
            let cells = |r: &BodyRow| -> Vec<Spanned> {
                r.cells.iter().map(|&c| spanned(text, c)).collect()
            };
            Some(Table {
                header: cells(first),
                rows: rows.iter().skip(1).map(|r| cells(r)).collect(),
                span: Span::new(first.at.start, last.at.end),
            })
        })
        .collect();

    // Comments, anchored to the first line that mentions them.
    let mut anchors: HashMap<&str, Span> = HashMap::new();
    for line in &body {
        let (ids, span) = match line {
            BodyLine::Para(p) => (&p.para.comments, p.span),
            BodyLine::Row(r) => (&r.comments, r.content_span()),
        };
        for id in ids {
            anchors.entry(id.as_str()).or_insert(span);
        }
    }
    let comments = comment_texts
        .iter()
        .filter_map(|c| {
            let span = *anchors.get(c.id.as_str())?;
            Some(DocxComment {
                line: source.line_index(span.start) + 1,
                span,
                id: c.id.clone(),
                author: c.author.clone(),
                text: c.text.clone(),
            })
        })
        .collect();

    let prose = if prose_end == 0 {
        Vec::new()
    } else {
        vec![Span::new(0, prose_end)]
    };
    let doc = Document {
        format: Format::Docx,
        front_matter,
        title,
        headings: build_headings(drafts, &content, body_end),
        labels,
        tables,
        lines,
        header,
        footer,
        prose,
        source: Arc::clone(&source),
    };
    (doc, comments)
}

/// Lay out a table row: its cells' text joined by ` | `.
fn row_line(b: &mut TextBuilder, row: Row) -> BodyRow {
    let mut line = String::new();
    let mut offsets = Vec::with_capacity(row.cells.len());
    for (i, cell) in row.cells.iter().enumerate() {
        if i > 0 {
            line.push_str(" | ");
        }
        let cell = cell.trim();
        let start = line.len();
        line.push_str(cell);
        offsets.push((start, line.len()));
    }
    let at = b.line(&line);
    BodyRow {
        cells: offsets
            .into_iter()
            .map(|(s, e)| Span::new(at.start + s, at.start + e))
            .collect(),
        at,
        comments: row.comments,
    }
}
