#!/usr/bin/env bash
# Installs what a fresh machine lacks for building and testing netbar (Debian packages only).
set -euo pipefail
missing=()
dpkg -s libzstd-dev >/dev/null 2>&1 || missing+=(libzstd-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
command -v gzip >/dev/null 2>&1 || missing+=(gzip)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)          # end-to-end tests read the database
command -v iconv >/dev/null 2>&1 || missing+=(libc-bin)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)      # browser tests of the HTML report, sheet, notice
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)  # Chinese glyphs in the screenshots
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Parquet read-back tests and the Spark job: pyarrow, DuckDB and pyspark from PyPI (DEPENDENCIES.md); Spark runs on
# the machine's Java 17 (a Debian JRE when there is none).
if ! command -v java >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing openjdk-17-jre-headless" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if ! python3 -c "import pyarrow, duckdb, pyspark" >/dev/null 2>&1; then
    echo "setup: installing pyarrow, duckdb and pyspark from PyPI" >&2
    python3 -m pip install --quiet --disable-pip-version-check "pyarrow==26.0.1" "duckdb==2.0.1" "pyspark==4.3.0"
fi
