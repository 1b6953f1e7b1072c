//! Bytes → the .docx reader (zip package, parts, XML), then the checks `bylaw check` runs on
//! the document with the built-in pack (review-comment directives, kind, rules, report).
#![no_main]

use bylaw::input::{FileType, read_document_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = read_document_bytes(data.to_vec(), "fuzz.docx", FileType::Docx) {
        bylaw_fuzz::check_document(read, "fuzz.docx", FileType::Docx);
    }
});
