#!/usr/bin/env bash
# Response-body throughput of the registry client (with its read timeouts) next to the JDK's plain
# InputStream body, on loopback, no registry needed. Shows that the timed body costs no speed.
#
#   mvn -q -o -pl deltaimage-core compile      # the classes it runs against
#   scripts/bench-registry-body.sh [MIB] [ROUNDS]   # markdown table on stdout (default 512 MiB, 3 rounds)
#
# One JVM, rounds alternate the two readers; the machine's other load shows in single rounds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
classes="$root/deltaimage-core/target/classes"
[ -d "$classes" ] || (cd "$root" && mvn -q -o -pl deltaimage-core compile)
jackson="$(find "${HOME}/.m2/repository/com/fasterxml/jackson/core" -name 'jackson-*.jar' ! -name '*sources*' | sort | tr '\n' ':')"
exec java -Xmx256m -cp "$classes:$jackson" "$root/scripts/RegistryBodyThroughput.java" "$@"
