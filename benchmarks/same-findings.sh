#!/usr/bin/env bash
# Same findings before and after a change made for speed (issue 8): analyses each labelled night with both
# binaries, at --jobs 1 and --jobs 2, and compares the findings JSON Lines byte for byte, then scores the new
# binary's findings against the night's truth.jsonl.
#
#   benchmarks/same-findings.sh OLD_BINARY NEW_BINARY NIGHT_DIR...
#
# A NIGHT_DIR is a `netbar generate --anomalies --out NIGHT_DIR` folder. Exit status 1 on any difference.
set -euo pipefail
old="$1" new="$2"
shift 2
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for night in "$@"; do
    for jobs in 1 2; do
        for which in old new; do
            binary="${!which}"
            "$binary" analyze "$night/dump" --registry "$night/registry" --signatures "$night/signatures" \
                --db "$work/$which.db" --findings "$work/$which.jsonl" --summary-json "$work/$which.json" \
                --reveal-certs --jobs "$jobs" --quiet >/dev/null
            rm -f "$work/$which.db"*
        done
        if cmp -s "$work/old.jsonl" "$work/new.jsonl"; then
            echo "same: $night --jobs $jobs ($(wc -l <"$work/new.jsonl") findings)"
        else
            echo "DIFFERENT: $night --jobs $jobs"
            diff <(sort "$work/old.jsonl") <(sort "$work/new.jsonl") | head -20
            status=1
        fi
        if [ -s "$night/truth.jsonl" ]; then
            python3 "$here/samples/check.py" "$night/truth.jsonl" "$work/new.jsonl" "$work/new.json" | tail -1
        fi
    done
done
exit $status
