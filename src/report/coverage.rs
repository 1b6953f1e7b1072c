//! Clause coverage: for every clause of the registry, which rules enforce it and how many test
//! cases exercise them — or the reason it is declared not checkable. A clause neither
//! enforced nor declared is "not covered": forgotten, not waived.
//!
//! A rule is exercised by a test case that shows it reporting: a passing `bylaw test` case
//! that expects it, or (for a folder of plain fixtures) a file on which it reports.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::policy::PolicySet;
use crate::suite::Exercised;

#[derive(Debug, Serialize)]
pub struct ClauseCoverage {
    pub clause: String,
    pub title: String,
    /// `enforced`, `untested` (enforced, but no test case shows its rules reporting),
    /// `not-checkable`, or `not-covered`.
    pub status: &'static str,
    pub rules: Vec<String>,
    /// Test cases in which one of the rules reports a finding.
    pub test_cases: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Coverage {
    pub clauses: Vec<ClauseCoverage>,
    /// Covered clauses (enforced and tested, or declared not checkable) in percent.
    pub percent: f64,
}

/// Coverage of a policy set. `exercised`: the test cases in which a rule reports a finding
/// and the clauses that finding cites, or `None` when no tests were given (then an enforced
/// clause counts as covered). A case exercises a clause only through findings that cite it:
/// a missing peer score (5.3.3) does not test the self score (5.3.1).
pub fn of(set: &PolicySet, exercised: Option<&[Exercised]>) -> Coverage {
    let mut cases_per_clause: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in exercised.into_iter().flatten() {
        for clause in &e.clauses {
            cases_per_clause
                .entry(clause.as_str())
                .or_default()
                .insert(e.case.as_str());
        }
    }
    let mut clauses = Vec::new();
    for (id, title) in &set.clauses {
        let rules: Vec<String> = set
            .rules
            .iter()
            .filter(|r| r.clauses.contains(id))
            .map(|r| r.id.clone())
            .collect();
        let test_files = cases_per_clause.get(id.as_str()).map_or(0, BTreeSet::len);
        let reason = set.not_checkable.get(id).cloned();
        let status = match (&reason, rules.is_empty()) {
            (Some(_), _) => "not-checkable",
            (None, true) => "not-covered",
            (None, false) if exercised.is_some() && test_files == 0 => "untested",
            (None, false) => "enforced",
        };
        clauses.push(ClauseCoverage {
            clause: id.clone(),
            title: title.clone(),
            status,
            rules,
            test_cases: test_files,
            reason,
        });
    }
    clauses.sort_by_key(|c| clause_order(&c.clause));
    let covered = clauses
        .iter()
        .filter(|c| matches!(c.status, "enforced" | "not-checkable"))
        .count();
    let percent = if clauses.is_empty() {
        100.0
    } else {
        (covered as f64) * 100.0 / (clauses.len() as f64)
    };
    Coverage { clauses, percent }
}

/// `4.1.5` before `4.1.10`: numeric order of the parts.
fn clause_order(id: &str) -> Vec<u32> {
    id.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// The coverage as a table.
pub fn render(c: &Coverage) -> String {
    let mut out = String::new();
    for cl in &c.clauses {
        let detail = match cl.status {
            "not-checkable" => format!("not checkable: {}", cl.reason.as_deref().unwrap_or("")),
            "not-covered" => "NOT COVERED: no rule, and not declared `not checkable`".to_string(),
            _ => format!("{} ({} test case(s))", cl.rules.join(", "), cl.test_cases),
        };
        out.push_str(&format!("{:<7} {:<14} {}\n", cl.clause, cl.status, detail));
    }
    let enforced = c.clauses.iter().filter(|x| x.status == "enforced").count();
    let waived = c
        .clauses
        .iter()
        .filter(|x| x.status == "not-checkable")
        .count();
    out.push_str(&format!(
        "\n{} clauses: {enforced} enforced and tested, {waived} declared not checkable, {} untested, {} not covered — {:.1}% covered\n",
        c.clauses.len(),
        c.clauses.iter().filter(|x| x.status == "untested").count(),
        c.clauses.iter().filter(|x| x.status == "not-covered").count(),
        c.percent
    ));
    out
}
