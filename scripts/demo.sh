# shellcheck shell=bash
# ./run demo: the product's main job end to end on a real Debian rootfs pair,
# no daemon or registry involved. Sourced by ./run after lib.sh and fixtures.sh.
#
#   copy bookworm-new to target/demo/work
#   bin/deltaimage diff  bookworm-old work    (work becomes the delta tree)
#   bin/deltaimage apply bookworm-old work    (work becomes bookworm-new again)
#   prove work == bookworm-new with find/sha256sum/getfattr, not with our code

DEMO_DIR="$REPO_ROOT/target/demo"
DELTAIMAGE_BIN="$REPO_ROOT/bin/deltaimage"

# The CLI jar is missing or older than its sources: build it now, so that
# bin/deltaimage does not rebuild inside the timed runs.
ensure_cli_built() {
  local jar
  jar="$(find "$REPO_ROOT/deltaimage-cli/target" -maxdepth 1 -name 'deltaimage-cli-*-all.jar' 2>/dev/null | head -n 1 || true)"
  if [ -z "$jar" ] || [ -n "$(find "$REPO_ROOT"/deltaimage-*/src "$REPO_ROOT"/pom.xml "$REPO_ROOT"/deltaimage-*/pom.xml \
        -newer "$jar" -print -quit 2>/dev/null)" ]; then
    step "building the project (./run build)"
    maven_build
  fi
  [ -x "$DELTAIMAGE_BIN" ] || die "$DELTAIMAGE_BIN is missing or not executable"
}

tree_bytes() { du -sb --apparent-size "$1" | cut -f1; }
tree_gzip_bytes() { tar -C "$1" --numeric-owner -cf - . | gzip -6 | wc -c; }

# timed NAME CMD...: run CMD under /usr/bin/time; leaves "SECONDS KIB" in
# $DEMO_DIR/NAME.time and CMD's output in $DEMO_DIR/NAME.log.
timed() {
  local name="$1"; shift
  if ! /usr/bin/time -f '%e %M' -o "$DEMO_DIR/$name.time" "$@" >"$DEMO_DIR/$name.log" 2>&1; then
    tail -n 20 "$DEMO_DIR/$name.log" >&2
    die "'${*#"$REPO_ROOT"/}' failed (output above, full in ${DEMO_DIR#"$REPO_ROOT"/}/$name.log)"
  fi
}
time_seconds() { cut -d' ' -f1 "$DEMO_DIR/$1.time"; }
time_rss_mib() { awk '{ printf "%.0f", $2 / 1024 }' "$DEMO_DIR/$1.time"; }

percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f%%", b ? 100 * a / b : 0 }'; }

# Everything about a tree that must survive diff + apply, one file per aspect,
# written by standard tools only.
describe_tree() { # TREE OUTDIR
  local tree="$1" out="$2"
  mkdir -p "$out"
  (
    cd "$tree" || exit 1
    # Path, type, mode, owner, group, mtime, size, link target, link count.
    # A directory's size is how much its file system block list ever grew
    # (ext4 never shrinks it), not content, and no layer format carries it.
    find . -printf '%P\t%y\t%m\t%U\t%G\t%T@\t%s\t%l\t%n\n' |
      awk -F'\t' -v OFS='\t' '$2 == "d" { $7 = "-" } { print }' | LC_ALL=C sort >"$out/listing"
    # Which names share an inode: each multiply-linked file with the first
    # name of its group (inode numbers themselves differ between trees).
    find . -type f -links +1 -printf '%i\t%P\n' | LC_ALL=C sort -t "$(printf '\t')" -k2 |
      awk -F'\t' '!($1 in first) { first[$1] = $2 } { print $2 "\t" first[$1] }' |
      LC_ALL=C sort >"$out/hardlinks"
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum >"$out/sha256"
    find . -print0 | LC_ALL=C sort -z |
      xargs -0 -r getfattr --absolute-names -h -d -m - 2>/dev/null >"$out/xattrs" || true
  )
}

# Compare two descriptions; print what differs and fail if anything does.
compare_descriptions() { # EXPECTED ACTUAL
  local aspect differ=0
  for aspect in listing hardlinks sha256 xattrs; do
    if ! cmp -s "$1/$aspect" "$2/$aspect"; then
      differ=1
      log "restored tree differs from the target in: $aspect (first differences, - target + restored)"
      diff -u "$1/$aspect" "$2/$aspect" | sed -n '3,42p' >&2 || true
    fi
  done
  return "$differ"
}

run_demo() {
  require_root "the demo (debootstrap, and trees with root-owned files)"
  ensure_packages "${DEMO_PACKAGES[@]}"
  ensure_cli_built
  lock_fixtures
  ensure_rootfs
  unlock_fixtures

  remove_tree "$DEMO_DIR"
  mkdir -p "$DEMO_DIR"
  local work="$DEMO_DIR/work"
  step "copying bookworm-new to ${work#"$REPO_ROOT"/}"
  cp -a "$ROOTFS_NEW" "$work"

  step "bin/deltaimage diff bookworm-old work"
  timed diff "$DELTAIMAGE_BIN" diff "$ROOTFS_OLD" "$work"
  local target_raw target_gz delta_raw delta_gz
  target_raw="$(tree_bytes "$ROOTFS_NEW")"
  target_gz="$(tree_gzip_bytes "$ROOTFS_NEW")"
  delta_raw="$(tree_bytes "$work")"
  delta_gz="$(tree_gzip_bytes "$work")"

  step "bin/deltaimage apply bookworm-old work"
  timed apply "$DELTAIMAGE_BIN" apply "$ROOTFS_OLD" "$work"

  printf '\n'
  printf '%-22s %15s %15s\n' "" "bytes" "tar | gzip -6"
  printf '%-22s %15s %15s\n' "target (bookworm-new)" "$target_raw" "$target_gz"
  printf '%-22s %15s %15s\n' "delta tree" "$delta_raw" "$delta_gz"
  printf '%-22s %15s %15s\n' "delta / target" "$(percent "$delta_raw" "$target_raw")" "$(percent "$delta_gz" "$target_gz")"
  printf '%-22s %12s s %11s MiB peak RSS\n' "diff" "$(time_seconds diff)" "$(time_rss_mib diff)"
  printf '%-22s %12s s %11s MiB peak RSS\n' "apply" "$(time_seconds apply)" "$(time_rss_mib apply)"
  printf '(%s packages upgraded between old and new)\n\n' "$(stamp_get "$ROOTFS_NEW.stamp" upgraded)"

  step "comparing the restored tree with the target (find, sha256sum, getfattr)"
  describe_tree "$ROOTFS_NEW" "$DEMO_DIR/expected"
  describe_tree "$work" "$DEMO_DIR/restored"
  if compare_descriptions "$DEMO_DIR/expected" "$DEMO_DIR/restored"; then
    printf 'restored tree equals the target (%s entries, %s regular files)\n' \
      "$(wc -l <"$DEMO_DIR/expected/listing")" "$(wc -l <"$DEMO_DIR/expected/sha256")"
  else
    printf 'restored tree differs from the target (details above; descriptions in %s)\n' \
      "${DEMO_DIR#"$REPO_ROOT"/}/{expected,restored}" >&2
    exit 1
  fi
}
