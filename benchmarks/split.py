#!/usr/bin/env python3
"""Helpers of benchmarks/run.sh: split a dump's files by format, and format one result row."""
import json
import os
import sys

if sys.argv[1] == "--row":
    label, jobs, start, end, rss_path, summary_path = sys.argv[2:8]
    summary = json.load(open(summary_path))
    files = summary["files"]
    text = sum(f["bytes"] for f in files)
    rows = sum(f["rows"] for f in files)
    wall = float(end) - float(start)
    rss = int(open(rss_path).read().split()[-1]) / 1024
    print(f"| {label} | {jobs} | {len(files)} | {text / 1e6:.0f} | {rows} | {wall:.2f} | "
          f"{text / 1e6 / wall:.0f} | {rows / wall:,.0f} | {rss:.0f} |")
    sys.exit(0)

summary = json.load(open(sys.argv[1]))
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
lists = {}
for f in summary["files"]:
    if f["status"] != "ingested" or not f["format"]:
        continue
    lists.setdefault(f["format"], []).append(f["path"])
    lists.setdefault("all", []).append(f["path"])
for name, paths in lists.items():
    with open(os.path.join(out, name), "w") as handle:
        handle.write("\n".join(paths) + "\n")
