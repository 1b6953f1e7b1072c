//! Checking records: a table's header is mapped to the kind's columns, then rows stream
//! through every rule.
//!
//! A record rule is written as a prelude (run once, with the header known), one
//! `for row in records { … }` loop (run for each row as it is read), and an epilogue (run at
//! the end, where `group … into NAME` collections are complete). Rows are never all held in
//! memory unless a rule groups them.

use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::builtins::money::unit_multiplier;
use super::engine::{Checker, RuleScope};
use super::eval::Evaluator;
use super::value::{Place, Value};
use crate::model::normalize::{fold_width, half_width};
use crate::model::record::{Row, Table};
use crate::policy::ast::{ExprKind, Stmt};
use crate::policy::{KindDef, Rule};
use crate::report::finding::{Finding, RecordLocation, Snippet};

/// How a table's columns map onto a kind's named columns.
#[derive(Debug)]
pub struct Layout {
    pub table: Arc<Table>,
    pub kind: String,
    /// Canonical column name → column index, for the columns present.
    pub columns: HashMap<String, usize>,
    /// Canonical name of each column index, when it is one of the kind's columns.
    pub names: Vec<Option<String>>,
    /// Columns holding personal data.
    pub personal: Vec<bool>,
    /// Unit multiplier from each header (`预算（万元）` → 10000).
    pub units: Vec<Option<Decimal>>,
}

/// A record with the layout that names its columns.
#[derive(Debug)]
pub struct RecordRef {
    pub row: Row,
    pub layout: Arc<Layout>,
}

impl RecordRef {
    pub fn cell_text(&self, col: usize) -> &str {
        self.row.cells.get(col).map(|c| &*c.text).unwrap_or("")
    }

    /// The cell of a named column, or `none` when the table has no such column.
    pub fn field(self: &Arc<Self>, name: &str) -> Value {
        match self.layout.columns.get(name) {
            Some(col) => Value::Cell(self.clone(), *col),
            None => Value::None,
        }
    }
}

/// A header cell normalised for matching: the unit in brackets removed, width folded,
/// lower-cased, white space, `_` and `-` dropped.
pub fn normalize_header(header: &str) -> String {
    let mut s = fold_width(header.trim());
    for (open, close) in [('(', ')'), ('[', ']')] {
        if s.ends_with(close)
            && let Some(i) = s.rfind(open)
        {
            s.truncate(i);
        }
    }
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .collect::<String>()
        .trim_end_matches(['.', ':', '：', '*'])
        .to_string()
}

/// A totals row at the foot of a table (`合计 | | 12,000`) is not a record.
fn is_totals_row(row: &Row) -> bool {
    const TOTALS: [&str; 10] = [
        "合计",
        "总计",
        "小计",
        "总数",
        "合计：",
        "total",
        "totals",
        "sum",
        "subtotal",
        "grand total",
    ];
    let Some(first) = row
        .cells
        .iter()
        .map(|c| c.text.trim())
        .find(|t| !t.is_empty())
    else {
        return false;
    };
    // Compared char by char as folded (no allocation: this runs for every row).
    let folded = first.chars().flat_map(|c| half_width(c).to_lowercase());
    TOTALS.iter().any(|t| t.chars().eq(folded.clone()))
}

/// How many of `columns`' synonyms appear among normalised headers.
fn matches(headers: &[String], synonyms: &[String]) -> bool {
    synonyms
        .iter()
        .map(|s| normalize_header(s))
        .any(|s| !s.is_empty() && headers.contains(&s))
}

/// The number of the kind's columns present in a header row (`only`: just these columns).
pub fn columns_present(kind: &KindDef, row: &[String], only: Option<&[String]>) -> usize {
    let headers: Vec<String> = row.iter().map(|h| normalize_header(h)).collect();
    kind.columns
        .iter()
        .filter(|(name, _)| only.is_none_or(|o| o.contains(name)))
        .filter(|(_, syn)| matches(&headers, syn))
        .count()
}

