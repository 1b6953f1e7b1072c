//! A small, bounded XML tree for the parts of a .docx package.
//!
//! Parts are parsed into an arena of elements (document order = arena order) with the
//! namespaces that matter resolved: WordprocessingML (transitional and strict) and markup
//! compatibility. Subtrees that never carry visible text or structure (formatting other
//! than boldness and character styles, deleted text, field instructions, revision records …)
//! are skipped while parsing, which keeps the tree small. Nesting depth and element count are bounded; entity references
//! other than the five predefined ones and character references are dropped, never
//! resolved (no external entities, no entity expansion).

use std::collections::HashMap;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// Most elements one part may have (after skipping); a guard against memory blow-up. A
/// 12 MB `document.xml` of a 300-page report has about 120,000.
pub(crate) const MAX_NODES: usize = 1_000_000;

const W_TRANSITIONAL: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const VML: &str = "urn:schemas-microsoft-com:vml";

/// The namespaces the reader tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// WordprocessingML `w:`.
    W,
    /// Markup compatibility `mc:`.
    Mc,
    /// VML `v:` (legacy shapes: watermarks).
    V,
    Other,
}

/// Index of an element in a [`Tree`].
pub(crate) type NodeId = u32;

#[derive(Debug)]
pub(crate) enum Child {
    Elem(NodeId),
    Text(String),
}

#[derive(Debug)]
struct Node {
    ns: Ns,
    name: u32,
    attrs: Vec<(u32, Box<str>)>,
    children: Vec<Child>,
}

/// A parsed part.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
    names: Vec<String>,
    index: HashMap<String, u32>,
}

/// Why a part could not be parsed.
#[derive(Debug)]
pub(crate) enum XmlError {
    TooDeep,
    TooManyNodes,
    Malformed(String),
}

/// Attributes kept (by local name); all others are dropped while parsing.
const KEPT_ATTRIBUTES: &[&str] = &[
    "val",
    "id",
    "type",
    "styleId",
    "default",
    "Requires",
    "fldCharType",
    "char",
    "font",
    "author",
    "Id",
    "Type",
    "Target",
    "TargetMode",
    "abstractNumId",
    "numId",
    "ilvl",
];

/// WordprocessingML elements whose whole subtree is skipped: formatting, revision records
/// of deleted content, field instructions, bookkeeping. Of run properties only `w:b` and
/// `w:rStyle` are kept (boldness helps tell headings).
fn skipped_w(local: &str, parent: Option<&str>) -> bool {
    if parent == Some("rPr") {
        return !matches!(local, "b" | "rStyle");
    }
    match local {
        // A deleted table row is marked by `w:trPr/w:del`: keep that marker.
        "del" => parent != Some("trPr"),
        "rPrChange"
        | "pPrChange"
        | "sectPrChange"
        | "tblPrChange"
        | "trPrChange"
        | "tcPrChange"
        | "tblGridChange"
        | "numberingChange"
        | "moveFrom"
        | "delText"
        | "delInstrText"
        | "instrText"
        | "tblGrid"
        | "tblPr"
        | "tblPrEx"
        | "proofErr"
        | "bookmarkStart"
        | "bookmarkEnd"
        | "lastRenderedPageBreak"
        | "sdtPr"
        | "sdtEndPr"
        | "moveFromRangeStart"
        | "moveFromRangeEnd"
        | "moveToRangeStart"
        | "moveToRangeEnd"
        | "permStart"
        | "permEnd"
        | "fldData"
        | "rsids"
        | "latentStyles"
        | "tabs"
        | "spacing"
        | "ind"
        | "jc"
        | "shd"
        | "pBdr"
        | "tcBorders"
        | "tcW"
        | "trHeight"
        | "framePr"
        | "rFonts" => true,
        _ => false,
    }
}

