//! Walking a story (the body, a header, a footer, a comment) into blocks: paragraphs with
//! their visible text and table rows with their cells' text.
//!
//! Visible text follows what Word shows with revisions accepted: inserted (`w:ins`) and
//! moved-to text counts, deleted and moved-from text does not (those subtrees are dropped
//! while parsing); of a field, the result counts and the instructions do not; of an
//! `mc:AlternateContent`, one branch; text boxes are paragraphs of their own after the
//! paragraph that anchors them.
//!
//! A soft line break (`w:br` without a type or of type `textWrapping`, and `w:cr`: Shift+Enter,
//! or python-docx's `"\n"`) is kept as `\n` in a paragraph's text, so that the reader can make
//! each segment a line of its own; page and column breaks are spaces. Any other control
//! character in the text (a newline inside `w:t`) is a space.

use super::xml::{NodeId, Ns, Tree};

/// Most cells one `w:gridSpan` / `w:gridBefore` pads a row with.
const MAX_PAD: usize = 63;
/// Deepest field nesting tracked.
const MAX_FIELDS: usize = 256;

/// A paragraph as read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Para {
    /// The visible text: segments separated by `\n` at soft line breaks, tabs kept, no other
    /// control character.
    pub text: String,
    /// `w:pStyle` value.
    pub style: Option<String>,
    /// The paragraph's own `w:outlineLvl`.
    pub outline: Option<u8>,
    /// The paragraph's own numbering (`w:numPr`): `Some(false)` when it removes numbering.
    pub numbered: Option<bool>,
    /// The list (`w:numId`) and list level (`w:ilvl`) of its own `w:numPr`.
    pub num_id: Option<String>,
    pub ilvl: Option<u8>,
    /// Ids of the comments anchored in the paragraph.
    pub comments: Vec<String>,
    /// The paragraph starts inside a field (a table of contents, an index).
    pub in_field: bool,
    /// The paragraph comes from a text box.
    pub textbox: bool,
    /// The formatting of the runs with visible text, in order (consecutive repeats merged).
    pub runs: Vec<RunText>,
}

/// The character formatting of a run that shows some text, as far as boldness goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RunText {
    /// 0-based segment (see [`Para::text`]) the text is in.
    pub segment: usize,
    /// The run's own `w:b`, if it has one.
    pub bold: Option<bool>,
    /// The run's character style (`w:rStyle`).
    pub style: Option<String>,
}

/// What the inline walk of one paragraph collects.
#[derive(Debug, Default)]
struct Inline {
    text: String,
    /// Soft breaks so far: the segment being written.
    segment: usize,
    comments: Vec<String>,
    runs: Vec<RunText>,
}

impl Inline {
    /// Visible text of the current run.
    fn push(&mut self, s: &str, run: Option<&RunFmt>) {
        self.text.push_str(s);
        if s.trim().is_empty() {
            return;
        }
        let r = RunText {
            segment: self.segment,
            bold: run.and_then(|r| r.bold),
            style: run.and_then(|r| r.style.clone()),
        };
        if self.runs.last() != Some(&r) {
            self.runs.push(r);
        }
    }

    fn soft_break(&mut self) {
        self.text.push('\n');
        self.segment += 1;
    }
}

/// The formatting of the run being walked.
#[derive(Debug, Clone, Default)]
struct RunFmt {
    bold: Option<bool>,
    style: Option<String>,
}

/// A table row as read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub comments: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Block {
    Para(Para),
    Table(Vec<Row>),
}

/// Walks one story of one part; field state carries across its paragraphs.
pub(crate) struct Walker<'t> {
    tree: &'t Tree,
    max_depth: usize,
    /// Open fields, innermost last: `true` while in the instructions.
    fields: Vec<bool>,
    /// Fields opened beyond [`MAX_FIELDS`].
    fields_overflow: usize,
    /// Number of open fields in their instructions.
    in_code: usize,
    /// The run being walked, if any.
    run: Option<RunFmt>,
}

