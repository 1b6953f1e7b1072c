//! The .docx reader's XML, past the zip: the fuzzer's bytes are the package's parts,
//! separated by NUL bytes (which XML cannot contain), in the order of `PARTS`; a valid
//! package is built around them in memory, with the relationships that tie them together.
//! The document is then checked as `bylaw check` does.
#![no_main]

use std::io::{Cursor, Write};

use bylaw::input::{FileType, read_document_bytes};
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;

/// The parts the fuzzer writes, in order.
const PARTS: &[&str] = &[
    "word/document.xml",
    "word/styles.xml",
    "word/numbering.xml",
    "word/header1.xml",
    "word/footer1.xml",
    "word/comments.xml",
    "docProps/core.xml",
];

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;

fn package(data: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.as_bytes()),
    ] {
        zip.start_file(name, stored)?;
        zip.write_all(content)?;
    }
    for (name, content) in PARTS.iter().zip(data.split(|b| *b == 0)) {
        zip.start_file(*name, stored)?;
        zip.write_all(content)?;
    }
    Ok(zip.finish()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let bytes = package(data).expect("an in-memory zip is written");
    if let Ok(read) = read_document_bytes(bytes, "fuzz.docx", FileType::Docx) {
        bylaw_fuzz::check_document(read, "fuzz.docx", FileType::Docx);
    }
});
