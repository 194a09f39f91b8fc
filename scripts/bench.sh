# shellcheck shell=bash
# ./run bench: delta sizes, times and memory of deltaimage and of its peers on
# real image pairs. Sourced by ./run after lib.sh, fixtures.sh, services.sh,
# maven.sh and demo.sh. A benchmark, not a test: it never fails on a figure.
#
# Every image is cached under $DELTAIMAGE_CACHE/bench/images in the three
# shapes the contenders read: an OCI layout (deltaimage), a `docker save` tar
# (xdelta3, zstd, bsdiff on whole images) and the flattened root filesystem
# (the original's directory mode). Each cache entry records what it was made
# from (the fixture label value), so a warm cache needs no daemon at all.
#
# Output: target/bench/results.md, results.csv, chart.svg (and the table on
# stdout). Scratch files live in target/bench/work and are removed as soon as
# a contender is done, and on any exit.

BENCH_DIR="$REPO_ROOT/target/bench"
BENCH_WORK="$BENCH_DIR/work"
BENCH_CACHE="$DELTAIMAGE_CACHE/bench"
BENCH_TOOLS="$SCRIPTS_DIR/bench-tools.py"
# Bump to rebuild every cached bench image.
BENCH_IMAGES_VERSION=1
# zstd --ultra -22 on top: DELTAIMAGE_BENCH_ULTRA=1 (adds minutes per pair).
# Longest a single diff or apply may take before it is killed and reported as
# timed out; keeps the whole bench to a few minutes per pair.
BENCH_TIMEOUT="${DELTAIMAGE_BENCH_TIMEOUT:-600}"
BENCH_PACKAGES=(xdelta3 zstd bsdiff umoci jq time python3 procps pigz busybox)

# The bench's own images, next to the fixtures (see ensure_bench_daemon_images).
IMAGE_BENCH_REBUILT=deltaimage-bench/debian:rebuilt
IMAGE_BENCH_UNRELATED=deltaimage-bench/jdk:17
# The next Debian release, a minbase debootstrap like the fixtures' bookworm: a major upgrade,
# where most files change (the issue's "bookworm -> trixie" row).
BENCH_TRIXIE_SUITE=trixie
IMAGE_BENCH_TRIXIE=deltaimage-bench/debian:trixie
# An app whose node_modules keep each package in a versioned directory (pnpm's
# layout): the TypeScript compiler moves from 5.4.5 to 5.5.4, so every path of
# the package changes and its files' contents move between files.
BENCH_NPM_PACKAGE=typescript
BENCH_NPM_OLD_VERSION=5.4.5
BENCH_NPM_NEW_VERSION=5.5.4
IMAGE_BENCH_NPM_OLD=deltaimage-bench/npm-app:$BENCH_NPM_PACKAGE-$BENCH_NPM_OLD_VERSION
IMAGE_BENCH_NPM_NEW=deltaimage-bench/npm-app:$BENCH_NPM_PACKAGE-$BENCH_NPM_NEW_VERSION
# A Java app whose lib/ holds real jars from Maven Central: the release moves
# five of six libraries to their next version (the jar names change with them),
# one stays. The jars are what Maven's repository serves, so their entries are
# deflated as the projects' builds wrote them.
BENCH_JARS_OLD=(com.google.guava:guava:33.4.8-jre com.fasterxml.jackson.core:jackson-databind:2.20.0
  com.fasterxml.jackson.core:jackson-core:2.20.0 org.apache.commons:commons-lang3:3.18.0
  org.apache.commons:commons-compress:1.27.1 commons-io:commons-io:2.20.0)
BENCH_JARS_NEW=(com.google.guava:guava:33.5.0-jre com.fasterxml.jackson.core:jackson-databind:2.20.1
  com.fasterxml.jackson.core:jackson-core:2.20.1 org.apache.commons:commons-lang3:3.19.0
  org.apache.commons:commons-compress:1.28.0 commons-io:commons-io:2.20.0)
IMAGE_BENCH_JARS_OLD=deltaimage-bench/java-app:1
IMAGE_BENCH_JARS_NEW=deltaimage-bench/java-app:2
# Every mtime of the rebuilt base is set to this (2026-01-01T00:00:00Z), later
# than anything debootstrap wrote: the same files, rebuilt on another day.
BENCH_REBUILT_MTIME=1767225600

# NAME|SOURCE|TARGET|WHAT, in the order of the report.
BENCH_PAIRS=(
  "debian-updates|$IMAGE_DEBIAN_OLD|$IMAGE_DEBIAN_NEW|Debian bookworm minbase -> the same with its pending updates"
  "debian-rebuilt|$IMAGE_DEBIAN_OLD|$IMAGE_BENCH_REBUILT|the same base rebuilt: identical content, every mtime later"
  "app-deps|$IMAGE_APP_OLD|$IMAGE_APP_NEW|5-layer app image, base updated and jars moved to new versions"
  "unrelated|$IMAGE_DEBIAN_OLD|$IMAGE_BENCH_UNRELATED|Debian base -> an image of a JDK's files (nothing shared)"
  "debian-trixie|$IMAGE_DEBIAN_OLD|$IMAGE_BENCH_TRIXIE|Debian bookworm minbase -> $BENCH_TRIXIE_SUITE minbase (the next major release)"
  "npm-versioned|$IMAGE_BENCH_NPM_OLD|$IMAGE_BENCH_NPM_NEW|app with node_modules/.pnpm/NAME@VERSION dirs: $BENCH_NPM_PACKAGE $BENCH_NPM_OLD_VERSION -> $BENCH_NPM_NEW_VERSION"
  "java-jars|$IMAGE_BENCH_JARS_OLD|$IMAGE_BENCH_JARS_NEW|Java app, lib/ of real Maven Central jars: guava, jackson-databind, jackson-core, commons-lang3, commons-compress to their next release, commons-io kept"
)
# bsdiff holds ~17x the file in memory and sorts it all: run on the pairs that fit.
BSDIFF_PAIRS=(debian-updates debian-rebuilt app-deps debian-trixie npm-versioned java-jars)

BENCH_LOCK_FD=7
lock_bench_cache()   { take_lock "$BENCH_LOCK_FD" "$BENCH_CACHE/.lock" "using the bench image cache" 1800; }
unlock_bench_cache() { release_lock "$BENCH_LOCK_FD"; }

# ---------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------

# The JDK that runs our CLI: its files are the "unrelated" image's content.
bench_jdk_home() { dirname "$(dirname "$(readlink -f "$(command -v java)")")"; }

