//! Validators for identifiers that records and documents carry: PRC resident ID numbers, bank
//! cards (Luhn), Chinese mobile and landline numbers, e-mail addresses.
//!
//! Each validator judges one whole value (a record cell, a matched token): it returns `false`
//! for anything that is not exactly the identifier. Callers trim cells first; surrounding
//! whitespace is not accepted, so a validator never has to guess where a value ends.
//! All work on ASCII; nothing here allocates except [`digits_only`].

/// GB 11643-1999 weights for the first 17 digits (ISO 7064 MOD 11-2: 2^(17-i) mod 11).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check characters indexed by the weighted sum mod 11.
const ID_CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// Whether `s` is a PRC resident identity number (GB 11643-1999): 17 digits and a check
/// character (`0`–`9` or `X`/`x`) that is valid under ISO 7064 MOD 11-2, with a real calendar
/// birth date (`YYYYMMDD` at positions 7–14) between 1900 and 2100.
///
/// The date check catches numbers that happen to satisfy the checksum (one in eleven does) but
/// cannot be an ID, such as order numbers.
pub fn resident_id_valid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let expected = ID_CHECK_CHARS[(sum % 11) as usize];
    if b[17].to_ascii_uppercase() != expected {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let (year, month, day) = (num(6..10), num(10..12), num(12..14));
    (1900..=2100).contains(&year) && is_real_date(year, month, day)
}

