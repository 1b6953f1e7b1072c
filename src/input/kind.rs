//! Recognising what a file is: its *kind* decides which rules apply.
//!
//! Precedence: configuration globs, then the kind's own globs, then a front-matter `kind:`,
//! then keywords in the file's own name or its title. When keywords of several kinds match,
//! the kind declared first wins: the policy pack's declaration order is the precedence order.

use std::path::Path;

use aho_corasick::AhoCorasick;
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::model::normalize::fold_width;
use crate::policy::KindDef;

/// Compiled kind recognition for a policy set and configuration.
pub struct KindRecognizer {
    /// Keywords of the document kinds and of the record kinds.
    documents: Keywords,
    records: Keywords,
    /// Explicit globs: configuration first, then the kinds' own.
    globs: Vec<(String, GlobSet)>,
    known: Vec<String>,
}

/// How a kind was decided, for verbose output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Glob,
    FrontMatter,
    Keyword,
}

impl KindRecognizer {
    /// `config_globs`: (kind, glob) pairs from the configuration.
    pub fn new(kinds: &[KindDef], config_globs: &[(String, String)]) -> Result<Self, String> {
        let mut globs = Vec::new();
        let explicit = config_globs
            .iter()
            .map(|(k, g)| (k.clone(), vec![g.clone()]))
            .chain(kinds.iter().map(|k| (k.name.clone(), k.globs.clone())));
        for (kind, patterns) in explicit {
            if patterns.is_empty() {
                continue;
            }
            let mut b = GlobSetBuilder::new();
            for p in &patterns {
                b.add(
                    Glob::new(p)
                        .map_err(|e| format!("invalid glob `{p}` for kind `{kind}`: {e}"))?,
                );
            }
            globs.push((kind, b.build().map_err(|e| e.to_string())?));
        }
        let keywords_of =
            |records: bool| Keywords::new(kinds.iter().filter(|k| k.is_records() == records));
        Ok(KindRecognizer {
            documents: keywords_of(false)?,
            records: keywords_of(true)?,
            globs,
            known: kinds.iter().map(|k| k.name.clone()).collect(),
        })
    }

    pub fn is_known(&self, kind: &str) -> bool {
        self.known.iter().any(|k| k == kind)
    }

