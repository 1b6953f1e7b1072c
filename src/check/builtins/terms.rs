//! Compiled word lists: find every occurrence of any of many terms in a text.
//!
//! Policies supply the lists (banned advertising terms, confidentiality markings, …) and the
//! exception phrases that make an occurrence harmless; this module only knows how to match:
//!
//! - **Exceptions.** An occurrence that lies inside an occurrence of an exception phrase does not
//!   count: with term `第一` and exception `第一时间`, `第一时间回复` is fine but `销量第一` is not.
//! - **ASCII word boundaries.** A term that starts (ends) with an ASCII letter or digit must not
//!   be glued to another ASCII letter or digit on that side, so `best` does not match in
//!   `bestseller` and `No. 1` not in `No. 10`. CJK has no word boundaries, so CJK ends of a term
//!   match anywhere.
//! - **Normalisation.** ASCII is matched case-insensitively, full-width ASCII (`ＮＯ．１`) as
//!   half-width, the ideographic space as a space, and any run of whitespace as one space (a
//!   term may be broken across a line). Spans are byte ranges into the *original* text.
//! - **Leftmost-longest.** Overlapping candidates are resolved like a reader would: the one that
//!   starts first wins, then the longer one (`最先进` over `最先`).

use aho_corasick::{AhoCorasick, MatchKind};

use crate::source::Span;

/// One occurrence of a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TermHit {
    /// Byte range into the searched text.
    pub span: Span,
    /// Index of the term in the list given to [`TermMatcher::new`].
    pub term_index: usize,
}

/// What an automaton pattern stands for.
#[derive(Debug, Clone, Copy)]
struct PatternInfo {
    /// `Some(i)`: term `i`; `None`: an exception phrase.
    term_index: Option<usize>,
    /// The normalised pattern starts with an ASCII letter or digit (needs a left boundary).
    word_start: bool,
    /// The normalised pattern ends with an ASCII letter or digit (needs a right boundary).
    word_end: bool,
}

/// A word list compiled once (one Aho-Corasick automaton over terms and exceptions) and shared
/// between threads.
#[derive(Debug, Clone)]
pub struct TermMatcher {
    terms: Vec<String>,
    /// `None` when the list holds no usable term (or the automaton could not be built).
    automaton: Option<AhoCorasick>,
    /// Indexed by automaton pattern id.
    patterns: Vec<PatternInfo>,
}

