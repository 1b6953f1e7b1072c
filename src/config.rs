//! `bylaw.toml`: the project's configuration, discovered from the current directory upward.
//!
//! ```toml
//! include = ["deliverables/**"]          # only these paths (globs on the reported path)
//! exclude = ["**/drafts/**"]
//! as_of = "2026-11-30"                   # audit date (the command line wins)
//!
//! [params]                               # override policy parameters
//! stale_days = 180
//!
//! [kinds]                                # assign kinds by path glob
//! ad-copy = ["ads/**", "**/*-poster.md"]
//!
//! [rules]                                # per-rule severity, or "off"
//! "ad-copy/absolute-term" = "warning"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::check::value::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub as_of: Option<String>,
    /// Files larger than this many MiB are reported, not read.
    pub max_file_mb: Option<u64>,
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub kinds: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    /// Waivers: accepted findings, with a reason, an approver and an optional expiry.
    #[serde(default)]
    pub waivers: Vec<crate::check::suppress::Waiver>,
    /// Where the configuration came from (path as shown, text), when it came from a file.
    #[serde(skip)]
    pub origin: Option<(String, String)>,
}

/// The configuration file's name.
pub const FILE_NAME: &str = "bylaw.toml";

/// Find `bylaw.toml` in `start` or its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Why a configuration could not be used.
#[derive(Debug)]
pub struct ConfigError {
    pub path: String,
    pub text: String,
    pub message: String,
    pub span: Option<std::ops::Range<usize>>,
}

pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let display = path.to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: display.clone(),
        text: String::new(),
        message: format!(
            "cannot read the configuration: {}",
            crate::input::io_reason(&e)
        ),
        span: None,
    })?;
    parse(&display, &text)
}

pub fn parse(display: &str, text: &str) -> Result<Config, ConfigError> {
    let mut config = toml::from_str::<Config>(text).map_err(|e| ConfigError {
        path: display.to_string(),
        text: text.to_string(),
        message: e.message().to_string(),
        span: e.span(),
    })?;
    crate::check::suppress::validate_waivers(&config.waivers).map_err(|message| ConfigError {
        path: display.to_string(),
        text: text.to_string(),
        message,
        span: text.find("[[waivers]]").map(|i| i..i + "[[waivers]]".len()),
    })?;
    config.origin = Some((display.to_string(), text.to_string()));
    Ok(config)
}

impl Config {
    /// Parameter overrides as policy values.
    pub fn param_values(&self) -> BTreeMap<String, Value> {
        self.params
            .iter()
            .map(|(k, v)| (k.clone(), toml_to_value(v)))
            .collect()
    }
}

fn toml_to_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::text(s.as_str()),
        toml::Value::Integer(i) => Value::Number((*i).into()),
        toml::Value::Float(f) => rust_decimal::Decimal::from_f64_retain(*f)
            .map(Value::Number)
            .unwrap_or(Value::None),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Array(items) => Value::list(items.iter().map(toml_to_value).collect()),
        toml::Value::Datetime(d) => Value::text(d.to_string()),
        toml::Value::Table(t) => Value::Map(std::sync::Arc::new(
            t.iter()
                .map(|(k, v)| (std::sync::Arc::from(k.as_str()), toml_to_value(v)))
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_sections() {
        let c = parse(
            "bylaw.toml",
            "exclude = [\"drafts/**\"]\n[params]\nstale_days = 180\n[kinds]\nad-copy = [\"ads/**\"]\n[rules]\n\"x/y\" = \"off\"\n",
        )
        .unwrap();
        assert_eq!(c.exclude, vec!["drafts/**"]);
        assert_eq!(c.kinds["ad-copy"], vec!["ads/**"]);
        assert_eq!(c.rules["x/y"], "off");
        assert!(matches!(c.param_values()["stale_days"], Value::Number(_)));
    }

    #[test]
    fn unknown_keys_are_errors_with_a_span() {
        let e = parse("bylaw.toml", "exlude = []\n").unwrap_err();
        assert!(e.message.contains("exlude"), "{}", e.message);
        assert!(e.span.is_some());
    }
}