# What an image is made of, as a label value: a cache entry or daemon image
# with another value is stale. Fixture images use the fixtures' own values.
bench_label_value() { # IMAGE
  case "$1" in
    "$IMAGE_BENCH_REBUILT")
      printf 'bench-v%s/%s/%s' "$BENCH_IMAGES_VERSION" "$(stamp_get "$ROOTFS_OLD.stamp" id)" "$BENCH_REBUILT_MTIME" ;;
    "$IMAGE_BENCH_UNRELATED")
      printf 'bench-v%s/%s' "$BENCH_IMAGES_VERSION" "$(sha256sum <"$(bench_jdk_home)/release" | cut -c1-16)" ;;
    "$IMAGE_BENCH_TRIXIE")
      printf 'bench-v%s/debootstrap/%s' "$BENCH_IMAGES_VERSION" "$BENCH_TRIXIE_SUITE" ;;
    "$IMAGE_BENCH_NPM_OLD")
      printf 'bench-v%s/npm/%s@%s' "$BENCH_IMAGES_VERSION" "$BENCH_NPM_PACKAGE" "$BENCH_NPM_OLD_VERSION" ;;
    "$IMAGE_BENCH_NPM_NEW")
      printf 'bench-v%s/npm/%s@%s' "$BENCH_IMAGES_VERSION" "$BENCH_NPM_PACKAGE" "$BENCH_NPM_NEW_VERSION" ;;
    "$IMAGE_BENCH_JARS_OLD")
      printf 'bench-v%s/jars/%s' "$BENCH_IMAGES_VERSION" "$(printf '%s\n' "${BENCH_JARS_OLD[@]}" | sha256sum | cut -c1-16)" ;;
    "$IMAGE_BENCH_JARS_NEW")
      printf 'bench-v%s/jars/%s' "$BENCH_IMAGES_VERSION" "$(printf '%s\n' "${BENCH_JARS_NEW[@]}" | sha256sum | cut -c1-16)" ;;
    *) printf 'bench-v%s/%s' "$BENCH_IMAGES_VERSION" "$(fixture_label_value "$1")" ;;
  esac
}

bench_image_dir() { printf '%s/images/%s' "$BENCH_CACHE" "$(printf '%s' "$1" | tr '/:' '__')"; }

bench_image_cached() { # IMAGE
  local dir
  dir="$(bench_image_dir "$1")"
  [ -f "$dir/label" ] && [ "$(cat "$dir/label")" = "$(bench_label_value "$1")" ]
}

