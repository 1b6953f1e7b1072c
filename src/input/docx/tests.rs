use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zip::CompressionMethod;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::*;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/><Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/><Relationship Id="rId11" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.com" TargetMode="External"/></Relationships>"#;

fn styles_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="paragraph" w:styleId="a5"><w:name w:val="标题 3"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="MyHead"><w:name w:val="我的标题"/><w:basedOn w:val="Heading1"/></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Chapter"><w:name w:val="章标题"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="NotHead"><w:name w:val="正文标题"/><w:basedOn w:val="Heading1"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Loop1"><w:name w:val="Loop one"/><w:basedOn w:val="Loop2"/></w:style>
<w:style w:type="paragraph" w:styleId="Loop2"><w:name w:val="Loop two"/><w:basedOn w:val="Loop1"/></w:style>
<w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>
<w:style w:type="character" w:styleId="1Char"><w:name w:val="标题 1 Char"/></w:style>
</w:styles>"#
    )
}

fn document(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:mc="{MC_NS}" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body>{body}<w:sectPr><w:headerReference w:type="default" r:id="rId7"/><w:headerReference w:type="even" r:id="rId9"/><w:footerReference w:type="default" r:id="rId8"/></w:sectPr></w:body></w:document>"#
    )
}

fn story(root: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} xmlns:w="{W_NS}" xmlns:r="{R_NS}">{body}</w:{root}>"#
    )
}

fn core_xml(title: &str, keywords: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>{title}</dc:title><dc:subject></dc:subject><cp:keywords>{keywords}</cp:keywords><dc:creator>张三</dc:creator></cp:coreProperties>"#
    )
}

/// A paragraph with an optional style and plain text.
fn p(style: Option<&str>, text: &str) -> String {
    let ppr = style.map_or(String::new(), |s| {
        format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#)
    });
    format!(
        r#"<w:p>{ppr}<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
    )
}

fn tc(text: &str) -> String {
    format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="100"/></w:tcPr>{}</w:tc>"#,
        p(None, text)
    )
}

/// Zip the given parts.
fn zip_parts(parts: &[(&str, String)]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(content.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A package with the standard parts around `body`, header and footer texts.
fn package(body: &str, extra: &[(&str, String)]) -> Vec<u8> {
    let mut parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
        ("word/document.xml", document(body)),
        ("word/styles.xml", styles_xml()),
    ];
    for (name, content) in extra {
        parts.retain(|(n, _)| n != name);
        parts.push((name, content.clone()));
    }
    zip_parts(&parts)
}

fn read(bytes: &[u8]) -> Document {
    read_docx(bytes, "t.docx", &DocxLimits::default()).unwrap()
}

fn read_err(bytes: &[u8]) -> String {
    read_docx(bytes, "t.docx", &DocxLimits::default())
        .expect_err("an error")
        .message
}

fn headings(doc: &Document) -> Vec<(u8, &str, bool)> {
    doc.headings
        .iter()
        .map(|h| (h.level, h.text.text.as_str(), h.empty))
        .collect()
}

/// Every span is exact (except the title taken from the core properties).
fn assert_spans_exact(doc: &Document) {
    let src = &doc.source;
    for h in &doc.headings {
        assert_eq!(src.slice(h.text.span), h.text.text);
        assert!(h.body_start <= h.section_end && h.section_end <= src.text().len());
    }
    for l in &doc.labels {
        assert_eq!(src.slice(l.key.span), l.key.text);
        assert_eq!(src.slice(l.value.span), l.value.text);
        assert!(src.slice(l.line.span).ends_with(&l.line.text));
    }
    for t in &doc.tables {
        for c in t.header.iter().chain(t.rows.iter().flatten()) {
            assert_eq!(src.slice(c.span), c.text);
        }
        assert!(t.span.end <= src.text().len());
    }
    for l in doc.lines.iter().chain(&doc.header).chain(&doc.footer) {
        assert!(src.text().get(l.span.range()).is_some());
        assert!(!src.slice(l.span).contains('\n'));
        if l.kind != LineKind::TableRow {
            assert!(src.slice(l.span).ends_with(&l.text), "{l:?}");
        }
    }
    for v in doc.front_matter.values() {
        assert_eq!(src.slice(v.span), v.text);
    }
    for s in &doc.prose {
        assert!(src.text().get(s.range()).is_some());
    }
}

/// Text of 1-based line `n`.
fn line(doc: &Document, n: usize) -> &str {
    doc.source.slice(doc.source.line_span(n - 1))
}

fn main_body() -> String {
    let mut body = String::new();
    body += &p(None, "【内部资料】仅限市场部使用");
    body += &p(Some("Title"), "2027年市场调研报告");
    body += &p(Some("Heading1"), "一、引言");
    body += &p(None, "预算：5 万元");
    body += &p(Some("2"), "背景");
    // Tracked changes: insertions count, deletions do not.
    body += r#"<w:p><w:r><w:t>我们</w:t></w:r><w:ins w:id="1" w:author="李四"><w:r><w:t>新增</w:t></w:r></w:ins><w:del w:id="2" w:author="李四"><w:r><w:delText>删除</w:delText></w:r></w:del><w:r><w:t>内容。</w:t></w:r></w:p>"#;
    // A complex field: the result counts, the instructions do not.
    body += r#"<w:p><w:r><w:t xml:space="preserve">见第 </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGEREF _Toc1 \h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p>"#;
    body += &format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\"/></w:tblPr><w:tblGrid><w:gridCol/></w:tblGrid><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
        tc("项目"),
        tc("金额（元）"),
        tc("场地"),
        tc("12,000"),
        tc("合计"),
        tc("12,000")
    );
    body += &p(Some("a5"), "细节");
    body += &p(None, "");
    body += &p(Some("MyHead"), "结论");
    body += &p(None, "（一）小结");
    body += &p(None, "Budget: ¥50,000");
    body += r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>附录</w:t></w:r></w:p>"#;
    body
}

fn main_extras() -> Vec<(&'static str, String)> {
    vec![
        (
            "word/header1.xml",
            story("hdr", &p(None, "【内部资料】仅限市场部使用")),
        ),
        // The even-page header repeats the default one: read once.
        (
            "word/header2.xml",
            story("hdr", &p(None, "【内部资料】仅限市场部使用")),
        ),
        (
            "word/footer1.xml",
            story(
                "ftr",
                r#"<w:p><w:r><w:t xml:space="preserve">第 </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p>"#,
            ),
        ),
        ("docProps/core.xml", core_xml("Core Title", "调研, 报告")),
    ]
}

