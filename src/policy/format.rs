//! `bylaw fmt`: the canonical layout of a policy file.
//!
//! The formatter walks pest's concrete tree and prints every token again, in source order,
//! with normalised spacing and indentation. Comments are not in the tree (the grammar's
//! `COMMENT` is silent), so they are found by scanning the source outside string and pattern
//! literals, and each is printed when the printer reaches the first token after it: a comment
//! on a line of its own stays on a line of its own before the same token, a comment at the end
//! of a line stays at the end of that line.
//!
//! The canonical choices, close to how the built-in pack was written by hand:
//!
//! - indentation is 2 spaces per block; lines are at most 100 columns wide where a break is
//!   possible (CJK characters count as 2 columns); strings, raw strings, patterns and numbers
//!   are copied verbatim, never re-escaped, so a long message stays one long line;
//! - one space around binary operators and `=`, after commas and colons, none inside brackets;
//!   no trailing white space; the file ends with exactly one newline;
//! - `rule` and `kind` declarations stand between blank lines; other declarations (`let`,
//!   `param`, `clause`) and statements keep a blank line where the author left one or more,
//!   and none elsewhere; no blank line opens or closes a block;
//! - in a rule, the metadata lines come first, then one blank line, then the statements;
//! - a run of `clause` declarations not separated by a blank line aligns its titles;
//!   `not checkable "…"` goes on its own line, indented;
//! - a statement that fits on one line is printed on one line. Otherwise the author's line
//!   breaks before binary operators and before the `for` / `if` of a comprehension and the
//!   `satisfies` of a quantifier are kept (a break after an operator moves before it), and
//!   continuation lines align with the innermost open bracket, or with the start of the
//!   statement's expression;
//! - a list, map or argument list that fits on the rest of its line stays on one line;
//!   otherwise its elements are filled, as many per line as fit, aligned after the opening
//!   bracket (a single argument stays hugged by its parentheses); when that bracket stands in
//!   the right half of the line, wrapping would only build a narrow column, so the line is
//!   left long, like a line with a long string. A map written with a line
//!   break after its `{`, or any list, map or argument list holding a comment, is laid out one
//!   element per line with a trailing comma; map values are then aligned after the longest
//!   key;
//! - trailing comments are separated from the code by two spaces.
//!
//! Formatting never changes what a policy means: the result is parsed again and its syntax tree
//! (spans aside) and comments must equal the original's, else the file is left as it was.

use std::sync::LazyLock;

use pest::iterators::Pair;
use unicode_width::UnicodeWidthStr;

use super::errors::{PolicyError, PolicyErrors};
use super::grammar::{self, Rule};
use super::lower::Lowerer;
use crate::source::SourceFile;

/// The widest a line may be where a break is possible, in display columns.
pub const WIDTH: usize = 100;
const INDENT: usize = 2;

/// Why a policy text could not be formatted.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The text does not parse: the same errors `bylaw check` reports.
    #[error("{0}")]
    Syntax(PolicyErrors),
    /// The formatter could not print an equivalent text (a bug in the formatter).
    #[error("cannot format `{name}`: {reason}")]
    Internal { name: String, reason: String },
}

/// The canonical form of a policy text.
pub fn format(source: &str) -> Result<String, FormatError> {
    format_named("<input>", source)
}

/// The canonical form of a policy text; `name` is used in diagnostics.
pub fn format_named(name: &str, source: &str) -> Result<String, FormatError> {
    let file = SourceFile::new(name, source);
    let mut pairs =
        grammar::parse(&file).map_err(|errors| FormatError::Syntax(PolicyErrors { errors }))?;
    let internal = |reason: String| FormatError::Internal {
        name: name.to_string(),
        reason,
    };
    let policy = pairs
        .next()
        .ok_or_else(|| internal("the parser returned no tree".into()))?;
    let comments = find_comments(source, &policy);
    let mut printer = Printer::new(source, &comments);
    printer.policy(policy).map_err(internal)?;
    let out = printer.finish().map_err(internal)?;
    verify(source, &out).map_err(internal)?;
    Ok(out)
}

/// The meaning of a policy text: its syntax tree with every source position removed, as text.
/// Two texts with the same shape declare the same things. `None` if the text does not parse.
pub fn ast_shape(source: &str) -> Option<String> {
    static SPAN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"Span \{ start: \d+, end: \d+ \}").expect("valid pattern")
    });
    let file = SourceFile::new("<shape>", source);
    let pairs = grammar::parse(&file).ok()?;
    let mut lowerer = Lowerer::new(&file);
    let items = lowerer.policy(pairs);
    Some(SPAN.replace_all(&format!("{items:?}"), "Span").into_owned())
}

/// The comments of a policy text, in order, without trailing white space.
pub fn comment_texts(source: &str) -> Option<Vec<String>> {
    let file = SourceFile::new("<comments>", source);
    let mut pairs = grammar::parse(&file).ok()?;
    let policy = pairs.next()?;
    Some(
        find_comments(source, &policy)
            .into_iter()
            .map(|c| c.text.to_string())
            .collect(),
    )
}

/// The formatted text must mean the same and keep every comment.
fn verify(before: &str, after: &str) -> Result<(), String> {
    let (Some(a), Some(b)) = (ast_shape(before), ast_shape(after)) else {
        return Err("the formatted text does not parse; the file is left unchanged".into());
    };
    if a != b {
        return Err(
            "the formatted text would mean something else; the file is left unchanged".into(),
        );
    }
    if comment_texts(before) != comment_texts(after) {
        return Err(
            "the formatted text would lose or move a comment; the file is left unchanged".into(),
        );
    }
    Ok(())
}

