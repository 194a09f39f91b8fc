#!/usr/bin/env bash
# The deflate models (deltaimage-core's io.github.deltaimage.deflate) measured: a benchmark, not a
# test; it never fails on a figure. Three parts, one Markdown report on stdout:
#  1. encoder speed: MB/s of each model against java.util.zip (the platform's native zlib) at the
#     same level, in CPU time of the encoding thread, median of RUNS passes;
#  2. model search on blobs no model wrote (pigz, GNU gzip --rsyncable; busybox gzip for contrast,
#     which the GNU gzip model does reproduce): candidates tried and CPU time;
#  3. the model search's share of a real image diff whose target layers pigz wrote, and the
#     recompression's share of a real apply (both need the images ./run bench caches; skipped
#     without them).
# Usage: scripts/bench-deflate.sh [INPUT-FILE] [MiB] [RUNS]   (defaults: a tar of the fixture root
# filesystem or /usr/share/doc, 16 MiB, 5 runs). `./run bench deflate` runs it and keeps the report
# in target/bench/deflate.md.
set -euo pipefail

# A subshell, so that its EXIT trap removes the scratch folder whoever sources this file.
bench_deflate() (
  local repo input mib runs scratch cp tool
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  input="${1:-}"
  mib="${2:-16}"
  runs="${3:-5}"
  for tool in pigz gzip busybox jq; do
    command -v "$tool" >/dev/null || { echo "bench-deflate: $tool is missing (apt-get install $tool)" >&2; return 1; }
  done
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/bench-deflate.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$scratch'" EXIT
  (cd "$repo" && mvn -B -q -o -pl deltaimage-core test-compile dependency:build-classpath \
      -Dmdep.outputFile="$scratch/cp" -Dmdep.includeScope=runtime >"$scratch/mvn.log" 2>&1) ||
    (cd "$repo" && mvn -B -q -pl deltaimage-core test-compile dependency:build-classpath \
      -Dmdep.outputFile="$scratch/cp" -Dmdep.includeScope=runtime >"$scratch/mvn.log" 2>&1) ||
    { cat "$scratch/mvn.log" >&2; echo "bench-deflate: compiling deltaimage-core failed" >&2; return 1; }
  cp="$repo/deltaimage-core/target/classes:$repo/deltaimage-core/target/test-classes:$(cat "$scratch/cp")"

  if [[ -z "$input" ]]; then
    local from=/usr/share/doc
    if [[ -n "${DELTAIMAGE_TEST_ROOTFS_OLD:-}" && -d "$DELTAIMAGE_TEST_ROOTFS_OLD/usr" ]]; then
      from="$DELTAIMAGE_TEST_ROOTFS_OLD/usr"
    fi
    # head closes the pipe once it has enough; tar's complaint about that is expected.
    tar --sort=name -cf - -C "$from" . 2>/dev/null | head -c "$((mib * 1048576))" >"$scratch/input.tar" || true
    input="$scratch/input.tar"
  fi

  echo "## Deflate models"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "### Encoder speed against java.util.zip at the same level"
  echo
  java -Xmx1g -cp "$cp" io.github.deltaimage.deflate.DeflateBenchmark "$input" "$mib" "$runs"
  echo

  echo "### Model search on blobs no model wrote"
  echo
  # The same input, gzip'd by tools no model reproduces (and busybox, which one does).
  local search=("$scratch/input.pigz-6.gz" "$scratch/input.pigz-9.gz" "$scratch/input.gzip-rsyncable.gz" "$scratch/input.busybox.gz")
  pigz -6 -n -c <"$input" >"${search[0]}"
  pigz -9 -n -c <"$input" >"${search[1]}"
  gzip -6 -n --rsyncable -c <"$input" >"${search[2]}"
  busybox gzip -c <"$input" >"${search[3]}"
  echo '```'
  java -Xmx512m -cp "$cp" io.github.deltaimage.deflate.ModelSearchBenchmark "$input" "${search[@]}" |
    sed "s|$scratch/||"
  echo '```'
  echo
  echo "first: CPU time (the process's: JIT and pool threads count) of the first search in the JVM;"
  echo "median: of five more. Each wrong candidate stops at its first differing bytes."
  echo

  echo "### Model search as a share of a real image diff"
  echo
  local images="${DELTAIMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deltaimage}/bench/images"
  local src="$images/deltaimage-test_app_1.0/oci" tgt="$images/deltaimage-test_app_1.1/oci"
  if [[ ! -f "$src/index.json" || ! -f "$tgt/index.json" ]]; then
    echo "Skipped: the app pair is not in $images (./run bench caches it)."
    return 0
  fi
  recompress_layout "$tgt" "$scratch/target-pigz" pigz -6 -n -c
  echo "app 1.0 -> app 1.1 with every target layer re-gzip'd by pigz -6 (no model writes pigz's blocks):"
  echo
  java -XX:+UseSerialGC -Xmx512m -cp "$cp" io.github.deltaimage.deflate.DeflateShareBenchmark diff \
    "oci:$src:img" "oci:$scratch/target-pigz:img" "oci:$scratch/delta:d" 2>&1 | tail -n 1
  echo
  echo "(wall clock of the search steps against the whole diff, in the same run; the tiny layers"
  echo "pigz writes as zlib would are identified, and their recipes checked, all the same)"
  echo

  echo "### Recompression as a share of a real image apply"
  echo
  echo "app 1.0 -> app 1.1 as cached (layers gzip'd by java.util.zip: the zlib:6 model), delta"
  echo "applied to an OCI layout, every rebuilt layer recompressed by its model (in parallel):"
  echo
  java -XX:+UseSerialGC -Xmx512m -cp "$cp" io.github.deltaimage.deflate.DeflateShareBenchmark diff \
    "oci:$src:img" "oci:$tgt:img" "oci:$scratch/delta-exact:d" >/dev/null 2>&1
  java -XX:+UseSerialGC -Xmx512m -cp "$cp" io.github.deltaimage.deflate.DeflateShareBenchmark apply \
    "oci:$scratch/delta-exact:d" "oci:$scratch/restored:img" 2>&1 | tail -n 1
)

