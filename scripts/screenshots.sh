#!/usr/bin/env bash
# The screenshots README.md shows: the main job on samples/ (scripts/analyze-samples.sh), then its HTML report,
# one inspection sheet and one notice draft rendered by headless Chromium (installed by scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${NETBAR_OUT:-/tmp/netbar-samples}"
NETBAR_OUT="$out" scripts/analyze-samples.sh > /dev/null
mkdir -p docs/screenshots
shoot() {  # page, png, height
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=3000 \
        --window-size=1280,"$3" --screenshot="docs/screenshots/$2" "file://$1" 2> /dev/null
}
shoot "$out/report.html" report.png 2600
# The sheet and the notice of the venue with the most findings (the sheets are in venue-code order; one venue is
# cut out with --venue so the picture is one page).
venue=$(.build/release/netbar report --db "$out/netbar.db" --kind text --lang en | sed -n '/^By venue/{n;p;q}' | awk '{print $1}')
.build/release/netbar report --db "$out/netbar.db" --kind inspection --venue "$venue" -o "$out/inspection-one.html"
.build/release/netbar report --db "$out/netbar.db" --kind notice --venue "$venue" -o "$out/notice-one.html"
shoot "$out/inspection-one.html" inspection.png 2000
shoot "$out/notice-one.html" notice.png 2000
echo "docs/screenshots: report.png inspection.png notice.png (venue $venue)"
