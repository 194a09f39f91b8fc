#!/usr/bin/env bash
# Heap needed to read a directory delta's __deltaimage.meta.json of N entries (default 1,000,000,
# about 147 MB of JSON): reads it under shrinking -Xmx and prints a Markdown table of
# heap / outcome / time. The meta file is parsed streaming, so the heap holds only the paths.
#
#   bash scripts/measure-meta-file.sh [N]
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

entries="${1:-1000000}"
mvn -q -o -pl deltaimage-core test-compile
jackson="$(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' pom.xml)"
repo="${HOME}/.m2/repository/com/fasterxml/jackson/core"
annotations="$(ls "$repo"/jackson-annotations/*/jackson-annotations-*.jar | grep -F "/${jackson%.*}" | head -1)"
cp="deltaimage-core/target/classes:deltaimage-core/target/test-classes"
cp="$cp:$repo/jackson-core/$jackson/jackson-core-$jackson.jar:$repo/jackson-databind/$jackson/jackson-databind-$jackson.jar:$annotations"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "| -Xmx | outcome |"
echo "|---|---|"
for heap in 512m 256m 128m 96m 64m; do
  if out="$(java "-Xmx$heap" -cp "$cp" io.github.deltaimage.format.dir.MetaFileHeapMain "$work" "$entries" 2>&1)"; then
    echo "| $heap | read $(tail -1 <<<"$out") |"
  else
    echo "| $heap | $(grep -m1 -o 'OutOfMemoryError.*' <<<"$out" || tail -1 <<<"$out") |"
  fi
done