impl<'t> Walker<'t> {
    pub(crate) fn new(tree: &'t Tree, max_depth: usize) -> Self {
        Walker {
            tree,
            // Recursion follows the tree, which the parser already bounded; this is a
            // second guard for the stack.
            max_depth: max_depth.min(1024),
            fields: Vec::new(),
            fields_overflow: 0,
            in_code: 0,
            run: None,
        }
    }

    /// Blocks of a block container (`w:body`, `w:tc`, `w:txbxContent`, `w:hdr` …).
    pub(crate) fn blocks(&mut self, node: NodeId, depth: usize, out: &mut Vec<Block>) {
        if depth > self.max_depth {
            return;
        }
        let tree = self.tree;
        for c in tree.children(node) {
            match (tree.ns(c), tree.name(c)) {
                (Ns::W, "p") => {
                    let mut extras = Vec::new();
                    let para = self.paragraph(c, depth + 1, &mut extras);
                    out.push(Block::Para(para));
                    out.extend(extras);
                }
                (Ns::W, "tbl") => {
                    let mut rows = Vec::new();
                    self.rows(c, depth + 1, &mut rows);
                    out.push(Block::Table(rows));
                }
                (Ns::W, "sectPr" | "pPr" | "tcPr" | "trPr" | "r") => {}
                (Ns::Mc, "AlternateContent") => {
                    if let Some(b) = tree.alternate_branch(c) {
                        self.blocks(b, depth + 1, out);
                    }
                }
                // `w:sdt` (its `w:sdtContent`), `w:customXml`, and anything unknown that
                // may wrap paragraphs.
                _ => self.blocks(c, depth + 1, out),
            }
        }
    }

    fn paragraph(&mut self, node: NodeId, depth: usize, extras: &mut Vec<Block>) -> Para {
        let tree = self.tree;
        let mut para = Para {
            in_field: !self.fields.is_empty() || self.fields_overflow > 0,
            ..Para::default()
        };
        if let Some(ppr) = tree.child_w(node, "pPr") {
            para.style = tree.child_val(ppr, "pStyle").map(str::to_string);
            para.outline = tree
                .child_val(ppr, "outlineLvl")
                .and_then(super::styles::outline_level);
            if let Some(num_pr) = tree.child_w(ppr, "numPr") {
                para.numbered = Some(super::styles::numbering(tree, num_pr));
                para.num_id = tree
                    .child_val(num_pr, "numId")
                    .map(|v| v.trim().to_string());
                para.ilvl = tree
                    .child_val(num_pr, "ilvl")
                    .and_then(|v| v.trim().parse().ok());
            }
        }
        // A text box inside a run starts its own paragraphs and runs.
        let outer_run = self.run.take();
        let mut out = Inline::default();
        self.inline(node, depth, &mut out, extras);
        self.run = outer_run;
        para.text = out.text;
        para.comments = out.comments;
        para.runs = out.runs;
        // Field instructions do not run past a paragraph: if one seems to (a field whose
        // `separate` or `end` is missing), what follows is shown rather than hidden.
        if self.in_code > 0 {
            for f in &mut self.fields {
                *f = false;
            }
            self.in_code = 0;
        }
        para
    }