    /// The kind of a file: `path` as walked (for globs), its front-matter `kind`, its title.
    pub fn recognise(
        &self,
        path: &Path,
        front_matter_kind: Option<&str>,
        title: Option<&str>,
    ) -> Option<(String, Reason)> {
        let rel = path.strip_prefix("./").unwrap_or(path);
        for (kind, set) in &self.globs {
            if set.is_match(rel) {
                return Some((kind.clone(), Reason::Glob));
            }
        }
        if let Some(k) = front_matter_kind
            .map(str::trim)
            .filter(|k| self.is_known(k))
        {
            return Some((k.to_string(), Reason::FrontMatter));
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        let name = normalize_name(&stem);
        let title = title.map(normalize_name).unwrap_or_default();
        self.documents
            .first_kind(&[&name, &title])
            .map(|k| (k.to_string(), Reason::Keyword))
    }

    /// The record kind a file's path names: a glob, else keywords in the file's own name.
    /// `None` leaves the decision to the header row.
    pub fn recognise_records(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix("./").unwrap_or(path);
        for (kind, set) in &self.globs {
            if set.is_match(rel) {
                return Some(kind.clone());
            }
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        let name = normalize_name(&stem);
        self.records.first_kind(&[&name]).map(str::to_string)
    }
}

/// Lower-case, width-folded, with `_`, `-`, `.` and runs of white space turned into one space.
pub fn normalize_name(s: &str) -> String {
    let folded = fold_width(s);
    let mut out = String::with_capacity(folded.len());
    let mut last_space = true;
    for c in folded.chars() {
        if c == '_' || c == '-' || c == '.' || c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim_end().to_string()
}

/// The keywords of some kinds, in one automaton: a file name and a title are scanned once
/// for all of them.
struct Keywords {
    /// Kind names in precedence order.
    kinds: Vec<String>,
    matcher: AhoCorasick,
    /// For each keyword: the index of its kind, and whether it starts with an ASCII letter or
    /// digit (then it must start a word: `advert` matches `adverts`, not `madvert`).
    keywords: Vec<(usize, bool)>,
}

impl Keywords {
    fn new<'k>(kinds: impl Iterator<Item = &'k KindDef>) -> Result<Keywords, String> {
        let mut names = Vec::new();
        let mut words = Vec::new();
        let mut keywords = Vec::new();
        for (i, kind) in kinds.enumerate() {
            names.push(kind.name.clone());
            for word in kind.keywords.iter().map(|w| normalize_name(w)) {
                if let Some(first) = word.chars().next() {
                    keywords.push((i, first.is_ascii_alphanumeric()));
                    words.push(word);
                }
            }
        }
        let matcher = AhoCorasick::new(&words).map_err(|e| e.to_string())?;
        Ok(Keywords {
            kinds: names,
            matcher,
            keywords,
        })
    }

    /// The first-declared kind with a keyword in any of `texts`.
    fn first_kind(&self, texts: &[&str]) -> Option<&str> {
        let mut best: Option<usize> = None;
        for text in texts {
            for m in self.matcher.find_overlapping_iter(*text) {
                let Some(&(kind, ascii_start)) = self.keywords.get(m.pattern().as_usize()) else {
                    continue;
                };
                let mid_word = ascii_start
                    && text[..m.start()]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_ascii_alphanumeric());
                if !mid_word && best.is_none_or(|b| kind < b) {
                    best = Some(kind);
                }
            }
        }
        best.and_then(|k| self.kinds.get(k)).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds() -> Vec<KindDef> {
        let k = |name: &str, words: &[&str]| KindDef {
            name: name.into(),
            keywords: words.iter().map(|w| w.to_string()).collect(),
            globs: vec![],
            columns: vec![],
            identify: vec![],
            personal: vec![],
        };
        vec![
            k("campaign-review", &["效果评估", "复盘", "campaign review"]),
            k("research-plan", &["调研计划", "research plan"]),
            k("research-report", &["调研报告", "research report"]),
            k("ad-copy", &["广告", "press release", "advert"]),
        ]
    }

    #[test]
    fn precedence_and_separators() {
        let r = KindRecognizer::new(&kinds(), &[]).unwrap();
        let kind = |p: &str, t: Option<&str>| r.recognise(Path::new(p), None, t).map(|(k, _)| k);
        assert_eq!(kind("x/press_release.md", None).as_deref(), Some("ad-copy"));
        assert_eq!(
            kind("a.md", Some("2026 调研计划（报告）")).as_deref(),
            Some("research-plan")
        );
        assert_eq!(
            kind("广告投放效果评估.md", None).as_deref(),
            Some("campaign-review")
        );
        assert_eq!(
            kind("Market-Research-Report.md", None).as_deref(),
            Some("research-report")
        );
        assert_eq!(
            kind("reports/notes.md", None),
            None,
            "folder names do not count"
        );
        assert_eq!(kind("madverts.md", None), None);
    }

    #[test]
    fn globs_and_front_matter_win() {
        let r = KindRecognizer::new(&kinds(), &[("ad-copy".into(), "ads/**".into())]).unwrap();
        let got = r
            .recognise(Path::new("ads/调研报告.md"), None, None)
            .unwrap();
        assert_eq!(got, ("ad-copy".to_string(), Reason::Glob));
        let got = r
            .recognise(Path::new("x.md"), Some("research-plan"), Some("调研报告"))
            .unwrap();
        assert_eq!(got, ("research-plan".to_string(), Reason::FrontMatter));
    }
}
