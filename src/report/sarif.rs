//! The SARIF 2.1.0 report, for code-scanning tools (GitHub code scanning, IDE viewers).
//!
//! One run: the tool's driver lists a reporting descriptor for every rule of the policy set
//! (plus the input-error rules `bylaw/…`), and every finding is a result pointing at its file
//! (a relative URI reference, percent-encoded) and, where it has one, its region. Columns
//! count Unicode code points (`columnKind: unicodeCodePoints`), as everywhere in bylaw; end
//! columns are exclusive, as SARIF wants. A finding in a spreadsheet also names its cell as a
//! logical location (`Sheet1!C17`), a finding in a Word table its cell (`T1R7C4`).
//!
//! Messages and help texts are masked like every other output unless values are shown.

use serde::Serialize;

use super::RenderOptions;
use super::finding::{Finding, MALFORMED_RECORD, RULE_ABORTED, Summary, UNREADABLE, UNSUPPORTED};
use crate::partition::{Shard, ShardRecord};
use crate::policy::ast::Severity;

/// What the SARIF report says about a rule: its reporting descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    pub clauses: Vec<String>,
    /// The kinds the rule applies to.
    pub kinds: Vec<String>,
    /// The rule's declared severity (its default level).
    pub severity: Severity,
    pub summary: Option<String>,
    /// The help text as written in the policy (`{name}` placeholders unresolved).
    pub help: Option<String>,
}

impl From<&crate::policy::Rule> for RuleInfo {
    fn from(r: &crate::policy::Rule) -> RuleInfo {
        RuleInfo {
            id: r.id.clone(),
            clauses: r.clauses.clone(),
            kinds: r.applies.clone(),
            severity: r.severity,
            summary: r.summary.clone(),
            help: r.help.as_ref().map(|h| h.value.clone()),
        }
    }
}

impl RuleInfo {
    /// The rules of input errors, which no policy declares: `bylaw/unreadable`,
    /// `bylaw/unsupported`, `bylaw/rule-aborted`, `bylaw/malformed-record`.
    pub fn input_errors() -> Vec<RuleInfo> {
        let rule = |id: &str, severity, summary: &str, help: &str| RuleInfo {
            id: id.to_string(),
            clauses: Vec::new(),
            kinds: Vec::new(),
            severity,
            summary: Some(summary.to_string()),
            help: Some(help.to_string()),
        };
        vec![
            rule(
                UNREADABLE,
                Severity::Error,
                "the file (or a directory) could not be read or decoded",
                "make the file readable, or save it as UTF-8 (or GBK, UTF-16); the file was not checked",
            ),
            rule(
                UNSUPPORTED,
                Severity::Error,
                "a file of a type bylaw does not read: an error when named on the command line, a warning for deliverable formats met in a folder",
                "bylaw reads documents (.md, .txt, .docx) and records (.csv, .xlsx, .xls, .ods, .json, .jsonl); convert the file to one of these to check it",
            ),
            rule(
                RULE_ABORTED,
                Severity::Error,
                "a rule took too many steps on a file and was stopped",
                "the file is unusually large, or the rule loops over too much; findings of this rule may be incomplete",
            ),
            rule(
                MALFORMED_RECORD,
                Severity::Warning,
                "a record could not be read as it stands: a ragged row, a broken quote",
                "fix the row (count its fields, close its quotes); the rest of the file was still checked",
            ),
        ]
    }
}

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The SARIF version written (and the only one `bylaw merge` reads).
pub const VERSION: &str = "2.1.0";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_description: Option<Text>,
    full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Text>,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    clauses: Vec<String>,
    kinds: Vec<String>,
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    as_of: String,
    summary: Summary,
    /// A shard of a partitioned run: what `bylaw merge` needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    partition: Option<ShardRecord<SarifResult<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    kind: &'static str,
    fully_qualified_name: String,
}

#[derive(Serialize, Default)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    clauses: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<&'a str>,
}

impl ResultProperties<'_> {
    fn is_empty(&self) -> bool {
        self.clauses.is_empty()
            && self.help.is_none()
            && self.row.is_none()
            && self.field.is_none()
            && self.sheet.is_none()
            && self.cell.is_none()
    }
}

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Render findings as a SARIF 2.1.0 log. `rules` are the rules of the policy set (their
/// descriptors come first, in order); descriptors for the input-error rules are added, and so
/// is a bare one for any rule a finding names that is in neither, so that every result's
/// `ruleId` has a descriptor and a `ruleIndex`.
pub fn render(
    findings: &[Finding],
    rules: &[RuleInfo],
    summary: Summary,
    as_of: chrono::NaiveDate,
    opts: &RenderOptions,
) -> String {
    render_shard(findings, rules, summary, as_of, None, opts)
}

/// [`render`], with what `bylaw merge` needs when the run is one shard of many (in the run's
/// properties).
pub fn render_shard(
    findings: &[Finding],
    rules: &[RuleInfo],
    summary: Summary,
    as_of: chrono::NaiveDate,
    shard: Option<Shard>,
    opts: &RenderOptions,
) -> String {
    let pending = shard
        .iter()
        .flat_map(|s| s.waivers)
        .filter_map(|w| w.unused.as_ref());
    let infos = descriptors_for(rules, findings.iter().chain(pending));
    let index: std::collections::HashMap<&str, usize> = infos
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    // Every finding's rule has a descriptor (see `descriptors_for`).
    let result_of = |f| result(f, index.get(f.rule.as_str()).copied().unwrap_or(0), opts);
    let results = findings.iter().map(result_of).collect();
    let partition = shard.map(|s| ShardRecord::of(s, result_of));
    let descriptors = infos.iter().map(|r| descriptor(r, opts)).collect();
    let log = Log {
        schema: SCHEMA,
        version: VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "bylaw",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: descriptors,
                },
            },
            invocations: [Invocation {
                execution_successful: true,
            }],
            column_kind: "unicodeCodePoints",
            results,
            properties: RunProperties {
                as_of: as_of.format("%Y-%m-%d").to_string(),
                summary,
                partition,
            },
        }],
    };
    let mut out =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}

