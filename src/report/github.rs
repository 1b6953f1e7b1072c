//! GitHub Actions workflow commands: one annotation per finding, then the summary line.
//!
//! ```text
//! ::error file=reports/x.md,line=1,col=3,endLine=1,endColumn=20,title=research-report/missing-part [4.1.5%2C 2.1.2]::research report has no conclusion%0Ahelp: add a section …
//! ```
//!
//! Errors are `::error`, warnings `::warning`, notes `::notice`. A finding about a whole file
//! (an input error) has no position; a finding in a spreadsheet or a Word table names its cell
//! before the message (`[Sheet1!C17] …`), since the line of a binary file means little to a
//! reader. The help text follows the message on a line of its own. Values are escaped as the
//! runner wants: `%`, CR and LF everywhere, and also `:` and `,` in properties.

use super::RenderOptions;
use super::finding::{Finding, Summary};
use super::human::summary_line;
use super::junit::place;
use super::sarif::has_location;
use crate::policy::ast::Severity;

/// Render findings as workflow commands, one a line, then the summary line (plain text, which
/// the runner prints as it is).
pub fn render(findings: &[Finding], summary: Summary, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&command(f, opts));
        out.push('\n');
    }
    out.push_str(&summary_line(summary));
    out.push('\n');
    out
}

/// One finding as a workflow command.
pub fn command(f: &Finding, opts: &RenderOptions) -> String {
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = vec![format!("file={}", property(&f.file))];
    if has_location(f) {
        let loc = f.location();
        props.push(format!("line={}", loc.line));
        props.push(format!("col={}", loc.column));
        props.push(format!("endLine={}", loc.end_line));
        props.push(format!("endColumn={}", loc.end_column));
    }
    let title = if f.clauses.is_empty() {
        f.rule.clone()
    } else {
        format!("{} [{}]", f.rule, f.clauses.join(", "))
    };
    props.push(format!("title={}", property(&title)));

    let mut message = String::new();
    if let Some(place) = place(f) {
        message.push_str(&format!("[{place}] "));
    }
    message.push_str(&opts.mask(&f.message));
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(&opts.mask(help));
    }
    format!("::{name} {}::{}", props.join(","), data(&message))
}

/// Escape a command's message.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property's value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d");
        assert_eq!(property("50% a\nb: c,d"), "50%25 a%0Ab%3A c%2Cd");
    }
}
