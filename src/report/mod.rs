//! Rendering findings: `human` (miette, rustc-style) and `json` (a stable contract). Every
//! format masks personal data unless asked not to.

pub mod finding;
pub mod human;
pub mod json;
pub mod mask;

use std::borrow::Cow;

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
    /// Mask personal data in a text unless values are to be shown.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.show_values {
            Cow::Borrowed(text)
        } else {
            mask::mask_personal_data(text)
        }
    }
}
