//! Generic primitives that policy functions are built on. Nothing here knows the regulation.

pub mod dates;
pub mod money;
pub mod terms;
pub mod validators;

#[cfg(test)]
/// Deterministic pseudo-random strings over characters that exercise every branch
/// (digits, separators, brackets, currency signs, full-width and multi-byte characters).
pub(crate) fn fuzz_inputs() -> Vec<String> {
    const ALPHABET: &[&str] = &[
        "0", "1", "3", "8", "6", "9", "X", "x", "k", "m", " ", "-", "+", ".", ",", "(", ")", "（",
        "）", "@", "¥", "￥", "$", "元", "万", "千", "亿", "旦", "１", "８", "，", "．", "ＮＯ",
        "a", "b", "e", "\u{3000}", "\n", "#", "*", "转", "第一", "最佳", "时间", "RMB", "86",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..4000)
        .map(|_| {
            let len = (next() % 40) as usize;
            (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect()
        })
        .collect()
}