#[test]
fn reads_structure() {
    let doc = read(&package(&main_body(), &main_extras()));
    assert_eq!(doc.format, Format::Docx);
    // One line per paragraph / table row, in order.
    assert_eq!(line(&doc, 1), "【内部资料】仅限市场部使用");
    assert_eq!(line(&doc, 2), "2027年市场调研报告");
    assert_eq!(line(&doc, 6), "我们新增内容。");
    assert_eq!(line(&doc, 7), "见第 3 页");
    assert_eq!(line(&doc, 8), "项目 | 金额（元）");
    assert_eq!(line(&doc, 10), "合计 | 12,000");
    assert_eq!(line(&doc, 12), "");
    assert_eq!(line(&doc, 16), "附录");
    assert_eq!(line(&doc, 17), "");

    assert_eq!(doc.title.as_ref().unwrap().text, "2027年市场调研报告");
    assert_eq!(
        headings(&doc),
        vec![
            (1, "一、引言", false),
            (2, "背景", false),
            (3, "细节", true),
            (1, "结论", false),
            // Below every styled level: a sub-section of 结论.
            (4, "（一）小结", false),
            (1, "附录", true),
        ]
    );
    // The section of 一、引言 runs to 结论.
    let intro = &doc.headings[0];
    assert_eq!(intro.section_end, doc.headings[3].text.span.start);
    assert_eq!(doc.headings[0].normalized, "引言");

    let labels: Vec<_> = doc
        .labels
        .iter()
        .map(|l| (l.key.text.as_str(), l.value.text.as_str()))
        .collect();
    assert_eq!(labels, vec![("预算", "5 万元"), ("Budget", "¥50,000")]);

    assert_eq!(doc.tables.len(), 1);
    let t = &doc.tables[0];
    let header: Vec<_> = t.header.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(header, vec!["项目", "金额（元）"]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1][0].text, "合计");
    assert_eq!(doc.source.slice(t.rows[1][1].span), "12,000");
    assert_eq!(doc.source.position(t.rows[1][1].span.start).line, 10);
    assert_eq!(
        doc.source.slice(t.span),
        "项目 | 金额（元）\n场地 | 12,000\n合计 | 12,000"
    );

    let header: Vec<_> = doc.header.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(header, vec!["【内部资料】仅限市场部使用"]);
    let footer: Vec<_> = doc.footer.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(footer, vec!["第 1 页"]);
    // Header and footer come after the body and a blank line.
    assert_eq!(doc.source.position(doc.header[0].span.start).line, 18);
    assert_eq!(doc.source.position(doc.footer[0].span.start).line, 19);

    assert_eq!(doc.front_matter["title"].text, "Core Title");
    assert_eq!(doc.front_matter["keywords"].text, "调研, 报告");
    assert!(!doc.front_matter.contains_key("subject"));
    assert!(!doc.front_matter.contains_key("creator"));
    // Front matter is not prose.
    let prose_end = doc.prose.iter().map(|s| s.end).max().unwrap();
    assert!(prose_end <= doc.front_matter["title"].span.start);
    assert!(prose_end >= doc.footer[0].span.end);

    let kinds: Vec<_> = doc
        .lines
        .iter()
        .map(|l| (l.kind, l.text.as_str()))
        .collect();
    assert_eq!(kinds[0], (LineKind::Prose, "【内部资料】仅限市场部使用"));
    assert_eq!(kinds[2], (LineKind::Heading, "一、引言"));
    assert!(kinds.contains(&(LineKind::TableRow, "合计 12,000")));
    assert!(!kinds.iter().any(|(_, t)| t.is_empty()));
    assert_spans_exact(&doc);
}

#[test]
fn revisions_fields_and_inline_content() {
    let mut body = String::new();
    // Moved text: counted where it went, not where it came from.
    body += r#"<w:p><w:moveFrom w:id="3"><w:r><w:t>旧位置</w:t></w:r></w:moveFrom><w:moveTo w:id="4"><w:r><w:t>新位置</w:t></w:r></w:moveTo></w:p>"#;
    // Tabs, a soft break (a line of its own), symbols, hyperlinks, smart tags, content
    // controls.
    body += r#"<w:p><w:hyperlink r:id="rId11"><w:r><w:t>链接</w:t></w:r></w:hyperlink><w:r><w:tab/><w:t>A</w:t><w:br/><w:t>B</w:t><w:sym w:font="Symbol" w:char="F0B7"/><w:sym w:font="Wingdings" w:char="F0FC"/><w:sym w:char="2605"/></w:r><w:smartTag w:element="place"><w:r><w:t>北京</w:t></w:r></w:smartTag><w:sdt><w:sdtPr><w:alias w:val="别名"/></w:sdtPr><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt></w:p>"#;
    // Nested fields: the inner result is part of the outer instructions.
    body += r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>IF </w:instrText></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DATE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>内层</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>外层结果</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#;
    // Alternate content: one branch only; a text box becomes its own line.
    body += r#"<w:p><w:r><w:t>锚点</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#;
    // DrawingML text is not WordprocessingML text.
    body += r#"<w:p><w:r><w:drawing><a:p><a:r><a:t>图形文字</a:t></a:r></a:p></w:drawing><w:t>正文</w:t></w:r></w:p>"#;
    // Block-level content control; entities and character references.
    body += r#"<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>A &amp; B &lt;C&gt; &#x4E2D;&#25991;</w:t></w:r></w:p></w:sdtContent></w:sdt>"#;
    // A paragraph with a line break inside XML text.
    body += "<w:p><w:r><w:t>第一行\n第二行</w:t></w:r></w:p>";
    // A field that never ends its instructions does not hide the rest of the document.
    body += r#"<w:p><w:r><w:t>前</w:t><w:fldChar w:fldCharType="begin"/><w:instrText>PAGE</w:instrText></w:r></w:p><w:p><w:r><w:t>后</w:t></w:r></w:p>"#;
    let doc = read(&package(&body, &[]));
    assert_eq!(line(&doc, 1), "新位置");
    assert_eq!(line(&doc, 2), "链接\tA");
    assert_eq!(line(&doc, 3), "B•★北京控件");
    assert_eq!(line(&doc, 4), "外层结果");
    assert_eq!(line(&doc, 5), "锚点");
    assert_eq!(line(&doc, 6), "文本框");
    assert_eq!(line(&doc, 7), "正文");
    assert_eq!(line(&doc, 8), "A & B <C> 中文");
    // A newline inside `w:t` is not a break.
    assert_eq!(line(&doc, 9), "第一行 第二行");
    assert_eq!(line(&doc, 10), "前");
    assert_eq!(line(&doc, 11), "后");
    assert_eq!(doc.source.line_count(), 11);
    assert!(doc.header.is_empty() && doc.footer.is_empty());
    assert_spans_exact(&doc);
}

