//! Walking a story (the body, a header, a footer, a comment) into blocks: paragraphs with
//! their visible text and table rows with their cells' text.
//!
//! Visible text follows what Word shows with revisions accepted: inserted (`w:ins`) and
//! moved-to text counts, deleted and moved-from text does not (those subtrees are dropped
//! while parsing); of a field, the result counts and the instructions do not; of an
//! `mc:AlternateContent`, one branch; text boxes are paragraphs of their own after the
//! paragraph that anchors them.

use super::xml::{NodeId, Ns, Tree};

/// Most cells one `w:gridSpan` / `w:gridBefore` pads a row with.
const MAX_PAD: usize = 63;
/// Deepest field nesting tracked.
const MAX_FIELDS: usize = 256;

/// A paragraph as read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Para {
    /// The visible text, on one line (breaks are spaces, tabs kept).
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
        let mut text = String::new();
        self.inline(node, depth, &mut text, extras, &mut para.comments);
        para.text = one_line(&text);
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
    fn inline(
        &mut self,
        node: NodeId,
        depth: usize,
        text: &mut String,
        extras: &mut Vec<Block>,
        comments: &mut Vec<String>,
    ) {
        if depth > self.max_depth {
            return;
        }
        let tree = self.tree;
        for c in tree.children(node) {
            let visible = self.in_code == 0;
            match (tree.ns(c), tree.name(c)) {
                (Ns::W, "t") => {
                    if visible {
                        text.push_str(&tree.text(c));
                    }
                }
                (Ns::W, "tab" | "ptab") => {
                    if visible {
                        text.push('\t');
                    }
                }
                (Ns::W, "br" | "cr") => {
                    if visible {
                        text.push(' ');
                    }
                }
                (Ns::W, "noBreakHyphen") => {
                    if visible {
                        text.push('-');
                    }
                }
                (Ns::W, "sym") => {
                    if visible
                        && let Some(ch) = sym_char(tree.attr(c, "font"), tree.attr(c, "char"))
                    {
                        text.push(ch);
                    }
                }
                (Ns::W, "fldChar") => self.field_char(tree.attr(c, "fldCharType")),
                (Ns::W, "commentRangeStart" | "commentReference") => {
                    if let Some(id) = tree.attr(c, "id")
                        && !comments.iter().any(|x| x == id)
                    {
                        comments.push(id.to_string());
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
                // Paragraph properties, phonetic guides, footnote and endnote references:
                // not text.
                (
                    Ns::W,
                    "pPr"
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
                        self.inline(b, depth + 1, text, extras, comments);
                    }
                }
                // Runs, insertions, moved-to text, hyperlinks, smart tags, simple fields
                // (their content is the result), inline content controls, drawings (for
                // their text boxes) …
                _ => self.inline(c, depth + 1, text, extras, comments),
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

/// The non-empty texts of blocks (nested tables cell by cell), trimmed.
fn flatten(blocks: &[Block], out: &mut Vec<String>, comments: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Para(p) => {
                let t = p.text.trim();
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
