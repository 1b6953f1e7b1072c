//! Pattern literals (`/…/flags`): checked when a policy loads, compiled on first use.
//!
//! Compiling a regular expression costs far more than checking its syntax, and a run uses
//! only the patterns of the kinds of files it meets: a pre-commit check of one report need
//! not compile the patterns of ad copy and complaint logs. So loading a policy checks each
//! pattern's syntax, and the automaton is built the first time a rule matches with it (once,
//! shared by every thread). Policies from outside the built-in pack are also compiled when
//! they load, so that a pattern over the size limit is reported against its source; the
//! pack's own patterns are all compiled by its tests.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

/// The most memory one pattern's automaton may take.
const SIZE_LIMIT: usize = 1 << 22;

#[derive(Debug)]
pub struct Pattern {
    /// The pattern as the policy wrote it.
    written: String,
    /// What is compiled: `written` with ASCII word boundaries.
    compiled_from: String,
    case_insensitive: bool,
    multi_line: bool,
    regex: OnceLock<Regex>,
}

impl Pattern {
    /// Check a pattern's syntax and flags (`i`, `m`); the error is the reason it is invalid.
    pub fn new(written: &str, case_insensitive: bool, multi_line: bool) -> Result<Pattern, String> {
        let compiled_from = ascii_word_boundaries(written).into_owned();
        regex_syntax::ParserBuilder::new()
            .case_insensitive(case_insensitive)
            .multi_line(multi_line)
            .build()
            .parse(&compiled_from)
            .map_err(|e| reason(&e.to_string()))?;
        Ok(Pattern {
            written: written.to_string(),
            compiled_from,
            case_insensitive,
            multi_line,
            regex: OnceLock::new(),
        })
    }

    /// Compile now; the error is the reason the pattern cannot be compiled.
    pub fn compile(&self) -> Result<&Regex, String> {
        if let Some(re) = self.regex.get() {
            return Ok(re);
        }
        let re = self.build().map_err(|e| reason(&e.to_string()))?;
        Ok(self.regex.get_or_init(|| re))
    }

    /// The compiled pattern.
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            // Unreachable for a pattern that loaded: its syntax was checked, and a pattern
            // from outside the pack was compiled then. Match nothing rather than fail a file.
            self.build().unwrap_or_else(|_| never_matches())
        })
    }

    /// The pattern as written in the policy.
    pub fn as_str(&self) -> &str {
        &self.written
    }

    fn build(&self) -> Result<Regex, regex::Error> {
        RegexBuilder::new(&self.compiled_from)
            .case_insensitive(self.case_insensitive)
            .multi_line(self.multi_line)
            .size_limit(SIZE_LIMIT)
            .build()
    }
}

fn never_matches() -> Regex {
    static NEVER: OnceLock<Regex> = OnceLock::new();
    NEVER
        .get_or_init(|| Regex::new(r"[^\s\S]").expect("a valid pattern"))
        .clone()
}

/// The last line of a regex error: the reason, without the pattern echoed above it.
fn reason(message: &str) -> String {
    message
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

/// The pattern with `\b` and `\B` (outside character classes) made ASCII word boundaries.
///
/// Chinese writes no spaces between words, so a Unicode word boundary never falls between a
/// Chinese character and a Latin word (`仅供internal use` has none before `internal`), while
/// an ASCII boundary does: what a policy author means by `\bgold\b` in mixed text. It also
/// keeps patterns on the fast DFA engines: a Unicode `\b` makes the regex engine fall back to
/// its slowest matcher on any non-ASCII text.
fn ascii_word_boundaries(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains("\\b") && !pattern.contains("\\B") {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut class_depth = 0usize;
    // Right after `[` or `[^`, a `]` is a literal member, not the end of the class.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(b @ ('b' | 'B')) if class_depth == 0 => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    out.push(')');
                }
                Some(next) => {
                    out.push(c);
                    out.push(next);
                }
                None => out.push(c),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                class_start = true;
                continue;
            }
            ']' if class_depth > 0 && !class_start => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
        class_start = false;
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii_outside_classes() {
        assert_eq!(
            ascii_word_boundaries(r"金卡|\bgold\b"),
            r"金卡|(?-u:\b)gold(?-u:\b)"
        );
        assert_eq!(ascii_word_boundaries(r"\Bx\\b"), r"(?-u:\B)x\\b");
        assert_eq!(
            ascii_word_boundaries(r"[\b]|[]\b]\b"),
            r"[\b]|[]\b](?-u:\b)"
        );
        assert_eq!(ascii_word_boundaries(r"[^]a]\b"), r"[^]a](?-u:\b)");
        assert_eq!(ascii_word_boundaries("no boundary"), "no boundary");
    }

    #[test]
    fn ascii_boundary_separates_chinese_from_latin_words() {
        let p = Pattern::new(r"\bonly\s+for\b", true, false).unwrap();
        assert!(p.regex().is_match("仅供only for内部"));
        assert!(!p.regex().is_match("commonly for"));
        let unicode = Regex::new(r"(?i)\bonly\s+for\b").unwrap();
        assert!(!unicode.is_match("仅供only for内部"));
    }

    #[test]
    fn syntax_errors_are_found_without_compiling() {
        let e = Pattern::new(r"(unclosed", false, false).unwrap_err();
        assert!(e.contains("unclosed group"), "{e}");
        assert!(Pattern::new(r"a{2,1}", false, false).is_err());
    }

    #[test]
    fn oversized_patterns_fail_to_compile_with_a_reason() {
        let p = Pattern::new(r"\w{1000}\w{1000}", false, false).expect("valid syntax");
        let e = p.compile().unwrap_err();
        assert!(e.contains("size limit"), "{e}");
        // Used anyway (only possible in the pack, whose patterns its tests compile): no match.
        assert!(!p.regex().is_match("abc"));
    }
}