#[test]
fn tables_merged_deleted_nested() {
    let body = format!(
        "<w:tbl><w:tr>{a}{b}{c}</w:tr><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>{merged}</w:tc>{c2}</w:tr><w:tr><w:trPr><w:del w:id=\"9\" w:author=\"x\"/></w:trPr>{d}{d}{d}</w:tr><w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{e}<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr><w:sdt><w:sdtContent><w:tr>{f}<w:tc>{p1}{p2}<w:tbl><w:tr>{n1}{n2}</w:tr></w:tbl></w:tc>{f}</w:tr></w:sdtContent></w:sdt></w:tbl>{after}",
        a = tc("姓名"),
        b = tc("部门"),
        c = tc("评分"),
        merged = p(None, "合并"),
        c2 = tc("90"),
        d = tc("删除行"),
        e = tc("李四"),
        f = tc("x"),
        p1 = p(None, "段一"),
        p2 = p(None, " 段二 "),
        n1 = tc("嵌套1"),
        n2 = tc("嵌套2"),
        after = p(None, "表后")
    );
    let doc = read(&package(&body, &[]));
    let t = &doc.tables[0];
    let cells = |r: &Vec<Spanned>| r.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
    assert_eq!(cells(&t.header), vec!["姓名", "部门", "评分"]);
    assert_eq!(cells(&t.rows[0]), vec!["合并", "", "90"]);
    assert_eq!(cells(&t.rows[1]), vec!["", "李四", ""]);
    assert_eq!(cells(&t.rows[2]), vec!["x", "段一 段二 嵌套1 嵌套2", "x"]);
    assert_eq!(t.rows.len(), 3);
    assert_eq!(line(&doc, 2), "合并 |  | 90");
    assert_eq!(line(&doc, 5), "表后");
    assert_spans_exact(&doc);
}

#[test]
fn title_choices() {
    let core = |t: &str| ("docProps/core.xml", core_xml(t, ""));
    // First Heading 1 when there is no Title paragraph.
    let body = p(None, "【机密】") + &p(Some("Heading1"), "推广计划") + &p(None, "正文。");
    let doc = read(&package(&body, &[core("Core")]));
    assert_eq!(doc.title.as_ref().unwrap().text, "推广计划");
    // A plain line above the first Heading 1 is the title.
    let body =
        p(None, "2027年市场调研报告") + &p(Some("Heading1"), "一、引言") + &p(None, "正文。");
    let doc = read(&package(&body, &[]));
    assert_eq!(doc.title.as_ref().unwrap().text, "2027年市场调研报告");
    assert_eq!(headings(&doc), vec![(1, "一、引言", false)]);
    // The core title, pointing at the first paragraph, when no paragraph is styled.
    let body = p(None, "") + &p(None, "某某文字。") + &p(None, "正文。");
    let doc = read(&package(&body, &[core("品牌推广方案")]));
    let title = doc.title.as_ref().unwrap();
    assert_eq!(title.text, "品牌推广方案");
    assert_eq!(doc.source.slice(title.span), "某某文字。");
    assert_eq!(doc.source.position(title.span.start).line, 2);
    // Else the first non-empty paragraph that is not a stamp.
    let body = p(None, "密级：内部") + &p(None, "活动方案") + &p(None, "正文。");
    let doc = read(&package(&body, &[]));
    assert_eq!(doc.title.as_ref().unwrap().text, "活动方案");
    // Empty document.
    let doc = read(&package("", &[]));
    assert!(doc.title.is_none() && doc.lines.is_empty() && doc.headings.is_empty());
    assert!(doc.prose.is_empty());
}

#[test]
fn style_resolution() {
    let body = p(Some("Chapter"), "第一章 总则")
        + &p(Some("NotHead"), "不是标题")
        + &p(Some("Loop1"), "循环样式")
        + &p(Some("Heading3"), "未定义但名为标题")
        + &p(Some("ListNumber"), "列表项")
        + &p(Some("TOC1"), "一、引言\t3")
        + &p(None, "一、我们将在全国开展调研，覆盖三十城。")
        + r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>编号段落</w:t></w:r></w:p>"#
        + r#"<w:p><w:pPr><w:pStyle w:val="ListNumber"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>去掉编号</w:t></w:r></w:p>"#;
    let doc = read(&package(&body, &[]));
    assert_eq!(
        headings(&doc),
        vec![(2, "第一章 总则", false), (3, "未定义但名为标题", false)]
    );
    let kind = |t: &str| doc.lines.iter().find(|l| l.text == t).map(|l| l.kind);
    assert_eq!(kind("列表项"), Some(LineKind::ListItem));
    assert_eq!(kind("编号段落"), Some(LineKind::ListItem));
    assert_eq!(kind("去掉编号"), Some(LineKind::Prose));
    assert_eq!(kind("不是标题"), Some(LineKind::Prose));
    assert_eq!(kind("循环样式"), Some(LineKind::Prose));
    assert_eq!(kind("一、引言\t3"), Some(LineKind::Prose));
}

#[test]
fn numbered_paragraphs_without_styles() {
    // No styles part at all: Chinese-numbered paragraphs are headings, levels by first
    // appearance, as in plain text.
    let body = p(None, "报告")
        + &p(None, "一、引言")
        + &p(None, "（一）背景")
        + &p(None, "文字。")
        + &p(None, "二、方法")
        + &p(None, "问卷。");
    let bytes = zip_parts(&[
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/document.xml", document(&body)),
    ]);
    let doc = read(&bytes);
    assert_eq!(
        headings(&doc),
        vec![
            (1, "一、引言", false),
            (2, "（一）背景", false),
            (1, "二、方法", false)
        ]
    );
    assert_eq!(doc.title.as_ref().unwrap().text, "报告");
    // With styled headings, an unstyled numbering style takes the level of the styled
    // headings numbered the same way.
    let body = p(Some("Heading1"), "一、引言")
        + &p(None, "（一）背景")
        + &p(None, "文字。")
        + &p(None, "二、方法");
    let doc = read(&package(&body, &[]));
    assert_eq!(
        headings(&doc),
        vec![
            (1, "一、引言", false),
            (2, "（一）背景", false),
            (1, "二、方法", true)
        ]
    );
}

#[test]
fn automatic_chinese_numbering_makes_headings() {
    let numbering = story(
        "numbering",
        r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="japaneseCounting"/><w:lvlText w:val="（%2）"/></w:lvl><w:lvl w:ilvl="2"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%3"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="5"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="6"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1章"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="5"/></w:num><w:num w:numId="3"><w:abstractNumId w:val="6"/></w:num>"#,
    );
    let numbered = |num: u32, ilvl: u32, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    };
    let body = p(None, "活动方案")
        + &numbered(3, 0, "总则")
        + &numbered(1, 0, "活动主题")
        + &p(None, "文字。")
        + &numbered(1, 1, "背景")
        + &numbered(1, 2, "范围")
        + &numbered(2, 0, "要点")
        + &numbered(1, 0, "加强宣传，提升品牌。")
        + &numbered(9, 0, "未知列表");
    let doc = read(&package(&body, &[("word/numbering.xml", numbering)]));
    assert_eq!(
        headings(&doc),
        vec![
            (1, "总则", false),
            (2, "活动主题", false),
            (3, "背景", false),
        ]
    );
    // The label is not added to the text.
    assert_eq!(line(&doc, 3), "活动主题");
    let kind = |t: &str| doc.lines.iter().find(|l| l.text == t).map(|l| l.kind);
    assert_eq!(kind("范围"), Some(LineKind::ListItem));
    assert_eq!(kind("要点"), Some(LineKind::ListItem));
    assert_eq!(kind("加强宣传，提升品牌。"), Some(LineKind::ListItem));
    assert_eq!(kind("未知列表"), Some(LineKind::ListItem));
    assert_eq!(doc.title.as_ref().unwrap().text, "活动方案");
}

