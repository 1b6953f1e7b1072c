//! The evaluator: runs a rule's statements over one document and collects what it reports.
//!
//! Evaluation is forgiving by design: a field of `none` is `none`, arithmetic with `none` is
//! `none`, a comparison with `none` is false. The validator has already rejected unknown names
//! and ill-typed calls, so what remains are the gaps real documents have (no budget table, no
//! title), and a policy handles those with `if x != none` or `??`.

use rustc_hash::FxHashMap as HashMap;
use std::cmp::Ordering;
use std::hash::BuildHasher;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::library::{LIBRARY, row_cell, value_key};
use super::value::{Place, Text, Value, equal};
use crate::model::normalize::fold_width;
use crate::policy::ast::{BinOp, Binding, Expr, ExprKind, Quantifier, Stmt, StringLit, UnOp};

/// Something a rule reported.
#[derive(Debug, Clone)]
pub struct Reported {
    /// The clauses this finding cites, when narrower than the rule's.
    pub cite: Vec<String>,
    pub message: String,
    pub help: Option<String>,
    pub place: Option<Place>,
}

/// Names visible to an expression: the policy's globals, then local bindings.
pub trait Globals: Send + Sync {
    fn global(&self, name: &str) -> Option<&Value>;

    /// Documents of a kind seen in this run, for cross-source rules (`documents(kind)`).
    fn documents(&self, _kind: &str) -> &[Value] {
        &[]
    }
}

pub struct Evaluator<'g> {
    globals: Arc<dyn Globals + Send + Sync + 'g>,
    /// Local bindings; names borrow from the policy's AST, so binding costs no allocation.
    locals: Vec<(&'g str, Value)>,
    /// The rule's default message, used by `report` without a message.
    default_message: Option<&'g StringLit>,
    /// The rule's help, rendered with the names in scope at each `report`.
    help: Option<&'g StringLit>,
    pub reported: Vec<Reported>,
    /// Steps left before evaluation gives up (guards against runaway loops over huge inputs).
    fuel: u64,
    /// `first_seen` memory, per call site: key → (row, line) of the first record with it.
    seen: HashMap<usize, SeenKeys>,
    /// `group … into NAME` collections.
    groups: Vec<Group<'g>>,
    /// Arguments of the library calls in progress (see [`Evaluator::call`]).
    stack: Vec<Value>,
}

/// The keys one `first_seen` call site has met, with the (row, line) of their first record.
/// A customer database of a million rows has a million ids: the key bytes live in one
/// buffer and the table holds 16-byte entries, not a string allocation per key.
#[derive(Default)]
struct SeenKeys {
    bytes: String,
    /// (offset in `bytes`, length, row, line).
    index: hashbrown::HashTable<(u32, u32, u32, u32)>,
}

impl SeenKeys {
    /// The (row, line) of the first record with `key`; or none, and `key` is remembered
    /// with `here`.
    fn first(&mut self, key: &str, here: (u32, u32)) -> Option<(u32, u32)> {
        let hash = rustc_hash::FxBuildHasher.hash_one(key);
        let bytes = &self.bytes;
        if let Some(&(_, _, row, line)) = self.index.find(hash, |e| key_at(bytes, e) == key) {
            return Some((row, line));
        }
        let (Ok(at), Ok(len)) = (u32::try_from(bytes.len()), u32::try_from(key.len())) else {
            return None; // over 4 GiB of keys: beyond any file bylaw reads
        };
        self.bytes.push_str(key);
        let bytes = &self.bytes;
        self.index
            .insert_unique(hash, (at, len, here.0, here.1), |e| {
                rustc_hash::FxBuildHasher.hash_one(key_at(bytes, e))
            });
        None
    }
}

/// The key an entry of [`SeenKeys`] points at.
fn key_at<'b>(bytes: &'b str, &(at, len, _, _): &(u32, u32, u32, u32)) -> &'b str {
    bytes.get(at as usize..(at + len) as usize).unwrap_or("")
}

