//! What the fuzz targets share: the built-in policy pack loaded once, and the steps
//! `bylaw check` takes after reading a file (directives, kind, rules, suppressions, report),
//! run on what a reader made of the fuzzer's bytes.

use std::collections::BTreeMap;
use std::path::Path;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock, Mutex, Once};

use bylaw::check::engine::{Checker, RuleSettings};
use bylaw::check::records::{TableChecker, pick_header};
use bylaw::check::suppress;
use bylaw::input::kind::KindRecognizer;
use bylaw::input::records::{Event, read_records_bytes};
use bylaw::input::{FileType, ReadDocument};
use bylaw::policy;
use bylaw::report::RenderOptions;
use bylaw::report::finding::{Finding, Summary};
use bylaw::run;

/// The built-in pack, ready to check, as `bylaw check` sets it up without a configuration.
pub struct Pack {
    pub checker: Checker,
    pub recognizer: KindRecognizer,
}

pub static PACK: LazyLock<Pack> = LazyLock::new(|| {
    let policies = policy::load(&policy::builtin_sources(), &BTreeMap::new())
        .expect("the built-in pack loads");
    let recognizer = KindRecognizer::new(&policies.kinds, &[]).expect("the built-in kinds");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
    Pack {
        checker: Checker::new(Arc::new(policies), RuleSettings::default(), as_of),
        recognizer,
    }
});

/// Check a document as `bylaw check` does once it is read: its directives, its kind, the
/// rules of that kind, the suppressions, and the human report.
pub fn check_document(read: ReadDocument, display: &str, file_type: FileType) {
    let pack = &*PACK;
    let ((doc, _encoding), inline) = run::with_directives(read, display, file_type);
    let fm_kind = doc.front_matter.get("kind").map(|s| s.text.as_str());
    let title = doc.title.as_ref().map(|t| t.text.as_str());
    let kind = pack
        .recognizer
        .recognise(Path::new(display), fm_kind, title)
        .map(|(k, _)| k);
    let findings = pack
        .checker
        .check_document(Arc::new(doc), kind.as_deref(), display);
    let findings = apply_suppressions(display, findings, &inline);
    render(&findings);
}

/// Read records from bytes (`ext` says how) and stream their rows through the rules of the
/// kinds their headers name, as `bylaw check` does for a record file.
pub fn check_records(bytes: Vec<u8>, ext: &str) {
    let pack = &*PACK;
    let checker = &pack.checker;
    let kinds = checker.policies.record_kinds();
    let display = format!("fuzz.{ext}");
    let is_workbook = matches!(ext, "xlsx" | "xlsm" | "xls" | "ods" | "xlsb");
    let pick = |rows: &[Vec<String>]| pick_header(&kinds, None, rows, is_workbook);
    let mut tables = TableChecker::new(checker, None);
    let mut problems = 0usize;
    let outcome = read_records_bytes(bytes, ext, &display, &pick, &mut |event| match event {
        Event::Table { table, kind } => {
            if let Some(def) = kinds.iter().find(|d| d.name == kind) {
                tables.start(table, def);
            }
        }
        Event::Row(row) => tables.row(row),
        Event::Problem(_) => problems += 1,
        Event::Unrecognised { .. } => {}
    });
    tables.finish();
    let findings = std::mem::take(&mut tables.findings);
    let _ = (outcome, problems);
    let findings = apply_suppressions(&display, findings, &[]);
    render(&findings);
}

fn apply_suppressions(
    file: &str,
    findings: Vec<Finding>,
    inline: &[suppress::Suppression],
) -> Vec<Finding> {
    let policies = &PACK.checker.policies;
    let known: Vec<(&str, &[String])> = policies
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.clauses.as_slice()))
        .collect();
    let applied = suppress::apply(file, findings, inline, &[], PACK.checker.as_of, &known);
    let mut out = applied.kept;
    out.extend(applied.problems);
    out
}

/// The human report (masking personal data) of some findings.
fn render(findings: &[Finding]) {
    let opts = RenderOptions {
        show_values: false,
        color: false,
        width: 100,
    };
    let summary = Summary {
        files_checked: 1,
        ..Summary::default()
    };
    let _ = bylaw::report::human::render(findings, summary, &opts);
}

/// Let panics raised inside calamine unwind, instead of aborting the fuzzer.
///
/// libFuzzer's panic hook aborts on every panic, even one that is caught. bylaw runs every
/// call into calamine (third-party code reading untrusted workbooks) under `catch_unwind` and
/// turns a panic into a clean "damaged workbook" error or a problem for one sheet, which is
/// what the app shows; so a panic located in calamine's source is let through to that guard
/// (and listed once per place, for the README). Any other panic still aborts, and so does a
/// calamine panic that the guard does not catch: it unwinds to the fuzzer's own handler.
pub fn tolerate_guarded_calamine_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        let seen: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
        std::panic::set_hook(Box::new(move |info| {
            let Some(place) = info.location().filter(|l| l.file().contains("/calamine-")) else {
                return fuzzer_hook(info);
            };
            let place = format!("{}:{}", place.file(), place.line());
            if seen.lock().is_ok_and(|mut s| s.insert(place.clone())) {
                let what = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                eprintln!("calamine panic (caught by bylaw's guard) at {place}: {what}");
            }
        }));
    });
}
