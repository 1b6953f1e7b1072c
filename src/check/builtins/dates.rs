//! Reading dates, times, months, years and yes/no values the way Chinese and English office
//! files write them. Nothing is normalised silently: a value that does not parse is `None`,
//! and the policy decides what that means.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use crate::model::normalize::fold_width;

/// `2026-11-30`, `2026/11/30`, `2026.11.30`, `2026年11月30日`, `20261130`, an Excel serial
/// number (`46356`), or a date-time (its date).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    if let Some(day) = plain_iso_date(text.trim()) {
        return Some(day);
    }
    let s = fold_width(text.trim());
    if s.is_empty() {
        return None;
    }
    if let Some(d) = excel_serial(&s) {
        return Some(d);
    }
    let (date_part, _) = split_date_time(&s);
    ymd(date_part)
}

/// A date and time: `2026-11-30 14:05`, `2026/11/30 14:05:09`, `2026-11-30T14:05:09`,
/// `2026年11月30日 14时05分`; a date alone is midnight; Excel serial numbers with a fraction.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let s = fold_width(text.trim());
    if s.is_empty() {
        return None;
    }
    if let Ok(f) = s.parse::<f64>()
        && (1.0..=2_958_465.0).contains(&f)
        && s.contains('.')
    {
        let days = f.trunc() as i64;
        let secs = ((f - f.trunc()) * 86_400.0).round() as i64;
        let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
        return base.checked_add_signed(
            chrono::Duration::try_days(days)? + chrono::Duration::try_seconds(secs)?,
        );
    }
    if let Some(d) = excel_serial(&s) {
        return d.and_hms_opt(0, 0, 0);
    }
    let (date_part, time_part) = split_date_time(&s);
    let date = ymd(date_part)?;
    let time = match time_part {
        None => NaiveTime::from_hms_opt(0, 0, 0)?,
        Some(t) => hms(t)?,
    };
    Some(date.and_time(time))
}

/// The first day of a month written `2026-10`, `2026/10`, `2026.10`, `2026年10月`, `202610`.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    let s = fold_width(text.trim());
    let nums = numbers(&s);
    match nums.as_slice() {
        [y, m] if s.len() <= 12 => {
            NaiveDate::from_ymd_opt(i32::try_from(*y).ok()?, u32::try_from(*m).ok()?, 1)
        }
        [ym] if (190001..=210012).contains(ym) && s.len() == 6 => NaiveDate::from_ymd_opt(
            i32::try_from(ym / 100).ok()?,
            u32::try_from(ym % 100).ok()?,
            1,
        ),
        _ => None,
    }
}

/// A year written alone: `2026`, `2026年`, `2026年度`, `FY2026`.
pub fn parse_year(text: &str) -> Option<i32> {
    let s = fold_width(text.trim());
    let nums = numbers(&s);
    match nums.as_slice() {
        [y] if (1900..=2100).contains(y) => i32::try_from(*y).ok(),
        _ => None,
    }
}

/// 是/否, yes/no, true/false, 1/0, y/n, 有/无, √/×.
pub fn parse_bool(text: &str) -> Option<bool> {
    match fold_width(text.trim()).as_str() {
        "是" | "yes" | "y" | "true" | "1" | "有" | "√" | "✓" | "对" | "已加密" | "已启用" => {
            Some(true)
        }
        "否" | "no" | "n" | "false" | "0" | "无" | "×" | "✗" | "不" | "未加密" | "未启用" => {
            Some(false)
        }
        _ => None,
    }
}

/// Excel serial dates: whole numbers of days since 1899-12-30, within a plausible range
/// (1960–2100), so that ordinary numbers are not taken for dates.
fn excel_serial(s: &str) -> Option<NaiveDate> {
    if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    if !(21_916..=73_051).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::try_days(n)?)
}

/// Split `2026-11-30 14:05` / `2026-11-30T14:05` / `2026年11月30日14时` into date and time.
fn split_date_time(s: &str) -> (&str, Option<&str>) {
    if let Some(i) = s.find('日') {
        let (d, t) = s.split_at(i + '日'.len_utf8());
        let t = t.trim();
        return (d, (!t.is_empty()).then_some(t));
    }
    match s.find([' ', 't']) {
        Some(i) => {
            let t = s[i + 1..].trim();
            (&s[..i], (!t.is_empty()).then_some(t))
        }
        None => (s, None),
    }
}

/// `2026-11-30` or `2026/11/30`, the form most records use, read without allocating (a
/// column of dates is parsed once per row per rule).
fn plain_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || !matches!(b[4], b'-' | b'/') || b[7] != b[4] {
        return None;
    }
    let number = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok().filter(|y| *y >= 1000)?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

