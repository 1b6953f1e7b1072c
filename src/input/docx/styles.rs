//! Paragraph styles: which are headings (and at what level), which is the title.
//!
//! A style is a heading when its name or id is a built-in heading name in any of the
//! languages Word writes (`heading 1`, `Heading1`, `标题 1`, `見出し 1`, `Titre 1`,
//! `Überschrift 1` …), or when it carries an outline level 0–8. Custom styles inherit both
//! through `basedOn`; the nearest style in the chain that says anything decides, so a style
//! based on `Heading 1` that sets outline level 9 ("body text") is not a heading.
//!
//! Boldness of a run (for headings made of bold numbered paragraphs) is, in this order, the
//! run's own `w:b`, its character style's, its paragraph style's, the document defaults'.

use std::collections::HashMap;

use super::body::{Para, RunText};
use super::xml::Tree;

/// Longest `basedOn` chain followed.
const MAX_CHAIN: usize = 32;

/// What a paragraph's style makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StyleKind {
    Title,
    Heading(u8),
    /// A table-of-contents entry (`toc 1`, `目录 1`).
    Toc,
    Body,
}

#[derive(Debug, Clone, Default)]
struct StyleDef {
    name: Option<String>,
    based_on: Option<String>,
    outline: Option<u8>,
    /// `Some(true)` when the style numbers its paragraphs, `Some(false)` when it removes
    /// numbering (`numId 0`).
    numbered: Option<bool>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    /// The style's `w:rPr/w:b`.
    bold: Option<bool>,
}

/// A character style, as far as boldness goes.
#[derive(Debug, Clone, Default)]
struct CharDef {
    based_on: Option<String>,
    bold: Option<bool>,
}

/// The paragraph styles of a document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Styles {
    by_id: HashMap<String, StyleDef>,
    default_id: Option<String>,
    chars: HashMap<String, CharDef>,
    /// `w:docDefaults/w:rPrDefault/w:rPr/w:b`.
    default_bold: Option<bool>,
}

/// A paragraph's style, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub kind: StyleKind,
    pub numbered: bool,
    /// The list and list level numbering the paragraph, when it is numbered.
    pub list: Option<(String, u8)>,
}

/// Outline level from `w:outlineLvl/@w:val` (0–9).
pub(crate) fn outline_level(val: &str) -> Option<u8> {
    val.trim().parse::<u8>().ok().filter(|l| *l <= 9)
}

/// A run property element's `w:b`: `Some(true)` when present and on (no value, `1`, `true`,
/// `on`), `Some(false)` when turned off (`0`, `false`, `off`, `none`), `None` when absent.
pub(crate) fn bold(tree: &Tree, rpr: u32) -> Option<bool> {
    let b = tree.child_w(rpr, "b")?;
    Some(match tree.attr(b, "val").map(str::trim) {
        Some(v) => !matches!(
            v.to_ascii_lowercase().as_str(),
            "0" | "false" | "off" | "none"
        ),
        None => true,
    })
}

/// Numbering from a `w:numPr`: `numId 0` removes it.
pub(crate) fn numbering(tree: &Tree, num_pr: u32) -> bool {
    tree.child_val(num_pr, "numId")
        .is_none_or(|v| v.trim() != "0")
}

