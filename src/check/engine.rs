//! Running the rules of a policy set over one document.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::eval::{Evaluator, Globals};
use super::value::Value;
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

/// A policy set ready to check documents, shared by all worker threads.
pub struct Checker {
    pub policies: Arc<PolicySet>,
    pub settings: RuleSettings,
    pub as_of: NaiveDate,
}

/// The names a rule sees: the policy's constants plus `document` and `as_of`.
struct RuleScope<'a> {
    base: &'a HashMap<String, Value>,
    document: Value,
    kind: Value,
    as_of: Value,
}

impl Globals for RuleScope<'_> {
    fn global(&self, name: &str) -> Option<&Value> {
        match name {
            "document" => Some(&self.document),
            "as_of" => Some(&self.as_of),
            "kind" => Some(&self.kind),
            _ => self.base.get(name),
        }
    }
}

impl Checker {
    /// The rules that apply to a document of `kind` (`None`: not recognised).
    pub fn rules_for<'a>(&'a self, kind: Option<&'a str>) -> impl Iterator<Item = &'a Rule> + 'a {
        self.policies.rules.iter().filter(move |r| {
            !self.settings.disabled.contains(&r.id)
                && r.applies
                    .iter()
                    .any(|a| a == ANY_DOCUMENT || Some(a.as_str()) == kind)
        })
    }

    /// Check one document; `file` is the path as it should be reported.
    pub fn check_document(
        &self,
        doc: Arc<Document>,
        kind: Option<&str>,
        file: &str,
    ) -> Vec<Finding> {
        let scope = RuleScope {
            base: &self.policies.globals,
            document: Value::Document(doc.clone()),
            kind: kind.map(Value::text).unwrap_or(Value::None),
            as_of: Value::Date(self.as_of),
        };
        let mut findings = Vec::new();
        for rule in self.rules_for(kind) {
            let mut ev = Evaluator::new(&scope, rule.message.as_ref(), rule.help.as_ref());
            let severity = self
                .settings
                .severity
                .get(&rule.id)
                .copied()
                .unwrap_or(rule.severity);
            let outcome = ev.run(&rule.body);
            for r in ev.reported {
                findings.push(Finding {
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
                    source: Some(doc.source.clone()),
                    span: r.span,
                });
            }
            if outcome.is_err() {
                findings.push(Finding {
                    rule: RULE_ABORTED.to_string(),
                    clauses: Vec::new(),
                    severity: Severity::Error,
                    message: format!("rule `{}` did not finish on this file: it took too many steps", rule.id),
                    label: None,
                    help: Some("the file is unusually large, or the rule loops over too much; findings of this rule may be incomplete".into()),
                    file: file.to_string(),
                    source: Some(doc.source.clone()),
                    span: None,
                });
            }
        }
        findings
    }
}
