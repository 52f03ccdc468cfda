#!/usr/bin/env python3
"""Reads Parquet files netbar wrote with real readers and compares them with what the writer was given.

usage: parquet_readback.py READERS EXPECTED.json FILE.parquet
  READERS   comma-separated: pyarrow, duckdb, spark
  EXPECTED  {"fields": [{"name", "type", "nullable"}], "rows": [[value or null, ...], ...]}
            types: boolean int32 int64 string binary timestampMicros date; binary as hex, timestamps in microseconds since the
            epoch (UTC), dates in days since the epoch.
Prints "ok READER rows=N" per reader, or the first difference and exits 1.
"""
import datetime
import json
import sys

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
DAY0 = datetime.date(1970, 1, 1)


def normalise(value, kind):
    """A reader's value as the expectation writes it."""
    if value is None:
        return None
    if kind == "timestampMicros":
        delta = value - EPOCH
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if kind == "date":
        return (value - DAY0).days
    if kind == "binary":
        return bytes(value).hex()
    return value


def check_types(reader, fields, got_types, want_types):
    for field, got in zip(fields, got_types):
        if got != want_types[field["type"]]:
            sys.exit(f"{reader}: column {field['name']} has type {got}, expected {want_types[field['type']]}")


def compare(reader, fields, expected_rows, got_rows):
    if len(got_rows) != len(expected_rows):
        sys.exit(f"{reader}: {len(got_rows)} rows, expected {len(expected_rows)}")
    for index, (want, got) in enumerate(zip(expected_rows, got_rows)):
        got = [normalise(v, f["type"]) for v, f in zip(got, fields)]
        if got != want:
            for field, w, g in zip(fields, want, got):
                if w != g:
                    sys.exit(f"{reader}: row {index} column {field['name']}: got {g!r}, expected {w!r}")
    print(f"ok {reader} rows={len(got_rows)}")


def read_pyarrow(path, fields, rows):
    import pyarrow.parquet as pq
    table = pq.read_table(path)
    names = [f["name"] for f in fields]
    if table.column_names != names:
        sys.exit(f"pyarrow: columns {table.column_names}, expected {names}")
    for field in fields:
        if table.schema.field(field["name"]).nullable != field["nullable"]:
            sys.exit(f"pyarrow: column {field['name']} nullable is {table.schema.field(field['name']).nullable}")
    types = {"boolean": "bool", "int32": "int32", "int64": "int64", "string": "string", "binary": "binary",
             "timestampMicros": "timestamp[us, tz=UTC]", "date": "date32[day]"}
    check_types("pyarrow", fields, [str(table.schema.field(n).type) for n in names], types)
    columns = [table.column(n).to_pylist() for n in names]
    compare("pyarrow", fields, rows, [list(r) for r in zip(*columns)])


def read_duckdb(path, fields, rows):
    import duckdb
    con = duckdb.connect()
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    names = [f["name"] for f in fields]
    if [d[0] for d in described] != names:
        sys.exit(f"duckdb: columns {[d[0] for d in described]}, expected {names}")
    # Timestamps and dates as numbers: no time zone package needed, and no doubt about the zone.
    select = []
    for f in fields:
        quoted = '"' + f["name"].replace('"', '""') + '"'
        if f["type"] == "timestampMicros":
            select.append(f"epoch_us({quoted})")
        elif f["type"] == "date":
            select.append(f"({quoted} - DATE '1970-01-01')")
        else:
            select.append(quoted)
    got = [list(r) for r in con.execute(f"SELECT {', '.join(select)} FROM read_parquet(?)", [path]).fetchall()]
    as_numbers = [dict(f, type="int64") if f["type"] in ("timestampMicros", "date") else f for f in fields]
    types = {"boolean": "BOOLEAN", "int32": "INTEGER", "int64": "BIGINT", "string": "VARCHAR", "binary": "BLOB",
             "timestampMicros": "TIMESTAMP WITH TIME ZONE", "date": "DATE"}
    check_types("duckdb", fields, [d[1] for d in described], types)
    compare("duckdb", as_numbers, rows, got)


def read_spark(path, fields, rows):
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[1]").appName("parquet-readback")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    frame = spark.read.parquet(path)
    names = [f["name"] for f in fields]
    if frame.columns != names:
        sys.exit(f"spark: columns {frame.columns}, expected {names}")
    types = {"boolean": "boolean", "int32": "int", "int64": "bigint", "string": "string", "binary": "binary",
             "timestampMicros": "timestamp", "date": "date"}
    check_types("spark", fields, [t for _, t in frame.dtypes], types)
    # Spark's collect turns timestamps into naive local datetimes; with the session and the process in UTC they
    # are UTC. Collect epoch microseconds instead, so nothing depends on the zone.
    from pyspark.sql import functions as F
    select = []
    for f in fields:
        if f["type"] == "timestampMicros":
            select.append(F.unix_micros(F.col(f"`{f['name']}`")))
        elif f["type"] == "date":
            select.append(F.datediff(F.col(f"`{f['name']}`"), F.lit("1970-01-01").cast("date")))
        else:
            select.append(F.col(f"`{f['name']}`"))
    got = [list(r) for r in frame.select(*select).collect()]
    as_numbers = [dict(f, type="int64") if f["type"] in ("timestampMicros", "date") else f for f in fields]
    compare("spark", as_numbers, rows, got)
    spark.stop()


def main():
    readers, expected_path, path = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
    with open(expected_path, encoding="utf-8") as handle:
        expected = json.load(handle)
    for reader in readers:
        {"pyarrow": read_pyarrow, "duckdb": read_duckdb, "spark": read_spark}[reader](path, expected["fields"], expected["rows"])


if __name__ == "__main__":
    main()
