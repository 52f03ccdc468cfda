#!/usr/bin/env python3
"""Checks a `netbar export` folder against the SQLite database it came from, with real readers.

usage: parquet_vs_store.py READERS DB PARQUET_DIR
  READERS  comma-separated: pyarrow, duckdb, spark

For every table: the rows each reader finds (partition columns night and venue included, as text) equal the rows
the database holds, mapped here independently of netbar's code (symbols resolved, seconds as microseconds, codes as
names, addresses as text); each column has the type the layout promises (docs/parquet.md). Prints "ok READER TABLE
rows=N" lines, or the first difference and exits 1.
"""
import datetime
import sqlite3
import sys

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
DAY0 = datetime.date(1970, 1, 1)

USER_TYPES = [None, "member", "temporary", "staff"]
CHECKOUTS = [None, "normal", "manual", "automatic", "forced"]
TRANSACTION_KINDS = [None, "openAccount", "topUp", "logOn", "logOff", "checkOut", "refund", "lateEntry",
                     "manualCharge", "changeTerminal", "goods"]
EVENT_KINDS = [None, "ONLINE", "OFFLINE", "HEARTBEAT", "PROC", "SNAP", "SWIPE", "AUDIT", "FLOW"]
CODES = {"HEARTBEAT": ["idle", "locked", "inUse"], "PROC": ["start", "stop"],
         "SWIPE": ["ok", "readFail", "demagnetised", "expired"], "AUDIT": ["start", "stop", "tamper", "config"]}

# (name, type) per table, partition columns last. Types: s string, i int32, l int64, t timestamp, d date,
# b boolean, x binary.
SCHEMAS = {
    "sessions": "record_no s card s cert_type i cert s name s terminal s ip s user_type s start_time t end_time t "
                "amount_fen l cashier s checkout s note s export_time t birth_date d path s line l",
    "realname_sessions": "terminal s cert_type i cert s name s start_time t end_time t birth_date d path s line l",
    "transactions": "serial_no s time t kind s card s cert s amount_fen l balance_fen l cashier s terminal s note s "
                    "path s line l",
    "audit_events": "time t kind s terminal s ip s mac s cert_type i cert s name s text s md5 s code s dst_ip s "
                    "dst_port i bytes_up l bytes_down l path s line l",
    "pulse_runs": "terminal s family s first_time t last_time t count l path s first_line l",
    "terminal_addresses": "terminal s ip s mac s first_time t last_time t count l path s line l",
    "quarantine": "path s line l reason s detail s raw x truncated b",
    "findings": "id s detector s severity s terminal s cert s address s start_time t end_time t summary s "
                "summary_zh s first_seen_at t last_seen_at t evidence_lines l",
    "finding_evidence": "finding_id s path s line l",
    "files": "path s content_hash s format s encoding s compression s status s lines l rows l quarantined l "
             "skipped l bytes l export_time t damage_offset l damage_reason s detail s ingested_at t",
}
BY_NIGHT_ONLY = {"quarantine", "files"}


def schema(table):
    words = SCHEMAS[table].split()
    columns = list(zip(words[0::2], words[1::2]))
    columns.append(("night", "s"))
    if table not in BY_NIGHT_ONLY:
        columns.append(("venue", "s"))
    return columns


def ip(value):
    if value is None or value < 0:
        return None
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def mac(value):
    if value is None or value < 0:
        return None
    return "-".join(f"{(value >> (8 * p)) & 0xFF:02X}" for p in reversed(range(6)))


def identifier(key):
    """A finding's id: FNV-1a (64 bits) of its key, as in findings.jsonl."""
    value = 0xCBF29CE484222325
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def micros(seconds):
    return None if seconds is None else seconds * 1_000_000


