//! Exact money amounts as Chinese and English staff write them.
//!
//! Budgets are checked "exact to the cent", so every amount is a [`Decimal`], never a float:
//! `0.1 + 0.2` must equal `0.3` and `1.2万` must equal `12000`.
//!
//! Three entry points cover the three places amounts turn up:
//! - [`parse_money`]: a table cell or a labelled value that should be *just* an amount
//!   (`12,000`, `1.2万`, `¥12000.00`, `RMB 5,000`, `１２０００元`);
//! - [`unit_multiplier`]: the unit a column header declares (`金额（万元）`), which applies to
//!   cells that carry no unit of their own;
//! - [`find_amounts`]: amounts inside running text (`预算约 5 万元`), which must carry a currency
//!   sign or a currency word so that years and counts (`2026年`, `500份`) are not mistaken for money.
//!
//! Currencies are recognised but not converted: `$500` is 500. The policies decide what a
//! foreign-currency amount means.
//!
//! Full-width characters (`１２０００`, `，`, `．`, `＄`, `￥`) are accepted wherever their half-width
//! form is, because Chinese input methods produce them routinely.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::source::Span;

/// Currency signs and codes that may stand *before* a number. Lower-case, half-width; longest
/// first so `us$` wins over `$`.
const PREFIX_CURRENCIES: &[&str] = &["人民币", "us$", "usd", "rmb", "cny", "hkd", "eur", "¥", "$"];

/// Scale words that may follow a number, with their factor as a power of ten. Lower-case,
/// half-width; longest first so `千万` wins over `千`.
const SCALES: &[(&str, u32)] = &[
    ("thousand", 3),
    ("million", 6),
    ("billion", 9),
    ("千万", 7),
    ("百万", 6),
    ("亿", 8),
    ("万", 4),
    ("千", 3),
    ("百", 2),
    ("mn", 6),
    ("bn", 9),
    ("k", 3),
    ("w", 4),
    ("m", 6),
];

/// Currency words that may follow a number (or a scale word). Any of them means "the number is
/// in currency units", i.e. a factor of one.
const SUFFIX_CURRENCIES: &[&str] = &[
    "人民币",
    "块钱",
    "美元",
    "港元",
    "港币",
    "欧元",
    "日元",
    "英镑",
    "元",
    "圆",
    "rmb",
    "cny",
    "usd",
    "hkd",
    "eur",
    "yuan",
    "dollars",
];

/// Characters that turn a preceding `元` into part of an ordinary word: 元旦 (New Year's Day),
/// 元宵 (Lantern Festival), 元素 (element). `1月1日元旦` must not read as "1 yen".
const YUAN_WORD_CONTINUATIONS: &[char] = &['旦', '宵', '素'];

/// Half-width equivalent of a character: full-width ASCII (U+FF01–U+FF5E) maps to ASCII, the
/// ideographic space to a space and the full-width yen sign to `¥`.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{FFE5}' => '¥',
        _ => c,
    }
}

/// Normalised form used for comparing against the token tables.
fn fold(c: char) -> char {
    half_width(c).to_ascii_lowercase()
}

/// The value of an ASCII or full-width decimal digit.
fn digit_value(c: char) -> Option<char> {
    let h = half_width(c);
    h.is_ascii_digit().then_some(h)
}

fn char_at(s: &str, pos: usize) -> Option<char> {
    s.get(pos..).and_then(|rest| rest.chars().next())
}

fn char_before(s: &str, pos: usize) -> Option<char> {
    s.get(..pos).and_then(|head| head.chars().next_back())
}

/// Horizontal whitespace (including the ideographic space), never a line break: an amount does
/// not continue on the next line.
fn is_blank(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

fn skip_blanks(s: &str, mut pos: usize) -> usize {
    while let Some(c) = char_at(s, pos) {
        if !is_blank(c) {
            break;
        }
        pos += c.len_utf8();
    }
    pos
}

/// If `token` (lower-case, half-width) occurs at `pos` in `s` (compared case-insensitively and
/// with full-width folded), the byte position after it. A token ending in an ASCII letter must
/// not run on into another ASCII letter (`k` is not the start of `kg`).
fn match_token(s: &str, pos: usize, token: &str) -> Option<usize> {
    let rest = s.get(pos..)?;
    let mut it = rest.char_indices();
    let mut end = 0;
    for t in token.chars() {
        let (i, c) = it.next()?;
        if fold(c) != t {
            return None;
        }
        end = i + c.len_utf8();
    }
    let last_is_letter = token
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphabetic());
    if last_is_letter && char_at(rest, end).is_some_and(|c| half_width(c).is_ascii_alphabetic()) {
        return None;
    }
    Some(pos + end)
}

