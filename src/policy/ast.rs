//! The policy AST: what a `.bylaw` file says, with spans into its source for diagnostics.

use std::sync::Arc;

use crate::source::{SourceFile, Span};

/// A parsed policy file.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    pub source: Arc<SourceFile>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Clause(ClauseDecl),
    Kind(KindDecl),
    Let(LetDecl),
    Param(ParamDecl),
    Rule(RuleDecl),
}

/// A name with the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ClauseDecl {
    pub id: Name,
    pub title: String,
    /// Why no rule can enforce this clause from documents and records, when declared so.
    pub not_checkable: Option<StringLit>,
}

#[derive(Debug, Clone)]
pub struct KindDecl {
    pub name: Name,
    pub fields: Vec<(Name, Expr)>,
}

#[derive(Debug, Clone)]
pub struct LetDecl {
    pub name: Name,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct ParamDecl {
    pub name: Name,
    pub default: Expr,
    pub doc: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RuleDecl {
    pub id: Name,
    pub clauses: Vec<Name>,
    pub severity: Option<(Severity, Span)>,
    /// Kinds the rule applies to; the pseudo-kind `document` means every document.
    pub applies: Vec<Name>,
    pub message: Option<StringLit>,
    /// Short text under the underline in human output.
    pub label: Option<StringLit>,
    pub help: Option<StringLit>,
    pub summary: Option<StringLit>,
    pub body: Vec<Stmt>,
    /// Span of the `rule` keyword through the id, for diagnostics about the rule as a whole.
    pub head_span: Span,
    /// The whole declaration, for `bylaw explain`.
    pub full_span: Span,
    /// In force from this day (inclusive), if set.
    pub effective: Option<(chrono::NaiveDate, Span)>,
    /// In force until this day (inclusive), if set.
    pub until: Option<(chrono::NaiveDate, Span)>,
}

/// A string literal as written; `{name}` placeholders are resolved at report time.
#[derive(Debug, Clone)]
pub struct StringLit {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Let {
        name: Name,
        value: Expr,
    },
    For {
        binding: Binding,
        iter: Expr,
        body: Vec<Stmt>,
    },
    If {
        cond: Expr,
        then: Vec<Stmt>,
        otherwise: Vec<Stmt>,
    },
    /// `group ITEM by KEY into NAME` (record rules).
    Group {
        item: Expr,
        key: Expr,
        into: Name,
        span: Span,
    },
    Report {
        message: Option<StringLit>,
        at: Option<Expr>,
        /// Clauses this finding cites; empty: all of the rule's clauses.
        cite: Vec<Name>,
        span: Span,
    },
}

/// `x` or `key, value` in `for` loops, comprehensions and quantifiers.
#[derive(Debug, Clone)]
pub struct Binding {
    pub first: Name,
    pub second: Option<Name>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Contains,
    Matches,
    Add,
    Sub,
    Mul,
    Div,
    Default,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Contains => "contains",
            BinOp::Matches => "matches",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Default => "??",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Some,
    Every,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    None,
    Bool(bool),
    Number(rust_decimal::Decimal),
    String(String),
    /// A pattern literal `/…/flags`, checked when the policy is loaded (`None` if invalid).
    Regex {
        pattern: String,
        flags: String,
        compiled: Option<Arc<super::pattern::Pattern>>,
    },
    Ident(String),
    List(Vec<Expr>),
    Map(Vec<(Name, Expr)>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Field(Box<Expr>, Name),
    Index(Box<Expr>, Box<Expr>),
    Call {
        func: Name,
        args: Vec<Arg>,
    },
    Method {
        target: Box<Expr>,
        method: Name,
        args: Vec<Arg>,
    },
    Comprehension {
        element: Box<Expr>,
        binding: Binding,
        iter: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Quantified {
        quantifier: Quantifier,
        binding: Binding,
        iter: Box<Expr>,
        cond: Box<Expr>,
    },
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: Option<Name>,
    pub value: Expr,
}

impl Expr {
    /// Call `f` on this expression and every expression inside it.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::List(items) => items.iter().for_each(|e| e.visit(f)),
            ExprKind::Map(entries) => entries.iter().for_each(|(_, e)| e.visit(f)),
            ExprKind::Unary(_, e) | ExprKind::Field(e, _) => e.visit(f),
            ExprKind::Binary(_, l, r) | ExprKind::Index(l, r) => {
                l.visit(f);
                r.visit(f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.value.visit(f)),
            ExprKind::Method { target, args, .. } => {
                target.visit(f);
                args.iter().for_each(|a| a.value.visit(f));
            }
            ExprKind::Comprehension {
                element,
                iter,
                filter,
                ..
            } => {
                element.visit(f);
                iter.visit(f);
                if let Some(e) = filter {
                    e.visit(f);
                }
            }
            ExprKind::Quantified { iter, cond, .. } => {
                iter.visit(f);
                cond.visit(f);
            }
            _ => {}
        }
    }
}

/// Call `f` on every expression in the statements.
pub fn visit_stmts(stmts: &[Stmt], f: &mut dyn FnMut(&Expr)) {
    for stmt in stmts {
        match stmt {
            Stmt::Let { value, .. } => value.visit(f),
            Stmt::For { iter, body, .. } => {
                iter.visit(f);
                visit_stmts(body, f);
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                cond.visit(f);
                visit_stmts(then, f);
                visit_stmts(otherwise, f);
            }
            Stmt::Group { item, key, .. } => {
                item.visit(f);
                key.visit(f);
            }
            Stmt::Report { at, .. } => {
                if let Some(e) = at {
                    e.visit(f);
                }
            }
        }
    }
}
