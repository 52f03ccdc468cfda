#!/usr/bin/env bash
# Same store before and after a change made for speed (issue 8): ingests one night with each binary and
# compares every file's status and line accounting, then each table's rows (md5 of the sorted rows).
#
#   benchmarks/same-store.sh OLD_BINARY NEW_BINARY NIGHT_DIR
set -euo pipefail
old=$1 new=$2 night=$3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for which in old new; do
    "${!which}" ingest "$night/dump" --db "$work/ss-$which.db" --summary-json "$work/ss-$which.json" --quiet >/dev/null
done
python3 - "$work" <<'P'
import json, sys
work = sys.argv[1]
def key(p): 
    d=json.load(open(p)); return sorted((f['path'],f.get('status'),f.get('lines'),f.get('rows'),f.get('quarantined'),f.get('skipped'),f.get('encoding'),json.dumps(f.get('quarantined_by_reason',f.get('reasons')),sort_keys=True)) for f in d['files'])
a=key(work + '/ss-old.json'); b=key(work + '/ss-new.json')
print('files', len(a), 'same' if a == b else 'DIFFERENT')
for x, y in zip(a, b):
    if x != y:
        print(x); print(y); sys.exit(1)
P
status=0
# auditEvent by its columns: before schema 8 it was a table with a rowid, since a view over segments.
events="venue, time, kind, terminal, ip, mac, certType, cert, name, text, md5, code, dstIp, dstPort, bytesUp, bytesDown, fileId, line"
for table in symbol auditEvent pulseRun session billingTransaction realnameSession quarantinedRow terminalAddress venueCoverage; do
    columns='*'
    [ "$table" = auditEvent ] && columns=$events
    a=$(sqlite3 "$work/ss-old.db" "SELECT $columns FROM $table" | sort | md5sum | cut -c1-16)
    b=$(sqlite3 "$work/ss-new.db" "SELECT $columns FROM $table" | sort | md5sum | cut -c1-16)
    rows=$(sqlite3 "$work/ss-new.db" "SELECT count(*) FROM $table")
    if [ "$a" = "$b" ]; then echo "same: $table ($rows rows)"; else echo "DIFFERENT: $table"; status=1; fi
done
exit $status
