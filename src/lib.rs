//! bylaw: regulations as code.
//!
//! The pipeline is visible in the module tree:
//! - [`policy`]: policy source → grammar → AST → validated, compiled policy set;
//! - [`input`]: walk the paths, read each file into a [`model`] (documents, later records),
//!   recognise its kind;
//! - [`check`]: evaluate the rules over each model, yielding findings;
//! - [`report`]: render findings (human via miette, JSON), masking personal data;
//! - [`suite`]: `bylaw test`, the policy test cases that live beside the policies.
//!
//! The library never prints; `main.rs` turns a run into output and an exit code.

pub mod check;
pub mod config;
pub mod hash;
pub mod input;
pub mod model;
pub mod partition;
pub mod policy;
pub mod report;
pub mod run;
pub mod source;
pub mod suite;
