//! The built-in library of the policy language: fields, methods and functions, each with its
//! signature (checked by the validator) and its implementation (run by the evaluator) side by
//! side, so the two cannot drift apart. This is also the source of the reference.
//!
//! Everything here is generic — documents, text, tables, money, validators. What a regulation
//! requires is written in policy source on top of these.

use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, LazyLock};

use chrono::{Datelike, NaiveDateTime};
use rust_decimal::Decimal;

use super::builtins::{dates, money, terms::TermMatcher, validators};
use super::types::Type;
use super::value::{LineSet, PartRef, Text, Value, line_of, part_title, row_cells};
use crate::model::Document;
use crate::model::normalize::normalize_label;
use crate::source::Span;

pub struct Param {
    pub name: &'static str,
    pub ty: Type,
    pub optional: bool,
}

fn req(name: &'static str, ty: Type) -> Param {
    Param {
        name,
        ty,
        optional: false,
    }
}

fn opt(name: &'static str, ty: Type) -> Param {
    Param {
        name,
        ty,
        optional: true,
    }
}

/// A function (`len(x)`) or a method (`document.part(names)`; the receiver is `args[0]`).
pub struct Callable {
    pub name: &'static str,
    pub params: Vec<Param>,
    pub ret: Type,
    pub doc: &'static str,
    pub run: fn(&[Value]) -> Value,
}

pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    pub doc: &'static str,
    pub get: fn(&Value) -> Value,
}

pub struct Library {
    pub functions: HashMap<&'static str, Callable>,
    /// Methods by receiver type name (`text`, `document`, …).
    pub methods: HashMap<&'static str, HashMap<&'static str, Callable>>,
    pub fields: HashMap<&'static str, HashMap<&'static str, Field>>,
}

/// The receiver-type key used in the method and field tables.
pub fn type_key(t: &Type) -> &'static str {
    match t {
        Type::Document => "document",
        Type::Part => "part",
        Type::Table => "table",
        Type::Row => "row",
        Type::Line => "line",
        Type::Match => "match",
        Type::Text => "text",
        Type::List(_) => "list",
        Type::Money | Type::Number => "number",
        Type::Date => "date",
        Type::DateTime => "datetime",
        Type::Record => "record",
        Type::Cell => "cell",
        Type::Records => "records",
        _ => "",
    }
}

/// The receiver-type key of a runtime value.
pub fn value_key(v: &Value) -> &'static str {
    match v {
        Value::Document(_) => "document",
        Value::Part(..) => "part",
        Value::Table(..) => "table",
        Value::Row(..) => "row",
        Value::Line(..) => "line",
        Value::Match(..) => "match",
        Value::Text(_) => "text",
        Value::List(_) => "list",
        Value::Money(_) | Value::Number(_) => "number",
        Value::Date(_) => "date",
        Value::DateTime(_) => "datetime",
        Value::Record(_) => "record",
        Value::Cell(..) => "cell",
        Value::Records(_) => "records",
        _ => "",
    }
}

pub static LIBRARY: LazyLock<Library> = LazyLock::new(build);

impl Library {
    /// A method for a receiver, falling back to text methods for text-like receivers.
    pub fn method(&self, on: &'static str, name: &str) -> Option<&Callable> {
        let get = |on: &str| self.methods.get(on).and_then(|m| m.get(name));
        get(on).or_else(|| {
            if matches!(on, "match" | "line" | "part" | "row" | "cell") {
                get("text")
            } else {
                None
            }
        })
    }

    pub fn field(&self, on: &'static str, name: &str) -> Option<&Field> {
        let get = |on: &str| self.fields.get(on).and_then(|m| m.get(name));
        get(on).or_else(|| {
            if matches!(on, "match" | "line" | "part" | "row" | "cell") {
                get("text")
            } else {
                None
            }
        })
    }

    /// All field names of a receiver type, for "did you mean".
    pub fn field_names(&self, on: &str) -> Vec<&'static str> {
        let mut names: Vec<_> = self
            .fields
            .get(on)
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    pub fn method_names(&self, on: &str) -> Vec<&'static str> {
        let mut names: Vec<_> = self
            .methods
            .get(on)
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default();
        names.sort();
        names
    }
}

