//! Runtime values of the policy language.
//!
//! Values are cheap to clone (everything large sits behind an `Arc`) and `Send + Sync`, so
//! documents can be checked in parallel against one compiled policy set. Document parts are
//! referenced by index into their `Arc<Document>` rather than copied.

use std::fmt;
use std::sync::Arc;

use crate::policy::pattern::Pattern;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use super::builtins::money::format_money;
use super::builtins::terms::TermMatcher;
use super::records::{Layout, RecordRef};
use crate::model::Document;
use crate::source::Span;

/// Text, possibly with the place in the checked document it came from.
#[derive(Clone, Debug)]
pub struct Text {
    pub value: Arc<str>,
    /// Where to point a diagnostic about this text.
    pub span: Option<Span>,
    /// Byte offset of `value` in the document source, when `value` is an exact slice of it,
    /// so that searches inside the text yield spans.
    pub origin: Option<usize>,
}

impl Text {
    pub fn plain(s: impl Into<Arc<str>>) -> Text {
        Text {
            value: s.into(),
            span: None,
            origin: None,
        }
    }

    pub fn spanned(s: impl Into<Arc<str>>, span: Span) -> Text {
        Text {
            value: s.into(),
            span: Some(span),
            origin: None,
        }
    }

    /// An exact slice of the source: spans of sub-matches can be computed.
    pub fn slice(s: &str, span: Span) -> Text {
        Text {
            value: s.into(),
            span: Some(span),
            origin: Some(span.start),
        }
    }
}

/// Which list of lines a [`Value::Line`] indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineSet {
    Body,
    Header,
    Footer,
}

/// A heading section or a labelled line, seen as a part of the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartRef {
    Heading(usize),
    Label(usize),
    /// A row of a key–value table (`| 活动主题 | 双十一 |`): table, row (`None` is the header
    /// row), and the key's column (1 when an index column `序号` comes first).
    Row(usize, Option<usize>, usize),
    /// A table column, named by its header cell.
    Column(usize, usize),
}

#[derive(Clone, Debug)]
pub enum Value {
    None,
    Bool(bool),
    Number(Decimal),
    Money(Decimal),
    Date(NaiveDate),
    Text(Text),
    List(Arc<Vec<Value>>),
    /// An ordered map (insertion order is kept: policies iterate parts in the written order).
    Map(Arc<Vec<(Arc<str>, Value)>>),
    Regex(Arc<Pattern>),
    Terms(Arc<TermMatcher>),
    Document(Arc<Document>),
    Part(Arc<Document>, PartRef),
    Table(Arc<Document>, usize),
    /// Row `row` of table `table`; `None` is the header row.
    Row(Arc<Document>, usize, Option<usize>),
    Line(Arc<Document>, LineSet, usize),
    /// A match of a pattern or term list in the document.
    Match(Arc<Document>, Span),
    DateTime(NaiveDateTime),
    /// A record of the table being checked.
    Record(Arc<RecordRef>),
    /// One cell of a record (column index).
    Cell(Arc<RecordRef>, usize),
    /// The table being checked: `records`.
    Records(Arc<Layout>),
}

/// Where a finding points.
#[derive(Clone, Debug)]
pub enum Place {
    /// A span of a document's text.
    Span(Span),
    /// A record, or one of its cells.
    Record(Arc<RecordRef>, Option<usize>),
    /// The header row of a table, or one of its cells.
    Header(Arc<Layout>, Option<usize>),
}

impl Value {
    pub fn text(s: impl Into<Arc<str>>) -> Value {
        Value::Text(Text::plain(s))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// Truthiness: `none`, `false`, empty text and empty lists are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Text(t) => !t.value.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Cell(r, c) => !r.cell_text(*c).trim().is_empty(),
            _ => true,
        }
    }

    /// The name of the value's type as a policy author knows it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "none",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::Money(_) => "money",
            Value::Date(_) => "date",
            Value::Text(_) => "text",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Regex(_) => "pattern",
            Value::Terms(_) => "term list",
            Value::Document(_) => "document",
            Value::Part(..) => "part",
            Value::Table(..) => "table",
            Value::Row(..) => "row",
            Value::Line(..) => "line",
            Value::Match(..) => "match",
            Value::DateTime(_) => "date and time",
            Value::Record(_) => "record",
            Value::Cell(..) => "cell",
            Value::Records(_) => "table of records",
        }
    }

    /// The text this value stands for, if it is text-like.
    pub fn as_text(&self) -> Option<Text> {
        match self {
            Value::Text(t) => Some(t.clone()),
            Value::Match(doc, span) => Some(Text::slice(doc.source.slice(*span), *span)),
            Value::Line(doc, set, i) => {
                let line = line_of(doc, *set, *i)?;
                Some(Text::spanned(line.text.as_str(), line.span))
            }
            Value::Part(doc, part) => part_title(doc, *part),
            Value::Row(doc, t, r) => {
                let cells = row_cells(doc, *t, *r)?;
                let joined: Vec<&str> = cells.iter().map(|c| c.text.as_str()).collect();
                Some(Text {
                    value: joined.join(" ").into(),
                    span: row_span(doc, *t, *r),
                    origin: None,
                })
            }
            Value::Cell(rec, col) => Some(Text::plain(
                rec.row
                    .cells
                    .get(*col)
                    .map(|c| c.text.clone())
                    .unwrap_or_else(|| Arc::from("")),
            )),
            Value::Number(_)
            | Value::Money(_)
            | Value::Date(_)
            | Value::DateTime(_)
            | Value::Bool(_) => Some(Text::plain(self.to_string())),
            _ => None,
        }
    }

    /// Where a finding about this value points, if anywhere.
    pub fn place(&self) -> Option<Place> {
        match self {
            Value::Record(rec) => Some(Place::Record(rec.clone(), None)),
            Value::Cell(rec, col) => Some(Place::Record(rec.clone(), Some(*col))),
            Value::Records(layout) => Some(Place::Header(layout.clone(), None)),
            Value::List(items) => items.iter().find_map(Value::place),
            other => other.span().map(Place::Span),
        }
    }

    /// Where a diagnostic about this value should point, if anywhere.
    pub fn span(&self) -> Option<Span> {
        match self {
            Value::Text(t) => t.span,
            Value::Match(_, span) => Some(*span),
            Value::Line(doc, set, i) => line_of(doc, *set, *i).map(|l| l.span),
            Value::Part(doc, part) => part_title(doc, *part).and_then(|t| t.span),
            Value::Table(doc, i) => doc.tables.get(*i).map(|t| t.span),
            Value::Row(doc, t, r) => row_span(doc, *t, *r),
            Value::Document(doc) => doc.title.as_ref().map(|t| t.span),
            Value::List(items) => items.iter().find_map(Value::span),
            _ => None,
        }
    }
}

