//! Rendering findings: `human` (miette, rustc-style) and `json` (a stable contract). Every
//! format masks personal data unless asked not to.

pub mod baseline;
pub mod coverage;
pub mod finding;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod mask;
pub mod merge;
pub mod sarif;

use std::borrow::Cow;

use crate::check::eval::{PERSONAL_END, PERSONAL_START};

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Show personal data as written (`--show-values`).
    pub show_values: bool,
    /// Use colours (a terminal that wants them).
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

impl RenderOptions {
    /// Mask personal data in a text unless values are to be shown: values the checker marked
    /// as personal (cells of personal-data columns) whatever their shape, and anything shaped
    /// like a phone number, ID number, bank card or e-mail address.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let marked = text.contains(PERSONAL_START);
        if self.show_values {
            if marked {
                return Cow::Owned(text.replace([PERSONAL_START, PERSONAL_END], ""));
            }
            return Cow::Borrowed(text);
        }
        if !marked {
            return mask::mask_personal_data(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find(PERSONAL_START) {
            out.push_str(&rest[..i]);
            let after = &rest[i + PERSONAL_START.len_utf8()..];
            let end = after.find(PERSONAL_END).unwrap_or(after.len());
            out.push_str(&mask::mask_value(&after[..end]));
            rest = after.get(end + PERSONAL_END.len_utf8()..).unwrap_or("");
        }
        out.push_str(rest);
        Cow::Owned(mask::mask_personal_data(&out).into_owned())
    }
}