fn build() -> Library {
    let mut lib = Library {
        functions: HashMap::default(),
        methods: HashMap::default(),
        fields: HashMap::default(),
    };
    let list_text = || Type::list(Type::Text);
    let mut func = |name, params, ret, doc, run| {
        lib.functions.insert(
            name,
            Callable {
                name,
                params,
                ret,
                doc,
                run,
            },
        );
    };

    // ---- functions ----------------------------------------------------------------------
    func(
        "len",
        vec![req("value", Type::Any)],
        Type::Number,
        "number of items in a list, or characters in a text",
        |a| match &a[0] {
            Value::List(l) => num(l.len()),
            Value::Map(m) => num(m.len()),
            Value::None => num(0),
            v => v
                .as_text()
                .map(|t| num(t.value.chars().count()))
                .unwrap_or(Value::None),
        },
    );
    func(
        "count",
        vec![req("list", Type::list(Type::Any))],
        Type::Number,
        "number of items in a list",
        |a| match &a[0] {
            Value::List(l) => num(l.len()),
            Value::None => num(0),
            _ => Value::None,
        },
    );
    func(
        "first",
        vec![req("list", Type::list(Type::Any))],
        Type::Any,
        "the first item of a list, or `none`",
        |a| list_items(&a[0]).first().cloned().unwrap_or(Value::None),
    );
    func(
        "last",
        vec![req("list", Type::list(Type::Any))],
        Type::Any,
        "the last item of a list, or `none`",
        |a| list_items(&a[0]).last().cloned().unwrap_or(Value::None),
    );
    func(
        "distinct",
        vec![req("list", Type::list(Type::Any))],
        Type::list(Type::Any),
        "the list without repeated items (first kept)",
        |a| {
            let mut out: Vec<Value> = Vec::new();
            for v in list_items(&a[0]) {
                if !out.iter().any(|o| super::value::equal(o, v)) {
                    out.push(v.clone());
                }
            }
            Value::list(out)
        },
    );
    func(
        "sum",
        vec![req("list", Type::list(Type::Number))],
        Type::Money,
        "exact decimal sum of numbers or amounts (`none` items are skipped)",
        |a| {
            let mut total = Decimal::ZERO;
            let mut any_money = false;
            for v in list_items(&a[0]) {
                match v {
                    Value::Number(n) => total += n,
                    Value::Money(m) => {
                        any_money = true;
                        total += m
                    }
                    _ => {}
                }
            }
            if any_money {
                Value::Money(total)
            } else {
                Value::Number(total)
            }
        },
    );
    func(
        "pairs",
        vec![req("list", Type::list(Type::Any))],
        Type::list(Type::list(Type::Any)),
        "consecutive pairs `[a, b]` of a list, for `for a, b in pairs(xs)`",
        |a| {
            let items = list_items(&a[0]);
            Value::list(items.windows(2).map(|w| Value::list(w.to_vec())).collect())
        },
    );
    func(
        "money",
        vec![req("text", Type::Text), opt("unit", Type::Number)],
        Type::Money,
        "the amount written in a text (`1.2万`, `¥3,000.00`, `800元`); unit-less numbers are multiplied by `unit`",
        |a| {
            let unit = match &a[1] {
                Value::Number(n) | Value::Money(n) => *n,
                _ => Decimal::ONE,
            };
            match &a[0] {
                Value::Money(m) => Value::Money(*m),
                Value::Number(n) => Value::Money(*n * unit),
                v => v
                    .as_text()
                    .and_then(|t| money::parse_money(&t.value, unit))
                    .map(Value::Money)
                    .unwrap_or(Value::None),
            }
        },
    );
    func(
        "amounts",
        vec![req("text", Type::Text)],
        Type::list(Type::Money),
        "every amount with a currency or unit in a text (`5 万元`, `¥50,000`)",
        |a| match a[0].as_text() {
            Some(t) => Value::list(
                money::find_amounts(&t.value)
                    .into_iter()
                    .map(|(_, d)| Value::Money(d))
                    .collect(),
            ),
            None => Value::list(Vec::new()),
        },
    );
    func(
        "unit_of",
        vec![req("header", Type::Text)],
        Type::Number,
        "the multiplier a column header's unit implies (`金额（万元）` → 10000), or 1",
        |a| {
            let unit = a[0]
                .as_text()
                .and_then(|t| money::unit_multiplier(&t.value))
                .unwrap_or(Decimal::ONE);
            Value::Number(unit)
        },
    );
    func(
        "number",
        vec![req("text", Type::Text)],
        Type::Number,
        "the first number in a text (`2场` → 2), or `none`",
        |a| match &a[0] {
            Value::Number(n) | Value::Money(n) => Value::Number(*n),
            v => v
                .as_text()
                .and_then(|t| first_number(&t.value))
                .map(Value::Number)
                .unwrap_or(Value::None),
        },
    );
    // Validators: text in, yes or no out.
    macro_rules! validator {
        ($name:literal, $doc:literal, $check:path) => {
            func(
                $name,
                vec![req("text", Type::Text)],
                Type::Bool,
                $doc,
                |a| text_pred(&a[0], $check),
            )
        };
    }
    validator!(
        "resident_id_valid",
        "a PRC resident ID number whose check digit and birth date are valid",
        validators::resident_id_valid
    );
    validator!(
        "luhn_valid",
        "digits that pass the Luhn check (bank cards)",
        validators::luhn_valid
    );
    validator!(
        "mobile_valid",
        "a Chinese mobile number",
        validators::chinese_mobile_valid
    );
    validator!(
        "landline_valid",
        "a Chinese landline number",
        validators::chinese_landline_valid
    );
    validator!("email_valid", "an e-mail address", validators::email_valid);
    func(
        "digits",
        vec![req("text", Type::Text)],
        Type::Text,
        "the digits of a text",
        |a| {
            a[0].as_text()
                .map(|t| Value::text(validators::digits_only(&t.value)))
                .unwrap_or(Value::None)
        },
    );
    func(
        "lower",
        vec![req("text", Type::Text)],
        Type::Text,
        "lower-cased text",
        |a| {
            a[0].as_text()
                .map(|t| Value::text(t.value.to_lowercase()))
                .unwrap_or(Value::None)
        },
    );
    func(
        "normalized",
        vec![req("text", Type::Text)],
        Type::Text,
        "text normalised as headings are for matching: numbering, punctuation and width removed, lower-cased",
        |a| {
            a[0].as_text()
                .map(|t| Value::text(normalize_label(&t.value)))
                .unwrap_or(Value::None)
        },
    );
    func(
        "join",
        vec![
            req("list", Type::list(Type::Any)),
            opt("separator", Type::Text),
        ],
        Type::Text,
        "the items as text, separated by `separator` (default `, `)",
        |a| {
            let sep = a[1]
                .as_text()
                .map(|t| t.value.to_string())
                .unwrap_or_else(|| ", ".into());
            let parts: Vec<String> = list_items(&a[0]).iter().map(|v| v.to_string()).collect();
            Value::text(parts.join(&sep))
        },
    );
    func(
        "terms",
        vec![req("terms", list_text()), opt("except", list_text())],
        Type::Terms,
        "a compiled term list for `find`: occurrences inside an `except` phrase don't count; ASCII terms match whole words",
        |a| {
            let terms = text_list(&a[0]);
            let except = text_list(&a[1]);
            Value::Terms(Arc::new(TermMatcher::new(&terms, &except)))
        },
    );

    // ---- typed values, dates and times --------------------------------------------------
    func(
        "date",
        vec![req("text", Type::Text)],
        Type::Date,
        "the date written in a text (`2026-11-30`, `2026/11/30`, `2026年11月30日`, an Excel serial number), or `none`",
        |a| match &a[0] {
            Value::Date(d) => Value::Date(*d),
            Value::DateTime(d) => Value::Date(d.date()),
            v => v
                .as_text()
                .and_then(|t| dates::parse_date(&t.value))
                .map(Value::Date)
                .unwrap_or(Value::None),
        },
    );
    func(
        "datetime",
        vec![req("text", Type::Text)],
        Type::DateTime,
        "the date and time written in a text (`2026-11-30 14:05`, `2026/11/30 14:05:09`); a date alone is midnight",
        |a| match &a[0] {
            Value::DateTime(d) => Value::DateTime(*d),
            Value::Date(d) => d
                .and_hms_opt(0, 0, 0)
                .map(Value::DateTime)
                .unwrap_or(Value::None),
            v => v
                .as_text()
                .and_then(|t| dates::parse_datetime(&t.value))
                .map(Value::DateTime)
                .unwrap_or(Value::None),
        },
    );
    func(
        "month",
        vec![req("text", Type::Text)],
        Type::Date,
        "the first day of the month written as `2026-10`, `2026/10`, `2026年10月`, or of a date's month",
        |a| match &a[0] {
            Value::Date(d) => d.with_day(1).map(Value::Date).unwrap_or(Value::None),
            v => v
                .as_text()
                .and_then(|t| {
                    // A month typed in Excel is stored as the 1st of the month.
                    dates::parse_month(&t.value)
                        .or_else(|| dates::parse_date(&t.value).filter(|d| d.day() == 1))
                })
                .map(Value::Date)
                .unwrap_or(Value::None),
        },
    );
    func(
        "year",
        vec![req("value", Type::Any)],
        Type::Number,
        "the year of a date, or the year written in a text (`2026`, `2026年`, `2026年度`)",
        |a| match &a[0] {
            Value::Date(d) => Value::Number(d.year().into()),
            Value::DateTime(d) => Value::Number(d.year().into()),
            v => v
                .as_text()
                .and_then(|t| dates::parse_year(&t.value))
                .map(|y| Value::Number(y.into()))
                .unwrap_or(Value::None),
        },
    );
    func(
        "day",
        vec![req("date", Type::Date)],
        Type::Number,
        "the day of the month (1–31)",
        |a| match &a[0] {
            Value::Date(d) => Value::Number(d.day().into()),
            Value::DateTime(d) => Value::Number(d.day().into()),
            _ => Value::None,
        },
    );
    func(
        "add_days",
        vec![req("date", Type::Date), req("days", Type::Number)],
        Type::Date,
        "the date (or date and time) `days` days later (earlier when negative)",
        |a| {
            let Some(n) = whole(&a[1]) else {
                return Value::None;
            };
            let delta = chrono::Duration::try_days(n);
            match (&a[0], delta) {
                (Value::Date(d), Some(delta)) => d
                    .checked_add_signed(delta)
                    .map(Value::Date)
                    .unwrap_or(Value::None),
                (Value::DateTime(d), Some(delta)) => d
                    .checked_add_signed(delta)
                    .map(Value::DateTime)
                    .unwrap_or(Value::None),
                _ => Value::None,
            }
        },
    );
    func(
        "add_months",
        vec![req("date", Type::Date), req("months", Type::Number)],
        Type::Date,
        "the date `months` calendar months later (the day is kept, or the month's last day)",
        |a| {
            let (Value::Date(d), Some(n)) = (&a[0], whole(&a[1])) else {
                return Value::None;
            };
            let months = chrono::Months::new(n.unsigned_abs() as u32);
            let moved = if n >= 0 {
                d.checked_add_months(months)
            } else {
                d.checked_sub_months(months)
            };
            moved.map(Value::Date).unwrap_or(Value::None)
        },
    );
    func(
        "days_between",
        vec![req("from", Type::Date), req("to", Type::Date)],
        Type::Number,
        "whole days from `from` to `to` (negative when `to` is earlier)",
        |a| match (as_datetime(&a[0]), as_datetime(&a[1])) {
            (Some(x), Some(y)) => Value::Number((y - x).num_days().into()),
            _ => Value::None,
        },
    );
    func(
        "hours_between",
        vec![req("from", Type::DateTime), req("to", Type::DateTime)],
        Type::Number,
        "exact hours (with fractions) from `from` to `to`; dates count as midnight",
        |a| match (as_datetime(&a[0]), as_datetime(&a[1])) {
            (Some(x), Some(y)) => {
                Value::Number(Decimal::from((y - x).num_seconds()) / Decimal::from(3600))
            }
            _ => Value::None,
        },
    );
    func(
        "end_of_day",
        vec![req("date", Type::Date)],
        Type::DateTime,
        "the date at 23:59:59",
        |a| match &a[0] {
            Value::Date(d) => d
                .and_hms_opt(23, 59, 59)
                .map(Value::DateTime)
                .unwrap_or(Value::None),
            Value::DateTime(d) => d
                .date()
                .and_hms_opt(23, 59, 59)
                .map(Value::DateTime)
                .unwrap_or(Value::None),
            _ => Value::None,
        },
    );
    func(
        "round",
        vec![req("number", Type::Number), opt("digits", Type::Number)],
        Type::Number,
        "the number rounded to `digits` decimal places (default 0), half away from zero",
        |a| {
            let digits = whole(&a[1]).unwrap_or(0).clamp(0, 10) as u32;
            let strategy = rust_decimal::RoundingStrategy::MidpointAwayFromZero;
            match &a[0] {
                Value::Number(n) => Value::Number(n.round_dp_with_strategy(digits, strategy)),
                Value::Money(n) => Value::Money(n.round_dp_with_strategy(digits, strategy)),
                _ => Value::None,
            }
        },
    );
    func(
        "boolean",
        vec![req("text", Type::Text)],
        Type::Bool,
        "yes/no written as 是/否, yes/no, true/false, 1/0, Y/N (case-insensitive), or `none`",
        |a| match &a[0] {
            Value::Bool(b) => Value::Bool(*b),
            v => v
                .as_text()
                .and_then(|t| dates::parse_bool(&t.value))
                .map(Value::Bool)
                .unwrap_or(Value::None),
        },
    );
    func(
        "first_seen",
        vec![req("key", Type::Text), req("row", Type::Record)],
        Type::Map(Box::new(Type::Number)),
        "for duplicates: `none` the first time a key is seen (the key is remembered with `row`), else `{row, line}` of the record that had it first; empty keys are never duplicates",
        |_| Value::None,
    );
    func(
        "documents",
        vec![req("kind", Type::Text)],
        Type::list(Type::Document),
        "the documents of a kind checked in this run (for rules that compare records with documents)",
        |_| Value::None,
    );

    // ---- methods ------------------------------------------------------------------------
    let mut method = |on, name, params: Vec<Param>, ret, doc, run| {
        let mut all = vec![req("self", Type::Any)];
        all.extend(params);
        lib.methods.entry(on).or_default().insert(
            name,
            Callable {
                name,
                params: all,
                ret,
                doc,
                run,
            },
        );
    };
    method(
        "records",
        "has",
        vec![req("column", Type::Text)],
        Type::Bool,
        "whether the table has the named column",
        |a| match (&a[0], a[1].as_text()) {
            (Value::Records(l), Some(c)) => Value::Bool(l.columns.contains_key(&*c.value)),
            _ => Value::Bool(false),
        },
    );
    method(
        "record",
        "cell",
        vec![req("column", Type::Text)],
        Type::Cell,
        "the cell of a named column (`none` when the table has no such column)",
        |a| match (&a[0], a[1].as_text()) {
            (Value::Record(r), Some(c)) => r.field(&c.value),
            _ => Value::None,
        },
    );
    method(
        "cell",
        "column",
        vec![],
        Type::Text,
        "the header of the cell's column, as written",
        |a| match &a[0] {
            Value::Cell(r, c) => {
                let c = *c;
                r.layout
                    .table
                    .header
                    .get(c)
                    .map(|h| Value::text(h.as_str()))
                    .unwrap_or(Value::None)
            }
            _ => Value::None,
        },
    );
    method(
        "document",
        "part",
        vec![req("names", list_text()), opt("columns", Type::Bool)],
        Type::Part,
        "the heading, labelled line or key–value table row whose normalised text contains one of `names` (the first non-empty one), or `none`; with `columns: true` a table column header counts too",
        |a| match &a[0] {
            Value::Document(d) => {
                let found = find_parts_with(d, &a[1], a[2].truthy());
                found
                    .iter()
                    .copied()
                    .find(|p| !part_empty(d, *p))
                    .or(found.first().copied())
                    .map(|p| Value::Part(d.clone(), p))
                    .unwrap_or(Value::None)
            }
            _ => Value::None,
        },
    );
    method(
        "document",
        "parts",
        vec![req("names", list_text()), opt("columns", Type::Bool)],
        Type::list(Type::Part),
        "every heading, labelled line or key–value row (and with `columns: true` table column) whose normalised text contains one of `names`",
        |a| match &a[0] {
            Value::Document(d) => Value::list(
                find_parts_with(d, &a[1], a[2].truthy())
                    .into_iter()
                    .map(|p| Value::Part(d.clone(), p))
                    .collect(),
            ),
            _ => Value::None,
        },
    );
    method(
        "document",
        "heading",
        vec![req("names", list_text())],
        Type::Part,
        "the first heading whose normalised text contains one of `names`, or `none`",
        |a| match &a[0] {
            Value::Document(d) => find_parts(d, &a[1])
                .into_iter()
                .find(|p| matches!(p, PartRef::Heading(_)))
                .map(|p| Value::Part(d.clone(), p))
                .unwrap_or(Value::None),
            _ => Value::None,
        },
    );
    method(
        "document",
        "label",
        vec![req("names", list_text())],
        Type::Part,
        "the first labelled line whose label contains one of `names`, or `none`",
        |a| match &a[0] {
            Value::Document(d) => find_parts(d, &a[1])
                .into_iter()
                .find(|p| matches!(p, PartRef::Label(_)))
                .map(|p| Value::Part(d.clone(), p))
                .unwrap_or(Value::None),
            _ => Value::None,
        },
    );
    method(
        "document",
        "find",
        vec![req("pattern", Type::Any), opt("standalone", Type::Bool)],
        Type::list(Type::Match),
        "every occurrence of a pattern or term list in the document's prose (code blocks and front matter excluded); with `standalone: true` a match must not touch an ASCII letter or digit",
        |a| match &a[0] {
            Value::Document(d) => {
                let standalone = a[2].truthy();
                let mut out = Vec::new();
                for range in &d.prose {
                    let text = d.source.slice(*range);
                    for span in search(&a[1], text, standalone) {
                        out.push(Value::Match(
                            d.clone(),
                            Span::new(range.start + span.start, range.start + span.end),
                        ));
                    }
                }
                Value::list(out)
            }
            _ => Value::None,
        },
    );
    method(
        "document",
        "first_lines",
        vec![req("n", Type::Number)],
        Type::list(Type::Line),
        "the first `n` non-empty lines",
        |a| match (&a[0], &a[1]) {
            (Value::Document(d), Value::Number(n)) => {
                let n = usize::try_from(n.trunc().mantissa()).unwrap_or(0);
                Value::list(
                    (0..d.lines.len().min(n))
                        .map(|i| Value::Line(d.clone(), LineSet::Body, i))
                        .collect(),
                )
            }
            _ => Value::None,
        },
    );
    method(
        "table",
        "columns",
        vec![req("names", list_text())],
        Type::list(Type::Number),
        "the indexes of all columns whose header contains one of `names`, in the order of the names",
        |a| match &a[0] {
            Value::Table(d, t) => {
                let Some(table) = d.tables.get(*t) else {
                    return Value::None;
                };
                let headers: Vec<String> = table
                    .header
                    .iter()
                    .map(|h| normalize_label(&h.text))
                    .collect();
                let mut out: Vec<usize> = Vec::new();
                for name in text_list(&a[1]) {
                    let name = normalized_name(&name);
                    if name.is_empty() {
                        continue;
                    }
                    for (i, h) in headers.iter().enumerate() {
                        if h.contains(&name) && !out.contains(&i) {
                            out.push(i);
                        }
                    }
                }
                Value::list(out.into_iter().map(num).collect())
            }
            _ => Value::None,
        },
    );
    method(
        "text",
        "compact",
        vec![],
        Type::Text,
        "the text width-folded and lower-cased, with all white space removed (`合　计` → `合计`)",
        |a| {
            a[0].as_text()
                .map(|t| {
                    let folded = crate::model::normalize::fold_width(&t.value);
                    Value::text(
                        folded
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .collect::<String>(),
                    )
                })
                .unwrap_or(Value::None)
        },
    );
    method(
        "table",
        "column",
        vec![req("names", list_text())],
        Type::Number,
        "the index of the first column whose header contains one of `names` (tried in the order given), or `none`",
        |a| match &a[0] {
            Value::Table(d, t) => {
                let Some(table) = d.tables.get(*t) else {
                    return Value::None;
                };
                let headers: Vec<String> = table
                    .header
                    .iter()
                    .map(|h| normalize_label(&h.text))
                    .collect();
                for name in text_list(&a[1]) {
                    let name = normalized_name(&name);
                    if name.is_empty() {
                        continue;
                    }
                    if let Some(i) = headers.iter().position(|h| h.contains(&name)) {
                        return num(i);
                    }
                }
                Value::None
            }
            _ => Value::None,
        },
    );
    method(
        "text",
        "contains_any",
        vec![req("needles", list_text())],
        Type::Bool,
        "whether the text contains one of the needles (case-insensitive, full-width folded)",
        |a| text_any(&a[0], &a[1], |h, n| h.contains(n)),
    );
    method(
        "text",
        "starts_with_any",
        vec![req("prefixes", list_text())],
        Type::Bool,
        "whether the text starts with one of the prefixes (case-insensitive, full-width folded)",
        |a| text_any(&a[0], &a[1], |h, n| h.starts_with(n)),
    );
    method(
        "text",
        "ends_with_any",
        vec![req("suffixes", list_text())],
        Type::Bool,
        "whether the text ends with one of the suffixes (case-insensitive, full-width folded)",
        |a| text_any(&a[0], &a[1], |h, n| h.ends_with(n)),
    );
    method(
        "text",
        "find",
        vec![req("pattern", Type::Any), opt("standalone", Type::Bool)],
        Type::list(Type::Match),
        "every occurrence of a pattern or term list in the text",
        |a| {
            let Some(t) = a[0].as_text() else {
                return Value::None;
            };
            let spans = search(&a[1], &t.value, a[2].truthy());
            Value::list(
                spans
                    .into_iter()
                    .map(|s| {
                        let piece = t.value.get(s.range()).unwrap_or("");
                        match t.origin {
                            Some(o) => {
                                Value::Text(Text::slice(piece, Span::new(o + s.start, o + s.end)))
                            }
                            None => Value::Text(Text {
                                value: piece.into(),
                                span: t.span,
                                origin: None,
                            }),
                        }
                    })
                    .collect(),
            )
        },
    );
    method(
        "text",
        "trim",
        vec![],
        Type::Text,
        "the text without surrounding white space",
        |a| {
            a[0].as_text()
                .map(|t| {
                    Value::Text(Text {
                        value: t.value.trim().into(),
                        ..t
                    })
                })
                .unwrap_or(Value::None)
        },
    );

    // ---- fields -------------------------------------------------------------------------
    let mut field = |on, name, ty, doc, get| {
        lib.fields
            .entry(on)
            .or_default()
            .insert(name, Field { name, ty, doc, get });
    };
    field(
        "document",
        "title",
        Type::Text,
        "the first heading, else the first non-empty line",
        |v| match v {
            Value::Document(d) => d
                .title
                .as_ref()
                .map(|t| Value::Text(Text::spanned(t.text.as_str(), t.span)))
                .unwrap_or(Value::None),
            _ => Value::None,
        },
    );
    field(
        "document",
        "name",
        Type::Text,
        "the file name",
        |v| match v {
            Value::Document(d) => Value::text(d.name().rsplit('/').next().unwrap_or(d.name())),
            _ => Value::None,
        },
    );
    field(
        "document",
        "path",
        Type::Text,
        "the path as reported",
        |v| match v {
            Value::Document(d) => Value::text(d.name()),
            _ => Value::None,
        },
    );
    field(
        "document",
        "format",
        Type::Text,
        "`markdown`, `text` or `docx`",
        |v| match v {
            Value::Document(d) => Value::text(d.format.name()),
            _ => Value::None,
        },
    );
    field(
        "document",
        "headings",
        Type::list(Type::Part),
        "all headings in order",
        |v| match v {
            Value::Document(d) => Value::list(
                (0..d.headings.len())
                    .map(|i| Value::Part(d.clone(), PartRef::Heading(i)))
                    .collect(),
            ),
            _ => Value::None,
        },
    );
    field(
        "document",
        "labels",
        Type::list(Type::Part),
        "all labelled lines (`预算：5 万元`) in order",
        |v| match v {
            Value::Document(d) => Value::list(
                (0..d.labels.len())
                    .map(|i| Value::Part(d.clone(), PartRef::Label(i)))
                    .collect(),
            ),
            _ => Value::None,
        },
    );
    field(
        "document",
        "tables",
        Type::list(Type::Table),
        "all tables in order",
        |v| match v {
            Value::Document(d) => Value::list(
                (0..d.tables.len())
                    .map(|i| Value::Table(d.clone(), i))
                    .collect(),
            ),
            _ => Value::None,
        },
    );
    field(
        "document",
        "lines",
        Type::list(Type::Line),
        "all non-empty content lines (code blocks excluded)",
        |v| lines_of(v, LineSet::Body),
    );
    field(
        "document",
        "header",
        Type::list(Type::Line),
        "page header paragraphs (.docx)",
        |v| lines_of(v, LineSet::Header),
    );
    field(
        "document",
        "footer",
        Type::list(Type::Line),
        "page footer paragraphs (.docx)",
        |v| lines_of(v, LineSet::Footer),
    );
    field(
        "document",
        "front_matter",
        Type::Map(Box::new(Type::Text)),
        "front matter keys (lower-cased) and values",
        |v| match v {
            Value::Document(d) => Value::Map(Arc::new(
                d.front_matter
                    .iter()
                    .map(|(k, s)| {
                        (
                            Arc::from(k.as_str()),
                            Value::Text(Text::spanned(s.text.as_str(), s.span)),
                        )
                    })
                    .collect(),
            )),
            _ => Value::None,
        },
    );
    field(
        "part",
        "title",
        Type::Text,
        "the heading text, or the label of a labelled line",
        |v| match v {
            Value::Part(d, p) => part_title(d, *p).map(Value::Text).unwrap_or(Value::None),
            _ => Value::None,
        },
    );
    field(
        "part",
        "text",
        Type::Text,
        "the section's body, or the labelled line's value",
        |v| match v {
            Value::Part(d, p) => {
                let range = part_body(d, *p);
                let text = d.source.slice(range);
                let trimmed = text.trim();
                let start = range.start + (text.len() - text.trim_start().len());
                Value::Text(Text::slice(
                    trimmed,
                    Span::new(start, start + trimmed.len()),
                ))
            }
            _ => Value::None,
        },
    );
    field(
        "part",
        "empty",
        Type::Bool,
        "nothing stands under the heading (or after the label)",
        |v| match v {
            Value::Part(d, p) => Value::Bool(part_empty(d, *p)),
            _ => Value::None,
        },
    );
    field(
        "part",
        "is_label",
        Type::Bool,
        "the part is a labelled line, not a heading",
        |v| match v {
            Value::Part(_, p) => Value::Bool(matches!(p, PartRef::Label(_))),
            _ => Value::None,
        },
    );
    field(
        "part",
        "column",
        Type::Number,
        "for a table column part: the column's index (for `row[part.column]`); else `none`",
        |v| match v {
            Value::Part(_, PartRef::Column(_, c)) => num(*c),
            _ => Value::None,
        },
    );
    field(
        "part",
        "level",
        Type::Number,
        "heading level (1 = top); labels have none",
        |v| match v {
            Value::Part(d, PartRef::Heading(i)) => d
                .headings
                .get(*i)
                .map(|h| num(h.level as usize))
                .unwrap_or(Value::None),
            _ => Value::None,
        },
    );
    field(
        "part",
        "tables",
        Type::list(Type::Table),
        "tables inside the section (or under the label)",
        |v| match v {
            Value::Part(d, p) => Value::list(
                part_tables(d, *p)
                    .into_iter()
                    .map(|i| Value::Table(d.clone(), i))
                    .collect(),
            ),
            _ => Value::None,
        },
    );
    field(
        "part",
        "line",
        Type::Number,
        "1-based line number",
        line_number,
    );
    field(
        "match",
        "line",
        Type::Number,
        "1-based line number",
        line_number,
    );
    field(
        "row",
        "line",
        Type::Number,
        "1-based line number",
        line_number,
    );
    field(
        "table",
        "line",
        Type::Number,
        "1-based line number",
        line_number,
    );
    field(
        "line",
        "line",
        Type::Number,
        "1-based line number",
        line_number,
    );
    field(
        "line",
        "kind",
        Type::Text,
        "`heading`, `prose`, `list`, `table` or `quote`",
        |v| match v {
            Value::Line(d, set, i) => line_of(d, *set, *i)
                .map(|l| {
                    Value::text(match l.kind {
                        crate::model::LineKind::Heading => "heading",
                        crate::model::LineKind::Prose => "prose",
                        crate::model::LineKind::ListItem => "list",
                        crate::model::LineKind::TableRow => "table",
                        crate::model::LineKind::Quote => "quote",
                    })
                })
                .unwrap_or(Value::None),
            _ => Value::None,
        },
    );
    field(
        "part",
        "lines",
        Type::list(Type::Line),
        "content lines inside the section",
        |v| match v {
            Value::Part(d, p) => {
                let range = part_body(d, *p);
                Value::list(
                    d.lines
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| l.span.start >= range.start && l.span.start < range.end)
                        .map(|(i, _)| Value::Line(d.clone(), LineSet::Body, i))
                        .collect(),
                )
            }
            _ => Value::None,
        },
    );
    field(
        "table",
        "header",
        Type::Row,
        "the header row",
        |v| match v {
            Value::Table(d, t) => Value::Row(d.clone(), *t, None),
            _ => Value::None,
        },
    );
    field(
        "table",
        "rows",
        Type::list(Type::Row),
        "the body rows",
        |v| match v {
            Value::Table(d, t) => Value::list(
                (0..d.tables.get(*t).map(|t| t.rows.len()).unwrap_or(0))
                    .map(|r| Value::Row(d.clone(), *t, Some(r)))
                    .collect(),
            ),
            _ => Value::None,
        },
    );
    field(
        "row",
        "cells",
        Type::list(Type::Text),
        "the row's cells",
        |v| match v {
            Value::Row(d, t, r) => Value::list(
                row_cells(d, *t, *r)
                    .unwrap_or(&[])
                    .iter()
                    .map(|c| Value::Text(Text::spanned(c.text.as_str(), c.span)))
                    .collect(),
            ),
            _ => Value::None,
        },
    );
    field(
        "row",
        "blank",
        Type::Bool,
        "every cell is empty",
        |v| match v {
            Value::Row(d, t, r) => Value::Bool(
                row_cells(d, *t, *r)
                    .unwrap_or(&[])
                    .iter()
                    .all(|c| c.text.trim().is_empty()),
            ),
            _ => Value::None,
        },
    );
    field(
        "match",
        "after",
        Type::Text,
        "the text right after the match, to the end of its line",
        |v| match v {
            Value::Match(d, s) => {
                let rest = d.text().get(s.end..).unwrap_or("");
                let line = rest.split('\n').next().unwrap_or("");
                Value::Text(Text::slice(line, Span::new(s.end, s.end + line.len())))
            }
            _ => Value::None,
        },
    );
    field(
        "match",
        "before",
        Type::Text,
        "the text right before the match, from the start of its line",
        |v| match v {
            Value::Match(d, s) => {
                let head = d.text().get(..s.start).unwrap_or("");
                let line = head.rsplit('\n').next().unwrap_or("");
                Value::Text(Text::slice(line, Span::new(s.start - line.len(), s.start)))
            }
            _ => Value::None,
        },
    );
    field(
        "match",
        "line_text",
        Type::Text,
        "the whole line the match stands on",
        |v| match v {
            Value::Match(d, s) => {
                let i = d.source.line_index(s.start);
                let span = d.source.line_span(i);
                Value::Text(Text::slice(d.source.slice(span), span))
            }
            _ => Value::None,
        },
    );
    field(
        "text",
        "text",
        Type::Text,
        "the text itself (without markup)",
        |v| v.as_text().map(Value::Text).unwrap_or(Value::None),
    );
    field(
        "record",
        "row",
        Type::Number,
        "the record's 1-based index among the data rows",
        |v| match v {
            Value::Record(r) => num(r.row.place.row),
            _ => Value::None,
        },
    );
    field(
        "record",
        "line",
        Type::Number,
        "the line (or sheet row) where the record starts",
        |v| match v {
            Value::Record(r) => num(r.row.place.line),
            _ => Value::None,
        },
    );
    field(
        "records",
        "columns",
        Type::list(Type::Text),
        "the named columns the table has",
        |v| match v {
            Value::Records(l) => {
                let mut names: Vec<(&usize, &String)> =
                    l.columns.iter().map(|(n, c)| (c, n)).collect();
                names.sort();
                Value::list(
                    names
                        .into_iter()
                        .map(|(_, n)| Value::text(n.as_str()))
                        .collect(),
                )
            }
            _ => Value::None,
        },
    );
    field(
        "records",
        "sheet",
        Type::Text,
        "the sheet's name (spreadsheets)",
        |v| match v {
            Value::Records(l) => l
                .table
                .sheet
                .as_deref()
                .map(Value::text)
                .unwrap_or(Value::None),
            _ => Value::None,
        },
    );
    field(
        "document",
        "text",
        Type::Text,
        "the whole text of the document",
        |v| match v {
            Value::Document(d) => Value::Text(Text::plain(d.text())),
            _ => Value::None,
        },
    );
    lib
}