fn is_leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Whether year/month/day names a day of the Gregorian calendar.
fn is_real_date(year: u32, month: u32, day: u32) -> bool {
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// Whether the digits of `s` pass the Luhn checksum (bank cards). `s` holds ASCII digits,
/// optionally grouped with spaces or hyphens, and at least two digits; any other character
/// makes it invalid.
pub fn luhn_valid(s: &str) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for b in s.bytes().rev() {
        match b {
            b'0'..=b'9' => {
                let mut d = u32::from(b - b'0');
                if count % 2 == 1 {
                    d *= 2;
                    if d > 9 {
                        d -= 9;
                    }
                }
                sum += d;
                count += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    count >= 2 && sum.is_multiple_of(10)
}

/// Whether `s` is a mainland Chinese mobile number: an optional `+86`/`86` prefix (followed by
/// an optional space or hyphen), then `1[3-9]` and nine more digits, either contiguous or
/// grouped 3-4-4 with spaces or hyphens (`138 1234 5678`, `138-1234-5678`; one separator kind).
pub fn chinese_mobile_valid(s: &str) -> bool {
    // National numbers start with 1, so stripping an `86` can never eat a real first digit.
    let rest = s
        .strip_prefix("+86")
        .or_else(|| s.strip_prefix("86"))
        .map(|r| r.strip_prefix([' ', '-']).unwrap_or(r))
        .unwrap_or(s);
    mobile_national_valid(rest.as_bytes())
}

/// The national part of a mobile number: 11 digits `1[3-9]…`, contiguous or 3-4-4.
fn mobile_national_valid(b: &[u8]) -> bool {
    let digits: Vec<u8> = match b.len() {
        11 => b.to_vec(),
        13 => {
            let sep = b[3];
            if !(sep == b' ' || sep == b'-') || b[8] != sep {
                return false;
            }
            [&b[..3], &b[4..8], &b[9..]].concat()
        }
        _ => return false,
    };
    digits.iter().all(u8::is_ascii_digit) && digits[0] == b'1' && (b'3'..=b'9').contains(&digits[1])
}

/// Whether `s` is a mainland Chinese landline number: an area code `0` + 2–3 digits and a local
/// number of 7–8 digits that does not start with 0, written `010-12345678`, `0755 1234567`,
/// `(010)12345678`, `（010）1234-5678` or `01012345678`; optionally followed by an extension
/// (`-123`, `转123`, `ext. 123`, `x123`; 1–6 digits).
///
/// Area codes follow the numbering plan: `010` and `02X` are three digits with an eight-digit
/// local number; all others are four digits with seven or eight.
pub fn chinese_landline_valid(s: &str) -> bool {
    for marker in ["转", "ext.", "ext", "x"] {
        if let Some(i) = s.find(marker) {
            let ext = s[i + marker.len()..].trim_start();
            return extension_valid(ext) && landline_main_valid(s[..i].trim_end());
        }
    }
    // A trailing `-123` is an extension only if what precedes it is already a whole number;
    // otherwise the hyphen groups the local number (`010-1234-5678`).
    if let Some((main, ext)) = s.rsplit_once('-')
        && extension_valid(ext)
        && landline_main_valid(main)
    {
        return true;
    }
    landline_main_valid(s)
}

fn extension_valid(ext: &str) -> bool {
    (1..=6).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_digit())
}

/// A landline number without extension.
fn landline_main_valid(s: &str) -> bool {
    for (open, close) in [("(", ")"), ("（", "）")] {
        if let Some(rest) = s.strip_prefix(open) {
            let Some((area, after)) = rest.split_once(close) else {
                return false;
            };
            let local = after.strip_prefix([' ', '-']).unwrap_or(after);
            return landline_parts_valid(area.as_bytes(), local.as_bytes());
        }
    }
    let b = s.as_bytes();
    match b.iter().position(|&x| x == b'-' || x == b' ') {
        Some(i) => landline_parts_valid(&b[..i], &b[i + 1..]),
        None => (3..=4).any(|n| n < b.len() && landline_parts_valid(&b[..n], &b[n..])),
    }
}

/// Area code and local number (the local number may be grouped `1234-5678` / `1234 5678`).
fn landline_parts_valid(area: &[u8], local: &[u8]) -> bool {
    if !area.iter().all(u8::is_ascii_digit) || area.first() != Some(&b'0') {
        return false;
    }
    let local_lengths: &[usize] = match (area.len(), area.get(1)) {
        // The spec's `0XX(X)-XXXXXXX(X)`: 7 or 8 digits after any area code.
        (3, Some(b'1' | b'2')) => &[7, 8],
        (4, Some(b'3'..=b'9')) => &[7, 8],
        _ => return false,
    };
    let digits: Vec<u8> = match local.iter().position(|&b| b == b'-' || b == b' ') {
        Some(i) if (i == 3 || i == 4) && local.len() - i - 1 == 4 => {
            [&local[..i], &local[i + 1..]].concat()
        }
        Some(_) => return false,
        None => local.to_vec(),
    };
    digits.iter().all(u8::is_ascii_digit)
        && local_lengths.contains(&digits.len())
        && digits.first().is_some_and(|&d| d != b'0')
}

/// Whether `s` is an e-mail address, pragmatically: `local@domain.tld`, ASCII, no spaces. The
/// local part uses the RFC 5322 atom characters with single dots between atoms; the domain has
/// at least two labels of letters, digits and inner hyphens, and an alphabetic top-level label of
/// two or more letters (or a punycode `xn--` label).
pub fn email_valid(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if s.len() > 254 || local.is_empty() || local.len() > 64 {
        return false;
    }
    let local_ok = local.split('.').all(|atom| {
        !atom.is_empty()
            && atom
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(&b))
    });
    local_ok && domain_valid(domain)
}

/// A DNS domain name with at least two labels and a plausible top-level label.
pub(crate) fn domain_valid(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return false;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let tld = labels.last().copied().unwrap_or("");
    let tld_ok = (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        || (tld.len() > 4 && tld.to_ascii_lowercase().starts_with("xn--"));
    labels.iter().all(|l| label_ok(l)) && tld_ok
}

/// The ASCII digits of `s`, in order; full-width digits (`１３８`) count as their ASCII forms.
/// For comparing identifiers written with different grouping (`138-1234-5678` vs
/// `13812345678`).
pub fn digits_only(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::builtins::fuzz_inputs;

    /// Computes the GB 11643 check character for 17 digits (independent of the validator's
    /// table, using the defining formula 2^(17-i) mod 11).
    fn id_with_check(first17: &str) -> String {
        let sum: u32 = first17
            .bytes()
            .enumerate()
            .map(|(i, d)| u32::from(d - b'0') * (1u32 << (17 - i)) % 11)
            .sum();
        let check = (12 - sum % 11) % 11;
        let c = if check == 10 {
            'X'
        } else {
            char::from(b'0' + check as u8)
        };
        format!("{first17}{c}")
    }

    #[test]
    fn resident_id_known_example() {
        assert!(resident_id_valid("11010519491231002X"));
        assert!(resident_id_valid("11010519491231002x"));
        assert_eq!(id_with_check("11010519491231002"), "11010519491231002X");
    }

    #[test]
    fn resident_id_wrong_check_digit() {
        for c in ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] {
            assert!(!resident_id_valid(&format!("11010519491231002{c}")));
        }
    }

    #[test]
    fn resident_id_computed_examples() {
        let id = id_with_check("44030420000229123");
        assert!(resident_id_valid(&id), "{id}"); // 2000 is a leap year
        let id = id_with_check("32010219851015456");
        assert!(resident_id_valid(&id), "{id}");
    }

    #[test]
    fn resident_id_date_must_be_real() {
        for first17 in [
            "44030419000229123", // 1900 is not a leap year
            "44030420230230123", // 30 February
            "44030420231301123", // month 13
            "44030420230100123", // day 0
            "44030418991231123", // before 1900
            "44030421010101123", // after 2100
        ] {
            let id = id_with_check(first17);
            assert!(!resident_id_valid(&id), "{id}");
        }
        assert!(resident_id_valid(&id_with_check("44030421000101123")));
    }

    #[test]
    fn resident_id_shape() {
        assert!(!resident_id_valid(""));
        assert!(!resident_id_valid("11010519491231002"));
        assert!(!resident_id_valid("11010519491231002X0"));
        assert!(!resident_id_valid(" 11010519491231002X"));
        assert!(!resident_id_valid("110105 19491231002X"));
        assert!(!resident_id_valid("1101051949123100XX"));
        assert!(!resident_id_valid("１１０１０５１９４９１２３１００２Ｘ"));
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("4111-1111-1111-1111"));
        assert!(luhn_valid("6222021234567890128"));
        assert!(luhn_valid("6222 0212 3456 7890 128"));
        assert!(!luhn_valid("6222021234567890123"));
        assert!(luhn_valid("79927398713"));
        assert!(luhn_valid("00"));
        assert!(!luhn_valid("0"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("4111x1111111111111"));
    }

    #[test]
    fn mobile_numbers() {
        for ok in [
            "13812345678",
            "19912345678",
            "+8613812345678",
            "+86 13812345678",
            "+86-13812345678",
            "8613812345678",
            "86 13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138-1234-5678",
        ] {
            assert!(chinese_mobile_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "12812345678",
            "1381234567",
            "138123456789",
            "138 1234-5678",
            "138  1234 5678",
            "1381234 5678",
            "138****5678",
            "+86",
            "+8612812345678",
            " 13812345678",
            "13812345678 ",
            "１３８１２３４５６７８",
        ] {
            assert!(!chinese_mobile_valid(bad), "{bad}");
        }
    }

    #[test]
    fn landline_numbers() {
        for ok in [
            "010-12345678",
            "021-68888888",
            "0755-1234567",
            "0755-12345678",
            "0755 12345678",
            "01012345678",
            "07551234567",
            "(010)12345678",
            "(010) 12345678",
            "（010）12345678",
            "（0755）1234-5678",
            "010-1234-5678",
            "010-12345678-123",
            "010-12345678转123",
            "010-12345678 ext. 88",
            "(010)12345678-8",
            "0755-1234 5678",
        ] {
            assert!(chinese_landline_valid(ok), "{ok}");
        }
        // The spec's `0XX(X)-XXXXXXX(X)` accepts seven digits after a three-digit area code.
        assert!(chinese_landline_valid("021-1234567"));
        for bad in [
            "",
            "0755-123456",    // too short
            "0755-123456789", // too long
            "010-02345678",   // local numbers do not start with 0
            "10-12345678",    // area code must start with 0
            "00-12345678",
            "0101-2345678-",
            "010-12345678-1234567",
            "(010-12345678",
            "13812345678",
            "2026-11-30",
            "010-12345678转",
        ] {
            assert!(!chinese_landline_valid(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in [
            "zhangsan@example.com",
            "z.san+tag@mail.example.com.cn",
            "a@b.co",
            "li_si-1@sub-domain.example.org",
            "x@xn--fiqs8s.xn--fiqz9s",
        ] {
            assert!(email_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "zhangsan",
            "@example.com",
            "zhangsan@",
            "zhang san@example.com",
            "zhangsan@example",
            "zhangsan@example.c",
            "zhangsan@-example.com",
            "zhangsan@example..com",
            ".zhang@example.com",
            "zhang..san@example.com",
            "a@b@example.com",
            "张三@example.com",
            "zhangsan@example.com.",
            "zhangsan@example.123",
        ] {
            assert!(!email_valid(bad), "{bad}");
        }
    }

    #[test]
    fn digits_only_keeps_digits() {
        assert_eq!(digits_only("+86 138-1234-5678"), "8613812345678");
        assert_eq!(digits_only("１３８ab"), "138");
        assert_eq!(digits_only("无"), "");
    }

    #[test]
    fn fuzz_never_panics() {
        for s in fuzz_inputs() {
            let _ = resident_id_valid(&s);
            let _ = luhn_valid(&s);
            let _ = chinese_mobile_valid(&s);
            let _ = chinese_landline_valid(&s);
            let _ = email_valid(&s);
            let _ = digits_only(&s);
        }
    }
}