/// A currency sign or code starting at `pos`; returns the position after it.
fn match_prefix_currency(s: &str, pos: usize) -> Option<usize> {
    PREFIX_CURRENCIES
        .iter()
        .find_map(|t| match_token(s, pos, t))
}

/// A number scanned from text: its extent and its ASCII form (`12000.50`).
struct ScannedNumber {
    end: usize,
    ascii: String,
}

/// Scans a decimal number starting at `start`, which must be a digit. Thousands separators
/// (`,` or `，`) are accepted only in proper groups of three after a first group of one to three
/// digits, so `12,0000` and Chinese enumeration commas (`3，5`) are not read as one number.
fn scan_number(s: &str, start: usize) -> Option<ScannedNumber> {
    let mut ascii = String::new();
    let mut pos = start;
    let mut first_group = 0usize;
    while let Some(d) = char_at(s, pos).and_then(digit_value) {
        ascii.push(d);
        first_group += 1;
        pos += char_at(s, pos).map_or(1, char::len_utf8);
    }
    if first_group == 0 {
        return None;
    }
    if first_group <= 3 {
        // Groups of exactly three digits after a separator, not followed by a fourth digit.
        while let Some(sep) = char_at(s, pos) {
            if half_width(sep) != ',' {
                break;
            }
            let mut p = pos + sep.len_utf8();
            let mut group = String::new();
            while let Some(d) = char_at(s, p).and_then(digit_value) {
                if group.len() == 3 {
                    group.push(d); // a fourth digit: not a group, stop below
                    break;
                }
                group.push(d);
                p += char_at(s, p).map_or(1, char::len_utf8);
            }
            if group.len() != 3 {
                break;
            }
            ascii.push_str(&group);
            pos = p;
        }
    }
    // Fraction.
    if let Some(point) = char_at(s, pos).filter(|c| half_width(*c) == '.') {
        let p = pos + point.len_utf8();
        if char_at(s, p).and_then(digit_value).is_some() {
            ascii.push('.');
            pos = p;
            while let Some(d) = char_at(s, pos).and_then(digit_value) {
                ascii.push(d);
                pos += char_at(s, pos).map_or(1, char::len_utf8);
            }
        }
    }
    Some(ScannedNumber { end: pos, ascii })
}

/// What follows a number: an optional scale word and an optional currency word.
struct Suffix {
    end: usize,
    /// Power of ten of the scale word (`万` → 4), if any.
    scale: Option<u32>,
    /// Whether a currency word (`元`, `RMB`, …) was written.
    currency: bool,
}

/// Parses `[blanks] [scale] [blanks] [currency word] [整]` at `pos`. When nothing is found the
/// suffix is empty and ends at `pos` (trailing blanks are not consumed).
fn scan_suffix(s: &str, pos: usize) -> Suffix {
    let mut end = pos;
    let mut p = skip_blanks(s, pos);
    let mut scale = None;
    // A one-letter ASCII scale (`5k`, `1.5w`, `$2m`) must be glued to the number: after a blank,
    // `w/` or `m` is far more likely an abbreviation than a multiplier.
    let scale_at = |t: &str| {
        let glued_only = t.len() == 1 && t.is_ascii();
        match_token(s, if glued_only { pos } else { p }, t)
    };
    if let Some((e, pow)) = SCALES
        .iter()
        .find_map(|(t, pow)| scale_at(t).map(|e| (e, *pow)))
    {
        scale = Some(pow);
        end = e;
        p = skip_blanks(s, e);
    }
    let mut currency = false;
    if let Some(e) = SUFFIX_CURRENCIES.iter().find_map(|t| {
        let e = match_token(s, p, t)?;
        let ends_in_yuan = t.ends_with('元');
        let glued = char_at(s, e).is_some_and(|c| YUAN_WORD_CONTINUATIONS.contains(&c));
        (!(ends_in_yuan && glued)).then_some(e)
    }) {
        currency = true;
        end = e;
        if let Some(e2) = match_token(s, e, "整") {
            end = e2;
        }
    }
    Suffix {
        end,
        scale,
        currency,
    }
}