fn num(n: usize) -> Value {
    Value::Number(Decimal::from(n))
}

fn list_items(v: &Value) -> &[Value] {
    match v {
        Value::List(l) => l.as_slice(),
        _ => &[],
    }
}

/// A text or a list of texts, as plain strings.
pub fn text_list(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l
            .iter()
            .filter_map(|x| x.as_text())
            .map(|t| t.value.to_string())
            .collect(),
        Value::None => Vec::new(),
        other => other
            .as_text()
            .map(|t| vec![t.value.to_string()])
            .unwrap_or_default(),
    }
}

fn text_pred(v: &Value, pred: fn(&str) -> bool) -> Value {
    v.as_text()
        .map(|t| Value::Bool(pred(t.value.trim())))
        .unwrap_or(Value::None)
}

fn text_any(hay: &Value, needles: &Value, test: fn(&str, &str) -> bool) -> Value {
    let Some(h) = hay.as_text() else {
        return Value::Bool(false);
    };
    let h = crate::model::normalize::fold_width(h.value.trim());
    Value::Bool(
        text_list(needles)
            .iter()
            .map(|n| crate::model::normalize::fold_width(n))
            .any(|n| !n.is_empty() && test(&h, &n)),
    )
}

fn first_number(s: &str) -> Option<Decimal> {
    let folded = crate::model::normalize::fold_width(s);
    let start = folded.find(|c: char| c.is_ascii_digit())?;
    let negative = folded[..start].ends_with('-');
    let num: String = folded[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    let n: Decimal = num.trim_end_matches('.').parse().ok()?;
    Some(if negative { -n } else { n })
}

fn lines_of(v: &Value, set: LineSet) -> Value {
    match v {
        Value::Document(d) => {
            let n = match set {
                LineSet::Body => d.lines.len(),
                LineSet::Header => d.header.len(),
                LineSet::Footer => d.footer.len(),
            };
            Value::list(
                (0..n)
                    .filter(|i| line_of(d, set, *i).is_some())
                    .map(|i| Value::Line(d.clone(), set, i))
                    .collect(),
            )
        }
        _ => Value::None,
    }
}

/// Byte spans (relative to `text`) of a pattern's or term list's matches.
fn search(pattern: &Value, text: &str, standalone: bool) -> Vec<Span> {
    let mut out = Vec::new();
    match pattern {
        Value::Regex(pattern) => {
            let re = pattern.regex();
            let mut at = 0;
            while at <= text.len() {
                let Some(m) = re.find_at(text, at) else { break };
                if !standalone || isolated(text, m.start(), m.end()) {
                    if m.end() > m.start() {
                        out.push(Span::new(m.start(), m.end()));
                    }
                    at = if m.end() > m.start() {
                        m.end()
                    } else {
                        next_char(text, m.end())
                    };
                } else {
                    at = next_char(text, m.start());
                }
            }
        }
        Value::Terms(t) => out.extend(t.find(text).into_iter().map(|h| h.span)),
        Value::List(_) | Value::Text(_) => {
            let terms = TermMatcher::new(&text_list(pattern), &[]);
            out.extend(terms.find(text).into_iter().map(|h| h.span));
        }
        _ => {}
    }
    out
}

fn next_char(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|r| r.chars().next())
        .map(|c| at + c.len_utf8())
        .unwrap_or(text.len() + 1)
}

