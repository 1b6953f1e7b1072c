//! From pest's concrete tree to the AST.
//!
//! The grammar guarantees the shape of the tree, so the only errors found here are about
//! token contents (a bad escape in a string, an unknown severity).

use std::sync::{Arc, LazyLock};

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;

use super::ast::*;
use super::errors::PolicyError;
use super::grammar::Rule;
use super::pattern::Pattern;
use crate::source::{SourceFile, Span};

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left)
            | Op::infix(Rule::op_contains, Assoc::Left)
            | Op::infix(Rule::op_matches, Assoc::Left))
        .op(Op::infix(Rule::op_default, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

pub(super) struct Lowerer<'s> {
    source: &'s Arc<SourceFile>,
    pub errors: Vec<PolicyError>,
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

fn name_of(pair: &Pair<'_, Rule>) -> Name {
    Name {
        text: pair.as_str().to_string(),
        span: span_of(pair),
    }
}

impl<'s> Lowerer<'s> {
    pub fn new(source: &'s Arc<SourceFile>) -> Self {
        Lowerer {
            source,
            errors: Vec::new(),
        }
    }

    pub fn policy(&mut self, mut pairs: Pairs<'_, Rule>) -> Vec<Item> {
        let Some(policy) = pairs.next() else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for pair in policy.into_inner() {
            match pair.as_rule() {
                Rule::clause_decl => {
                    let mut inner = pair.into_inner();
                    if let (Some(id), Some(title)) = (inner.next(), inner.next()) {
                        let not_checkable = inner
                            .next()
                            .and_then(|n| n.into_inner().next())
                            .map(|reason| self.string(reason));
                        items.push(Item::Clause(ClauseDecl {
                            id: name_of(&id),
                            title: self.string(title).value,
                            not_checkable,
                        }));
                    }
                }
                Rule::kind_decl => {
                    let mut inner = pair.into_inner();
                    let Some(name) = inner.next() else { continue };
                    let mut fields = Vec::new();
                    for field in inner {
                        let mut f = field.into_inner();
                        if let (Some(key), Some(value)) = (f.next(), f.next()) {
                            fields.push((name_of(&key), self.expr(value)));
                        }
                    }
                    items.push(Item::Kind(KindDecl {
                        name: name_of(&name),
                        fields,
                    }));
                }
                Rule::let_decl => {
                    let mut inner = pair.into_inner();
                    if let (Some(name), Some(value)) = (inner.next(), inner.next()) {
                        items.push(Item::Let(LetDecl {
                            name: name_of(&name),
                            value: self.expr(value),
                        }));
                    }
                }
                Rule::param_decl => {
                    let mut inner = pair.into_inner();
                    if let (Some(name), Some(value)) = (inner.next(), inner.next()) {
                        let doc = inner.next().map(|d| self.string(d).value);
                        items.push(Item::Param(ParamDecl {
                            name: name_of(&name),
                            default: self.expr(value),
                            doc,
                        }));
                    }
                }
                Rule::rule_decl => {
                    if let Some(rule) = self.rule(pair) {
                        items.push(Item::Rule(rule));
                    }
                }
                _ => {}
            }
        }
        items
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> Option<RuleDecl> {
        let full_span = span_of(&pair);
        let start = full_span.start;
        let mut inner = pair.into_inner();
        let id = name_of(&inner.next()?);
        let mut rule = RuleDecl {
            head_span: Span::new(start, id.span.end),
            full_span,
            effective: None,
            until: None,
            id,
            clauses: Vec::new(),
            severity: None,
            applies: Vec::new(),
            message: None,
            label: None,
            help: None,
            summary: None,
            body: Vec::new(),
        };
        for part in inner {
            match part.as_rule() {
                Rule::meta_clauses => rule.clauses.extend(part.into_inner().map(|p| name_of(&p))),
                Rule::meta_severity => {
                    if let Some(sev) = part.into_inner().next() {
                        let span = span_of(&sev);
                        match Severity::parse(sev.as_str()) {
                            Some(s) => rule.severity = Some((s, span)),
                            None => {
                                // Recorded, so the rule is not also reported as lacking one.
                                rule.severity = Some((Severity::Error, span));
                                self.errors.push(
                                    PolicyError::new(
                                        self.source,
                                        span,
                                        format!("unknown severity `{}`", sev.as_str()),
                                    )
                                    .label("not a severity")
                                    .help(
                                        super::errors::did_you_mean(
                                            sev.as_str(),
                                            ["error", "warning", "info"],
                                        )
                                        .unwrap_or_else(
                                            || "a severity is `error`, `warning` or `info`".into(),
                                        ),
                                    ),
                                );
                            }
                        }
                    }
                }
                Rule::meta_applies => rule.applies.extend(part.into_inner().map(|p| name_of(&p))),
                Rule::meta_message => {
                    rule.message = part.into_inner().next().map(|s| self.string(s))
                }
                Rule::meta_effective | Rule::meta_until => {
                    let is_until = part.as_rule() == Rule::meta_until;
                    if let Some(d) = part.into_inner().next() {
                        let span = span_of(&d);
                        match chrono::NaiveDate::parse_from_str(d.as_str(), "%Y-%m-%d") {
                            Ok(date) if is_until => rule.until = Some((date, span)),
                            Ok(date) => rule.effective = Some((date, span)),
                            Err(_) => self.errors.push(
                                PolicyError::new(
                                    self.source,
                                    span,
                                    format!("`{}` is not a date", d.as_str()),
                                )
                                .label("not a calendar date")
                                .help("write dates as YYYY-MM-DD, e.g. `effective 2026-01-01`"),
                            ),
                        }
                    }
                }
                Rule::meta_label => rule.label = part.into_inner().next().map(|s| self.string(s)),
                Rule::meta_help => rule.help = part.into_inner().next().map(|s| self.string(s)),
                Rule::meta_summary => {
                    rule.summary = part.into_inner().next().map(|s| self.string(s))
                }
                _ => {
                    if let Some(stmt) = self.stmt(part) {
                        rule.body.push(stmt);
                    }
                }
            }
        }
        if let (Some((from, _)), Some((to, span))) = (rule.effective, rule.until)
            && to < from
        {
            self.errors.push(
                PolicyError::new(self.source, span, "the rule stops before it starts")
                    .label(format!("`until` is before `effective {from}`"))
                    .help("`until` is the last day the rule is in force; it cannot come before `effective`"),
            );
        }
        Some(rule)
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Vec<Stmt> {
        pair.into_inner().filter_map(|p| self.stmt(p)).collect()
    }

    fn stmt(&mut self, pair: Pair<'_, Rule>) -> Option<Stmt> {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::let_stmt => {
                let mut inner = pair.into_inner();
                let name = name_of(&inner.next()?);
                let value = self.expr(inner.next()?);
                Some(Stmt::Let { name, value })
            }
            Rule::for_stmt => {
                let mut inner = pair.into_inner();
                let binding = self.binding(inner.next()?);
                let iter = self.expr(inner.next()?);
                let body = self.block(inner.next()?);
                Some(Stmt::For {
                    binding,
                    iter,
                    body,
                })
            }
            Rule::if_stmt => {
                let mut inner = pair.into_inner();
                let cond = self.expr(inner.next()?);
                let then = self.block(inner.next()?);
                let otherwise = match inner.next() {
                    Some(else_clause) => {
                        let branch = else_clause.into_inner().next()?;
                        if branch.as_rule() == Rule::block {
                            self.block(branch)
                        } else {
                            self.stmt(branch).into_iter().collect()
                        }
                    }
                    None => Vec::new(),
                };
                Some(Stmt::If {
                    cond,
                    then,
                    otherwise,
                })
            }
            Rule::group_stmt => {
                let mut inner = pair.into_inner();
                let item = self.expr(inner.next()?);
                let key = self.expr(inner.next()?);
                let into = name_of(&inner.next()?);
                Some(Stmt::Group {
                    item,
                    key,
                    into,
                    span,
                })
            }
            Rule::report_stmt => {
                let mut message = None;
                let mut at = None;
                let mut cite = Vec::new();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::string => message = Some(self.string(p)),
                        Rule::at_clause => at = p.into_inner().next().map(|e| self.expr(e)),
                        Rule::cite_clause => cite.extend(p.into_inner().map(|c| name_of(&c))),
                        _ => {}
                    }
                }
                Some(Stmt::Report {
                    message,
                    at,
                    cite,
                    span,
                })
            }
            _ => None,
        }
    }

    fn binding(&mut self, pair: Pair<'_, Rule>) -> Binding {
        let mut inner = pair.into_inner();
        let first = inner.next().map(|p| name_of(&p)).unwrap_or(Name {
            text: String::new(),
            span: Span::default(),
        });
        Binding {
            first,
            second: inner.next().map(|p| name_of(&p)),
        }
    }

    pub fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::expr => {
                let pairs = pair.into_inner();
                // The Pratt parser's closures all need `self`; collect through a RefCell-free
                // path by lowering operands first.
                let lowered = PRATT
                    .map_primary(|p| Lowered::Expr(Box::new(self.postfixed(p))))
                    .map_prefix(|op, rhs| {
                        Lowered::Prefix(op.as_rule(), span_of(&op), Box::new(rhs))
                    })
                    .map_infix(|lhs, op, rhs| {
                        Lowered::Infix(op.as_rule(), Box::new(lhs), Box::new(rhs))
                    })
                    .parse(pairs);
                lowered.into_expr()
            }
            _ => self.postfixed(pair),
        }
        .with_span_if_missing(span)
    }

    fn postfixed(&mut self, pair: Pair<'_, Rule>) -> Expr {
        if pair.as_rule() != Rule::postfixed {
            return self.primary(pair);
        }
        let mut inner = pair.into_inner();
        let Some(first) = inner.next() else {
            return Expr {
                kind: ExprKind::None,
                span: Span::default(),
            };
        };
        let mut expr = self.primary(first);
        for post in inner {
            let end = span_of(&post).end;
            let span = Span::new(expr.span.start, end);
            expr = match post.as_rule() {
                Rule::method_call => {
                    let mut p = post.into_inner();
                    let Some(method) = p.next() else { continue };
                    let args = p.next().map(|a| self.args(a)).unwrap_or_default();
                    Expr {
                        kind: ExprKind::Method {
                            target: Box::new(expr),
                            method: name_of(&method),
                            args,
                        },
                        span,
                    }
                }
                Rule::field => {
                    let Some(field) = post.into_inner().next() else {
                        continue;
                    };
                    Expr {
                        kind: ExprKind::Field(Box::new(expr), name_of(&field)),
                        span,
                    }
                }
                Rule::index => {
                    let Some(idx) = post.into_inner().next() else {
                        continue;
                    };
                    Expr {
                        kind: ExprKind::Index(Box::new(expr), Box::new(self.expr(idx))),
                        span,
                    }
                }
                _ => expr,
            };
        }
        expr
    }

    /// `[element for binding in iter if filter]`, from the element and the `comprehension` pair.
    fn comprehension(&mut self, element: Expr, pair: Pair<'_, Rule>) -> ExprKind {
        let mut inner = pair.into_inner();
        match (inner.next(), inner.next()) {
            (Some(binding), Some(iter)) => ExprKind::Comprehension {
                element: Box::new(element),
                binding: self.binding(binding),
                iter: Box::new(self.expr(iter)),
                filter: inner.next().map(|f| Box::new(self.expr(f))),
            },
            _ => ExprKind::None,
        }
    }

    fn args(&mut self, pair: Pair<'_, Rule>) -> Vec<Arg> {
        pair.into_inner()
            .map(|arg| {
                let mut inner: Vec<Pair<'_, Rule>> = arg.into_inner().collect();
                let value = inner.pop();
                let name = inner.pop().map(|n| name_of(&n));
                Arg {
                    name,
                    value: value.map(|v| self.expr(v)).unwrap_or(Expr {
                        kind: ExprKind::None,
                        span: Span::default(),
                    }),
                }
            })
            .collect()
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::expr | Rule::postfixed => return self.expr(pair),
            Rule::none => ExprKind::None,
            Rule::boolean => ExprKind::Bool(pair.as_str().starts_with('t')),
            Rule::number => match pair.as_str().parse::<Decimal>() {
                Ok(d) => ExprKind::Number(d),
                Err(_) => {
                    self.errors.push(
                        PolicyError::new(self.source, span, "this number is too large")
                            .label("number out of range"),
                    );
                    ExprKind::None
                }
            },
            Rule::string => ExprKind::String(self.string(pair).value),
            Rule::regex => {
                let mut inner = pair.into_inner();
                let pattern = inner
                    .next()
                    .map(|p| p.as_str().replace("\\/", "/"))
                    .unwrap_or_default();
                let flags = inner
                    .next()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let compiled = self.compile_regex(&pattern, &flags, span);
                ExprKind::Regex {
                    pattern,
                    flags,
                    compiled,
                }
            }
            Rule::ident => ExprKind::Ident(pair.as_str().to_string()),
            Rule::list => {
                let inner: Vec<_> = pair.into_inner().collect();
                match inner.as_slice() {
                    [element, comp] if comp.as_rule() == Rule::comprehension => {
                        let element = self.expr(element.clone());
                        self.comprehension(element, comp.clone())
                    }
                    _ => ExprKind::List(inner.into_iter().map(|p| self.expr(p)).collect()),
                }
            }
            Rule::map => ExprKind::Map(
                pair.into_inner()
                    .filter_map(|entry| {
                        let mut inner = entry.into_inner();
                        let key = inner.next()?;
                        let key_name = if key.as_rule() == Rule::string {
                            let lit = self.string(key);
                            Name {
                                text: lit.value,
                                span: lit.span,
                            }
                        } else {
                            name_of(&key)
                        };
                        Some((key_name, self.expr(inner.next()?)))
                    })
                    .collect(),
            ),
            Rule::call => {
                let mut inner = pair.into_inner();
                let Some(func) = inner.next() else {
                    return Expr {
                        kind: ExprKind::None,
                        span,
                    };
                };
                let args = inner.next().map(|a| self.args(a)).unwrap_or_default();
                ExprKind::Call {
                    func: name_of(&func),
                    args,
                }
            }
            Rule::quantifier => {
                let mut inner = pair.into_inner();
                match (inner.next(), inner.next(), inner.next(), inner.next()) {
                    (Some(q), Some(binding), Some(iter), Some(cond)) => ExprKind::Quantified {
                        quantifier: if q.as_str().starts_with("some") {
                            Quantifier::Some
                        } else {
                            Quantifier::Every
                        },
                        binding: self.binding(binding),
                        iter: Box::new(self.expr(iter)),
                        cond: Box::new(self.expr(cond)),
                    },
                    _ => ExprKind::None,
                }
            }
            _ => ExprKind::None,
        };
        Expr { kind, span }
    }

    /// Check a pattern literal, reporting the regex engine's reason when it is invalid.
    /// Patterns from outside the built-in pack are compiled now (see [`Pattern`]).
    fn compile_regex(&mut self, pattern: &str, flags: &str, span: Span) -> Option<Arc<Pattern>> {
        let (mut case_insensitive, mut multi_line) = (false, false);
        for flag in flags.chars() {
            match flag {
                'i' => case_insensitive = true,
                'm' => multi_line = true,
                other => {
                    self.errors.push(
                        PolicyError::new(self.source, span, format!("unknown pattern flag `{other}`"))
                            .label("unknown flag")
                            .help("patterns take the flags `i` (ignore case) and `m` (`^`/`$` match at line breaks)"),
                    );
                }
            }
        }
        let checked = Pattern::new(pattern, case_insensitive, multi_line).and_then(|p| {
            if !self.source.name().starts_with(super::BUILTIN_PREFIX) {
                p.compile()?;
            }
            Ok(p)
        });
        match checked {
            Ok(p) => Some(Arc::new(p)),
            Err(detail) => {
                self.errors.push(
                    PolicyError::new(self.source, span, "invalid pattern")
                        .label(detail)
                        .help("patterns use the syntax of Rust's `regex` crate (no look-around or back-references); escape `/` as `\\/`"),
                );
                None
            }
        }
    }

    /// The value of a string literal, with escapes resolved.
    pub fn string(&mut self, pair: Pair<'_, Rule>) -> StringLit {
        let span = span_of(&pair);
        let raw = pair.as_str();
        if let Some(body) = raw.strip_prefix("r\"").and_then(|r| r.strip_suffix('"')) {
            return StringLit {
                value: body.to_string(),
                span,
            };
        }
        let body = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        let mut value = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, '"')) => value.push('"'),
                Some((j, other)) => {
                    let at = span.start + 1 + i;
                    self.errors.push(
                        PolicyError::new(
                            self.source,
                            Span::new(at, span.start + 1 + j + other.len_utf8()),
                            format!("unknown escape `\\{other}` in a string"),
                        )
                        .label("unknown escape")
                        .help(
                            "use `\\\\` for a backslash, or a raw string `r\"...\"` for patterns",
                        ),
                    );
                }
                None => value.push('\\'),
            }
        }
        StringLit { value, span }
    }
}

