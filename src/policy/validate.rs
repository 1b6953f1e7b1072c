//! Static checks of rule bodies: every name is known, every field and function exists on the
//! value it is used with, arguments have the right number and types, message placeholders
//! refer to something in scope. Errors say what is wrong and, where possible, what was meant.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::*;
use super::errors::{PolicyError, did_you_mean};
use crate::check::library::{Callable, LIBRARY, type_key};
use crate::check::types::Type;
use crate::source::{SourceFile, Span};

/// Names that exist in every rule.
pub const RULE_GLOBALS: [(&str, Type); 4] = [
    ("document", Type::Document),
    ("records", Type::Records),
    ("kind", Type::Text),
    ("as_of", Type::Date),
];

pub struct Validator<'a> {
    source: &'a Arc<SourceFile>,
    globals: &'a HashMap<String, Type>,
    scopes: Vec<(String, Type)>,
    /// The rule's help: rendered at every `report`, so its placeholders are checked there.
    help: Option<StringLit>,
    /// The clauses the rule declares: a `cite` must name some of them.
    rule_clauses: Vec<String>,
    /// Validating a top-level `let`/`param`/`kind` value, where `wordlist` is allowed.
    top_level: bool,
    /// Inside `for … in records`: `group` collections started there, bound after the loop.
    record_loop: Option<Vec<(String, Type)>>,
    /// Columns of the record kinds the rule applies to (for `row.column`).
    pub columns: Vec<String>,
    pub errors: Vec<PolicyError>,
}

