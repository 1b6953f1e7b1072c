//! What checks run over: the document model (and, later, the record model).

pub mod document;
pub mod normalize;
pub mod record;

pub use document::{Document, Format, Heading, Label, Line, LineKind, Spanned, Table};
