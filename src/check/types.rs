//! Static types of policy expressions, used by the validator to catch mistakes (an unknown
//! field, a wrong argument) before any file is checked.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// Unknown or mixed: accepted everywhere.
    Any,
    None,
    Bool,
    Number,
    Money,
    Date,
    Text,
    List(Box<Type>),
    Map(Box<Type>),
    Pattern,
    Terms,
    Document,
    Part,
    Table,
    Row,
    Line,
    Match,
    DateTime,
    /// A record (row) of the table being checked.
    Record,
    /// A cell of a record: text with a place.
    Cell,
    /// The table being checked (`records`).
    Records,
}

impl Type {
    pub fn list(of: Type) -> Type {
        Type::List(Box::new(of))
    }

    /// Whether a value of type `self` may be passed where `expected` is wanted.
    pub fn fits(&self, expected: &Type) -> bool {
        match (self, expected) {
            (Type::Any, _) | (_, Type::Any) | (Type::None, _) => true,
            (Type::List(a), Type::List(b)) => a.fits(b),
            (Type::Map(a), Type::Map(b)) => a.fits(b),
            // Text-like values stand in for text.
            (Type::Match | Type::Line | Type::Part | Type::Row | Type::Cell, Type::Text) => true,
            (Type::Date, Type::DateTime) | (Type::DateTime, Type::Date) => true,
            (Type::Money, Type::Number) | (Type::Number, Type::Money) => true,
            (a, b) => a == b,
        }
    }

    /// The element type when iterated.
    pub fn element(&self) -> Type {
        match self {
            Type::List(t) => (**t).clone(),
            Type::Map(_) => Type::Text,
            _ => Type::Any,
        }
    }

    pub fn is_iterable(&self) -> bool {
        matches!(self, Type::Any | Type::List(_) | Type::Map(_) | Type::None)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any value"),
            Type::None => f.write_str("none"),
            Type::Bool => f.write_str("boolean"),
            Type::Number => f.write_str("number"),
            Type::Money => f.write_str("money"),
            Type::Date => f.write_str("date"),
            Type::Text => f.write_str("text"),
            Type::List(t) if **t == Type::Any => f.write_str("list"),
            Type::List(t) => write!(f, "list of {t}"),
            Type::Map(_) => f.write_str("map"),
            Type::Pattern => f.write_str("pattern"),
            Type::Terms => f.write_str("term list"),
            Type::Document => f.write_str("document"),
            Type::Part => f.write_str("part"),
            Type::Table => f.write_str("table"),
            Type::Row => f.write_str("row"),
            Type::Line => f.write_str("line"),
            Type::Match => f.write_str("match"),
            Type::DateTime => f.write_str("date and time"),
            Type::Record => f.write_str("record"),
            Type::Cell => f.write_str("cell"),
            Type::Records => f.write_str("table of records"),
        }
    }
}