bench_daemon_image_current() { # IMAGE
  local have
  have="$(test_docker image inspect -f "{{ index .Config.Labels \"$FIXTURE_LABEL\" }}" "$1" 2>/dev/null)" || return 1
  [ "$have" = "$(bench_label_value "$1")" ]
}

# tar a tree (as root, numeric owners) into `docker import` as IMAGE.
import_tree_image() { # DIR IMAGE
  step "docker import $2"
  tar -C "$1" --numeric-owner -cf - . |
    run_logged "$DELTAIMAGE_CACHE/logs/bench-import.log" test_docker import \
      --change "LABEL $FIXTURE_LABEL=$(bench_label_value "$2")" --change 'CMD ["bash"]' - "$2" ||
    die "docker import of $1 as $2 failed (log: $DELTAIMAGE_CACHE/logs/bench-import.log)"
}

# The npm pair's app: package.json, an entry point, and the package unpacked
# where pnpm puts it (node_modules/.pnpm/NAME@VERSION/node_modules/NAME, linked
# from node_modules/NAME). The package tarball comes from the npm registry once
# (`npm pack`) and is kept in the bench cache.
build_npm_app_image() { # VERSION IMAGE
  local version="$1" image="$2" scratch tgz app store
  tgz="$BENCH_CACHE/npm/$BENCH_NPM_PACKAGE-$version.tgz"
  if [ ! -f "$tgz" ]; then
    mkdir -p "$BENCH_CACHE/npm"
    command -v npm >/dev/null || die "the npm-versioned pair needs npm (apt-get install npm) to fetch $BENCH_NPM_PACKAGE@$version"
    (cd "$BENCH_CACHE/npm" && run_logged "$DELTAIMAGE_CACHE/logs/bench-npm.log" npm pack "$BENCH_NPM_PACKAGE@$version") ||
      die "npm pack $BENCH_NPM_PACKAGE@$version failed (log: $DELTAIMAGE_CACHE/logs/bench-npm.log); the npm-versioned pair needs the npm registry once"
  fi
  scratch="$(mktemp -d "$BENCH_CACHE/.build-npm.XXXXXX")"
  add_exit_hook "remove_tree '$scratch'"
  app="$scratch/root/app"
  store="node_modules/.pnpm/$BENCH_NPM_PACKAGE@$version/node_modules/$BENCH_NPM_PACKAGE"
  mkdir -p "$app/$store"
  tar -C "$app/$store" --strip-components=1 -xzf "$tgz"
  ln -s ".pnpm/$BENCH_NPM_PACKAGE@$version/node_modules/$BENCH_NPM_PACKAGE" "$app/node_modules/$BENCH_NPM_PACKAGE"
  printf '{\n  "name": "bench-app",\n  "version": "1.0.0",\n  "dependencies": { "%s": "%s" }\n}\n' \
    "$BENCH_NPM_PACKAGE" "$version" >"$app/package.json"
  printf 'const ts = require("%s");\nconsole.log(ts.version);\n' "$BENCH_NPM_PACKAGE" >"$app/index.js"
  find "$scratch/root" -exec touch -h -d "@$BENCH_REBUILT_MTIME" {} +
  import_tree_image "$scratch/root" "$image"
  remove_tree "$scratch"
  remove_exit_hook "remove_tree '$scratch'"
}

# The jar pair's app: lib/ARTIFACT-VERSION.jar for each GROUP:ARTIFACT:VERSION,
# fetched once through Maven (its own repositories and settings) into the bench
# cache, and a start script.
build_jar_app_image() { # IMAGE COORDINATES...
  local image="$1" scratch coordinates jar name
  shift
  scratch="$(mktemp -d "$BENCH_CACHE/.build-jars.XXXXXX")"
  add_exit_hook "remove_tree '$scratch'"
  mkdir -p "$scratch/root/app/lib" "$BENCH_CACHE/jars"
  for coordinates in "$@"; do
    IFS=: read -r _ name version <<<"$coordinates"
    jar="$BENCH_CACHE/jars/$name-$version.jar"
    if [ ! -f "$jar" ]; then
      # The dependency plugin at the version the project's pom uses.
      (cd "$REPO_ROOT" && run_logged "$DELTAIMAGE_CACHE/logs/bench-jars.log" mvn -B -q \
        org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy -Dartifact="$coordinates" \
        -DoutputDirectory="$BENCH_CACHE/jars" -Dmdep.useBaseVersion=true) ||
        die "fetching $coordinates through Maven failed (log: $DELTAIMAGE_CACHE/logs/bench-jars.log); the java-jars pair needs Maven's repository once"
    fi
    cp "$jar" "$scratch/root/app/lib/"
  done
  printf '#!/bin/sh\nexec java -cp "/app/lib/*" "$@"\n' >"$scratch/root/app/run"
  chmod +x "$scratch/root/app/run"
  find "$scratch/root" -exec touch -h -d "@$BENCH_REBUILT_MTIME" {} +
  import_tree_image "$scratch/root" "$image"
  remove_tree "$scratch"
  remove_exit_hook "remove_tree '$scratch'"
}

# The next release's minbase, from the archive the fixtures' bookworm came from (the
# machine's apt sources, else debootstrap's default); apt state stripped like the fixtures'.
build_trixie_image() { # IMAGE
  local image="$1" mirror scratch
  mirror="$(debian_main_mirror)"
  scratch="$(mktemp -d "$BENCH_CACHE/.build-trixie.XXXXXX")"
  add_exit_hook "remove_tree '$scratch'"
  chmod 755 "$scratch"
  step "debootstrap --variant=minbase $BENCH_TRIXIE_SUITE (${mirror:-debootstrap default mirror}); takes a few minutes"
  local args=(--variant=minbase "$BENCH_TRIXIE_SUITE" "$scratch/root")
  [ -n "$mirror" ] && args+=("$mirror")
  run_logged "$DELTAIMAGE_CACHE/logs/bench-debootstrap-trixie.log" debootstrap "${args[@]}" ||
    die "debootstrap $BENCH_TRIXIE_SUITE failed (see $DELTAIMAGE_CACHE/logs/bench-debootstrap-trixie.log); the debian-trixie pair needs the Debian archive once"
  strip_apt_state "$scratch/root"
  import_tree_image "$scratch/root" "$image"
  remove_tree "$scratch"
  remove_exit_hook "remove_tree '$scratch'"
}

# The bench's own images, in the test daemon like the fixtures.
ensure_bench_daemon_images() {
  local scratch
  if ! bench_daemon_image_current "$IMAGE_BENCH_TRIXIE"; then
    build_trixie_image "$IMAGE_BENCH_TRIXIE"
  fi
  if ! bench_daemon_image_current "$IMAGE_BENCH_JARS_OLD"; then
    build_jar_app_image "$IMAGE_BENCH_JARS_OLD" "${BENCH_JARS_OLD[@]}"
  fi
  if ! bench_daemon_image_current "$IMAGE_BENCH_JARS_NEW"; then
    build_jar_app_image "$IMAGE_BENCH_JARS_NEW" "${BENCH_JARS_NEW[@]}"
  fi
  if ! bench_daemon_image_current "$IMAGE_BENCH_NPM_OLD"; then
    build_npm_app_image "$BENCH_NPM_OLD_VERSION" "$IMAGE_BENCH_NPM_OLD"
  fi
  if ! bench_daemon_image_current "$IMAGE_BENCH_NPM_NEW"; then
    build_npm_app_image "$BENCH_NPM_NEW_VERSION" "$IMAGE_BENCH_NPM_NEW"
  fi
  if ! bench_daemon_image_current "$IMAGE_BENCH_REBUILT"; then
    # The old base byte for byte, every timestamp moved: what a no-change
    # rebuild of a base image looks like to a delta tool.
    scratch="$(mktemp -d "$BENCH_CACHE/.build-rebuilt.XXXXXX")"
    add_exit_hook "remove_tree '$scratch'"
    cp -a "$ROOTFS_OLD" "$scratch/root"
    find "$scratch/root" -exec touch -h -d "@$BENCH_REBUILT_MTIME" {} +
    import_tree_image "$scratch/root" "$IMAGE_BENCH_REBUILT"
    remove_tree "$scratch"
    remove_exit_hook "remove_tree '$scratch'"
  fi
  if ! bench_daemon_image_current "$IMAGE_BENCH_UNRELATED"; then
    # A JDK's runtime and jmods, without the 128 MB lib/modules jimage, comes
    # to about the size of the Debian base, and shares none of its bytes.
    scratch="$(mktemp -d "$BENCH_CACHE/.build-unrelated.XXXXXX")"
    add_exit_hook "remove_tree '$scratch'"
    mkdir -p "$scratch/root/opt"
    cp -a "$(bench_jdk_home)" "$scratch/root/opt/jdk"
    rm -rf "$scratch/root/opt/jdk/lib/modules" "$scratch/root/opt/jdk/lib/src.zip" "$scratch/root/opt/jdk/docs"
    import_tree_image "$scratch/root" "$IMAGE_BENCH_UNRELATED"
    remove_tree "$scratch"
    remove_exit_hook "remove_tree '$scratch'"
  fi
}

# Cache IMAGE as oci/ (tag img), image.tar (docker save) and rootfs/ (flattened
# by umoci from the OCI layout, whiteouts applied). Built aside, then renamed.
cache_bench_image() { # IMAGE
  local image="$1" dir scratch
  dir="$(bench_image_dir "$image")"
  step "caching $image for the bench (OCI layout, docker save tar, flattened rootfs)"
  mkdir -p "$BENCH_CACHE/images"
  scratch="$(mktemp -d "$BENCH_CACHE/images/.build.XXXXXX")"
  add_exit_hook "remove_tree '$scratch'"
  local logs="$DELTAIMAGE_CACHE/logs/bench-cache.log"
  run_logged "$logs" env DOCKER_HOST="unix://$DOCKER_SOCK" \
    "$DELTAIMAGE_BIN" copy "docker-daemon:$image" "oci:$scratch/oci:img" ||
    die "copying $image to an OCI layout failed (log: $logs)"
  run_logged "$logs" test_docker save -o "$scratch/image.tar" "$image" ||
    die "docker save $image failed (log: $logs)"
  run_logged "$logs" umoci unpack --image "$scratch/oci:img" "$scratch/bundle" ||
    die "umoci unpack of $image failed (log: $logs)"
  mv "$scratch/bundle/rootfs" "$scratch/rootfs"
  rm -rf "$scratch/bundle"
  bench_label_value "$image" >"$scratch/label"
  remove_tree "$dir"
  mv "$scratch" "$dir"
  remove_exit_hook "remove_tree '$scratch'"
}

# Every image of every pair cached; the daemon is started only if one is not.
ensure_bench_images() {
  local all=() entry image src tgt missing=()
  for entry in "${BENCH_PAIRS[@]}"; do
    IFS='|' read -r _ src tgt _ <<<"$entry"
    all+=("$src" "$tgt")
  done
  mapfile -t all < <(printf '%s\n' "${all[@]}" | sort -u)
  for image in "${all[@]}"; do
    bench_image_cached "$image" || missing+=("$image")
  done
  [ "${#missing[@]}" -eq 0 ] && { log "bench images cached in $BENCH_CACHE/images"; return 0; }
  use_services_for_this_run
  ensure_images
  ensure_bench_daemon_images
  for image in "${missing[@]}"; do
    cache_bench_image "$image"
  done
}

# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------

# measure NAME CMD...: run CMD (killed after $BENCH_TIMEOUT s); leaves
# "wall_s max_rss_kib tree_rss_kib rc cpu_s" in $BENCH_WORK/NAME.m, output in NAME.log.
# Succeeds only if CMD did.
measure() {
  local name="$1"; shift
  /usr/bin/python3 "$BENCH_TOOLS" measure "$BENCH_WORK/$name.m" "$BENCH_TIMEOUT" "$@" \
    >"$BENCH_WORK/$name.log" 2>&1 || die "bench helper failed on $name (see $BENCH_WORK/$name.log)"
  [ "$(cut -d' ' -f4 "$BENCH_WORK/$name.m")" = 0 ]
}

# Why a measured step failed, in a few words, for the note column: the first
# line that names an error (a stack trace's last line says nothing), else the
# last line. The whole log is kept in target/bench/failures (the scratch
# folder goes with the next contender).
failure_note() { # NAME
  local rc line kept
  rc="$(cut -d' ' -f4 "$BENCH_WORK/$1.m")"
  mkdir -p "$BENCH_DIR/failures"
  kept="$BENCH_DIR/failures/$1.$(date -u +%Y%m%dT%H%M%S).log"
  cp "$BENCH_WORK/$1.log" "$kept"
  if [ "$rc" = 124 ]; then
    printf '%s timed out after %s s' "$1" "$BENCH_TIMEOUT"
  else
    line="$(grep -m 1 -E 'error|Error|Exception' "$BENCH_WORK/$1.log" || tail -n 1 "$BENCH_WORK/$1.log")"
    printf '%s failed (rc %s): %s (log: %s)' "$1" "$rc" "$(tr -d ',' <<<"$line" | cut -c1-120)" "${kept#"$REPO_ROOT"/}"
  fi
}

file_bytes() { stat -c %s "$1"; }

# Total size of an OCI image's layer blobs as its manifest lists them (what a
# registry stores); LAST=1 gives the last layer's only (a delta's delta layer).
oci_layer_bytes() { # LAYOUT TAG [LAST]
  local manifest
  manifest="$(jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
    "$1/index.json")"
  if [ "${3:-0}" = 1 ]; then
    jq '.layers[-1].size' "$1/blobs/${manifest/://}"
  else
    jq '[.layers[].size] | add' "$1/blobs/${manifest/://}"
  fi
}

