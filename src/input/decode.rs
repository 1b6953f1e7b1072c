//! Turning a text file's bytes into text: UTF-8 (with or without BOM), UTF-16 (with BOM, or
//! detected), and legacy encodings guessed by a detector (chardetng, Firefox's): above all the
//! GBK/GB18030 files Chinese Windows tools write, but also Big5 (traditional Chinese, which
//! must not be read as GBK) and Windows-1252. Bytes that do not decode cleanly in the guessed
//! encoding are an error, never mojibake checked as if it were text.

use encoding_rs::{Encoding, GB18030, UTF_8};

use super::ReadError;

/// How many leading bytes of a legacy-encoded file the encoding detector reads.
const DETECTION_SAMPLE: usize = 4096;

/// Decoded text and the encoding it was read as.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decode a file's bytes. Valid UTF-8 (the common case) is taken over without a copy.
pub fn decode_text(bytes: Vec<u8>) -> Result<Decoded, ReadError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(undecodable(enc.name()));
        }
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
        });
    }
    if let Some(enc) = utf16_without_bom(&bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes);
        if !had_errors {
            return Ok(Decoded {
                text: text.into_owned(),
                encoding: enc.name(),
            });
        }
    }
    if looks_binary(&bytes) {
        return Err(ReadError {
            message: "this file is binary, not text".into(),
            help: Some("check the file's extension: bylaw reads .md and .txt files as text".into()),
        });
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => {
            return Ok(Decoded {
                text,
                encoding: UTF_8.name(),
            });
        }
        Err(e) => e.into_bytes(),
    };
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // A few kilobytes of non-ASCII text tell GBK from Big5 or Windows-1252 as well as the
    // whole file does, and the detector costs about a thousand instructions a byte; the whole
    // file is then decoded, and must decode cleanly. ASCII says nothing, so the sample starts
    // at the first other byte.
    let from = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    let sample = &bytes[from..bytes.len().min(from + DETECTION_SAMPLE)];
    detector.feed(sample, from + sample.len() == bytes.len());
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    // GBK is a subset of GB18030: decode with the superset, name it as detected.
    let enc = if guess == encoding_rs::GBK {
        GB18030
    } else {
        guess
    };
    // The guess first; GB18030 (what Chinese Windows tools write) when the guess fails.
    for (enc, name) in [(enc, guess.name()), (GB18030, GB18030.name())] {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes);
        // Single-byte encodings decode any byte; C1 control characters in the result mean
        // the guess is wrong (or the file is not text), so it is reported rather than checked.
        let implausible = text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c));
        if !had_errors && !implausible {
            return Ok(Decoded {
                text: text.into_owned(),
                encoding: name,
            });
        }
    }
    Err(undecodable(&format!("UTF-8, {} or GB18030", guess.name())))
}

fn undecodable(tried: &str) -> ReadError {
    ReadError {
        message: format!("cannot decode this file as {tried}"),
        help: Some("save the file as UTF-8 (or GBK/GB18030) text".into()),
    }
}

/// UTF-16 text without a BOM, as some Windows tools write it: mostly-ASCII text has a NUL in
/// every other byte. Detected only when that pattern is overwhelming.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 7 && even * 20 <= pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 20 <= pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// NUL bytes in the first few kilobytes mean a binary file (UTF-16 without a BOM included,
/// which we do not guess at).
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    head.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_gbk_and_utf16() {
        assert_eq!(
            decode_text("\u{feff}结论".as_bytes().to_vec())
                .unwrap()
                .text,
            "结论"
        );
        let (gbk, _, _) = GB18030.encode("市场调研报告");
        let d = decode_text(gbk.into_owned()).unwrap();
        assert_eq!(d.text, "市场调研报告");
        assert!(matches!(d.encoding, "GBK" | "gb18030"), "{}", d.encoding);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "引言".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode_text(utf16).unwrap().text, "引言");
    }

    #[test]
    fn decodes_utf16_without_bom() {
        let bytes: Vec<u8> = "Research report\n结论"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode_text(bytes).unwrap().text, "Research report\n结论");
    }

    /// The shared corpora's Sun Tzu in GBK and in Big5 decode to their UTF-8 references: the
    /// Big5 decoy is not read as GBK.
    #[test]
    fn gbk_and_big5_from_the_corpora() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/text");
        for (legacy, reference) in [
            (
                "sunzi-bingfa-simplified-gbk.txt",
                "sunzi-bingfa-simplified-utf-8.txt",
            ),
            (
                "sunzi-bingfa-traditional-big5.txt",
                "sunzi-bingfa-traditional-utf-8.txt",
            ),
            ("candide-windows-1252.txt", "candide-utf-8.txt"),
        ] {
            let bytes = std::fs::read(dir.join(legacy)).expect("corpus file");
            let expected = std::fs::read_to_string(dir.join(reference)).expect("reference");
            let decoded = decode_text(bytes).expect("decodes");
            assert_eq!(
                decoded.text, expected,
                "{legacy} read as {}",
                decoded.encoding
            );
        }
    }

    /// Detection samples the text from its first non-ASCII byte: a Big5 file behind a long
    /// ASCII preamble (a table of figures, an English header) is still told from GBK.
    #[test]
    fn long_ascii_preamble_does_not_hide_the_encoding() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/text");
        let preamble = "Q3 2026, store 0417, units 1200, 1350, 980\n".repeat(200);
        for (legacy, reference) in [
            (
                "sunzi-bingfa-traditional-big5.txt",
                "sunzi-bingfa-traditional-utf-8.txt",
            ),
            (
                "sunzi-bingfa-simplified-gbk.txt",
                "sunzi-bingfa-simplified-utf-8.txt",
            ),
        ] {
            let mut bytes = preamble.as_bytes().to_vec();
            bytes.extend(std::fs::read(dir.join(legacy)).expect("corpus file"));
            let expected = preamble.clone()
                + &std::fs::read_to_string(dir.join(reference)).expect("reference");
            let decoded = decode_text(bytes).expect("decodes");
            assert_eq!(
                decoded.text, expected,
                "{legacy} read as {}",
                decoded.encoding
            );
        }
    }

    #[test]
    fn rejects_binary() {
        assert!(decode_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).is_err());
    }
}
