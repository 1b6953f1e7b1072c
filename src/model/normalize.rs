//! Normalising headings and labels for matching, and recognising heading numbering.
//!
//! Staff number their headings in many ways (`一、`, `（一）`, `1.2`, `第一章`, `Part 2`) and mix
//! full-width and half-width characters freely. Policies match a heading or label by whether
//! its *normalised* text contains a synonym, so normalisation removes everything that is not
//! the words themselves: numbering, surrounding punctuation and brackets, trailing colons,
//! Markdown emphasis, width and case differences, and runs of whitespace.
//!
//! [`numbering_prefix`] is shared with the readers, which use the numbering style to decide
//! that a plain-text line is a heading and at which level, and so is [`is_toc_entry`], which
//! tells them that a numbered line ending in leaders and a page number (`四、结论……5`) is an
//! entry of a typed table of contents rather than a heading.

/// How a heading (or list item) is numbered. Readers rank styles by first appearance to
/// assign heading levels, so each visually distinct convention is its own variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NumberingStyle {
    /// `第一章`, `第1章`
    ChapterCn,
    /// `第一节`
    SectionCn,
    /// `第一部分`, `第一篇`
    PartCn,
    /// `第一条`
    ArticleCn,
    /// `一、` (also `一.` / `一．`)
    CnComma,
    /// `（一）`, `(一)`
    CnParen,
    /// `1.`, `1、`, `1．`, `⒈`
    Decimal,
    /// `1)`, `1）`
    DecimalParen,
    /// `1.1` (depth 2), `1.1.1` (depth 3) …; the payload is the number of components.
    Dotted(u8),
    /// `(1)`, `（1）`, `⑴`
    ParenDecimal,
    /// `①`
    Circled,
    /// `Part 2`, `Part II`
    PartEn,
    /// `Chapter 3`
    ChapterEn,
    /// `Section 1`, `Section 1.2`
    SectionEn,
    /// `IV.`, `Ⅳ、`
    Roman,
    /// `A.`, `A、`, `A)`
    Letter,
    /// `a.`, `a)`
    LowerLetter,
    /// `(a)`, `（A）`
    ParenLetter,
}

impl NumberingStyle {
    /// Chapter-like styles whose numbering may stand alone on a line (`第一部分`).
    pub fn may_stand_alone(self) -> bool {
        matches!(
            self,
            NumberingStyle::ChapterCn
                | NumberingStyle::SectionCn
                | NumberingStyle::PartCn
                | NumberingStyle::ArticleCn
                | NumberingStyle::PartEn
                | NumberingStyle::ChapterEn
                | NumberingStyle::SectionEn
        )
    }

    /// Styles written with Arabic numbers (`1.`, `1、`, `1)`, `1.2`, `(1)`).
    pub fn is_arabic(self) -> bool {
        matches!(
            self,
            NumberingStyle::Decimal
                | NumberingStyle::DecimalParen
                | NumberingStyle::Dotted(_)
                | NumberingStyle::ParenDecimal
        )
    }

    /// Styles written with Chinese numerals (`一、`, `（一）`, `第一章` …).
    pub fn is_chinese(self) -> bool {
        matches!(
            self,
            NumberingStyle::ChapterCn
                | NumberingStyle::SectionCn
                | NumberingStyle::PartCn
                | NumberingStyle::ArticleCn
                | NumberingStyle::CnComma
                | NumberingStyle::CnParen
        )
    }
}

/// Full-width → half-width and lower case.
///
/// Full-width ASCII (U+FF01–U+FF5E: `ＡＢＣ１２３（）：`) becomes ASCII, the ideographic space
/// and no-break space become a plain space; everything else (CJK text and CJK punctuation such
/// as `、。【】`) is kept.
pub fn fold_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.extend(half_width(c).to_lowercase());
    }
    out
}

/// A full-width ASCII character as ASCII, a wide or no-break space as a space.
pub fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        _ => c,
    }
}