fn pow10(pow: u32) -> Decimal {
    Decimal::from_i128_with_scale(10i128.pow(pow), 0)
}

/// Strips trailing bracketed notes (`（含税）`, `(est.)`, `[注1]`) from a trimmed cell. A bracket
/// group that starts the text is kept: `(1,000)` is an accounting negative, not a note.
fn strip_trailing_notes(mut s: &str) -> &str {
    loop {
        let Some(last) = s.chars().next_back() else {
            return s;
        };
        let openers: &[char] = match last {
            ')' | '）' => &['(', '（'],
            ']' | '】' => &['[', '【'],
            _ => return s,
        };
        let Some(open) = s.rfind(openers) else {
            return s;
        };
        if open == 0 {
            return s;
        }
        s = s[..open].trim_end();
    }
}

/// Parses a single amount: a table cell or a labelled value.
///
/// Accepted: an optional currency sign or code (`¥`, `￥`, `$`, `RMB`, `CNY`, `USD`, `人民币`), an
/// optional minus sign, a number with optional thousands separators and decimals, an optional
/// scale word (`万`, `千`, `百万`, `千万`, `亿`, `k`, `w`, `m`, `million`), an optional currency word
/// (`元`, `RMB`, `美元`, …), optional surrounding whitespace and trailing bracketed notes
/// (`（含税）`). An accounting-style `(1,000)` is negative.
///
/// The multiplier: a written scale word wins; else a written currency word after the number
/// (`12000元`) means plain currency units; else `default_multiplier` applies — typically the
/// unit from the column header (see [`unit_multiplier`]). A currency *sign* before the number does
/// not override the header, because spreadsheet accounting formats add `¥` to every cell of a
/// `（万元）` column.
///
/// Returns `None` for placeholders (`-`, `—`, empty), for text that is not just an amount, and
/// on overflow.
pub fn parse_money(text: &str, default_multiplier: Decimal) -> Option<Decimal> {
    let s = strip_trailing_notes(text.trim());
    // Accounting negative: the whole amount in brackets.
    let (s, bracket_negative) = match (s.chars().next(), s.chars().next_back()) {
        (Some('(' | '（'), Some(')' | '）')) => {
            let open = s.chars().next().map_or(1, char::len_utf8);
            let close = s.chars().next_back().map_or(1, char::len_utf8);
            (s.get(open..s.len().saturating_sub(close))?.trim(), true)
        }
        _ => (s, false),
    };

    let is_minus = |c: char| matches!(half_width(c), '-' | '\u{2212}');
    let mut pos = 0;
    let mut negative = false;
    if char_at(s, pos).is_some_and(is_minus) {
        negative = true;
        pos += char_at(s, pos).map_or(1, char::len_utf8);
        pos = skip_blanks(s, pos);
    }
    if let Some(e) = match_prefix_currency(s, pos) {
        pos = skip_blanks(s, e);
        if !negative && char_at(s, pos).is_some_and(is_minus) {
            negative = true;
            pos += char_at(s, pos).map_or(1, char::len_utf8);
            pos = skip_blanks(s, pos);
        }
    }
    if negative && bracket_negative {
        return None; // "(-5)": too ambiguous to guess
    }
    let number = scan_number(s, pos)?;
    let suffix = scan_suffix(s, number.end);
    if skip_blanks(s, suffix.end) != s.len() {
        return None;
    }
    let value = Decimal::from_str(&number.ascii).ok()?;
    let multiplier = match (suffix.scale, suffix.currency) {
        (Some(pow), _) => pow10(pow),
        (None, true) => Decimal::ONE,
        (None, false) => default_multiplier,
    };
    let amount = value.checked_mul(multiplier)?;
    Some(if negative || bracket_negative {
        -amount
    } else {
        amount
    })
}