fn isolated(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(|c| c.is_ascii_alphanumeric())
        && !after.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Parts whose normalised name contains one of the names, in document order: headings (the
/// title excepted: it names the document, not a part), labelled lines, rows of two-column
/// key–value tables, and table columns.
fn find_parts(d: &Document, names: &Value) -> Vec<PartRef> {
    find_parts_with(d, names, false)
}

/// A name a policy looks parts up by, normalised like a heading. The same few hundred names
/// are looked up in every document, so each thread remembers what they normalise to.
fn normalized_name(name: &str) -> String {
    thread_local! {
        static NORMALIZED: std::cell::RefCell<HashMap<Box<str>, Box<str>>> =
            std::cell::RefCell::new(HashMap::default());
    }
    NORMALIZED.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(n) = memo.get(name) {
            return n.to_string();
        }
        let n = normalize_label(name);
        // Names are policy constants; a policy that builds them from text cannot grow this
        // without bound.
        if memo.len() >= 4096 {
            memo.clear();
        }
        memo.insert(name.into(), n.as_str().into());
        n
    })
}

/// Parts as [`find_parts`]; `columns`: table column headers count as parts too (§4 accepts
/// only headings and labelled lines, so rules opt in where a table states the part).
fn find_parts_with(d: &Document, names: &Value, columns: bool) -> Vec<PartRef> {
    let names: Vec<String> = text_list(names)
        .iter()
        .map(|n| normalized_name(n))
        .filter(|n| !n.is_empty())
        .collect();
    let hit = |text: &str| names.iter().any(|n| text.contains(n.as_str()));
    let title_span = d.title.as_ref().map(|t| t.span);
    let mut found: Vec<(usize, PartRef)> = Vec::new();
    for (i, h) in d.headings.iter().enumerate() {
        if Some(h.text.span) != title_span && hit(&h.normalized) {
            found.push((h.text.span.start, PartRef::Heading(i)));
        }
    }
    for (i, l) in d.labels.iter().enumerate() {
        if hit(&l.normalized) {
            found.push((l.line.span.start, PartRef::Label(i)));
        }
    }
    for (t, table) in d.tables.iter().enumerate() {
        if columns {
            for (c, cell) in table.header.iter().enumerate() {
                if hit(&normalize_label(&cell.text)) {
                    found.push((cell.span.start, PartRef::Column(t, c)));
                }
            }
        }
        // A key–value table: two columns, or three with an index column first (`序号`).
        let indexed = table.header.len() == 3
            && table.header.first().is_some_and(|h| {
                let h = normalize_label(&h.text);
                h.is_empty() || ["序号", "编号", "序", "no", "#", "item"].contains(&h.as_str())
            });
        let key_col = usize::from(indexed);
        if table.header.len() == 2 || indexed {
            for r in std::iter::once(None).chain((0..table.rows.len()).map(Some)) {
                let Some(cells) = row_cells(d, t, r) else {
                    continue;
                };
                let (Some(key), Some(value)) = (cells.get(key_col), cells.get(key_col + 1)) else {
                    continue;
                };
                // `| 场地租赁 | 5,000 |` is a budget line, not a statement of the place.
                let is_amount = money::parse_money(&value.text, Decimal::ONE).is_some();
                if !is_amount && hit(&normalize_label(&key.text)) {
                    found.push((key.span.start, PartRef::Row(t, r, key_col)));
                }
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.dedup_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, p)| p).collect()
}

/// The body of a part: a section's text, a label's value (or, when the value is empty, what
/// follows the label up to the next heading or label), a key–value row's value cell, or a
/// column's cells.
fn part_body(d: &Document, p: PartRef) -> Span {
    match p {
        PartRef::Heading(i) => d
            .headings
            .get(i)
            .map(|h| Span::new(h.body_start, h.section_end))
            .unwrap_or_default(),
        PartRef::Label(i) => {
            let Some(l) = d.labels.get(i) else {
                return Span::default();
            };
            if !l.value.text.trim().is_empty() {
                return l.value.span;
            }
            let start = l.line.span.end;
            let next_heading = d
                .headings
                .iter()
                .map(|h| h.text.span.start)
                .filter(|s| *s > start);
            let next_label = d
                .labels
                .iter()
                .map(|l| l.line.span.start)
                .filter(|s| *s > start);
            let end = next_heading
                .chain(next_label)
                .min()
                .unwrap_or(d.text().len());
            Span::new(start, end)
        }
        PartRef::Row(t, r, k) => row_cells(d, t, r)
            .and_then(|cells| {
                let rest = cells.get(k + 1..)?;
                Some(rest.first()?.span.join(rest.last()?.span))
            })
            .unwrap_or_default(),
        PartRef::Column(t, c) => d
            .tables
            .get(t)
            .and_then(|table| {
                let cells: Vec<Span> = table
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|c| c.span)
                    .collect();
                Some(cells.first()?.join(*cells.last()?))
            })
            .unwrap_or_default(),
    }
}