/// Normalise a heading or label for matching: `**（一）推广目标：**` → `推广目标`,
/// `Part 2 – RESULTS` → `results`, `１．Ｂｕｄｇｅｔ` → `budget`.
///
/// Removes leading numbering (repeatedly, so `第一章 1.1 背景` → `背景`), surrounding
/// punctuation and wrapping brackets (`【背景】` → `背景`, but `预算（万元）` keeps its unit),
/// trailing colons, and Markdown emphasis markers; folds width and case; collapses whitespace
/// to single spaces.
pub fn normalize_label(s: &str) -> String {
    // Case is folded last: numbering detection needs it (`IV.` is roman, `iv.` is not).
    let half: String = s.chars().map(half_width).collect();
    // Emphasis markers can sit anywhere (`**预算**：`), so drop them outright; `_` is only
    // trimmed at the edges because it occurs inside identifiers (`customer_id`).
    let mut t: String = half.replace("~~", "").replace(['*', '`'], "");
    // Each pass peels one layer; a handful of passes covers any real heading.
    for _ in 0..8 {
        let before = t.len();
        // Numbering first: its own punctuation (`一、`) must not be trimmed away before it is
        // recognised.
        let mut rest = t.trim();
        if let Some((_, len)) = numbering_prefix(rest) {
            rest = rest.get(len..).unwrap_or("");
        } else if let Some(len) = bare_number_prefix(rest) {
            rest = rest.get(len..).unwrap_or("");
        }
        rest = rest.trim_matches(|c: char| c.is_whitespace() || is_edge_punct(c));
        if let Some(inner) = unwrap_brackets(rest) {
            rest = inner;
        }
        t = rest.to_string();
        if t.len() == before {
            break;
        }
    }
    collapse_whitespace(&t.to_lowercase())
}

/// Runs of whitespace → one space; none at all between two CJK characters, where a space is
/// only visual spacing (`引　言`, `总 则`) and would defeat matching `引言`.
fn collapse_whitespace(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out = String::with_capacity(s.len());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let prev = words[i - 1].chars().last();
            let next = w.chars().next();
            if !(prev.is_some_and(is_cjk) && next.is_some_and(is_cjk)) {
                out.push(' ');
            }
        }
        out.push_str(w);
    }
    out
}

/// A bare section number and the space after it (`1 总则`, `12 Results`): numbering in a
/// heading's text, though too ambiguous for [`numbering_prefix`] to use on a plain line. A
/// quantity (`3 个渠道`, `5 万元`) is not stripped.
fn bare_number_prefix(s: &str) -> Option<usize> {
    let mut cur = Cursor { s, pos: 0 };
    let n = cur.eat_while(is_digit);
    if n == 0 || n > 3 || cur.eat_while(char::is_whitespace) == 0 {
        return None;
    }
    match cur.peek() {
        Some(c) if !is_unit(c) && !is_digit(c) && !c.is_ascii_punctuation() => Some(cur.pos),
        _ => None,
    }
}

/// Punctuation that is removed from either end of a label. Brackets are not in the list:
/// they are removed only as a matched wrapping pair.
fn is_edge_punct(c: char) -> bool {
    matches!(
        c,
        ':' | '：'
            | ','
            | '，'
            | '.'
            | '。'
            | ';'
            | '；'
            | '!'
            | '！'
            | '?'
            | '？'
            | '、'
            | '-'
            | '—'
            | '–'
            | '·'
            | '•'
            | '#'
            | '_'
            | '~'
            | '"'
            | '\''
            | '“'
            | '”'
            | '‘'
            | '’'
            | '…'
            | '|'
            | '='
            | '>'
    )
}

fn closing_bracket(open: char) -> Option<char> {
    Some(match open {
        '(' => ')',
        '（' => '）',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        '【' => '】',
        '《' => '》',
        '「' => '」',
        '『' => '』',
        '〔' => '〕',
        '〈' => '〉',
        '〖' => '〗',
        _ => return None,
    })
}

/// The inside of `s` when `s` is wholly wrapped by one matched bracket pair (`【背景】`), not
/// when it merely starts and ends with brackets (`(一)方法(补充)`).
fn unwrap_brackets(s: &str) -> Option<&str> {
    let open = s.chars().next()?;
    let close = closing_bracket(open)?;
    if !s.ends_with(close) || s.len() < open.len_utf8() + close.len_utf8() {
        return None;
    }
    let mut depth = 0usize;
    let last = s.len() - close.len_utf8();
    for (i, c) in s.char_indices() {
        if c == open && open != close {
            depth += 1;
        } else if c == close {
            depth = depth.saturating_sub(1);
            if depth == 0 && i < last {
                return None;
            }
        }
    }
    s.get(open.len_utf8()..last)
}