/// The multiplier a column header declares in brackets: `金额（万元）` → 10000, `预算(元)` → 1,
/// `Budget (CNY)` → 1, `Cost (k)` → 1000, `（单位：万元）` → 10000. `None` when no bracket holds a
/// unit (then cells without a unit are taken as they are).
///
/// Only bracketed units count: a header such as `万元户数量` is a name, not a unit. When several
/// bracket groups exist, the last one holding a unit wins; inside a group, comma- or
/// slash-separated parts are tried in turn (`（含税，万元）`, `（元/人）`).
pub fn unit_multiplier(header: &str) -> Option<Decimal> {
    let mut groups = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in header.char_indices() {
        match c {
            '(' | '（' | '[' | '【' => open = Some(i + c.len_utf8()),
            ')' | '）' | ']' | '】' => {
                if let Some(start) = open.take()
                    && let Some(inner) = header.get(start..i)
                {
                    groups.push(inner);
                }
            }
            _ => {}
        }
    }
    groups.iter().rev().find_map(|g| {
        unit_of(g).or_else(|| {
            g.split([',', '，', ';', '；', '、', '/', '／'])
                .find_map(unit_of)
        })
    })
}

/// The multiplier named by a unit expression such as `万元`, `RMB`, `k`, `单位：万元`,
/// `RMB 10k`, `'000`; the whole expression must be a unit.
fn unit_of(expr: &str) -> Option<Decimal> {
    let mut s = expr.trim();
    for label in ["单位", "units", "unit", "in"] {
        if let Some(e) = match_token(s, 0, label) {
            let rest = s[e..].trim_start();
            let rest = rest.strip_prefix([':', '：']).map_or(rest, str::trim_start);
            if rest.len() < s.len() {
                s = rest;
                break;
            }
        }
    }
    let mut pos = 0;
    let mut currency = false;
    if let Some(e) = match_prefix_currency(s, pos) {
        currency = true;
        pos = skip_blanks(s, e);
    }
    // "10k" / "10,000" / "'000" as units.
    let mut pow = None;
    for (token, p) in [("10k", 4), ("'000", 3)] {
        if let Some(e) = match_token(s, pos, token) {
            pow = Some(p);
            pos = e;
            break;
        }
    }
    let suffix = scan_suffix(s, pos);
    if skip_blanks(s, suffix.end) != s.len() {
        return None;
    }
    match (pow, suffix.scale) {
        (Some(_), Some(_)) => None,
        (Some(p), None) | (None, Some(p)) => Some(pow10(p)),
        (None, None) if currency || suffix.currency => Some(Decimal::ONE),
        (None, None) => None,
    }
}

/// The currency sign or code that ends right before `pos` (blanks allowed in between), if any;
/// returns its start. An ASCII code must not be glued to a preceding ASCII letter or digit
/// (`XRMB5`), otherwise it is just part of a word.
fn prefix_currency_before(s: &str, pos: usize) -> Option<usize> {
    let mut p = pos;
    while let Some(c) = char_before(s, p) {
        if !is_blank(c) {
            break;
        }
        p -= c.len_utf8();
    }
    let head = s.get(..p)?;
    PREFIX_CURRENCIES.iter().find_map(|t| {
        let n = t.chars().count();
        let (start, _) = head.char_indices().rev().nth(n - 1)?;
        if match_token(s, start, t)? != p {
            return None;
        }
        let ascii_code = t.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        if ascii_code
            && char_before(s, start).is_some_and(|c| half_width(c).is_ascii_alphanumeric())
        {
            return None;
        }
        Some(start)
    })
}

/// Every amount in running text that carries a currency sign/code before it or a currency word
/// after it: `预算约 5 万元`, `Budget: ¥50,000`, `共计 3,000 元`, `USD 2,000`, `$500`, `¥1.2万`.
///
/// Bare numbers are not amounts, and neither is a number with only a scale word (`5 万人`,
/// `10k users`): years, counts and percentages abound in plans. Spans are byte ranges into
/// `text`, covering the currency sign through the unit. A range such as `5-8万元` yields only the
/// amount that carries the unit (`8万元`).
pub fn find_amounts(text: &str) -> Vec<(Span, Decimal)> {
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(c) = char_at(text, pos) {
        if digit_value(c).is_none() {
            pos += c.len_utf8();
            continue;
        }
        let Some(number) = scan_number(text, pos) else {
            pos += c.len_utf8();
            continue;
        };
        let next = number.end.max(pos + c.len_utf8());
        if let Some(amount) = amount_at(text, pos, &number) {
            found.push(amount);
        }
        pos = next;
    }
    found
}