#[test]
fn other_namespaces_prefixes_and_main_part() {
    // Strict namespace, another prefix, and a main part that is not word/document.xml.
    let doc_xml = r#"<?xml version="1.0" encoding="UTF-8"?><x:document xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"><x:body><x:p><x:pPr><x:pStyle x:val="Heading1"/></x:pPr><x:r><x:t>严格格式</x:t></x:r></x:p></x:body></x:document>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
    let bytes = zip_parts(&[
        ("_rels/.rels", rels.to_string()),
        ("word/document2.xml", doc_xml.to_string()),
    ]);
    let doc = read(&bytes);
    assert_eq!(headings(&doc), vec![(1, "严格格式", true)]);
    // UTF-16 parts.
    let xml = document(&p(None, "十六位"));
    let mut utf16 = vec![0xFF, 0xFE];
    for u in xml.replace("UTF-8", "UTF-16").encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("word/document.xml", SimpleFileOptions::default())
        .unwrap();
    w.write_all(&utf16).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    assert_eq!(line(&read(&bytes), 1), "十六位");
}

#[test]
fn entities_are_never_resolved() {
    let xml = format!(
        r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY ext SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>x&ext;y&b;z</w:t></w:r></w:p></w:body></w:document>"#
    );
    let bytes = zip_parts(&[("word/document.xml", xml)]);
    let doc = read(&bytes);
    assert_eq!(line(&doc, 1), "xyz");
}

#[test]
fn comments_are_not_text_but_are_returned() {
    let body = r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>预算：5 万元</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p><w:p><w:r><w:t>第二段</w:t></w:r><w:r><w:commentReference w:id="1"/></w:r></w:p>"#;
    let comments_xml = story(
        "comments",
        r#"<w:comment w:id="0" w:author="王五"><w:p><w:r><w:annotationRef/></w:r><w:r><w:t>bylaw: ignore D2</w:t></w:r></w:p><w:p><w:r><w:t>第二行</w:t></w:r></w:p></w:comment><w:comment w:id="1" w:author="赵六"><w:p><w:r><w:t>好</w:t></w:r></w:p></w:comment><w:comment w:id="7" w:author="x"><w:p><w:r><w:t>无锚点</w:t></w:r></w:p></w:comment>"#,
    );
    let bytes = package(body, &[("word/comments.xml", comments_xml)]);
    let (doc, comments) =
        read_docx_with_comments(&bytes, "c.docx", &DocxLimits::default()).unwrap();
    assert_eq!(line(&doc, 1), "预算：5 万元");
    assert_eq!(line(&doc, 2), "第二段");
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].line, 1);
    assert_eq!(comments[0].author, "王五");
    assert_eq!(comments[0].text, "bylaw: ignore D2\n第二行");
    assert_eq!(doc.source.slice(comments[0].span), "预算：5 万元");
    assert_eq!((comments[1].line, comments[1].text.as_str()), (2, "好"));
}