/// Chinese numerals as used in numbering (`一`…`十`, `百`, `零`, `两`, and the financial forms).
fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '零'
            | '〇'
            | '两'
            | '壹'
            | '贰'
            | '叁'
            | '肆'
            | '伍'
            | '陆'
            | '柒'
            | '捌'
            | '玖'
            | '拾'
    )
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_dot(c: char) -> bool {
    matches!(c, '.' | '．')
}

fn is_open_paren(c: char) -> bool {
    matches!(c, '(' | '（')
}

fn is_close_paren(c: char) -> bool {
    matches!(c, ')' | '）')
}

/// Characters that, directly after `1.5`, make it a quantity rather than a section number.
fn is_unit(c: char) -> bool {
    matches!(
        c,
        '万' | '亿'
            | '千'
            | '百'
            | '元'
            | '角'
            | '分'
            | '倍'
            | '个'
            | '年'
            | '月'
            | '日'
            | '号'
            | '时'
            | '点'
            | '秒'
            | '米'
            | '克'
            | '%'
            | '％'
            | '‰'
    )
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// A tiny cursor over a line, tracking byte positions.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos..)?.chars().next()
    }

    fn peek_nth(&self, n: usize) -> Option<char> {
        self.s.get(self.pos..)?.chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, pred: impl Fn(char) -> bool) -> bool {
        match self.peek() {
            Some(c) if pred(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    /// Consume a run of matching characters; returns how many.
    fn eat_while(&mut self, pred: impl Fn(char) -> bool) -> usize {
        let mut n = 0;
        while self.eat(&pred) {
            n += 1;
        }
        n
    }

    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("")
    }
}

/// Detect heading-style numbering at the start of `line`.
///
/// Returns the style and the byte length of the prefix, which includes leading whitespace, the
/// numbering itself and any separator and whitespace that follow (`第一章：`, `Part 2 - `,
/// `1.2 `), so `&line[len..]` is the heading's own text.
///
/// Deliberately conservative: `1.5万元`, `10:30`, `2024年`, `第一季度`, `e.g.` and `Part of` are
/// not numbering. A bare number followed by a space (`1 Introduction`) is not recognised either;
/// it is too often a quantity.
pub fn numbering_prefix(line: &str) -> Option<(NumberingStyle, usize)> {
    let mut cur = Cursor { s: line, pos: 0 };
    cur.eat_while(char::is_whitespace);
    let start = cur.pos;
    let style = numbering_at(&mut cur)?;
    debug_assert!(cur.pos > start);
    let sep = |c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '-' | '—' | '–' | '.' | '．' | '、')
    };
    if style.may_stand_alone() {
        cur.eat_while(sep);
    } else {
        cur.eat_while(char::is_whitespace);
    }
    Some((style, cur.pos))
}

/// Whether `s` is nothing but heading numbering (`第一部分`, `Part 4`, `Section 2.1`, `（三）`),
/// surrounding whitespace aside: [`numbering_prefix`] covers all of it.
///
/// Readers use it on label keys: in `第一部分：研究背景` the "key" is only the numbering, so the
/// line is a numbered heading, not a labelled line.
pub fn is_numbering_only(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && numbering_prefix(s).is_some_and(|(_, len)| len >= s.len())
}

/// Longest entry text (in characters) before the leaders of a typed table-of-contents entry.
const MAX_TOC_ENTRY_CHARS: usize = 60;
/// Longest entry text (in characters) of an unnumbered entry whose page number follows a tab
/// without leaders.
const MAX_TOC_TAB_ENTRY_CHARS: usize = 20;

