//! Bytes → a Markdown document (encoding detection and decoding included), then the checks
//! `bylaw check` runs on it with the built-in pack: suppression directives, kind, rules,
//! report.
#![no_main]

use bylaw::input::{FileType, read_document_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = read_document_bytes(data.to_vec(), "fuzz.md", FileType::Markdown) {
        bylaw_fuzz::check_document(read, "fuzz.md", FileType::Markdown);
    }
});