/// A `#` comment in the source.
#[derive(Debug, Clone)]
struct Comment<'s> {
    start: usize,
    end: usize,
    text: &'s str,
    /// Nothing but white space before it on its line.
    own_line: bool,
    /// A blank line separates it from what comes before.
    blank_before: bool,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}' | '\u{3000}')
}

/// Whether only white space stands between `pos` and the previous token or comment, with at
/// least one blank line in it.
fn blank_before(src: &str, pos: usize) -> bool {
    let before = &src[..pos];
    let gap_start = before.trim_end_matches(is_space).len();
    gap_start > 0 && before[gap_start..].matches('\n').count() >= 2
}

/// Comments are everything from a `#` outside a string or pattern literal to the end of the line.
fn find_comments<'s>(src: &'s str, policy: &Pair<'s, Rule>) -> Vec<Comment<'s>> {
    let mut literals: Vec<(usize, usize)> = policy
        .clone()
        .into_inner()
        .flatten()
        .filter(|p| matches!(p.as_rule(), Rule::string | Rule::regex))
        .map(|p| (p.as_span().start(), p.as_span().end()))
        .collect();
    literals.sort_unstable();
    let mut comments = Vec::new();
    let mut next_literal = 0;
    let mut i = 0;
    let bytes = src.as_bytes();
    while i < bytes.len() {
        while next_literal < literals.len() && literals[next_literal].1 <= i {
            next_literal += 1;
        }
        if let Some(&(start, end)) = literals.get(next_literal)
            && start <= i
        {
            i = end;
            continue;
        }
        if bytes[i] == b'#' {
            let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
            let line_start = src[..i].rfind('\n').map_or(0, |n| n + 1);
            comments.push(Comment {
                start: i,
                end,
                text: src[i..end].trim_end(),
                own_line: src[line_start..i].chars().all(is_space),
                blank_before: blank_before(src, i),
            });
            i = end;
        } else {
            i += 1;
        }
    }
    comments
}

fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn start(pair: &Pair<'_, Rule>) -> usize {
    pair.as_span().start()
}

fn end(pair: &Pair<'_, Rule>) -> usize {
    pair.as_span().end()
}

/// What goes between the previous token and the next one on the same line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    None,
    Spaces(usize),
    /// A line break; the next line starts at the current indentation.
    Break,
}

const SPACE: Sep = Sep::Spaces(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seq {
    List,
    Map,
    Args,
}

/// Printer state that a trial layout may have to undo.
#[derive(Clone)]
struct Mark {
    len: usize,
    col: usize,
    line_start: bool,
    line_indent: usize,
    cursor: usize,
    next: usize,
    indents: usize,
    no_blank: bool,
}

type Res = Result<(), String>;

struct Printer<'s, 'c> {
    src: &'s str,
    comments: &'c [Comment<'s>],
    /// The first comment not printed yet.
    next: usize,
    /// The end of the last source token consumed.
    cursor: usize,
    out: String,
    /// Display width of the current output line.
    col: usize,
    /// Nothing but (pending) indentation on the current output line.
    line_start: bool,
    /// The indentation of the current output line.
    line_indent: usize,
    /// Where a new line starts: block indentation and continuation columns.
    indents: Vec<usize>,
    /// Print everything on one line (a trial layout).
    flat: bool,
    /// Right after a block opened: no blank line here.
    no_blank: bool,
}

impl<'s, 'c> Printer<'s, 'c> {
    fn new(src: &'s str, comments: &'c [Comment<'s>]) -> Self {
        Printer {
            src,
            comments,
            next: 0,
            cursor: 0,
            out: String::with_capacity(src.len() + src.len() / 8),
            col: 0,
            line_start: true,
            line_indent: 0,
            indents: vec![0],
            flat: false,
            no_blank: true,
        }
    }

    fn finish(mut self) -> Result<String, String> {
        self.comments_before(usize::MAX, true);
        self.ensure_line_start();
        if self.next != self.comments.len() {
            return Err("a comment was not printed".into());
        }
        let rest = self.skip_trivia(self.cursor);
        if rest < self.src.len() {
            return Err(format!("text left unprinted at byte {rest}"));
        }
        let trimmed = self.out.trim_end_matches('\n').len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        Ok(self.out)
    }

    // ---- output ----------------------------------------------------------------------

    fn indent(&self) -> usize {
        self.indents.last().copied().unwrap_or(0)
    }

    fn write(&mut self, s: &str) {
        if self.line_start {
            let n = self.indent();
            self.out.extend(std::iter::repeat_n(' ', n));
            self.col = n;
            self.line_indent = n;
            self.line_start = false;
        }
        self.out.push_str(s);
        self.col += width(s);
        self.no_blank = false;
    }

    fn trim_trailing_spaces(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
            self.col = self.col.saturating_sub(1);
        }
    }

    fn newline(&mut self) {
        self.trim_trailing_spaces();
        self.out.push('\n');
        self.col = 0;
        self.line_start = true;
    }

    fn ensure_line_start(&mut self) {
        if !self.line_start {
            self.newline();
        }
    }

    /// One blank line, unless at the start of the file or of a block, or after another.
    fn blank_line(&mut self) {
        if self.line_start && !self.no_blank && !self.out.is_empty() && !self.out.ends_with("\n\n")
        {
            self.out.push('\n');
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            len: self.out.len(),
            col: self.col,
            line_start: self.line_start,
            line_indent: self.line_indent,
            cursor: self.cursor,
            next: self.next,
            indents: self.indents.len(),
            no_blank: self.no_blank,
        }
    }

