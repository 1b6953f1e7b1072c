//! `bylaw merge`: the JSON reports or SARIF logs of a partitioned run's shards (or of separate
//! runs) as one report.
//!
//! Findings are copied as the reports wrote them — already masked, never masked again — and
//! ordered as one run orders them: by file, line, column and rule. Ties keep the order of the
//! report they come from, which a run sorted by the unmasked message: every file is in one
//! shard, so the merged order is the order one run over the whole tree gives. The summary is
//! recomputed: files checked and suppressed findings are summed, errors, warnings and notes
//! counted.
//!
//! A shard's report records (`partition`) its shard, the files it checked and how its files
//! fared with the waivers of `bylaw.toml`. The merge refuses shards given twice, shards of
//! different partitions, overlapping shards and — unless partial merges are allowed — missing
//! shards; it reports the waivers that some shard matched and no shard used (with missing
//! shards it cannot know, and reports none).
//!
//! JSON into JSON and SARIF into SARIF are exact. SARIF: one run whose rules are the union of
//! the shards' descriptors (by id, in order) and whose results point at them. Any other output
//! is rendered from the findings as the reports give them, without source snippets.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::{Map, Value};

use super::RenderOptions;
use super::finding::{Finding, Location, MALFORMED_RECORD, RecordLocation, Summary};
use super::json::{self, Diagnostic};
use super::{github, human, junit, sarif};
use crate::partition::ShardRecord;
use crate::policy::ast::Severity;

/// The two report formats a merge reads (and, by default, writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Json,
    Sarif,
}

impl InputFormat {
    fn name(self) -> &'static str {
        match self {
            InputFormat::Json => "a JSON report",
            InputFormat::Sarif => "a SARIF log",
        }
    }
}

/// What a merge writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Json,
    Sarif,
    Human,
    Junit,
    Github,
}

/// A finding as a report wrote it.
#[derive(Debug, Clone)]
enum Item {
    Json(Box<Diagnostic>),
    /// A SARIF result.
    Sarif(Value),
}

/// The order of findings in a report: file, line, column, rule.
type Key = (String, usize, usize, String);

impl Item {
    fn json(d: Diagnostic) -> Item {
        Item::Json(Box::new(d))
    }

    fn key(&self) -> Key {
        match self {
            Item::Json(d) => (d.file.clone(), d.line, d.column, d.rule.clone()),
            Item::Sarif(r) => {
                let region = &r["locations"][0]["physicalLocation"]["region"];
                (
                    sarif_file(r),
                    count(&region["startLine"]),
                    count(&region["startColumn"]),
                    text(&r["ruleId"]),
                )
            }
        }
    }

    fn severity(&self) -> Severity {
        match self {
            Item::Json(d) => d.severity,
            Item::Sarif(r) => sarif_severity(r),
        }
    }

    fn diagnostic(&self) -> Diagnostic {
        match self {
            Item::Json(d) => (**d).clone(),
            Item::Sarif(r) => diagnostic_of_result(r),
        }
    }
}

/// One report as read.
#[derive(Debug)]
pub struct Report {
    name: String,
    format: InputFormat,
    as_of: String,
    bylaw_version: Option<String>,
    summary: Summary,
    items: Vec<Item>,
    shard: Option<ShardRecord<Item>>,
    /// A SARIF log's run, for its rule descriptors and invocation.
    run: Option<Value>,
}

