//! Running the rules of a policy set over documents and records.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::eval::{Evaluator, Globals, Reported};
use super::records::record_location;
use super::value::{Place, Value};
use crate::model::Document;
use crate::policy::ast::Severity;
use crate::policy::{ANY_DOCUMENT, PolicySet, Rule};
use crate::report::finding::{Finding, RULE_ABORTED};

/// Per-rule settings from the configuration.
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    /// Rules switched off.
    pub disabled: Vec<String>,
    /// Severity overrides.
    pub severity: HashMap<String, Severity>,
}

/// A policy set ready to check inputs, shared by all worker threads.
pub struct Checker {
    pub policies: Arc<PolicySet>,
    pub settings: RuleSettings,
    pub as_of: NaiveDate,
    /// Documents other rules look up with `documents(kind)` (cross-source rules), by kind.
    pub corpus: HashMap<String, Vec<Value>>,
}

/// The names a rule sees: the policy's constants plus `document` or `records`, `kind`,
/// `as_of`.
pub struct RuleScope<'a> {
    base: &'a rustc_hash::FxHashMap<String, Value>,
    corpus: &'a HashMap<String, Vec<Value>>,
    document: Value,
    records: Value,
    kind: Value,
    as_of: Value,
}

impl<'a> RuleScope<'a> {
    pub fn new(
        checker: &'a Checker,
        document: Option<Value>,
        kind: Option<&str>,
        records: Option<Value>,
    ) -> Self {
        RuleScope {
            base: &checker.policies.globals,
            corpus: &checker.corpus,
            document: document.unwrap_or(Value::None),
            records: records.unwrap_or(Value::None),
            kind: kind.map(Value::text).unwrap_or(Value::None),
            as_of: Value::Date(checker.as_of),
        }
    }
}

impl Globals for RuleScope<'_> {
    fn global(&self, name: &str) -> Option<&Value> {
        match name {
            "document" => Some(&self.document),
            "records" => Some(&self.records),
            "as_of" => Some(&self.as_of),
            "kind" => Some(&self.kind),
            _ => self.base.get(name),
        }
    }

    fn documents(&self, kind: &str) -> &[Value] {
        self.corpus.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }
}

impl Checker {
    pub fn new(policies: Arc<PolicySet>, settings: RuleSettings, as_of: NaiveDate) -> Self {
        Checker {
            policies,
            settings,
            as_of,
            corpus: HashMap::new(),
        }
    }

    /// The rules that apply to an input of `kind` (`None`: not recognised).
    /// Rules for `document` apply to every document, never to records.
    pub fn rules_for(&self, kind: Option<&str>) -> Vec<&Rule> {
        let is_records = kind.is_some_and(|k| {
            self.policies
                .kinds
                .iter()
                .any(|d| d.name == k && d.is_records())
        });
        self.policies
            .rules
            .iter()
            .filter(|r| {
                r.in_force(self.as_of)
                    && !self.settings.disabled.contains(&r.id)
                    && r.applies
                        .iter()
                        .any(|a| (a == ANY_DOCUMENT && !is_records) || Some(a.as_str()) == kind)
            })
            .collect()
    }

    /// Check one document; `file` is the path as it should be reported.
    pub fn check_document(
        &self,
        doc: Arc<Document>,
        kind: Option<&str>,
        file: &str,
    ) -> Vec<Finding> {
        let scope = Arc::new(RuleScope::new(
            self,
            Some(Value::Document(doc.clone())),
            kind,
            None,
        ));
        let mut findings = Vec::new();
        for rule in self.rules_for(kind) {
            let mut ev = Evaluator::new(scope.clone(), rule.message.as_ref(), rule.help.as_ref());
            let outcome = ev.run(&rule.body);
            for r in ev.reported {
                findings.push(self.finding(rule, r, file, Some(&doc)));
            }
            if outcome.is_err() {
                findings.push(self.aborted(rule, file, Some(&doc)));
            }
        }
        findings
    }

    /// A finding from what a rule reported.
    pub fn finding(
        &self,
        rule: &Rule,
        r: Reported,
        file: &str,
        doc: Option<&Arc<Document>>,
    ) -> Finding {
        let severity = self
            .settings
            .severity
            .get(&rule.id)
            .copied()
            .unwrap_or(rule.severity);
        let (span, record) = match &r.place {
            Some(Place::Span(s)) => (Some(*s), None),
            Some(other) => (None, record_location(other)),
            None => (None, None),
        };
        let table_cell = match (doc, span) {
            (Some(d), Some(s)) => docx_table_cell(d, s),
            _ => None,
        };
        Finding {
            rule: rule.id.clone(),
            clauses: if r.cite.is_empty() {
                rule.clauses.clone()
            } else {
                r.cite
            },
            severity,
            message: r.message,
            label: rule.label.as_ref().map(|l| l.value.clone()),
            help: r.help,
            file: file.to_string(),
            source: doc.map(|d| d.source.clone()).filter(|_| record.is_none()),
            span,
            record,
            table_cell,
            position: None,
        }
    }

    /// The finding for a rule that ran out of steps on an input.
    pub fn aborted(&self, rule: &Rule, file: &str, doc: Option<&Arc<Document>>) -> Finding {
        Finding {
            rule: RULE_ABORTED.to_string(),
            clauses: Vec::new(),
            severity: Severity::Error,
            message: format!("rule `{}` did not finish on this file: it took too many steps", rule.id),
            label: None,
            help: Some(
                "the file is unusually large, or the rule loops over too much; findings of this rule may be incomplete"
                    .into(),
            ),
            file: file.to_string(),
            source: doc.map(|d| d.source.clone()),
            span: None,
            record: None,
            table_cell: None,
            position: None,
        }
    }
}

/// The Word table cell a span falls in, as `T1R5C4` (1-based; the header is row 1).
fn docx_table_cell(doc: &Document, span: crate::source::Span) -> Option<String> {
    if doc.format != crate::model::Format::Docx {
        return None;
    }
    doc.tables.iter().enumerate().find_map(|(t, table)| {
        std::iter::once(&table.header)
            .chain(table.rows.iter())
            .enumerate()
            .find_map(|(r, row)| {
                row.iter()
                    .position(|c| {
                        c.span.start <= span.start && span.end <= c.span.end.max(c.span.start + 1)
                    })
                    .map(|c| format!("T{}R{}C{}", t + 1, r + 1, c + 1))
            })
    })
}