    fn reset(&mut self, m: &Mark) {
        self.out.truncate(m.len);
        self.col = m.col;
        self.line_start = m.line_start;
        self.line_indent = m.line_indent;
        self.cursor = m.cursor;
        self.next = m.next;
        self.indents.truncate(m.indents);
        self.no_blank = m.no_blank;
    }

    /// Print with `f` all on one line if that fits, leaving `extra` columns after it;
    /// otherwise undo it and say so. A comment ends its line, so it never fits.
    fn try_one_line(
        &mut self,
        extra: usize,
        f: impl FnOnce(&mut Self) -> Res,
    ) -> Result<bool, String> {
        let m = self.mark();
        let was_flat = self.flat;
        self.flat = true;
        let tried = f(self);
        self.flat = was_flat;
        tried?;
        if self.next == m.next && !self.out[m.len..].contains('\n') && self.col + extra <= WIDTH {
            Ok(true)
        } else {
            self.reset(&m);
            Ok(false)
        }
    }

    /// Print with `f` on one line if that fits (leaving `extra` columns after it), else as `f`
    /// lays it out over several lines.
    fn one_line_or_more(&mut self, extra: usize, f: impl Fn(&mut Self) -> Res) -> Res {
        if self.flat {
            return f(self);
        }
        if self.try_one_line(extra, &f)? {
            return Ok(());
        }
        f(self)
    }

    // ---- comments and source tokens --------------------------------------------------

