//! Evaluation of rules over documents.

pub mod builtins;
pub mod engine;
pub mod eval;
pub mod library;
pub mod records;
pub mod suppress;
pub mod types;
pub mod value;
