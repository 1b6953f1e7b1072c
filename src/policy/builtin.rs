//! The built-in pack, embedded at build time (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/builtin_pack.rs"));
