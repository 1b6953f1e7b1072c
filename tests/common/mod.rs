//! Helpers shared by the command-line test suites.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `bylaw` binary, colours off.
pub fn bylaw() -> Command {
    let mut cmd = Command::cargo_bin("bylaw").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Write `text` to `dir/name`, creating folders on the way; the file's path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path
}
