#!/usr/bin/env python3
"""Before and after: `netbar ingest` of two binaries on the same inputs, runs interleaved, medians reported.

usage: benchmarks/compare.py OLD_BINARY NEW_BINARY LISTS_DIR [RUNS]

LISTS_DIR is the folder of file lists benchmarks/run.sh leaves (one file per input kind, one path a line;
`$NETBAR_BENCH_DIR/lists`, by default /tmp/netbar-bench/lists). Each list is ingested into a fresh database by
each binary in turn, RUNS times (default 3), with --jobs 2 on both cores and with --jobs 1 pinned to core 0;
wall time and CPU time (user + system, from the kernel's rusage) are reported as medians, with the rows each
binary read (they must agree: a faster binary that reads less is no win). Timing never goes in a test; this
is for benchmarks/README.md.
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def ingest(binary, files, jobs, work):
    database = os.path.join(work, "compare.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)
    summary = os.path.join(work, "compare.json")
    command = [binary, "ingest", *files, "--db", database, "--jobs", str(jobs), "--quiet", "--summary-json", summary]
    if jobs == 1:
        command = ["taskset", "-c", "0", *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = json.load(open(summary))
    rows = sum(f["rows"] for f in result["files"])
    text = sum(f["bytes"] for f in result["files"])
    return wall, cpu, rows, text


def main():
    old, new, lists = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    work = tempfile.mkdtemp(prefix="netbar-compare-")
    print(f"Old: `{old}`  New: `{new}`  ({runs} runs each, interleaved; medians)\n")
    print("| input | jobs | text MB | rows old / new | wall s old | wall s new | change | CPU s old | CPU s new | change |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in ["audit-pipe", "audit-jsonl", "large-sessions", "large-transactions", "all"]:
        path = os.path.join(lists, name)
        if not os.path.exists(path):
            continue
        files = [line.strip() for line in open(path) if line.strip()]
        for jobs in (2, 1):
            measured = {old: [], new: []}
            for _ in range(runs):
                for binary in (old, new):
                    measured[binary].append(ingest(binary, files, jobs, work))
            def median(binary, index):
                return statistics.median(run[index] for run in measured[binary])
            rows_old, rows_new = measured[old][0][2], measured[new][0][2]
            text = measured[new][0][3] / 1e6
            wall_old, wall_new = median(old, 0), median(new, 0)
            cpu_old, cpu_new = median(old, 1), median(new, 1)
            print(f"| {'whole dump' if name == 'all' else name} | {jobs} | {text:.0f} | {rows_old} / {rows_new} | "
                  f"{wall_old:.2f} | {wall_new:.2f} | {100 * (wall_new / wall_old - 1):+.1f} % | "
                  f"{cpu_old:.2f} | {cpu_new:.2f} | {100 * (cpu_new / cpu_old - 1):+.1f} % |", flush=True)


if __name__ == "__main__":
    main()