oci_config_digest() { # LAYOUT TAG
  local manifest
  manifest="$(jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
    "$1/index.json")"
  jq -r '.config.digest' "$1/blobs/${manifest/://}"
}

# Append one CSV row. Fields: pair contender target_bytes delta_bytes, the two
# measure files' figures, whether the output equals the target, a note, the
# load, then the two CPU times (last, so that older readers of the CSV still work).
# record PAIR CONTENDER TARGET_BYTES DELTA_BYTES VERIFIED NOTE
record() {
  # No commas inside a field: the CSV is read by awk -F, below.
  local pair="$1" contender="$2" target="$3" delta="$4" verified="$5" note="${6//,/;}" d a
  d="$(cat "$BENCH_WORK/diff.m" 2>/dev/null || echo '- - - - -')"
  a="$(cat "$BENCH_WORK/apply.m" 2>/dev/null || echo '- - - - -')"
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$pair" "$contender" "$target" "$delta" \
    "$(awk '{ print $1 "," $2 "," $3 }' <<<"$d")" "$(awk '{ print $1 "," $2 "," $3 }' <<<"$a")" \
    "$verified" "$note,$BENCH_LOAD" "$(awk '{ print ($5 == "" ? "-" : $5) }' <<<"$d"),$(awk '{ print ($5 == "" ? "-" : $5) }' <<<"$a")" >>"$BENCH_CSV"
  log "    $contender: delta $delta bytes; diff $(cut -d' ' -f1 <<<"$d") s ($(cut -d' ' -f5 <<<"$d") s CPU, $(cut -d' ' -f2 <<<"$d") KiB); apply $(cut -d' ' -f1 <<<"$a") s ($(cut -d' ' -f5 <<<"$a") s CPU, $(cut -d' ' -f2 <<<"$a") KiB); $verified${note:+; $note}"
}

# Fresh scratch folder for one contender.
reset_work() {
  remove_tree "$BENCH_WORK"
  mkdir -p "$BENCH_WORK"
  BENCH_LOAD="$(cut -d' ' -f1 /proc/loadavg)"
}

# ---------------------------------------------------------------------------
# Contenders: each diffs SRC to TGT (cache dirs), applies, checks, records.
# ---------------------------------------------------------------------------

