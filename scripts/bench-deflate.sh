#!/usr/bin/env bash
# Speed of the deflate models (deltaimage-core's io.github.deltaimage.deflate) against
# java.util.zip, the platform's native zlib, at the same level: MB/s of each and the ratio.
# A measurement, not a test. Usage: scripts/bench-deflate.sh [INPUT-FILE] [MiB]
# Without INPUT-FILE it measures a tar of the fixture root filesystem
# (DELTAIMAGE_TEST_ROOTFS_OLD) when there is one, else of /usr/share/doc.
# ./run bench can call bench_deflate after sourcing this file.
set -euo pipefail

bench_deflate() {
  local repo input mib scratch=""
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  input="${1:-}"
  mib="${2:-32}"
  (cd "$repo" && mvn -B -q -o -pl deltaimage-core test-compile >/dev/null) \
    || (cd "$repo" && mvn -B -q -pl deltaimage-core test-compile >/dev/null)
  if [[ -z "$input" ]]; then
    local from=/usr/share/doc
    if [[ -n "${DELTAIMAGE_TEST_ROOTFS_OLD:-}" && -d "$DELTAIMAGE_TEST_ROOTFS_OLD/usr" ]]; then
      from="$DELTAIMAGE_TEST_ROOTFS_OLD/usr"
    fi
    scratch="$(mktemp)"
    # head closes the pipe once it has enough; tar's complaint about that is expected.
    tar --sort=name -cf - -C "$from" . 2>/dev/null | head -c "$((mib * 1048576))" >"$scratch" || true
    input="$scratch"
  fi
  java -Xmx1g -cp "$repo/deltaimage-core/target/classes:$repo/deltaimage-core/target/test-classes" \
    io.github.deltaimage.deflate.DeflateBenchmark "$input" "$mib"
  [[ -n "$scratch" ]] && rm -f "$scratch"
  return 0
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  bench_deflate "$@"
fi
