//! Bytes → a plain-text document (encoding detection and decoding included), then the checks
//! `bylaw check` runs on it with the built-in pack: suppression directives (directive lines
//! blanked and the text read again), kind, rules, report.
#![no_main]

use bylaw::input::{FileType, read_document_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = read_document_bytes(data.to_vec(), "fuzz.txt", FileType::Text) {
        bylaw_fuzz::check_document(read, "fuzz.txt", FileType::Text);
    }
});
