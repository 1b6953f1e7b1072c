//! Masking personal data in everything bylaw prints.
//!
//! An audit log is read by many people, so the tool must not spread the phone numbers, ID
//! numbers, bank cards and e-mail addresses it finds (regulation clause 7; obligations §5).
//! Every output format passes its text through [`mask_personal_data`] unless the user asked for
//! `--show-values`.
//!
//! Masking is done **in place with the same byte length**: only ASCII letters and digits are
//! ever replaced, each by one `*`; no other byte changes. So spans computed on the original text
//! (diagnostic labels, line/column positions) still point at the same places in the masked text,
//! and the result is valid UTF-8 whatever the input.
//!
//! What is masked (each value not glued to a further ASCII letter or digit):
//! - mainland mobile numbers, optionally `+86`/`86`-prefixed, contiguous or 3-4-4: the first 3
//!   and last 4 digits stay (`138****5678`);
//! - 18-character resident ID numbers (17 digits and a digit or `X`, also grouped 6-8-4), whether
//!   or not the check digit is valid — a mistyped ID is still somebody's ID: the first 3 and last
//!   4 stay (`110***********1234`);
//! - bank-card-like runs of 16–19 digits (contiguous or in groups of four) that pass Luhn: the
//!   last 4 stay;
//! - landline numbers with a separated area code (`010-12345678`, `(0755) 1234 5678`): the area
//!   code and the last 2 digits stay; an extension is not masked;
//! - e-mail addresses: the first character of the local part and the whole domain stay
//!   (`z*******@example.com`).
//!
//! Being a privacy filter, it errs towards masking: a Luhn-valid 16-digit order number is
//! masked too. Dates, amounts and short numbers are left alone. Already-masked values contain
//! no digits where the mask is, so masking twice changes nothing.

use std::borrow::Cow;
use std::ops::Range;

use crate::check::builtins::validators::{domain_valid, luhn_valid, resident_id_valid};

/// Masks personal data in `text` (see the module documentation). Returns the text borrowed
/// when nothing needed masking.
pub fn mask_personal_data(text: &str) -> Cow<'_, str> {
    let mut masker = Masker {
        src: text.as_bytes(),
        out: None,
    };
    masker.mask_emails();
    masker.mask_numbers();
    match masker.out {
        None => Cow::Borrowed(text),
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(masked) => Cow::Owned(masked),
            // Unreachable (only ASCII bytes were replaced by ASCII), but never fall back to the
            // unmasked text: hide every ASCII letter and digit instead.
            Err(_) => Cow::Owned(
                text.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { '*' } else { c })
                    .collect(),
            ),
        },
    }
}

/// The longest chain of digit groups worth looking at: a 19-digit card in groups of four has
/// five groups; everything else fewer.
const MAX_GROUPS: usize = 6;

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Bytes allowed in the local part of an e-mail address (RFC 5322 atext, dots, and `*` so that
/// a masked address is still recognised as one).
fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b)
}

fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// Digit groups separated by single spaces or hyphens: `138 1234 5678` → three groups.
struct Chain {
    /// Byte ranges of the digit runs.
    groups: Vec<Range<usize>>,
    /// `seps[k]` separates `groups[k]` and `groups[k + 1]`.
    seps: Vec<u8>,
}

impl Chain {
    fn len_of(&self, k: usize) -> usize {
        self.groups.get(k).map_or(0, |g| g.len())
    }

    /// Whether groups `from..to` are joined by one and the same separator.
    fn same_seps(&self, from: usize, to: usize) -> bool {
        match self.seps.get(from..to.saturating_sub(1)) {
            Some(seps) => seps.windows(2).all(|w| w[0] == w[1]),
            None => false,
        }
    }
}

/// The byte positions of all digits in `groups`, in order.
fn digit_positions(groups: &[Range<usize>]) -> Vec<usize> {
    groups.iter().flat_map(|g| g.clone()).collect()
}