/// Decides whether the number scanned at `start` is an amount.
fn amount_at(text: &str, start: usize, number: &ScannedNumber) -> Option<(Span, Decimal)> {
    let prefix = prefix_currency_before(text, start);
    if prefix.is_none() {
        // Glued to a word or to another number (`V2`, `1.2.3`): not a standalone number.
        let prev = char_before(text, start).map(half_width);
        if prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '.' || p == '_') {
            return None;
        }
    }
    // A number that runs on (`1.2.3`, `3,000,0`) is something else.
    let after = char_at(text, number.end).map(half_width);
    if after == Some('.') || after == Some(',') {
        let p = number.end + char_at(text, number.end).map_or(1, char::len_utf8);
        if char_at(text, p).and_then(digit_value).is_some() {
            return None;
        }
    }
    let suffix = scan_suffix(text, number.end);
    if prefix.is_none() && !suffix.currency {
        return None;
    }
    // A scale word glued to further ASCII letters was already rejected by `match_token`; the
    // amount itself must not run into an ASCII letter or digit (`$5x`).
    if suffix.end == number.end
        && char_at(text, number.end).is_some_and(|c| half_width(c).is_ascii_alphanumeric())
    {
        return None;
    }
    let value = Decimal::from_str(&number.ascii).ok()?;
    let amount = match suffix.scale {
        Some(pow) => value.checked_mul(pow10(pow))?,
        None => value,
    };
    Some((Span::new(prefix.unwrap_or(start), suffix.end), amount))
}