contender_deltaimage() { # PAIR SRC TGT TARGET_BYTES
  local pair="$1" src="$2" tgt="$3" target="$4" delta verified
  reset_work
  if ! measure diff "$DELTAIMAGE_BIN" image diff "oci:$src/oci:img" "oci:$tgt/oci:img" "oci:$BENCH_WORK/delta:delta"; then
    record "$pair" deltaimage "$target" "" "" "$(failure_note diff)"; return
  fi
  delta="$(oci_layer_bytes "$BENCH_WORK/delta" delta 1)"
  if ! measure apply "$DELTAIMAGE_BIN" image apply "oci:$BENCH_WORK/delta:delta" "oci:$BENCH_WORK/out:out"; then
    record "$pair" deltaimage "$target" "$delta" "" "$(failure_note apply)"; return
  fi
  if [ "$(oci_config_digest "$BENCH_WORK/out" out)" = "$(oci_config_digest "$tgt/oci" img)" ]; then
    verified="same image ID"
  else
    verified="IMAGE ID DIFFERS"
  fi
  # The apply above rebuilds every blob exactly (recompression), which the whole-tar tools never do;
  # the same apply into a docker-archive writes layer tars only: the figure to set beside theirs.
  local tars_note="" engines
  remove_tree "$BENCH_WORK/out"
  if measure apply-tars "$DELTAIMAGE_BIN" image apply "oci:$BENCH_WORK/delta:delta" "docker-archive:$BENCH_WORK/out.tar:bench/out:1"; then
    tars_note="; apply into a docker-archive (tars, no recompression) $(cut -d' ' -f1 "$BENCH_WORK/apply-tars.m") s"
  fi
  rm -f "$BENCH_WORK/out.tar"
  # Which engine encoded each rebuilt layer: the summary's layer lines end their delta bytes with it.
  engines="$(grep -oE 'delta bytes [0-9.]+ [kMG]?B \([a-z0-9-]+\)' "$BENCH_WORK/diff.log" | grep -oE '\([a-z0-9-]+\)' |
    tr -d '()' | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = " + " }')"
  record "$pair" deltaimage "$target" "$delta" "$verified" "delta layer blob${engines:+; engines: $engines}$tars_note"
}

# The original deltaimage's approach: flattened trees, directory mode, its
# xdelta3 settings; the delta tree shipped as a gzip'd tar layer.
contender_original() { # PAIR SRC TGT TARGET_BYTES
  local pair="$1" src="$2" tgt="$3" target="$4" delta verified name="original (dir mode)"
  reset_work
  cp -a "$tgt/rootfs" "$BENCH_WORK/tree"
  if ! measure diff "$DELTAIMAGE_BIN" diff --level 3 --secondary none --max-window 64 "$src/rootfs" "$BENCH_WORK/tree"; then
    record "$pair" "$name" "$target" "" "" "$(failure_note diff)"; return
  fi
  delta="$(tar -C "$BENCH_WORK/tree" --numeric-owner -cf - . | gzip -6 | wc -c)"
  if ! measure apply "$DELTAIMAGE_BIN" apply "$src/rootfs" "$BENCH_WORK/tree"; then
    record "$pair" "$name" "$target" "$delta" "" "$(failure_note apply)"; return
  fi
  # The flattened tree carries no image ID to compare: the demo's description
  # (find, sha256sum, getfattr: types, modes, owners, mtimes, links, contents).
  describe_tree "$tgt/rootfs" "$BENCH_WORK/expected"
  describe_tree "$BENCH_WORK/tree" "$BENCH_WORK/restored"
  if compare_descriptions "$BENCH_WORK/expected" "$BENCH_WORK/restored" 2>/dev/null; then
    verified="same tree"
  else
    verified="TREE DIFFERS"
  fi
  record "$pair" "$name" "$target" "$delta" "$verified" "tar of the delta tree; gzip -6"
}

# A whole-file tool on the two `docker save` tars.
# contender_tar_tool PAIR SRC TGT TARGET_BYTES NAME DIFF_FN APPLY_FN
# DIFF_FN SRC_TAR TGT_TAR DELTA and APPLY_FN SRC_TAR DELTA OUT_TAR print the command.
contender_tar_tool() {
  local pair="$1" src="$2/image.tar" tgt="$3/image.tar" target="$4" name="$5" delta verified cmd=()
  reset_work
  mapfile -t cmd < <("$6" "$src" "$tgt" "$BENCH_WORK/delta")
  if ! measure diff "${cmd[@]}"; then
    record "$pair" "$name" "$target" "" "" "$(failure_note diff)"; return
  fi
  delta="$(file_bytes "$BENCH_WORK/delta")"
  mapfile -t cmd < <("$7" "$src" "$BENCH_WORK/delta" "$BENCH_WORK/out.tar")
  if ! measure apply "${cmd[@]}"; then
    record "$pair" "$name" "$target" "$delta" "" "$(failure_note apply)"; return
  fi
  if cmp -s "$tgt" "$BENCH_WORK/out.tar"; then verified="same tar"; else verified="TAR DIFFERS"; fi
  record "$pair" "$name" "$target" "$delta" "$verified" "delta file as is"
}

# xdelta3's -B: the source window, the source's size rounded up to whole MiB, at most 2 GiB.
source_window_bytes() {
  local mib=$((1024 * 1024)) size
  size="$(file_bytes "$1")"
  size=$(((size + mib - 1) / mib * mib))
  [ "$size" -le $((2048 * mib)) ] || size=$((2048 * mib))
  printf '%s' "$size"
}

xdelta3_default_diff()  { printf '%s\n' xdelta3 -e -f -s "$1" "$2" "$3"; }
xdelta3_default_apply() { printf '%s\n' xdelta3 -d -f -s "$1" "$2" "$3"; }
xdelta3_best_diff()     { printf '%s\n' xdelta3 -e -f -9 -S lzma -D -R -B "$(source_window_bytes "$1")" -s "$1" "$2" "$3"; }
xdelta3_best_apply()    { printf '%s\n' xdelta3 -d -f -B "$(source_window_bytes "$1")" -s "$1" "$2" "$3"; }
zstd_19_diff()          { printf '%s\n' zstd -q -f -19 --long=31 "--patch-from=$1" "$2" -o "$3"; }
zstd_22_diff()          { printf '%s\n' zstd -q -f --ultra -22 --long=31 "--patch-from=$1" "$2" -o "$3"; }
zstd_apply()            { printf '%s\n' zstd -q -f -d --long=31 "--patch-from=$1" "$2" -o "$3"; }
bsdiff_diff()           { printf '%s\n' bsdiff "$1" "$2" "$3"; }
bsdiff_apply()          { printf '%s\n' bspatch "$1" "$3" "$2"; }


# DELTAIMAGE_BENCH_CONTENDERS="deltaimage,xdelta3 -9 -S lzma -B" runs only
# those (comma-separated names as in the table); default: all of them.
contender_wanted() { # NAME
  [ -z "${DELTAIMAGE_BENCH_CONTENDERS:-}" ] || [[ ",$DELTAIMAGE_BENCH_CONTENDERS," == *",$1,"* ]]
}

