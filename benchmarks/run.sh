#!/usr/bin/env bash
# Ingest and detect throughput of the release-built `netbar`, timed as a whole on a generated dump.
#
#   benchmarks/run.sh [SIZE] [SEED]        e.g. benchmarks/run.sh 1G 1
#
# For each input format: MB/s (decompressed text) and rows/s of `netbar ingest`, with --jobs 1 and 2,
# and peak resident memory; then the whole dump, and `netbar detect` on its database.
# Writes benchmarks/results/<size>-seed<seed>.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1G}"
seed="${2:-1}"
work="${NETBAR_BENCH_DIR:-/tmp/netbar-bench}"
scripts/setup.sh
swift build -c release >/dev/null
bin="$PWD/.build/release/netbar"
mkdir -p "$work" benchmarks/results
dump="$work/dump-$size-$seed"
if [ ! -d "$dump/dump" ]; then
    "$bin" generate --out "$dump" --venues 40 --seed "$seed" --size "$size" --quiet
fi
# One ingest to learn each file's format and text size from the run summary.
rm -f "$work/classify.db"*
"$bin" ingest "$dump/dump" --db "$work/classify.db" --summary-json "$work/classify.json" --quiet >/dev/null
python3 benchmarks/split.py "$work/classify.json" "$work/lists"
[ -s "$work/synth/sessions.csv" ] || python3 benchmarks/split.py --synth "$work/synth" 200
echo "$work/synth/sessions.csv" > "$work/lists/large-sessions"
echo "$work/synth/transactions.csv" > "$work/lists/large-transactions"

timed() {  # timed LABEL LISTFILE JOBS -> one table row
    local label="$1" list="$2" jobs="$3" db="$work/bench.db"
    rm -f "$db"*
    local start end pin=""
    # One job runs pinned to one core (parser and writer share it); two jobs get both cores.
    [ "$jobs" = 1 ] && pin="taskset -c 0"
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" $pin "$bin" ingest $(cat "$list") --db "$db" --jobs "$jobs" --quiet \
        --summary-json "$work/run.json" >/dev/null
    end=$(date +%s.%N)
    python3 benchmarks/split.py --row "$label" "$jobs" "$start" "$end" "$work/rss" "$work/run.json"
}

out="benchmarks/results/$size-seed$seed.md"
{
    echo "# netbar benchmark: $size dump, seed $seed"
    echo
    echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(swift --version 2>&1 | head -1)"
    echo "Command: \`benchmarks/run.sh $size $seed\` (release build, timed as a whole: read, decompress,"
    echo "decode, parse, batch and write to SQLite). MB/s counts decompressed text. jobs 1 runs pinned"
    echo "to one core with taskset (parser and writer share it); jobs 2 uses both cores. The dump's billing"
    echo "exports are small files (one a venue); large-sessions and large-transactions are one 200 MB"
    echo "export of each, written by benchmarks/split.py --synth, to measure the CSV parsers themselves."
    echo
    echo "| input | jobs | files | text MB | rows | wall s | MB/s | rows/s | peak RSS MB |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for format in audit-pipe audit-jsonl pubwin-sessions pubwin-transactions large-sessions large-transactions; do
        [ -s "$work/lists/$format" ] || continue
        for jobs in 1 2; do timed "$format" "$work/lists/$format" "$jobs"; done
    done
    for jobs in 1 2; do timed "whole dump" "$work/lists/all" "$jobs"; done
    # Detection over the whole dump's database (the last run above, with 2 jobs).
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$bin" detect --db "$work/bench.db" >"$work/detect.txt"
    end=$(date +%s.%N)
    echo
    echo "| detect (every detector, whole dump) | wall s | peak RSS MB |"
    echo "|---|---|---|"
    python3 -c "import sys; print(f'| {sys.argv[3]} findings | {float(sys.argv[2])-float(sys.argv[1]):.2f} | {int(open(sys.argv[4]).read().split()[-1])/1024:.0f} |')" \
        "$start" "$end" "$(sed -n 's/^Findings: //p' "$work/detect.txt")" "$work/rss"
} | tee "$out"