/// Whether `line` is a table-of-contents entry typed as text: an entry, then leader characters
/// and/or a tab, then a page number — `四、结论…………5`, `四、结论 ........ 5`, `1. 引言\t3`,
/// `第三章 结果分析 ···· 12`.
///
/// Leaders are a run of `.`, `．`, `·`, `・`, `-`, `－` (at least three, spaces between them
/// allowed) or of `…`/`⋯` (at least two). The page number is one to three digits. The entry
/// must hold some letters, read as a heading rather than a sentence (no `。；！？` inside) and
/// not end with a colon; when only a tab separates it from the number it must be numbered or
/// short. Such a line lists a heading, it is not one, and not a labelled line either.
pub fn is_toc_entry(line: &str) -> bool {
    let line = line.trim();
    // The page number.
    let digits: usize = line
        .chars()
        .rev()
        .take_while(|c| is_digit(*c))
        .map(char::len_utf8)
        .sum();
    let count = line.chars().rev().take_while(|c| is_digit(*c)).count();
    if count == 0 || count > 3 {
        return false;
    }
    let before = line.get(..line.len() - digits).unwrap_or("");
    // Leaders, tabs and spaces before it.
    let mut weight = 0usize;
    let mut tab = false;
    let mut head_end = before.len();
    for (i, c) in before.char_indices().rev() {
        if c == '\t' {
            tab = true;
        } else if c.is_whitespace() {
        } else if let Some(w) = leader_weight(c) {
            weight += w;
        } else {
            break;
        }
        head_end = i;
    }
    let leaders = weight >= 3;
    if !leaders && !tab {
        return false;
    }
    let head = before.get(..head_end).unwrap_or("").trim();
    let chars = head.chars().count();
    if chars == 0
        || chars > MAX_TOC_ENTRY_CHARS
        || !head.chars().any(char::is_alphabetic)
        || head.ends_with([':', '：'])
        || head.contains(['。', '；', '！', '？', ';', '!', '?'])
    {
        return false;
    }
    leaders || chars <= MAX_TOC_TAB_ENTRY_CHARS || numbering_prefix(head).is_some()
}

/// How much a character counts towards a run of table-of-contents leaders (three make one).
fn leader_weight(c: char) -> Option<usize> {
    match c {
        '.' | '．' | '·' | '・' | '‧' | '-' | '－' | '‐' => Some(1),
        '…' | '⋯' => Some(2),
        _ => None,
    }
}

fn numbering_at(cur: &mut Cursor<'_>) -> Option<NumberingStyle> {
    let save = cur.pos;
    let c = cur.peek()?;
    let result = match c {
        '第' => chinese_ordinal(cur),
        '(' | '（' => parenthesised(cur),
        '①'..='⑳' => {
            cur.bump();
            Some(NumberingStyle::Circled)
        }
        '⑴'..='⒇' => {
            cur.bump();
            Some(NumberingStyle::ParenDecimal)
        }
        '⒈'..='⒛' => {
            cur.bump();
            Some(NumberingStyle::Decimal)
        }
        c if is_cn_numeral(c) => chinese_comma(cur),
        c if is_digit(c) => arabic(cur),
        'P' | 'p' | 'C' | 'c' | 'S' | 's' => english_word(cur).or_else(|| {
            cur.pos = save;
            letter_or_roman(cur)
        }),
        _ => letter_or_roman(cur),
    };
    if result.is_none() {
        cur.pos = save;
    }
    result
}

/// `第一章`, `第 1 节`, `第三部分`, `第五条`.
fn chinese_ordinal(cur: &mut Cursor<'_>) -> Option<NumberingStyle> {
    cur.bump(); // 第
    cur.eat_while(|c| c == ' ');
    let n = cur.eat_while(|c| is_cn_numeral(c) || is_digit(c));
    if n == 0 || n > 6 {
        return None;
    }
    cur.eat_while(|c| c == ' ');
    let rest = cur.rest();
    let (style, len) = if rest.starts_with('章') {
        (NumberingStyle::ChapterCn, '章'.len_utf8())
    } else if rest.starts_with('节') {
        (NumberingStyle::SectionCn, '节'.len_utf8())
    } else if rest.starts_with("部分") {
        (NumberingStyle::PartCn, "部分".len())
    } else if rest.starts_with('篇') {
        (NumberingStyle::PartCn, '篇'.len_utf8())
    } else if rest.starts_with('条') {
        (NumberingStyle::ArticleCn, '条'.len_utf8())
    } else {
        return None;
    };
    cur.pos += len;
    Some(style)
}

/// `（一）`, `(1)`, `(a)`.
fn parenthesised(cur: &mut Cursor<'_>) -> Option<NumberingStyle> {
    cur.bump();
    let c = cur.peek()?;
    let style = if is_cn_numeral(c) {
        let n = cur.eat_while(is_cn_numeral);
        (n <= 5).then_some(NumberingStyle::CnParen)?
    } else if is_digit(c) {
        let n = cur.eat_while(is_digit);
        (n <= 3).then_some(NumberingStyle::ParenDecimal)?
    } else if c.is_ascii_alphabetic() {
        cur.bump();
        NumberingStyle::ParenLetter
    } else {
        return None;
    };
    cur.eat(is_close_paren).then_some(style)
}

