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

/// Read and parse one document; returns it with the text encoding it was read in.
pub fn read_document(
    path: &Path,
    name: &str,
    file_type: FileType,
) -> Result<(Document, &'static str), ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        message: format!("cannot read this file: {}", io_reason(&e)),
        help: None,
    })?;
    if file_type == FileType::Docx {
        return docx::read_docx(&bytes, name, &docx::DocxLimits::default()).map(|d| (d, "docx"));
    }
    let text = decode::decode_text(bytes)?;
    let encoding = text.encoding;
    Ok(match file_type {
        FileType::Markdown => (markdown::read_markdown(name, &text.text), encoding),
        FileType::Text => (text::read_text(name, &text.text), encoding),
        FileType::Records | FileType::Docx => {
            return Err(ReadError {
                message: "records are not documents".into(),
                help: None,
            });
        }
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