struct Masker<'a> {
    src: &'a [u8],
    /// The masked copy, made on the first change.
    out: Option<Vec<u8>>,
}

impl Masker<'_> {
    /// Replaces the ASCII letters and digits at `positions` by `*`.
    fn hide(&mut self, positions: impl IntoIterator<Item = usize>) {
        for i in positions {
            if self.src.get(i).copied().is_some_and(is_word_byte) {
                let src = self.src;
                if let Some(b) = self.out.get_or_insert_with(|| src.to_vec()).get_mut(i) {
                    *b = b'*';
                }
            }
        }
    }

    /// Hides all but the first `keep_front` and last `keep_back` of `positions`.
    fn hide_middle(&mut self, positions: &[usize], keep_front: usize, keep_back: usize) {
        let end = positions.len().saturating_sub(keep_back);
        if let Some(middle) = positions.get(keep_front..end) {
            self.hide(middle.iter().copied());
        }
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    /// No ASCII letter or digit at `i` (the value ends cleanly before `i`).
    fn free_after(&self, i: usize) -> bool {
        !self.byte(i).is_some_and(is_word_byte)
    }

    /// No ASCII letter or digit right before `i`.
    fn free_before(&self, i: usize) -> bool {
        i == 0 || !self.byte(i - 1).is_some_and(is_word_byte)
    }

    fn digit_run_end(&self, mut i: usize) -> usize {
        while self.byte(i).is_some_and(|b| b.is_ascii_digit()) {
            i += 1;
        }
        i
    }

    fn chain_at(&self, start: usize) -> Chain {
        let mut groups = Vec::new();
        let mut seps = Vec::new();
        let mut at = start;
        loop {
            let end = self.digit_run_end(at);
            if end == at {
                break;
            }
            groups.push(at..end);
            let sep = self.byte(end);
            let next_is_digit = self.byte(end + 1).is_some_and(|b| b.is_ascii_digit());
            match sep {
                Some(s @ (b' ' | b'-')) if next_is_digit && groups.len() < MAX_GROUPS => {
                    seps.push(s);
                    at = end + 1;
                }
                _ => break,
            }
        }
        Chain { groups, seps }
    }

    fn starts_mobile(&self, at: usize) -> bool {
        self.byte(at) == Some(b'1')
            && self
                .byte(at + 1)
                .is_some_and(|b| (b'3'..=b'9').contains(&b))
    }

    // ---- e-mail --------------------------------------------------------------------------

    fn mask_emails(&mut self) {
        let ats: Vec<usize> = self
            .src
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'@')
            .map(|(i, _)| i)
            .collect();
        for at in ats {
            let mut start = at;
            while start > 0 && self.byte(start - 1).is_some_and(is_local_byte) {
                start -= 1;
            }
            while start < at && self.byte(start) == Some(b'.') {
                start += 1;
            }
            let mut end = at + 1;
            while self.byte(end).is_some_and(is_domain_byte) {
                end += 1;
            }
            while end > at + 1 && matches!(self.byte(end - 1), Some(b'.' | b'-')) {
                end -= 1;
            }
            if start == at {
                continue;
            }
            let domain = self
                .src
                .get(at + 1..end)
                .and_then(|d| std::str::from_utf8(d).ok());
            if domain.is_some_and(domain_valid) {
                self.hide(start + 1..at);
            }
        }
    }

    // ---- numbers -------------------------------------------------------------------------

    fn mask_numbers(&mut self) {
        let len = self.src.len();
        for i in 0..len {
            let b = self.src[i];
            if !(b.is_ascii_digit() || b == b'+') || !self.free_before(i) {
                continue;
            }
            if b == b'+' {
                if self.src.get(i + 1..i + 3) == Some(&b"86"[..]) {
                    self.mobile_after_prefix(i + 3);
                }
                continue;
            }
            let chain = self.chain_at(i);
            self.mask_mobile(&chain);
            self.mask_resident_id_or_card(&chain);
            self.mask_grouped_card(&chain);
            self.mask_landline(&chain, i);
        }
    }

    /// A mobile number's national part after a `+86`/`86` prefix ending at `at`, with an
    /// optional space or hyphen in between.
    fn mobile_after_prefix(&mut self, at: usize) {
        let at = match self.byte(at) {
            Some(b' ' | b'-') => at + 1,
            _ => at,
        };
        if self.byte(at).is_some_and(|b| b.is_ascii_digit()) {
            let chain = self.chain_at(at);
            self.mask_mobile(&chain);
        }
    }

    /// `13812345678`, `8613812345678`, `86 138…`, `138 1234 5678`.
    fn mask_mobile(&mut self, chain: &Chain) {
        let Some(first) = chain.groups.first().cloned() else {
            return;
        };
        match first.len() {
            11 if self.starts_mobile(first.start) && self.free_after(first.end) => {
                self.hide(first.start + 3..first.start + 7);
            }
            13 if self.src.get(first.start..first.start + 2) == Some(&b"86"[..])
                && self.starts_mobile(first.start + 2)
                && self.free_after(first.end) =>
            {
                self.hide(first.start + 5..first.start + 9);
            }
            2 if self.src.get(first.clone()) == Some(&b"86"[..]) => {
                self.mobile_after_prefix(first.end);
            }
            3 if chain.len_of(1) == 4
                && chain.len_of(2) == 4
                && chain.same_seps(0, 3)
                && self.starts_mobile(first.start) =>
            {
                let end = chain.groups[2].end;
                if self.free_after(end) {
                    let middle = chain.groups[1].clone();
                    self.hide(middle);
                }
            }
            _ => {}
        }
    }

    /// 18-character runs (17 digits + digit/`X`) and contiguous 16–19-digit Luhn runs.
    fn mask_resident_id_or_card(&mut self, chain: &Chain) {
        let Some(first) = chain.groups.first().cloned() else {
            return;
        };
        let n = first.len();
        // 17 digits followed by X: an ID with the check character X.
        if n == 17
            && matches!(self.byte(first.end), Some(b'X' | b'x'))
            && self.free_after(first.end + 1)
        {
            let positions: Vec<usize> = (first.start..first.end + 1).collect();
            self.hide_middle(&positions, 3, 4);
            return;
        }
        if !self.free_after(first.end) {
            return;
        }
        let text = std::str::from_utf8(&self.src[first.clone()]).unwrap_or("");
        let positions: Vec<usize> = first.clone().collect();
        if n == 18 {
            if !resident_id_valid(text) && luhn_valid(text) {
                self.hide_middle(&positions, 0, 4);
            } else {
                self.hide_middle(&positions, 3, 4);
            }
        } else if (16..=19).contains(&n) && luhn_valid(text) {
            self.hide_middle(&positions, 0, 4);
        }
        // A grouped ID: 6-8-4 (the last group may end in X).
        if n == 6 && chain.len_of(1) == 8 && chain.same_seps(0, 3) {
            let Some(last) = chain.groups.get(2).cloned() else {
                return;
            };
            let (ok, end) = match last.len() {
                4 => (true, last.end),
                3 if matches!(self.byte(last.end), Some(b'X' | b'x')) => (true, last.end + 1),
                _ => (false, last.end),
            };
            if ok && self.free_after(end) {
                let mut positions = digit_positions(&chain.groups[..3]);
                if end > last.end {
                    positions.push(last.end);
                }
                self.hide_middle(&positions, 3, 4);
            }
        }
    }

    /// Cards written in groups of four (`6222 0212 3456 7890 123`) that pass Luhn.
    fn mask_grouped_card(&mut self, chain: &Chain) {
        // The longest prefix of four-digit groups with one separator, plus one shorter group.
        let mut k = 0;
        while k < chain.groups.len() && chain.len_of(k) == 4 && chain.same_seps(0, k + 1) {
            k += 1;
        }
        if k < chain.groups.len() && (1..4).contains(&chain.len_of(k)) && chain.same_seps(0, k + 1)
        {
            k += 1;
        }
        // Try the longest candidate first: 16–19 digits, at least four groups.
        for count in (4..=k).rev() {
            let groups = &chain.groups[..count];
            let total: usize = groups.iter().map(|g| g.len()).sum();
            if !(16..=19).contains(&total) {
                continue;
            }
            let end = groups[count - 1].end;
            if !self.free_after(end) {
                continue;
            }
            let positions = digit_positions(groups);
            let digits: String = positions.iter().map(|&p| char::from(self.src[p])).collect();
            if luhn_valid(&digits) {
                self.hide_middle(&positions, 0, 4);
                return;
            }
        }
    }

    /// `010-12345678`, `0755 1234 5678`, `(010)12345678`, `（0755）1234567`: the local number
    /// except its last two digits.
    fn mask_landline(&mut self, chain: &Chain, start: usize) {
        let Some(area) = chain.groups.first().cloned() else {
            return;
        };
        let Some(local_lengths) = self.area_code_local_lengths(area.clone()) else {
            return;
        };
        let preceded_by_open = (start >= 1 && self.byte(start - 1) == Some(b'('))
            || (start >= 3 && self.src.get(start - 3..start) == Some("（".as_bytes()));
        let close_len = if self.byte(area.end) == Some(b')') {
            1
        } else if self.src.get(area.end..area.end + 3) == Some("）".as_bytes()) {
            3
        } else {
            0
        };
        let local_chain = if preceded_by_open && close_len > 0 {
            let mut at = area.end + close_len;
            if matches!(self.byte(at), Some(b' ' | b'-')) {
                at += 1;
            }
            self.chain_at(at)
        } else if chain.groups.len() >= 2 {
            Chain {
                groups: chain.groups[1..].to_vec(),
                seps: chain.seps[1..].to_vec(),
            }
        } else {
            return;
        };
        // Grouped local number (`1234 5678`, `123-4567`) first, then a single group.
        let grouped = (3..=4).contains(&local_chain.len_of(0)) && local_chain.len_of(1) == 4;
        let groups = if grouped
            && local_lengths.contains(&(local_chain.len_of(0) + 4))
            && local_chain
                .groups
                .get(1)
                .is_some_and(|g| self.free_after(g.end))
        {
            &local_chain.groups[..2]
        } else if let Some(g) = local_chain.groups.first()
            && local_lengths.contains(&g.len())
            && self.free_after(g.end)
        {
            &local_chain.groups[..1]
        } else {
            return;
        };
        if groups
            .first()
            .is_some_and(|g| self.byte(g.start) == Some(b'0'))
        {
            return;
        }
        let positions = digit_positions(groups);
        self.hide_middle(&positions, 0, 2);
    }

    /// The possible local-number lengths after an area code: `010`/`02X` take 8 digits, other
    /// four-digit codes `0[3-9]XX` take 7 or 8.
    fn area_code_local_lengths(&self, area: Range<usize>) -> Option<&'static [usize]> {
        let code = self.src.get(area)?;
        match code {
            [b'0', b'1' | b'2', _] => Some(&[8]),
            [b'0', b'3'..=b'9', _, _] => Some(&[7, 8]),
            _ => None,
        }
    }
}