fn classify(res: &ResolveResult<'_>) -> Ns {
    match res {
        ResolveResult::Bound(ns) => match ns.0 {
            W_TRANSITIONAL | W_STRICT => Ns::W,
            MC => Ns::Mc,
            VML => Ns::V,
            _ => Ns::Other,
        },
        // Undeclared prefixes: trust the conventional ones.
        ResolveResult::Unknown(p) if p == "w" => Ns::W,
        ResolveResult::Unknown(p) if p == "mc" => Ns::Mc,
        ResolveResult::Unknown(p) if p == "v" => Ns::V,
        _ => Ns::Other,
    }
}

impl Tree {
    /// Parse `text`, refusing to nest deeper than `max_depth` elements.
    pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Tree, XmlError> {
        let mut tree = Tree::default();
        let mut reader = NsReader::from_str(text);
        reader.config_mut().expand_empty_elements = true;
        let mut stack: Vec<NodeId> = Vec::new();
        // > 0 while inside a skipped subtree: its nesting depth.
        let mut skipping = 0usize;
        loop {
            let (ns, event) = match reader.read_resolved_event() {
                Ok((res, event)) => (classify(&res), event),
                Err(e) => return Err(XmlError::Malformed(e.to_string())),
            };
            match event {
                Event::Start(e) => {
                    if stack.len() + skipping >= max_depth {
                        return Err(XmlError::TooDeep);
                    }
                    if skipping > 0 {
                        skipping += 1;
                        continue;
                    }
                    let qname = e.name();
                    let local = qname.local_name();
                    let local: &str = local.as_ref();
                    let parent = stack.last().map(|&p| tree.name(p));
                    if ns == Ns::W && skipped_w(local, parent) {
                        skipping = 1;
                        continue;
                    }
                    if tree.nodes.len() >= MAX_NODES {
                        return Err(XmlError::TooManyNodes);
                    }
                    let name = tree.intern(local);
                    let mut attrs = Vec::new();
                    for attr in e.attributes().with_checks(false).flatten() {
                        let key = attr.key.local_name();
                        let key: &str = key.as_ref();
                        // `v:textpath/@string`: a watermark's text.
                        let watermark = ns == Ns::V && key == "string";
                        if !KEPT_ATTRIBUTES.contains(&key) && !watermark {
                            continue;
                        }
                        let value = attr
                            .normalized_value(XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_else(|_| attr.value.clone().into_owned());
                        let key = tree.intern(key);
                        attrs.push((key, value.into_boxed_str()));
                    }
                    let id = tree.nodes.len() as NodeId;
                    tree.nodes.push(Node {
                        ns,
                        name,
                        attrs,
                        children: Vec::new(),
                    });
                    if let Some(&parent) = stack.last()
                        && let Some(p) = tree.nodes.get_mut(parent as usize)
                    {
                        p.children.push(Child::Elem(id));
                    }
                    stack.push(id);
                }
                Event::End(_) => {
                    if skipping > 0 {
                        skipping -= 1;
                    } else {
                        stack.pop();
                    }
                }
                Event::Text(t) if skipping == 0 => {
                    tree.append_text(&stack, &t.xml10_content());
                }
                Event::CData(t) if skipping == 0 => {
                    tree.append_text(&stack, &t.xml10_content());
                }
                Event::GeneralRef(r) => {
                    if skipping > 0 {
                        continue;
                    }
                    let resolved: Option<String> = if r.is_char_ref() {
                        r.resolve_char_ref().ok().flatten().map(String::from)
                    } else {
                        match r.xml10_content().as_ref() {
                            "lt" => Some("<".into()),
                            "gt" => Some(">".into()),
                            "amp" => Some("&".into()),
                            "apos" => Some("'".into()),
                            "quot" => Some("\"".into()),
                            // Declared (possibly external) entities are never resolved.
                            _ => None,
                        }
                    };
                    if let Some(s) = resolved {
                        tree.append_text(&stack, &s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if tree.nodes.is_empty() {
            return Err(XmlError::Malformed("no root element".into()));
        }
        Ok(tree)
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }

    fn append_text(&mut self, stack: &[NodeId], s: &str) {
        let Some(&top) = stack.last() else {
            return;
        };
        // Whitespace matters only inside text runs (`w:t xml:space="preserve"`).
        let is_t = self.is_w(top, "t");
        if !is_t && s.trim().is_empty() {
            return;
        }
        let Some(node) = self.nodes.get_mut(top as usize) else {
            return;
        };
        if let Some(Child::Text(last)) = node.children.last_mut() {
            last.push_str(s);
        } else {
            node.children.push(Child::Text(s.to_string()));
        }
    }

    /// The root element.
    pub(crate) fn root(&self) -> NodeId {
        0
    }

    /// Number of elements; ids `0..len()` are in document order.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    pub(crate) fn ns(&self, id: NodeId) -> Ns {
        self.node(id).map_or(Ns::Other, |n| n.ns)
    }

    /// Local name of an element.
    pub(crate) fn name(&self, id: NodeId) -> &str {
        self.node(id)
            .and_then(|n| self.names.get(n.name as usize))
            .map_or("", String::as_str)
    }

    /// Whether the element is `w:local`.
    pub(crate) fn is_w(&self, id: NodeId, local: &str) -> bool {
        self.ns(id) == Ns::W && self.name(id) == local
    }

    /// Whether the element is `mc:local`.
    pub(crate) fn is_mc(&self, id: NodeId, local: &str) -> bool {
        self.ns(id) == Ns::Mc && self.name(id) == local
    }

    /// An attribute by local name.
    pub(crate) fn attr(&self, id: NodeId, local: &str) -> Option<&str> {
        let key = *self.index.get(local)?;
        self.node(id)?
            .attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| &**v)
    }

    /// Child elements in order.
    pub(crate) fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.node(id)
            .map(|n| n.children.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|c| match c {
                Child::Elem(e) => Some(*e),
                Child::Text(_) => None,
            })
    }

    /// The first child element `w:local`.
    pub(crate) fn child_w(&self, id: NodeId, local: &str) -> Option<NodeId> {
        self.children(id).find(|&c| self.is_w(c, local))
    }

    /// The element's own text (its direct text children, concatenated).
    pub(crate) fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        if let Some(n) = self.node(id) {
            for c in &n.children {
                if let Child::Text(t) = c {
                    out.push_str(t);
                }
            }
        }
        out
    }

    /// `w:val` of the first child element `w:local`.
    pub(crate) fn child_val(&self, id: NodeId, local: &str) -> Option<&str> {
        self.child_w(id, local).and_then(|c| self.attr(c, "val"))
    }

    /// The branch of an `mc:AlternateContent` to read: the first `mc:Choice`, else the
    /// `mc:Fallback`.
    pub(crate) fn alternate_branch(&self, id: NodeId) -> Option<NodeId> {
        self.children(id)
            .find(|&c| self.is_mc(c, "Choice"))
            .or_else(|| self.children(id).find(|&c| self.is_mc(c, "Fallback")))
    }
}

/// Decode a part's bytes to text: a byte-order mark or the XML declaration's encoding
/// decides; UTF-8 (lossy) otherwise.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or(&[]);
        return enc.decode_without_bom_handling(body).0.into_owned();
    }
    // UTF-16 without a BOM starts `<\0?\0` or `\0<\0?`.
    if bytes.starts_with(b"<\0") {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling(bytes)
            .0
            .into_owned();
    }
    if bytes.starts_with(b"\0<") {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling(bytes)
            .0
            .into_owned();
    }
    if let Some(enc) = declared_encoding(bytes)
        && enc != encoding_rs::UTF_8
        && enc != encoding_rs::UTF_16LE
        && enc != encoding_rs::UTF_16BE
    {
        return enc.decode_without_bom_handling(bytes).0.into_owned();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `encoding="…"` of an XML declaration at the start of `bytes`.
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..bytes.len().min(200))?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(head.get(..end)?).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl.get(at + "encoding".len()..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = rest.get(1..)?;
    let value = rest.get(..rest.find(quote)?)?;
    encoding_rs::Encoding::for_label(value.trim().as_bytes())
}
