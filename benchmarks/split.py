#!/usr/bin/env python3
"""Helpers of benchmarks/run.sh: split a dump's files by format, and format one result row."""
import json
import os
import sys

if sys.argv[1] == "--synth":
    # A large billing export of each kind: real dumps split billing per venue into small files, so the
    # per-format figures would mostly measure per-file costs; these measure the parsers.
    out, megabytes = sys.argv[2], int(sys.argv[3])
    import random
    rng = random.Random(1)
    names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴珅"]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sessions.csv"), "w", encoding="utf-8") as handle:
        handle.write("上机记录查询,导出时间:2026-11-29 06:00:03\n")
        handle.write("记录号,场所编码,卡号,用户类型,证件类型,证件号码,姓名,终端号,IP地址,上机时间,下机时间,上网时长,消费金额,收银员,结账方式,备注\n")
        written, record = 0, 0
        while written < megabytes * 1_000_000:
            record += 1
            start = 8 * 3600 + rng.randrange(14 * 3600)
            length = 600 + rng.randrange(4 * 3600)
            end = start + length
            def clock(t):
                return f"2026-11-28 {t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
            line = (f"{record},3301061000{record % 400:04d},C{record % 90000:05d},会员,111,"
                    f"330106199{rng.randrange(10)}0{rng.randrange(1, 10)}1{rng.randrange(10)}{rng.randrange(1000):03d}X,"
                    f"{rng.choice(names)},{rng.randrange(1, 120):03d},192.168.1.{rng.randrange(2, 250)},{clock(start)},{clock(end)},"
                    f"{length // 3600}小时{length // 60 % 60}分,{length / 1800:.2f},收银员{record % 5},正常,\n")
            handle.write(line)
            written += len(line.encode())
    with open(os.path.join(out, "transactions.csv"), "w", encoding="utf-8") as handle:
        handle.write("流水号,场所编码,交易时间,交易类型,卡号,证件号码,金额,余额,收银员,终端号,备注\n")
        written, serial = 0, 0
        kinds = ["充值", "上机", "下机", "结账", "商品"]
        while written < megabytes * 1_000_000:
            serial += 1
            t = 8 * 3600 + rng.randrange(16 * 3600)
            line = (f"T{serial},3301061000{serial % 400:04d},2026-11-28 {t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d},"
                    f"{rng.choice(kinds)},C{serial % 90000:05d},330106199001011234,{rng.randrange(1, 100)}.00,"
                    f"{rng.randrange(0, 500)}.50,收银员{serial % 5},{rng.randrange(1, 120):03d},\n")
            handle.write(line)
            written += len(line.encode())
    sys.exit(0)

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