/// A paragraph of plain (not bold) runs, `br` between them standing for the break XML given.
fn p_runs(style: Option<&str>, runs: &[&str], br: &str) -> String {
    let ppr = style.map_or(String::new(), |s| {
        format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#)
    });
    let runs: Vec<String> = runs
        .iter()
        .map(|t| format!(r#"<w:r><w:t xml:space="preserve">{t}</w:t></w:r>"#))
        .collect();
    format!("<w:p>{ppr}{}</w:p>", runs.join(&format!("<w:r>{br}</w:r>")))
}

#[test]
fn soft_breaks_split_paragraphs_into_lines() {
    let mut body = String::new();
    // A plain title typed over two lines with Shift+Enter (line 1–2).
    body += &p_runs(None, &["2027年端午节", "门店活动方案"], "<w:br/>");
    // Five labelled lines in one paragraph (lines 3–7): `w:br`, `textWrapping`, `w:cr`, and
    // a break inside one run.
    body += r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>活动主题：粽情咖啡</w:t><w:br/></w:r><w:r><w:t>活动形式：咖啡+粽子礼盒</w:t></w:r><w:r><w:br w:type="textWrapping" w:clear="all"/></w:r><w:r><w:t>活动时间：2027年6月17日</w:t><w:cr/><w:t>活动地点：全部直营门店</w:t><w:br/><w:t>参与人员：门店店长及店员</w:t></w:r><w:r><w:commentReference w:id="0"/></w:r></w:p>"#;
    // Page and column breaks are spaces (line 8); an empty segment is a line (9–11).
    body += &p_runs(None, &["分页", "前后"], r#"<w:br w:type="page"/>"#);
    body += &p_runs(None, &["上", "", "下"], "<w:br/>");
    // A heading-styled paragraph stays one line and one heading (line 12).
    body += &p_runs(Some("Heading1"), &["一、活动", "概况"], "<w:br/>");
    // Each segment is a heading candidate of its own (lines 13–14).
    body += &p_runs(None, &["（一）活动背景", "端午节是传统节日。"], "<w:br/>");
    // A table row stays one line (line 15).
    body += &format!(
        "<w:tbl><w:tr>{}<w:tc>{}</w:tc></w:tr></w:tbl>",
        tc("项目"),
        p_runs(None, &["金额", "（元）"], "<w:br/>")
    );
    body += &p(None, "活动预算：20,000元");
    let comments_xml = story(
        "comments",
        r#"<w:comment w:id="0" w:author="王五"><w:p><w:r><w:t>注</w:t></w:r></w:p></w:comment>"#,
    );
    let bytes = package(&body, &[("word/comments.xml", comments_xml)]);
    let (doc, comments) =
        read_docx_with_comments(&bytes, "b.docx", &DocxLimits::default()).unwrap();
    assert_eq!(line(&doc, 1), "2027年端午节");
    assert_eq!(line(&doc, 2), "门店活动方案");
    assert_eq!(line(&doc, 3), "活动主题：粽情咖啡");
    assert_eq!(line(&doc, 4), "活动形式：咖啡+粽子礼盒");
    assert_eq!(line(&doc, 5), "活动时间：2027年6月17日");
    assert_eq!(line(&doc, 6), "活动地点：全部直营门店");
    assert_eq!(line(&doc, 7), "参与人员：门店店长及店员");
    assert_eq!(line(&doc, 8), "分页 前后");
    assert_eq!(line(&doc, 9), "上");
    assert_eq!(line(&doc, 10), "");
    assert_eq!(line(&doc, 11), "下");
    assert_eq!(line(&doc, 12), "一、活动 概况");
    assert_eq!(line(&doc, 13), "（一）活动背景");
    assert_eq!(line(&doc, 14), "端午节是传统节日。");
    assert_eq!(line(&doc, 15), "项目 | 金额 （元）");
    assert_eq!(line(&doc, 16), "活动预算：20,000元");

    // Every labelled line is a label, on its own line.
    let labels: Vec<_> = doc
        .labels
        .iter()
        .map(|l| {
            (
                l.normalized.as_str(),
                l.value.text.as_str(),
                doc.source.position(l.line.span.start).line,
            )
        })
        .collect();
    assert_eq!(
        labels,
        vec![
            ("活动主题", "粽情咖啡", 3),
            ("活动形式", "咖啡+粽子礼盒", 4),
            ("活动时间", "2027年6月17日", 5),
            ("活动地点", "全部直营门店", 6),
            ("参与人员", "门店店长及店员", 7),
            ("活动预算", "20,000元", 16),
        ]
    );
    assert_eq!(
        headings(&doc),
        vec![(1, "一、活动 概况", false), (2, "（一）活动背景", false)]
    );
    // The plain title is read with its continuation; it points at its first line.
    let title = doc.title.as_ref().unwrap();
    assert_eq!(title.text, "2027年端午节 门店活动方案");
    assert_eq!(doc.source.position(title.span.start).line, 1);
    // The comment is anchored to the paragraph's first line.
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].line, 3);
    assert_eq!(doc.tables[0].header[1].text, "金额 （元）");
    assert_spans_exact(&doc);

    // A title continued by labelled lines is not joined with them; a soft break in a
    // `Title` paragraph only wraps it.
    let body = p_runs(None, &["活动方案", "活动时间：6月"], "<w:br/>")
        + &p_runs(Some("Title"), &["2027年", "调研报告"], "<w:cr/>");
    let doc = read(&package(&body, &[]));
    assert_eq!(doc.title.as_ref().unwrap().text, "2027年 调研报告");
    assert_eq!(line(&doc, 3), "2027年 调研报告");
    let body = p_runs(None, &["活动方案", "活动时间：6月"], "<w:br/>");
    let doc = read(&package(&body, &[]));
    assert_eq!(doc.title.as_ref().unwrap().text, "活动方案");
    assert_eq!(doc.labels.len(), 1);
}

#[test]
fn soft_breaks_in_numbered_paragraphs() {
    // Word's automatic numbering labels the paragraph's first line only.
    let numbering = story(
        "numbering",
        r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
    );
    let body = p(None, "调研报告")
        + r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>研究背景</w:t><w:br/><w:t>市场快速增长</w:t></w:r></w:p>"#
        + &p(None, "正文。");
    let doc = read(&package(&body, &[("word/numbering.xml", numbering)]));
    assert_eq!(headings(&doc), vec![(1, "研究背景", false)]);
    assert_eq!(line(&doc, 3), "市场快速增长");
    let kind = |t: &str| doc.lines.iter().find(|l| l.text == t).map(|l| l.kind);
    assert_eq!(kind("市场快速增长"), Some(LineKind::ListItem));
    assert_spans_exact(&doc);
}

#[test]
fn typed_table_of_contents_is_not_headings() {
    let body = p(None, "2026年门店选址研究报告")
        + &p(None, "目　录")
        + &p(None, "一、研究背景……………………1")
        + &p(None, "二、调研方法 ........ 2")
        + &p(None, "1. 引言\t3")
        + &p(None, "第三章 结果分析 ···· 12")
        + &p(None, "四、结论…………………………5")
        + &p(None, "附录：调查问卷……12")
        + &p(Some("TOC1"), "五、建议\t6")
        // A heading style does not make an entry a heading.
        + &p(Some("Heading1"), "六、附录 ........ 7")
        + &p(Some("Heading1"), "一、研究背景")
        + &p(None, "文字。")
        + &p(Some("Heading1"), "二、调研方法")
        + &p(None, "文字。");
    let doc = read(&package(&body, &[]));
    assert_eq!(
        headings(&doc),
        vec![(1, "一、研究背景", false), (1, "二、调研方法", false)]
    );
    assert_eq!(doc.title.as_ref().unwrap().text, "2026年门店选址研究报告");
    assert!(doc.labels.is_empty(), "{:?}", doc.labels);
    let kind = |t: &str| doc.lines.iter().find(|l| l.text == t).map(|l| l.kind);
    assert_eq!(kind("四、结论…………………………5"), Some(LineKind::Prose));
    assert_eq!(kind("六、附录 ........ 7"), Some(LineKind::Prose));
    // Entries are never the title.
    let body = p(None, "一、研究背景……1") + &p(None, "市场研究报告") + &p(None, "正文。");
    let doc = read(&package(&body, &[]));
    assert_eq!(doc.title.as_ref().unwrap().text, "市场研究报告");
    assert_spans_exact(&doc);
}

fn bold_styles_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Bold"><w:name w:val="加粗正文"/><w:basedOn w:val="a"/><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="BoldChild"><w:name w:val="加粗正文子"/><w:basedOn w:val="Bold"/></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b w:val="1"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="StrongRed"><w:name w:val="强调红"/><w:basedOn w:val="Strong"/><w:rPr><w:color w:val="FF0000"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="NotBold"><w:name w:val="不加粗"/><w:rPr><w:b w:val="false"/></w:rPr></w:style>
</w:styles>"#
    )
}