bench_pair() { # NAME SOURCE TARGET WHAT
  local pair="$1" src tgt target name diff_fn apply_fn
  src="$(bench_image_dir "$2")"
  tgt="$(bench_image_dir "$3")"
  target="$(oci_layer_bytes "$tgt/oci" img)"
  step "pair $pair: $2 -> $3 ($4)"
  if contender_wanted deltaimage; then contender_deltaimage "$pair" "$src" "$tgt" "$target"; fi
  if contender_wanted "original (dir mode)"; then contender_original "$pair" "$src" "$tgt" "$target"; fi
  local tool
  for tool in "xdelta3 (default)|xdelta3_default_diff|xdelta3_default_apply" \
              "xdelta3 -9 -S lzma -B|xdelta3_best_diff|xdelta3_best_apply" \
              "zstd -19 --long=31|zstd_19_diff|zstd_apply" \
              "zstd --ultra -22 --long=31|zstd_22_diff|zstd_apply" \
              "bsdiff|bsdiff_diff|bsdiff_apply"; do
    IFS='|' read -r name diff_fn apply_fn <<<"$tool"
    contender_wanted "$name" || continue
    if [ "$name" = "zstd --ultra -22 --long=31" ] && [ "${DELTAIMAGE_BENCH_ULTRA:-0}" != 1 ]; then
      reset_work
      record "$pair" "$name" "$target" "" "" "not run: takes minutes more than -19; DELTAIMAGE_BENCH_ULTRA=1 runs it"
    elif [ "$name" = bsdiff ] && ! printf '%s\n' "${BSDIFF_PAIRS[@]}" | grep -qxF "$pair"; then
      reset_work
      record "$pair" "$name" "$target" "" "" "not run: ~17x the tar in RAM and minutes of suffix sorting; run on ${BSDIFF_PAIRS[*]} only"
    else
      contender_tar_tool "$pair" "$src" "$tgt" "$target" "$name" "$diff_fn" "$apply_fn"
    fi
  done
  remove_tree "$BENCH_WORK"
}

# ---------------------------------------------------------------------------
# The scale pair (opt-in: `./run bench scale`): a generated pair of large
# images, to show the engine's memory staying bounded and its time growing
# linearly with the image. DELTAIMAGE_BENCH_SCALE_GB (default 10: file content
# per image, uncompressed) and DELTAIMAGE_BENCH_SCALE_FILES (default 200000)
# size it; scripts/bench-scale-images.py writes it (see there for what changes
# between the two). The pair is cached per size, file count and generator version.
# ---------------------------------------------------------------------------

BENCH_SCALE_GENERATOR="$SCRIPTS_DIR/bench-scale-images.py"
# Peers on the scale pair need both whole tars on disk (2x the size) and xdelta3
# reads at most a 2 GiB window: run xdelta3 only up to this size.
BENCH_SCALE_PEERS_GB="${DELTAIMAGE_BENCH_SCALE_PEERS_GB:-1}"

# Whole GB, rounded up, for sizing timeouts and disk checks.
bench_scale_whole_gb() { awk -v gb="$BENCH_SCALE_GB" 'BEGIN { w = int(gb); if (w < gb) w++; print (w < 1 ? 1 : w) }'; }

bench_scale_dir() {
  printf '%s/images/scale-%sgb-%sfiles-v%s' "$BENCH_CACHE" "$BENCH_SCALE_GB" "$BENCH_SCALE_FILES" \
    "$(/usr/bin/python3 "$BENCH_SCALE_GENERATOR" --version)"
}

# require_free_space DIR GB WHAT: one clear line when DIR's file system has less than GB free.
require_free_space() {
  local dir="$1" need_gb="$2" what="$3" free_kib
  mkdir -p "$dir"
  free_kib="$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')"
  if [ "$free_kib" -lt $((need_gb * 1000000000 / 1024)) ]; then
    die "the scale pair needs ${need_gb} GB free in $dir for $what, $((free_kib / 1000000)) GB are free: free some space or lower DELTAIMAGE_BENCH_SCALE_GB (now $BENCH_SCALE_GB)"
  fi
}

ensure_bench_scale_images() { # DIR
  local dir="$1" scratch old gb
  gb="$(bench_scale_whole_gb)"
  [ -f "$dir/label" ] && { log "scale pair cached in $dir"; return 0; }
  # Entries of this size made by another version of the generator are stale.
  for old in "$BENCH_CACHE/images/scale-${BENCH_SCALE_GB}gb-${BENCH_SCALE_FILES}files-"*; do
    [ -d "$old" ] && [ "$old" != "$dir" ] && remove_tree "$old"
  done
  # Both images gzip'd come to about the size; the run then needs about three times that.
  require_free_space "$BENCH_CACHE/images" $((4 * gb)) "generating the pair (~1x) and running it (~3x)"
  step "generating the scale pair: ${BENCH_SCALE_GB} GB and ${BENCH_SCALE_FILES} files per image (minutes per GB)"
  scratch="$(mktemp -d "$BENCH_CACHE/images/.build-scale.XXXXXX")"
  add_exit_hook "remove_tree '$scratch'"
  nice /usr/bin/python3 "$BENCH_SCALE_GENERATOR" "$scratch" \
    "$(awk -v gb="$BENCH_SCALE_GB" 'BEGIN { printf "%.0f", gb * 1e9 }')" "$BENCH_SCALE_FILES" >&2 ||
    die "generating the scale pair failed (output above)"
  printf 'scale/%s/%s/%s\n' "$BENCH_SCALE_GB" "$BENCH_SCALE_FILES" "$(basename "$dir")" >"$scratch/label"
  mv "$scratch" "$dir"
  remove_exit_hook "remove_tree '$scratch'"
}

# The layer tars of an OCI image, uncompressed and concatenated: the whole-image
# input of the peers (in place of a `docker save` tar, which needs a daemon).
write_concatenated_layers() { # LAYOUT OUT
  local manifest digest
  manifest="$(jq -r '.manifests[0].digest' "$1/index.json")"
  : >"$2"
  for digest in $(jq -r '.layers[].digest' "$1/blobs/${manifest/://}"); do
    gzip -dc "$1/blobs/${digest/://}" >>"$2"
  done
}

