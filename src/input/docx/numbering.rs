//! Automatic numbering (`numbering.xml`): what a numbered paragraph's label looks like.
//!
//! Word does not store the label it shows (`一、`, `（一）`, `1.1`) in the paragraph text, so
//! a paragraph numbered `一、` by a list looks unnumbered to the text. The reader renders the
//! label of the paragraph's list level (every counter at its first value, which is all the
//! numbering *style* needs) to recognise Chinese-numbered headings the way it does typed ones.
//! The label is not added to the text.

use std::collections::HashMap;

use super::xml::Tree;

/// Longest rendered label kept.
const MAX_LABEL_CHARS: usize = 32;

#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: Option<String>,
}

/// The lists of a document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Numbering {
    /// `w:num/@w:numId` → `w:abstractNumId`.
    nums: HashMap<String, String>,
    /// `w:abstractNum/@w:abstractNumId` → levels by `w:ilvl`.
    abstracts: HashMap<String, HashMap<u8, Level>>,
}

impl Numbering {
    pub(crate) fn parse(tree: &Tree) -> Numbering {
        let mut n = Numbering::default();
        for id in tree.children(tree.root()) {
            if tree.is_w(id, "num") {
                if let (Some(num), Some(abs)) =
                    (tree.attr(id, "numId"), tree.child_val(id, "abstractNumId"))
                {
                    n.nums
                        .entry(num.trim().to_string())
                        .or_insert_with(|| abs.trim().to_string());
                }
            } else if tree.is_w(id, "abstractNum") {
                let Some(abs) = tree.attr(id, "abstractNumId") else {
                    continue;
                };
                let mut levels = HashMap::new();
                for lvl in tree.children(id).filter(|&c| tree.is_w(c, "lvl")) {
                    let Some(ilvl) = tree.attr(lvl, "ilvl").and_then(|v| v.trim().parse().ok())
                    else {
                        continue;
                    };
                    levels.entry(ilvl).or_insert_with(|| Level {
                        format: tree
                            .child_val(lvl, "numFmt")
                            .unwrap_or("decimal")
                            .to_string(),
                        text: tree.child_val(lvl, "lvlText").map(str::to_string),
                    });
                }
                n.abstracts.entry(abs.trim().to_string()).or_insert(levels);
            }
        }
        n
    }

    /// The label list `num_id` shows at level `ilvl` (`一、`, `（一）`, `1.1`), counters at
    /// their first value; `None` for bullets, unknown lists and empty labels.
    pub(crate) fn label(&self, num_id: &str, ilvl: u8) -> Option<String> {
        let abs = self.nums.get(num_id.trim())?;
        let levels = self.abstracts.get(abs)?;
        let level = levels.get(&ilvl)?;
        if level.format == "bullet" {
            return None;
        }
        let text = level.text.as_deref()?;
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
                && (1..=9).contains(&d)
            {
                chars.next();
                let format = levels
                    .get(&((d - 1) as u8))
                    .map_or("decimal", |l| l.format.as_str());
                out.push_str(first_value(format));
            } else {
                out.push(c);
            }
            if out.chars().count() > MAX_LABEL_CHARS {
                return None;
            }
        }
        let out = out.trim().to_string();
        (!out.is_empty()).then_some(out)
    }
}

/// A counter's first value written in `format`.
fn first_value(format: &str) -> &'static str {
    match format {
        "none" => "",
        "decimalFullWidth" | "decimalFullWidth2" => "１",
        "upperRoman" => "I",
        "lowerRoman" => "i",
        "upperLetter" => "A",
        "lowerLetter" => "a",
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => "①",
        "decimalEnclosedParen" => "⑴",
        "decimalEnclosedFullstop" => "⒈",
        f if f.starts_with("chinese")
            || f.starts_with("ideograph")
            || f.starts_with("japanese")
            || f.starts_with("taiwanese")
            || f.starts_with("korean") =>
        {
            "一"
        }
        _ => "1",
    }
}