    /// Visible text of inline content.
    fn inline(&mut self, node: NodeId, depth: usize, out: &mut Inline, extras: &mut Vec<Block>) {
        if depth > self.max_depth {
            return;
        }
        let tree = self.tree;
        for c in tree.children(node) {
            let visible = self.in_code == 0;
            match (tree.ns(c), tree.name(c)) {
                (Ns::W, "t") => {
                    if visible {
                        out.push(&one_line(&tree.text(c)), self.run.as_ref());
                    }
                }
                (Ns::W, "tab" | "ptab") => {
                    if visible {
                        out.text.push('\t');
                    }
                }
                (Ns::W, "br") => {
                    if visible {
                        match tree.attr(c, "type").map(str::trim) {
                            None | Some("" | "textWrapping") => out.soft_break(),
                            // Page and column breaks.
                            Some(_) => out.text.push(' '),
                        }
                    }
                }
                (Ns::W, "cr") => {
                    if visible {
                        out.soft_break();
                    }
                }
                (Ns::W, "noBreakHyphen") => {
                    if visible {
                        out.push("-", self.run.as_ref());
                    }
                }
                (Ns::W, "sym") => {
                    if visible
                        && let Some(ch) = sym_char(tree.attr(c, "font"), tree.attr(c, "char"))
                    {
                        out.push(ch.encode_utf8(&mut [0; 4]), self.run.as_ref());
                    }
                }
                (Ns::W, "r") => {
                    let fmt = tree
                        .child_w(c, "rPr")
                        .map_or_else(RunFmt::default, |rpr| RunFmt {
                            bold: super::styles::bold(tree, rpr),
                            style: tree.child_val(rpr, "rStyle").map(|s| s.trim().to_string()),
                        });
                    let outer = self.run.replace(fmt);
                    self.inline(c, depth + 1, out, extras);
                    self.run = outer;
                }
                (Ns::W, "fldChar") => self.field_char(tree.attr(c, "fldCharType")),
                (Ns::W, "commentRangeStart" | "commentReference") => {
                    if let Some(id) = tree.attr(c, "id")
                        && !out.comments.iter().any(|x| x == id)
                    {
                        out.comments.push(id.to_string());
                    }
                }
                (Ns::W, "txbxContent") => {
                    let mut sub = Vec::new();
                    self.blocks(c, depth + 1, &mut sub);
                    for b in &mut sub {
                        if let Block::Para(p) = b {
                            p.textbox = true;
                        }
                    }
                    extras.extend(sub);
                }
                // Paragraph and run properties, phonetic guides, footnote and endnote
                // references: not text.
                (
                    Ns::W,
                    "pPr"
                    | "rPr"
                    | "rt"
                    | "footnoteReference"
                    | "endnoteReference"
                    | "annotationRef"
                    | "footnoteRef"
                    | "endnoteRef"
                    | "separator"
                    | "continuationSeparator"
                    | "softHyphen",
                ) => {}
                (Ns::Mc, "AlternateContent") => {
                    if let Some(b) = tree.alternate_branch(c) {
                        self.inline(b, depth + 1, out, extras);
                    }
                }
                // Insertions, moved-to text, hyperlinks, smart tags, simple fields (their
                // content is the result), inline content controls, drawings (for their text
                // boxes) …
                _ => self.inline(c, depth + 1, out, extras),
            }
        }
    }

    fn field_char(&mut self, kind: Option<&str>) {
        match kind {
            Some("begin") => {
                if self.fields.len() < MAX_FIELDS {
                    self.fields.push(true);
                    self.in_code += 1;
                } else {
                    self.fields_overflow += 1;
                }
            }
            Some("separate") => {
                if self.fields_overflow == 0
                    && let Some(last) = self.fields.last_mut()
                    && *last
                {
                    *last = false;
                    self.in_code = self.in_code.saturating_sub(1);
                }
            }
            Some("end") => {
                if self.fields_overflow > 0 {
                    self.fields_overflow -= 1;
                } else if let Some(last) = self.fields.pop()
                    && last
                {
                    self.in_code = self.in_code.saturating_sub(1);
                }
            }
            _ => {}
        }
    }

    /// Rows of a table (through content controls and custom XML wrapping rows).
    fn rows(&mut self, node: NodeId, depth: usize, out: &mut Vec<Row>) {
        if depth > self.max_depth {
            return;
        }
        let tree = self.tree;
        for c in tree.children(node) {
            match (tree.ns(c), tree.name(c)) {
                (Ns::W, "tr") => {
                    if let Some(row) = self.row(c, depth + 1) {
                        out.push(row);
                    }
                }
                (Ns::W, "tblPr" | "tblGrid") => {}
                (Ns::Mc, "AlternateContent") => {
                    if let Some(b) = tree.alternate_branch(c) {
                        self.rows(b, depth + 1, out);
                    }
                }
                _ => self.rows(c, depth + 1, out),
            }
        }
    }

