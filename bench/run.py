#!/usr/bin/env python3
"""Benchmark bylaw with the built-in pack, against ripgrep on the same corpus.

    python3 bench/run.py [--files 10000] [--quick]

Needs `rg` (ripgrep), `hyperfine` and GNU time (`/usr/bin/time`); on Debian:
`apt-get install ripgrep hyperfine time`. Builds bylaw in release mode, generates the corpora
under target/bench/ (deterministic: bench/gen_corpus.py, bench/gen_customers.py), and prints
the figures as Markdown tables (also written to target/bench/results.md):

- documents: bylaw (full pack, JSON report) and `rg -i -F -c -f WORDS` (the advertising-law
  word list of the pack, ripgrep's literal multi-pattern search) on the same Markdown and text
  files; then bylaw alone on the whole corpus with the .docx files, which ripgrep cannot read;
- start-up: checking one small file, policy loading and validation included;
- records: a customer database of 100k to 1M rows (rules R1–R3), time and peak memory;
- memory and throughput as the number of files grows.

Wall times are hyperfine means; peak RSS is GNU time's maximum resident set size. Run it on an
otherwise idle machine: both tools use every core.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench"
BYLAW = ROOT / "target" / "release" / "bylaw"
AS_OF = "2026-11-30"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def need(tool):
    if shutil.which(tool) is None:
        sys.exit(f"bench: `{tool}` is not installed (Debian: apt-get install ripgrep hyperfine time)")


def hyperfine(commands, runs, warmup=1):
    """Mean and standard deviation of wall time (s), and mean user+system CPU time, per command."""
    export = OUT / "hyperfine.json"
    run(
        ["hyperfine", "-N", "-i", "-w", str(warmup), "-r", str(runs), "--export-json", str(export)]
        + commands,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = json.loads(export.read_text())["results"]
    return [(r["mean"], r["stddev"] or 0.0, r["user"] + r["system"]) for r in results]


def peak_rss_mb(cmd):
    """Peak resident set size of a command, in MB."""
    r = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return int(r.stderr.strip().splitlines()[-1]) / 1024


def tree_size(path: Path, suffixes=None):
    files = [p for p in path.rglob("*") if p.is_file() and (suffixes is None or p.suffix in suffixes)]
    return len(files), sum(p.stat().st_size for p in files)


def corpus(files: int) -> Path:
    path = OUT / f"docs-{files}"
    if not path.exists():
        run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), str(path), "--files", str(files)])
    return path


def prose_only(path: Path) -> Path:
    """The corpus without its .docx files (hard links, no copy)."""
    prose = path.with_name(path.name + "-prose")
    if not prose.exists():
        run(["cp", "-al", str(path), str(prose)])
        for docx in prose.rglob("*.docx"):
            docx.unlink()
    return prose


def customers(rows: int) -> Path:
    path = OUT / f"customers-{rows}.csv"
    if not path.exists():
        with path.open("w") as f:
            run([sys.executable, str(ROOT / "bench" / "gen_customers.py"), str(rows)], stdout=f)
    return path


def word_list() -> Path:
    """The pack's advertising-law word list as plain lines for `rg -f`."""
    path = OUT / "ad-absolute-terms.rg.txt"
    terms = []
    for line in (ROOT / "policies" / "wordlists" / "ad-absolute-terms.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms.append(line[1:] if line.startswith("\\#") else line)
    path.write_text("\n".join(terms) + "\n")
    return path


def check(*paths, config=None):
    extra = ["--config", str(config)] if config else []
    return [str(BYLAW), "check", *map(str, paths), *extra, "--as-of", AS_OF, "--format", "json", "-o", "/dev/null"]


def config_with_only(keep: set[str], name: str) -> Path:
    """A bylaw.toml that turns every rule off but those in `keep`: what a stage costs."""
    rules = json.loads(run([str(BYLAW), "rules", "--format", "json"], capture_output=True, text=True).stdout)
    path = OUT / name
    lines = ["[rules]"] + [f'"{r["id"]}" = "off"' for r in rules["rules"] if r["id"] not in keep]
    path.write_text("\n".join(lines) + "\n")
    return path


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    rg = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}; {rg}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=10000, help="documents in the main corpus")
    ap.add_argument("--quick", action="store_true", help="fewer runs and rows (a smoke test)")
    args = ap.parse_args()
    for tool in ["rg", "hyperfine", "/usr/bin/time"]:
        need(tool)
    OUT.mkdir(parents=True, exist_ok=True)
    run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT)
    runs = 3 if args.quick else 10
    lines = [f"machine: {machine()}", ""]

    docs = corpus(args.files)
    prose = prose_only(docs)
    words = word_list()
    n, size = tree_size(prose)
    rg = ["rg", "-i", "-F", "-c", "-f", str(words), str(prose)]
    (b_mean, b_sd, b_cpu), (r_mean, r_sd, r_cpu) = hyperfine([shlex.join(check(prose)), shlex.join(rg)], runs)
    b_rss, r_rss = peak_rss_mb(check(prose)), peak_rss_mb(rg)
    mb = size / 1e6
    lines += [
        f"## Documents: {n} Markdown and text files, {mb:.1f} MB",
        "",
        "| tool | wall (s) | CPU (s) | files/s | MB/s | peak RSS (MB) |",
        "|---|---|---|---|---|---|",
        f"| bylaw, full pack | {b_mean:.3f} ± {b_sd:.3f} | {b_cpu:.2f} | {n / b_mean:,.0f} | {mb / b_mean:.1f} | {b_rss:.0f} |",
        f"| rg, ad word list | {r_mean:.3f} ± {r_sd:.3f} | {r_cpu:.2f} | {n / r_mean:,.0f} | {mb / r_mean:.1f} | {r_rss:.0f} |",
        "",
        f"bylaw / rg throughput: **{100 * r_mean / b_mean:.0f}%** (wall), {100 * r_cpu / b_cpu:.0f}% (CPU)",
        "",
    ]
    # Where bylaw's time goes: reading and modelling alone (every rule off), then the
    # advertising-law rule alone (ripgrep's task, on the files recognised as ad copy).
    stages = [("reading and modelling only (all rules off)", config_with_only(set(), "rules-off.toml")),
              ("the ad-copy word-list rule only", config_with_only({"ad-copy/absolute-term"}, "ad-only.toml"))]
    timed = hyperfine([shlex.join(check(prose, config=c)) for _, c in stages], runs)
    lines += ["| bylaw stage | wall (s) | CPU (s) | MB/s |", "|---|---|---|---|"]
    for (what, _), (mean, sd, cpu) in zip(stages, timed):
        lines.append(f"| {what} | {mean:.3f} ± {sd:.3f} | {cpu:.2f} | {mb / mean:.1f} |")
    lines.append("")

    n_all, size_all = tree_size(docs)
    docx_n, docx_size = tree_size(docs, {".docx"})
    ((a_mean, a_sd, a_cpu),) = hyperfine([shlex.join(check(docs))], runs)
    lines += [
        f"## Documents with Word files: {n_all} files ({docx_n} .docx), {size_all / 1e6:.1f} MB",
        "",
        f"bylaw: {a_mean:.3f} ± {a_sd:.3f} s wall, {a_cpu:.2f} s CPU, {n_all / a_mean:,.0f} files/s, "
        f"{size_all / 1e6 / a_mean:.1f} MB/s, peak RSS {peak_rss_mb(check(docs)):.0f} MB",
        "",
    ]

    small = OUT / "small" / "调研报告.md"
    small.parent.mkdir(exist_ok=True)
    small.write_text("# 调研报告\n\n## 引言\n\n本次调研……\n")
    ((s_mean, s_sd, _),) = hyperfine([shlex.join(check(small))], 10 if args.quick else 50, warmup=5)
    lines += [
        "## Start-up: one small file",
        "",
        f"{1000 * s_mean:.1f} ± {1000 * s_sd:.1f} ms wall (policy parsing and validation included)",
        "",
    ]

    lines += [
        "## Records: customer database (R1–R3)",
        "",
        "| rows | MB | wall (s) | CPU (s) | rows/s | peak RSS (MB) |",
        "|---|---|---|---|---|---|",
    ]
    sizes = [100_000, 250_000] if args.quick else [100_000, 250_000, 500_000, 1_000_000]
    for rows in sizes:
        csv = customers(rows)
        ((c_mean, c_sd, c_cpu),) = hyperfine([shlex.join(check(csv))], 3)
        lines.append(
            f"| {rows:,} | {csv.stat().st_size / 1e6:.0f} | {c_mean:.2f} ± {c_sd:.2f} | {c_cpu:.2f} "
            f"| {rows / c_mean:,.0f} | {peak_rss_mb(check(csv)):.0f} |"
        )
    lines.append("")

    lines += [
        "## Growth with the number of files",
        "",
        "| files | MB | wall (s) | files/s | peak RSS (MB) |",
        "|---|---|---|---|---|",
    ]
    counts = [1000, 4000] if args.quick else [2500, 10000, 40000]
    for count in counts:
        tree = corpus(count)
        k, ksize = tree_size(tree)
        ((g_mean, _, _),) = hyperfine([shlex.join(check(tree))], 3)
        lines.append(
            f"| {k:,} | {ksize / 1e6:.0f} | {g_mean:.2f} | {k / g_mean:,.0f} | {peak_rss_mb(check(tree)):.0f} |"
        )
    lines.append("")

    text = "\n".join(lines)
    (OUT / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
