#!/usr/bin/env bash
# Every test: unit tests of each module and end-to-end runs of the built `netbar` binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build
swift test