/// Choose the header row (among the first rows) and the kind of one table.
///
/// The header is the first row whose cells identify a kind (two or more of its identifying
/// columns), and the kind with the most identifying columns wins. The kind
/// the file name names (`by_name`) wins unless a row identifies another kind more strongly —
/// so the complaint sheet of `客户信息.xlsx` is still checked as a complaint log. When nothing
/// identifies any kind, a named kind takes the row with most of its columns.
///
/// `one_of_many`: the table is one sheet of a workbook. A sheet in which no row has any of the
/// named kind's columns (a notes or summary sheet) is then not taken for that kind.
pub fn pick_header(
    kinds: &[&KindDef],
    by_name: Option<&KindDef>,
    rows: &[Vec<String>],
    one_of_many: bool,
) -> Option<(usize, String)> {
    let identified = |min: usize| {
        rows.iter().enumerate().find_map(|(i, row)| {
            kinds
                .iter()
                .map(|k| (columns_present(k, row, Some(&k.identify)), *k))
                .filter(|(n, _)| *n >= min)
                .max_by_key(|(n, _)| *n)
                .map(|(n, k)| (i, n, k))
        })
    };
    // One generic column (`name`, `status`) is not enough to tell what a table is.
    let by_header = identified(2);
    match (by_name, by_header) {
        (Some(named), Some((i, n, k))) => {
            // Another kind wins only when the row identifies it by more columns than the
            // named kind has in that row at all (a roster's 员工编号/姓名 do not make it an
            // appraisal sheet; a complaint sheet in a customer workbook is a complaint log).
            let named_strength = columns_present(named, &rows[i], None);
            if k.name != named.name && n > named_strength {
                Some((i, k.name.clone()))
            } else {
                Some((best_row(named, rows), named.name.clone()))
            }
        }
        (Some(named), None) => {
            let row = best_row(named, rows);
            let has_columns = rows
                .get(row)
                .is_some_and(|r| columns_present(named, r, None) > 0);
            if one_of_many && !has_columns {
                None
            } else {
                Some((row, named.name.clone()))
            }
        }
        (None, Some((i, _, k))) => Some((i, k.name.clone())),
        (None, None) => None,
    }
}

/// The row with most of the kind's columns (the first such), or the first row.
fn best_row(kind: &KindDef, rows: &[Vec<String>]) -> usize {
    rows.iter()
        .enumerate()
        .map(|(i, r)| (columns_present(kind, r, None), i))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, i)| (*n, std::cmp::Reverse(*i)))
        .map(|(_, i)| i)
        .unwrap_or(0)
}

/// Map a table's header onto a kind's columns.
pub fn layout(table: Arc<Table>, kind: &KindDef) -> Layout {
    let headers: Vec<String> = table.header.iter().map(|h| normalize_header(h)).collect();
    let mut columns = HashMap::default();
    let mut names = vec![None; headers.len()];
    for (name, synonyms) in &kind.columns {
        let normalized: Vec<String> = synonyms.iter().map(|s| normalize_header(s)).collect();
        if let Some(col) = headers
            .iter()
            .position(|h| !h.is_empty() && normalized.contains(h))
            && names[col].is_none()
        {
            columns.insert(name.clone(), col);
            names[col] = Some(name.clone());
        }
    }
    let personal = names
        .iter()
        .map(|n| n.as_ref().is_some_and(|n| kind.personal.contains(n)))
        .collect();
    let units = table.header.iter().map(|h| unit_multiplier(h)).collect();
    Layout {
        table,
        kind: kind.name.clone(),
        columns,
        names,
        personal,
        units,
    }
}

/// A rule split for streaming: what runs before the rows, per row, and after.
pub struct Split<'r> {
    pub prelude: &'r [Stmt],
    /// The loop variable and body of `for VAR in records { … }`, if the rule has one.
    pub per_row: Option<(&'r str, &'r [Stmt])>,
    pub epilogue: &'r [Stmt],
}

/// Split a record rule's body at its top-level `for … in records` loop.
pub fn split(rule: &Rule) -> Split<'_> {
    let body = rule.body.as_slice();
    let at = body.iter().position(|s| {
        matches!(s, Stmt::For { iter, .. } if matches!(&iter.kind, ExprKind::Ident(n) if n == "records"))
    });
    match at {
        Some(i) => {
            let per_row = match &body[i] {
                Stmt::For { binding, body, .. } => {
                    Some((binding.first.text.as_str(), body.as_slice()))
                }
                _ => None,
            };
            Split {
                prelude: &body[..i],
                per_row,
                epilogue: &body[i + 1..],
            }
        }
        None => Split {
            prelude: body,
            per_row: None,
            epilogue: &[],
        },
    }
}