bench_scale_pair() {
  local dir pair target what gb layers tars jvm BENCH_TIMEOUT="$BENCH_TIMEOUT"
  [[ "$BENCH_SCALE_GB" =~ ^[0-9]+([.][0-9]+)?$ ]] ||
    die "DELTAIMAGE_BENCH_SCALE_GB must be a number of GB, e.g. 10 or 0.5 (got '$BENCH_SCALE_GB')"
  [[ "$BENCH_SCALE_FILES" =~ ^[1-9][0-9]*$ ]] ||
    die "DELTAIMAGE_BENCH_SCALE_FILES must be a whole number of files, e.g. 200000 (got '$BENCH_SCALE_FILES')"
  gb="$(bench_scale_whole_gb)"
  dir="$(bench_scale_dir)"
  lock_bench_cache
  ensure_bench_scale_images "$dir"
  # The restored image (~half the size, gzip'd), the same apply into layer tars where the
  # bench also measures that (~the size), and the engine's scratch.
  require_free_space "$BENCH_WORK" $((3 * gb)) "the restored image, its layer tars and the engine's scratch files"
  # A diff or apply may take a while per GB on a loaded machine: the usual
  # timeout per pair, times the size, unless DELTAIMAGE_BENCH_SCALE_TIMEOUT says.
  BENCH_TIMEOUT="${DELTAIMAGE_BENCH_SCALE_TIMEOUT:-$((BENCH_TIMEOUT * (gb + 1)))}"
  pair="scale-${BENCH_SCALE_GB}gb"
  target="$(oci_layer_bytes "$dir/target/oci" img)"
  layers="$(jq -r '.manifests[0].digest' "$dir/target/oci/index.json")"
  layers="$(jq '.layers | length' "$dir/target/oci/blobs/${layers/://}")"
  jvm="${DELTAIMAGE_JAVA_OPTS:-the default of bin/deltaimage}"
  what="generated pair: ${BENCH_SCALE_GB} GB of files and ${BENCH_SCALE_FILES} files per image in $layers layers; the target a release later (~1.5 % of files edited; ~3 % of versioned packages moved to a new version directory; some renamed; added and deleted); peers read the layer tars concatenated; JVM options of deltaimage: $jvm"
  printf '%s,%s\n' "$pair" "${what//,/;}" >>"$BENCH_DIR/pairs.txt"
  step "pair $pair: $what (timeout $BENCH_TIMEOUT s per step)"
  if contender_wanted deltaimage; then contender_deltaimage "$pair" "$dir/source" "$dir/target" "$target"; fi
  if contender_wanted "xdelta3 -9 -S lzma -B"; then
    if awk -v gb="$BENCH_SCALE_GB" -v max="$BENCH_SCALE_PEERS_GB" 'BEGIN { exit !(gb <= max) }'; then
      require_free_space "$BENCH_DIR" $((4 * gb)) "xdelta3's inputs (both images' layer tars) and its output"
      tars="$BENCH_DIR/scale-tars"
      add_exit_hook "remove_tree '$tars'"
      mkdir -p "$tars/source" "$tars/target"
      write_concatenated_layers "$dir/source/oci" "$tars/source/image.tar"
      write_concatenated_layers "$dir/target/oci" "$tars/target/image.tar"
      contender_tar_tool "$pair" "$tars/source" "$tars/target" "$target" "xdelta3 -9 -S lzma -B" xdelta3_best_diff xdelta3_best_apply
      remove_tree "$tars"
      remove_exit_hook "remove_tree '$tars'"
    else
      reset_work
      record "$pair" "xdelta3 -9 -S lzma -B" "$target" "" "" "not run: above DELTAIMAGE_BENCH_SCALE_PEERS_GB=$BENCH_SCALE_PEERS_GB (needs both whole tars on disk; a 2 GiB window at most)"
    fi
  fi
  remove_tree "$BENCH_WORK"
  unlock_bench_cache
}

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

machine_line() {
  printf '%s cores, %s GiB RAM, load average %s at the start and %s at the end (1/5/15 min); %s' \
    "$(nproc)" "$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
    "$BENCH_LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u '+%Y-%m-%d %H:%M UTC')"
}

# results.csv -> one Markdown table per pair, plus how we stand against issue 4's targets.
write_markdown() { # CSV WHAT_FILE
  awk -F, -v machine="$(machine_line)" '
    function mb(b) { return b == "" ? "-" : sprintf("%.2f MB", b / 1e6) }
    function bytes(b,   s, out) {
      if (b == "") return "-"
      s = sprintf("%d", b); out = ""
      while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
      return s out
    }
    function secs(s) { return (s == "" || s == "-") ? "-" : sprintf("%.1f s", s) }
    function mib(k) { return (k == "" || k == "-") ? "-" : sprintf("%.0f", k / 1024) }
    function rss(max, tree) { return (max == "" || max == "-") ? "-" : (tree - max > 10240 ? mib(max) " (tree " mib(tree) ")" : mib(max)) }
    FNR == NR { what[$1] = substr($0, length($1) + 2); next }
    FNR == 1 { next }
    {
      if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
      key = $1 SUBSEP $2; rows[$1] = rows[$1] key "\035"
      target[$1] = $3; delta[key] = $4
      dt[key] = $5; dr[key] = $6; dtr[key] = $7; at[key] = $8; ar[key] = $9; atr[key] = $10
      ok[key] = $11; note[key] = $12; load[key] = $13; dc[key] = $14; ac[key] = $15
    }
    END {
      printf "Measured %s.\n\n", machine
      printf "Delta: what a registry would store (our delta layer blob; the original'"'"'s delta tree as a gzip -6 tar; the peers'"'"' delta files as they are). Peak RSS: the largest process (`/usr/bin/time`), for deltaimage the JVM; \"tree\" adds the sampled sum of the JVM and its xdelta3 processes where that is >10 MiB more. Load: the 1-minute load average when the contender started.\n\n"
      for (i = 1; i <= n; i++) {
        p = order[i]
        printf "### %s: %s\n\nTarget image as a registry stores it: %s (gzip'"'"'d layer blobs).\n\n", p, what[p], mb(target[p])
        print "| contender | delta bytes | % of target | diff | diff CPU | diff peak RSS MiB | apply | apply CPU | apply peak RSS MiB | restored | load | note |"
        print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|"
        m = split(rows[p], keys, "\035")
        best_peer = ""; ours = ""; xd = ""
        for (j = 1; j < m; j++) {
          k = keys[j]; split(k, parts, SUBSEP); c = parts[2]
          pct = delta[k] == "" ? "-" : sprintf("%.2f %%", 100 * delta[k] / target[p])
          printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c, bytes(delta[k]), pct, secs(dt[k]), secs(dc[k]), rss(dr[k], dtr[k]), secs(at[k]), secs(ac[k]), rss(ar[k], atr[k]), ok[k] == "" ? "-" : ok[k], load[k], note[k]
          if (c == "deltaimage") { ours = k }
          else if (delta[k] != "" && (best_peer == "" || delta[k] + 0 < delta[best_peer] + 0)) best_peer = k
          if (c == "xdelta3 -9 -S lzma -B") xd = k
        }
        if (ours != "" && delta[ours] != "" && best_peer != "" && xd != "" && dt[xd] > 0 && at[xd] > 0) {
          split(best_peer, bp, SUBSEP)
          # The apply into layer tars (in the note) is the one to set beside xdelta3, which
          # rebuilds a tar and recompresses nothing.
          tars = ""
          if (match(note[ours], /no recompression\) [0-9.]+ s/)) {
            t = substr(note[ours], RSTART, RLENGTH); sub(/^no recompression\) /, "", t); sub(/ s$/, "", t)
            tars = sprintf(", into layer tars %.1fx", t / at[xd])
          }
          printf "\nTargets (issue 12): delta %.2fx the smallest peer run here (%s; target <= 0.8x of the smallest of bsdiff, zstd -22 and xdelta3 -9 -S lzma); diff %.1fx (target <= 3x) and apply %.1fx with every blob recompressed%s (target <= 2x, plus the recompression exact blobs need) xdelta3 -9 -S lzma -B'"'"'s; peak RSS %s MiB diff, %s MiB apply (target <= 1024).\n", delta[ours] / delta[best_peer], bp[2], dt[ours] / dt[xd], at[ours] / at[xd], tars, mib(dtr[ours] > dr[ours] ? dtr[ours] : dr[ours]), mib(atr[ours] > ar[ours] ? atr[ours] : ar[ours])
        }
        printf "\n"
      }
    }' "$2" "$1"
}

