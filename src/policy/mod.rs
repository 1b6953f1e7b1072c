//! The policy language: loading `.bylaw` files into a validated [`PolicySet`].
//!
//! Loading runs the pipeline parse → lower → declare → evaluate constants → validate rules,
//! collecting every error on the way so an author sees all of them at once.

pub mod ast;
mod builtin;
pub mod errors;
pub mod format;
mod grammar;
mod lower;
pub mod pattern;
pub mod validate;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ast::*;
use errors::{PolicyError, PolicyErrors, did_you_mean};

use crate::check::eval::{Evaluator, Globals};
use crate::check::types::Type;
use crate::check::value::Value;
use crate::source::{SourceFile, Span};

/// Where a policy file's relative paths (word lists) are resolved.
#[derive(Debug, Clone)]
pub enum Base {
    /// The pack compiled into the binary; the folder of the file within the pack.
    Builtin(String),
    /// A directory on disk.
    Dir(PathBuf),
}

/// One policy file to load.
#[derive(Debug, Clone)]
pub struct PolicySource {
    pub name: String,
    pub text: String,
    pub base: Base,
}

/// A kind of document, in precedence order within [`PolicySet::kinds`].
#[derive(Debug, Clone)]
pub struct KindDef {
    pub name: String,
    /// Keywords matched against file names and titles.
    pub keywords: Vec<String>,
    /// Path globs that assign the kind explicitly.
    pub globs: Vec<String>,
    /// Record kinds: canonical column names and their header synonyms, in declaration order.
    /// Empty for document kinds.
    pub columns: Vec<(String, Vec<String>)>,
    /// Columns whose headers identify the kind when the file name does not.
    pub identify: Vec<String>,
    /// Columns holding personal data: masked in every output.
    pub personal: Vec<String>,
}

impl KindDef {
    /// Whether this kind describes records (it declares columns) rather than documents.
    pub fn is_records(&self) -> bool {
        !self.columns.is_empty()
    }
}

/// A validated rule, ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub clauses: Vec<String>,
    pub severity: Severity,
    /// Kinds the rule applies to; `document` means every document.
    pub applies: Vec<String>,
    pub message: Option<StringLit>,
    pub label: Option<StringLit>,
    pub help: Option<StringLit>,
    pub summary: Option<String>,
    pub body: Vec<Stmt>,
    pub source: Arc<SourceFile>,
    pub span: Span,
    /// The whole declaration in `source`.
    pub full_span: Span,
    /// In force from / until these days (inclusive), if set.
    pub effective: Option<chrono::NaiveDate>,
    pub until: Option<chrono::NaiveDate>,
}

impl Rule {
    /// Whether the rule is in force on a day (an audit of last year's archive applies last
    /// year's rules).
    pub fn in_force(&self, day: chrono::NaiveDate) -> bool {
        self.effective.is_none_or(|e| e <= day) && self.until.is_none_or(|u| day <= u)
    }
}

/// A parameter and its current value.
#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub name: String,
    pub doc: Option<String>,
    pub value: Value,
}

/// Everything the checker needs from the policies.
#[derive(Debug, Default)]
pub struct PolicySet {
    pub clauses: BTreeMap<String, String>,
    /// Clauses declared not checkable from documents and records, with the reason.
    pub not_checkable: BTreeMap<String, String>,
    pub kinds: Vec<KindDef>,
    pub globals: FxHashMap<String, Value>,
    pub params: Vec<ParamInfo>,
    pub rules: Vec<Rule>,
}

/// The policy's constants, as seen while evaluating other constants.
struct Constants<'a>(&'a FxHashMap<String, Value>);

impl Globals for Constants<'_> {
    fn global(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
}

/// The pseudo-kind that makes a rule apply to every document.
pub const ANY_DOCUMENT: &str = "document";

/// How the built-in pack's files are named in diagnostics: `<builtin>/documents/research.bylaw`.
pub const BUILTIN_PREFIX: &str = "<builtin>/";

/// The built-in pack's policy files.
pub fn builtin_sources() -> Vec<PolicySource> {
    builtin::FILES
        .iter()
        .filter(|(name, _)| name.ends_with(".bylaw"))
        .map(|(name, text)| PolicySource {
            name: format!("{BUILTIN_PREFIX}{name}"),
            text: text.to_string(),
            base: Base::Builtin(
                name.rsplit_once('/')
                    .map(|(dir, _)| dir.to_string())
                    .unwrap_or_default(),
            ),
        })
        .collect()
}

