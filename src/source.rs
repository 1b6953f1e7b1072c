//! Source text and locations.
//!
//! Every input bylaw reads (a policy file, a Markdown report, a plain-text plan) becomes a
//! [`SourceFile`]: its display name and its text. Locations are byte ranges ([`Span`]) into that
//! text, so they are cheap to carry around and map directly onto miette's `SourceSpan`. Human
//! positions (1-based line and column) are computed on demand; columns count characters, not
//! bytes, so a span over Chinese text points at the right glyphs.

use std::ops::Range;
use std::sync::Arc;

/// A byte range into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// A 1-based line/column position; `column` counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A named text with a line index: a whole file, or an excerpt of one (see
/// [`SourceFile::excerpt`]). Offsets and line indices are always the whole file's.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
    /// Offset in the whole file of `text`'s first byte (0 unless an excerpt).
    base: usize,
    /// 0-based index in the whole file of `text`'s first line (0 unless an excerpt).
    first_line: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
            base: 0,
            first_line: 0,
        })
    }

    /// The lines of `span`, with `context` lines before and after: what a finding needs to
    /// show and locate itself. A run keeps its findings until it reports them; an excerpt
    /// instead of the whole file keeps memory from growing with the files that have findings.
    pub fn excerpt(&self, span: Span, context: usize) -> Arc<SourceFile> {
        let first = self.line_index(span.start).saturating_sub(context);
        let last = self.line_index(span.end) + context;
        let start = self.line_span(first).start;
        let end = match self.line_starts.get(last + 1 - self.first_line) {
            Some(next) => next + self.base,
            None => self.base + self.text.len(),
        };
        let text = self
            .text
            .get(start - self.base..end - self.base)
            .unwrap_or("")
            .to_string();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            name: self.name.clone(),
            text,
            line_starts,
            base: start,
            first_line: first,
        })
    }

    /// Offset in the whole file of [`text`](Self::text)'s first byte.
    pub fn base(&self) -> usize {
        self.base
    }

    /// 0-based index in the whole file of [`text`](Self::text)'s first line.
    pub fn first_line(&self) -> usize {
        self.first_line
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text of a span; empty when the span does not fall on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        match (
            span.start.checked_sub(self.base),
            span.end.checked_sub(self.base),
        ) {
            (Some(start), Some(end)) => self.text.get(start..end).unwrap_or(""),
            _ => "",
        }
    }

    /// 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        let local = offset.saturating_sub(self.base);
        self.first_line
            + match self.line_starts.binary_search(&local) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            }
    }

    /// 1-based line and character column of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let local = offset.saturating_sub(self.base).min(self.text.len());
        let line = self.line_index(local + self.base);
        let start = self
            .line_starts
            .get(line - self.first_line)
            .copied()
            .unwrap_or(0);
        let column = self
            .text
            .get(start..local)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        self.first_line
            + if self.text.ends_with('\n') {
                self.line_starts.len() - 1
            } else {
                self.line_starts.len()
            }
    }

    /// Byte span of 0-based line `index`, without its line terminator.
    pub fn line_span(&self, index: usize) -> Span {
        let local = index.saturating_sub(self.first_line);
        let start = self
            .line_starts
            .get(local)
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(local + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let mut end = end.max(start);
        if self.text[start..end].ends_with('\r') {
            end -= 1;
        }
        Span::new(start + self.base, end + self.base)
    }
}

/// Source text for miette whose reported columns count characters, not bytes, so the
/// `file:line:column` header agrees with JSON output on Chinese text. `first_line` numbers
/// the text's first line (1 for a whole file; a record's line for a snippet).
#[derive(Debug, Clone)]
pub struct CharColumns {
    pub name: String,
    pub text: String,
    pub first_line: usize,
}

impl miette::SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let start = inner.span().offset();
        let line_start = self.text[..start.min(self.text.len())]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        let column = self
            .text
            .get(line_start..start)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line.saturating_sub(1),
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let f = SourceFile::new("a.md", "# 标题\n结论：好\n");
        let off = f.text().find('好').unwrap();
        assert_eq!(f.position(off), Position { line: 2, column: 4 });
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.line_count(), 2);
        assert_eq!(f.slice(f.line_span(1)), "结论：好");
    }

    #[test]
    fn crlf_lines_exclude_cr() {
        let f = SourceFile::new("a.txt", "ab\r\ncd");
        assert_eq!(f.slice(f.line_span(0)), "ab");
        assert_eq!(f.slice(f.line_span(1)), "cd");
    }

    #[test]
    fn an_excerpt_answers_like_the_whole_file() {
        let text = "# 调研报告\n\n## 引言\n背景说明\r\n## 结论\n结论：市场增长\n## 建议\n多开店\n";
        let whole = SourceFile::new("r.md", text);
        let at = text.find("市场").expect("in text");
        let span = Span::new(at, at + "市场增长".len());
        let part = whole.excerpt(span, 1);
        assert!(part.text().len() < text.len());
        assert_eq!(part.text(), "## 结论\n结论：市场增长\n## 建议\n");
        assert_eq!(part.first_line(), 4);
        assert_eq!(part.slice(span), "市场增长");
        for offset in [span.start, span.end, part.base()] {
            assert_eq!(
                part.position(offset),
                whole.position(offset),
                "offset {offset}"
            );
            assert_eq!(part.line_index(offset), whole.line_index(offset));
        }
        for line in 4..=6 {
            assert_eq!(part.line_span(line), whole.line_span(line), "line {line}");
        }
        // Outside the excerpt: nothing, never another line's text.
        assert_eq!(part.slice(Span::new(0, 3)), "");
    }
}