/// Intermediate result of the Pratt parser, turned into an [`Expr`] once operators are known.
enum Lowered {
    Expr(Box<Expr>),
    Prefix(Rule, Span, Box<Lowered>),
    Infix(Rule, Box<Lowered>, Box<Lowered>),
}

impl Lowered {
    fn into_expr(self) -> Expr {
        match self {
            Lowered::Expr(e) => *e,
            Lowered::Prefix(rule, op_span, rhs) => {
                let rhs = rhs.into_expr();
                let op = if rule == Rule::op_not {
                    UnOp::Not
                } else {
                    UnOp::Neg
                };
                Expr {
                    span: op_span.join(rhs.span),
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                }
            }
            Lowered::Infix(rule, lhs, rhs) => {
                let lhs = lhs.into_expr();
                let rhs = rhs.into_expr();
                let op = match rule {
                    Rule::op_or => BinOp::Or,
                    Rule::op_and => BinOp::And,
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_in => BinOp::In,
                    Rule::op_not_in => BinOp::NotIn,
                    Rule::op_contains => BinOp::Contains,
                    Rule::op_matches => BinOp::Matches,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    Rule::op_div => BinOp::Div,
                    _ => BinOp::Default,
                };
                Expr {
                    span: lhs.span.join(rhs.span),
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                }
            }
        }
    }
}

impl Expr {
    fn with_span_if_missing(mut self, span: Span) -> Expr {
        if self.span == Span::default() {
            self.span = span;
        }
        self
    }
}