/// A paragraph of runs, each `(text, rPr inner XML)`.
fn p_fmt(style: Option<&str>, runs: &[(&str, &str)]) -> String {
    let ppr = style.map_or(String::new(), |s| {
        format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#)
    });
    let runs: String = runs
        .iter()
        .map(|(t, rpr)| {
            let rpr = if rpr.is_empty() {
                String::new()
            } else {
                format!("<w:rPr>{rpr}</w:rPr>")
            };
            format!(r#"<w:r>{rpr}<w:t xml:space="preserve">{t}</w:t></w:r>"#)
        })
        .collect();
    format!("<w:p>{ppr}{runs}</w:p>")
}

#[test]
fn bold_arabic_numbered_paragraphs_are_headings() {
    let b = "<w:b/>";
    let body = p_fmt(None, &[("2026年华东区现制茶饮消费调研报告", b)])
        + &p_fmt(None, &[("市场研究组　2026年11月", "")])
        // Bold on the runs (split runs too).
        + &p_fmt(None, &[("1. ", b), ("研究背景", b)])
        + &p_fmt(None, &[("近两年门店数量快速增长。", "")])
        // Bold by character style, through `basedOn`.
        + &p_fmt(None, &[("2.1 样本构成", r#"<w:rStyle w:val="StrongRed"/>"#)])
        + &p_fmt(None, &[("上海、杭州四城。", "")])
        // Bold by paragraph style, through `basedOn`; `3、` ranks with `1.`.
        + &p_fmt(Some("BoldChild"), &[("3、调研结果", "")])
        + &p_fmt(None, &[("每周购买2次及以上。", "")])
        // `w:b w:val="0"` on a run, or a non-bold character style, undoes the style's bold.
        + &p_fmt(Some("Bold"), &[("4. 结论", r#"<w:b w:val="0"/>"#)])
        + &p_fmt(Some("Bold"), &[("4. 结论", r#"<w:rStyle w:val="NotBold"/>"#)])
        // Partly bold, not bold, a sentence, too long, ending with a colon: not headings.
        + &p_fmt(None, &[("5. ", b), ("建议", "")])
        + &p_fmt(None, &[("5. 建议", "")])
        + &p_fmt(None, &[("1. 加强宣传，提升品牌", b)])
        + &p_fmt(
            None,
            &[("2. 首批门店选址于写字楼商圈并主推鲜果茶系列定价在十八元左右为宜", b)],
        )
        + &p_fmt(None, &[("3. 预算：", b)])
        + &p_fmt(None, &[("4. 预算：5万元", b)])
        + &p_fmt(None, &[("1.5万元用于场地", b)])
        // A styled heading is a heading whatever its weight.
        + &p_fmt(Some("Heading1"), &[("附录", "")]);
    let doc = read(&package(&body, &[("word/styles.xml", bold_styles_xml())]));
    assert_eq!(
        headings(&doc),
        vec![
            (2, "1. 研究背景", false),
            (3, "2.1 样本构成", false),
            (2, "3、调研结果", false),
            (1, "附录", true),
        ]
    );
    assert_eq!(
        doc.title.as_ref().unwrap().text,
        "2026年华东区现制茶饮消费调研报告"
    );
    let kind = |t: &str| {
        doc.lines
            .iter()
            .filter(|l| l.text == t)
            .map(|l| l.kind)
            .collect::<Vec<_>>()
    };
    assert_eq!(kind("4. 结论"), vec![LineKind::Prose, LineKind::Prose]);
    assert_eq!(kind("5. 建议"), vec![LineKind::Prose, LineKind::Prose]);
    assert_eq!(doc.labels.len(), 2);
    assert_spans_exact(&doc);

    // Without styled headings, levels go by first appearance, as for Chinese numbering.
    let body = p_fmt(None, &[("调研报告", b)])
        + &p_fmt(None, &[("1. 研究背景", b)])
        + &p_fmt(None, &[("文字。", "")])
        + &p_fmt(None, &[("1.1 样本", b)])
        + &p_fmt(None, &[("文字。", "")])
        + &p_fmt(None, &[("2. 结论", b)])
        + &p_fmt(None, &[("文字。", "")]);
    let doc = read(&package(&body, &[("word/styles.xml", bold_styles_xml())]));
    assert_eq!(
        headings(&doc),
        vec![
            (1, "1. 研究背景", false),
            (2, "1.1 样本", false),
            (1, "2. 结论", false)
        ]
    );
    assert_eq!(doc.headings[2].normalized, "结论");
    assert_eq!(doc.title.as_ref().unwrap().text, "调研报告");
    // Each segment of a paragraph is judged by its own runs.
    let body = p_fmt(None, &[("报告", b)])
        + r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>1. 研究背景</w:t></w:r><w:r><w:br/><w:t>市场增长。</w:t></w:r></w:p>"#;
    let doc = read(&package(&body, &[("word/styles.xml", bold_styles_xml())]));
    assert_eq!(headings(&doc), vec![(1, "1. 研究背景", false)]);
}

#[test]
fn header_and_footer_paragraphs_split_at_tabs() {
    let extras = vec![
        (
            "word/header1.xml",
            story(
                "hdr",
                r#"<w:p><w:r><w:t>星澜咖啡（上海）有限公司</w:t></w:r><w:r><w:tab/><w:tab/><w:t>【内部资料】仅限市场部使用</w:t></w:r></w:p>"#,
            ),
        ),
        (
            "word/header2.xml",
            story(
                "hdr",
                r#"<w:p><w:r><w:t>星澜咖啡（上海）有限公司</w:t><w:br/><w:t>机密</w:t></w:r></w:p>"#,
            ),
        ),
        (
            "word/footer1.xml",
            story(
                "ftr",
                r#"<w:p><w:r><w:ptab w:relativeTo="margin" w:alignment="center" w:leader="none"/><w:t>第 1 页</w:t><w:tab/></w:r></w:p>"#,
            ),
        ),
    ];
    let doc = read(&package(&p(None, "活动方案"), &extras));
    let header: Vec<_> = doc.header.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        header,
        vec![
            "星澜咖啡（上海）有限公司",
            "【内部资料】仅限市场部使用",
            "机密"
        ]
    );
    let footer: Vec<_> = doc.footer.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(footer, vec!["第 1 页"]);
    // Each is a line of its own after the body and a blank line.
    assert_eq!(doc.source.position(doc.header[1].span.start).line, 4);
    assert_eq!(line(&doc, 4), "【内部资料】仅限市场部使用");
    assert_spans_exact(&doc);
}

#[test]
fn header_watermarks_are_header_lines() {
    let vml = |text: &str| {
        format!(
            r#"<w:r><w:pict><v:shape id="PowerPlusWaterMarkObject" type="&#35;_x0000_t136" style="rotation:315"><v:textpath style="font-family:&quot;宋体&quot;" string="{text}"/></v:shape></w:pict></w:r>"#
        )
    };
    let with_v = |root: &str, body: &str| {
        story(root, body).replacen(
            " xmlns:w=",
            r#" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w="#,
            1,
        )
    };
    let extras = vec![
        (
            "word/header1.xml",
            with_v(
                "hdr",
                &format!(
                    "<w:p>{}<w:r><w:t>星澜咖啡</w:t></w:r></w:p>",
                    vml("内部资料 仅限市场部")
                ),
            ),
        ),
        (
            // Undeclared `v:` prefix; an entity in the text; the same watermark again.
            "word/header2.xml",
            story(
                "hdr",
                &format!(
                    "<w:p>{}{}</w:p>",
                    vml("机密 &amp; 仅限内部"),
                    vml("内部资料 仅限市场部")
                ),
            ),
        ),
        // WordArt in a footer is not a header watermark.
        (
            "word/footer1.xml",
            with_v("ftr", &format!("<w:p>{}</w:p>", vml("页脚艺术字"))),
        ),
    ];
    // A textpath in the body is not read either.
    let body = format!("{}<w:p>{}</w:p>", p(None, "活动方案"), vml("正文艺术字"));
    let doc = read(&package(&body, &extras));
    let header: Vec<_> = doc.header.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        header,
        vec!["星澜咖啡", "内部资料 仅限市场部", "机密 & 仅限内部"]
    );
    assert!(doc.footer.is_empty());
    assert!(!doc.text().contains("艺术字"));
    assert_spans_exact(&doc);
}

#[test]
fn missing_parts_are_not_errors() {
    // Header references without relationships, missing header parts, a damaged styles part.
    let bytes = zip_parts(&[
        (
            "word/document.xml",
            document(&p(Some("Heading1"), "标题一")),
        ),
        ("word/styles.xml", "<w:styles><unclosed".to_string()),
    ]);
    let doc = read(&bytes);
    assert_eq!(headings(&doc), vec![(1, "标题一", true)]);
    assert!(doc.header.is_empty());
}

#[test]
fn not_word_documents() {
    assert!(read_err(b"").contains("empty"));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let msg = read_err(png);
    assert!(msg.starts_with("not a Word document"), "{msg}");
    let msg = read_err(b"PK\x03\x04 truncated");
    assert!(msg.starts_with("not a Word document"), "{msg}");
    let bytes = zip_parts(&[("hello.txt", "hi".to_string())]);
    let msg = read_err(&bytes);
    assert!(msg.starts_with("not a Word document"), "{msg}");
    let bytes = zip_parts(&[("xl/workbook.xml", "<workbook/>".to_string())]);
    assert!(read_err(&bytes).contains("Excel"));
    // A document part that is not WordprocessingML.
    let bytes = zip_parts(&[("word/document.xml", "<html><body/></html>".to_string())]);
    assert!(read_err(&bytes).starts_with("not a Word document"));
    // Malformed main part.
    let bytes = zip_parts(&[(
        "word/document.xml",
        "<w:document xmlns:w=\"x\"></w:body>".to_string(),
    )]);
    let msg = read_err(&bytes);
    assert!(
        msg.contains("damaged") || msg.starts_with("not a Word"),
        "{msg}"
    );
    // OLE compound files: encrypted packages and old .doc files.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0u8; 512]);
    ole.extend(
        "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    assert!(read_err(&ole).contains("password-protected"));
    let mut doc97 = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc97.extend("WordDocument".encode_utf16().flat_map(|u| u.to_le_bytes()));
    assert!(read_err(&doc97).contains(".doc"));
}

/// Bits packed least-significant first, as deflate wants.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        let mut rev = 0;
        for i in 0..len {
            rev |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.put(rev, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A raw deflate stream of `1 + 258 * matches` zero bytes (one fixed-Huffman block: a
/// literal zero, then copies of length 258 at distance 1), built without inflating it.
fn deflated_zeros(matches: usize) -> Vec<u8> {
    let mut b = Bits::default();
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman codes
    b.code(0b0011_0000, 8); // literal 0
    for _ in 0..matches {
        b.code(0b1100_0101, 8); // length code 285: 258 bytes
        b.code(0, 5); // distance code 0: distance 1
    }
    b.code(0, 7); // end of block
    b.finish()
}

/// A one-entry zip holding `data` (deflated) as `name`, declaring `declared` bytes.
fn raw_zip(name: &str, data: &[u8], declared: u32) -> Vec<u8> {
    let mut z = Vec::new();
    let u16le = |z: &mut Vec<u8>, v: u16| z.extend(v.to_le_bytes());
    let u32le = |z: &mut Vec<u8>, v: u32| z.extend(v.to_le_bytes());
    u32le(&mut z, 0x0403_4b50);
    for v in [20u16, 0, 8, 0, 0] {
        u16le(&mut z, v);
    }
    u32le(&mut z, 0); // crc: never reached
    u32le(&mut z, data.len() as u32);
    u32le(&mut z, declared);
    u16le(&mut z, name.len() as u16);
    u16le(&mut z, 0);
    z.extend(name.as_bytes());
    z.extend(data);
    let cd_start = z.len() as u32;
    u32le(&mut z, 0x0201_4b50);
    for v in [20u16, 20, 0, 8, 0, 0] {
        u16le(&mut z, v);
    }
    u32le(&mut z, 0);
    u32le(&mut z, data.len() as u32);
    u32le(&mut z, declared);
    for v in [name.len() as u16, 0, 0, 0, 0] {
        u16le(&mut z, v);
    }
    u32le(&mut z, 0);
    u32le(&mut z, 0);
    z.extend(name.as_bytes());
    let cd_len = z.len() as u32 - cd_start;
    u32le(&mut z, 0x0605_4b50);
    for v in [0u16, 0, 1, 1] {
        u16le(&mut z, v);
    }
    u32le(&mut z, cd_len);
    u32le(&mut z, cd_start);
    u16le(&mut z, 0);
    z
}

#[test]
fn zip_bomb() {
    let started = Instant::now();
    // 300 MiB of zeros in about 2 MB.
    let size = 300 * 1024 * 1024;
    let data = deflated_zeros(size / 258);
    assert!(data.len() < 3 * 1024 * 1024);
    // Declared honestly: refused before inflating.
    let honest = raw_zip("word/document.xml", &data, (1 + 258 * (size / 258)) as u32);
    let msg = read_err(&honest);
    assert_eq!(
        msg,
        "word/document.xml in this .docx expands to more than 50 MiB (a zip bomb?)"
    );
    // Declared as 1 KiB: reading stops early all the same (the zip reader notices the lie
    // past the declared size; the limit would stop it otherwise).
    let lying = raw_zip("word/document.xml", &data, 1024);
    let msg = read_err(&lying);
    assert!(msg.contains("damaged") || msg.contains("zip bomb"), "{msg}");
    // With a lower total limit, the total is what stops it.
    let limits = DocxLimits {
        max_total_uncompressed: 10 * 1024 * 1024,
        ..DocxLimits::default()
    };
    let msg = read_docx(&honest, "b.docx", &limits).err().unwrap().message;
    assert_eq!(msg, "this .docx expands to more than 10 MiB (a zip bomb?)");
    assert!(read_docx(&lying, "b.docx", &limits).is_err());
    // The stream itself is sound: declared truthfully and within the limits, it inflates.
    let small = deflated_zeros(100);
    let bytes = raw_zip("word/document.xml", &small, 1 + 258 * 100);
    let limits = DocxLimits {
        max_part_size: 1 + 258 * 100,
        ..DocxLimits::default()
    };
    let msg = read_docx(&bytes, "b.docx", &limits).err().unwrap().message;
    // All of it was inflated (the limit is exactly its size); only the CRC is wrong.
    assert!(msg.contains("damaged") && msg.contains("checksum"), "{msg}");
    // The stream itself is sound: a small one inflates to a document.
    let xml = format!(r#"<w:document xmlns:w="{W_NS}"><w:body/></w:document>"#);
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("word/document.xml", SimpleFileOptions::default())
        .unwrap();
    w.write_all(xml.as_bytes()).unwrap();
    assert!(
        read_docx(
            &w.finish().unwrap().into_inner(),
            "s.docx",
            &DocxLimits::default()
        )
        .is_ok()
    );
    eprintln!("zip bomb test took {:?}", started.elapsed());
}

#[test]
fn lying_sizes_and_small_limits() {
    // Parts over the limits, whatever the zip says.
    let body = p(None, &"很长的段落".repeat(10_000));
    let bytes = package(&body, &[]);
    let limits = DocxLimits {
        max_part_size: 64 * 1024,
        ..DocxLimits::default()
    };
    let msg = read_docx(&bytes, "b.docx", &limits).err().unwrap().message;
    assert_eq!(
        msg,
        "word/document.xml in this .docx expands to more than 64 KiB (a zip bomb?)"
    );
    let limits = DocxLimits {
        max_total_uncompressed: 100 * 1024,
        ..DocxLimits::default()
    };
    assert!(read_docx(&bytes, "b.docx", &limits).is_err());
    // Too many entries.
    let parts: Vec<(String, String)> = (0..30)
        .map(|i| (format!("word/media/{i}.xml"), String::new()))
        .collect();
    let parts: Vec<(&str, String)> = parts.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
    let bytes = package("", &parts);
    let limits = DocxLimits {
        max_entries: 20,
        ..DocxLimits::default()
    };
    let msg = read_docx(&bytes, "b.docx", &limits).err().unwrap().message;
    assert_eq!(msg, "this .docx has more than 20 zip entries (a zip bomb?)");
    assert!(read_docx(&bytes, "b.docx", &DocxLimits::default()).is_ok());
}

#[test]
fn deep_nesting() {
    let started = Instant::now();
    let n = 100_000;
    let mut xml = format!(r#"<w:document xmlns:w="{W_NS}"><w:body><w:p>"#);
    xml += &"<w:hyperlink>".repeat(n);
    xml += "<w:r><w:t>深</w:t></w:r>";
    xml += &"</w:hyperlink>".repeat(n);
    xml += "</w:p></w:body></w:document>";
    let bytes = zip_parts(&[("word/document.xml", xml.clone())]);
    let msg = read_err(&bytes);
    assert!(msg.contains("256 levels deep"), "{msg}");
    // Nesting inside skipped subtrees counts too.
    let deep_rpr = xml
        .replace("<w:hyperlink>", "<w:rPr>")
        .replace("</w:hyperlink>", "</w:rPr>");
    let bytes = zip_parts(&[("word/document.xml", deep_rpr)]);
    assert!(read_err(&bytes).contains("levels deep"));
    // Deep but within the limit: fine.
    let mut xml = format!(r#"<w:document xmlns:w="{W_NS}"><w:body><w:p>"#);
    xml += &"<w:hyperlink>".repeat(200);
    xml += "<w:r><w:t>深</w:t></w:r>";
    xml += &"</w:hyperlink>".repeat(200);
    xml += "</w:p></w:body></w:document>";
    let doc = read(&zip_parts(&[("word/document.xml", xml)]));
    assert_eq!(line(&doc, 1), "深");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn garbage_does_not_panic() {
    let valid = package(&main_body(), &main_extras());
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..300 {
        let mut bytes = valid.clone();
        // Flip a few bytes, or cut the file short.
        if round % 3 == 0 {
            let cut = (next() as usize) % bytes.len();
            bytes.truncate(cut);
        } else {
            for _ in 0..(1 + round % 5) {
                let i = (next() as usize) % bytes.len();
                bytes[i] = next() as u8;
            }
        }
        if let Ok(doc) = read_docx(&bytes, "g.docx", &DocxLimits::default()) {
            let _ = doc.title;
        }
    }
    // Garbage XML inside a valid zip.
    for xml in [
        "",
        "<",
        "<w:document",
        "<?xml version=\"1.0\"?>",
        "<a><b></a>",
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>x",
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"99999999999\"/></w:tcPr></w:tc></w:tr></w:tbl><w:p><w:r><w:fldChar w:fldCharType=\"end\"/><w:fldChar w:fldCharType=\"separate\"/><w:sym w:char=\"zz\"/><w:sym w:char=\"110000\"/></w:r></w:p></w:body></w:document>",
    ] {
        let bytes = zip_parts(&[("word/document.xml", xml.to_string())]);
        let _ = read_docx(&bytes, "g.docx", &DocxLimits::default());
    }
}

// ---------------------------------------------------------------------------------------------
// Real files

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/docx")
}

fn corpus_file(rel: &str) -> Option<Vec<u8>> {
    let path = corpus().join(rel);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("skipping: {} not found", path.display());
            None
        }
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn corpus_never_panics() {
    let mut files = Vec::new();
    files_under(&corpus(), &mut files);
    files.sort();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let started = Instant::now();
        let result = read_docx_with_comments(&bytes, "c.docx", &DocxLimits::default());
        let took = started.elapsed();
        let rel = path
            .strip_prefix(corpus())
            .unwrap_or(&path)
            .display()
            .to_string();
        match &result {
            Ok((doc, comments)) => {
                eprintln!(
                    "{rel}: ok, {} lines, {} headings, {} tables, {} labels, {} header, {} footer, {} comments, title {:?} ({took:?})",
                    doc.lines.len(),
                    doc.headings.len(),
                    doc.tables.len(),
                    doc.labels.len(),
                    doc.header.len(),
                    doc.footer.len(),
                    comments.len(),
                    doc.title.as_ref().map(|t| t.text.as_str()),
                );
                assert_spans_exact(doc);
            }
            Err(e) => eprintln!("{rel}: error: {} ({took:?})", e.message),
        }
        assert!(took < Duration::from_secs(30), "{rel} took {took:?}");
    }
}

#[test]
fn corpus_headings() {
    let Some(bytes) = corpus_file("poi/heading123.docx") else {
        return;
    };
    let doc = read(&bytes);
    let levels: Vec<u8> = doc.headings.iter().map(|h| h.level).collect();
    assert!(
        levels.contains(&1) && levels.contains(&2) && levels.contains(&3),
        "{levels:?}"
    );
}

#[test]
fn corpus_headers_and_footers() {
    if let Some(bytes) = corpus_file("python-docx/doc-odd-even-hdrs.docx") {
        let doc = read(&bytes);
        assert!(doc.header.len() >= 2, "{:?}", doc.header);
    }
    if let Some(bytes) = corpus_file("poi/headerFooter.docx") {
        let doc = read(&bytes);
        assert!(!doc.header.is_empty() || !doc.footer.is_empty());
    }
}

#[test]
fn corpus_tracked_changes() {
    let Some(bytes) = corpus_file("poi/delins.docx") else {
        return;
    };
    let doc = read(&bytes);
    assert!(!doc.lines.is_empty());
}

#[test]
fn corpus_chinese_styles() {
    let mut files = Vec::new();
    files_under(&corpus().join("chinese"), &mut files);
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let doc = read(&bytes);
        assert!(!doc.headings.is_empty(), "{}", path.display());
        assert_spans_exact(&doc);
    }
}

#[test]
fn corpus_bad_files() {
    // Despite its name, a valid package whose only paragraph is empty.
    if let Some(bytes) = corpus_file("poi/zero-length.docx") {
        let doc = read(&bytes);
        assert!(doc.lines.is_empty() && doc.title.is_none());
    }
    for rel in [
        "poi/truncated62886.docx",
        "poi/crash-517626e815e0afa9decd0ebb6d1dee63fb9907dd.docx",
    ] {
        if let Some(bytes) = corpus_file(rel) {
            assert!(read_err(&bytes).starts_with("not a Word document"));
        }
    }
    if let Some(bytes) = corpus_file("poi/bug53475-password-is-pass.docx") {
        assert!(read_err(&bytes).contains("password-protected"));
    }
    if let Some(bytes) = corpus_file("poi/ExternalEntityInText.docx") {
        let doc = read(&bytes);
        assert!(!doc.text().contains("poi.apache.org"));
        assert!(!doc.text().to_lowercase().contains("<html"));
    }
    if let Some(bytes) = corpus_file("docx-rs/read_hang.docx") {
        let started = Instant::now();
        let _ = read_docx(&bytes, "h.docx", &DocxLimits::default());
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