pub fn line_of(doc: &Document, set: LineSet, i: usize) -> Option<&crate::model::Line> {
    match set {
        LineSet::Body => doc.lines.get(i),
        LineSet::Header => doc.header.get(i),
        LineSet::Footer => doc.footer.get(i),
    }
}

pub fn part_title(doc: &Document, part: PartRef) -> Option<Text> {
    match part {
        PartRef::Heading(i) => doc
            .headings
            .get(i)
            .map(|h| Text::spanned(h.text.text.as_str(), h.text.span)),
        PartRef::Label(i) => doc
            .labels
            .get(i)
            .map(|l| Text::spanned(l.key.text.as_str(), l.key.span)),
        PartRef::Row(t, r, k) => row_cells(doc, t, r)
            .and_then(|c| c.get(k))
            .map(|c| Text::spanned(c.text.as_str(), c.span)),
        PartRef::Column(t, c) => doc
            .tables
            .get(t)
            .and_then(|t| t.header.get(c))
            .map(|c| Text::spanned(c.text.as_str(), c.span)),
    }
}

pub fn row_cells(
    doc: &Document,
    table: usize,
    row: Option<usize>,
) -> Option<&[crate::model::Spanned]> {
    let t = doc.tables.get(table)?;
    match row {
        None => Some(&t.header),
        Some(r) => t.rows.get(r).map(|r| r.as_slice()),
    }
}

pub fn row_span(doc: &Document, table: usize, row: Option<usize>) -> Option<Span> {
    let cells = row_cells(doc, table, row)?;
    let first = cells
        .iter()
        .find(|c| !c.text.is_empty())
        .or(cells.first())?;
    let last = cells
        .iter()
        .rev()
        .find(|c| !c.text.is_empty())
        .or(cells.last())?;
    Some(first.span.join(last.span))
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("none"),
            Value::Bool(b) => write!(f, "{b}"),
            // Long fractions (hours, averages) are shown to six places; policies round with
            // `round(x, 1)` for fewer.
            Value::Number(n) => write!(f, "{}", n.round_dp(6).normalize()),
            Value::Money(m) => f.write_str(&format_money(*m)),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::DateTime(d) => write!(f, "{}", d.format("%Y-%m-%d %H:%M:%S")),
            Value::Record(rec) => write!(f, "row {}", rec.row.place.row),
            Value::Records(layout) => f.write_str(&layout.table.file),
            Value::Text(t) => f.write_str(&t.value),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                Ok(())
            }
            Value::Regex(r) => write!(f, "/{}/", r.as_str()),
            Value::Terms(_) => f.write_str("(term list)"),
            Value::Document(d) => f.write_str(d.name()),
            Value::Table(..) => f.write_str("(table)"),
            other => match other.as_text() {
                Some(t) => f.write_str(&t.value),
                None => f.write_str(other.type_name()),
            },
        }
    }
}

/// Equality as policies see it: text compares by content, numbers and money by value.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) => x.value == y.value,
        (Value::Cell(r, c), Value::Text(t)) | (Value::Text(t), Value::Cell(r, c)) => {
            r.cell_text(*c) == &*t.value
        }
        (Value::None, Value::None) => true,
        (Value::None, _) | (_, Value::None) => false,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x) | Value::Money(x), Value::Number(y) | Value::Money(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => x == y,
        (Value::Date(x), Value::DateTime(y)) | (Value::DateTime(y), Value::Date(x)) => {
            x.and_hms_opt(0, 0, 0) == Some(*y)
        }
        (Value::Record(x), Value::Record(y)) => Arc::ptr_eq(x, y),
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| equal(a, b))
        }
        (Value::Part(d1, p1), Value::Part(d2, p2)) => Arc::ptr_eq(d1, d2) && p1 == p2,
        (Value::Table(d1, t1), Value::Table(d2, t2)) => Arc::ptr_eq(d1, d2) && t1 == t2,
        (Value::Row(d1, t1, r1), Value::Row(d2, t2, r2)) => {
            Arc::ptr_eq(d1, d2) && t1 == t2 && r1 == r2
        }
        (Value::Line(d1, s1, i1), Value::Line(d2, s2, i2)) => {
            Arc::ptr_eq(d1, d2) && s1 == s2 && i1 == i2
        }
        (Value::Document(d1), Value::Document(d2)) => Arc::ptr_eq(d1, d2),
        _ => match (a.as_text(), b.as_text()) {
            (Some(x), Some(y)) => x.value == y.value,
            _ => false,
        },
    }
}