# ./run bench deflate: the deflate models' encoder speed against java.util.zip and the model
# search's cost (scripts/bench-deflate.sh), report in target/bench/deflate.md. A few minutes;
# DELTAIMAGE_BENCH_DEFLATE_MIB (default 16) and DELTAIMAGE_BENCH_DEFLATE_RUNS (default 5) size it.
run_bench_deflate() {
  ensure_packages "${BENCH_PACKAGES[@]}"
  mkdir -p "$BENCH_DIR"
  step "deflate models: encoder speed and model search"
  # shellcheck source=scripts/bench-deflate.sh
  source "$SCRIPTS_DIR/bench-deflate.sh"
  # The input: a tar of the fixture root filesystem's /usr when there is one (what layers hold;
  # /usr/share/doc alone is mostly .gz files already).
  if [ -d "$ROOTFS_OLD/usr" ]; then export DELTAIMAGE_TEST_ROOTFS_OLD="$ROOTFS_OLD"; fi
  bench_deflate "" "${DELTAIMAGE_BENCH_DEFLATE_MIB:-16}" "${DELTAIMAGE_BENCH_DEFLATE_RUNS:-5}" \
    >"$BENCH_DIR/deflate.md.tmp" || die "the deflate bench failed"
  mv "$BENCH_DIR/deflate.md.tmp" "$BENCH_DIR/deflate.md"
  cat "$BENCH_DIR/deflate.md"
  log "written: ${BENCH_DIR#"$REPO_ROOT"/}/deflate.md"
}

run_bench() {
  require_root "the bench (debootstrap, dockerd, trees with root-owned files)"
  local wanted=() entry name src tgt what deflate=0 scale=0
  # "deflate" among the arguments selects the deflate step and "scale" the generated scale
  # pair (never run by default: it takes long); with no arguments every other pair runs, then
  # the deflate step.
  for name in "$@"; do
    case "$name" in
      deflate) deflate=1 ;;
      scale) scale=1 ;;
      *) wanted+=("$name") ;;
    esac
  done
  [ "$#" -eq 0 ] && deflate=1
  if [ "$#" -gt 0 ] && [ "${#wanted[@]}" -eq 0 ] && [ "$scale" = 0 ]; then
    run_bench_deflate
    return
  fi
  ensure_packages "${BENCH_PACKAGES[@]}"
  ensure_cli_built
  BENCH_LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
  mkdir -p "$BENCH_CACHE" "$BENCH_DIR"
  # The real pairs: all of them with no arguments, else those named.
  local pairs=0
  if [ "$#" -eq 0 ] || [ "${#wanted[@]}" -gt 0 ]; then pairs=1; fi
  if [ "$pairs" = 1 ]; then
    lock_fixtures
    ensure_rootfs
    lock_bench_cache
    ensure_bench_images
    unlock_fixtures
  fi

  add_exit_hook "remove_tree '$BENCH_WORK'"
  BENCH_CSV="$BENCH_DIR/results.csv.tmp"
  printf 'pair,contender,target_bytes,delta_bytes,diff_s,diff_max_rss_kib,diff_tree_rss_kib,apply_s,apply_max_rss_kib,apply_tree_rss_kib,restored,note,load1,diff_cpu_s,apply_cpu_s\n' >"$BENCH_CSV"
  : >"$BENCH_DIR/pairs.txt"
  if [ "$pairs" = 1 ]; then
    for entry in "${BENCH_PAIRS[@]}"; do
      IFS='|' read -r name src tgt what <<<"$entry"
      if [ "${#wanted[@]}" -gt 0 ] && ! printf '%s\n' "${wanted[@]}" | grep -qxF "$name"; then continue; fi
      printf '%s,%s\n' "$name" "$what" >>"$BENCH_DIR/pairs.txt"
      bench_pair "$name" "$src" "$tgt" "$what"
    done
    unlock_bench_cache
  fi
  if [ "$scale" = 1 ]; then
    BENCH_SCALE_GB="${DELTAIMAGE_BENCH_SCALE_GB:-10}"
    BENCH_SCALE_FILES="${DELTAIMAGE_BENCH_SCALE_FILES:-200000}"
    bench_scale_pair
  fi
  mv "$BENCH_CSV" "$BENCH_DIR/results.csv"
  write_markdown "$BENCH_DIR/results.csv" "$BENCH_DIR/pairs.txt" >"$BENCH_DIR/results.md"
  rm -f "$BENCH_DIR/pairs.txt"
  /usr/bin/python3 "$BENCH_TOOLS" chart "$BENCH_DIR/results.csv" "$BENCH_DIR/chart.svg" ||
    die "writing the chart failed; results are in ${BENCH_DIR#"$REPO_ROOT"/}/results.csv"
  cat "$BENCH_DIR/results.md"
  log "written: ${BENCH_DIR#"$REPO_ROOT"/}/results.md, results.csv, chart.svg"
  if [ "$deflate" = 1 ]; then run_bench_deflate; fi
}
