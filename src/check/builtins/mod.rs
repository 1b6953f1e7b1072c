//! Generic primitives that policy functions are built on. Nothing here knows the regulation.

pub mod money;
pub mod terms;
pub mod validators;