/// Mask a value known to be personal (a cell of a personal-data column), in place: ASCII
/// letters and digits become `*`, keeping the first 3 and last 4 of long values
/// (`138****5678`) and, for an e-mail address, the first letter and the domain.
pub fn mask_in_place(value: &mut [u8]) {
    let alnum: Vec<usize> = (0..value.len())
        .filter(|i| value[*i].is_ascii_alphanumeric())
        .collect();
    if let Some(at) = value.iter().position(|b| *b == b'@') {
        for i in alnum.iter().copied().filter(|i| *i < at).skip(1) {
            value[i] = b'*';
        }
        return;
    }
    let (keep_head, keep_tail) = if alnum.len() >= 8 { (3, 4) } else { (0, 0) };
    let end = alnum.len().saturating_sub(keep_tail);
    for &i in alnum.iter().take(end).skip(keep_head) {
        value[i] = b'*';
    }
}

/// Mask a personal value for output (see [`mask_in_place`]).
pub fn mask_value(value: &str) -> String {
    let mut bytes = value.as_bytes().to_vec();
    mask_in_place(&mut bytes);
    String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(value.chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::builtins::fuzz_inputs;

    #[test]
    fn personal_values_are_masked_by_shape() {
        assert_eq!(mask_value("13812345678"), "138****5678");
        assert_eq!(mask_value("1381234567"), "138***4567");
        assert_eq!(mask_value("zhang.san@example.com"), "z****.***@example.com");
        assert_eq!(mask_value("12345"), "*****");
        assert_eq!(mask_value("张三"), "张三");
    }

    fn mask(s: &str) -> String {
        let masked = mask_personal_data(s);
        assert_eq!(masked.len(), s.len(), "byte length must not change: {s:?}");
        masked.into_owned()
    }

    fn unchanged(s: &str) {
        assert!(
            matches!(mask_personal_data(s), Cow::Borrowed(_)),
            "expected no masking: {s:?} -> {:?}",
            mask_personal_data(s)
        );
    }

    #[test]
    fn mobile_numbers() {
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("电话：13812345678。"), "电话：138****5678。");
        assert_eq!(mask("+8613812345678"), "+86138****5678");
        assert_eq!(mask("+86 13812345678"), "+86 138****5678");
        assert_eq!(mask("+86-138-1234-5678"), "+86-138-****-5678");
        assert_eq!(mask("8613812345678"), "86138****5678");
        assert_eq!(mask("86 13812345678"), "86 138****5678");
        assert_eq!(mask("138 1234 5678"), "138 **** 5678");
        assert_eq!(mask("138-1234-5678"), "138-****-5678");
        assert_eq!(mask("张三25 13812345678 李四"), "张三25 138****5678 李四");
    }

    #[test]
    fn mobile_boundaries() {
        unchanged("A13812345678");
        unchanged("138123456789");
        unchanged("13812345678x");
        unchanged("12812345678");
        unchanged("138 1234-5678");
    }

    #[test]
    fn resident_ids() {
        assert_eq!(mask("11010519491231002X"), "110***********002X");
        assert_eq!(
            mask("身份证号11010519491231002x，"),
            "身份证号110***********002x，"
        );
        // Wrong check digit: still masked.
        assert_eq!(mask("110105194912310021"), "110***********0021");
        assert_eq!(mask("110105 19491231 002X"), "110*** ******** 002X");
        unchanged("11010519491231002XY");
        unchanged("A11010519491231002X");
    }

    #[test]
    fn bank_cards() {
        assert_eq!(mask("4111111111111111"), "************1111");
        assert_eq!(
            mask("卡号：4111 1111 1111 1111"),
            "卡号：**** **** **** 1111"
        );
        assert_eq!(mask("4111-1111-1111-1111"), "****-****-****-1111");
        assert_eq!(mask("6222021234567890128"), "***************0128");
        assert_eq!(mask("6222 0212 3456 7890 128"), "**** **** **** ***0 128");
        // Not Luhn: an order number, left alone.
        unchanged("4111111111111112");
        unchanged("4111 1111 1111 1112");
    }

    #[test]
    fn landlines() {
        assert_eq!(mask("010-12345678"), "010-******78");
        assert_eq!(mask("0755-1234567"), "0755-*****67");
        assert_eq!(mask("0755 1234 5678"), "0755 **** **78");
        assert_eq!(mask("(010)12345678"), "(010)******78");
        assert_eq!(mask("（010）12345678"), "（010）******78");
        assert_eq!(mask("(0755) 1234-5678"), "(0755) ****-**78");
        assert_eq!(mask("010-12345678-123"), "010-******78-123");
        assert_eq!(mask("010-12345678转123"), "010-******78转123");
        unchanged("010-1234567");
        unchanged("010-02345678");
        unchanged("1010-12345678");
    }

    #[test]
    fn emails() {
        assert_eq!(mask("zhangsan@x.com"), "z*******@x.com");
        assert_eq!(
            mask("邮箱：zhangsan@example.com。"),
            "邮箱：z*******@example.com。"
        );
        assert_eq!(
            mask("li.si+tag@mail.example.com.cn"),
            "l*.**+***@mail.example.com.cn"
        );
        assert_eq!(mask("Contact: a@b.co."), "Contact: a@b.co.");
        assert_eq!(mask("ab@b.co"), "a*@b.co");
        assert_eq!(mask("13812345678@163.com"), "1**********@163.com");
        unchanged("@username");
        unchanged("user@localhost");
        unchanged("a @ b.com");
    }

    #[test]
    fn already_masked_values_are_unchanged() {
        for s in [
            "138****5678",
            "+86 138****5678",
            "110***********1234",
            "************1111",
            "**** **** **** 1111",
            "010-******78",
            "z***@example.com",
            "z*******@x.com",
        ] {
            unchanged(s);
        }
        let once = mask("张三 13812345678 zhangsan@x.com 11010519491231002X");
        unchanged(&once);
    }

    #[test]
    fn ordinary_numbers_are_left_alone() {
        for s in [
            "2026-11-30",
            "2026/11/30",
            "12,000",
            "¥12,000.00",
            "订单号 20261130",
            "12345678",
            "版本 1.2.3",
            "09:00-18:00",
            "ISBN 978-7-111-12345-6",
            "第 3 季度增长 15%",
            "1234567890123456", // 16 digits, not Luhn
            "",
        ] {
            unchanged(s);
        }
    }

    #[test]
    fn cjk_text_is_untouched_and_length_kept() {
        let s = "客户张三（手机 13812345678，邮箱 zhangsan@example.com，身份证 11010519491231002X）于2026年11月30日投诉。";
        let m = mask(s);
        assert_eq!(
            m,
            "客户张三（手机 138****5678，邮箱 z*******@example.com，身份证 110***********002X）于2026年11月30日投诉。"
        );
        // Every non-ASCII byte is unchanged, and every change is alnum → '*'.
        for (a, b) in s.bytes().zip(m.bytes()) {
            assert!(a == b || (a.is_ascii_alphanumeric() && b == b'*'));
        }
        // Spans computed on the original still slice the masked text.
        let start = s.find("于2026").unwrap_or(0);
        assert_eq!(&m[start..], "于2026年11月30日投诉。");
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "+",
            "+8",
            "+86",
            "+86 ",
            "86",
            "(",
            "（",
            "(010",
            "（010）",
            "@",
            "a@",
            "@.",
            "x@.com",
            "0",
            "010-",
            "010 ",
            "1-",
            "11010519491231002",
            "6222 ",
            "\u{FEFF}",
            "\0\0\0",
            "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9",
        ] {
            let m = mask_personal_data(s);
            assert_eq!(m.len(), s.len());
        }
    }

    #[test]
    fn fuzz_never_panics_and_keeps_length() {
        for s in fuzz_inputs() {
            let m = mask_personal_data(&s);
            assert_eq!(m.len(), s.len());
            for (a, b) in s.bytes().zip(m.bytes()) {
                assert!(a == b || (a.is_ascii_alphanumeric() && b == b'*'), "{s:?}");
            }
            assert_eq!(
                mask_personal_data(&m),
                m,
                "masking twice changes nothing: {s:?}"
            );
        }
    }
}
