//! The pest parser for `grammar/bylaw.pest`, and the translation of pest's errors into
//! friendly policy errors.
//!
//! pest's generated `Rule` enum stays private to the policy module: everywhere else "rule"
//! means a regulation rule.

use std::sync::Arc;

use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pairs;

use super::errors::PolicyError;
use crate::source::{SourceFile, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/bylaw.pest"]
pub(super) struct BylawParser;

/// Parse a whole policy file. On a syntax error, the file is split at top-level declarations
/// and each piece is parsed on its own, so that one typo does not hide the next.
pub(super) fn parse(source: &Arc<SourceFile>) -> Result<Pairs<'_, Rule>, Vec<PolicyError>> {
    match BylawParser::parse(Rule::policy, source.text()) {
        Ok(pairs) => Ok(pairs),
        Err(first) => {
            let mut errors = Vec::new();
            for (offset, chunk) in top_level_chunks(source.text()) {
                if let Err(e) = BylawParser::parse(Rule::policy, chunk) {
                    errors.push(convert(source, &e, offset));
                }
            }
            if errors.is_empty() {
                errors.push(convert(source, &first, 0));
            }
            Err(errors)
        }
    }
}

/// Pieces of the text that each start with a top-level keyword at the start of a line.
fn top_level_chunks(text: &str) -> Vec<(usize, &str)> {
    const STARTS: [&str; 5] = ["rule ", "let ", "kind ", "clause ", "param "];
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > 0 && STARTS.iter().any(|s| line.starts_with(s)) {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(text.len());
    starts
        .windows(2)
        .map(|w| (w[0], &text[w[0]..w[1]]))
        .collect()
}

fn convert(source: &Arc<SourceFile>, err: &pest::error::Error<Rule>, offset: usize) -> PolicyError {
    let (start, end) = match err.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    let start = start + offset;
    let end = end + offset;
    let text = source.text();
    // Widen an empty span to the next character (or token) so the label has something to
    // underline.
    let span = if start >= end {
        let rest = &text[start.min(text.len())..];
        let token_len = token_at(rest);
        Span::new(start, start + token_len)
    } else {
        Span::new(start, end)
    };
    let found = describe_found(&text[span.start.min(text.len())..span.end.min(text.len())]);
    let rest = &text[span.start.min(text.len())..];
    let rest_of_line = rest.split('\n').next().unwrap_or("");
    if rest.starts_with('"') && !rest_of_line[1..].contains('"') {
        return PolicyError::new(
            source,
            Span::new(span.start, span.start + rest_of_line.trim_end().len()),
            "this string is not closed",
        )
        .label("the string starts here and runs to the end of the line")
        .help("add the closing `\"`; strings cannot span lines (write `\\n` for a line break)");
    }
    match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = positives.iter().filter_map(|r| friendly(*r)).collect();
            expected.sort();
            expected.dedup();
            let expected_text = join_or(&expected);
            let message = if expected.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {expected_text}, found {found}")
            };
            let label = if expected.is_empty() {
                "not expected here".to_string()
            } else {
                format!("expected {expected_text}")
            };
            PolicyError::new(source, span, message)
                .label(label)
                .help_opt(syntax_help(text, span.start, &expected))
        }
        ErrorVariant::CustomError { message } => PolicyError::new(source, span, message.clone()),
    }
}

/// The length of the token starting `rest`: a word, or one character; 0 at the end.
fn token_at(rest: &str) -> usize {
    let word: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum();
    if word > 0 {
        word
    } else {
        rest.chars().next().map(char::len_utf8).unwrap_or(0)
    }
}