/// One rule running over one table.
struct RuleRun<'c> {
    rule: &'c Rule,
    split: Split<'c>,
    ev: Evaluator<'c>,
    /// The rule ran out of fuel on a row: it skips the rest of the table and is reported.
    aborted: bool,
}

impl RuleRun<'_> {
    /// Run the rule's loop body over rows, in order.
    fn rows(&mut self, rows: &[Value]) {
        let Some((var, body)) = self.split.per_row else {
            return;
        };
        for record in rows {
            if self.aborted {
                return;
            }
            self.ev.refuel(FUEL_PER_ROW);
            let depth = self.ev.depth();
            self.ev.bind(var, record.clone());
            self.aborted = self.ev.run(body).is_err();
            self.ev.truncate(depth);
        }
    }
}

/// Rows queued before the rules run over them.
const BATCH_ROWS: usize = 4096;

/// Batches a rule's thread may have queued: bounds the rows in memory to a few batches.
const QUEUED_BATCHES: usize = 4;

/// Steps a rule may take per row (and for its prelude and epilogue).
const FUEL_PER_ROW: u64 = 200_000;

/// The rules of a large table, each on a thread of its own, fed the same batches of rows in
/// order. Each rule keeps its own state (`first_seen`, groups), so its findings are those of
/// row-at-a-time evaluation, while the reader and the rules use every core; a rule that
/// finishes a batch goes on to the next without waiting for slower rules.
struct Pipeline<'s, 'c> {
    feeds: Vec<SyncSender<Arc<Vec<Value>>>>,
    workers: Vec<ScopedJoinHandle<'s, RuleRun<'c>>>,
    /// Batches handed over, oldest first. The reader takes each back when every rule is done
    /// with it: its rows are freed by the thread that allocated them and its buffer is reused
    /// (freeing rows on the rules' threads and allocating a buffer per batch made the
    /// allocator's work grow with the table).
    in_flight: VecDeque<Arc<Vec<Value>>>,
}

impl Pipeline<'_, '_> {
    /// The oldest batch, emptied, if every rule is done with it.
    fn reclaim(&mut self) -> Option<Vec<Value>> {
        let oldest = self.in_flight.pop_front()?;
        match Arc::try_unwrap(oldest) {
            Ok(mut rows) => {
                rows.clear();
                Some(rows)
            }
            Err(oldest) => {
                self.in_flight.push_front(oldest);
                None
            }
        }
    }
}

/// Checks one table after another as a reader pushes rows.
pub struct TableChecker<'c, 's, 'e> {
    checker: &'c Checker,
    /// Where a large table's rules get their threads (none: evaluated on the caller's).
    threads: Option<&'s Scope<'s, 'e>>,
    runs: Vec<RuleRun<'c>>,
    pipeline: Option<Pipeline<'s, 'c>>,
    layout: Option<Arc<Layout>>,
    /// Rows read but not yet checked.
    batch: Vec<Value>,
    pub findings: Vec<Finding>,
}