/// Policy files at a path: the file itself, or every `*.bylaw` below a directory (sorted).
pub fn sources_from_path(path: &Path) -> std::io::Result<Vec<PolicySource>> {
    let mut files = Vec::new();
    if path.is_dir() {
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(std::io::Error::other)?;
            if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "bylaw")
            {
                files.push(entry.path().to_path_buf());
            }
        }
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f)?;
            Ok(PolicySource {
                name: f.to_string_lossy().replace('\\', "/"),
                text,
                base: Base::Dir(f.parent().map(Path::to_path_buf).unwrap_or_default()),
            })
        })
        .collect()
}

/// Load, evaluate and validate a set of policy files. `overrides` replaces parameter
/// defaults (from `bylaw.toml`).
pub fn load(
    sources: &[PolicySource],
    overrides: &BTreeMap<String, Value>,
) -> Result<PolicySet, PolicyErrors> {
    let mut errors = Vec::new();
    let mut files = Vec::new();
    // Files parse and lower independently (patterns compile here): in parallel, since this is
    // most of a run's start-up.
    let parsed: Vec<_> = sources
        .par_iter()
        .map(|src| {
            let file = SourceFile::new(src.name.clone(), src.text.clone());
            match grammar::parse(&file) {
                Ok(pairs) => {
                    let mut lowerer = lower::Lowerer::new(&file);
                    let items = lowerer.policy(pairs);
                    let policy = PolicyFile {
                        source: file.clone(),
                        items,
                    };
                    (Some((policy, src.base.clone())), lowerer.errors)
                }
                Err(errs) => (None, errs),
            }
        })
        .collect();
    for (file, errs) in parsed {
        files.extend(file);
        errors.extend(errs);
    }

    let mut set = PolicySet::default();
    let mut global_types: HashMap<String, Type> = HashMap::new();
    let mut defined: HashMap<String, (Arc<SourceFile>, Span)> = HashMap::new();
    for (name, ty) in validate::RULE_GLOBALS.iter() {
        global_types.insert(name.to_string(), ty.clone());
    }

    // Pass 1: the clause registry and kinds, so rules may refer to them from any file.
    for (file, _) in &files {
        for item in &file.items {
            if let Item::Clause(c) = item
                && let Some(reason) = &c.not_checkable
            {
                set.not_checkable
                    .insert(c.id.text.clone(), reason.value.clone());
            }
            if let Item::Clause(c) = item
                && set
                    .clauses
                    .insert(c.id.text.clone(), c.title.clone())
                    .is_some()
            {
                errors.push(
                    PolicyError::new(
                        &file.source,
                        c.id.span,
                        format!("clause `{}` is declared twice", c.id.text),
                    )
                    .label("declared again here")
                    .help("each clause id is declared once in the registry"),
                );
            }
        }
    }

    // Pass 2: constants and parameters (each after the constants it uses), then kinds.
    for (fi, ii) in evaluation_order(&files) {
        let (file, base) = &mut files[fi];
        {
            let item = &mut file.items[ii];
            let (name, expr, doc, is_param) = match item {
                Item::Let(l) => (&l.name, &mut l.value, None, false),
                Item::Param(p) => (&p.name, &mut p.default, p.doc.clone(), true),
                Item::Kind(k) => {
                    let mut def = KindDef {
                        name: k.name.text.clone(),
                        keywords: Vec::new(),
                        globs: Vec::new(),
                        columns: Vec::new(),
                        identify: Vec::new(),
                        personal: Vec::new(),
                    };
                    if set.kinds.iter().any(|d| d.name == def.name) || def.name == ANY_DOCUMENT {
                        errors.push(
                            PolicyError::new(
                                &file.source,
                                k.name.span,
                                format!("kind `{}` is declared twice", def.name),
                            )
                            .label("declared again here"),
                        );
                    }
                    for (key, value) in &mut k.fields {
                        resolve_wordlists(value, &file.source, base, &mut errors);
                        let mut v = validate::Validator::top_level(&file.source, &global_types);
                        v.expr(value);
                        errors.extend(v.errors);
                        let evaluated = evaluate_constant(value, &set.globals);
                        let texts = crate::check::library::text_list(&evaluated);
                        match key.text.as_str() {
                            "keywords" => def.keywords = texts,
                            "globs" => def.globs = texts,
                            "identify" => def.identify = texts,
                            "personal" => def.personal = texts,
                            "columns" => match &evaluated {
                                Value::Map(entries) => {
                                    def.columns = entries
                                        .iter()
                                        .map(|(k, v)| (k.to_string(), crate::check::library::text_list(v)))
                                        .collect();
                                }
                                _ => errors.push(
                                    PolicyError::new(&file.source, value.span, "`columns` takes a map of column names to header synonyms")
                                        .label("not a map")
                                        .help("write `columns { \"id\": [\"客户编号\", \"customer_id\"], … }`"),
                                ),
                            },
                            other => errors.push(
                                PolicyError::new(&file.source, key.span, format!("unknown kind field `{other}`"))
                                    .label("not a kind field")
                                    .help(did_you_mean(other, ["keywords", "globs", "columns", "identify", "personal"]).unwrap_or_else(|| {
                                        "a kind declares `keywords`, `globs`, and for records `columns`, `identify` and `personal`".into()
                                    })),
                            ),
                        }
                    }
                    for col in def.identify.iter().chain(&def.personal) {
                        if !def.columns.iter().any(|(c, _)| c == col) {
                            errors.push(
                                PolicyError::new(
                                    &file.source,
                                    k.name.span,
                                    format!(
                                        "kind `{}` names a column `{col}` it does not declare",
                                        def.name
                                    ),
                                )
                                .label("in this kind")
                                .help("`identify` and `personal` list names declared in `columns`"),
                            );
                        }
                    }
                    set.kinds.push(def);
                    continue;
                }
                Item::Clause(_) | Item::Rule(_) => continue,
            };
            if let Some((_, _)) = defined.get(&name.text) {
                errors.push(
                    PolicyError::new(&file.source, name.span, format!("`{}` is defined twice", name.text))
                        .label("defined again here")
                        .help("names of `let` and `param` are shared by all policy files; pick another name"),
                );
                continue;
            }
            if validate::RULE_GLOBALS.iter().any(|(n, _)| *n == name.text) {
                errors.push(
                    PolicyError::new(
                        &file.source,
                        name.span,
                        format!("`{}` is a built-in name", name.text),
                    )
                    .label("reserved")
                    .help("pick another name"),
                );
                continue;
            }
            resolve_wordlists(expr, &file.source, base, &mut errors);
            let mut v = validate::Validator::top_level(&file.source, &global_types);
            let ty = v.expr(expr);
            errors.extend(v.errors);
            let mut value = evaluate_constant(expr, &set.globals);
            if is_param {
                if let Some(over) = overrides.get(&name.text) {
                    value = over.clone();
                }
                set.params.push(ParamInfo {
                    name: name.text.clone(),
                    doc,
                    value: value.clone(),
                });
            }
            defined.insert(name.text.clone(), (file.source.clone(), name.span));
            global_types.insert(name.text.clone(), ty);
            set.globals.insert(name.text.clone(), value);
        }
    }

    // Pass 3: rules.
    let kind_names: Vec<String> = set.kinds.iter().map(|k| k.name.clone()).collect();
    let mut rule_ids: HashMap<String, ()> = HashMap::new();
    for (file, _) in &files {
        for item in &file.items {
            let Item::Rule(rule) = item else { continue };
            let src = &file.source;
            if rule_ids.insert(rule.id.text.clone(), ()).is_some() {
                errors.push(
                    PolicyError::new(src, rule.id.span, format!("rule id `{}` is used twice", rule.id.text))
                        .label("used again here")
                        .help("rule ids are stable names that reports, suppressions and baselines refer to: make each unique"),
                );
            }
            if rule.clauses.is_empty() {
                errors.push(
                    PolicyError::new(
                        src,
                        rule.head_span,
                        format!("rule `{}` cites no clause", rule.id.text),
                    )
                    .label("no `clauses` line")
                    .help(
                        "every rule says which regulation clauses it enforces: add `clauses 4.1.5`",
                    ),
                );
            }
            for c in &rule.clauses {
                if set.not_checkable.contains_key(&c.text) {
                    errors.push(
                        PolicyError::new(src, c.span, format!("clause `{}` is declared not checkable, but this rule enforces it", c.text))
                            .label("declared `not checkable` in the registry")
                            .help("remove `not checkable` from the clause's declaration, or do not cite it here"),
                    );
                }
                if !set.clauses.contains_key(&c.text) {
                    let help = did_you_mean(&c.text, set.clauses.keys().map(String::as_str))
                        .unwrap_or_else(|| {
                            "declare it in the registry: `clause 1.2.3 \"what it requires\"`".into()
                        });
                    errors.push(
                        PolicyError::new(src, c.span, format!("unknown clause `{}`", c.text))
                            .label("not in the clause registry")
                            .help(help),
                    );
                }
            }
            if rule.severity.is_none() {
                errors.push(
                    PolicyError::new(
                        src,
                        rule.head_span,
                        format!("rule `{}` has no severity", rule.id.text),
                    )
                    .label("no `severity` line")
                    .help("add `severity error` or `severity warning`"),
                );
            }
            if rule.applies.is_empty() {
                errors.push(
                    PolicyError::new(src, rule.head_span, format!("rule `{}` does not say what it applies to", rule.id.text))
                        .label("no `applies to` line")
                        .help("add `applies to research-report` (a kind), or `applies to document` for every document"),
                );
            }
            for k in &rule.applies {
                if k.text != ANY_DOCUMENT && !kind_names.contains(&k.text) {
                    let help = did_you_mean(
                        &k.text,
                        kind_names.iter().map(String::as_str).chain([ANY_DOCUMENT]),
                    )
                    .unwrap_or_else(|| format!("known kinds: {}", kind_names.join(", ")));
                    errors.push(
                        PolicyError::new(src, k.span, format!("unknown kind `{}`", k.text))
                            .label("no such kind")
                            .help(help),
                    );
                }
            }
            let mut v = validate::Validator::new(src, &global_types);
            for kind in set
                .kinds
                .iter()
                .filter(|k| rule.applies.iter().any(|a| a.text == k.name))
            {
                for (column, _) in &kind.columns {
                    if !v.columns.contains(column) {
                        v.columns.push(column.clone());
                    }
                }
            }
            v.rule(rule);
            errors.extend(v.errors);
            set.rules.push(Rule {
                id: rule.id.text.clone(),
                clauses: rule.clauses.iter().map(|c| c.text.clone()).collect(),
                severity: rule.severity.map(|(s, _)| s).unwrap_or(Severity::Error),
                applies: rule.applies.iter().map(|a| a.text.clone()).collect(),
                message: rule.message.clone(),
                label: rule.label.clone(),
                help: rule.help.clone(),
                summary: rule.summary.as_ref().map(|s| s.value.clone()),
                body: rule.body.clone(),
                source: src.clone(),
                span: rule.head_span,
                full_span: rule.full_span,
                effective: rule.effective.map(|(d, _)| d),
                until: rule.until.map(|(d, _)| d),
            });
        }
    }

    for name in overrides.keys() {
        if !set.params.iter().any(|p| &p.name == name) {
            let known: Vec<&str> = set.params.iter().map(|p| p.name.as_str()).collect();
            let cfg = SourceFile::new("bylaw.toml", String::new());
            errors.push(
                PolicyError::new(
                    &cfg,
                    Span::default(),
                    format!("unknown parameter `{name}` in the configuration"),
                )
                .label("set here")
                .help(
                    did_you_mean(name, known.iter().copied())
                        .unwrap_or_else(|| format!("parameters: {}", known.join(", "))),
                ),
            );
        }
    }

    if errors.is_empty() {
        Ok(set)
    } else {
        errors.sort_by(|a, b| {
            (a.source_file.name(), a.span.start).cmp(&(b.source_file.name(), b.span.start))
        });
        Err(PolicyErrors { errors })
    }
}

