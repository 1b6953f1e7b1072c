//! Reading inputs: finding the files to check, decoding them, and building the document
//! model (Markdown and plain text for now).

pub mod decode;
pub mod docx;
pub mod kind;
pub mod markdown;
pub mod records;
pub mod text;
pub mod walk;

use std::path::Path;

use crate::model::Document;

/// What kind of reader a file needs, decided by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Markdown,
    Text,
    /// Word documents (.docx).
    Docx,
    /// CSV, spreadsheets, JSON: read as records.
    Records,
}

impl FileType {
    pub fn of(path: &Path) -> Option<FileType> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" | "mdown" | "mkd" => Some(FileType::Markdown),
            "txt" | "text" => Some(FileType::Text),
            "docx" | "docm" => Some(FileType::Docx),
            "csv" | "tsv" | "xlsx" | "xlsm" | "xls" | "ods" | "json" | "jsonl" | "ndjson" => {
                Some(FileType::Records)
            }
            _ => None,
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone)]
pub struct ReadError {
    pub message: String,
    pub help: Option<String>,
}

/// A document as read.
pub struct ReadDocument {
    pub doc: Document,
    /// The text encoding it was read in (`docx` for Word files).
    pub encoding: &'static str,
    /// Word review comments (suppression directives live there).
    pub comments: Vec<docx::DocxComment>,
}

/// Read and parse one document.
pub fn read_document(
    path: &Path,
    name: &str,
    file_type: FileType,
) -> Result<ReadDocument, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        message: format!("cannot read this file: {}", io_reason(&e)),
        help: None,
    })?;
    read_document_bytes(bytes, name, file_type)
}

/// Parse one document from its bytes (as [`read_document`] does after reading the file);
/// `name` is the path as reported.
pub fn read_document_bytes(
    bytes: Vec<u8>,
    name: &str,
    file_type: FileType,
) -> Result<ReadDocument, ReadError> {
    if file_type == FileType::Docx {
        let (doc, comments) =
            docx::read_docx_with_comments(&bytes, name, &docx::DocxLimits::default())?;
        return Ok(ReadDocument {
            doc,
            encoding: "docx",
            comments,
        });
    }
    let text = decode::decode_text(bytes)?;
    let doc = match file_type {
        FileType::Markdown => markdown::read_markdown(name, &text.text),
        FileType::Text => text::read_text(name, &text.text),
        FileType::Records | FileType::Docx => {
            return Err(ReadError {
                message: "records are not documents".into(),
                help: None,
            });
        }
    };
    Ok(ReadDocument {
        doc,
        encoding: text.encoding,
        comments: Vec::new(),
    })
}

/// An I/O error as a lowercase phrase.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    let s = s.split(" (os error").next().unwrap_or(&s).to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => s,
    }
}