impl<'c: 's, 's, 'e> TableChecker<'c, 's, 'e> {
    pub fn new(checker: &'c Checker, threads: Option<&'s Scope<'s, 'e>>) -> Self {
        TableChecker {
            checker,
            threads,
            runs: Vec::new(),
            pipeline: None,
            layout: None,
            batch: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// A new table starts: finish the previous one and run the rules' preludes.
    pub fn start(&mut self, table: Arc<Table>, kind: &KindDef) {
        self.finish();
        let layout = Arc::new(layout(table, kind));
        let scope = Arc::new(RuleScope::new(
            self.checker,
            None,
            Some(&layout.kind),
            Some(Value::Records(layout.clone())),
        ));
        for rule in self.checker.rules_for(Some(&layout.kind)) {
            let mut ev = Evaluator::new(scope.clone(), rule.message.as_ref(), rule.help.as_ref());
            ev.refuel(FUEL_PER_ROW);
            let split = split(rule);
            if ev.run_keep(split.prelude).is_err() {
                self.findings
                    .push(self.checker.aborted(rule, &layout.table.file, None));
                continue;
            }
            self.runs.push(RuleRun {
                rule,
                split,
                ev,
                aborted: false,
            });
        }
        self.layout = Some(layout);
    }

    /// One row: queued, and handed to the rules when a batch is full.
    pub fn row(&mut self, row: Row) {
        let Some(layout) = &self.layout else { return };
        if is_totals_row(&row) {
            return;
        }
        self.batch.push(Value::Record(Arc::new(RecordRef {
            row,
            layout: layout.clone(),
        })));
        if self.batch.len() >= BATCH_ROWS {
            self.hand_over();
        }
    }

    /// Give the queued rows to the rules. The first full batch of a table starts its
    /// pipeline; a table smaller than a batch is checked here, its rules in parallel.
    fn hand_over(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        if self.pipeline.is_none()
            && self.batch.len() >= BATCH_ROWS
            && let Some(threads) = self.threads
        {
            self.pipeline = Some(self.start_pipeline(threads));
        }
        let batch = std::mem::take(&mut self.batch);
        match &mut self.pipeline {
            Some(p) => {
                let batch = Arc::new(batch);
                for feed in &p.feeds {
                    // A closed feed means its worker panicked; `finish` reports it.
                    let _ = feed.send(Arc::clone(&batch));
                }
                p.in_flight.push_back(batch);
                self.batch = p
                    .reclaim()
                    .unwrap_or_else(|| Vec::with_capacity(BATCH_ROWS));
            }
            None => {
                self.runs.par_iter_mut().for_each(|run| run.rows(&batch));
                self.batch = batch;
                self.batch.clear();
            }
        }
    }

    fn start_pipeline(&mut self, threads: &'s Scope<'s, 'e>) -> Pipeline<'s, 'c> {
        let mut feeds = Vec::new();
        let mut workers = Vec::new();
        for mut run in std::mem::take(&mut self.runs) {
            let (feed, batches) = sync_channel::<Arc<Vec<Value>>>(QUEUED_BATCHES);
            feeds.push(feed);
            workers.push(threads.spawn(move || {
                for batch in batches {
                    run.rows(&batch);
                }
                run
            }));
        }
        Pipeline {
            feeds,
            workers,
            in_flight: VecDeque::new(),
        }
    }

    /// The table ends: run the epilogues and collect the findings.
    pub fn finish(&mut self) {
        self.hand_over();
        if let Some(Pipeline { feeds, workers, .. }) = self.pipeline.take() {
            drop(feeds);
            for worker in workers {
                match worker.join() {
                    Ok(run) => self.runs.push(run),
                    // A panic in a rule's thread is the file's (see `run::guarded`).
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        }
        let file = self
            .layout
            .as_ref()
            .map(|l| l.table.file.clone())
            .unwrap_or_default();
        for mut run in std::mem::take(&mut self.runs) {
            let failed = run.aborted || {
                run.ev.refuel(FUEL_PER_ROW * 10);
                run.ev.bind_groups();
                let epilogue = run.split.epilogue;
                run.ev.run(epilogue).is_err()
            };
            let rule = run.rule;
            self.collect(run);
            if failed {
                self.findings.push(self.checker.aborted(rule, &file, None));
            }
        }
        self.layout = None;
    }

    fn collect(&mut self, run: RuleRun<'c>) {
        let file = self
            .layout
            .as_ref()
            .map(|l| l.table.file.clone())
            .unwrap_or_default();
        for r in run.ev.reported {
            self.findings
                .push(self.checker.finding(run.rule, r, &file, None));
        }
    }
}

/// The location of a finding on a record, a cell or the header.
pub fn record_location(place: &Place) -> Option<RecordLocation> {
    match place {
        Place::Record(rec, col) => {
            let table = &rec.layout.table;
            let row = &rec.row;
            let field = col.and_then(|c| table.header.get(c).cloned());
            let cell = col
                .filter(|_| table.sheet.is_some())
                .map(|c| row.cell_ref(c));
            let span = col
                .and_then(|c| row.cells.get(c))
                .and_then(|c| c.span.clone());
            let snippet = Some(match row.place.raw.as_deref() {
                Some(raw) => csv_snippet(raw, row, span.clone(), &rec.layout),
                None => spreadsheet_snippet(&rec.layout, row, *col),
            });
            let (column, end_column) = columns_of(row.place.raw.as_deref(), span);
            let place = match (&table.sheet, &cell) {
                (Some(sheet), Some(cell)) => Some(format!("{sheet}!{cell}")),
                (Some(sheet), None) => Some(format!("{sheet}, row {}", row.place.line)),
                (None, _) if row.place.raw.is_none() => Some(format!("record {}", row.place.row)),
                _ => None,
            };
            Some(RecordLocation {
                sheet: table.sheet.clone(),
                cell,
                row: Some(row.place.row),
                field,
                line: row.place.line,
                column,
                end_column,
                snippet,
                place,
            })
        }
        Place::Header(layout, col) => {
            let table = &layout.table;
            let span = col.and_then(|c| table.header_spans.get(c).cloned());
            let (column, end_column) = columns_of(table.header_raw.as_deref(), span.clone());
            let snippet = Some(match &table.header_raw {
                Some(raw) => Snippet {
                    text: raw.clone(),
                    first_line: table.header_line,
                    span: span.clone().unwrap_or(0..raw.len()),
                    personal: Vec::new(),
                },
                None => {
                    let text = table.header.join(" | ");
                    let len = text.len();
                    Snippet {
                        text,
                        first_line: table.header_line,
                        span: 0..len,
                        personal: Vec::new(),
                    }
                }
            });
            Some(RecordLocation {
                sheet: table.sheet.clone(),
                cell: col.filter(|_| table.sheet.is_some()).map(|c| {
                    format!(
                        "{}{}",
                        crate::model::record::column_letters(c),
                        table.header_line
                    )
                }),
                row: None,
                field: col.and_then(|c| table.header.get(c).cloned()),
                line: table.header_line,
                column,
                end_column,
                snippet,
                place: table.sheet.as_ref().map(|s| format!("{s}, header")),
            })
        }
        Place::Span(_) => None,
    }
}

/// 1-based character columns of a span within a raw line (1, 1 when unknown).
fn columns_of(raw: Option<&str>, span: Option<std::ops::Range<usize>>) -> (usize, usize) {
    match (raw, span) {
        (Some(raw), Some(span)) => {
            let start = raw
                .get(..span.start)
                .map(|s| s.chars().count())
                .unwrap_or(0)
                + 1;
            let end = raw.get(..span.end).map(|s| s.chars().count()).unwrap_or(0) + 1;
            (start, end)
        }
        _ => (1, 1),
    }
}

/// A CSV row's own text as the snippet; personal cells are marked for masking.
fn csv_snippet(
    raw: &str,
    row: &Row,
    span: Option<std::ops::Range<usize>>,
    layout: &Layout,
) -> Snippet {
    let personal = row
        .cells
        .iter()
        .enumerate()
        .filter(|(i, _)| layout.personal.get(*i).copied().unwrap_or(false))
        .filter_map(|(_, c)| c.span.clone())
        .collect();
    Snippet {
        text: raw.to_string(),
        first_line: row.place.line,
        span: span.unwrap_or(0..raw.len()),
        personal,
    }
}

/// A spreadsheet or JSON row shown as `A | B | C`, with the cell underlined.
fn spreadsheet_snippet(layout: &Layout, row: &Row, col: Option<usize>) -> Snippet {
    let mut text = String::new();
    let mut span = 0..0;
    let mut personal = Vec::new();
    for (i, cell) in row.cells.iter().enumerate() {
        if i > 0 {
            text.push_str(" | ");
        }
        let start = text.len();
        text.push_str(&cell.text);
        if Some(i) == col {
            span = start..text.len();
        }
        if layout.personal.get(i).copied().unwrap_or(false) {
            personal.push(start..text.len());
        }
    }
    if col.is_none() || span.is_empty() {
        span = 0..text.len();
    }
    Snippet {
        text,
        first_line: row.place.line,
        span,
        personal,
    }
}