/// The rules of the policy set, then the input-error rules, then a bare descriptor for any
/// other rule a finding names.
fn descriptors_for<'f>(
    rules: &[RuleInfo],
    findings: impl Iterator<Item = &'f Finding>,
) -> Vec<RuleInfo> {
    let mut infos: Vec<RuleInfo> = Vec::with_capacity(rules.len() + 4);
    for r in rules.iter().cloned().chain(RuleInfo::input_errors()) {
        if !infos.iter().any(|i| i.id == r.id) {
            infos.push(r);
        }
    }
    for f in findings {
        if !infos.iter().any(|i| i.id == f.rule) {
            infos.push(RuleInfo {
                id: f.rule.clone(),
                clauses: f.clauses.clone(),
                kinds: Vec::new(),
                severity: f.severity,
                summary: None,
                help: None,
            });
        }
    }
    infos
}

fn descriptor(r: &RuleInfo, opts: &RenderOptions) -> Descriptor {
    let summary = r.summary.as_deref().map(|s| opts.mask(s).into_owned());
    let mut full = summary.clone().unwrap_or_else(|| r.id.clone());
    if !r.clauses.is_empty() {
        let word = if r.clauses.len() == 1 {
            "clause"
        } else {
            "clauses"
        };
        full.push_str(&format!(" (regulation {word} {})", r.clauses.join(", ")));
    }
    if !r.kinds.is_empty() {
        full.push_str(&format!("; applies to {}", r.kinds.join(", ")));
    }
    let mut tags: Vec<String> = Vec::new();
    for c in &r.clauses {
        if !tags.contains(c) {
            tags.push(c.clone());
        }
    }
    Descriptor {
        id: r.id.clone(),
        name: r.id.clone(),
        short_description: summary.map(|text| Text { text }),
        full_description: Text { text: full },
        help: r.help.as_deref().map(|h| Text {
            text: opts.mask(h).into_owned(),
        }),
        default_configuration: Configuration {
            level: level(r.severity),
        },
        properties: DescriptorProperties {
            clauses: r.clauses.clone(),
            kinds: r.kinds.clone(),
            tags,
        },
    }
}

fn result<'a>(f: &'a Finding, rule_index: usize, opts: &RenderOptions) -> SarifResult<'a> {
    let message = opts.mask(&f.message);
    let text = if f.clauses.is_empty() {
        message.into_owned()
    } else {
        format!("[{}] {message}", f.clauses.join(", "))
    };
    let region = has_location(f).then(|| {
        let loc = f.location();
        let end_column = if loc.end_line == loc.line {
            loc.end_column.max(loc.column)
        } else {
            loc.end_column
        };
        Region {
            start_line: loc.line.max(1),
            start_column: loc.column.max(1),
            end_line: loc.end_line.max(loc.line).max(1),
            end_column: end_column.max(1),
        }
    });
    let record = f.record.as_ref();
    let sheet = record.and_then(|r| r.sheet.as_deref());
    let cell = record
        .and_then(|r| r.cell.as_deref())
        .or(f.table_cell.as_deref());
    let logical_locations = logical_name(f)
        .map(|name| LogicalLocation {
            fully_qualified_name: format!("{}#{name}", f.file),
            name,
            kind: "element",
        })
        .into_iter()
        .collect();
    let properties = ResultProperties {
        clauses: &f.clauses,
        help: f.help.as_deref().map(|h| opts.mask(h).into_owned()),
        row: record.and_then(|r| r.row),
        field: record.and_then(|r| r.field.as_deref()),
        sheet,
        cell,
    };
    SarifResult {
        rule_id: &f.rule,
        rule_index,
        level: level(f.severity),
        message: Text { text },
        locations: [SarifLocation {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri_reference(&f.file),
                },
                region,
            },
            logical_locations,
        }],
        properties: (!properties.is_empty()).then_some(properties),
    }
}

/// Whether a finding points somewhere in its file (input errors point at the whole file).
pub(crate) fn has_location(f: &Finding) -> bool {
    f.record.is_some() || (f.source.is_some() && f.span.is_some()) || f.position.is_some()
}

/// The cell a finding is in, as a logical place: `Sheet1!C17` in a spreadsheet (`Sheet1!17:17`
/// for a whole row), `T1R7C4` in a Word table.
fn logical_name(f: &Finding) -> Option<String> {
    if let Some(r) = &f.record {
        let sheet = r.sheet.as_deref()?;
        return Some(match &r.cell {
            Some(cell) => format!("{sheet}!{cell}"),
            None => format!("{sheet}!{0}:{0}", r.line),
        });
    }
    f.table_cell.clone()
}

/// A relative path as a URI reference: every byte outside RFC 3986's unreserved set, except
/// the `/` separator, is percent-encoded (spaces, `#`, `%`, `:`, non-ASCII names).
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_reference_encodes_all_but_unreserved_and_slash() {
        assert_eq!(uri_reference("a b/c#1%.md"), "a%20b/c%231%25.md");
        assert_eq!(uri_reference("报告.md"), "%E6%8A%A5%E5%91%8A.md");
        assert_eq!(uri_reference("C:/x"), "C%3A/x");
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(level(Severity::Warning), "warning");
        assert_eq!(level(Severity::Error), "error");
    }
}