fn evaluate_constant(expr: &Expr, globals: &FxHashMap<String, Value>) -> Value {
    let mut ev = Evaluator::new(Arc::new(Constants(globals)), None, None);
    ev.eval(expr).unwrap_or(Value::None)
}

/// Replace `wordlist("file")` calls by the list they load, so constants are plain values.
fn resolve_wordlists(
    expr: &mut Expr,
    source: &Arc<SourceFile>,
    base: &Base,
    errors: &mut Vec<PolicyError>,
) {
    if let ExprKind::Call { func, args } = &expr.kind
        && func.text == "wordlist"
    {
        let path = match args.as_slice() {
            [
                Arg {
                    name: None,
                    value:
                        Expr {
                            kind: ExprKind::String(s),
                            ..
                        },
                },
            ] => s.clone(),
            _ => {
                errors.push(
                    PolicyError::new(source, expr.span, "`wordlist` takes one file name")
                        .label("expected `wordlist(\"file.txt\")`")
                        .help("the path is relative to the policy file"),
                );
                return;
            }
        };
        match read_relative(base, &path) {
            Ok(content) => {
                let words = crate::check::builtins::terms::load_word_list(&content);
                let span = expr.span;
                expr.kind = ExprKind::List(
                    words
                        .into_iter()
                        .map(|w| Expr {
                            kind: ExprKind::String(w),
                            span,
                        })
                        .collect(),
                );
            }
            Err(reason) => errors.push(
                PolicyError::new(source, expr.span, format!("cannot read word list `{path}`"))
                    .label(reason)
                    .help("the path is relative to the policy file"),
            ),
        }
        return;
    }
    match &mut expr.kind {
        ExprKind::List(items) => items
            .iter_mut()
            .for_each(|e| resolve_wordlists(e, source, base, errors)),
        ExprKind::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, e)| resolve_wordlists(e, source, base, errors)),
        ExprKind::Call { args, .. } => args
            .iter_mut()
            .for_each(|a| resolve_wordlists(&mut a.value, source, base, errors)),
        ExprKind::Binary(_, l, r) => {
            resolve_wordlists(l, source, base, errors);
            resolve_wordlists(r, source, base, errors);
        }
        ExprKind::Unary(_, e) => resolve_wordlists(e, source, base, errors),
        _ => {}
    }
}