fn ymd(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: u32 = s.parse().ok()?;
        return NaiveDate::from_ymd_opt(i32::try_from(n / 10_000).ok()?, (n / 100) % 100, n % 100);
    }
    // Only digits and date separators may appear.
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | '年' | '月' | '日'))
    {
        return None;
    }
    let nums = numbers(s);
    match nums.as_slice() {
        [y, m, d] if *y >= 1000 => NaiveDate::from_ymd_opt(
            i32::try_from(*y).ok()?,
            u32::try_from(*m).ok()?,
            u32::try_from(*d).ok()?,
        ),
        _ => None,
    }
}

fn hms(s: &str) -> Option<NaiveTime> {
    // A zone (`Z`, `+08:00`, `-0500`) is dropped: times are local (the exports that write a
    // zone write the local one).
    let s = s.trim().trim_end_matches('z');
    let s = match s.rfind(['+', '-']) {
        Some(i) if i >= 5 => &s[..i],
        _ => s,
    };
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '时' | '点' | '分' | '秒'))
    {
        return None;
    }
    let nums = numbers(s);
    let (h, m, sec) = match nums.as_slice() {
        [h] => (*h, 0, 0),
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        [h, m, s, _fraction] => (*h, *m, *s),
        _ => return None,
    };
    NaiveTime::from_hms_opt(
        u32::try_from(h).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(sec).ok()?,
    )
}

/// The runs of ASCII digits in a text, as numbers.
fn numbers(s: &str) -> Vec<i64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty() && p.len() <= 9)
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// The month after `d`'s month, first day (used in tests and by policies via `add_months`).
pub fn next_month_start(d: NaiveDate) -> Option<NaiveDate> {
    d.with_day(1)?.checked_add_months(chrono::Months::new(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_office_formats() {
        for s in [
            "2026-11-30",
            "2026/11/30",
            "2026.11.30",
            "2026年11月30日",
            "20261130",
            " 2026-11-30 14:05 ",
            "２０２６－１１－３０",
            "2026/11-30",
        ] {
            assert_eq!(parse_date(s), Some(d(2026, 11, 30)), "{s}");
        }
        assert_eq!(parse_date("46356"), Some(d(2026, 11, 30)));
        for s in [
            "",
            "2026-13-01",
            "2026-02-30",
            "明天",
            "12000",
            "2026-11",
            "11/30/2026",
            "0999-01-01",
            "2026-1a-01",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn datetimes() {
        let t = parse_datetime("2026-11-30 14:05").unwrap();
        assert_eq!(t, d(2026, 11, 30).and_hms_opt(14, 5, 0).unwrap());
        assert_eq!(
            parse_datetime("2026/11/30 14:05:09").unwrap(),
            d(2026, 11, 30).and_hms_opt(14, 5, 9).unwrap()
        );
        assert_eq!(
            parse_datetime("2026-11-30T08:00:00").unwrap(),
            d(2026, 11, 30).and_hms_opt(8, 0, 0).unwrap()
        );
        assert_eq!(
            parse_datetime("2026年11月30日 9时30分").unwrap(),
            d(2026, 11, 30).and_hms_opt(9, 30, 0).unwrap()
        );
        assert_eq!(
            parse_datetime("2026-11-30").unwrap(),
            d(2026, 11, 30).and_hms_opt(0, 0, 0).unwrap()
        );
        assert_eq!(
            parse_datetime("46356.5").unwrap(),
            d(2026, 11, 30).and_hms_opt(12, 0, 0).unwrap()
        );
        assert_eq!(parse_datetime("2026-11-30 25:00"), None);
        assert_eq!(
            parse_datetime("2026-11-21T09:00:00+08:00").unwrap(),
            d(2026, 11, 21).and_hms_opt(9, 0, 0).unwrap()
        );
        assert_eq!(
            parse_datetime("2026-11-21T09:00:00Z").unwrap(),
            d(2026, 11, 21).and_hms_opt(9, 0, 0).unwrap()
        );
    }

    #[test]
    fn months_years_booleans() {
        assert_eq!(parse_month("2026-10"), Some(d(2026, 10, 1)));
        assert_eq!(parse_month("2026年10月"), Some(d(2026, 10, 1)));
        assert_eq!(parse_month("202610"), Some(d(2026, 10, 1)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_year("2026年度"), Some(2026));
        assert_eq!(parse_year("FY2026"), Some(2026));
        assert_eq!(parse_year("2026-10"), None);
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("Y"), Some(true));
        assert_eq!(parse_bool("否"), Some(false));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(next_month_start(d(2026, 12, 15)), Some(d(2027, 1, 1)));
    }
}
