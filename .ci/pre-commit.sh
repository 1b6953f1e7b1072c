#!/usr/bin/env bash
# The pre-commit hook, tested with the real pre-commit tool: in a scratch git repository, a
# compliant deliverable passes and a violating one is rejected with bylaw's diagnostics.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python3 -m pip install --quiet --disable-pip-version-check pre-commit
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
git init -q
git config user.email ci@example.com
git config user.name ci
cp "$repo/policies/tests/documents/d01-research-report/compliant-zh_市场调研报告.md" ok_调研报告.md
cp "$repo/policies/tests/documents/d01-research-report/violating-missing-conclusion_调研报告.md" bad_调研报告.md
git add ok_调研报告.md bad_调研报告.md

echo "-- compliant file: expected to pass"
python3 -m pre_commit try-repo "$repo" bylaw --files ok_调研报告.md

echo "-- violating file: expected to be rejected"
set +e
python3 -m pre_commit try-repo "$repo" bylaw --files bad_调研报告.md > out.txt 2>&1
code=$?
set -e
cat out.txt
if [ "$code" -eq 0 ]; then
  echo "pre-commit accepted a violating file"
  exit 1
fi
grep -q "research report has no conclusion" out.txt || { echo "bylaw's diagnostic is missing"; exit 1; }
echo "pre-commit hook: ok"