/// `一、`, `十二、`, `三．`.
fn chinese_comma(cur: &mut Cursor<'_>) -> Option<NumberingStyle> {
    let n = cur.eat_while(is_cn_numeral);
    if n > 5 {
        return None;
    }
    match cur.peek()? {
        '、' => {
            cur.bump();
            Some(NumberingStyle::CnComma)
        }
        c if is_dot(c) => {
            cur.bump();
            // `一.5` is not numbering.
            match cur.peek() {
                Some(c) if is_digit(c) => None,
                _ => Some(NumberingStyle::CnComma),
            }
        }
        _ => None,
    }
}

/// `1.`, `1、`, `1)`, `1.2`, `1.2.3`, `1.2.`.
fn arabic(cur: &mut Cursor<'_>) -> Option<NumberingStyle> {
    let n = cur.eat_while(is_digit);
    if n > 3 {
        return None;
    }
    let mut components = 1u8;
    loop {
        match cur.peek() {
            Some(c) if is_dot(c) => match cur.peek_nth(1) {
                Some(d) if is_digit(d) => {
                    cur.bump();
                    let n = cur.eat_while(is_digit);
                    if n > 3 {
                        return None;
                    }
                    components = components.saturating_add(1);
                }
                _ => break,
            },
            _ => break,
        }
    }
    if components == 1 {
        return match cur.bump()? {
            '、' => Some(NumberingStyle::Decimal),
            c if is_dot(c) => {
                // `1.` must be followed by text, not by more punctuation (`1...`).
                match cur.peek() {
                    None => Some(NumberingStyle::Decimal),
                    Some(c) if c.is_whitespace() || is_cjk(c) || c.is_alphabetic() => {
                        Some(NumberingStyle::Decimal)
                    }
                    Some(c) if is_open_paren(c) || matches!(c, '【' | '《' | '"' | '“') => {
                        Some(NumberingStyle::Decimal)
                    }
                    _ => None,
                }
            }
            c if is_close_paren(c) => Some(NumberingStyle::DecimalParen),
            _ => None,
        };
    }
    // Dotted: an optional trailing dot, then whitespace, the end, or non-unit text.
    if cur.eat(is_dot) {
        return Some(NumberingStyle::Dotted(components));
    }
    match cur.peek() {
        None => Some(NumberingStyle::Dotted(components)),
        Some(c) if c.is_whitespace() => {
            let save = cur.pos;
            cur.eat_while(char::is_whitespace);
            let unit = cur.peek().is_some_and(is_unit);
            cur.pos = save;
            (!unit).then_some(NumberingStyle::Dotted(components))
        }
        Some(c) if is_cjk(c) && !is_unit(c) => Some(NumberingStyle::Dotted(components)),
        _ => None,
    }
}

