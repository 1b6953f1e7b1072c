//! Policy source text → what `bylaw check --policy FILE` does with it (parse, lower,
//! evaluate constants, validate), and on a source that parses, what `bylaw fmt` does: the
//! canonical layout, which must itself be canonical.
#![no_main]

use std::collections::BTreeMap;

use bylaw::policy::{self, Base, PolicySource, format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Policy files are read as UTF-8 (`read_to_string`); other bytes never reach the parser.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Word lists resolve inside the built-in pack, never on disk.
    let source = PolicySource {
        name: "fuzz.bylaw".into(),
        text: text.to_string(),
        base: Base::Builtin("documents".into()),
    };
    let _ = policy::load(&[source], &BTreeMap::new());
    if let Ok(formatted) = format::format(text) {
        match format::format(&formatted) {
            Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent"),
            Err(e) => panic!("the formatted text cannot be formatted again: {e}"),
        }
    }
});