impl Styles {
    pub(crate) fn parse(tree: &Tree) -> Styles {
        let mut styles = Styles::default();
        for id in 0..tree.len() as u32 {
            if tree.is_w(id, "rPrDefault") {
                if styles.default_bold.is_none() {
                    styles.default_bold = tree.child_w(id, "rPr").and_then(|r| bold(tree, r));
                }
                continue;
            }
            if !tree.is_w(id, "style") {
                continue;
            }
            let kind = tree.attr(id, "type").unwrap_or("paragraph");
            let Some(style_id) = tree.attr(id, "styleId") else {
                continue;
            };
            let style_bold = tree.child_w(id, "rPr").and_then(|r| bold(tree, r));
            if kind == "character" {
                styles.chars.entry(style_id.to_string()).or_insert(CharDef {
                    based_on: tree.child_val(id, "basedOn").map(str::to_string),
                    bold: style_bold,
                });
                continue;
            }
            if kind != "paragraph" {
                continue;
            }
            let ppr = tree.child_w(id, "pPr");
            let num_pr = ppr.and_then(|p| tree.child_w(p, "numPr"));
            let def = StyleDef {
                num_id: num_pr
                    .and_then(|n| tree.child_val(n, "numId"))
                    .map(|v| v.trim().to_string()),
                ilvl: num_pr
                    .and_then(|n| tree.child_val(n, "ilvl"))
                    .and_then(|v| v.trim().parse().ok()),
                name: tree.child_val(id, "name").map(str::to_string),
                based_on: tree.child_val(id, "basedOn").map(str::to_string),
                outline: ppr
                    .and_then(|p| tree.child_val(p, "outlineLvl"))
                    .and_then(outline_level),
                numbered: ppr
                    .and_then(|p| tree.child_w(p, "numPr"))
                    .map(|n| numbering(tree, n)),
                bold: style_bold,
            };
            let is_default = tree
                .attr(id, "default")
                .is_some_and(|d| matches!(d, "1" | "true" | "on"));
            if is_default && styles.default_id.is_none() {
                styles.default_id = Some(style_id.to_string());
            }
            styles.by_id.entry(style_id.to_string()).or_insert(def);
        }
        styles
    }

    /// Resolve a paragraph's style: its own properties (outline level, numbering) win over
    /// its style's, and a style's over those it is based on.
    pub(crate) fn resolve(&self, para: &Para) -> Resolved {
        let mut kind = para.outline.map(|l| {
            if l <= 8 {
                StyleKind::Heading(l + 1)
            } else {
                StyleKind::Body
            }
        });
        let mut num = para.numbered;
        let mut num_id = para.num_id.clone();
        let mut ilvl = para.ilvl;
        let start = para.style.as_deref().or(self.default_id.as_deref());
        let mut current = start.map(str::to_string);
        let mut seen: Vec<String> = Vec::new();
        while let Some(id) = current.take() {
            if seen.len() >= MAX_CHAIN || seen.contains(&id) {
                break;
            }
            let def = self.by_id.get(&id);
            if kind.is_none() {
                let by_name = def
                    .and_then(|d| d.name.as_deref())
                    .and_then(kind_from_name)
                    .or_else(|| kind_from_name(&id));
                kind = by_name.or_else(|| {
                    def.and_then(|d| d.outline).map(|l| {
                        if l <= 8 {
                            StyleKind::Heading(l + 1)
                        } else {
                            StyleKind::Body
                        }
                    })
                });
            }
            if let Some(d) = def {
                num = num.or(d.numbered);
                num_id = num_id.or_else(|| d.num_id.clone());
                ilvl = ilvl.or(d.ilvl);
            }
            current = def.and_then(|d| d.based_on.clone());
            seen.push(id);
        }
        let numbered = num.unwrap_or(false);
        let list = match num_id {
            Some(n) if numbered && n != "0" => Some((n, ilvl.unwrap_or(0))),
            _ => None,
        };
        Resolved {
            kind: kind.unwrap_or(StyleKind::Body),
            numbered,
            list,
        }
    }
}

impl Styles {
    /// Whether the text of `run`, in `para`, is bold.
    pub(crate) fn run_bold(&self, para: &Para, run: &RunText) -> bool {
        if let Some(b) = run.bold {
            return b;
        }
        let mut current = run.style.clone();
        let mut seen: Vec<String> = Vec::new();
        while let Some(id) = current.take() {
            if seen.len() >= MAX_CHAIN || seen.contains(&id) {
                break;
            }
            let Some(def) = self.chars.get(&id) else {
                break;
            };
            if let Some(b) = def.bold {
                return b;
            }
            current = def.based_on.clone();
            seen.push(id);
        }
        self.paragraph_bold(para)
    }

