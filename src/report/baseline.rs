//! Baselines: accept today's findings so that only new ones fail.
//!
//! A finding is identified by its rule, its file and a fingerprint of what it is about — the
//! text it points at and its message with numbers blanked — never by its line, so edits
//! elsewhere in a file do not resurrect it. Identical findings are counted: three baselined
//! occurrences excuse three, not a fourth.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::finding::Finding;

/// The baseline file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entry {
    pub rule: String,
    pub file: String,
    pub fingerprint: String,
}

/// What comparing a run with a baseline found.
#[derive(Debug, Default)]
pub struct Compared {
    /// Findings not in the baseline: these count.
    pub new: Vec<Finding>,
    /// Findings the baseline accepts.
    pub baselined: Vec<Finding>,
    /// Baseline entries no finding matched any more: fixed.
    pub fixed: Vec<Entry>,
}

/// The identity of a finding for baselines.
pub fn entry(f: &Finding) -> Entry {
    let subject = match (&f.source, f.span, &f.record) {
        (Some(src), Some(span), _) => src.slice(span).trim().to_string(),
        (_, _, Some(r)) => format!(
            "{}|{}|{}",
            r.field.as_deref().unwrap_or(""),
            r.sheet.as_deref().unwrap_or(""),
            r.snippet
                .as_ref()
                .and_then(|s| s.text.get(s.span.clone()))
                .unwrap_or("")
        ),
        _ => String::new(),
    };
    let message: String = f
        .message
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    let mut hash = crate::hash::Fnv::default();
    for part in [
        f.rule.as_str(),
        f.file.as_str(),
        subject.as_str(),
        message.as_str(),
    ] {
        hash.write(part.as_bytes());
        hash.write(&[0xff]);
    }
    Entry {
        rule: f.rule.clone(),
        file: f.file.clone(),
        fingerprint: format!("{:016x}", hash.finish()),
    }
}

/// A baseline of these findings.
pub fn of(findings: &[Finding]) -> Baseline {
    let mut entries: Vec<Entry> = findings.iter().map(entry).collect();
    entries.sort();
    Baseline {
        version: 1,
        findings: entries,
    }
}

/// Split findings into new and baselined; report the baseline entries nothing matched.
pub fn compare(findings: Vec<Finding>, baseline: &Baseline) -> Compared {
    let mut budget: HashMap<&Entry, usize> = HashMap::new();
    for e in &baseline.findings {
        *budget.entry(e).or_default() += 1;
    }
    let mut out = Compared::default();
    for f in findings {
        let e = entry(&f);
        match budget.get_mut(&e) {
            Some(n) if *n > 0 => {
                *n -= 1;
                out.baselined.push(f);
            }
            _ => out.new.push(f),
        }
    }
    for e in &baseline.findings {
        if let Some(n) = budget.get_mut(e)
            && *n > 0
        {
            *n -= 1;
            out.fixed.push(e.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::ast::Severity;
    use crate::source::{SourceFile, Span};

    fn finding(text: &str, needle: &str) -> Finding {
        let src = SourceFile::new("ad.md", text);
        let at = text.find(needle).unwrap();
        Finding {
            rule: "ad-copy/absolute-term".into(),
            clauses: vec!["1.3.1".into()],
            severity: Severity::Error,
            message: format!("`{needle}` is an absolute term"),
            label: None,
            help: None,
            file: "ad.md".into(),
            source: Some(src),
            span: Some(Span::new(at, at + needle.len())),
            record: None,
            table_cell: None,
            position: None,
        }
    }

    #[test]
    fn matching_ignores_lines_and_counts_occurrences() {
        let before = vec![finding("# 海报\n最佳口感\n", "最佳")];
        let baseline = of(&before);
        // The same term two lines further down is still the baselined finding.
        let after = vec![finding("# 海报\n\n\n最佳口感\n", "最佳")];
        let c = compare(after, &baseline);
        assert_eq!((c.new.len(), c.baselined.len(), c.fixed.len()), (0, 1, 0));
        // A second occurrence is new.
        let after = vec![
            finding("# 海报\n最佳口感\n", "最佳"),
            finding("# 海报\n最佳\n", "最佳"),
        ];
        let c = compare(after, &baseline);
        assert_eq!((c.new.len(), c.baselined.len()), (1, 1));
        // Gone: reported as fixed.
        let c = compare(vec![finding("# 海报\n第一\n", "第一")], &baseline);
        assert_eq!((c.new.len(), c.fixed.len()), (1, 1));
    }

    #[test]
    fn fingerprints_are_stable() {
        let e = entry(&finding("# 海报\n最佳口感\n", "最佳"));
        assert_eq!(e.fingerprint.len(), 16);
        assert_eq!(e, entry(&finding("# 海报\n最佳口感\n", "最佳")));
    }
}