/// `Part 2`, `Chapter III`, `Section 1.2`, `Part One`.
fn english_word(cur: &mut Cursor<'_>) -> Option<NumberingStyle> {
    let rest = cur.rest();
    let word_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    let word = rest.get(..word_len)?.to_ascii_lowercase();
    let style = match word.as_str() {
        "part" => NumberingStyle::PartEn,
        "chapter" => NumberingStyle::ChapterEn,
        "section" => NumberingStyle::SectionEn,
        _ => return None,
    };
    cur.pos += word_len;
    if cur.eat_while(|c| c == ' ' || c == '\t') == 0 {
        return None;
    }
    let rest = cur.rest();
    let token_len: usize = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .map(char::len_utf8)
        .sum();
    let token = rest.get(..token_len)?.trim_end_matches('.');
    if token.is_empty() {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    let is_number = token
        .split('.')
        .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        || is_roman(&token.to_ascii_uppercase()) && token.len() <= 6
        || (token.len() == 1 && token.bytes().all(|b| b.is_ascii_uppercase()))
        || WORDS.contains(&lower.as_str());
    if !is_number {
        return None;
    }
    cur.pos += token.len();
    // The number must end the word: `Part 2nd` is not numbering.
    match cur.peek() {
        Some(c) if c.is_alphanumeric() && !is_cjk(c) => None,
        _ => Some(style),
    }
}

fn is_roman(s: &str) -> bool {
    // Validates the canonical form (`IV`, not `IIII`) so ordinary words are rejected.
    fn value(c: char) -> Option<u32> {
        Some(match c {
            'I' => 1,
            'V' => 5,
            'X' => 10,
            'L' => 50,
            'C' => 100,
            'D' => 500,
            'M' => 1000,
            _ => return None,
        })
    }
    if s.is_empty() {
        return false;
    }
    let Some(values) = s.chars().map(value).collect::<Option<Vec<_>>>() else {
        return false;
    };
    let mut total = 0i64;
    for (i, v) in values.iter().enumerate() {
        match values.get(i + 1) {
            Some(next) if next > v => total -= i64::from(*v),
            _ => total += i64::from(*v),
        }
    }
    (1..4000).contains(&total) && to_roman(total as u32) == s
}

fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// `IV.`, `Ⅱ、`, `A.`, `a)`.
fn letter_or_roman(cur: &mut Cursor<'_>) -> Option<NumberingStyle> {
    let first = cur.peek()?;
    let style = if ('\u{2160}'..='\u{217F}').contains(&first) {
        // Unicode roman numerals `Ⅰ`…`Ⅻ` are single characters.
        cur.bump();
        NumberingStyle::Roman
    } else if first.is_ascii_alphabetic() {
        let rest = cur.rest();
        let len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let word = rest.get(..len)?;
        let style = if len == 1 && !matches!(first, 'I' | 'V' | 'X') {
            if first.is_ascii_uppercase() {
                NumberingStyle::Letter
            } else {
                NumberingStyle::LowerLetter
            }
        } else if word.bytes().all(|b| b.is_ascii_uppercase()) && is_roman(word) {
            NumberingStyle::Roman
        } else {
            return None;
        };
        cur.pos += len;
        style
    } else {
        return None;
    };
    let sep = cur.bump()?;
    if !(is_dot(sep) || sep == '、' || is_close_paren(sep)) {
        return None;
    }
    // `e.g.` and `U.S.` continue with a letter; real numbering is followed by a space or
    // CJK text.
    match cur.peek() {
        None => Some(style),
        Some(c) if c.is_whitespace() || is_cjk(c) => Some(style),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberingStyle::*;

    fn prefix(line: &str) -> Option<(NumberingStyle, &str)> {
        numbering_prefix(line).map(|(s, n)| (s, &line[n..]))
    }

    #[test]
    fn fold_width_converts_full_width_and_case() {
        assert_eq!(fold_width("ＡＢＣ１２３（）：　Ｘ"), "abc123(): x");
        assert_eq!(fold_width("预算ＫＰＩ、。"), "预算kpi、。");
        assert_eq!(fold_width("Budget"), "budget");
    }

    #[test]
    fn chinese_numbering_styles() {
        assert_eq!(prefix("一、引言"), Some((CnComma, "引言")));
        assert_eq!(prefix("十二、附录"), Some((CnComma, "附录")));
        assert_eq!(prefix("（一）方法"), Some((CnParen, "方法")));
        assert_eq!(prefix("(二) 样本"), Some((CnParen, "样本")));
        assert_eq!(prefix("第一章 引言"), Some((ChapterCn, "引言")));
        assert_eq!(prefix("第1章：引言"), Some((ChapterCn, "引言")));
        assert_eq!(prefix("第 2 章 结果"), Some((ChapterCn, "结果")));
        assert_eq!(prefix("第二节 样本"), Some((SectionCn, "样本")));
        assert_eq!(prefix("第三部分 结论"), Some((PartCn, "结论")));
        assert_eq!(prefix("第五条 保密"), Some((ArticleCn, "保密")));
        assert_eq!(prefix("①渠道"), Some((Circled, "渠道")));
        assert_eq!(prefix("第一部分"), Some((PartCn, "")));
    }

    #[test]
    fn arabic_numbering_styles() {
        assert_eq!(prefix("1. Introduction"), Some((Decimal, "Introduction")));
        assert_eq!(prefix("1、背景"), Some((Decimal, "背景")));
        assert_eq!(prefix("２．预算"), Some((Decimal, "预算")));
        assert_eq!(prefix("1.Introduction"), Some((Decimal, "Introduction")));
        assert_eq!(prefix("1) 目标"), Some((DecimalParen, "目标")));
        assert_eq!(prefix("1.2 样本"), Some((Dotted(2), "样本")));
        assert_eq!(prefix("1.2样本"), Some((Dotted(2), "样本")));
        assert_eq!(prefix("1.2. Sample"), Some((Dotted(2), "Sample")));
        assert_eq!(prefix("1.2.3 抽样方法"), Some((Dotted(3), "抽样方法")));
        assert_eq!(prefix("(1) 问卷"), Some((ParenDecimal, "问卷")));
        assert_eq!(prefix("（2）访谈"), Some((ParenDecimal, "访谈")));
        assert_eq!(prefix("  3. indented"), Some((Decimal, "indented")));
    }

    #[test]
    fn english_and_letter_numbering_styles() {
        assert_eq!(prefix("Part 2 Results"), Some((PartEn, "Results")));
        assert_eq!(prefix("PART II: Methods"), Some((PartEn, "Methods")));
        assert_eq!(
            prefix("Chapter 3 - Findings"),
            Some((ChapterEn, "Findings"))
        );
        assert_eq!(prefix("Section 1.2 Sample"), Some((SectionEn, "Sample")));
        assert_eq!(prefix("Part One Background"), Some((PartEn, "Background")));
        assert_eq!(prefix("IV. Conclusion"), Some((Roman, "Conclusion")));
        assert_eq!(prefix("I. Introduction"), Some((Roman, "Introduction")));
        assert_eq!(prefix("Ⅱ、方法"), Some((Roman, "方法")));
        assert_eq!(prefix("A. Background"), Some((Letter, "Background")));
        assert_eq!(prefix("b) detail"), Some((LowerLetter, "detail")));
        assert_eq!(prefix("(a) detail"), Some((ParenLetter, "detail")));
        assert_eq!(prefix("C. 结论"), Some((Letter, "结论")));
    }

    #[test]
    fn things_that_are_not_numbering() {
        for line in [
            "1.5万元的预算",
            "1.5 万元",
            "3.5%",
            "10:30 开会",
            "2024年计划",
            "2024. 总结",
            "第一季度目标",
            "第一时间响应",
            "一是加强管理",
            "e.g. something",
            "U.S. market",
            "Part of the plan",
            "Section of text",
            "Sales grew",
            "Chapters",
            "Part 2nd",
            "IIII. no",
            "Budget: 5",
            "1...",
            "",
            "   ",
            "（注）说明",
        ] {
            assert_eq!(numbering_prefix(line), None, "{line:?}");
        }
    }

    #[test]
    fn normalize_removes_numbering_punctuation_and_width() {
        assert_eq!(normalize_label("一、引言"), "引言");
        assert_eq!(normalize_label("（一）推广目标："), "推广目标");
        assert_eq!(normalize_label("**（一）推广目标：**"), "推广目标");
        assert_eq!(normalize_label("**预算**："), "预算");
        assert_eq!(normalize_label("1.2 样本"), "样本");
        assert_eq!(normalize_label("1.2.3 抽样"), "抽样");
        assert_eq!(normalize_label("第一章 引言"), "引言");
        assert_eq!(normalize_label("第1章 引言"), "引言");
        assert_eq!(normalize_label("第二节　样本"), "样本");
        assert_eq!(normalize_label("第三部分：结论"), "结论");
        assert_eq!(normalize_label("Part 2 Results"), "results");
        assert_eq!(normalize_label("Chapter 3: Findings"), "findings");
        assert_eq!(normalize_label("Section 1 Background"), "background");
        assert_eq!(normalize_label("IV. Conclusion"), "conclusion");
        assert_eq!(normalize_label("A. Background"), "background");
        assert_eq!(normalize_label("(1) Sample"), "sample");
        assert_eq!(normalize_label("１．Ｂｕｄｇｅｔ："), "budget");
        assert_eq!(normalize_label("【背景】"), "背景");
        assert_eq!(normalize_label("【一、背景】"), "背景");
        assert_eq!(normalize_label("《调研报告》"), "调研报告");
        assert_eq!(normalize_label("Budget:"), "budget");
        assert_eq!(normalize_label("  Total   Budget  "), "total budget");
        assert_eq!(normalize_label("第一章 1.1 背景"), "背景");
        assert_eq!(normalize_label("__Lessons learned__"), "lessons learned");
        assert_eq!(normalize_label("1 总则"), "总则");
        assert_eq!(normalize_label("12 Results"), "results");
        assert_eq!(normalize_label("引　言"), "引言");
        assert_eq!(normalize_label("第一章 总 则"), "总则");
    }

    #[test]
    fn normalize_keeps_content() {
        assert_eq!(normalize_label("预算（万元）"), "预算(万元)");
        assert_eq!(normalize_label("(一)方法(补充)"), "方法(补充)");
        assert_eq!(normalize_label("2024年度计划"), "2024年度计划");
        assert_eq!(normalize_label("第一季度目标"), "第一季度目标");
        assert_eq!(normalize_label("customer_id"), "customer_id");
        assert_eq!(normalize_label("KPI 与评估"), "kpi 与评估");
        assert_eq!(normalize_label("3 个渠道"), "3 个渠道");
        assert_eq!(normalize_label("2024 年度计划"), "2024 年度计划");
        assert_eq!(normalize_label("100 % 满意"), "100 % 满意");
        assert_eq!(normalize_label(""), "");
        assert_eq!(normalize_label("一、"), "");
    }

    #[test]
    fn numbering_only() {
        for s in [
            "第一部分",
            "第二章",
            "第 3 节",
            "Part 4",
            "PART IV",
            "Section 4",
            "Section 1.2",
            "Chapter 4",
            "Chapter One",
            "（三）",
            "(2)",
            "  第一部分  ",
        ] {
            assert!(is_numbering_only(s), "{s:?}");
        }
        for s in [
            "",
            "   ",
            "第一部分 研究背景",
            "Part 4 Conclusion",
            "密级",
            "Budget",
            "Part of",
            "Section",
            "第一季度",
            "一",
            "A",
            "1.2 样本",
            "Note",
        ] {
            assert!(!is_numbering_only(s), "{s:?}");
        }
        // The labelled-line form of a heading normalises to its text.
        assert_eq!(normalize_label("第一部分：研究背景"), "研究背景");
        assert_eq!(normalize_label("第二章：调研方法"), "调研方法");
        assert_eq!(normalize_label("Part 4: Conclusion"), "conclusion");
        assert_eq!(normalize_label("Section 4: Findings"), "findings");
        assert_eq!(
            normalize_label("Chapter 4: Recommendations"),
            "recommendations"
        );
    }

    #[test]
    fn toc_entries() {
        for s in [
            "四、结论…………5",
            "四、结论…………………………5",
            "四、结论 ........ 5",
            "一、研究背景 ........................ 1",
            "1. 引言\t3",
            "1.引言\t\t3",
            "第三章 结果分析 ···· 12",
            "研究背景⋯⋯2",
            "2.1 样本构成－－－－4",
            "Conclusion ........ 5",
            "Introduction . . . . . . 1",
            "附录A 调查问卷 ----- 12",
            "结论\t5",
            "  五、建议………６  ",
            "目录：附录……12",
        ] {
            assert!(is_toc_entry(s), "{s:?}");
        }
        for s in [
            "",
            "5",
            "四、结论",
            "四、结论 5",
            "四、结论…5",
            "四、结论……",
            "…………5",
            "1.2.3",
            "活动时间 2027-03-15",
            "联系人\t13812345678",
            "预算：\t500",
            "预算：…………500",
            "增长了……5%",
            "我们认为。结论……5",
            "这是一段很长很长的正文内容说明我们在调研中发现的各种问题以及后续工作安排\t3",
            "2027年\t2027",
        ] {
            assert!(!is_toc_entry(s), "{s:?}");
        }
    }

    #[test]
    fn roman_validation() {
        assert!(is_roman("IV"));
        assert!(is_roman("XII"));
        assert!(is_roman("MCMXC"));
        assert!(!is_roman("IIII"));
        assert!(!is_roman("IVX"));
        assert!(!is_roman("ABC"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "第", "（", "(", "1.", "一", "Ⅻ", "Part", "Part ", "\u{FEFF}", "1.2.", "第一",
        ] {
            let _ = numbering_prefix(s);
            let _ = normalize_label(s);
        }
    }
}