    /// Whether a paragraph's style (through `basedOn`), else the document defaults, make its
    /// text bold.
    fn paragraph_bold(&self, para: &Para) -> bool {
        let mut current = para
            .style
            .as_deref()
            .or(self.default_id.as_deref())
            .map(str::to_string);
        let mut seen: Vec<String> = Vec::new();
        while let Some(id) = current.take() {
            if seen.len() >= MAX_CHAIN || seen.contains(&id) {
                break;
            }
            let Some(def) = self.by_id.get(&id) else {
                break;
            };
            if let Some(b) = def.bold {
                return b;
            }
            current = def.based_on.clone();
            seen.push(id);
        }
        self.default_bold.unwrap_or(false)
    }

    /// Whether every run showing text in segment `segment` of `para` is bold (and there is
    /// at least one); `None` for the segment means every segment.
    pub(crate) fn all_bold(&self, para: &Para, segment: Option<usize>) -> bool {
        let mut runs = para
            .runs
            .iter()
            .filter(|r| segment.is_none_or(|s| r.segment == s))
            .peekable();
        runs.peek().is_some() && runs.all(|r| self.run_bold(para, r))
    }
}

/// Names (lower-cased, spaces removed, without the level digit) of the built-in heading
/// styles in the languages Word and WPS write.
const HEADING_NAMES: &[&str] = &[
    "heading",
    "标题",
    "標題",
    "見出し",
    "见出し",
    "제목",
    "titre",
    "überschrift",
    "uberschrift",
    "titolo",
    "título",
    "titulo",
    "kop",
    "rubrik",
    "overskrift",
    "otsikko",
    "nagłówek",
    "заголовок",
    "başlık",
    "nadpis",
    "címsor",
    "kopregel",
];

/// Names of the built-in Title style.
const TITLE_NAMES: &[&str] = &[
    "title",
    "标题",
    "標題",
    "表題",
    "titre",
    "titel",
    "titolo",
    "título",
    "titulo",
    "название",
    "제목",
    "tytuł",
];

/// Table-of-contents entry styles (`toc 1`, `目录 1`).
const TOC_NAMES: &[&str] = &[
    "toc",
    "目录",
    "目錄",
    "目次",
    "verzeichnis",
    "inhaltsverzeichnis",
    "tdm",
    "sommario",
];

/// What a style name (or id) says by itself.
pub(crate) fn kind_from_name(name: &str) -> Option<StyleKind> {
    let folded: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if folded.is_empty() {
        return None;
    }
    if TITLE_NAMES.contains(&folded.as_str()) {
        return Some(StyleKind::Title);
    }
    let digits = folded
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .count();
    if digits == 1 {
        let split = folded.len() - 1;
        let (prefix, digit) = folded.split_at(split);
        let level = digit.parse::<u8>().ok().filter(|l| (1..=9).contains(l))?;
        if HEADING_NAMES.contains(&prefix) {
            return Some(StyleKind::Heading(level));
        }
        if TOC_NAMES.contains(&prefix) {
            return Some(StyleKind::Toc);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(kind_from_name("heading 1"), Some(StyleKind::Heading(1)));
        assert_eq!(kind_from_name("Heading2"), Some(StyleKind::Heading(2)));
        assert_eq!(kind_from_name("标题 3"), Some(StyleKind::Heading(3)));
        assert_eq!(kind_from_name("标题1"), Some(StyleKind::Heading(1)));
        assert_eq!(kind_from_name("見出し 1"), Some(StyleKind::Heading(1)));
        assert_eq!(kind_from_name("Titre 1"), Some(StyleKind::Heading(1)));
        assert_eq!(kind_from_name("Überschrift 4"), Some(StyleKind::Heading(4)));
        assert_eq!(kind_from_name("Title"), Some(StyleKind::Title));
        assert_eq!(kind_from_name("标题"), Some(StyleKind::Title));
        assert_eq!(kind_from_name("toc 2"), Some(StyleKind::Toc));
        assert_eq!(kind_from_name("heading 10"), None);
        assert_eq!(kind_from_name("heading 0"), None);
        assert_eq!(kind_from_name("index heading"), None);
        assert_eq!(kind_from_name("标题 1 Char"), None);
        assert_eq!(kind_from_name("1"), None);
        assert_eq!(kind_from_name("Normal"), None);
        assert_eq!(kind_from_name(""), None);
    }
}
