#!/usr/bin/env bash
# One timed run of `netbar analyze` and one of its DuckDB peer on the same plain night (issue #8).
#
#   benchmarks/peer/run.sh NETBAR_BINARY NIGHT_DIR
#
# NIGHT_DIR is what `netbar generate --plain` writes: dump/, registry/, signatures/. Each side is timed as a
# whole process under /usr/bin/time (wall seconds, peak RSS); the night's files are read once beforehand so
# that both read from the page cache. Prints a markdown table and the finding-by-finding agreement.
set -euo pipefail
DUCKDB_VERSION=2.0.1
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 NETBAR_BINARY NIGHT_DIR" >&2; exit 1; }
netbar="$(realpath "$1")"
night="$(realpath "$2")"
for sub in dump registry signatures; do
    [ -d "$night/$sub" ] || { echo "$night/$sub is missing (expected netbar generate --plain output)" >&2; exit 1; }
done
if [ "$(python3 -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null)" != "$DUCKDB_VERSION" ]; then
    python3 -m pip install --quiet "duckdb==$DUCKDB_VERSION"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
find "$night/dump" -type f -exec cat {} + >/dev/null  # warm the page cache for both

/usr/bin/time -f '%e %M' -o "$work/netbar.time" \
    "$netbar" analyze "$night/dump" --registry "$night/registry" --signatures "$night/signatures" \
    --db "$work/netbar.db" --findings "$work/netbar.jsonl" --quiet >"$work/netbar.out"
/usr/bin/time -f '%e %M' -o "$work/peer.time" \
    python3 "$here/peer.py" "$night/dump" --registry "$night/registry" --signatures "$night/signatures" \
    --findings "$work/peer.jsonl" 2>"$work/peer.log"

python3 - "$night/dump" "$work" "$DUCKDB_VERSION" "$netbar" <<'EOF'
import os, sys
dump, work, version, netbar = sys.argv[1:5]
text = sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(dump) for name in names)
megabytes = text / 1e6
rows = {}
for side in ("netbar", "peer"):
    wall, rss = open(os.path.join(work, side + ".time")).read().split()[-2:]
    with open(os.path.join(work, side + ".jsonl"), encoding="utf-8") as handle:
        findings = sum(1 for line in handle if line.strip())
    rows[side] = (float(wall), int(rss) / 1024, findings)
print(f"Night: {dump} ({megabytes:.0f} MB of text, {sum(len(n) for _, _, n in os.walk(dump))} files); "
      f"netbar: {netbar}; peer: DuckDB {version}, Python {sys.version.split()[0]}; {os.cpu_count()} cores")
print()
print("| tool | wall s | peak RSS MB | findings | text MB | MB/s |")
print("|---|---|---|---|---|---|")
for side, label in (("netbar", "netbar analyze"), ("peer", "DuckDB peer")):
    wall, rss, findings = rows[side]
    print(f"| {label} | {wall:.2f} | {rss:.0f} | {findings} | {megabytes:.0f} | {megabytes / wall:.1f} |")
(nw, nr, _), (pw, pr, _) = rows["netbar"], rows["peer"]
print(f"| ratio peer / netbar | {pw / nw:.2f} | {pr / nr:.2f} | | | {nw / pw:.2f} |")
EOF
echo
echo "Peer phases (seconds):"
sed 's/^/    /' "$work/peer.log"
echo
echo "Agreement (compare.py netbar peer):"
python3 "$here/compare.py" "$work/netbar.jsonl" "$work/peer.jsonl" | sed 's/^/    /' || true
