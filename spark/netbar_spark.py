#!/usr/bin/env python3
"""netbar on Apache Spark: one night's dump analysed by groups of venues on the executors, joined on the driver.

Run through scripts/spark-analyze.sh (spark-submit). What happens:

1. The driver lists the night's files in the order `netbar analyze` reads them (`netbar scan --list`).
2. The executors scan them (`netbar scan`: the same parsers as an ingest, nothing stored): each file's venues, its
   rows by day and its latest time. From the scans the driver names the night and the end of the dump's data exactly
   as one `analyze` of the whole dump would (duplicate files counted once).
3. Venues are dealt to N partitions, the largest first to the least loaded; each partition is one `netbar analyze`
   on an executor, over the files that hold its venues, judging only its venues (`--venue`), with the night and the
   data end of the whole dump, and leaving id-sharing's cross-venue overlap rule out (`--id-sessions`).
4. The driver joins every partition's sessions with a cert in Spark SQL (the cross-venue part of id-sharing: a cert
   with sessions that overlap in two venues, or on two terminals) and has `netbar id-overlap` write those certs'
   findings as one run would. It adds the multi-night rule (`cert-multi-venue`: one cert in ≥ 3 venues within 7
   days, over the sessions kept in DIR/parquet/identity_sessions by earlier nights).
5. DIR/findings.jsonl: the findings, as `analyze --findings` writes them; DIR/parquet/: the tables, as
   `analyze --parquet` writes them, plus identity_sessions (the history of the multi-night rule).

The binary reaches the executors with the job (SparkContext.addFile); inputs, registry, signatures and DIR must be
paths every executor can read (a shared file system) on a cluster.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

SEVERITY_RANK = {"high": 2, "medium": 1, "low": 0}
CHINA = datetime.timezone(datetime.timedelta(hours=8))
NIGHT_ONLY_TABLES = {"quarantine": ["path", "line"], "files": ["path"]}
# Written by the driver from the joined findings (the groups lack id-sharing's cross-venue findings).
DRIVER_TABLES = {"findings", "finding_evidence"}
MULTI_VENUE = "cert-multi-venue"


class OneLineParser(argparse.ArgumentParser):
    """A usage error is one line and exit status 1, as netbar's own."""

    def error(self, message):
        sys.stderr.write(f"spark-analyze: {message}\n")
        sys.exit(1)