# recompress_layout SRC_LAYOUT DEST_LAYOUT CMD...: a copy of the OCI layout SRC (first manifest)
# whose layer blobs CMD re-gzips (tar on stdin, gzip on stdout); config and diff_ids unchanged,
# manifest and index rewritten.
recompress_layout() {
  local src="$1" dest="$2" manifest_digest manifest config digest new_digest size layers=()
  shift 2
  rm -rf "$dest"
  mkdir -p "$dest/blobs/sha256"
  cp "$src/oci-layout" "$dest/"
  manifest_digest="$(jq -r '.manifests[0].digest' "$src/index.json")"
  manifest="$(cat "$src/blobs/sha256/${manifest_digest#sha256:}")"
  config="$(jq -r '.config.digest' <<<"$manifest")"
  cp "$src/blobs/sha256/${config#sha256:}" "$dest/blobs/sha256/"
  mapfile -t layers < <(jq -r '.layers[].digest' <<<"$manifest")
  for digest in "${layers[@]}"; do
    zcat "$src/blobs/sha256/${digest#sha256:}" | "$@" >"$dest/blobs/sha256/new"
    new_digest="sha256:$(sha256sum "$dest/blobs/sha256/new" | cut -d' ' -f1)"
    size="$(stat -c %s "$dest/blobs/sha256/new")"
    mv "$dest/blobs/sha256/new" "$dest/blobs/sha256/${new_digest#sha256:}"
    manifest="$(jq -c --arg old "$digest" --arg new "$new_digest" --argjson size "$size" \
      '.layers |= map(if .digest == $old then .digest = $new | .size = $size else . end)' <<<"$manifest")"
  done
  printf '%s' "$manifest" >"$dest/blobs/sha256/new"
  new_digest="sha256:$(sha256sum "$dest/blobs/sha256/new" | cut -d' ' -f1)"
  mv "$dest/blobs/sha256/new" "$dest/blobs/sha256/${new_digest#sha256:}"
  jq -c --arg d "$new_digest" --argjson size "$(printf '%s' "$manifest" | wc -c)" \
    '.manifests = [.manifests[0] | .digest = $d | .size = $size | .annotations = {"org.opencontainers.image.ref.name": "img"}]' \
    "$src/index.json" >"$dest/index.json"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  bench_deflate "$@"
fi
