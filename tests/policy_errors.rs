//! Broken policies: each file under `tests/fixtures/policies/broken/` is loaded beside the
//! built-in pack (so it may cite the pack's clauses and kinds) and must fail with diagnostics
//! that point into the broken file. The rendered errors are snapshotted.

use bylaw::policy::{self, PolicySource};

fn render_errors(path: &std::path::Path) -> String {
    let mut sources = policy::builtin_sources();
    let text = std::fs::read_to_string(path).expect("fixture readable");
    let name = format!(
        "broken/{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("policy.bylaw")
    );
    sources.push(PolicySource {
        name: name.clone(),
        text,
        base: policy::Base::Dir(path.parent().map(|p| p.to_path_buf()).unwrap_or_default()),
    });
    let errors = match policy::load(&sources, &Default::default()) {
        Ok(_) => panic!("{name} should not load"),
        Err(e) => e,
    };
    assert!(!errors.errors.is_empty());
    for e in &errors.errors {
        assert_eq!(
            e.source_file.name(),
            name,
            "errors point into the broken file: {}",
            e.message
        );
        assert!(
            !e.message.ends_with('.'),
            "messages have no final period: {}",
            e.message
        );
    }
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
    let mut out = String::new();
    for e in &errors.errors {
        handler.render_report(&mut out, e).expect("render");
        out.push('\n');
    }
    out
}

#[test]
fn broken_policies_are_explained() {
    insta::glob!("fixtures/policies/broken/*.bylaw", |path| {
        insta::assert_snapshot!(render_errors(path));
    });
}

#[test]
fn several_errors_are_reported_at_once() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policies/broken/15-several-errors.bylaw");
    let out = render_errors(&path);
    for expected in [
        "unknown clause `9.9`",
        "unknown name `partz`",
        "no field `emty`",
        "unknown name `documnet`",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
}

#[test]
fn the_builtin_pack_loads_cleanly() {
    let set = policy::load(&policy::builtin_sources(), &Default::default()).unwrap_or_else(|e| {
        panic!(
            "{:?}",
            e.errors.iter().map(|e| &e.message).collect::<Vec<_>>()
        )
    });
    assert!(
        set.rules.len() >= 20,
        "the pack has {} rules",
        set.rules.len()
    );
    for rule in &set.rules {
        assert!(!rule.clauses.is_empty(), "{} cites a clause", rule.id);
        assert!(rule.summary.is_some(), "{} has a summary", rule.id);
    }
}

/// The reference names every built-in function, method and field, so it cannot silently fall
/// behind the library.
#[test]
fn the_reference_documents_the_whole_library() {
    let reference =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/README.md"))
            .expect("policies/README.md");
    let lib = &bylaw::check::library::LIBRARY;
    let mut missing = Vec::new();
    for name in lib.functions.keys() {
        if !reference.contains(&format!("`{name}(")) {
            missing.push(format!("function {name}"));
        }
    }
    for (on, methods) in &lib.methods {
        for name in methods.keys() {
            if !reference.contains(&format!("`{name}")) {
                missing.push(format!("method {on}.{name}"));
            }
        }
    }
    for (on, fields) in &lib.fields {
        for name in fields.keys() {
            if !reference.contains(&format!("`{name}`")) {
                missing.push(format!("field {on}.{name}"));
            }
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "policies/README.md does not mention: {missing:?}"
    );
}

/// Every `bylaw` code block in the reference parses and validates beside the built-in pack
/// (full rules and declarations are loaded; statement fragments are only shown).
#[test]
fn reference_examples_load() {
    let reference =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/README.md"))
            .expect("policies/README.md");
    let mut checked = 0;
    for (i, block) in reference.split("```bylaw").skip(1).enumerate() {
        let code = block.split("```").next().unwrap_or("");
        let code: String = code
            .lines()
            .map(|l| l.strip_prefix("   ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let first = code.trim_start();
        let is_declaration = ["rule ", "let ", "kind ", "param ", "clause "]
            .iter()
            .any(|k| first.starts_with(k));
        if !is_declaration || first.starts_with("let found") {
            continue;
        }
        // Rename to avoid clashing with the pack's own ids and names.
        let code = code
            .replace("rule campaign-review/", "rule example/")
            .replace("rule customers/", "rule example/")
            .replace("kind staff", "kind example-staff")
            .replace("clause 4.1.5", "clause 99.1")
            .replace("clause 7.2.3", "clause 99.2")
            .replace("kind research-plan", "kind example-kind")
            .replace("let total_words", "let example_words")
            .replace("let absolute_terms", "let example_terms");
        let mut sources = policy::builtin_sources();
        sources.push(PolicySource {
            name: format!("reference-example-{i}.bylaw"),
            text: code.clone(),
            base: policy::Base::Dir(std::path::PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/policies/documents"
            ))),
        });
        if let Err(e) = policy::load(&sources, &Default::default()) {
            panic!(
                "reference example {i} fails:\n{code}\n{:?}",
                e.errors.iter().map(|e| &e.message).collect::<Vec<_>>()
            );
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} examples checked");
}