def arguments():
    parser = OneLineParser(prog="spark-analyze", description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", help="files or directories of one night's dump")
    parser.add_argument("--registry", help="registry directory (venues.csv, terminals.csv)")
    parser.add_argument("--signatures", help="signature lists directory")
    parser.add_argument("--config", help="detector thresholds, YAML")
    parser.add_argument("--out", required=True, help="output directory: findings.jsonl and parquet/")
    parser.add_argument("--partitions", type=int, default=2, help="groups of venues run at once (default 2)")
    parser.add_argument("--netbar", required=True, help="the netbar binary (shipped to the executors)")
    parser.add_argument("--night", help="name the night (YYYY-MM-DD) instead of taking it from the data")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of summaries")
    parser.add_argument("--reveal-certs", action="store_true", help="certificate numbers in full in findings.jsonl")
    parser.add_argument("--window-days", type=int, default=7, help="cert-multi-venue: days of history (default 7)")
    parser.add_argument("--min-venues", type=int, default=3, help="cert-multi-venue: venues a cert is seen in (default 3)")
    parser.add_argument("--check-arguments", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.partitions < 1:
        parser.error("--partitions must be at least 1")
    if options.window_days < 1 or options.min_venues < 2:
        parser.error("--window-days must be at least 1 and --min-venues at least 2")
    for option in ("registry", "signatures", "config"):
        path = getattr(options, option)
        if path and not os.path.exists(path):
            parser.error(f"--{option} '{path}' does not exist")
    if options.check_arguments:
        sys.exit(0)
    return options


def executor_binary():
    """The netbar binary shipped with the job, made executable where the executor put it."""
    from pyspark import SparkFiles
    path = SparkFiles.get("netbar")
    if not os.access(path, os.X_OK):
        os.chmod(path, 0o755)
    return path


def run(command):
    result = subprocess.run(command, capture_output=True)
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8", "replace")


def scan_partition(items):
    """Executor: `netbar scan` over a slice of the files, each result with its file's rank."""
    items = list(items)
    if not items:
        return []
    code, output, errors = run([executor_binary(), "scan", "--jobs", "1"] + [path for _, path in items])
    if code != 0:
        raise RuntimeError(f"netbar scan failed ({code}): {errors.strip()}")
    scans = [json.loads(line) for line in output.splitlines() if line]
    if len(scans) != len(items):
        raise RuntimeError(f"netbar scan gave {len(scans)} results for {len(items)} files")
    return [dict(scan, rank=rank) for (rank, _), scan in zip(items, scans)]


def night_and_end(scans):
    """The night and data end one `analyze` would take: rows by day and latest times of the files it keeps (a file
    with the content of an earlier one is a duplicate and counts once)."""
    seen, days, end = set(), {}, None
    for scan in sorted(scans, key=lambda s: s["rank"]):
        if scan["content_hash"] in seen or not scan["venues"] and not scan["days"]:
            continue
        seen.add(scan["content_hash"])
        for day, rows in scan["days"].items():
            days[day] = days.get(day, 0) + rows
        if scan["data_end"] is not None:
            end = scan["data_end"] if end is None else max(end, scan["data_end"])
    # Most rows; a tie goes to the later day (the store's ORDER BY total DESC, day DESC).
    night = max(days.items(), key=lambda item: (item[1], item[0]))[0] if days else None
    return night, end


def deal(scans, partitions):
    """Venues to partitions, the largest (bytes of its files) first to the least loaded; files without a venue go
    to the first partition. Returns [(venues, file ranks)] per partition."""
    files_of, bytes_of = {}, {}
    venueless = []
    for scan in scans:
        if not scan["venues"]:
            venueless.append(scan["rank"])
        for venue in scan["venues"]:
            files_of.setdefault(venue, []).append(scan["rank"])
            bytes_of[venue] = bytes_of.get(venue, 0) + scan["bytes"]
    loads = [0] * partitions
    groups = [(set(), set()) for _ in range(partitions)]
    for venue in sorted(files_of, key=lambda v: (-bytes_of[v], v)):
        target = min(range(partitions), key=lambda p: (loads[p], p))
        loads[target] += bytes_of[venue]
        groups[target][0].add(venue)
        groups[target][1].update(files_of[venue])
    groups[0][1].update(venueless)
    return [(sorted(venues), sorted(ranks)) for venues, ranks in groups if ranks]


def analyze_partition(specs, broadcast):
    """Executor: one `netbar analyze` per group of venues; returns its findings and its sessions with a cert."""
    settings = broadcast.value
    results = []
    for index, venues, paths in specs:
        work = tempfile.mkdtemp(prefix=f"netbar-spark-{index}-")
        try:
            command = [executor_binary(), "analyze", *paths, "--db", f"{work}/netbar.db", "--quiet",
                       "--reveal-certs", "--findings", f"{work}/findings.jsonl", "--id-sessions",
                       f"{work}/sessions.jsonl", "--parquet", f"{settings['parts']}/p{index}", "--lang",
                       settings["lang"]]
            for venue in venues:
                command += ["--venue", venue]
            if settings["night"]:
                command += ["--night", settings["night"]]
            if settings["data_end"] is not None:
                command += ["--data-end", str(settings["data_end"])]
            for option in ("registry", "signatures", "config"):
                if settings[option]:
                    command += [f"--{option}", settings[option]]
            code, _, errors = run(command)
            if code == 2:  # nothing readable in this group's files: no findings, nothing to join
                continue
            if code != 0:
                raise RuntimeError(f"netbar analyze of group {index} failed ({code}): {errors.strip()}")
            with open(f"{work}/findings.jsonl", encoding="utf-8") as handle:
                results += [("finding", line) for line in handle.read().splitlines() if line]
            # The other language's summaries, for the findings table (it keeps both, as the database does).
            other = "en" if settings["lang"] == "zh" else "zh"
            code, output, errors = run([executor_binary(), "report", "--db", f"{work}/netbar.db", "--kind", "jsonl",
                                        "--reveal-certs", "--lang", other])
            if code != 0:
                raise RuntimeError(f"netbar report of group {index} failed ({code}): {errors.strip()}")
            results += [("other", line) for line in output.splitlines() if line]
            with open(f"{work}/sessions.jsonl", encoding="utf-8") as handle:
                results += [("session", line) for line in handle.read().splitlines() if line]
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return results


def start_seconds(text):
    return int(datetime.datetime.fromisoformat(text).timestamp())


def key_of(finding):
    """The finding's identity as netbar forms it (detector|venue|terminal|cert|start[|address])."""
    key = "|".join([finding["detector"], finding["venue"], finding.get("terminal", ""), finding.get("cert", ""),
                    str(start_seconds(finding["start"]))])
    return key + (f"|{finding['address']}" if "address" in finding else "")


def identifier(key):
    """netbar's finding id: FNV-1a (64 bits) of the key, 16 hex digits."""
    value = 0xCBF29CE484222325
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def mask(cert):
    """First 6 and last 4 characters kept; shorter numbers proportionally less (EvidenceMasking.maskCert)."""
    count = len(cert)
    head, tail = (6, 4) if count >= 14 else (count // 3, count // 4)
    if count <= head + tail:
        return "*" * count
    return cert[:head] + "*" * (count - head - tail) + cert[count - tail:]


def iso(seconds):
    return datetime.datetime.fromtimestamp(seconds, CHINA).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def json_text(value):
    """A JSON string as netbar writes one (non-ASCII kept as is)."""
    return json.dumps(value, ensure_ascii=False)


def render(finding, reveal):
    """One line of findings.jsonl, keys in the contract's order (FindingsRenderer.jsonLines)."""
    parts = [f'"detector":{json_text(finding["detector"])}', f'"severity":{json_text(finding["severity"])}',
             f'"venue":{json_text(finding["venue"])}']
    if finding.get("terminal"):
        parts.append(f'"terminal":{json_text(finding["terminal"])}')
    if finding.get("cert"):
        parts.append(f'"cert":{json_text(finding["cert"] if reveal else mask(finding["cert"]))}')
    if "address" in finding:
        parts.append(f'"address":{json_text(finding["address"])}')
    parts.append(f'"start":{json_text(finding["start"])},"end":{json_text(finding["end"])}')
    parts.append(f'"night":{json_text(finding["night"]) if finding["night"] is not None else "null"}')
    parts.append(f'"seen_before":{finding["seen_before"]},"summary":{json_text(finding["summary"])}')
    evidence = ",".join(f'{{"file":{json_text(e["file"])},"line":{e["line"]}}}' for e in finding["evidence"])
    parts.append(f'"evidence":[{evidence}],"id":{json_text(finding["id"])}')
    return "{" + ",".join(parts) + "}"


def multi_venue_findings(spark, history_path, night, window_days, min_venues, lang, file_rank):
    """cert-multi-venue: a cert with sessions in at least `min_venues` venues within `window_days` nights ending
    tonight, and a session tonight. One finding per venue (at its earliest session there, as id-sharing's overlap
    findings are), evidence: the cert's sessions in the window."""
    from pyspark.sql import functions as F
    first = (datetime.date.fromisoformat(night) - datetime.timedelta(days=window_days - 1)).isoformat()
    history = (spark.read.option("basePath", history_path).parquet(history_path)
               .where((F.col("night") >= first) & (F.col("night") <= night)))
    history.createOrReplaceTempView("identity_history")
    certs = spark.sql(f"""
        SELECT cert FROM identity_history GROUP BY cert
        HAVING count(DISTINCT venue) >= {int(min_venues)} AND max(night) = '{night}'""")
    rows = (history.join(certs, "cert")
            .select("cert", "venue", "terminal", "start", "end", "file", "line", "night").collect())
    by_cert = {}
    for row in rows:
        by_cert.setdefault(row["cert"], []).append(row)
    findings = []
    for cert, sessions in by_cert.items():
        venues = sorted({s["venue"] for s in sessions})
        nights = sorted({s["night"] for s in sessions})
        # Evidence in the order netbar gives it: tonight's files by their place in the dump, earlier nights' first.
        evidence = sorted({(s["file"], s["line"], s["night"]) for s in sessions},
                          key=lambda e: (e[2], file_rank.get(e[0], -1), e[0], e[1]))
        for venue in venues:
            here = sorted((s for s in sessions if s["venue"] == venue),
                          key=lambda s: (s["start"], s["end"], s["terminal"]))
            start = here[0]["start"]
            end = max(s["end"] for s in here)
            listed = "、".join(venues) if lang == "zh" else ", ".join(venues)
            summary = (f"同一证件 {window_days} 天内在 {len(venues)} 个场所上机（{listed}），共 {len(sessions)} 条上机记录，"
                       f"涉及 {len(nights)} 个营业日，疑似身份证冒用/公卡流转。" if lang == "zh" else
                       f"One cert was used in {len(venues)} venues within {window_days} days ({listed}): "
                       f"{len(sessions)} sessions on {len(nights)} nights.")
            finding = {"detector": MULTI_VENUE, "severity": "medium", "venue": venue,
                       "terminal": here[0]["terminal"] or None, "cert": cert, "start": iso(start), "end": iso(end),
                       "night": night, "seen_before": 0, "summary": summary,
                       "evidence": [{"file": f, "line": l} for f, l, _ in evidence]}
            if finding["terminal"] is None:
                del finding["terminal"]
            finding["id"] = identifier(key_of(finding))
            findings.append(finding)
    return findings


def move_partitions(parts, parquet, night):
    """Each group's Parquet folders of venue tables into DIR/parquet (a venue is in one group only); tonight's
    folders of an earlier run are replaced whole, as `netbar export` replaces them."""
    night_folder = f"night={night}"
    tables = set()
    for group in sorted(os.listdir(parts)):
        for table in os.listdir(f"{parts}/{group}"):
            if table not in NIGHT_ONLY_TABLES and table not in DRIVER_TABLES:
                tables.add(table)
    for table in tables:
        shutil.rmtree(f"{parquet}/{table}/{night_folder}", ignore_errors=True)
    for group in sorted(os.listdir(parts)):
        for table in tables:
            source = f"{parts}/{group}/{table}/{night_folder}"
            if not os.path.isdir(source):
                continue
            target = f"{parquet}/{table}/{night_folder}"
            os.makedirs(target, mode=0o700, exist_ok=True)
            for venue in os.listdir(source):
                os.rename(f"{source}/{venue}", f"{target}/{venue}")


def merge_night_tables(spark, parts, parquet, night):
    """The tables of nights alone (files, quarantine): every group wrote the files it read, and a file holding
    venues of two groups was read by both; one row per file (and line) is kept."""
    for table, unique in NIGHT_ONLY_TABLES.items():
        sources = [f"{parts}/{group}/{table}" for group in sorted(os.listdir(parts))
                   if os.path.isdir(f"{parts}/{group}/{table}/night={night}")]
        target = f"{parquet}/{table}/night={night}"
        shutil.rmtree(target, ignore_errors=True)
        if not sources:
            continue
        frame = None
        for source in sources:
            part = spark.read.parquet(f"{source}/night={night}")
            frame = part if frame is None else frame.unionByName(part)
        (frame.dropDuplicates(unique).coalesce(1).write.mode("overwrite")
         .option("compression", "zstd").parquet(target))


def write_findings_tables(spark, findings, other_summaries, lang, parquet, night):
    """The findings and their evidence as Parquet, the columns `netbar export` writes (certs whole, both
    languages), partitioned by night and venue."""
    from pyspark.sql import functions as F
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp()) * 1_000_000
    rows, evidence = [], []
    for f in findings:
        mine, theirs = f["summary"], other_summaries.get(f["id"])
        english, chinese = (theirs, mine) if lang == "zh" else (mine, theirs)
        rows.append((f["id"], f["detector"], f["severity"], f.get("terminal"), f.get("cert"), f.get("address"),
                     start_seconds(f["start"]) * 1_000_000, start_seconds(f["end"]) * 1_000_000, english or mine,
                     chinese, now, now, len(f["evidence"]), f["night"] or "unknown", f["venue"]))
        evidence += [(f["id"], e["file"], e["line"], f["night"] or "unknown", f["venue"]) for e in f["evidence"]]
    for table, data, schema in [
        ("findings", rows, "id string, detector string, severity string, terminal string, cert string, "
                           "address string, start_time long, end_time long, summary string, summary_zh string, "
                           "first_seen_at long, last_seen_at long, evidence_lines long, night string, venue string"),
        ("finding_evidence", evidence, "finding_id string, path string, line long, night string, venue string"),
    ]:
        target = f"{parquet}/{table}"
        shutil.rmtree(f"{target}/night={night}", ignore_errors=True)
        if not data:
            continue
        frame = spark.createDataFrame(data, schema)
        for column in ("start_time", "end_time", "first_seen_at", "last_seen_at"):
            if column in frame.columns:
                frame = frame.withColumn(column, F.timestamp_micros(F.col(column)))
        (frame.repartition("venue").write.mode("append").partitionBy("night", "venue")
         .option("compression", "zstd").parquet(target))


def main():
    options = arguments()
    from pyspark.sql import SparkSession, functions as F
    spark = (SparkSession.builder.appName("netbar")
             # Shuffles sized to the job (the default 200 tasks cost more than a small night's join itself).
             .config("spark.sql.shuffle.partitions", str(max(8, options.partitions * 4)))
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
             .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    context = spark.sparkContext
    netbar = os.path.abspath(options.netbar)
    context.addFile(netbar)
    out = os.path.abspath(options.out)
    os.makedirs(out, mode=0o700, exist_ok=True)
    parquet = f"{out}/parquet"
    work = tempfile.mkdtemp(prefix=".spark-", dir=out)
    parts = f"{work}/parts"
    os.makedirs(parts)
    absolute = lambda path: os.path.abspath(path) if path else None

    import time
    clock = [("start", time.monotonic())]

    def lap(name):
        clock.append((name, time.monotonic()))

    # 1-2. The files in analyze's order; their venues, days and latest times from the executors.
    code, listing, errors = run([netbar, "scan", "--list", *options.inputs])
    if code != 0:
        sys.exit(f"spark-analyze: {errors.strip()}")
    paths = [json.loads(line) for line in listing.splitlines() if line]
    if not paths:
        sys.exit("spark-analyze: no input file")
    file_rank = {path: rank for rank, path in enumerate(paths)}
    scans = (context.parallelize(list(enumerate(paths)), min(len(paths), max(options.partitions, 1) * 4))
             .mapPartitions(scan_partition).collect())
    lap("scan")
    night, data_end = night_and_end(scans)
    night = options.night or night
    if night is None:
        sys.exit("spark-analyze: no dated row in the inputs and no --night")

    # 3. Groups of venues, one analyze each, on the executors.
    groups = deal(scans, options.partitions)
    specs = [(index, venues, [paths[rank] for rank in ranks]) for index, (venues, ranks) in enumerate(groups)]
    settings = context.broadcast({
        "night": night, "data_end": data_end, "lang": options.lang, "parts": parts,
        "registry": absolute(options.registry), "signatures": absolute(options.signatures),
        "config": absolute(options.config)})
    # The groups run once; their findings come to the driver, their sessions stay on the executors (a province's
    # night has tens of millions) until Spark SQL has picked the few that cross venues.
    from pyspark import StorageLevel
    results = (context.parallelize(specs, max(len(specs), 1))
               .mapPartitions(lambda items: analyze_partition(items, settings))
               .persist(StorageLevel.MEMORY_AND_DISK))
    findings = [json.loads(line) for line in results.filter(lambda r: r[0] == "finding").values().collect()]
    other = [json.loads(line) for line in results.filter(lambda r: r[0] == "other").values().collect()]
    ranks = context.broadcast(file_rank)

    def session_row(line):
        s = json.loads(line)
        return (s["cert"], s["venue"], s["terminal"], s["start"], max(s["start"], s["end"]), s["file"], s["line"],
                ranks.value[s["file"]])

    session_rows = results.filter(lambda r: r[0] == "session").values().map(session_row)

    # 4. The cross-venue part of id-sharing in Spark SQL: certs with two sessions in different places (two venues,
    # or two known terminals) that share any time; netbar applies the threshold and words the findings.
    lap("groups")
    if not session_rows.isEmpty():
        frame = spark.createDataFrame(session_rows, "cert string, venue string, terminal string, start long, "
                                                    "end long, file string, line long, file_rank long")
        frame = frame.persist(StorageLevel.MEMORY_AND_DISK)  # read by the join, the history and the weekly rule
        frame.createOrReplaceTempView("identity_sessions")
        candidates = spark.sql("""
            SELECT DISTINCT a.cert FROM identity_sessions a JOIN identity_sessions b
              ON a.cert = b.cert AND (a.file_rank < b.file_rank OR (a.file_rank = b.file_rank AND a.line < b.line))
            WHERE (a.venue <> b.venue OR (a.terminal <> b.terminal AND a.terminal <> '' AND b.terminal <> ''))
              AND least(a.end, b.end) - greatest(a.start, b.start) >= 0""")
        chosen = (spark.sql("SELECT * FROM identity_sessions").join(candidates, "cert")
                  .orderBy("file_rank", "line").collect())
        chosen_path = f"{work}/cross-venue-sessions.jsonl"
        with open(chosen_path, "w", encoding="utf-8") as handle:
            for row in chosen:
                handle.write(json.dumps({"cert": row["cert"], "venue": row["venue"], "terminal": row["terminal"],
                                         "start": row["start"], "end": row["end"], "file": row["file"],
                                         "line": row["line"], "file_rank": row["file_rank"]}, ensure_ascii=False) + "\n")
        for lang in (options.lang, "en" if options.lang == "zh" else "zh"):
            command = [netbar, "id-overlap", chosen_path, "--night", night, "--reveal-certs", "--lang", lang]
            if options.config:
                command += ["--config", options.config]
            code, output, errors = run(command)
            if code != 0:
                sys.exit(f"spark-analyze: netbar id-overlap failed: {errors.strip()}")
            found = [json.loads(line) for line in output.splitlines() if line]
            if lang == options.lang:
                findings += found
            else:
                other += found
        # Tonight's sessions join the history of the multi-night rule.
        history = f"{parquet}/identity_sessions"
        shutil.rmtree(f"{history}/night={night}", ignore_errors=True)
        (frame.drop("file_rank").withColumn("night", F.lit(night))
         .repartition("venue").write.mode("append").partitionBy("night", "venue")
         .option("compression", "zstd").parquet(history))
        lap("cross-venue")
        findings += multi_venue_findings(spark, history, night, options.window_days, options.min_venues,
                                         options.lang, file_rank)
        other += multi_venue_findings(spark, history, night, options.window_days, options.min_venues,
                                      "en" if options.lang == "zh" else "zh", file_rank)

    lap("weekly rule")

    # 5. Findings in netbar's order (most severe first, then venue, detector, start, key), certs masked.
    for finding in findings:
        if identifier(key_of(finding)) != finding["id"]:
            sys.exit(f"spark-analyze: finding {finding['id']} does not match its key {key_of(finding)!r}")
    findings.sort(key=lambda f: (-SEVERITY_RANK.get(f["severity"], 0), f["venue"], f["detector"],
                                 start_seconds(f["start"]), key_of(f)))
    with open(f"{out}/findings.jsonl", "w", encoding="utf-8") as handle:
        for finding in findings:
            handle.write(render(finding, options.reveal_certs) + "\n")
    os.chmod(f"{out}/findings.jsonl", 0o600 if options.reveal_certs else 0o644)
    move_partitions(parts, parquet, night)
    merge_night_tables(spark, parts, parquet, night)
    write_findings_tables(spark, findings, {f["id"]: f["summary"] for f in other}, options.lang, parquet, night)
    shutil.rmtree(work, ignore_errors=True)
    lap("outputs")
    counts = {}
    for finding in findings:
        counts[finding["detector"]] = counts.get(finding["detector"], 0) + 1
    print(f"night {night}: {len(paths)} files, {len(groups)} groups, {len(findings)} findings "
          + " ".join(f"{d}={n}" for d, n in sorted(counts.items())))
    print("seconds: " + ", ".join(f"{name} {clock[i][1] - clock[i - 1][1]:.1f}" for i, (name, _) in enumerate(clock) if i))
    spark.stop()


if __name__ == "__main__":
    main()
