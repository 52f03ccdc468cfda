#!/usr/bin/env python3
"""Compares two netbar Parquet folders table by table with DuckDB: the same rows (partition columns included),
whatever the files they are cut into. Times of the run itself (files.ingested_at, findings.first_seen_at and
last_seen_at) are left out.

usage: same_parquet.py EXPECTED_DIR ACTUAL_DIR TABLE...
Prints "same TABLE rows=N" per table, or the first difference and exits 1.
"""
import sys

import duckdb

RUN_TIMES = {"files": {"ingested_at"}, "findings": {"first_seen_at", "last_seen_at"}}


def rows(con, folder, table):
    source = f"read_parquet('{folder}/{table}/**/*.parquet', hive_partitioning=true, hive_types_autocast=false)"
    names = [d[0] for d in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    kept = [n for n in names if n not in RUN_TIMES.get(table, set())]
    return kept, sorted(con.execute(f"SELECT {', '.join(kept)} FROM {source}").fetchall(), key=repr)


def main():
    expected, actual, tables = sys.argv[1], sys.argv[2], sys.argv[3:]
    con = duckdb.connect()
    for table in tables:
        names_a, a = rows(con, expected, table)
        names_b, b = rows(con, actual, table)
        if sorted(names_a) != sorted(names_b):
            sys.exit(f"{table}: columns {names_b}, expected {names_a}")
        if names_a != names_b:  # the same columns in another order: compare by name
            order = [names_b.index(n) for n in names_a]
            b = sorted((tuple(r[i] for i in order) for r in b), key=repr)
        if len(a) != len(b):
            sys.exit(f"{table}: {len(b)} rows, expected {len(a)}")
        for index, (x, y) in enumerate(zip(a, b)):
            if x != y:
                sys.exit(f"{table}: row {index} differs: {y!r}, expected {x!r}")
        print(f"same {table} rows={len(a)}")


if __name__ == "__main__":
    main()