fn part_empty(d: &Document, p: PartRef) -> bool {
    match p {
        PartRef::Heading(i) => d.headings.get(i).is_none_or(|h| h.empty),
        PartRef::Column(t, c) => d.tables.get(t).is_none_or(|table| {
            table
                .rows
                .iter()
                .all(|r| r.get(c).is_none_or(|cell| cell.text.trim().is_empty()))
        }),
        PartRef::Row(t, r, k) => row_cells(d, t, r)
            .is_none_or(|cells| cells.iter().skip(k + 1).all(|c| c.text.trim().is_empty())),
        PartRef::Label(_) => d.source.slice(part_body(d, p)).trim().is_empty(),
    }
}

/// Tables inside a part: those within a section or after a label; the table of a row or column.
fn part_tables(d: &Document, p: PartRef) -> Vec<usize> {
    match p {
        PartRef::Row(t, ..) | PartRef::Column(t, _) => vec![t],
        _ => {
            let range = part_body(d, p);
            d.tables
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    t.span.start >= range.start && t.span.start < range.end.max(range.start + 1)
                })
                .map(|(i, _)| i)
                .collect()
        }
    }
}

/// 1-based line number of a value's place.
fn line_number(v: &Value) -> Value {
    let doc = match v {
        Value::Part(d, _)
        | Value::Match(d, _)
        | Value::Line(d, ..)
        | Value::Row(d, ..)
        | Value::Table(d, _) => d,
        _ => return Value::None,
    };
    v.span()
        .map(|s| num(doc.source.position(s.start).line))
        .unwrap_or(Value::None)
}

/// For `row[i]`: the cell at column `i` as text (with its span), or `none`.
pub fn row_cell(v: &Value, i: usize) -> Value {
    match v {
        Value::Row(d, t, r) => row_cells(d, *t, *r)
            .and_then(|cells| cells.get(i))
            .map(|c| Value::Text(Text::spanned(c.text.as_str(), c.span)))
            .unwrap_or(Value::None),
        _ => Value::None,
    }
}

/// A whole number argument.
fn whole(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) | Value::Money(n) if n.fract().is_zero() => i64::try_from(*n).ok(),
        _ => None,
    }
}

fn as_datetime(v: &Value) -> Option<NaiveDateTime> {
    match v {
        Value::DateTime(d) => Some(*d),
        Value::Date(d) => d.and_hms_opt(0, 0, 0),
        _ => None,
    }
}
