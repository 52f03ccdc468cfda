#!/usr/bin/env bash
# netbar on Apache Spark (spark/netbar_spark.py): one night's dump analysed by groups of venues on the executors.
#
#   scripts/spark-analyze.sh INPUT... --registry DIR --signatures DIR --out DIR [--partitions N]
#                            [--config FILE] [--night YYYY-MM-DD] [--lang zh|en] [--reveal-certs]
#                            [--window-days 7] [--min-venues 3]
#
# The master comes from SPARK_MASTER (default local[2]); NETBAR names the binary shipped to the executors (default:
# this checkout's release build, built when missing). Leaves DIR/findings.jsonl and DIR/parquet/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
netbar="${NETBAR:-$root/.build/release/netbar}"
if [ -z "${NETBAR:-}" ] && [ ! -x "$netbar" ]; then
    "$root/scripts/setup.sh"
    (cd "$root" && swift build -c release >&2)
fi
command -v spark-submit >/dev/null 2>&1 || "$root/scripts/setup.sh"
# A usage error is told in one line before Spark starts.
python3 "$root/spark/netbar_spark.py" --netbar "$netbar" --check-arguments "$@"
# Whole cert numbers go into DIR/parquet: readable by their owner alone, like the database.
umask 077
exec spark-submit --master "${SPARK_MASTER:-local[2]}" --conf spark.ui.enabled=false \
    --conf "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:$root/spark/log4j2.properties" \
    "$root/spark/netbar_spark.py" --netbar "$netbar" "$@"
