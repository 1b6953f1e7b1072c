//! Embeds the built-in policy pack (`policies/**/*.bylaw` and its word lists) in the binary,
//! so an installed bylaw works anywhere. The pack's test cases (`policies/**/tests/`) stay out.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut files = Vec::new();
    collect(root, root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The built-in pack: (path relative to `policies/`, contents).\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for rel in &files {
        let abs = root.join(rel).canonicalize().expect("policy file path");
        println!("cargo:rerun-if-changed={}", abs.display());
        writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .expect("write");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_pack.rs");
    std::fs::write(dest, out).expect("write builtin_pack.rs");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // `tests/` folders hold the pack's test cases (`bylaw test`), not the pack.
            if path.file_name().is_some_and(|n| n == "tests") {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("bylaw" | "txt")
        ) && let Ok(rel) = path.strip_prefix(root)
        {
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