    /// A row; `None` for a deleted row (tracked change).
    fn row(&mut self, node: NodeId, depth: usize) -> Option<Row> {
        let tree = self.tree;
        let mut row = Row::default();
        if let Some(trpr) = tree.child_w(node, "trPr") {
            if tree.child_w(trpr, "del").is_some() {
                return None;
            }
            let before = tree
                .child_val(trpr, "gridBefore")
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            row.cells
                .extend(std::iter::repeat_n(String::new(), before.min(MAX_PAD)));
        }
        self.cells(node, depth, &mut row);
        Some(row)
    }

    fn cells(&mut self, node: NodeId, depth: usize, row: &mut Row) {
        if depth > self.max_depth {
            return;
        }
        let tree = self.tree;
        for c in tree.children(node) {
            match (tree.ns(c), tree.name(c)) {
                (Ns::W, "tc") => {
                    let mut blocks = Vec::new();
                    self.blocks(c, depth + 1, &mut blocks);
                    let mut parts = Vec::new();
                    flatten(&blocks, &mut parts, &mut row.comments);
                    row.cells.push(parts.join(" "));
                    let span = tree
                        .child_w(c, "tcPr")
                        .and_then(|p| tree.child_val(p, "gridSpan"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1);
                    let pad = span.saturating_sub(1).min(MAX_PAD);
                    row.cells.extend(std::iter::repeat_n(String::new(), pad));
                }
                (Ns::W, "trPr" | "tblPrEx") => {}
                (Ns::Mc, "AlternateContent") => {
                    if let Some(b) = tree.alternate_branch(c) {
                        self.cells(b, depth + 1, row);
                    }
                }
                _ => self.cells(c, depth + 1, row),
            }
        }
    }
}

/// The non-empty texts of blocks (nested tables cell by cell), trimmed; soft breaks are
/// spaces there, as a table row is one line.
fn flatten(blocks: &[Block], out: &mut Vec<String>, comments: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Para(p) => {
                let text = p.text.replace('\n', " ");
                let t = text.trim();
                if !t.is_empty() {
                    out.push(t.to_string());
                }
                comments.extend(p.comments.iter().cloned());
            }
            Block::Table(rows) => {
                for r in rows {
                    for c in &r.cells {
                        let t = c.trim();
                        if !t.is_empty() {
                            out.push(t.to_string());
                        }
                    }
                    comments.extend(r.comments.iter().cloned());
                }
            }
        }
    }
}

/// Text on one line: line and paragraph breaks and other control characters become spaces.
pub(crate) fn one_line(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '\0')
        .map(|c| {
            if c == '\t' {
                c
            } else if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The character of a `w:sym`: its code point, with the common symbols of the Symbol font
/// (addressed as private-use `F000` + byte) mapped; `None` for codes that cannot be shown.
fn sym_char(font: Option<&str>, code: Option<&str>) -> Option<char> {
    let code = u32::from_str_radix(code?.trim(), 16).ok()?;
    let symbol = font.is_some_and(|f| f.eq_ignore_ascii_case("symbol"));
    let private = (0xE000..=0xF8FF).contains(&code);
    if !symbol && !private {
        return char::from_u32(code).filter(|c| !c.is_control());
    }
    if !symbol {
        return None;
    }
    let low = if (0xF000..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    Some(match low {
        0xB7 => '•',
        0xB4 => '×',
        0xB8 => '÷',
        0xB1 => '±',
        0xA3 => '≤',
        0xB3 => '≥',
        0xB0 => '°',
        0xAE => '→',
        0xAC => '←',
        0xD6 => '√',
        0x2D => '−',
        0xA5 => '∞',
        0xB9 => '≠',
        _ => return None,
    })
}