fn read_relative(base: &Base, path: &str) -> Result<String, String> {
    match base {
        Base::Builtin(dir) => {
            let wanted = normalize_pack_path(dir, path);
            builtin::FILES
                .iter()
                .find(|(name, _)| *name == wanted)
                .map(|(_, text)| text.to_string())
                .ok_or_else(|| "not in the built-in pack".to_string())
        }
        Base::Dir(dir) => {
            std::fs::read_to_string(dir.join(path)).map_err(|e| crate::input::io_reason(&e))
        }
    }
}

/// `dir/path` inside the pack, with `.` and `..` resolved.
fn normalize_pack_path(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for piece in path.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The order in which top-level items are evaluated: `let`s and `param`s so that each comes
/// after the constants it refers to (whatever file they are in), then kinds in file order.
/// Names that cannot be ordered (a cycle, an unknown name) keep their place and are reported by
/// the validator.
fn evaluation_order(files: &[(PolicyFile, Base)]) -> Vec<(usize, usize)> {
    let mut pending: Vec<(usize, usize, String, Vec<String>)> = Vec::new();
    let mut kinds = Vec::new();
    for (fi, (file, _)) in files.iter().enumerate() {
        for (ii, item) in file.items.iter().enumerate() {
            let (name, expr) = match item {
                Item::Let(l) => (&l.name, &l.value),
                Item::Param(p) => (&p.name, &p.default),
                Item::Kind(_) => {
                    kinds.push((fi, ii));
                    continue;
                }
                _ => continue,
            };
            let mut deps = Vec::new();
            collect_idents(expr, &mut deps);
            pending.push((fi, ii, name.text.clone(), deps));
        }
    }
    let declared: Vec<String> = pending.iter().map(|p| p.2.clone()).collect();
    let mut done: Vec<String> = Vec::new();
    let mut order = Vec::new();
    while !pending.is_empty() {
        let ready = pending.iter().position(|(_, _, name, deps)| {
            deps.iter()
                .all(|d| d == name || done.contains(d) || !declared.contains(d))
        });
        let (fi, ii, name, _) = pending.remove(ready.unwrap_or(0));
        done.push(name);
        order.push((fi, ii));
    }
    order.extend(kinds);
    order
}

fn collect_idents(expr: &Expr, out: &mut Vec<String>) {
    expr.visit(&mut |e| {
        if let ExprKind::Ident(name) = &e.kind {
            out.push(name.clone());
        }
    });
}

impl PolicySet {
    /// The kinds of records, in precedence order.
    pub fn record_kinds(&self) -> Vec<&KindDef> {
        self.kinds.iter().filter(|k| k.is_records()).collect()
    }

    /// The document kinds rules look up with `documents("kind")`: the run keeps those
    /// documents for cross-source checks.
    pub fn corpus_kinds(&self) -> Vec<String> {
        let mut kinds = Vec::new();
        for rule in &self.rules {
            visit_stmts(&rule.body, &mut |e| {
                if let ExprKind::Call { func, args } = &e.kind
                    && func.text == "documents"
                    && let Some(Arg {
                        value:
                            Expr {
                                kind: ExprKind::String(k),
                                ..
                            },
                        ..
                    }) = args.first()
                    && !kinds.contains(k)
                {
                    kinds.push(k.clone());
                }
            });
        }
        kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pack's patterns compile lazily (see [`pattern`]); loaded as if they were a user's
    /// policies, every one of them is compiled, so none can fail at its first use.
    #[test]
    fn every_pattern_of_the_pack_compiles() {
        let sources: Vec<PolicySource> = builtin_sources()
            .into_iter()
            .map(|s| PolicySource {
                name: s.name.replacen(BUILTIN_PREFIX, "pack/", 1),
                ..s
            })
            .collect();
        assert!(sources.iter().all(|s| !s.name.starts_with(BUILTIN_PREFIX)));
        if let Err(e) = load(&sources, &BTreeMap::new()) {
            panic!("the pack does not load when every pattern is compiled: {e:?}");
        }
    }
}
