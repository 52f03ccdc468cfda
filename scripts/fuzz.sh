#!/usr/bin/env bash
# Fuzzes every LogFormats parser with libFuzzer (in the Swift toolchain) for SECONDS (default 60).
# Crashers are written to samples/fuzz/parsers/; any bytes must parse without a trap.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
mkdir -p .build-fuzz samples/fuzz/parsers /tmp/netbar-fuzz-corpus
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name FuzzParsers -package-name netbar \
    Sources/LogFormats/*.swift Sources/LogFormats/*/*.swift Tests/Fuzz/parsers.swift -o .build-fuzz/fuzz-parsers
# Seed the corpus with the sample inputs that are plain text.
cp samples/bad-input/*.log samples/bad-input/*.csv samples/bad-input/*.jsonl /tmp/netbar-fuzz-corpus/ 2>/dev/null || true
SWIFT_BACKTRACE=enable=no .build-fuzz/fuzz-parsers -max_total_time="$seconds" -max_len=4096 \
    -artifact_prefix=samples/fuzz/parsers/ /tmp/netbar-fuzz-corpus