fn describe_found(token: &str) -> String {
    if token.is_empty() {
        "the end of the file".to_string()
    } else if token == "\n" || token == "\r" {
        "the end of the line".to_string()
    } else {
        format!("`{token}`")
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// A guess at what the author meant, from the text around the error.
fn syntax_help(text: &str, at: usize, expected: &[&str]) -> Option<String> {
    let before = &text[..at.min(text.len())];
    let line_before = before.rsplit('\n').next().unwrap_or("");
    if line_before.matches('"').count() % 2 == 1 {
        return Some("this string is not closed: add a `\"` before the end of the line".into());
    }
    let rest = &text[at.min(text.len())..];
    if rest.starts_with('=')
        && !rest.starts_with("==")
        && expected.iter().any(|e| e.contains("operator"))
    {
        return Some("to compare two values use `==`; `=` only appears in `let`".into());
    }
    if rest.is_empty() {
        let opens = before.matches('{').count();
        let closes = before.matches('}').count();
        if opens > closes {
            return Some("a `{` is never closed: add the missing `}`".into());
        }
    }
    if rest.starts_with("&&") || rest.starts_with("||") || rest.starts_with('!') {
        return Some("write `and`, `or` and `not` in policies".into());
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !word.is_empty() && expected.iter().any(|e| e.starts_with("a declaration")) {
        return super::errors::did_you_mean(&word, ["rule", "let", "kind", "clause", "param"])
            .map(|d| format!("{d} a policy file is made of `rule`, `let`, `kind`, `clause` and `param` declarations"));
    }
    if !word.is_empty() && expected.iter().any(|e| e.contains("statement")) {
        return super::errors::did_you_mean(
            &word,
            [
                "let",
                "for",
                "if",
                "report",
                "clauses",
                "severity",
                "applies",
                "message",
                "label",
                "help",
                "summary",
                "effective",
                "until",
            ],
        );
    }
    None
}

/// Names of grammar rules as a policy author would say them; `None` hides internal rules.
fn friendly(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::clause_decl
        | Rule::kind_decl
        | Rule::let_decl
        | Rule::param_decl
        | Rule::rule_decl => "a declaration (`rule`, `let`, `kind`, `clause`, `param`)",
        Rule::kind_field | Rule::field_key => "a kind field such as `keywords`",
        Rule::rule_id => "a rule id such as `research-report/missing-part`",
        Rule::meta_clauses
        | Rule::meta_severity
        | Rule::meta_applies
        | Rule::meta_message
        | Rule::meta_label
        | Rule::meta_effective
        | Rule::meta_until
        | Rule::meta_help
        | Rule::meta_summary
        | Rule::let_stmt
        | Rule::for_stmt
        | Rule::if_stmt
        | Rule::report_stmt
        | Rule::group_stmt => "a statement",
        Rule::block => "`{`",
        Rule::else_clause => "`else`",
        Rule::at_clause => "`at`",
        Rule::not_checkable => "`not checkable`",
        Rule::cite_clause => "`cite`",
        Rule::binding => "a variable name",
        Rule::expr | Rule::postfixed | Rule::op_not | Rule::op_neg => "an expression",
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_not_in
        | Rule::op_in
        | Rule::op_contains
        | Rule::op_matches
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::op_default => "an operator",
        Rule::method_call | Rule::field => "`.`",
        Rule::index => "`[`",
        Rule::call | Rule::args | Rule::arg => "arguments",
        Rule::quantifier | Rule::quant_kind => "`some` or `every`",
        Rule::list => "a list",
        Rule::comprehension => "`for`",
        Rule::map | Rule::map_entry => "a map entry",
        Rule::string | Rule::quoted | Rule::raw_string => "a string",
        Rule::regex | Rule::regex_body => "a pattern",
        Rule::number => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::none => "`none`",
        Rule::ident | Rule::ident_raw => "a name",
        Rule::name => "a kind name such as `research-report`",
        Rule::clause_id => "a clause id such as `4.1.5`",
        Rule::date => "a date such as `2026-01-01`",
        Rule::severity => "a severity (`error`, `warning`, `info`)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_split_at_top_level_keywords() {
        let text = "let a = 1\nrule x {\n}\nrule y {}\n";
        let chunks = top_level_chunks(text);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[1], (10, "rule x {\n}\n"));
    }
}
