#!/usr/bin/env bash
# The main job on the sample dump: set-up, a release build, then `netbar analyze` with the sample registry.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release
out="${NETBAR_OUT:-/tmp/netbar-samples}"
rm -rf "$out" && mkdir -p "$out"
.build/release/netbar analyze samples/dump samples/bad-input --registry samples/registry --signatures samples/signatures \
    --db "$out/netbar.db" --findings "$out/findings.jsonl" --summary-json "$out/summary.json" --html "$out/report.html" \
    --inspection "$out/inspection.html" --notice "$out/notice.html"
echo "findings: $out/findings.jsonl   summary: $out/summary.json   report: $out/report.html"
echo "inspection sheets: $out/inspection.html   notice drafts: $out/notice.html"