/// A `group … by KEY into NAME` collection: keys in first-seen order with their items.
struct Group<'g> {
    name: &'g str,
    entries: Vec<(Value, Vec<Value>)>,
    /// Key text → index into `entries`.
    index: HashMap<String, usize>,
}

/// Evaluation stopped: the rule took too many steps.
#[derive(Debug)]
pub struct OutOfFuel;

impl<'g> Evaluator<'g> {
    pub fn new(
        globals: Arc<dyn Globals + Send + Sync + 'g>,
        default_message: Option<&'g StringLit>,
        help: Option<&'g StringLit>,
    ) -> Self {
        Evaluator {
            globals,
            locals: Vec::new(),
            default_message,
            help,
            reported: Vec::new(),
            fuel: 50_000_000,
            seen: HashMap::default(),
            groups: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Set the number of steps left.
    pub fn refuel(&mut self, fuel: u64) {
        self.fuel = fuel;
    }

    /// How many local bindings there are (to restore with [`truncate`](Self::truncate)).
    pub fn depth(&self) -> usize {
        self.locals.len()
    }

    pub fn truncate(&mut self, depth: usize) {
        self.locals.truncate(depth);
    }

    /// Run statements whose bindings stay visible afterwards (a record rule's prelude).
    pub fn run_keep(&mut self, stmts: &'g [Stmt]) -> Result<(), OutOfFuel> {
        for stmt in stmts {
            self.stmt(stmt)?;
        }
        Ok(())
    }

    /// Bind every `group … into NAME` collection as a map from key to items.
    pub fn bind_groups(&mut self) {
        for Group { name, entries, .. } in std::mem::take(&mut self.groups) {
            let map = entries
                .into_iter()
                .map(|(k, items)| (Arc::from(k.to_string().as_str()), Value::list(items)))
                .collect();
            self.bind(name, Value::Map(Arc::new(map)));
        }
    }

    pub fn bind(&mut self, name: &'g str, value: Value) {
        self.locals.push((name, value));
    }

    fn lookup(&self, name: &str) -> Value {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| self.globals.global(name).cloned())
            .unwrap_or(Value::None)
    }

    pub fn run(&mut self, stmts: &'g [Stmt]) -> Result<(), OutOfFuel> {
        let depth = self.locals.len();
        for stmt in stmts {
            self.stmt(stmt)?;
        }
        self.locals.truncate(depth);
        Ok(())
    }

    fn stmt(&mut self, stmt: &'g Stmt) -> Result<(), OutOfFuel> {
        self.burn()?;
        match stmt {
            Stmt::Let { name, value } => {
                let v = self.eval(value)?;
                self.bind(&name.text, v);
            }
            Stmt::For {
                binding,
                iter,
                body,
            } => {
                let items = self.eval(iter)?;
                for item in iterate(&items) {
                    let depth = self.locals.len();
                    self.bind_pattern(binding, item);
                    self.run(body)?;
                    self.locals.truncate(depth);
                }
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                if self.eval(cond)?.truthy() {
                    self.run(then)?;
                } else {
                    self.run(otherwise)?;
                }
            }
            Stmt::Report {
                message, at, cite, ..
            } => {
                let target = match at {
                    Some(e) => self.eval(e)?,
                    None => self.lookup("document"),
                };
                let template = message.as_ref().or(self.default_message);
                let message = match template {
                    Some(t) => self.render(&t.value)?,
                    None => String::from("rule violated"),
                };
                let help = match self.help {
                    Some(h) => Some(self.render(&h.value)?),
                    None => None,
                };
                let place = target.place().or_else(|| self.lookup("document").place());
                self.reported.push(Reported {
                    cite: cite.iter().map(|c| c.text.clone()).collect(),
                    message,
                    help,
                    place,
                });
            }
            Stmt::Group {
                item, key, into, ..
            } => {
                let item = self.eval(item)?;
                let key = self.eval(key)?;
                let key_text = key.to_string();
                let slot = match self
                    .groups
                    .iter()
                    .position(|g| g.name == into.text.as_str())
                {
                    Some(i) => i,
                    None => {
                        self.groups.push(Group {
                            name: into.text.as_str(),
                            entries: Vec::new(),
                            index: HashMap::default(),
                        });
                        self.groups.len() - 1
                    }
                };
                let group = &mut self.groups[slot];
                match group.index.get(&key_text) {
                    Some(i) => group.entries[*i].1.push(item),
                    None => {
                        group.index.insert(key_text, group.entries.len());
                        group.entries.push((key, vec![item]));
                    }
                }
            }
        }
        Ok(())
    }

    fn burn(&mut self) -> Result<(), OutOfFuel> {
        if self.fuel == 0 {
            return Err(OutOfFuel);
        }
        self.fuel -= 1;
        Ok(())
    }

    fn bind_pattern(&mut self, binding: &'g Binding, item: (Value, Option<Value>)) {
        match (&binding.second, item) {
            (None, (v, None)) => self.bind(&binding.first.text, v),
            (None, (k, Some(_))) => self.bind(&binding.first.text, k),
            (Some(second), (k, Some(v))) => {
                self.bind(&binding.first.text, k);
                self.bind(&second.text, v);
            }
            (Some(second), (v, None)) => {
                // `for a, b in pairs(xs)`: destructure a two-item list.
                let (a, b) = match &v {
                    Value::List(l) => (
                        l.first().cloned().unwrap_or(Value::None),
                        l.get(1).cloned().unwrap_or(Value::None),
                    ),
                    _ => (v.clone(), Value::None),
                };
                self.bind(&binding.first.text, a);
                self.bind(&second.text, b);
            }
        }
    }

    /// Fill `{name}` / `{name.field}` placeholders; `{{` and `}}` are literal braces.
    pub fn render(&mut self, template: &str) -> Result<String, OutOfFuel> {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if let Some(close) = tail.find('}').filter(|_| tail.starts_with('{')) {
                let path = tail[1..close].trim();
                let value = self.placeholder(path)?;
                if is_personal(&value) {
                    out.push(PERSONAL_START);
                    out.push_str(&value.to_string());
                    out.push(PERSONAL_END);
                } else {
                    out.push_str(&value.to_string());
                }
                rest = &tail[close + 1..];
            } else {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    fn placeholder(&mut self, path: &str) -> Result<Value, OutOfFuel> {
        let mut parts = path.split('.');
        let mut value = self.lookup(parts.next().unwrap_or("").trim());
        for field in parts {
            value = get_field(&value, field.trim());
        }
        Ok(value)
    }

    pub fn eval(&mut self, expr: &'g Expr) -> Result<Value, OutOfFuel> {
        self.burn()?;
        Ok(match &expr.kind {
            ExprKind::None => Value::None,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::String(s) => Value::text(s.as_str()),
            ExprKind::Regex { compiled, .. } => match compiled {
                Some(re) => Value::Regex(re.clone()),
                None => Value::None,
            },
            ExprKind::Ident(name) => self.lookup(name),
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item)?);
                }
                Value::list(out)
            }
            ExprKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    out.push((Arc::from(k.text.as_str()), self.eval(v)?));
                }
                Value::Map(Arc::new(out))
            }
            ExprKind::Unary(op, inner) => {
                let v = self.eval(inner)?;
                match op {
                    UnOp::Not => Value::Bool(!v.truthy()),
                    UnOp::Neg => match v {
                        Value::Number(n) => Value::Number(-n),
                        Value::Money(n) => Value::Money(-n),
                        _ => Value::None,
                    },
                }
            }
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs)?,
            ExprKind::Field(target, name) => {
                let t = self.eval(target)?;
                get_field(&t, &name.text)
            }
            ExprKind::Index(target, index) => {
                let t = self.eval(target)?;
                let i = self.eval(index)?;
                index_value(&t, &i)
            }
            ExprKind::Call { func, args } if func.text == "first_seen" => {
                let key = match args.first() {
                    Some(a) => self.eval(&a.value)?,
                    None => Value::None,
                };
                let row = match args.get(1) {
                    Some(a) => self.eval(&a.value)?,
                    None => Value::None,
                };
                self.first_seen(expr.span.start, &key, &row)
            }
            ExprKind::Call { func, args } if func.text == "documents" => {
                let kind = match args.first() {
                    Some(a) => self.eval(&a.value)?,
                    None => Value::None,
                };
                let kind = kind
                    .as_text()
                    .map(|t| t.value.to_string())
                    .unwrap_or_default();
                Value::list(self.globals.documents(&kind).to_vec())
            }
            ExprKind::Call { func, args } => {
                let Some(f) = LIBRARY.functions.get(func.text.as_str()) else {
                    return Ok(Value::None);
                };
                self.call(&f.params, f.run, args, None)?
            }
            ExprKind::Method {
                target,
                method,
                args,
            } => {
                let t = self.eval(target)?;
                if t.is_none() {
                    return Ok(Value::None);
                }
                let Some(m) = LIBRARY.method(value_key(&t), &method.text) else {
                    return Ok(Value::None);
                };
                self.call(&m.params, m.run, args, Some(t))?
            }
            ExprKind::Comprehension {
                element,
                binding,
                iter,
                filter,
            } => {
                let items = self.eval(iter)?;
                let mut out = Vec::new();
                for item in iterate(&items) {
                    let depth = self.locals.len();
                    self.bind_pattern(binding, item);
                    let keep = match filter {
                        Some(f) => self.eval(f)?.truthy(),
                        None => true,
                    };
                    if keep {
                        out.push(self.eval(element)?);
                    }
                    self.locals.truncate(depth);
                }
                Value::list(out)
            }
            ExprKind::Quantified {
                quantifier,
                binding,
                iter,
                cond,
            } => {
                let items = self.eval(iter)?;
                let mut result = *quantifier == Quantifier::Every;
                for item in iterate(&items) {
                    let depth = self.locals.len();
                    self.bind_pattern(binding, item);
                    let holds = self.eval(cond)?.truthy();
                    self.locals.truncate(depth);
                    match quantifier {
                        Quantifier::Some if holds => {
                            result = true;
                            break;
                        }
                        Quantifier::Every if !holds => {
                            result = false;
                            break;
                        }
                        _ => {}
                    }
                }
                Value::Bool(result)
            }
        })
    }

    /// The first record that had this key at this call site (as `{row, line}`), or `none`
    /// (and the key is remembered with `row`). Empty keys are never duplicates.
    fn first_seen(&mut self, site: usize, key: &Value, row: &Value) -> Value {
        let Some(text) = key.as_text() else {
            return Value::None;
        };
        let key = text.value.trim();
        if key.is_empty() {
            return Value::None;
        }
        let here = match row {
            Value::Record(r) | Value::Cell(r, _) => {
                (r.row.place.row as u32, r.row.place.line as u32)
            }
            _ => (0, 0),
        };
        match self.seen.entry(site).or_default().first(key, here) {
            Some((row, line)) => Value::Map(Arc::new(vec![
                (Arc::from("row"), Value::Number(row.into())),
                (Arc::from("line"), Value::Number(line.into())),
            ])),
            None => Value::None,
        }
    }

    /// Call a library function with its arguments in parameter order: named arguments go to
    /// their parameter, missing optional ones are `none`. The arguments live on the
    /// evaluator's stack (a call inside an argument uses the stack above them), so a call
    /// allocates nothing.
    fn call(
        &mut self,
        params: &[super::library::Param],
        run: fn(&[Value]) -> Value,
        args: &'g [crate::policy::ast::Arg],
        receiver: Option<Value>,
    ) -> Result<Value, OutOfFuel> {
        let base = self.stack.len();
        let top = base + params.len();
        self.stack.resize(top, Value::None);
        let mut next = 0;
        if let Some(r) = receiver {
            if let Some(slot) = self.stack.get_mut(base) {
                *slot = r;
            }
            next = 1;
        }
        for arg in args {
            let v = match self.eval(&arg.value) {
                Ok(v) => v,
                Err(e) => {
                    self.stack.truncate(base);
                    return Err(e);
                }
            };
            let slot = match &arg.name {
                Some(name) => params.iter().position(|p| p.name == name.text),
                None => {
                    let s = next;
                    next += 1;
                    Some(s)
                }
            };
            if let Some(slot) = slot.filter(|s| *s < params.len()) {
                self.stack[base + slot] = v;
            }
        }
        let out = run(&self.stack[base..top]);
        self.stack.truncate(base);
        Ok(out)
    }

    fn binary(&mut self, op: BinOp, lhs: &'g Expr, rhs: &'g Expr) -> Result<Value, OutOfFuel> {
        // Short-circuiting operators first.
        match op {
            BinOp::And => {
                let l = self.eval(lhs)?;
                return Ok(Value::Bool(l.truthy() && self.eval(rhs)?.truthy()));
            }
            BinOp::Or => {
                let l = self.eval(lhs)?;
                return Ok(Value::Bool(l.truthy() || self.eval(rhs)?.truthy()));
            }
            BinOp::Default => {
                let l = self.eval(lhs)?;
                return if l.is_none() { self.eval(rhs) } else { Ok(l) };
            }
            _ => {}
        }
        let l = self.eval(lhs)?;
        let r = self.eval(rhs)?;
        Ok(match op {
            BinOp::Eq => Value::Bool(equal(&l, &r)),
            BinOp::Ne => Value::Bool(!equal(&l, &r)),
            BinOp::Lt => Value::Bool(compare(&l, &r) == Some(Ordering::Less)),
            BinOp::Le => Value::Bool(matches!(
                compare(&l, &r),
                Some(Ordering::Less | Ordering::Equal)
            )),
            BinOp::Gt => Value::Bool(compare(&l, &r) == Some(Ordering::Greater)),
            BinOp::Ge => Value::Bool(matches!(
                compare(&l, &r),
                Some(Ordering::Greater | Ordering::Equal)
            )),
            BinOp::In => Value::Bool(contains(&r, &l)),
            BinOp::NotIn => Value::Bool(!contains(&r, &l)),
            BinOp::Contains => Value::Bool(contains(&l, &r)),
            BinOp::Matches => match (&r, l.as_text()) {
                (Value::Regex(re), Some(t)) => Value::Bool(re.regex().is_match(&t.value)),
                _ => Value::Bool(false),
            },
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => arithmetic(op, &l, &r),
            BinOp::And | BinOp::Or | BinOp::Default => Value::None,
        })
    }
}

