//! Finding the files to check: walk the given paths (skipping hidden entries and `.git`),
//! apply the configuration's include/exclude globs, and keep the files bylaw can read.
//! Problems on the way (a missing path, an unreadable directory, a named file of an
//! unsupported type) are reported, never skipped in silence.

use std::path::{Path, PathBuf};

use globset::GlobSet;
use walkdir::WalkDir;

use super::FileType;

/// A file to check.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// The path as reported: relative to the current directory, forward slashes.
    pub display: String,
    pub file_type: FileType,
}

/// A path that could not be walked, or a file bylaw cannot read.
#[derive(Debug, Clone)]
pub struct WalkProblem {
    pub display: String,
    pub message: String,
    pub unsupported: bool,
    /// Named on the command line (an error), rather than met in a folder (a warning).
    pub explicit: bool,
}

/// Deliverable formats bylaw does not read: met in a folder they are reported (as warnings),
/// so an audit never takes an unchecked deliverable for a checked one.
const UNREAD_DELIVERABLES: [&str; 9] = [
    "pdf", "doc", "wps", "rtf", "odt", "pages", "ppt", "pptx", "dotx",
];

fn unread_deliverable(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    UNREAD_DELIVERABLES.contains(&ext.as_str()).then_some(ext)
}

fn unsupported_message(path: &Path) -> String {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pdf") => "PDF files are not read: this deliverable was not checked".into(),
        Some("doc") | Some("wps") => {
            "legacy Word (.doc/.wps) files are not read: this deliverable was not checked".into()
        }
        Some(ext) => format!(".{ext} files are not read: this file was not checked"),
        None => "bylaw cannot read this type of file".into(),
    }
}

#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<Candidate>,
    pub problems: Vec<WalkProblem>,
}

/// Include/exclude filters from the configuration (matched against the reported path).
#[derive(Default)]
pub struct Filters {
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
}

impl Filters {
    fn keeps(&self, display: &str) -> bool {
        if self.exclude.as_ref().is_some_and(|g| g.is_match(display)) {
            return false;
        }
        self.include.as_ref().is_none_or(|g| g.is_match(display))
    }
}

pub fn walk(paths: &[PathBuf], filters: &Filters) -> Walked {
    let mut out = Walked::default();
    for root in paths {
        if !root.exists() {
            out.problems.push(WalkProblem {
                display: display_path(root),
                message: "no such file or directory".into(),
                unsupported: false,
                explicit: true,
            });
            continue;
        }
        if root.is_file() {
            let display = display_path(root);
            match FileType::of(root) {
                Some(file_type) => out.files.push(Candidate {
                    path: root.clone(),
                    display,
                    file_type,
                }),
                None => out.problems.push(WalkProblem {
                    display,
                    message: unsupported_message(root),
                    unsupported: true,
                    explicit: true,
                }),
            }
            continue;
        }
        let walker = WalkDir::new(root)
            // Symlinked deliverables are checked; a link loop is reported by the walk.
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let display = display_path(e.path());
                    if !filters.keeps(&display) {
                        continue;
                    }
                    if let Some(file_type) = FileType::of(e.path()) {
                        out.files.push(Candidate {
                            path: e.path().to_path_buf(),
                            display,
                            file_type,
                        });
                    } else if unread_deliverable(e.path()).is_some() {
                        out.problems.push(WalkProblem {
                            message: unsupported_message(e.path()),
                            display,
                            unsupported: true,
                            explicit: false,
                        });
                    }
                }
                Ok(_) => {}
                Err(err) => out.problems.push(WalkProblem {
                    display: err
                        .path()
                        .map(display_path)
                        .unwrap_or_else(|| display_path(root)),
                    message: err
                        .io_error()
                        .map(super::io_reason)
                        .unwrap_or_else(|| err.to_string()),
                    unsupported: false,
                    explicit: false,
                }),
            }
        }
    }
    out.files.sort_by(|a, b| a.display.cmp(&b.display));
    out.files.dedup_by(|a, b| a.display == b.display);
    out
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
}

/// A path for reports: relative to the current directory when it is below it, forward slashes,
/// no leading `./`.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = match (&cwd, path.is_absolute()) {
        (Some(c), true) => path.strip_prefix(c).unwrap_or(path),
        _ => path,
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    if s.is_empty() { ".".into() } else { s }
}