/// Error building a [`TermMatcher`] (only for absurdly large lists).
#[derive(Debug, thiserror::Error)]
#[error("cannot compile the term list: {0}")]
pub struct TermListError(#[from] aho_corasick::BuildError);

impl TermMatcher {
    /// Compiles `terms` and `exceptions`. Empty entries (after trimming) are ignored.
    ///
    /// Building only fails for lists beyond the automaton's size limits (billions of states);
    /// then this matcher finds nothing. Use [`TermMatcher::try_new`] to see that error.
    pub fn new(terms: &[String], exceptions: &[String]) -> TermMatcher {
        Self::try_new(terms, exceptions).unwrap_or_else(|_| TermMatcher {
            terms: terms.to_vec(),
            automaton: None,
            patterns: Vec::new(),
        })
    }

    /// Like [`TermMatcher::new`], reporting a build failure instead of matching nothing.
    pub fn try_new(terms: &[String], exceptions: &[String]) -> Result<TermMatcher, TermListError> {
        let mut normalized = Vec::new();
        let mut patterns = Vec::new();
        let entries = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (Some(i), t))
            .chain(exceptions.iter().map(|e| (None, e)));
        for (term_index, raw) in entries {
            let n = normalize(raw.trim()).text;
            let n = n.trim();
            let (Some(first), Some(last)) = (n.chars().next(), n.chars().next_back()) else {
                continue;
            };
            patterns.push(PatternInfo {
                term_index,
                word_start: first.is_ascii_alphanumeric(),
                word_end: last.is_ascii_alphanumeric(),
            });
            normalized.push(n.to_string());
        }
        let automaton = if normalized.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&normalized)?,
            )
        };
        Ok(TermMatcher {
            terms: terms.to_vec(),
            automaton,
            patterns,
        })
    }

    /// The terms as given, indexed by [`TermHit::term_index`].
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The term at `index`, as given.
    pub fn term(&self, index: usize) -> Option<&str> {
        self.terms.get(index).map(String::as_str)
    }

    /// All occurrences of any term in `text`, leftmost-longest and non-overlapping, in text
    /// order, except those inside an exception phrase or glued to ASCII letters/digits (see the
    /// module documentation).
    pub fn find(&self, text: &str) -> Vec<TermHit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let norm = normalize(text);
        let hay = norm.text.as_str();
        let bytes = hay.as_bytes();
        let glued_before = |at: usize| at > 0 && bytes[at - 1].is_ascii_alphanumeric();
        let glued_after = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_alphanumeric);

        let mut candidates: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, term)
        let mut exceptions: Vec<(usize, usize)> = Vec::new();
        for m in automaton.find_overlapping_iter(hay) {
            let Some(info) = self.patterns.get(m.pattern().as_usize()) else {
                continue;
            };
            if (info.word_start && glued_before(m.start()))
                || (info.word_end && glued_after(m.end()))
            {
                continue;
            }
            match info.term_index {
                Some(t) => candidates.push((m.start(), m.end(), t)),
                None => exceptions.push((m.start(), m.end())),
            }
        }
        // Drop candidates contained in an exception occurrence: with exceptions sorted by start,
        // the furthest end among those starting at or before `s` decides.
        exceptions.sort_unstable();
        let mut furthest_end = Vec::with_capacity(exceptions.len());
        let mut max_end = 0;
        for &(_, xe) in &exceptions {
            max_end = max_end.max(xe);
            furthest_end.push(max_end);
        }
        candidates.retain(|&(s, e, _)| {
            let before = exceptions.partition_point(|&(xs, _)| xs <= s);
            !(before > 0 && furthest_end[before - 1] >= e)
        });

        // Leftmost, then longest, then first-listed term.
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut hits = Vec::new();
        let mut taken_to = 0;
        for (s, e, t) in candidates {
            if s < taken_to {
                continue;
            }
            taken_to = e;
            hits.push(TermHit {
                span: Span::new(norm.original(s), norm.original(e)),
                term_index: t,
            });
        }
        hits
    }
}

/// A normalised text and, when it differs from the original, the original byte offset of every
/// normalised byte (plus one past the end).
struct Normalized {
    text: String,
    offsets: Option<Vec<usize>>,
}

impl Normalized {
    /// Original byte offset of normalised byte offset `at` (a char boundary).
    fn original(&self, at: usize) -> usize {
        match &self.offsets {
            Some(o) => o
                .get(at)
                .copied()
                .unwrap_or_else(|| o.last().copied().unwrap_or(0)),
            None => at,
        }
    }
}

/// The character a text character is matched as: full-width ASCII as ASCII, ASCII lower-cased,
/// every whitespace character as a space.
fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_whitespace() {
        ' '
    } else {
        c.to_ascii_lowercase()
    }
}

/// Folds every character and collapses whitespace runs to one space.
fn normalize(text: &str) -> Normalized {
    let unchanged = {
        let mut prev_space = false;
        text.chars().all(|c| {
            let ok = fold(c) == c && !(c == ' ' && prev_space);
            prev_space = c == ' ';
            ok
        })
    };
    if unchanged {
        return Normalized {
            text: text.to_string(),
            offsets: None,
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len() + 1);
    let mut prev_space = false;
    for (i, c) in text.char_indices() {
        let f = fold(c);
        if f == ' ' && prev_space {
            continue;
        }
        prev_space = f == ' ';
        out.push(f);
        offsets.extend(std::iter::repeat_n(i, f.len_utf8()));
    }
    offsets.push(text.len());
    Normalized {
        text: out,
        offsets: Some(offsets),
    }
}

/// Reads a word-list file: one entry per line; a UTF-8 BOM, surrounding whitespace, empty lines
/// and `#` comment lines are dropped.
///
/// Lists copied from jieba user dictionaries carry trailing fields (`最佳 10`, `最佳 10 a`: word,
/// frequency, part-of-speech tag). Those are dropped, keeping the word, but only when the word
/// contains a non-ASCII character and what follows is a number (optionally followed by one
/// short alphabetic tag): English multi-word terms such as `No. 1`, `number one`, `top 10` and
/// `world's first` are kept whole.
pub fn load_word_list(content: &str) -> Vec<String> {
    let content = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    content
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            // `\#1`: an entry that starts with `#` (a comment otherwise).
            let line = line.strip_prefix('\\').unwrap_or(line);
            strip_dictionary_fields(line).to_string()
        })
        .collect()
}

