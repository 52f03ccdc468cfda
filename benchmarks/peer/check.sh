#!/usr/bin/env bash
# The labelled check of the DuckDB peer (issue #8): on labelled plain nights, the peer must find what netbar
# finds (same detector, venue, terminal, cert, address, and the same start and end) and score like netbar
# against the night's truth.jsonl (samples/check.py).
#
#   benchmarks/peer/check.sh NETBAR_BINARY [SEED...]        (seeds 7 and 11 by default)
#
# Each night is `netbar generate --plain --anomalies --venues 12 --seed SEED`. Exit status 1 when the peer
# disagrees with netbar or fails check.py on any night.
set -euo pipefail
DUCKDB_VERSION=2.0.1
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 NETBAR_BINARY [SEED...]" >&2; exit 1; }
netbar="$(realpath "$1")"
shift
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(7 11)
if [ "$(python3 -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null)" != "$DUCKDB_VERSION" ]; then
    python3 -m pip install --quiet "duckdb==$DUCKDB_VERSION"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo '{"files": []}' >"$work/no-files.json"  # the peer keeps no per-file line counts for check.py to verify
status=0
for seed in "${seeds[@]}"; do
    night="$work/seed$seed"
    "$netbar" generate --plain --anomalies --venues 12 --seed "$seed" --out "$night" --quiet >/dev/null
    "$netbar" analyze "$night/dump" --registry "$night/registry" --signatures "$night/signatures" \
        --db "$work/seed$seed.db" --findings "$work/netbar$seed.jsonl" --summary-json "$work/netbar$seed.json" \
        --reveal-certs --quiet >/dev/null
    python3 "$here/peer.py" "$night/dump" --registry "$night/registry" --signatures "$night/signatures" \
        --findings "$work/peer$seed.jsonl" 2>/dev/null
    echo "## seed $seed"
    echo "netbar vs truth: $(python3 "$here/../../samples/check.py" "$night/truth.jsonl" "$work/netbar$seed.jsonl" \
        "$work/netbar$seed.json" | head -1)"
    if ! peer_score="$(python3 "$here/../../samples/check.py" "$night/truth.jsonl" "$work/peer$seed.jsonl" \
        "$work/no-files.json")"; then
        status=1
    fi
    echo "peer vs truth:   $(echo "$peer_score" | head -1)"
    echo "$peer_score" | tail -n +2
    python3 "$here/compare.py" "$work/netbar$seed.jsonl" "$work/peer$seed.jsonl" || status=1
    echo
done
exit $status