/// Read a report from a file.
pub fn read_path(path: &Path) -> Result<Report, String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{name}`: {}", crate::input::io_reason(&e)))?;
    read(&name, &text)
}

/// Read a report: a JSON report or a SARIF log, told apart by their content.
pub fn read(name: &str, text: &str) -> Result<Report, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!("`{name}` is not a report of `bylaw check --format json|sarif`: {e}")
    })?;
    if value.get("runs").is_some() {
        read_sarif(name, value)
    } else if value.get("diagnostics").is_some() {
        read_json(name, value)
    } else {
        Err(format!(
            "`{name}` is neither a JSON report nor a SARIF log of `bylaw check`"
        ))
    }
}

#[derive(serde::Deserialize)]
struct JsonReport {
    version: u32,
    #[serde(default)]
    bylaw_version: Option<String>,
    as_of: String,
    summary: Summary,
    diagnostics: Vec<Diagnostic>,
    #[serde(default)]
    partition: Option<ShardRecord<Diagnostic>>,
}

fn read_json(name: &str, value: Value) -> Result<Report, String> {
    let report: JsonReport = serde_json::from_value(value)
        .map_err(|e| format!("`{name}` is not a valid bylaw JSON report: {e}"))?;
    if report.version != json::VERSION {
        return Err(format!(
            "`{name}` is a JSON report of layout version {}; this bylaw reads version {}",
            report.version,
            json::VERSION
        ));
    }
    Ok(Report {
        name: name.to_string(),
        format: InputFormat::Json,
        as_of: checked_date(name, &report.as_of)?,
        bylaw_version: report.bylaw_version,
        summary: report.summary,
        items: report.diagnostics.into_iter().map(Item::json).collect(),
        shard: report.partition.map(|s| shard_items(s, Item::json)),
        run: None,
    })
}

fn read_sarif(name: &str, mut log: Value) -> Result<Report, String> {
    let invalid = |what: &str| format!("`{name}` is not a SARIF log of `bylaw check`: {what}");
    if log["version"] != sarif::VERSION {
        return Err(invalid(&format!("its version is not {}", sarif::VERSION)));
    }
    let run = match log["runs"].as_array_mut().map(std::mem::take) {
        Some(runs) if runs.len() == 1 => runs.into_iter().next().unwrap_or_default(),
        _ => return Err(invalid("bylaw writes exactly one run")),
    };
    let driver = &run["tool"]["driver"];
    if driver["name"] != "bylaw" {
        return Err(invalid("its tool is not bylaw"));
    }
    if !driver["rules"].is_array() {
        return Err(invalid("it has no rule descriptors"));
    }
    let properties = &run["properties"];
    let as_of = properties["as_of"]
        .as_str()
        .ok_or_else(|| invalid("its run has no `as_of` property"))?;
    let summary: Summary = serde_json::from_value(properties["summary"].clone())
        .map_err(|e| invalid(&format!("its run's `summary` property: {e}")))?;
    let results = run["results"]
        .as_array()
        .ok_or_else(|| invalid("its run has no results array"))?;
    if let Some(r) = results.iter().find(|r| !r["ruleId"].is_string()) {
        return Err(invalid(&format!("a result has no ruleId: {r}")));
    }
    let shard = match properties.get("partition") {
        Some(p) => Some(
            serde_json::from_value::<ShardRecord<Value>>(p.clone())
                .map_err(|e| invalid(&format!("its `partition` property: {e}")))?,
        ),
        None => None,
    };
    Ok(Report {
        name: name.to_string(),
        format: InputFormat::Sarif,
        as_of: checked_date(name, as_of)?,
        bylaw_version: driver["version"].as_str().map(str::to_string),
        summary,
        items: results.iter().cloned().map(Item::Sarif).collect(),
        shard: shard.map(|s| shard_items(s, Item::Sarif)),
        run: Some(run),
    })
}

fn shard_items<T>(s: ShardRecord<T>, item: impl Fn(T) -> Item) -> ShardRecord<Item> {
    ShardRecord {
        index: s.index,
        count: s.count,
        files: s.files,
        waivers: s
            .waivers
            .into_iter()
            .map(|w| crate::partition::WaiverRecord {
                waiver: w.waiver,
                used: w.used,
                unused: w.unused.map(&item),
            })
            .collect(),
    }
}

fn checked_date(name: &str, as_of: &str) -> Result<String, String> {
    chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d")
        .map(|_| as_of.to_string())
        .map_err(|_| format!("`{name}` has `as_of` \"{as_of}\", which is not a date"))
}

/// Reports merged into one.
#[derive(Debug)]
pub struct Merged {
    /// The format of the reports merged.
    pub format: InputFormat,
    as_of: String,
    bylaw_version: Option<String>,
    summary: Summary,
    items: Vec<Item>,
    /// The files the shards checked (empty for reports that do not list them).
    files: Vec<String>,
    /// SARIF: the merged run.
    run: Option<Value>,
    /// What the merge could not do, for standard error.
    pub notes: Vec<String>,
}

/// Merge reports of one format, one audit date and one bylaw version.
pub fn merge(reports: Vec<Report>, allow_partial: bool) -> Result<Merged, String> {
    let first = reports
        .first()
        .ok_or_else(|| "no reports to merge".to_string())?;
    for r in &reports[1..] {
        agree(first, r)?;
    }
    let complete = check_shards(&reports, allow_partial)?;
    let mut notes = Vec::new();
    let mut pending = Pending::default();
    let mut summary = Summary::default();
    let mut files = Vec::new();
    let mut keyed: Vec<(Key, Item)> = Vec::new();
    for r in &reports {
        summary.files_checked += r.summary.files_checked;
        summary.suppressed += r.summary.suppressed;
        if let Some(s) = &r.shard {
            files.extend(s.files.iter().cloned());
            pending.add(s);
        }
        keyed.extend(r.items.iter().map(|i| (i.key(), i.clone())));
    }
    let unused = pending.unused();
    if complete {
        keyed.extend(unused.into_iter().map(|i| (i.key(), i)));
    } else if !unused.is_empty() {
        notes.push(format!(
            "{} waiver(s) suppressed nothing in the shards given; with shards missing, unused waivers are not reported",
            unused.len()
        ));
    }
    // Stable: ties keep each report's own order (see the module's documentation).
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let items: Vec<Item> = keyed.into_iter().map(|(_, i)| i).collect();
    for i in &items {
        match i.severity() {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.infos += 1,
        }
    }
    files.sort();
    let run = match first.format {
        InputFormat::Sarif => Some(merged_run(&reports, &items, summary)),
        InputFormat::Json => None,
    };
    Ok(Merged {
        format: first.format,
        as_of: first.as_of.clone(),
        bylaw_version: first.bylaw_version.clone(),
        summary,
        items,
        files,
        run,
        notes,
    })
}

/// Refuse a report that cannot be merged with the first one.
fn agree(first: &Report, r: &Report) -> Result<(), String> {
    if r.format != first.format {
        return Err(format!(
            "`{}` is {} and `{}` {}: merge reports of one format",
            first.name,
            first.format.name(),
            r.name,
            r.format.name()
        ));
    }
    if r.as_of != first.as_of {
        return Err(format!(
            "`{}` is as of {} and `{}` as of {}: the reports of one audit share its date (give every shard the same --as-of)",
            first.name, first.as_of, r.name, r.as_of
        ));
    }
    if let (Some(a), Some(b)) = (&first.bylaw_version, &r.bylaw_version)
        && a != b
    {
        return Err(format!(
            "`{}` was written by bylaw {a} and `{}` by bylaw {b}: check every shard with one version",
            first.name, r.name
        ));
    }
    Ok(())
}

/// Check that shard reports are the shards of one partition, each once, not overlapping, and
/// (unless `allow_partial`) all there. Whether every shard is there.
fn check_shards(reports: &[Report], allow_partial: bool) -> Result<bool, String> {
    let shards: Vec<(&Report, &ShardRecord<Item>)> = reports
        .iter()
        .filter_map(|r| r.shard.as_ref().map(|s| (r, s)))
        .collect();
    let Some(&(first, one)) = shards.first() else {
        return Ok(true);
    };
    if let Some(whole) = reports.iter().find(|r| r.shard.is_none()) {
        return Err(format!(
            "`{}` is shard {}/{} and `{}` the report of a whole run: merge the shards of one run",
            first.name, one.index, one.count, whole.name
        ));
    }
    let count = one.count;
    let mut seen: BTreeMap<usize, &str> = BTreeMap::new();
    let mut owner: HashMap<&str, (&str, usize)> = HashMap::new();
    for (r, s) in &shards {
        if s.count != count || s.index == 0 || s.index > s.count {
            return Err(format!(
                "`{}` is shard {}/{count} and `{}` shard {}/{}: merge the shards of one partition",
                first.name, one.index, r.name, s.index, s.count
            ));
        }
        if let Some(other) = seen.insert(s.index, &r.name) {
            return Err(format!(
                "shard {}/{count} is given twice (`{other}` and `{}`)",
                s.index, r.name
            ));
        }
        for f in &s.files {
            if let Some((other, k)) = owner.insert(f, (&r.name, s.index)) {
                return Err(format!(
                    "`{f}` is in shard {k}/{count} (`{other}`) and in shard {}/{count} (`{}`): the shards were not cut from one tree",
                    s.index, r.name
                ));
            }
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| !seen.contains_key(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if missing.is_empty() || allow_partial {
        return Ok(missing.is_empty());
    }
    let word = if missing.len() == 1 {
        "shard"
    } else {
        "shards"
    };
    Err(format!(
        "{word} {} missing: give every shard's report, or --allow-partial to merge what there is",
        missing.join(", ")
    ))
}

/// Waiver usage over the shards.
#[derive(Default)]
struct Pending {
    /// By waiver index: used by some shard, and the finding to report if none did.
    waivers: BTreeMap<usize, (bool, Option<Item>)>,
}

impl Pending {
    fn add(&mut self, shard: &ShardRecord<Item>) {
        for w in &shard.waivers {
            let entry = self.waivers.entry(w.waiver).or_insert((false, None));
            entry.0 |= w.used;
            if entry.1.is_none() {
                entry.1 = w.unused.clone();
            }
        }
    }

    /// The findings of the waivers no shard used.
    fn unused(self) -> Vec<Item> {
        self.waivers
            .into_values()
            .filter(|(used, _)| !used)
            .filter_map(|(_, item)| item)
            .collect()
    }
}

/// The merged SARIF run: the first report's run with the union of the reports' rule
/// descriptors, the merged results pointing at them, and the run's invocation and
/// properties recomputed.
fn merged_run(reports: &[Report], items: &[Item], summary: Summary) -> Value {
    let runs: Vec<&Value> = reports.iter().filter_map(|r| r.run.as_ref()).collect();
    let mut rules: Vec<Value> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for run in &runs {
        for rule in run["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Entry::Vacant(e) = index.entry(text(&rule["id"])) {
                e.insert(rules.len());
                rules.push(rule.clone());
            }
        }
    }
    let results: Vec<Value> = items
        .iter()
        .filter_map(|i| match i {
            Item::Sarif(r) => Some(repointed(r.clone(), &index)),
            Item::Json(_) => None,
        })
        .collect();
    let successful = runs
        .iter()
        .all(|r| r["invocations"][0]["executionSuccessful"] != false);
    let mut run = runs.first().map(|r| (*r).clone()).unwrap_or_default();
    run["tool"]["driver"]["rules"] = Value::Array(rules);
    run["results"] = Value::Array(results);
    run["invocations"] = serde_json::json!([{ "executionSuccessful": successful }]);
    let mut properties = Map::new();
    properties.insert("as_of".into(), run["properties"]["as_of"].clone());
    properties.insert(
        "summary".into(),
        serde_json::to_value(summary).unwrap_or_default(),
    );
    run["properties"] = Value::Object(properties);
    run
}

/// A result whose `ruleIndex` points at its rule among the merged descriptors.
fn repointed(mut result: Value, index: &HashMap<String, usize>) -> Value {
    if let Value::Object(fields) = &mut result {
        match index.get(&text(&fields["ruleId"])) {
            Some(&i) => {
                fields.insert("ruleIndex".into(), i.into());
            }
            None => {
                fields.remove("ruleIndex");
            }
        }
    }
    result
}

impl Merged {
    /// Whether a finding is at or above this severity (the exit code).
    pub fn fails(&self, threshold: Severity) -> bool {
        self.items.iter().any(|i| i.severity() >= threshold)
    }

    /// The merged report. Texts are copied as the reports wrote them (masked unless the
    /// shards were run with `--show-values`): `opts` only sets colours and width.
    pub fn render(&self, output: Output, opts: &RenderOptions) -> String {
        let opts = RenderOptions {
            show_values: true,
            ..*opts
        };
        if let (Output::Sarif, Some(run)) = (output, &self.run) {
            let log = serde_json::json!({
                "$schema": sarif::SCHEMA,
                "version": sarif::VERSION,
                "runs": [run],
            });
            return serde_json::to_string_pretty(&log).unwrap_or_default() + "\n";
        }
        if output == Output::Json {
            let diagnostics: Vec<Diagnostic> = self.items.iter().map(Item::diagnostic).collect();
            let version = self.bylaw_version.as_deref();
            return json::write(&diagnostics, self.summary, &self.as_of, version, None);
        }
        let findings: Vec<Finding> = self
            .items
            .iter()
            .map(|i| finding_of(&i.diagnostic()))
            .collect();
        let as_of = chrono::NaiveDate::parse_from_str(&self.as_of, "%Y-%m-%d").unwrap_or_default();
        match output {
            Output::Human => human::render(&findings, self.summary, &opts),
            Output::Github => github::render(&findings, self.summary, &opts),
            Output::Junit => junit::render(&findings, &self.files, self.summary, as_of, &opts),
            Output::Sarif | Output::Json => {
                sarif::render(&findings, &[], self.summary, as_of, &opts)
            }
        }
    }
}

/// A finding as a report gives it, for the renderers: no source text, its position resolved.
fn finding_of(d: &Diagnostic) -> Finding {
    let location = Location {
        line: d.line,
        column: d.column,
        end_line: d.end_line,
        end_column: d.end_column,
    };
    let in_records =
        d.sheet.is_some() || d.row.is_some() || d.field.is_some() || d.rule == MALFORMED_RECORD;
    let record = in_records.then(|| RecordLocation {
        sheet: d.sheet.clone(),
        cell: d.cell.clone(),
        row: d.row,
        field: d.field.clone(),
        line: d.line,
        column: d.column,
        end_column: d.end_column,
        snippet: None,
        place: record_place(d),
    });
    // An input error is about the whole file: reports give it the position 1:1–1:1.
    let whole_file = d.rule.starts_with("bylaw/")
        && (d.line, d.column, d.end_line, d.end_column) == (1, 1, 1, 1);
    Finding {
        rule: d.rule.clone(),
        clauses: d.clauses.clone(),
        severity: d.severity,
        message: d.message.clone(),
        label: None,
        help: d.help.clone(),
        file: d.file.clone(),
        source: None,
        span: None,
        table_cell: if in_records { None } else { d.cell.clone() },
        position: (!in_records && !whole_file).then_some(location),
        record,
    }
}

/// Where in a record file, as a run names it: `Sheet1!C17`, `Sheet1, row 5`, `record 3`.
fn record_place(d: &Diagnostic) -> Option<String> {
    match (&d.sheet, &d.cell, d.row) {
        (Some(sheet), Some(cell), _) => Some(format!("{sheet}!{cell}")),
        (Some(sheet), None, Some(_)) => Some(format!("{sheet}, row {}", d.line)),
        (Some(sheet), None, None) => Some(format!("{sheet}, header")),
        (None, _, Some(row)) if d.file.ends_with(".json") || d.file.ends_with(".jsonl") => {
            Some(format!("record {row}"))
        }
        _ => None,
    }
}

/// A SARIF result as a JSON diagnostic.
fn diagnostic_of_result(r: &Value) -> Diagnostic {
    let props = &r["properties"];
    let clauses: Vec<String> = props["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    let message = text(&r["message"]["text"]);
    // The SARIF message leads with the clauses; the JSON message does not.
    let lead = format!("[{}] ", clauses.join(", "));
    let message = match message.strip_prefix(&lead) {
        Some(rest) if !clauses.is_empty() => rest.to_string(),
        _ => message,
    };
    let region = &r["locations"][0]["physicalLocation"]["region"];
    let some_text = |v: &Value| v.as_str().map(str::to_string);
    Diagnostic {
        rule: text(&r["ruleId"]),
        clauses,
        severity: sarif_severity(r),
        message,
        help: some_text(&props["help"]),
        file: sarif_file(r),
        line: count(&region["startLine"]),
        column: count(&region["startColumn"]),
        end_line: count(&region["endLine"]),
        end_column: count(&region["endColumn"]),
        sheet: some_text(&props["sheet"]),
        cell: some_text(&props["cell"]),
        row: props["row"].as_u64().and_then(|n| usize::try_from(n).ok()),
        field: some_text(&props["field"]),
    }
}

/// The severity of a SARIF result (SARIF's default level is `warning`).
fn sarif_severity(r: &Value) -> Severity {
    match r["level"].as_str() {
        Some("error") => Severity::Error,
        Some("note") | Some("none") => Severity::Info,
        _ => Severity::Warning,
    }
}

/// The file a SARIF result is about, as reported (its URI reference decoded).
fn sarif_file(r: &Value) -> String {
    percent_decode(&text(
        &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
    ))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// A 1-based count from a report (1 when absent, as for a finding about a whole file).
fn count(v: &Value) -> usize {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_undoes_uri_references() {
        for path in ["a b/c#1%.md", "报告.md", "C:/x", "plain/path.md", "100%"] {
            assert_eq!(percent_decode(&sarif::uri_reference(path)), path);
        }
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("a%zz"), "a%zz");
    }

    #[test]
    fn garbage_is_refused() {
        for text in [
            "",
            "not json",
            "[]",
            "{}",
            "{\"runs\": 3, \"version\": \"2.1.0\"}",
        ] {
            assert!(read("x", text).is_err(), "{text:?} is refused");
        }
        let other_tool = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"eslint","rules":[]}},"results":[],"properties":{"as_of":"2026-11-30","summary":{"files_checked":0,"errors":0,"warnings":0}}}]}"#;
        assert!(read("x", other_tool).is_err_and(|e| e.contains("not bylaw")));
    }
}