/// `词 10` / `词 10 n` → `词`; anything else unchanged.
fn strip_dictionary_fields(line: &str) -> &str {
    let mut fields = line.split_whitespace();
    let Some(word) = fields.next() else {
        return line;
    };
    let rest: Vec<&str> = fields.collect();
    let is_number = |f: &str| {
        let mut parts = f.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    let is_tag = |f: &str| (1..=3).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_alphabetic());
    let dictionary_fields = match rest.as_slice() {
        [freq] => is_number(freq),
        [freq, tag] => is_number(freq) && is_tag(tag),
        _ => false,
    };
    if dictionary_fields && !word.is_ascii() {
        word
    } else {
        line
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn escaped_hash_is_an_entry_not_a_comment() {
        let words = load_word_list("# comment\n\\#1\n第一\n");
        assert_eq!(words, vec!["#1".to_string(), "第一".to_string()]);
    }
    use super::*;
    use crate::check::builtins::fuzz_inputs;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn matcher(terms: &[&str], exceptions: &[&str]) -> TermMatcher {
        TermMatcher::new(&strings(terms), &strings(exceptions))
    }

    /// The matched texts, sliced from the original by the reported spans.
    fn found<'t>(m: &TermMatcher, text: &'t str) -> Vec<&'t str> {
        m.find(text).iter().map(|h| &text[h.span.range()]).collect()
    }

    #[test]
    fn is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<TermMatcher>();
    }

    #[test]
    fn chinese_terms_and_exceptions() {
        let m = matcher(
            &["第一", "最佳", "国家级", "唯一"],
            &["第一时间", "最佳赏味期", "唯一标识"],
        );
        assert_eq!(found(&m, "销量第一，我们第一时间回复。"), vec!["第一"]);
        assert_eq!(found(&m, "最佳赏味期为三个月，最佳选择"), vec!["最佳"]);
        assert_eq!(found(&m, "国家级产品，每个用户有唯一标识"), vec!["国家级"]);
        let text = "全国唯一的国家级品牌";
        let hits = m.find(text);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].term_index, 3);
        assert_eq!(&text[hits[0].span.range()], "唯一");
        assert_eq!(hits[1].term_index, 2);
        assert_eq!(m.term(hits[1].term_index), Some("国家级"));
    }

    #[test]
    fn exception_must_contain_the_occurrence() {
        // The first 第一 stands alone; the second lies inside 第一时间.
        let m = matcher(&["第一"], &["第一时间"]);
        assert_eq!(found(&m, "第一第一时间"), vec!["第一"]);
        let hits = m.find("第一第一时间");
        assert_eq!(hits[0].span, Span::new(0, 6));
    }

    #[test]
    fn leftmost_longest_non_overlapping() {
        let m = matcher(&["最先", "最先进", "先进"], &[]);
        assert_eq!(found(&m, "最先进的技术，很先进"), vec!["最先进", "先进"]);
        let m = matcher(&["甲乙", "乙丙丁"], &[]);
        assert_eq!(found(&m, "甲乙丙丁"), vec!["甲乙"]);
        let m = matcher(&["the best", "best choice"], &[]);
        assert_eq!(found(&m, "the best choice"), vec!["the best"]);
    }

    #[test]
    fn english_word_boundaries() {
        let m = matcher(
            &["best", "No. 1", "number one", "world's first", "100%"],
            &[],
        );
        assert_eq!(found(&m, "our bestseller"), Vec::<&str>::new());
        assert_eq!(found(&m, "the best choice"), vec!["best"]);
        assert_eq!(found(&m, "Best!"), vec!["Best"]);
        assert_eq!(found(&m, "ranked No. 10 in sales"), Vec::<&str>::new());
        assert_eq!(found(&m, "ranked No. 1 in sales"), vec!["No. 1"]);
        assert_eq!(found(&m, "ranked No. 1."), vec!["No. 1"]);
        assert_eq!(found(&m, "We are NUMBER ONE"), vec!["NUMBER ONE"]);
        assert_eq!(found(&m, "the World's First"), vec!["World's First"]);
        assert_eq!(found(&m, "1100% more"), Vec::<&str>::new());
        assert_eq!(found(&m, "100%纯天然"), vec!["100%"]);
        assert_eq!(found(&m, "best产品"), vec!["best"]);
        assert_eq!(found(&m, "最best"), vec!["best"]);
    }

    #[test]
    fn full_width_and_case_fold_with_original_spans() {
        let m = matcher(&["No.1", "100%", "top"], &[]);
        let text = "品牌ＮＯ．１，纯度１００％，ＴＯＰ品牌";
        assert_eq!(found(&m, text), vec!["ＮＯ．１", "１００％", "ＴＯＰ"]);
        assert_eq!(found(&m, "ＮＯ．１０"), Vec::<&str>::new());
        // Full-width terms are normalised too.
        let m = matcher(&["ＮＯ．　１"], &[]);
        assert_eq!(found(&m, "we are no. 1"), vec!["no. 1"]);
    }

    #[test]
    fn whitespace_runs_match_a_space() {
        let m = matcher(&["number one"], &[]);
        let text = "the number\n   one brand";
        assert_eq!(found(&m, text), vec!["number\n   one"]);
        assert_eq!(found(&m, "number\u{3000}one"), vec!["number\u{3000}one"]);
        assert_eq!(found(&m, "numberone"), Vec::<&str>::new());
    }

    #[test]
    fn ascii_exceptions_respect_boundaries_too() {
        let m = matcher(&["best"], &["best practice"]);
        assert_eq!(found(&m, "follow best practices"), vec!["best"]);
        assert_eq!(found(&m, "follow best practice."), Vec::<&str>::new());
    }

    #[test]
    fn degenerate_lists_and_texts() {
        let m = matcher(&[], &[]);
        assert!(m.find("第一").is_empty());
        let m = matcher(&["", "  ", "\u{3000}"], &["", "x"]);
        assert!(m.find("anything 第一").is_empty());
        let m = matcher(&["第一"], &[]);
        assert!(m.find("").is_empty());
        assert_eq!(m.terms(), &strings(&["第一"])[..]);
        // Duplicate terms: one hit, the first listed.
        let m = matcher(&["第一", "第一"], &[]);
        let hits = m.find("第一");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].term_index, 0);
    }

    #[test]
    fn term_indexes_skip_nothing_when_empty_terms_are_ignored() {
        let m = matcher(&["", "最佳"], &[]);
        let hits = m.find("最佳");
        assert_eq!(hits[0].term_index, 1);
    }

    #[test]
    fn word_list_loading() {
        let content = "\u{FEFF}# 广告法禁用词\n第一\n  最佳 10\n国家级 5 n\n\n# comment\nNo. 1\nnumber one\nworld's first\ntop 10\n全网 最低\n100% 5\n\u{3000}顶级\u{3000}\n";
        assert_eq!(
            load_word_list(content),
            strings(&[
                "第一",
                "最佳",
                "国家级",
                "No. 1",
                "number one",
                "world's first",
                "top 10",
                "全网 最低",
                "100% 5",
                "顶级",
            ])
        );
        assert!(load_word_list("").is_empty());
        assert!(load_word_list("\u{FEFF}").is_empty());
        assert_eq!(load_word_list("a\r\nb\r\n"), strings(&["a", "b"]));
    }

    #[test]
    fn fuzz_never_panics() {
        let inputs = fuzz_inputs();
        let m = TermMatcher::new(&inputs[..50], &inputs[50..80]);
        let _ = load_word_list(&inputs.join("\n"));
        for s in &inputs {
            for hit in m.find(s) {
                assert!(s.get(hit.span.range()).is_some(), "{s:?} {hit:?}");
                assert!(!hit.span.is_empty());
            }
        }
    }
}