/// Around a personal value in a rendered message (a cell of a personal-data column), so
/// that output can mask it whatever its shape; see [`crate::report::RenderOptions::mask`].
pub const PERSONAL_START: char = '\u{E000}';
pub const PERSONAL_END: char = '\u{E001}';

fn is_personal(v: &Value) -> bool {
    match v {
        Value::Cell(r, c) => r.layout.personal.get(*c).copied().unwrap_or(false),
        _ => false,
    }
}

/// Items of an iterable value: list items, or map entries as (key, value).
fn iterate(v: &Value) -> impl Iterator<Item = (Value, Option<Value>)> + '_ {
    let list = match v {
        Value::List(items) => items.as_slice(),
        _ => &[],
    };
    let map = match v {
        Value::Map(entries) => entries.as_slice(),
        _ => &[],
    };
    list.iter().map(|i| (i.clone(), None)).chain(
        map.iter()
            .map(|(k, v)| (Value::text(k.clone()), Some(v.clone()))),
    )
}

pub fn get_field(v: &Value, name: &str) -> Value {
    match v {
        Value::None => Value::None,
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::None),
        Value::Record(r) => match r.layout.columns.get(name) {
            Some(col) => Value::Cell(r.clone(), *col),
            None => LIBRARY
                .field(value_key(v), name)
                .map(|f| (f.get)(v))
                .unwrap_or(Value::None),
        },
        other => match LIBRARY.field(value_key(other), name) {
            Some(f) => (f.get)(other),
            None => Value::None,
        },
    }
}

