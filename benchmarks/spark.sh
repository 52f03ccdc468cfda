#!/usr/bin/env bash
# Issue #9: the Spark job (local[2]) against analyze on the same night and cores; Parquet size against the
# compressed input; the scan's own cost.
#   benchmarks/spark.sh SIZE [ROUNDS]      e.g. benchmarks/spark.sh 1G 2
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size="${1:-300M}"
rounds="${2:-2}"
netbar="$root/.build/release/netbar"
(cd "$root" && swift build -c release >&2)
work="${TMPDIR:-/tmp}/netbar-spark-bench"
night="$work/g$size"
mkdir -p "$work"
[ -d "$night" ] || "$netbar" generate --out "$night" --size "$size" --seed 1 --quiet
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
input=$(du -sb "$night/dump" | cut -f1)
echo "| round | analyze s | analyze --parquet s | scan s | spark-analyze (local[2], 2 partitions) s | input bytes (compressed) | Parquet bytes |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq "$rounds"); do
    rm -rf "$night/apq" "$night/out"
    a=$(seconds "$netbar" analyze "$night/dump" --registry "$night/registry" --quiet)
    ap=$(seconds "$netbar" analyze "$night/dump" --registry "$night/registry" --parquet "$night/apq" --quiet)
    sc=$(seconds "$netbar" scan "$night/dump")
    sp=$(seconds env NETBAR="$netbar" "$root/scripts/spark-analyze.sh" "$night/dump" --registry "$night/registry" \
        --out "$night/out" --partitions 2)
    echo "| $round | $a | $ap | $sc | $sp | $input | $(du -sb "$night/apq" | cut -f1) |"
done
