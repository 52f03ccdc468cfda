#!/usr/bin/env bash
# Fuzzes every LogFormats parser with libFuzzer (in the Swift toolchain) for SECONDS (default 60).
# Crashers are written to samples/fuzz/parsers/; any bytes must parse without a trap.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
mkdir -p .build-fuzz samples/fuzz/parsers /tmp/netbar-fuzz-corpus
# LogFormats' sources at any depth (one folder per format), compiled with the harness into one module.
find Sources/LogFormats -name '*.swift' -print0 | sort -z | xargs -0 swiftc -O -sanitize=fuzzer,address \
    -parse-as-library -module-name FuzzParsers -package-name netbar Tests/Fuzz/parsers.swift -o .build-fuzz/fuzz-parsers
# Seed the corpus with the sample inputs that are plain text: the bad inputs and the variant corpus.
for file in samples/bad-input/*.log samples/bad-input/*.csv samples/bad-input/*.jsonl samples/variants/*.csv \
    samples/variants/*.log samples/variants/*.jsonl; do
    if [ -f "$file" ] && [ "$(stat -c %s "$file")" -le 4096 ]; then cp "$file" /tmp/netbar-fuzz-corpus/; fi
done
SWIFT_BACKTRACE=enable=no .build-fuzz/fuzz-parsers -max_total_time="$seconds" -max_len=4096 \
    -artifact_prefix=samples/fuzz/parsers/ /tmp/netbar-fuzz-corpus