fn index_value(t: &Value, i: &Value) -> Value {
    match (t, i) {
        (Value::List(items), Value::Number(n)) => {
            let Ok(n) = i64::try_from(n.trunc()) else {
                return Value::None;
            };
            let idx = if n < 0 { items.len() as i64 + n } else { n };
            usize::try_from(idx)
                .ok()
                .and_then(|i| items.get(i).cloned())
                .unwrap_or(Value::None)
        }
        (Value::Row(..), Value::Number(n)) => match usize::try_from(n.trunc()) {
            Ok(i) => row_cell(t, i),
            Err(_) => Value::None,
        },
        (Value::Map(_), key) => match key.as_text() {
            Some(k) => get_field(t, &k.value),
            None => Value::None,
        },
        _ => Value::None,
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x) | Value::Money(x), Value::Number(y) | Value::Money(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::None, _) | (_, Value::None) => None,
        _ => match (a.as_text(), b.as_text()) {
            (Some(x), Some(y)) => Some(x.value.cmp(&y.value)),
            _ => None,
        },
    }
}

/// `hay contains needle`: list membership, or case-insensitive, width-folded substring.
fn contains(hay: &Value, needle: &Value) -> bool {
    match hay {
        Value::List(items) => items.iter().any(|i| equal(i, needle)),
        Value::Map(entries) => needle
            .as_text()
            .is_some_and(|k| entries.iter().any(|(key, _)| **key == *k.value)),
        Value::None => false,
        other => match (other.as_text(), needle.as_text()) {
            (Some(h), Some(n)) => fold_width(&h.value).contains(&fold_width(&n.value)),
            _ => false,
        },
    }
}

