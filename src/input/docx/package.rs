//! The zip package: opening it, reading parts within the limits, relationships.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::DocxLimits;
use super::xml::{Tree, XmlError};
use crate::input::ReadError;

/// Why a part could not be read.
#[derive(Debug)]
pub(crate) enum PartError {
    /// A limit was exceeded or the package is unusable: reading must stop.
    Fatal(ReadError),
    /// The part is damaged; an optional part is then treated as missing.
    Damaged(String),
}

impl PartError {
    /// The error for a required part.
    pub(crate) fn into_read_error(self, part: &str) -> ReadError {
        match self {
            PartError::Fatal(e) => e,
            PartError::Damaged(why) => error(format!(
                "this .docx is damaged: {part} cannot be read ({why})"
            )),
        }
    }
}

pub(crate) fn error(message: impl Into<String>) -> ReadError {
    ReadError {
        message: message.into(),
        help: None,
    }
}

/// `1 MiB`, `200 MiB`, `512 KiB`, `100 bytes`.
pub(crate) fn human_size(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// An opened package.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased part name (no leading `/`) → entry index. Part names are
    /// case-insensitive in OPC.
    names: HashMap<String, usize>,
    limits: DocxLimits,
    /// Bytes decompressed so far.
    total: u64,
}

impl<'a> Package<'a> {
    pub(crate) fn open(bytes: &'a [u8], limits: &DocxLimits) -> Result<Self, ReadError> {
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError {
            message: format!(
                "not a Word document: the file is not a valid zip package ({})",
                zip_reason(&e)
            ),
            help: Some("a .docx is a zip package written by Word, WPS or LibreOffice".into()),
        })?;
        if archive.len() > limits.max_entries {
            return Err(error(format!(
                "this .docx has more than {} zip entries (a zip bomb?)",
                limits.max_entries
            )));
        }
        let mut names = HashMap::new();
        for i in 0..archive.len() {
            if let Some(Ok(name)) = archive.name_for_index(i) {
                let key = name.trim_start_matches('/').to_lowercase();
                names.entry(key).or_insert(i);
            }
        }
        Ok(Package {
            archive,
            names,
            limits: limits.clone(),
            total: 0,
        })
    }

    pub(crate) fn has(&self, part: &str) -> bool {
        self.names.contains_key(&part.to_lowercase())
    }

    /// Read a part; `Ok(None)` when the package has no such part.
    pub(crate) fn read(&mut self, part: &str) -> Result<Option<Vec<u8>>, PartError> {
        let Some(&index) = self.names.get(&part.to_lowercase()) else {
            return Ok(None);
        };
        let limits = &self.limits;
        let mut file = match self.archive.by_index(index) {
            Ok(f) => f,
            Err(ZipError::UnsupportedArchive(why)) if why.to_lowercase().contains("password") => {
                return Err(PartError::Fatal(password_protected(
                    "its zip entries are encrypted",
                )));
            }
            Err(e) => return Err(PartError::Damaged(zip_reason(&e))),
        };
        if file.encrypted() {
            return Err(PartError::Fatal(password_protected(
                "its zip entries are encrypted",
            )));
        }
        let remaining = limits.max_total_uncompressed.saturating_sub(self.total);
        // Whichever limit is closer binds, and names itself when exceeded.
        let (cap, too_big) = if remaining < limits.max_part_size {
            (remaining, total_too_big(limits.max_total_uncompressed))
        } else {
            (
                limits.max_part_size,
                part_too_big(part, limits.max_part_size),
            )
        };
        // The declared size is only a hint: a part that claims too much is refused early,
        // and the actual reading is bounded whatever it claims.
        if file.size() > cap {
            return Err(PartError::Fatal(too_big));
        }
        let mut out = Vec::new();
        let read = (&mut file)
            .take(cap.saturating_add(1))
            .read_to_end(&mut out);
        let n = out.len() as u64;
        if n > cap {
            return Err(PartError::Fatal(too_big));
        }
        self.total += n;
        match read {
            Ok(_) => Ok(Some(out)),
            Err(e) => Err(PartError::Damaged(crate::input::io_reason(&e))),
        }
    }

    /// Read and parse a part.
    pub(crate) fn tree(&mut self, part: &str) -> Result<Option<Tree>, PartError> {
        let Some(bytes) = self.read(part)? else {
            return Ok(None);
        };
        let text = super::xml::decode(&bytes);
        drop(bytes);
        match Tree::parse(&text, self.limits.max_xml_depth) {
            Ok(t) => Ok(Some(t)),
            Err(XmlError::TooDeep) => Err(PartError::Fatal(error(format!(
                "{part} nests XML elements more than {} levels deep",
                self.limits.max_xml_depth
            )))),
            Err(XmlError::TooManyNodes) => Err(PartError::Fatal(error(format!(
                "{part} has more than {} XML elements",
                super::xml::MAX_NODES
            )))),
            Err(XmlError::Malformed(why)) => Err(PartError::Damaged(format!(
                "malformed XML: {}",
                lower_first(&why)
            ))),
        }
    }

    /// Read and parse an optional part: damage makes it missing; limits still stop.
    pub(crate) fn optional_tree(&mut self, part: &str) -> Result<Option<Tree>, ReadError> {
        match self.tree(part) {
            Ok(t) => Ok(t),
            Err(PartError::Fatal(e)) => Err(e),
            Err(PartError::Damaged(_)) => Ok(None),
        }
    }

    /// The relationships of `part` (from `dir/_rels/name.rels`); empty when there are none
    /// or they cannot be read.
    pub(crate) fn rels(&mut self, part: &str) -> Result<Vec<Rel>, ReadError> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => ("", part),
        };
        let rels_part = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(tree) = self.optional_tree(&rels_part)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for id in 0..tree.len() as u32 {
            if tree.name(id) != "Relationship" {
                continue;
            }
            let (Some(rid), Some(kind), Some(target)) = (
                tree.attr(id, "Id"),
                tree.attr(id, "Type"),
                tree.attr(id, "Target"),
            ) else {
                continue;
            };
            if tree
                .attr(id, "TargetMode")
                .is_some_and(|m| m.eq_ignore_ascii_case("external"))
            {
                continue;
            }
            out.push(Rel {
                id: rid.to_string(),
                kind: kind.to_string(),
                target: resolve_target(dir, target),
            });
        }
        Ok(out)
    }
}