impl<'a> Validator<'a> {
    pub fn new(source: &'a Arc<SourceFile>, globals: &'a HashMap<String, Type>) -> Self {
        Validator {
            source,
            globals,
            scopes: RULE_GLOBALS
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect(),
            help: None,
            top_level: false,
            record_loop: None,
            columns: Vec::new(),
            rule_clauses: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// A validator for top-level `let` and `param` values: no document in scope.
    pub fn top_level(source: &'a Arc<SourceFile>, globals: &'a HashMap<String, Type>) -> Self {
        Validator {
            source,
            globals,
            scopes: Vec::new(),
            help: None,
            top_level: true,
            record_loop: None,
            columns: Vec::new(),
            rule_clauses: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut PolicyError {
        self.errors
            .push(PolicyError::new(self.source, span, message));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn lookup(&self, name: &str) -> Option<Type> {
        self.scopes
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .or_else(|| self.globals.get(name).cloned())
    }

    fn names_in_scope(&self) -> Vec<&str> {
        self.scopes
            .iter()
            .map(|(n, _)| n.as_str())
            .chain(self.globals.keys().map(String::as_str))
            .collect()
    }

    pub fn rule(&mut self, rule: &RuleDecl) {
        self.help = rule.help.clone();
        self.rule_clauses = rule.clauses.iter().map(|c| c.text.clone()).collect();
        let records_loops = rule
            .body
            .iter()
            .filter(|s| matches!(s, Stmt::For { iter, .. } if is_records(iter)))
            .count();
        if records_loops > 1 {
            let err = self.error(
                rule.head_span,
                format!(
                    "rule `{}` loops over `records` more than once",
                    rule.id.text
                ),
            );
            err.label = "in this rule".into();
            err.help = Some("a record rule reads the rows once: put all per-row checks in one `for row in records { … }`".into());
        }
        // Statements at the top of the rule: the only place `for … in records` may stand.
        let depth = self.scopes.len();
        for stmt in &rule.body {
            match stmt {
                Stmt::For {
                    binding,
                    iter,
                    body,
                } if is_records(iter) => {
                    self.expr(iter);
                    let inner = self.scopes.len();
                    self.scopes.push((binding.first.text.clone(), Type::Record));
                    self.record_loop = Some(Vec::new());
                    self.block(body, rule.message.as_ref());
                    self.scopes.truncate(inner);
                    let groups = self.record_loop.take().unwrap_or_default();
                    self.scopes.extend(groups);
                }
                other => self.stmt(other, rule.message.as_ref()),
            }
        }
        self.scopes.truncate(depth);
    }

    fn block(&mut self, stmts: &[Stmt], default_message: Option<&StringLit>) {
        let depth = self.scopes.len();
        for stmt in stmts {
            self.stmt(stmt, default_message);
        }
        self.scopes.truncate(depth);
    }

    fn stmt(&mut self, stmt: &Stmt, default_message: Option<&StringLit>) {
        match stmt {
            Stmt::Group {
                item,
                key,
                into,
                span,
            } => {
                let t = self.expr(item);
                self.expr(key);
                match &mut self.record_loop {
                    Some(groups) => {
                        if !groups.iter().any(|(n, _)| *n == into.text) {
                            groups.push((into.text.clone(), Type::Map(Box::new(Type::list(t)))));
                        }
                    }
                    None => {
                        let err = self.error(
                            *span,
                            "`group` can only be used inside `for row in records`",
                        );
                        err.label = "outside a loop over records".into();
                        err.help = Some(
                            "collect rows while they stream by, then compare them after the loop"
                                .into(),
                        );
                    }
                }
            }
            Stmt::For { iter, .. } if is_records(iter) => {
                let err = self.error(
                    iter.span,
                    "`for … in records` must stand at the top of the rule",
                );
                err.label = "nested loop over records".into();
                err.help = Some(
                    "rows are read once: loop over `records` directly in the rule's body".into(),
                );
            }
            Stmt::Let { name, value } => {
                let t = self.expr(value);
                self.scopes.push((name.text.clone(), t));
            }
            Stmt::For {
                binding,
                iter,
                body,
            } => {
                let t = self.expr(iter);
                self.check_iterable(&t, iter.span);
                let depth = self.scopes.len();
                self.bind(binding, &t);
                self.block(body, default_message);
                self.scopes.truncate(depth);
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.block(then, default_message);
                self.block(otherwise, default_message);
            }
            Stmt::Report {
                message,
                at,
                cite,
                span,
            } => {
                for c in cite {
                    if !self.rule_clauses.contains(&c.text) {
                        let listed = self.rule_clauses.join(", ");
                        let err = self.error(
                            c.span,
                            format!(
                                "`cite` names clause `{}`, which the rule does not list",
                                c.text
                            ),
                        );
                        err.label = "not in the rule's `clauses`".into();
                        err.help = Some(format!(
                            "a finding cites some of the rule's clauses ({listed}); add `{}` to `clauses` if the rule enforces it",
                            c.text
                        ));
                    }
                }
                if let Some(at) = at {
                    let t = self.expr(at);
                    if matches!(
                        t,
                        Type::Bool
                            | Type::Number
                            | Type::Money
                            | Type::Date
                            | Type::Map(_)
                            | Type::Pattern
                            | Type::Terms
                    ) {
                        self.error(at.span, format!("a finding cannot point at a {t}"))
                            .label = "has no place in the document".into();
                        if let Some(e) = self.errors.last_mut() {
                            e.help = Some(
                                "`at` takes something with a place: a part, heading, line, table, row, cell or match"
                                    .into(),
                            );
                        }
                    }
                }
                if let Some(help) = self.help.clone() {
                    self.placeholders(&help, *span);
                }
                match message.as_ref().or(default_message) {
                    Some(m) => {
                        let at_span = if message.is_some() { m.span } else { *span };
                        self.placeholders(m, at_span);
                    }
                    None => {
                        self.error(*span, "`report` has no message").label =
                            "no message here".into();
                        if let Some(e) = self.errors.last_mut() {
                            e.help = Some(
                                "give the rule a `message \"…\"`, or write `report \"…\"`".into(),
                            );
                        }
                    }
                }
            }
        }
    }

    /// Every `{name.field}` in a message must name something in scope at the report.
    fn placeholders(&mut self, message: &StringLit, report_span: Span) {
        let mut rest = message.value.as_str();
        while let Some(open) = rest.find('{') {
            if rest[open..].starts_with("{{") {
                rest = &rest[open + 2..];
                continue;
            }
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let path = rest[open + 1..open + close].trim();
            let root = path.split('.').next().unwrap_or("");
            if self.lookup(root).is_none() {
                let help = did_you_mean(root, self.names_in_scope())
                    .unwrap_or_else(|| "placeholders name variables bound by `let` or `for` before the `report`; write `{{` for a literal brace".into());
                let err = self.error(
                    report_span,
                    format!("the message uses `{{{path}}}`, but `{root}` is not defined here"),
                );
                err.label = "reported here".into();
                err.help = Some(help);
            }
            rest = &rest[open + close + 1..];
        }
    }

    fn bind(&mut self, binding: &Binding, iterable: &Type) {
        match (&binding.second, iterable) {
            (None, t) => self.scopes.push((binding.first.text.clone(), t.element())),
            (Some(second), Type::Map(v)) => {
                self.scopes.push((binding.first.text.clone(), Type::Text));
                self.scopes.push((second.text.clone(), (**v).clone()));
            }
            (Some(second), t) => {
                let inner = t.element().element();
                self.scopes
                    .push((binding.first.text.clone(), inner.clone()));
                self.scopes.push((second.text.clone(), inner));
            }
        }
    }

    fn check_iterable(&mut self, t: &Type, span: Span) {
        if !t.is_iterable() {
            let err = self.error(span, format!("cannot loop over a {t}"));
            err.label = format!("this is a {t}");
            err.help =
                Some("`for` and comprehensions loop over lists (and maps, as `key, value`)".into());
        }
    }

    pub fn expr(&mut self, expr: &Expr) -> Type {
        match &expr.kind {
            ExprKind::None => Type::None,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Number(_) => Type::Number,
            ExprKind::String(_) => Type::Text,
            ExprKind::Regex { .. } => Type::Pattern,
            ExprKind::Ident(name) => match self.lookup(name) {
                Some(t) => t,
                None => {
                    let help = did_you_mean(name, self.names_in_scope()).unwrap_or_else(|| {
                        if LIBRARY.functions.contains_key(name.as_str()) {
                            format!("`{name}` is a function: call it as `{name}(…)`")
                        } else {
                            "define it with `let` first, or check the spelling".into()
                        }
                    });
                    let err = self.error(expr.span, format!("unknown name `{name}`"));
                    err.label = "not defined".into();
                    err.help = Some(help);
                    Type::Any
                }
            },
            ExprKind::List(items) => {
                let mut elem: Option<Type> = None;
                for item in items {
                    let t = self.expr(item);
                    elem = Some(match elem {
                        None => t,
                        Some(e) if e == t => e,
                        Some(_) => Type::Any,
                    });
                }
                Type::list(elem.unwrap_or(Type::Any))
            }
            ExprKind::Map(entries) => {
                let mut elem: Option<Type> = None;
                for (_, v) in entries {
                    let t = self.expr(v);
                    elem = Some(match elem {
                        None => t,
                        Some(e) if e == t => e,
                        Some(_) => Type::Any,
                    });
                }
                Type::Map(Box::new(elem.unwrap_or(Type::Any)))
            }
            ExprKind::Unary(op, inner) => {
                let t = self.expr(inner);
                match op {
                    UnOp::Not => Type::Bool,
                    UnOp::Neg => t,
                }
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, expr.span),
            ExprKind::Field(target, name) => {
                let t = self.expr(target);
                self.field(&t, name)
            }
            ExprKind::Index(target, index) => {
                let t = self.expr(target);
                self.expr(index);
                match t {
                    Type::List(e) => *e,
                    Type::Row => Type::Text,
                    Type::Map(v) => *v,
                    Type::Any | Type::None => Type::Any,
                    other => {
                        let err =
                            self.error(expr.span, format!("cannot index a {other} with `[…]`"));
                        err.label = format!("this is a {other}");
                        err.help = Some("`[…]` works on lists (`xs[0]`), rows (`row[2]`) and maps (`m[\"key\"]`)".into());
                        Type::Any
                    }
                }
            }
            ExprKind::Call { func, args } => {
                if func.text == "wordlist" && self.top_level {
                    // Resolved (or reported) when the policy was loaded.
                    return Type::list(Type::Text);
                }
                if func.text == "wordlist" {
                    let err = self.error(
                        func.span,
                        "`wordlist` can only be used in a top-level `let`",
                    );
                    err.label = "inside a rule".into();
                    err.help = Some("load the list once at the top of the file: `let words = wordlist(\"file.txt\")`".into());
                    return Type::list(Type::Text);
                }
                match LIBRARY.functions.get(func.text.as_str()) {
                    Some(f) => self.call(f, args, None, func),
                    None => {
                        let mut names: Vec<&str> = LIBRARY.functions.keys().copied().collect();
                        names.sort();
                        let help =
                            did_you_mean(&func.text, names.iter().copied()).unwrap_or_else(|| {
                                "see the function list in policies/README.md".to_string()
                            });
                        let err =
                            self.error(func.span, format!("unknown function `{}`", func.text));
                        err.label = "no such function".into();
                        err.help = Some(help);
                        for a in args {
                            self.expr(&a.value);
                        }
                        Type::Any
                    }
                }
            }
            ExprKind::Method {
                target,
                method,
                args,
            } => {
                let t = self.expr(target);
                let key = type_key(&t);
                if matches!(t, Type::Any | Type::None) {
                    for a in args {
                        self.expr(&a.value);
                    }
                    return Type::Any;
                }
                match LIBRARY.method(key, &method.text) {
                    Some(m) => self.call(m, args, Some(&t), method),
                    None => {
                        let mut candidates = LIBRARY.method_names(key);
                        if matches!(
                            t,
                            Type::Match | Type::Line | Type::Part | Type::Row | Type::Cell
                        ) {
                            candidates.extend(LIBRARY.method_names("text"));
                        }
                        let help = did_you_mean(&method.text, candidates.iter().copied())
                            .unwrap_or_else(|| {
                                if candidates.is_empty() {
                                    format!("a {t} has no methods")
                                } else {
                                    format!("a {t} has: {}", candidates.join(", "))
                                }
                            });
                        let err = self.error(
                            method.span,
                            format!("a {t} has no method `{}`", method.text),
                        );
                        err.label = "unknown method".into();
                        err.help = Some(help);
                        for a in args {
                            self.expr(&a.value);
                        }
                        Type::Any
                    }
                }
            }
            ExprKind::Comprehension {
                element,
                binding,
                iter,
                filter,
            } => {
                let t = self.expr(iter);
                self.check_iterable(&t, iter.span);
                let depth = self.scopes.len();
                self.bind(binding, &t);
                if let Some(f) = filter {
                    self.expr(f);
                }
                let e = self.expr(element);
                self.scopes.truncate(depth);
                Type::list(e)
            }
            ExprKind::Quantified {
                binding,
                iter,
                cond,
                ..
            } => {
                let t = self.expr(iter);
                self.check_iterable(&t, iter.span);
                let depth = self.scopes.len();
                self.bind(binding, &t);
                self.expr(cond);
                self.scopes.truncate(depth);
                Type::Bool
            }
        }
    }

    fn field(&mut self, t: &Type, name: &Name) -> Type {
        match t {
            Type::Any | Type::None => Type::Any,
            Type::Map(v) => (**v).clone(),
            Type::Record if self.columns.contains(&name.text) => Type::Cell,
            Type::Record if LIBRARY.field("record", &name.text).is_none() => {
                let help = did_you_mean(&name.text, self.columns.iter().map(String::as_str))
                    .unwrap_or_else(|| {
                        if self.columns.is_empty() {
                            "the rule applies to no record kind with columns".into()
                        } else {
                            format!(
                                "the columns of the kinds this rule applies to: {}",
                                self.columns.join(", ")
                            )
                        }
                    });
                let err = self.error(name.span, format!("a record has no column `{}`", name.text));
                err.label = "unknown column".into();
                err.help = Some(help);
                Type::Any
            }
            other => {
                let key = type_key(other);
                match LIBRARY.field(key, &name.text) {
                    Some(f) => f.ty.clone(),
                    None => {
                        let mut fields = LIBRARY.field_names(key);
                        if matches!(
                            other,
                            Type::Match | Type::Line | Type::Part | Type::Row | Type::Cell
                        ) {
                            fields.extend(LIBRARY.field_names("text"));
                        }
                        let is_method = LIBRARY.method(key, &name.text).is_some();
                        let help = if is_method {
                            format!(
                                "`{}` is a method: call it as `.{}(…)`",
                                name.text, name.text
                            )
                        } else {
                            did_you_mean(&name.text, fields.iter().copied()).unwrap_or_else(|| {
                                if fields.is_empty() {
                                    format!("a {other} has no fields")
                                } else {
                                    format!("a {other} has: {}", fields.join(", "))
                                }
                            })
                        };
                        let err = self
                            .error(name.span, format!("a {other} has no field `{}`", name.text));
                        err.label = "unknown field".into();
                        err.help = Some(help);
                        Type::Any
                    }
                }
            }
        }
    }

    fn call(&mut self, f: &Callable, args: &[Arg], receiver: Option<&Type>, at: &Name) -> Type {
        let params: &[crate::check::library::Param] = if receiver.is_some() {
            &f.params[1..]
        } else {
            &f.params
        };
        let mut filled = vec![false; params.len()];
        let mut next = 0;
        for arg in args {
            let t = self.expr(&arg.value);
            let slot = match &arg.name {
                Some(n) => match params.iter().position(|p| p.name == n.text) {
                    Some(i) => Some(i),
                    None => {
                        let names: Vec<&str> = params.iter().map(|p| p.name).collect();
                        let help =
                            did_you_mean(&n.text, names.iter().copied()).unwrap_or_else(|| {
                                if names.is_empty() {
                                    format!("`{}` takes no arguments", f.name)
                                } else {
                                    format!("`{}` takes: {}", f.name, names.join(", "))
                                }
                            });
                        let err = self
                            .error(n.span, format!("`{}` has no argument `{}`", f.name, n.text));
                        err.label = "unknown argument".into();
                        err.help = Some(help);
                        None
                    }
                },
                None => {
                    let s = next;
                    next += 1;
                    if s >= params.len() {
                        let err = self.error(
                            arg.value.span,
                            format!("too many arguments to `{}`", f.name),
                        );
                        err.label = "extra argument".into();
                        err.help = Some(format!("usage: {}", signature(f, receiver.is_some())));
                        None
                    } else {
                        Some(s)
                    }
                }
            };
            if let Some(i) = slot {
                filled[i] = true;
                let expected = &params[i].ty;
                // A single text stands in for a list of texts (`part("结论")`).
                let text_for_list = matches!(expected, Type::List(inner) if **inner == Type::Text)
                    && t.fits(&Type::Text);
                if !(t.fits(expected) || text_for_list) {
                    let err = self.error(
                        arg.value.span,
                        format!(
                            "`{}` expects {} for `{}`, but this is a {t}",
                            f.name,
                            article(expected),
                            params[i].name
                        ),
                    );
                    err.label = format!("this is a {t}");
                    err.help = Some(format!("usage: {}", signature(f, receiver.is_some())));
                }
            }
        }
        for (i, p) in params.iter().enumerate() {
            if !p.optional && !filled[i] {
                let err = self.error(
                    at.span,
                    format!("`{}` needs the argument `{}`", f.name, p.name),
                );
                err.label = "missing argument".into();
                err.help = Some(format!("usage: {}", signature(f, receiver.is_some())));
            }
        }
        f.ret.clone()
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, span: Span) -> Type {
        let lt = self.expr(l);
        let rt = self.expr(r);
        match op {
            BinOp::And
            | BinOp::Or
            | BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge => Type::Bool,
            BinOp::In | BinOp::NotIn | BinOp::Contains => Type::Bool,
            BinOp::Matches => {
                if !rt.fits(&Type::Pattern) {
                    let err = self.error(
                        r.span,
                        format!("`matches` needs a pattern on the right, but this is a {rt}"),
                    );
                    err.label = "not a pattern".into();
                    err.help = Some("write a pattern literal such as `/^\\d{4}年/`; to test for a word use `contains`".into());
                }
                Type::Bool
            }
            BinOp::Default => {
                if lt == Type::None {
                    rt
                } else {
                    lt
                }
            }
            BinOp::Add if matches!(lt, Type::List(_)) => lt,
            // Text joins with anything: `"row " + n`.
            BinOp::Add if lt == Type::Text || rt == Type::Text => Type::Text,
            BinOp::Add if lt == Type::Any && rt == Type::Any => Type::Any,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                for (t, e) in [(&lt, l), (&rt, r)] {
                    if !t.fits(&Type::Number) {
                        let err = self.error(e.span, format!("cannot do arithmetic with a {t}"));
                        err.label = format!("this is a {t}");
                        err.help = Some(
                            "use `money(…)` or `number(…)` to read an amount from text".into(),
                        );
                        let _ = span;
                    }
                }
                if op == BinOp::Div && lt == Type::Money && rt == Type::Money {
                    Type::Number
                } else if lt == Type::Money || rt == Type::Money {
                    Type::Money
                } else {
                    Type::Number
                }
            }
        }
    }
}

fn article(t: &Type) -> String {
    let s = t.to_string();
    if s.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {s}")
    } else {
        format!("a {s}")
    }
}

/// `name(a, b: text)` as shown in help.
pub fn signature(f: &Callable, method: bool) -> String {
    let params: Vec<String> = f
        .params
        .iter()
        .skip(usize::from(method))
        .map(|p| {
            if p.optional {
                format!("{}: {}", p.name, p.ty)
            } else {
                p.name.to_string()
            }
        })
        .collect();
    if method {
        format!(".{}({})", f.name, params.join(", "))
    } else {
        format!("{}({})", f.name, params.join(", "))
    }
}

fn is_records(expr: &Expr) -> bool {
    matches!(&expr.kind, ExprKind::Ident(n) if n == "records")
}
