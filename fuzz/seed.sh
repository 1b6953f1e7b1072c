#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seed inputs from the repository's fixtures and the shared
# real-world corpora (../shared/corpora/ beside the repository, when it is there).
# Seeds are named by their SHA-1, as libFuzzer names what it adds, so running this again adds
# nothing twice. Needs python3 (docx_xml seeds are the parts of the fixture .docx files).
set -euo pipefail

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$fuzz_dir/.." && pwd)
shared="$repo/../shared/corpora"
corpus="$fuzz_dir/corpus"

roots=("$repo/policies" "$repo/tests/fixtures" "$repo/samples")
[ -d "$shared" ] && roots+=("$shared") || echo "note: no $shared; seeding from the repository only" >&2

# Files below the roots whose names end in one of the given extensions (case-insensitive).
files() {
    local args=() ext
    for ext in "$@"; do
        args+=(-o -iname "*.$ext")
    done
    find "${roots[@]}" -type f \( "${args[@]:1}" \) -print0
}

# add TARGET [PREFIX_BYTE] < NUL-separated paths
add() {
    local target=$1 prefix=${2:-} dir="$corpus/$1" n=0 f tmp
    mkdir -p "$dir"
    tmp=$(mktemp)
    while IFS= read -r -d '' f; do
        if [ -n "$prefix" ]; then
            { printf "\\x$prefix"; cat "$f"; } > "$tmp"
        else
            cat "$f" > "$tmp"
        fi
        cp "$tmp" "$dir/$(sha1sum "$tmp" | cut -d' ' -f1)"
        n=$((n + 1))
    done
    rm -f "$tmp"
    echo "$target: $n seeds ($(ls "$dir" | wc -l) in corpus/$target)"
}

files bylaw | add policy_parser
files md markdown | add markdown_reader
files txt text | add text_reader
files docx docm | add docx_reader

# records_reader: the first byte chooses the format (see fuzz_targets/records_reader.rs).
files csv | add records_reader 00
files tsv | add records_reader 01
files json | add records_reader 02
files jsonl ndjson | add records_reader 03
files xlsx xlsm | add records_reader 04
files xls | add records_reader 05
files ods | add records_reader 06
files xlsb | add records_reader 07

# docx_xml: each .docx's parts, NUL-separated, in the order of PARTS in docx_xml.rs.
mkdir -p "$corpus/docx_xml"
files docx docm | python3 -c '
import hashlib, sys, zipfile
parts = ["word/document.xml", "word/styles.xml", "word/numbering.xml", "word/header1.xml",
         "word/footer1.xml", "word/comments.xml", "docProps/core.xml"]
out, n = sys.argv[1], 0
for path in sys.stdin.buffer.read().split(b"\0"):
    if not path:
        continue
    try:
        with zipfile.ZipFile(path.decode()) as z:
            names = {i.filename.lower(): i.filename for i in z.infolist()}
            data = b"\0".join(z.read(names[p.lower()]).replace(b"\0", b"") if p.lower() in names else b""
                              for p in parts)
    except Exception:
        continue  # the corrupt ones seed docx_reader only
    data = data.rstrip(b"\0")
    if len(data) > 256 * 1024:
        continue  # the XML of a long document: slow to mutate, and docx_reader has it
    with open(f"{out}/{hashlib.sha1(data).hexdigest()}", "wb") as f:
        f.write(data)
    n += 1
print(f"docx_xml: {n} seeds")
' "$corpus/docx_xml"