/// A package-internal relationship.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    pub id: String,
    /// The relationship type URI.
    pub kind: String,
    /// The target part name, resolved (no leading `/`).
    pub target: String,
}

impl Rel {
    /// Whether the type URI ends with `/suffix` (transitional and strict URIs differ only
    /// before that).
    pub(crate) fn is(&self, suffix: &str) -> bool {
        self.kind
            .rsplit('/')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case(suffix))
    }
}

/// Resolve a relationship target against the source part's folder.
pub(crate) fn resolve_target(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn password_protected(detail: &str) -> ReadError {
    ReadError {
        message: format!("this .docx is password-protected ({detail})"),
        help: Some(
            "remove the password (in Word: File › Info › Protect Document › Encrypt with \
             Password, then clear it) and check the unprotected copy"
                .into(),
        ),
    }
}

/// The error for an OLE compound file given as .docx: encrypted Office documents are stored
/// that way, and so are Word 97–2003 `.doc` files.
pub(crate) fn ole_error(bytes: &[u8]) -> ReadError {
    let encrypted_package: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let word_document: Vec<u8> = "WordDocument"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if contains(&encrypted_package) || !contains(&word_document) {
        password_protected("it is an encrypted Office file, not a zip package")
    } else {
        ReadError {
            message: "not a Word document (.docx): this is a Word 97–2003 (.doc) file".into(),
            help: Some("open it in Word or WPS and save it as .docx".into()),
        }
    }
}

fn part_too_big(part: &str, limit: u64) -> ReadError {
    error(format!(
        "{part} in this .docx expands to more than {} (a zip bomb?)",
        human_size(limit)
    ))
}

fn total_too_big(limit: u64) -> ReadError {
    error(format!(
        "this .docx expands to more than {} (a zip bomb?)",
        human_size(limit)
    ))
}

fn zip_reason(e: &ZipError) -> String {
    lower_first(&e.to_string())
}

pub(crate) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