    fn comment_between(&self, from: usize, to: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.start >= from && c.start < to)
    }

    /// Print the comments that stand before `pos`. A comment at the end of a source line
    /// stays at the end of the current line; one on its own line gets its own line, after a
    /// blank line if it had one and `keep_blank`.
    fn comments_before(&mut self, pos: usize, keep_blank: bool) {
        while let Some(c) = self.comments.get(self.next)
            && c.start < pos
        {
            self.next += 1;
            if !c.own_line && !self.line_start {
                self.trim_trailing_spaces();
                self.write("  ");
            } else {
                self.ensure_line_start();
                if keep_blank && c.blank_before {
                    self.blank_line();
                }
            }
            self.write(c.text);
            self.newline();
            self.cursor = self.cursor.max(c.end);
        }
    }

    /// Start a new line for what begins at `pos` (a declaration, statement, element or closing
    /// brace), printing the comments before it.
    fn line_before(&mut self, pos: usize, force_blank: bool, keep_blank: bool, target_blank: bool) {
        if let Some(c) = self.comments.get(self.next)
            && c.start < pos
            && !c.own_line
            && !self.line_start
        {
            self.comments_before(c.start + 1, false);
        }
        self.ensure_line_start();
        if force_blank {
            self.blank_line();
        }
        self.comments_before(pos, keep_blank);
        self.ensure_line_start();
        if target_blank && blank_before(self.src, pos) {
            self.blank_line();
        }
    }

    fn skip_trivia(&self, mut pos: usize) -> usize {
        loop {
            let rest = &self.src[pos.min(self.src.len())..];
            let trimmed = rest.trim_start_matches(is_space);
            pos += rest.len() - trimmed.len();
            if trimmed.starts_with('#') {
                pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return pos;
            }
        }
    }

    fn newline_between(&self, from: usize, to: usize) -> bool {
        from < to && self.src[from..to].contains('\n')
    }

    /// Print a token found at `at` in the source (`len` bytes there).
    fn tok(&mut self, sep: Sep, text: &str, at: usize, len: usize) {
        self.comments_before(at, false);
        if !self.line_start {
            match sep {
                Sep::None => {}
                Sep::Spaces(n) => {
                    self.out.extend(std::iter::repeat_n(' ', n));
                    self.col += n;
                }
                Sep::Break => self.newline(),
            }
        }
        self.write(text);
        self.cursor = at + len;
    }

    /// The position of the literal `text` at the next token.
    fn find(&self, text: &str) -> Result<usize, String> {
        let pos = self.skip_trivia(self.cursor);
        if self.src[pos..].starts_with(text) {
            Ok(pos)
        } else {
            Err(format!("expected `{text}` at byte {pos}"))
        }
    }

    /// Print a literal token of the grammar (a keyword or punctuation).
    fn lit(&mut self, sep: Sep, text: &str) -> Res {
        let at = self.find(text)?;
        self.tok(sep, text, at, text.len());
        Ok(())
    }

    /// Skip an optional literal (a trailing comma) without printing it.
    fn skip_lit(&mut self, text: &str) -> bool {
        match self.find(text) {
            Ok(at) => {
                self.cursor = at + text.len();
                true
            }
            Err(_) => false,
        }
    }

    /// Print a token of the tree as written.
    fn atom(&mut self, sep: Sep, pair: &Pair<'s, Rule>) {
        let text = match pair.as_rule() {
            Rule::op_not_in => "not in",
            _ => pair.as_str(),
        };
        self.tok(sep, text, start(pair), pair.as_str().len());
    }

    /// A keyword where the author may break the line (`for`, `if` and `satisfies` in
    /// comprehensions and quantifiers, binary operators): kept on a new line if the source
    /// had a line break just before or after it.
    fn breakable(&mut self, at: usize, len: usize) -> Sep {
        let after = self.skip_trivia(at + len);
        if !self.flat
            && (self.newline_between(self.cursor, at) || self.newline_between(at + len, after))
        {
            Sep::Break
        } else {
            SPACE
        }
    }

    // ---- declarations ----------------------------------------------------------------

    fn policy(&mut self, policy: Pair<'s, Rule>) -> Res {
        let items: Vec<_> = policy
            .into_inner()
            .filter(|p| p.as_rule() != Rule::EOI)
            .collect();
        let id_widths = self.clause_id_widths(&items);
        let mut prev_block = false;
        for (i, item) in items.iter().enumerate() {
            let block = matches!(item.as_rule(), Rule::rule_decl | Rule::kind_decl);
            self.line_before(start(item), i > 0 && (block || prev_block), true, true);
            match item.as_rule() {
                Rule::clause_decl => self.clause(item, id_widths[i])?,
                Rule::kind_decl => self.kind(item)?,
                Rule::let_decl => self.let_(item)?,
                Rule::param_decl => self.param(item)?,
                Rule::rule_decl => self.rule(item)?,
                other => return Err(format!("unexpected {other:?} at the top level")),
            }
            prev_block = block;
        }
        Ok(())
    }

    /// For each `clause` declaration, the width its id is padded to: the widest id of its run
    /// of clauses not separated by a blank line.
    fn clause_id_widths(&self, items: &[Pair<'s, Rule>]) -> Vec<usize> {
        let mut widths = vec![0; items.len()];
        let mut run: Vec<usize> = Vec::new();
        let close_run = |run: &mut Vec<usize>, widths: &mut Vec<usize>| {
            let w = run.iter().map(|&j| widths[j]).max().unwrap_or(0);
            for &j in run.iter() {
                widths[j] = w;
            }
            run.clear();
        };
        for (i, item) in items.iter().enumerate() {
            let continues = i > 0
                && items[i - 1].as_rule() == Rule::clause_decl
                && !has_blank_line(&self.src[end(&items[i - 1])..start(item)]);
            if !continues {
                close_run(&mut run, &mut widths);
            }
            if item.as_rule() == Rule::clause_decl {
                widths[i] = item
                    .clone()
                    .into_inner()
                    .next()
                    .map_or(0, |id| id.as_str().len());
                run.push(i);
            }
        }
        close_run(&mut run, &mut widths);
        widths
    }

    fn clause(&mut self, pair: &Pair<'s, Rule>, id_width: usize) -> Res {
        let mut inner = pair.clone().into_inner();
        let (Some(id), Some(title)) = (inner.next(), inner.next()) else {
            return Err("a clause without id or title".into());
        };
        self.lit(Sep::None, "clause")?;
        self.atom(SPACE, &id);
        let pad = id_width.saturating_sub(id.as_str().len());
        self.atom(Sep::Spaces(1 + pad), &title);
        if let Some(nc) = inner.next() {
            self.indents.push(self.indent() + INDENT);
            self.line_before(start(&nc), false, false, false);
            self.lit(Sep::None, "not")?;
            self.lit(SPACE, "checkable")?;
            for reason in nc.into_inner() {
                self.atom(SPACE, &reason);
            }
            self.indents.pop();
        }
        Ok(())
    }

    fn kind(&mut self, pair: &Pair<'s, Rule>) -> Res {
        let mut inner = pair.clone().into_inner();
        let name = inner.next().ok_or("a kind without a name")?;
        self.lit(Sep::None, "kind")?;
        self.atom(SPACE, &name);
        let fields: Vec<_> = inner.collect();
        self.braced(
            &fields,
            |_| false,
            |p, field| {
                let mut f = field.clone().into_inner();
                let (Some(key), Some(value)) = (f.next(), f.next()) else {
                    return Err("a kind field without key or value".into());
                };
                p.one_line_or_more(0, |p| {
                    p.atom(Sep::None, &key);
                    p.top_expr(SPACE, &value)
                })
            },
        )
    }

    fn let_(&mut self, pair: &Pair<'s, Rule>) -> Res {
        let mut inner = pair.clone().into_inner();
        let (Some(name), Some(value)) = (inner.next(), inner.next()) else {
            return Err("a `let` without name or value".into());
        };
        self.one_line_or_more(0, |p| {
            p.lit(Sep::None, "let")?;
            p.atom(SPACE, &name);
            p.lit(SPACE, "=")?;
            p.top_expr(SPACE, &value)
        })
    }

    fn param(&mut self, pair: &Pair<'s, Rule>) -> Res {
        let mut inner = pair.clone().into_inner();
        let (Some(name), Some(value)) = (inner.next(), inner.next()) else {
            return Err("a `param` without name or value".into());
        };
        let doc = inner.next();
        self.one_line_or_more(0, |p| {
            p.lit(Sep::None, "param")?;
            p.atom(SPACE, &name);
            p.lit(SPACE, "=")?;
            p.top_expr(SPACE, &value)?;
            if let Some(doc) = &doc {
                p.atom(SPACE, doc);
            }
            Ok(())
        })
    }

    fn rule(&mut self, pair: &Pair<'s, Rule>) -> Res {
        let mut inner = pair.clone().into_inner();
        let id = inner.next().ok_or("a rule without an id")?;
        self.lit(Sep::None, "rule")?;
        self.atom(SPACE, &id);
        let body: Vec<_> = inner.collect();
        let first_stmt = body.iter().position(|p| !is_meta(p.as_rule()));
        self.braced(
            &body,
            |i| i > 0 && Some(i) == first_stmt,
            |p, item| {
                if is_meta(item.as_rule()) {
                    p.meta(item)
                } else {
                    p.stmt(item)
                }
            },
        )
    }

    fn meta(&mut self, pair: &Pair<'s, Rule>) -> Res {
        let keyword: String = pair
            .as_str()
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        self.lit(Sep::None, &keyword)?;
        if pair.as_rule() == Rule::meta_applies {
            self.lit(SPACE, "to")?;
        }
        for (i, value) in pair.clone().into_inner().enumerate() {
            if i > 0 {
                self.lit(Sep::None, ",")?;
            }
            self.atom(SPACE, &value);
        }
        Ok(())
    }

    /// `{`, the items one per line (indented), `}`; `force_blank(i)`: a blank line before
    /// item `i`.
    fn braced(
        &mut self,
        items: &[Pair<'s, Rule>],
        force_blank: impl Fn(usize) -> bool,
        each: impl Fn(&mut Self, &Pair<'s, Rule>) -> Res,
    ) -> Res {
        self.lit(SPACE, "{")?;
        if items.is_empty() {
            let close = self.find("}")?;
            if !self.comment_between(self.cursor, close) {
                return self.lit(Sep::None, "}");
            }
        }
        self.indents.push(self.indent() + INDENT);
        self.no_blank = true;
        for (i, item) in items.iter().enumerate() {
            self.line_before(start(item), force_blank(i), true, true);
            each(self, item)?;
        }
        let close = self.find("}")?;
        self.line_before(close, false, true, false);
        self.indents.pop();
        self.lit(Sep::None, "}")
    }

    // ---- statements ------------------------------------------------------------------

    fn stmt(&mut self, pair: &Pair<'s, Rule>) -> Res {
        let inner: Vec<_> = pair.clone().into_inner().collect();
        match pair.as_rule() {
            Rule::let_stmt => self.let_(pair),
            Rule::for_stmt => {
                let [binding, iter, block] = inner.as_slice() else {
                    return Err("a malformed `for`".into());
                };
                self.one_line_or_more(2, |p| {
                    p.lit(Sep::None, "for")?;
                    p.binding(SPACE, binding)?;
                    p.lit(SPACE, "in")?;
                    p.top_expr(SPACE, iter)
                })?;
                self.block(block)
            }
            Rule::if_stmt => self.if_(Sep::None, pair),
            Rule::report_stmt => self.one_line_or_more(0, |p| {
                p.lit(Sep::None, "report")?;
                for part in &inner {
                    match part.as_rule() {
                        Rule::string => p.atom(SPACE, part),
                        Rule::at_clause => {
                            p.lit(SPACE, "at")?;
                            for e in part.clone().into_inner() {
                                p.top_expr(SPACE, &e)?;
                            }
                        }
                        Rule::cite_clause => {
                            p.lit(SPACE, "cite")?;
                            for (i, id) in part.clone().into_inner().enumerate() {
                                if i > 0 {
                                    p.lit(Sep::None, ",")?;
                                }
                                p.atom(SPACE, &id);
                            }
                        }
                        other => return Err(format!("unexpected {other:?} in `report`")),
                    }
                }
                Ok(())
            }),
            Rule::group_stmt => {
                let [item, key, into] = inner.as_slice() else {
                    return Err("a malformed `group`".into());
                };
                self.one_line_or_more(0, |p| {
                    p.lit(Sep::None, "group")?;
                    p.top_expr(SPACE, item)?;
                    p.lit(SPACE, "by")?;
                    p.top_expr(SPACE, key)?;
                    p.lit(SPACE, "into")?;
                    p.atom(SPACE, into);
                    Ok(())
                })
            }
            other => Err(format!("unexpected {other:?} as a statement")),
        }
    }

    fn if_(&mut self, sep: Sep, pair: &Pair<'s, Rule>) -> Res {
        let inner: Vec<_> = pair.clone().into_inner().collect();
        let (cond, block, otherwise) = match inner.as_slice() {
            [cond, block] => (cond, block, None),
            [cond, block, otherwise] => (cond, block, Some(otherwise)),
            _ => return Err("a malformed `if`".into()),
        };
        self.one_line_or_more(2, |p| {
            p.lit(sep, "if")?;
            p.top_expr(SPACE, cond)
        })?;
        self.block(block)?;
        if let Some(otherwise) = otherwise {
            self.lit(SPACE, "else")?;
            let next = otherwise
                .clone()
                .into_inner()
                .next()
                .ok_or("an empty `else`")?;
            if next.as_rule() == Rule::if_stmt {
                self.if_(SPACE, &next)?;
            } else {
                self.block(&next)?;
            }
        }
        Ok(())
    }

    fn block(&mut self, pair: &Pair<'s, Rule>) -> Res {
        let stmts: Vec<_> = pair.clone().into_inner().collect();
        self.braced(&stmts, |_| false, |p, s| p.stmt(s))
    }

    fn binding(&mut self, sep: Sep, pair: &Pair<'s, Rule>) -> Res {
        for (i, name) in pair.clone().into_inner().enumerate() {
            if i > 0 {
                self.lit(Sep::None, ",")?;
                self.atom(SPACE, &name);
            } else {
                self.atom(sep, &name);
            }
        }
        Ok(())
    }

    // ---- expressions -----------------------------------------------------------------

    /// An expression whose continuation lines align with its start.
    fn top_expr(&mut self, sep: Sep, pair: &Pair<'s, Rule>) -> Res {
        self.comments_before(start(pair), false);
        if !self.line_start
            && let Sep::Spaces(n) = sep
        {
            self.out.extend(std::iter::repeat_n(' ', n));
            self.col += n;
        }
        let col = if self.line_start {
            self.indent()
        } else {
            self.col
        };
        self.indents.push(col);
        let r = self.expr(Sep::None, pair);
        self.indents.pop();
        r
    }

    fn expr(&mut self, sep: Sep, pair: &Pair<'s, Rule>) -> Res {
        let mut sep = sep;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::op_not => {
                    self.atom(sep, &part);
                    sep = SPACE;
                }
                Rule::op_neg => {
                    self.atom(sep, &part);
                    sep = Sep::None;
                }
                Rule::postfixed => {
                    self.postfixed(sep, &part)?;
                    sep = SPACE;
                }
                _ => {
                    let before = self.breakable(start(&part), part.as_str().len());
                    self.atom(before, &part);
                    sep = SPACE;
                }
            }
        }
        Ok(())
    }

    fn postfixed(&mut self, sep: Sep, pair: &Pair<'s, Rule>) -> Res {
        let mut inner = pair.clone().into_inner();
        let primary = inner.next().ok_or("an empty expression")?;
        self.primary(sep, &primary)?;
        for post in inner {
            let mut parts = post.clone().into_inner();
            match post.as_rule() {
                Rule::field => {
                    self.lit(Sep::None, ".")?;
                    let name = parts.next().ok_or("a field without a name")?;
                    self.atom(Sep::None, &name);
                }
                Rule::method_call => {
                    self.lit(Sep::None, ".")?;
                    let name = parts.next().ok_or("a method without a name")?;
                    self.atom(Sep::None, &name);
                    self.args(parts.next(), end(&post))?;
                }
                Rule::index => {
                    let index = parts.next().ok_or("an empty index")?;
                    self.bracketed(Sep::None, "[", "]", &index)?;
                }
                other => return Err(format!("unexpected {other:?} after an expression")),
            }
        }
        Ok(())
    }

    /// `(expr)` or `[expr]`: continuation lines align after the bracket.
    fn bracketed(&mut self, sep: Sep, open: &str, close: &str, e: &Pair<'s, Rule>) -> Res {
        self.lit(sep, open)?;
        self.indents.push(self.col);
        self.expr(Sep::None, e)?;
        self.indents.pop();
        self.lit(Sep::None, close)
    }

    /// `[element for binding in iter if filter]`; `comp` is the part from `for` on.
    fn comprehension(&mut self, sep: Sep, element: &Pair<'s, Rule>, comp: &Pair<'s, Rule>) -> Res {
        let inner: Vec<_> = comp.clone().into_inner().collect();
        let (binding, iter, filter) = match inner.as_slice() {
            [b, i] => (b, i, None),
            [b, i, f] => (b, i, Some(f)),
            _ => return Err("a malformed comprehension".into()),
        };
        self.lit(sep, "[")?;
        self.indents.push(self.col);
        self.expr(Sep::None, element)?;
        let at = self.find("for")?;
        let before = self.breakable(at, 3);
        self.lit(before, "for")?;
        self.binding(SPACE, binding)?;
        self.lit(SPACE, "in")?;
        self.expr(SPACE, iter)?;
        if let Some(filter) = filter {
            let at = self.find("if")?;
            let before = self.breakable(at, 2);
            self.lit(before, "if")?;
            self.expr(SPACE, filter)?;
        }
        self.indents.pop();
        self.lit(Sep::None, "]")
    }

    fn primary(&mut self, sep: Sep, pair: &Pair<'s, Rule>) -> Res {
        let inner: Vec<_> = pair.clone().into_inner().collect();
        match pair.as_rule() {
            Rule::expr => self.bracketed(sep, "(", ")", pair),
            Rule::list => match inner.as_slice() {
                [element, comp] if comp.as_rule() == Rule::comprehension => {
                    self.comprehension(sep, element, comp)
                }
                _ => self.seq(sep, Seq::List, &inner, end(pair) - 1),
            },
            Rule::map => self.seq(sep, Seq::Map, &inner, end(pair) - 1),
            Rule::call => {
                let name = inner.first().ok_or("a call without a name")?;
                self.atom(sep, name);
                self.args(inner.get(1).cloned(), end(pair))
            }
            Rule::quantifier => {
                let [kind, binding, iter, cond] = inner.as_slice() else {
                    return Err("a malformed quantifier".into());
                };
                self.atom(sep, kind);
                self.binding(SPACE, binding)?;
                self.lit(SPACE, "in")?;
                self.expr(SPACE, iter)?;
                let at = self.find("satisfies")?;
                let before = self.breakable(at, 9);
                self.lit(before, "satisfies")?;
                self.expr(SPACE, cond)
            }
            Rule::string
            | Rule::regex
            | Rule::number
            | Rule::boolean
            | Rule::none
            | Rule::ident => {
                self.atom(sep, pair);
                Ok(())
            }
            other => Err(format!("unexpected {other:?} in an expression")),
        }
    }

    /// The parenthesised arguments of a call ending at `call_end`.
    fn args(&mut self, args: Option<Pair<'s, Rule>>, call_end: usize) -> Res {
        let items: Vec<_> = args.map(|a| a.into_inner().collect()).unwrap_or_default();
        self.seq(Sep::None, Seq::Args, &items, call_end - 1)
    }

    /// One element of a list, map or argument list.
    fn element(&mut self, sep: Sep, kind: Seq, item: &Pair<'s, Rule>, pad: usize) -> Res {
        match kind {
            Seq::List => self.expr(sep, item),
            Seq::Map | Seq::Args => {
                let parts: Vec<_> = item.clone().into_inner().collect();
                match parts.as_slice() {
                    [value] => self.expr(sep, value),
                    [key, value] => {
                        self.atom(sep, key);
                        self.lit(Sep::None, ":")?;
                        self.top_expr(Sep::Spaces(1 + pad), value)
                    }
                    _ => Err("a malformed map entry or argument".into()),
                }
            }
        }
    }

    /// A list, map or argument list, from its opening bracket to its closing one at `close_at`.
    fn seq(&mut self, sep: Sep, kind: Seq, items: &[Pair<'s, Rule>], close_at: usize) -> Res {
        let (open, close) = match kind {
            Seq::List => ("[", "]"),
            Seq::Map => ("{", "}"),
            Seq::Args => ("(", ")"),
        };
        let open_at = self.find(open)?;
        let commented = self.comment_between(open_at, close_at);
        self.lit(sep, open)?;
        if items.is_empty() && !commented {
            return self.lit(Sep::None, close);
        }
        if self.flat {
            return self.seq_flat(kind, items, close);
        }
        if self.try_one_line(0, |p| p.seq_flat(kind, items, close))? {
            return Ok(());
        }
        let block = commented
            || (kind == Seq::Map
                && items
                    .first()
                    .is_some_and(|f| self.newline_between(open_at, start(f))));
        if block {
            self.seq_block(kind, items, close)
        } else if kind == Seq::Args && items.len() == 1 {
            self.indents.push(self.col);
            self.element(Sep::None, kind, &items[0], 0)?;
            self.indents.pop();
            self.skip_lit(",");
            self.lit(Sep::None, close)
        } else {
            // Wrapping after a bracket far to the right would only build a narrow column:
            // such a line is left long, like a long string.
            let wrap = self.col <= WIDTH / 2;
            self.seq_fill(kind, items, close, wrap)
        }
    }

    fn seq_flat(&mut self, kind: Seq, items: &[Pair<'s, Rule>], close: &str) -> Res {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.lit(Sep::None, ",")?;
            }
            self.element(if i > 0 { SPACE } else { Sep::None }, kind, item, 0)?;
        }
        self.skip_lit(",");
        self.lit(Sep::None, close)
    }

    /// As many elements per line as fit, aligned after the opening bracket (all on one line
    /// unless `wrap`).
    fn seq_fill(&mut self, kind: Seq, items: &[Pair<'s, Rule>], close: &str, wrap: bool) -> Res {
        self.indents.push(self.col);
        for (i, item) in items.iter().enumerate() {
            let extra = if i + 1 == items.len() { close.len() } else { 1 };
            if i == 0 {
                self.one_line_or_more(extra, |p| p.element(Sep::None, kind, item, 0))?;
                continue;
            }
            self.lit(Sep::None, ",")?;
            if self.try_one_line(extra, |p| p.element(SPACE, kind, item, 0))? {
                continue;
            }
            let sep = if wrap { Sep::Break } else { SPACE };
            self.one_line_or_more(extra, |p| p.element(sep, kind, item, 0))?;
        }
        self.indents.pop();
        self.skip_lit(",");
        self.lit(Sep::None, close)
    }

    /// One element per line, each followed by a comma; map values aligned.
    fn seq_block(&mut self, kind: Seq, items: &[Pair<'s, Rule>], close: &str) -> Res {
        let key_width = if kind == Seq::Map {
            items
                .iter()
                .filter_map(|e| e.clone().into_inner().next())
                .map(|k| width(k.as_str()))
                .max()
                .unwrap_or(0)
        } else {
            0
        };
        let base = self.line_indent;
        self.indents.push(base + INDENT);
        self.no_blank = true;
        for (i, item) in items.iter().enumerate() {
            self.line_before(start(item), false, true, i > 0);
            let pad = match kind {
                Seq::Map => item
                    .clone()
                    .into_inner()
                    .next()
                    .map_or(0, |k| key_width.saturating_sub(width(k.as_str()))),
                _ => 0,
            };
            self.one_line_or_more(1, |p| p.element(Sep::None, kind, item, pad))?;
            if !self.lit_if_next(",")? {
                self.write(",");
            }
        }
        let close_at = self.find(close)?;
        self.line_before(close_at, false, true, false);
        self.indents.pop();
        self.indents.push(base);
        let r = self.lit(Sep::None, close);
        self.indents.pop();
        r
    }

    /// Print the literal if it comes next; whether it did.
    fn lit_if_next(&mut self, text: &str) -> Result<bool, String> {
        if self.find(text).is_ok() {
            self.lit(Sep::None, text)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }
}

fn is_meta(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::meta_clauses
            | Rule::meta_severity
            | Rule::meta_applies
            | Rule::meta_message
            | Rule::meta_label
            | Rule::meta_help
            | Rule::meta_summary
            | Rule::meta_effective
            | Rule::meta_until
    )
}

/// Whether a gap between two declarations holds a blank line.
fn has_blank_line(gap: &str) -> bool {
    let lines: Vec<&str> = gap.split('\n').collect();
    lines.len() > 2
        && lines[1..lines.len() - 1]
            .iter()
            .any(|l| l.chars().all(is_space))
}

/// A unified diff of a file's text before and after formatting, at most `max_lines` long.
pub fn diff(name: &str, before: &str, after: &str, max_lines: usize) -> String {
    let diff = similar::TextDiff::from_lines(before, after);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (formatted)"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out: String = lines
        .iter()
        .take(max_lines)
        .map(|l| format!("{l}\n"))
        .collect();
    if lines.len() > max_lines {
        out.push_str(&format!("… {} more diff lines\n", lines.len() - max_lines));
    }
    out
}

/// What `bylaw fmt PATH…` did (or, with `check`, would do).
#[derive(Debug, Default)]
pub struct Outcome {
    /// For standard output: the files reformatted, or those that would be, each with a diff.
    pub report: String,
    /// How many files changed (or would change).
    pub changed: usize,
    /// The errors of files that do not parse; those files are left as they are.
    pub syntax: Vec<PolicyError>,
    /// Files that could not be read, formatted or written.
    pub problems: Vec<String>,
}

/// Format the policy files at `paths` (files, or every `*.bylaw` below directories) in place;
/// with `check`, write nothing and report the files that would change.
pub fn format_paths(paths: &[std::path::PathBuf], check: bool) -> Outcome {
    let mut outcome = Outcome::default();
    for path in paths {
        let sources = match super::sources_from_path(path) {
            Ok(s) => s,
            Err(e) => {
                outcome.problems.push(format!(
                    "cannot read `{}`: {}",
                    path.display(),
                    crate::input::io_reason(&e)
                ));
                continue;
            }
        };
        for source in sources {
            let after = match format_named(&source.name, &source.text) {
                Ok(after) => after,
                Err(FormatError::Syntax(e)) => {
                    outcome.syntax.extend(e.errors);
                    continue;
                }
                Err(e) => {
                    outcome.problems.push(e.to_string());
                    continue;
                }
            };
            if after == source.text {
                continue;
            }
            outcome.changed += 1;
            if check {
                outcome
                    .report
                    .push_str(&format!("would reformat {}\n", source.name));
                outcome
                    .report
                    .push_str(&diff(&source.name, &source.text, &after, 40));
            } else if let Err(e) = std::fs::write(&source.name, &after) {
                outcome.problems.push(format!(
                    "cannot write `{}`: {}",
                    source.name,
                    crate::input::io_reason(&e)
                ));
            } else {
                outcome
                    .report
                    .push_str(&format!("reformatted {}\n", source.name));
            }
        }
    }
    if check && outcome.changed > 0 {
        outcome.report.push_str(&format!(
            "{} would be reformatted: run `bylaw fmt`\n",
            if outcome.changed == 1 {
                "1 file".to_string()
            } else {
                format!("{} files", outcome.changed)
            }
        ));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        format(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn normalises_spacing_and_indentation() {
        let input = "let   a=[1 ,2,3]\nrule x/y{\nclauses 1.1,1.2\nseverity   error\n  applies to a ,b\nlet z=a+1\nif z>1{report at z}\n}\n";
        assert_eq!(
            fmt(input),
            "let a = [1, 2, 3]\n\nrule x/y {\n  clauses 1.1, 1.2\n  severity error\n  applies to a, b\n\n  let z = a + 1\n  if z > 1 {\n    report at z\n  }\n}\n"
        );
    }

    #[test]
    fn keeps_comments() {
        let input = "# head\n\nlet a = [1, # one\n  2]  # after\n# tail\n";
        let out = fmt(input);
        assert_eq!(comment_texts(&out), comment_texts(input));
        assert_eq!(fmt(&out), out);
    }

    /// The built-in pack's policy files, read from the source tree.
    fn pack() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
        super::super::sources_from_path(std::path::Path::new(dir))
            .expect("policies readable")
            .into_iter()
            .map(|s| (s.name, s.text))
            .collect()
    }

    /// Byte offsets just after each token of `text` (outside strings and patterns).
    fn token_ends(text: &str) -> Vec<usize> {
        use pest::Parser;
        let atoms: Vec<(usize, usize)> = grammar::BylawParser::parse(Rule::policy, text)
            .expect("parses")
            .flatten()
            .filter(|p| {
                format!("{:?}", p.as_rule()).starts_with("op_")
                    || matches!(
                        p.as_rule(),
                        Rule::string
                            | Rule::regex
                            | Rule::number
                            | Rule::boolean
                            | Rule::none
                            | Rule::ident
                            | Rule::name
                            | Rule::rule_id
                            | Rule::field_key
                            | Rule::clause_id
                            | Rule::date
                            | Rule::severity
                            | Rule::quant_kind
                    )
            })
            .map(|p| (p.as_span().start(), p.as_span().end()))
            .collect();
        let mut ends: Vec<usize> = atoms.iter().map(|a| a.1).collect();
        // Punctuation between those tokens.
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if let Some(&(_, e)) = atoms.iter().find(|(s, e)| *s <= i && i < *e) {
                i = e;
                continue;
            }
            if bytes[i] == b'#' {
                i = text[i..].find('\n').map_or(text.len(), |n| i + n);
                continue;
            }
            if b",([{}):=.".contains(&bytes[i]) {
                ends.push(i + 1);
            }
            i += 1;
        }
        ends.sort_unstable();
        ends.dedup();
        ends
    }

    /// A comment after every token of every pack file, at the end of the line or on a line of
    /// its own: the result keeps all of them, means the same (checked inside `format`) and is
    /// stable.
    #[test]
    fn comments_after_every_token_survive() {
        for (name, text) in pack() {
            for style in [" # c\n", "\n# c\n"] {
                let mut commented = String::new();
                let mut last = 0;
                for (n, at) in token_ends(&text).into_iter().enumerate() {
                    commented.push_str(&text[last..at]);
                    commented.push_str(&style.replace("c", &format!("c{n}")));
                    last = at;
                }
                commented.push_str(&text[last..]);
                let once = format_named(&name, &commented)
                    .unwrap_or_else(|e| panic!("{name} ({style:?}): {e}"));
                let twice = format(&once).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(once, twice, "{name} ({style:?}) is not stable");
            }
        }
    }

    #[test]
    fn widths_count_cjk_twice() {
        assert_eq!(width("调研"), 4);
        assert_eq!(width("ab"), 2);
    }
}
