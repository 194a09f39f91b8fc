#!/usr/bin/env bash
# Opens the HTML reports (the Maven goals' and the CLI's --report) in a real browser (headless Chromium) and takes screenshots at a
# wide and a narrow window, to check by eye that nothing runs past the page: long file paths in the
# chart, digests in the table. The reports are samples written by DeltaReportsTest (one file path of
# ~190 characters, a layer whose blob differs from the source's).
#   bash scripts/report-screenshots.sh      -> deltaimage-core/target/report-sample/*.png
# Needs Debian's chromium (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "chromium is missing: apt-get install chromium" >&2; exit 1; }
mvn -q -o -pl deltaimage-core test -Dtest=DeltaReportsTest -Dsurefire.failIfNoSpecifiedTests=false
dir=deltaimage-core/target/report-sample
for goal in diff apply; do
  for width in 1280 700; do
    png="$dir/$goal-report-$width.png"
    # --no-sandbox: root in a container has no user namespace for the sandbox.
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,1100" \
      --screenshot="$png" "file://$PWD/$dir/$goal-report.html" >/dev/null 2>&1
    [[ -s $png ]] || { echo "no screenshot at $png" >&2; exit 1; }
    echo "$png"
  done
done
