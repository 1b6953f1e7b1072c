//! Helpers shared by the test suites.

// Each suite uses a subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `bylaw` binary, colours off.
pub fn bylaw() -> Command {
    let mut cmd = Command::cargo_bin("bylaw").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Write `text` to `dir/name`, creating folders on the way; the file's path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path
}

/// The errors of a SARIF log against the official schema (formats such as `uri-reference`
/// checked too).
pub fn sarif_errors(output: &str) -> Vec<String> {
    let schema_file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_file)
            .unwrap_or_else(|e| panic!("{}: {e}", schema_file.display())),
    )
    .expect("the SARIF schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let instance: serde_json::Value = serde_json::from_str(output).expect("SARIF output is JSON");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Whether a text is an RFC 3986 URI reference made of path characters. (The schema's
/// `uri-reference` format is not a draft-04 format, so the validator does not check it.)
pub fn is_uri_reference(uri: &str) -> bool {
    regex::Regex::new(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$")
        .expect("regex")
        .is_match(uri)
}

/// Assert that a SARIF log validates against the official schema, with URI references.
pub fn validate_sarif(output: &str) {
    let mut errors = sarif_errors(output);
    let log: serde_json::Value = serde_json::from_str(output).expect("SARIF output is JSON");
    for r in log["runs"][0]["results"].as_array().into_iter().flatten() {
        let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        if !uri.as_str().is_some_and(is_uri_reference) {
            errors.push(format!("{uri} is not a URI reference"));
        }
    }
    assert!(
        errors.is_empty(),
        "SARIF output does not validate against the official schema:\n{}",
        errors.join("\n")
    );
}