fn arithmetic(op: BinOp, l: &Value, r: &Value) -> Value {
    // Money divided by money is a ratio, not money.
    let ratio = op == BinOp::Div && matches!((l, r), (Value::Money(_), Value::Money(_)));
    let money = !ratio && (matches!(l, Value::Money(_)) || matches!(r, Value::Money(_)));
    let wrap = |d: Decimal| {
        if money {
            Value::Money(d)
        } else {
            Value::Number(d)
        }
    };
    match (l, r) {
        (Value::Number(x) | Value::Money(x), Value::Number(y) | Value::Money(y)) => match op {
            BinOp::Add => x.checked_add(*y).map(wrap).unwrap_or(Value::None),
            BinOp::Sub => x.checked_sub(*y).map(wrap).unwrap_or(Value::None),
            BinOp::Mul => x.checked_mul(*y).map(wrap).unwrap_or(Value::None),
            BinOp::Div => x.checked_div(*y).map(wrap).unwrap_or(Value::None),
            _ => Value::None,
        },
        (Value::List(a), Value::List(b)) if op == BinOp::Add => {
            Value::list(a.iter().chain(b.iter()).cloned().collect())
        }
        (a, b)
            if op == BinOp::Add && (matches!(a, Value::Text(_)) || matches!(b, Value::Text(_))) =>
        {
            match (a.as_text(), b.as_text()) {
                (Some(x), Some(y)) => Value::Text(Text::plain(format!("{}{}", x.value, y.value))),
                _ => Value::None,
            }
        }
        _ => Value::None,
    }
}