def birth(value):
    if not value:
        return None
    return (datetime.date(value // 10000, value // 100 % 100, value % 100) - DAY0).days


def expected(db):
    """Every table's rows, from the database."""
    con = sqlite3.connect(db)
    con.text_factory = bytes
    symbols = {row[0]: row[1].decode() for row in con.execute("SELECT id, text FROM symbol")}
    files = {row[0]: (row[1].decode(), row[2].decode() if row[2] is not None else "unknown")
             for row in con.execute("SELECT id, path, night FROM ingestedFile")}

    def sym(value):
        return symbols.get(value) if value else None

    def text(value):
        return None if value is None else value.decode()

    def where(file_id):
        return files[file_id]

    tables = {}
    rows = []
    for (venue, record, card, cert_type, cert, name, terminal, address, user, start, end, amount, cashier, checkout,
         note, export, born, file_id, line) in con.execute(
            "SELECT venue, recordNo, card, certType, cert, name, terminal, ip, userType, startTime, endTime, amountFen,"
            " cashier, checkout, note, exportTime, birthDate, fileId, line FROM session"):
        path, night = where(file_id)
        rows.append((text(record), sym(card), cert_type or None, sym(cert), sym(name), sym(terminal), ip(address),
                     USER_TYPES[user] if 0 < user < len(USER_TYPES) else None, micros(start), micros(end), amount,
                     sym(cashier), CHECKOUTS[checkout] if 0 < checkout < len(CHECKOUTS) else None, sym(note),
                     micros(export), birth(born), path, line, night, sym(venue)))
    tables["sessions"] = rows
    rows = []
    for venue, terminal, cert_type, cert, name, start, end, born, file_id, line in con.execute(
            "SELECT venue, terminal, certType, cert, name, startTime, endTime, birthDate, fileId, line "
            "FROM realnameSession"):
        path, night = where(file_id)
        rows.append((sym(terminal), cert_type or None, sym(cert) or "", sym(name), micros(start), micros(end),
                     birth(born), path, line, night, sym(venue)))
    tables["realname_sessions"] = rows
    rows = []
    for venue, serial, time, kind, card, cert, amount, balance, cashier, terminal, note, file_id, line in con.execute(
            "SELECT venue, serialNo, time, kind, card, cert, amountFen, balanceFen, cashier, terminal, note, fileId, "
            "line FROM billingTransaction"):
        path, night = where(file_id)
        rows.append((text(serial), micros(time), TRANSACTION_KINDS[kind] if 0 < kind < len(TRANSACTION_KINDS) else None,
                     sym(card), sym(cert), amount, balance, sym(cashier), sym(terminal), sym(note), path, line, night,
                     sym(venue)))
    tables["transactions"] = rows
    rows = []
    for (venue, time, kind, terminal, address, hardware, cert_type, cert, name, what, md5, code, dst, port, up, down,
         file_id, line) in con.execute(
            "SELECT venue, time, kind, terminal, ip, mac, certType, cert, name, text, md5, code, dstIp, dstPort, "
            "bytesUp, bytesDown, fileId, line FROM auditEvent"):
        path, night = where(file_id)
        kind_name = EVENT_KINDS[kind]
        codes = CODES.get(kind_name, [])
        flow = kind_name == "FLOW"
        rows.append((micros(time), kind_name, sym(terminal), ip(address), mac(hardware), cert_type or None, sym(cert),
                     sym(name), sym(what), sym(md5), codes[code] if code is not None and code < len(codes) else None,
                     ip(dst), port if flow else None, up if flow else None, down if flow else None, path, line, night,
                     sym(venue)))
    tables["audit_events"] = rows
    rows = []
    for venue, terminal, family, first, last, count, file_id, base_line in con.execute(
            "SELECT venue, terminal, family, minTime, maxTime, count, fileId, baseLine FROM pulseRun"):
        path, night = where(file_id)
        rows.append((sym(terminal) or "", ["heartbeat", "snapshot"][family], micros(first), micros(last), count, path,
                     base_line, night, sym(venue)))
    tables["pulse_runs"] = rows
    rows = []
    for venue, terminal, address, hardware, first, last, count, file_id, line in con.execute(
            "SELECT venue, terminal, ip, mac, firstTime, lastTime, count, fileId, line FROM terminalAddress"):
        path, night = where(file_id)
        rows.append((sym(terminal), ip(address), mac(hardware), micros(first), micros(last), count, path, line, night,
                     sym(venue)))
    tables["terminal_addresses"] = rows
    rows = []
    for file_id, line, reason, detail, raw, truncated in con.execute(
            "SELECT fileId, line, reason, detail, raw, truncated FROM quarantinedRow"):
        path, night = where(file_id)
        rows.append((path, line, text(reason), text(detail), bytes(raw).hex(), bool(truncated), night))
    tables["quarantine"] = rows
    rows, evidence = [], []
    for (key, detector, severity, venue, terminal, cert, address, start, end, summary, summary_zh, first_seen,
         last_seen, pairs, night) in con.execute(
            "SELECT key, detector, severity, venue, terminal, cert, address, startTime, endTime, summary, summaryZh, "
            "firstSeenAt, lastSeenAt, evidence, night FROM finding"):
        night = text(night) or "unknown"
        pairs = [pair.split(":") for pair in text(pairs).split(",") if pair]
        rows.append((identifier(text(key)), text(detector), text(severity), text(terminal), text(cert), text(address),
                     micros(start), micros(end), text(summary), text(summary_zh), micros(first_seen),
                     micros(last_seen), len(pairs), night, text(venue)))
        for file_id, line in pairs:
            evidence.append((identifier(text(key)), files[int(file_id)][0], int(line), night, text(venue)))
    tables["findings"] = rows
    tables["finding_evidence"] = evidence
    rows = []
    for row in con.execute(
            "SELECT path, contentHash, format, encoding, compression, status, lines, rows, quarantined, skipped, bytes,"
            " exportTime, damageOffset, damageReason, detail, ingestedAt, night FROM ingestedFile"):
        values = [text(v) if isinstance(v, bytes) else v for v in row]
        values[11] = micros(values[11])
        values[15] = micros(values[15])
        values[16] = values[16] or "unknown"
        rows.append(tuple(values))
    tables["files"] = rows
    return tables


def normalise(value, kind):
    if value is None:
        return None
    if kind == "t":
        delta = value - EPOCH
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if kind == "d":
        return (value - DAY0).days
    if kind == "x":
        return bytes(value).hex()
    return value


def key(row):
    return tuple((value is None, str(value)) for value in row)


def compare(reader, table, want, got):
    want = sorted(want, key=key)
    got = sorted(got, key=key)
    if len(want) != len(got):
        sys.exit(f"{reader} {table}: {len(got)} rows, the database holds {len(want)}")
    names = [name for name, _ in schema(table)]
    for index, (w, g) in enumerate(zip(want, got)):
        if tuple(w) != tuple(g):
            for name, a, b in zip(names, w, g):
                if a != b:
                    sys.exit(f"{reader} {table}: row {index} column {name}: read {b!r}, the database holds {a!r}")
    print(f"ok {reader} {table} rows={len(got)}")


def read_pyarrow(folder, table):
    import os
    import pyarrow as pa
    if not os.path.isdir(f"{folder}/{table}") and table not in BY_NIGHT_ONLY:
        return []  # no rows of this table on any night exported
    import pyarrow.dataset as ds
    partitions = [("night", pa.string())] + ([] if table in BY_NIGHT_ONLY else [("venue", pa.string())])
    data = ds.dataset(f"{folder}/{table}", format="parquet",
                      partitioning=ds.partitioning(pa.schema(partitions), flavor="hive")).to_table()
    types = {"s": "string", "i": "int32", "l": "int64", "t": "timestamp[us, tz=UTC]", "d": "date32[day]",
             "b": "bool", "x": "binary"}
    columns = schema(table)
    if data.column_names != [name for name, _ in columns]:
        sys.exit(f"pyarrow {table}: columns {data.column_names}")
    for name, kind in columns:
        if str(data.schema.field(name).type) != types[kind]:
            sys.exit(f"pyarrow {table}: column {name} is {data.schema.field(name).type}, expected {types[kind]}")
    values = [[normalise(v, kind) for v in data.column(name).to_pylist()] for name, kind in columns]
    return [tuple(row) for row in zip(*values)]


def read_duckdb(folder, table):
    import os
    import duckdb
    if not os.path.isdir(f"{folder}/{table}") and table not in BY_NIGHT_ONLY:
        return []
    con = duckdb.connect()
    source = f"read_parquet('{folder}/{table}/**/*.parquet', hive_partitioning=true, hive_types_autocast=false)"
    described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    types = {"s": "VARCHAR", "i": "INTEGER", "l": "BIGINT", "t": "TIMESTAMP WITH TIME ZONE", "d": "DATE",
             "b": "BOOLEAN", "x": "BLOB"}
    columns = schema(table)
    if [d[0] for d in described] != [name for name, _ in columns]:
        sys.exit(f"duckdb {table}: columns {[d[0] for d in described]}")
    for (name, kind), d in zip(columns, described):
        if d[1] != types[kind]:
            sys.exit(f"duckdb {table}: column {name} is {d[1]}, expected {types[kind]}")
    select = []
    for name, kind in columns:
        if kind == "t":
            select.append(f"epoch_us({name})")
        elif kind == "d":
            select.append(f"({name} - DATE '1970-01-01')")
        elif kind == "x":
            select.append(f"hex({name})")
        else:
            select.append(name)
    rows = con.execute(f"SELECT {', '.join(select)} FROM {source}").fetchall()
    hexes = [index for index, (_, kind) in enumerate(columns) if kind == "x"]
    return [tuple(v.lower() if i in hexes and v is not None else v for i, v in enumerate(row)) for row in rows]


SPARK = None


def read_spark(folder, table):
    import os
    global SPARK
    if not os.path.isdir(f"{folder}/{table}") and table not in BY_NIGHT_ONLY:
        return []
    from pyspark.sql import SparkSession, functions as F
    if SPARK is None:
        SPARK = (SparkSession.builder.master("local[2]").appName("parquet-vs-store")
                 .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false").getOrCreate())
        SPARK.sparkContext.setLogLevel("ERROR")
    frame = SPARK.read.option("basePath", f"{folder}/{table}").parquet(f"{folder}/{table}")
    types = {"s": "string", "i": "int", "l": "bigint", "t": "timestamp", "d": "date", "b": "boolean", "x": "binary"}
    columns = schema(table)
    if frame.columns != [name for name, _ in columns]:
        sys.exit(f"spark {table}: columns {frame.columns}")
    for (name, kind), (_, got) in zip(columns, frame.dtypes):
        if got != types[kind]:
            sys.exit(f"spark {table}: column {name} is {got}, expected {types[kind]}")
    select = []
    for name, kind in columns:
        if kind == "t":
            select.append(F.unix_micros(F.col(name)))
        elif kind == "d":
            select.append(F.datediff(F.col(name), F.lit("1970-01-01").cast("date")))
        elif kind == "x":
            select.append(F.lower(F.hex(F.col(name))))
        else:
            select.append(F.col(name))
    return [tuple(row) for row in frame.select(*select).collect()]


def main():
    import os
    readers, db, folder = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
    tables = expected(db)
    # The nights exported: every night has a folder of the files table (an export of one night leaves the others out).
    nights = {name[len("night="):] for name in os.listdir(f"{folder}/files")}
    night_column = {table: [name for name, _ in schema(table)].index("night") for table in SCHEMAS}
    tables = {table: [row for row in rows if row[night_column[table]] in nights] for table, rows in tables.items()}
    for reader in readers:
        read = {"pyarrow": read_pyarrow, "duckdb": read_duckdb, "spark": read_spark}[reader]
        for table in SCHEMAS:
            compare(reader, table, tables[table], read(folder, table))
    if SPARK is not None:
        SPARK.stop()


if __name__ == "__main__":
    main()