/// Formats an amount as `¥12,000.00`: yuan sign, thousands separators, two decimals (rounded
/// half away from zero). Negative amounts read `-¥1,000.00`.
pub fn format_money(d: Decimal) -> String {
    let rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let plain = format!("{:.2}", rounded.abs());
    let (int, frac) = plain.split_once('.').unwrap_or((plain.as_str(), "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}¥{grouped}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::builtins::fuzz_inputs;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test literal")
    }

    fn p(s: &str) -> Option<Decimal> {
        parse_money(s, Decimal::ONE)
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        assert_eq!(d("0.1") + d("0.2"), d("0.3"));
        assert_eq!(p("1.2万"), Some(d("12000")));
        assert_eq!(p("0.1").zip(p("0.2")).map(|(a, b)| a + b), p("0.3"));
    }

    #[test]
    fn parses_plain_and_grouped_numbers() {
        assert_eq!(p("12,000"), Some(d("12000")));
        assert_eq!(p("12000"), Some(d("12000")));
        assert_eq!(p("  12000  "), Some(d("12000")));
        assert_eq!(p("\u{3000}12000\u{3000}"), Some(d("12000")));
        assert_eq!(p("1,234,567.89"), Some(d("1234567.89")));
        assert_eq!(p("0.05"), Some(d("0.05")));
    }

    #[test]
    fn parses_chinese_units() {
        assert_eq!(p("1.2万"), Some(d("12000")));
        assert_eq!(p("1.2 万元"), Some(d("12000")));
        assert_eq!(p("800元"), Some(d("800")));
        assert_eq!(p("5 千元"), Some(d("5000")));
        assert_eq!(p("3亿"), Some(d("300000000")));
        assert_eq!(p("12,000.00 元"), Some(d("12000")));
        assert_eq!(p("2百万"), Some(d("2000000")));
        assert_eq!(p("1千万元"), Some(d("10000000")));
        assert_eq!(p("500元整"), Some(d("500")));
        assert_eq!(p("5000人民币"), Some(d("5000")));
        assert_eq!(p("3k"), Some(d("3000")));
        assert_eq!(p("3 k"), None);
        assert_eq!(p("1.5w"), Some(d("15000")));
    }

    #[test]
    fn parses_currency_signs_and_codes() {
        assert_eq!(p("¥12000.00"), Some(d("12000")));
        assert_eq!(p("￥3,000.00"), Some(d("3000")));
        assert_eq!(p("RMB 5,000"), Some(d("5000")));
        assert_eq!(p("rmb5000"), Some(d("5000")));
        assert_eq!(p("CNY5000"), Some(d("5000")));
        assert_eq!(p("$1,200.50"), Some(d("1200.50")));
        assert_eq!(p("US$ 20"), Some(d("20")));
        assert_eq!(p("5,000 USD"), Some(d("5000")));
        assert_eq!(p("¥1.2万"), Some(d("12000")));
        assert_eq!(p("人民币 800 元"), Some(d("800")));
    }

    #[test]
    fn parses_full_width() {
        assert_eq!(p("１２０００元"), Some(d("12000")));
        assert_eq!(p("１２，０００．５０"), Some(d("12000.50")));
        assert_eq!(p("＄５"), Some(d("5")));
        assert_eq!(p("ＲＭＢ　５００"), Some(d("500")));
    }

    #[test]
    fn placeholders_and_non_amounts_are_none() {
        for s in [
            "",
            " ",
            "-",
            "—",
            "–",
            "－",
            "N/A",
            "无",
            "约5000元",
            "5000元左右",
            "12,0000",
            "1,2",
            "1.2.3",
            "5 kg",
            "12000 12000",
            "¥",
            "万元",
            "2026-11-30",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn negative_amounts() {
        assert_eq!(p("-500"), Some(d("-500")));
        assert_eq!(p("-¥500"), Some(d("-500")));
        assert_eq!(p("¥-500"), Some(d("-500")));
        assert_eq!(p("−1.5万"), Some(d("-15000")));
        assert_eq!(p("(1,000)"), Some(d("-1000")));
        assert_eq!(p("（1,000）"), Some(d("-1000")));
        assert_eq!(p("(-5)"), None);
    }

    #[test]
    fn trailing_bracket_notes_are_ignored() {
        assert_eq!(p("12,000（含税）"), Some(d("12000")));
        assert_eq!(p("5000元 (est.)"), Some(d("5000")));
        assert_eq!(p("5000元【注1】(含税)"), Some(d("5000")));
    }

    #[test]
    fn default_multiplier_applies_only_without_written_unit() {
        let wan = d("10000");
        assert_eq!(parse_money("1.2", wan), Some(d("12000")));
        assert_eq!(parse_money("¥1.2", wan), Some(d("12000")));
        assert_eq!(parse_money("12000元", wan), Some(d("12000")));
        assert_eq!(parse_money("3千", wan), Some(d("3000")));
        assert_eq!(parse_money("1.2万元", wan), Some(d("12000")));
        assert_eq!(parse_money("5 RMB", wan), Some(d("5")));
    }

    #[test]
    fn overflow_is_none_not_panic() {
        assert_eq!(p("99999999999999999999999999999亿"), None);
        assert_eq!(parse_money("79228162514264337593543950335", d("10")), None);
        assert_eq!(p(&"9".repeat(200)), None);
    }

    #[test]
    fn unit_multiplier_from_headers() {
        assert_eq!(unit_multiplier("金额（万元）"), Some(d("10000")));
        assert_eq!(unit_multiplier("预算(元)"), Some(d("1")));
        assert_eq!(unit_multiplier("Budget (CNY)"), Some(d("1")));
        assert_eq!(unit_multiplier("Cost (k)"), Some(d("1000")));
        assert_eq!(unit_multiplier("Cost (RMB 10k)"), Some(d("10000")));
        assert_eq!(unit_multiplier("Amount (RMB '000)"), Some(d("1000")));
        assert_eq!(unit_multiplier("金额（单位：万元）"), Some(d("10000")));
        assert_eq!(unit_multiplier("费用（含税，万元）"), Some(d("10000")));
        assert_eq!(unit_multiplier("单价（元/人）"), Some(d("1")));
        assert_eq!(unit_multiplier("预算【千元】"), Some(d("1000")));
        assert_eq!(unit_multiplier("Budget (in millions)"), None);
        assert_eq!(unit_multiplier("Budget (million)"), Some(d("1000000")));
        assert_eq!(unit_multiplier("金额（亿元）"), Some(d("100000000")));
        assert_eq!(unit_multiplier("金额"), None);
        assert_eq!(unit_multiplier("万元户"), None);
        assert_eq!(unit_multiplier("比例（%）"), None);
        assert_eq!(unit_multiplier("备注（可选）"), None);
        assert_eq!(unit_multiplier("金额（万元"), None);
    }

    fn amounts(text: &str) -> Vec<(&str, Decimal)> {
        find_amounts(text)
            .into_iter()
            .map(|(span, v)| (&text[span.range()], v))
            .collect()
    }

    #[test]
    fn finds_amounts_in_running_text() {
        assert_eq!(amounts("预算约 5 万元。"), vec![("5 万元", d("50000"))]);
        assert_eq!(amounts("Budget: ¥50,000"), vec![("¥50,000", d("50000"))]);
        assert_eq!(amounts("共计 3,000 元"), vec![("3,000 元", d("3000"))]);
        assert_eq!(
            amounts("USD 2,000 in total"),
            vec![("USD 2,000", d("2000"))]
        );
        assert_eq!(amounts("spend $500."), vec![("$500", d("500"))]);
        assert_eq!(amounts("¥1.2万"), vec![("¥1.2万", d("12000"))]);
        assert_eq!(amounts("CNY5000"), vec![("CNY5000", d("5000"))]);
        assert_eq!(amounts("人民币5000元"), vec![("人民币5000元", d("5000"))]);
        assert_eq!(
            amounts("物料１２０００元"),
            vec![("１２０００元", d("12000"))]
        );
        assert_eq!(amounts("$2.5m budget"), vec![("$2.5m", d("2500000"))]);
    }

    #[test]
    fn finds_several_amounts() {
        let text = "场地 3,000 元，物料 ¥2,000，共 5,000元。";
        assert_eq!(
            amounts(text),
            vec![
                ("3,000 元", d("3000")),
                ("¥2,000", d("2000")),
                ("5,000元", d("5000"))
            ]
        );
        assert_eq!(amounts("预算 5-8万元"), vec![("8万元", d("80000"))]);
    }

    #[test]
    fn bare_numbers_are_not_amounts() {
        assert!(amounts("2026年发放500份问卷，覆盖 5 万人，增长 12%。").is_empty());
        assert!(amounts("10k users, version 1.2.3, 2026-11-30").is_empty());
        assert!(amounts("2026年1月1日元旦活动，正月15日元宵节").is_empty());
        assert!(amounts("5 kg, MP3 players").is_empty());
        assert!(amounts("XRMB5").is_empty());
        assert_eq!(amounts("$500 w/ tax"), vec![("$500", d("500"))]);
        assert!(amounts("").is_empty());
    }

    #[test]
    fn spans_are_byte_ranges_into_the_original() {
        let text = "总预算：￥１２，０００元（含税）";
        let found = find_amounts(text);
        assert_eq!(found.len(), 1);
        let (span, value) = found[0];
        assert_eq!(&text[span.range()], "￥１２，０００元");
        assert_eq!(value, d("12000"));
    }

    #[test]
    fn find_amounts_never_panics_on_odd_input() {
        for s in [
            "¥", "$,", "1,", "1.", "．１", "元", "¥ ", "1,23", "1,234,", "万元1",
        ] {
            let _ = find_amounts(s);
            let _ = parse_money(s, Decimal::ONE);
            let _ = unit_multiplier(s);
        }
    }

    #[test]
    fn formats_money() {
        assert_eq!(format_money(d("12000")), "¥12,000.00");
        assert_eq!(format_money(d("0")), "¥0.00");
        assert_eq!(format_money(d("999.995")), "¥1,000.00");
        assert_eq!(format_money(d("1234567.8")), "¥1,234,567.80");
        assert_eq!(format_money(d("-1000")), "-¥1,000.00");
        assert_eq!(format_money(d("-0.001")), "¥0.00");
        assert_eq!(format_money(d("100")), "¥100.00");
        assert_eq!(format_money(d("123456")), "¥123,456.00");
    }

    #[test]
    fn fuzz_never_panics() {
        for s in fuzz_inputs() {
            let _ = parse_money(&s, Decimal::ONE);
            let _ = parse_money(&s, Decimal::MAX);
            let _ = unit_multiplier(&s);
            for (span, _) in find_amounts(&s) {
                assert!(s.get(span.range()).is_some(), "{s:?} {span:?}");
            }
        }
    }
}
