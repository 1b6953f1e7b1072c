//! Bytes → the record readers, then the rows streamed through the built-in pack's record
//! rules as `bylaw check` does. The first byte chooses the format (the file's extension); the
//! rest is the file. Panics inside calamine that bylaw's guard catches are let through (see
//! `tolerate_guarded_calamine_panics`).
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The extensions the first byte chooses among (modulo their count).
const EXTENSIONS: &[&str] = &["csv", "tsv", "json", "jsonl", "xlsx", "xls", "ods", "xlsb"];

fuzz_target!(|data: &[u8]| {
    bylaw_fuzz::tolerate_guarded_calamine_panics();
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[usize::from(selector) % EXTENSIONS.len()];
    bylaw_fuzz::check_records(file.to_vec(), ext);
});
