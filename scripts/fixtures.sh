# shellcheck shell=bash
# Test fixtures: a pair of Debian root filesystems and, when a test daemon is
# running, the images built from them. Sourced by ./run after lib.sh.
#
# Everything is cached under $DELTAIMAGE_CACHE and rebuilt only when missing or
# when its version below changes. Each fixture is built in a scratch folder
# beside its final place and moved there in one rename, so an interrupted build
# never leaves half a fixture behind.

# Bump a version to force that fixture (and everything built on it) to rebuild.
ROOTFS_OLD_VERSION=1
ROOTFS_NEW_VERSION=1
IMAGES_VERSION=2

ROOTFS_DIR="$DELTAIMAGE_CACHE/rootfs"
ROOTFS_OLD="$ROOTFS_DIR/bookworm-old"
ROOTFS_NEW="$ROOTFS_DIR/bookworm-new"
CONTEXTS_DIR="$DELTAIMAGE_CACHE/contexts"

# Image names are part of the test contract (the Java tests use them).
IMAGE_DEBIAN_OLD=deltaimage-test/debian:old
IMAGE_DEBIAN_NEW=deltaimage-test/debian:new
IMAGE_APP_OLD=deltaimage-test/app:1.0
IMAGE_APP_NEW=deltaimage-test/app:1.1
IMAGE_NOSHELL_OLD=deltaimage-test/noshell:1
IMAGE_NOSHELL_NEW=deltaimage-test/noshell:2
FIXTURE_IMAGES=("$IMAGE_DEBIAN_OLD" "$IMAGE_DEBIAN_NEW" "$IMAGE_APP_OLD" "$IMAGE_APP_NEW"
                "$IMAGE_NOSHELL_OLD" "$IMAGE_NOSHELL_NEW")
# Label on every fixture image recording what it was built from; an image
# whose label differs from the current one is rebuilt.
FIXTURE_LABEL=io.github.deltaimage.test.fixture

# ---------------------------------------------------------------------------
# Stamps: a small "key=value" file beside each rootfs (outside the tree, so
# the tree stays a pristine Debian file system).
# ---------------------------------------------------------------------------

stamp_get() { # FILE KEY
  if [ -f "$1" ]; then sed -n "/^$2=/{s/^$2=//;p;q}" "$1"; fi
}

# A rootfs is current when its tree and stamp exist and the stamp records the
# wanted version (and, for the new tree, the id of the old tree it came from).
rootfs_current() { # DIR VERSION [BASE_ID]
  local dir="$1" stamp="$1.stamp"
  [ -d "$dir" ] && [ -f "$stamp" ] || return 1
  [ "$(stamp_get "$stamp" version)" = "$2" ] || return 1
  [ -z "${3:-}" ] || [ "$(stamp_get "$stamp" base)" = "$3" ]
}

new_fixture_id() { printf '%s-%s' "$(date -u +%Y%m%dT%H%M%SZ)" "$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"; }

# Scratch folders of interrupted builds: unmount and delete.
remove_stale_scratch() {
  local d
  for d in "$ROOTFS_DIR"/.build-*; do
    [ -e "$d" ] || continue
    log "removing scratch tree of an interrupted build: $d"
    remove_tree "$d"
  done
}

# ---------------------------------------------------------------------------
# Root filesystems
# ---------------------------------------------------------------------------

# Make the tree look like a container base image: no package caches or lists.
strip_apt_state() {
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*
  mkdir -p "$1/var/lib/apt/lists/partial"
}

build_rootfs_old() {
  local mirror scratch id
  mirror="$(debian_main_mirror)"
  scratch="$(mktemp -d "$ROOTFS_DIR/.build-old.XXXXXX")"
  add_exit_hook "remove_tree '$scratch'"
  step "debootstrap --variant=minbase bookworm (${mirror:-debootstrap default mirror}); takes a few minutes"
  # Trees are 0755 folders owned by root like a real /.
  chmod 755 "$scratch"
  local args=(--variant=minbase bookworm "$scratch/root")
  [ -n "$mirror" ] && args+=("$mirror")
  if ! run_logged "$DELTAIMAGE_CACHE/logs/debootstrap.log" debootstrap "${args[@]}"; then
    die "debootstrap failed (see $DELTAIMAGE_CACHE/logs/debootstrap.log); check the machine's apt sources and network"
  fi
  strip_apt_state "$scratch/root"
  id="$(new_fixture_id)"
  printf 'version=%s\nid=%s\nmirror=%s\n' "$ROOTFS_OLD_VERSION" "$id" "$mirror" >"$ROOTFS_OLD.stamp.tmp"
  remove_tree "$ROOTFS_OLD"
  mv "$scratch/root" "$ROOTFS_OLD"
  mv "$ROOTFS_OLD.stamp.tmp" "$ROOTFS_OLD.stamp"
  remove_exit_hook "remove_tree '$scratch'"
  rmdir "$scratch"
  log "rootfs old: $ROOTFS_OLD ($(du -sb "$ROOTFS_OLD" | cut -f1) bytes)"
}

# chroot_run ROOT CMD...: run CMD inside ROOT with a plain environment (plus
# the caller's proxy settings, which debootstrap used too).
chroot_run() {
  local root="$1" var env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C DEBIAN_FRONTEND=noninteractive HOME=/root)
  shift
  for var in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    if [ -n "${!var:-}" ]; then env+=("$var=${!var}"); fi
  done
  chroot "$root" /usr/bin/env -i "${env[@]}" "$@"
}

# The host apt's proxy settings as -o options, for apt inside the chroot.
host_apt_proxy_options() {
  apt-config dump 2>/dev/null |
    sed -n 's/^\(Acquire::https\{0,1\}::Proxy\(::[^ ]*\)\{0,1\}\) "\(..*\)";$/-o\n\1=\3/p'
}

# Add the -updates and -security suites in the chroot and upgrade from them.
# Prints the number of upgraded packages on stdout. Caller mounts /proc.
# Called as `x="$(upgrade_chroot ...)" || ...`, where set -e is off: every
# step checks its own status.
upgrade_chroot() {
  local root="$1" main security updates
  main="$(sed -n '/^deb [^ ]* bookworm /{s/^deb \([^ ]*\) .*/\1/;p;q}' "$root/etc/apt/sources.list")"
  [ -n "$main" ] || main="$(debian_main_mirror)"
  updates="$(apt_uri_for_suite bookworm-updates)"
  updates="${updates:-$main}"
  security="$(debian_security_mirror "$main")"
  {
    printf 'deb %s bookworm-updates main\n' "$updates"
    if [ -n "$security" ]; then
      printf 'deb %s bookworm-security main\n' "$security"
    fi
  } >>"$root/etc/apt/sources.list" || return 1
  [ -n "$security" ] || warn "no bookworm-security source found; the new rootfs only gets bookworm-updates"

  # A snapshot mirror's Release files are past their Valid-Until; accept them.
  local apt=(apt-get -q -o Acquire::Check-Valid-Until=false -o Dpkg::Options::=--force-confold) opt
  while IFS= read -r opt; do apt+=("$opt"); done < <(host_apt_proxy_options)
  chroot_run "$root" "${apt[@]}" update >&2 || return 1
  local out upgraded
  out="$(chroot_run "$root" "${apt[@]}" -y upgrade 2>&1)" || { printf '%s\n' "$out" >&2; return 1; }
  printf '%s\n' "$out" >&2
  upgraded="$(printf '%s\n' "$out" | sed -n 's/^\([0-9][0-9]*\) upgraded,.*/\1/p' | tail -n 1)"
  upgraded="${upgraded:-0}"
  if [ "$upgraded" -eq 0 ]; then
    # Nothing pending: still make the pair differ, like a real app image would.
    chroot_run "$root" "${apt[@]}" -y install --no-install-recommends less >&2 || return 1
  fi
  chroot_run "$root" apt-get clean >&2 || return 1
  printf '%s' "$upgraded"
}

build_rootfs_new() {
  local scratch root base_id id upgraded had_resolv=0
  base_id="$(stamp_get "$ROOTFS_OLD.stamp" id)"
  scratch="$(mktemp -d "$ROOTFS_DIR/.build-new.XXXXXX")"
  root="$scratch/root"
  step "bookworm-new: copy of old + bookworm-updates and bookworm-security upgrades"
  cp -a "$ROOTFS_OLD" "$root"

  # Whatever happens, leave no mount and no scratch tree behind.
  add_exit_hook "remove_tree '$scratch'"
  # Daemons must not start inside the chroot during upgrades.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  # Name resolution for apt; put back exactly what was there afterwards.
  if [ -e "$root/etc/resolv.conf" ] || [ -L "$root/etc/resolv.conf" ]; then
    had_resolv=1
    mv "$root/etc/resolv.conf" "$scratch/resolv.conf.orig"
  fi
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  # Some maintainer scripts read /proc; nothing else is mounted.
  mount -t proc proc "$root/proc"

  local logfile="$DELTAIMAGE_CACHE/logs/upgrade.log" rc=0
  mkdir -p "$(dirname "$logfile")"
  upgraded="$(upgrade_chroot "$root" 2>"$logfile")" || rc=$?
  umount "$root/proc" || umount -l "$root/proc"
  if [ "$rc" -ne 0 ]; then
    tail -n 60 "$logfile" >&2
    die "upgrading the new rootfs failed (full log: $logfile); check the machine's apt sources and network"
  fi

  rm -f "$root/etc/resolv.conf" "$root/usr/sbin/policy-rc.d"
  [ "$had_resolv" -eq 1 ] && mv "$scratch/resolv.conf.orig" "$root/etc/resolv.conf"
  strip_apt_state "$root"

  id="$(new_fixture_id)"
  printf 'version=%s\nid=%s\nbase=%s\nupgraded=%s\n' "$ROOTFS_NEW_VERSION" "$id" "$base_id" "$upgraded" \
    >"$ROOTFS_NEW.stamp.tmp"
  remove_tree "$ROOTFS_NEW"
  mv "$root" "$ROOTFS_NEW"
  mv "$ROOTFS_NEW.stamp.tmp" "$ROOTFS_NEW.stamp"
  remove_exit_hook "remove_tree '$scratch'"
  remove_tree "$scratch"
  log "rootfs new: $ROOTFS_NEW, $upgraded packages upgraded$([ "$upgraded" -eq 0 ] && echo ' (none pending: installed less instead)')"
}

FIXTURES_LOCK_FD=8
lock_fixtures()   { take_lock "$FIXTURES_LOCK_FD" "$DELTAIMAGE_CACHE/.fixtures.lock" "building fixtures" 1800; }
unlock_fixtures() { release_lock "$FIXTURES_LOCK_FD"; }

# Build whichever rootfs is missing or out of date. Caller holds lock_fixtures
# (scratch trees of a build in progress elsewhere would look stale).
ensure_rootfs() {
  require_root "building the Debian root filesystems"
  mkdir -p "$ROOTFS_DIR"
  remove_stale_scratch
  if ! rootfs_current "$ROOTFS_OLD" "$ROOTFS_OLD_VERSION"; then
    build_rootfs_old
  fi
  if ! rootfs_current "$ROOTFS_NEW" "$ROOTFS_NEW_VERSION" "$(stamp_get "$ROOTFS_OLD.stamp" id)"; then
    build_rootfs_new
  else
    log "rootfs pair cached: $ROOTFS_OLD, $ROOTFS_NEW ($(stamp_get "$ROOTFS_NEW.stamp" upgraded) packages upgraded)"
  fi
}

# ---------------------------------------------------------------------------
# Images in the test daemon (needs services_start first)
# ---------------------------------------------------------------------------

# The label value a fixture image must carry: the images' version and the id
# of the root filesystem it was made from, so that an image is rebuilt exactly
# when what it contains changed.
fixture_label_value() { # IMAGE
  case "$1" in
    "$IMAGE_DEBIAN_OLD" | "$IMAGE_APP_OLD") printf 'v%s/%s' "$IMAGES_VERSION" "$(stamp_get "$ROOTFS_OLD.stamp" id)" ;;
    "$IMAGE_DEBIAN_NEW" | "$IMAGE_APP_NEW") printf 'v%s/%s' "$IMAGES_VERSION" "$(stamp_get "$ROOTFS_NEW.stamp" id)" ;;
    *) printf 'v%s' "$IMAGES_VERSION" ;;
  esac
}

image_current() { # NAME
  local have
  have="$(test_docker image inspect -f "{{ index .Config.Labels \"$FIXTURE_LABEL\" }}" "$1" 2>/dev/null)" || return 1
  [ "$have" = "$(fixture_label_value "$1")" ]
}

# True when every fixture image is in the daemon and current.
fixture_images_ready() {
  local image
  rootfs_current "$ROOTFS_OLD" "$ROOTFS_OLD_VERSION" || return 1
  for image in "${FIXTURE_IMAGES[@]}"; do
    image_current "$image" || return 1
  done
}

# Deterministic pseudo-random bytes: prng_bytes NAME SIZE. The seed is derived
# from NAME, so the same name always gives the same bytes (perl's rand is its
# own drand48 since 5.20, identical on every machine). No downloads needed.
prng_bytes() {
  local seed
  seed="$(printf '%s' "$1" | cksum | cut -d' ' -f1)"
  perl -e 'my ($seed, $n) = @ARGV; srand($seed);
           my $s = pack("L<*", map { int(rand(4294967296)) } 1 .. int(($n + 3) / 4));
           print substr($s, 0, $n);' "$seed" "$2"
}

# A "next version" of a binary file: same bytes except REGIONS short runs
# overwritten at spread-out offsets, plus APPEND new bytes at the end. This is
# what a point release of a dependency looks like to a delta encoder.
# mutate_copy SRC DST NAME REGIONS REGION_SIZE APPEND
mutate_copy() {
  local src="$1" dst="$2" name="$3" regions="$4" region_size="$5" append="$6" size i offset
  cp "$src" "$dst"
  size="$(stat -c %s "$src")"
  for ((i = 1; i <= regions; i++)); do
    offset=$((size * i / (regions + 1)))
    prng_bytes "$name-patch-$i" "$region_size" |
      dd of="$dst" bs=1 seek="$offset" conv=notrunc status=none
  done
  [ "$append" -eq 0 ] || prng_bytes "$name-tail" "$append" >>"$dst"
}

# Build context of the multi-layer app image. VERSION is 1.0 or 1.1.
write_app_context() { # DIR VERSION BASE_IMAGE IMAGE
  local dir="$1" version="$2" base="$3" image="$4" KiB=1024
  mkdir -p "$dir/lib" "$dir/app/bin" "$dir/app/etc"
  # Dependencies: libfoo gets a point release, libbar is identical, libbaz is
  # replaced by libqux (a file that only exists in one version).
  prng_bytes libfoo-1.2.3 $((3072 * KiB)) >"$dir/lib/libfoo-1.2.3.jar"
  prng_bytes libbar-4.0.0 $((1536 * KiB)) >"$dir/lib/libbar-4.0.0.jar"
  prng_bytes app-1.0 $((256 * KiB)) >"$dir/app/app.jar"
  if [ "$version" = 1.0 ]; then
    prng_bytes libbaz-0.9 $((512 * KiB)) >"$dir/lib/libbaz-0.9.jar"
  else
    mutate_copy "$dir/lib/libfoo-1.2.3.jar" "$dir/lib/libfoo-1.2.4.jar" libfoo-1.2.4 3 4096 $((64 * KiB))
    rm "$dir/lib/libfoo-1.2.3.jar"
    prng_bytes libqux-2.0 $((384 * KiB)) >"$dir/lib/libqux-2.0.jar"
    mutate_copy "$dir/app/app.jar" "$dir/app/app.jar.new" app-1.1 2 1024 $((8 * KiB))
    mv "$dir/app/app.jar.new" "$dir/app/app.jar"
  fi
  # Deleted again in a later layer: the image carries a whiteout for it.
  prng_bytes "build-cache-$version" $((128 * KiB)) >"$dir/app/etc/build-cache.tmp"
  printf 'app.version=%s\nserver.port=8080\nlog.level=info\n' "$version" >"$dir/app/etc/app.properties"
  cat >"$dir/app/bin/app.sh" <<SCRIPT
#!/bin/sh
# deltaimage test app $version: not meant to do anything useful.
echo "app $version on port \${1:-8080}"
SCRIPT
  chmod 755 "$dir/app/bin/app.sh"
  cat >"$dir/Dockerfile" <<DOCKERFILE
FROM $base
LABEL org.opencontainers.image.title="deltaimage test app" \\
      org.opencontainers.image.version="$version" \\
      $FIXTURE_LABEL="$(fixture_label_value "$image")"
ENV APP_HOME=/opt/app APP_VERSION=$version JAVA_TOOL_OPTIONS="-Xmx64m"
WORKDIR /opt/app
# Layer 1: third-party dependencies.
COPY --chown=10001:10001 lib/ /opt/app/lib/
# Layer 2: the application, config, and a build leftover.
COPY --chown=10001:10001 app/ /opt/app/
# Layer 3: delete the leftover (whiteout), add a hardlinked pair (both names
# new in this layer, so the layer tar stores a real hardlink) and a folder.
RUN rm /opt/app/etc/build-cache.tmp \\
 && cp /opt/app/bin/app.sh /opt/app/bin/launcher \\
 && ln /opt/app/bin/launcher /opt/app/bin/app \\
 && mkdir -p /opt/app/var/data \\
 && echo "$version" >/opt/app/VERSION \\
 && chown -R 10001:10001 /opt/app/var
USER 10001:10001
EXPOSE 8080/tcp
CMD ["/opt/app/bin/app", "8080"]
DOCKERFILE
}

# Build context of the shell-less FROM scratch image. VERSION is 1 or 2.
write_noshell_context() { # DIR VERSION IMAGE
  local dir="$1" version="$2" image="$3"
  mkdir -p "$dir/data" "$dir/etc"
  # Some real ELF bytes as plain data; version 2 is slightly different.
  cp "$(command -v xdelta3)" "$dir/data/tool"
  if [ "$version" = 2 ]; then
    mutate_copy "$dir/data/tool" "$dir/data/tool.new" noshell-2 2 256 0
    mv "$dir/data/tool.new" "$dir/data/tool"
  fi
  printf 'name=noshell\nversion=%s\n' "$version" >"$dir/etc/noshell.conf"
  cat >"$dir/Dockerfile" <<DOCKERFILE
FROM scratch
LABEL org.opencontainers.image.title="deltaimage test noshell" \\
      org.opencontainers.image.version="$version" \\
      $FIXTURE_LABEL="$(fixture_label_value "$image")"
COPY data/ /data/
COPY etc/ /etc/
ENV NOSHELL_VERSION=$version
CMD ["/data/tool"]
DOCKERFILE
}

# (Re)generate a build context under the cache, atomically.
generate_context() { # NAME WRITER ARGS...
  local name="$1" writer="$2" scratch; shift 2
  mkdir -p "$CONTEXTS_DIR"
  scratch="$(mktemp -d "$CONTEXTS_DIR/.build-$name.XXXXXX")"
  add_exit_hook "rm -rf '$scratch'"
  "$writer" "$scratch" "$@"
  # Fixed mtimes: COPY keeps them, so layers come out the same every build.
  find "$scratch" -exec touch -h -d @1700000000 {} +
  rm -rf "${CONTEXTS_DIR:?}/$name"
  mv "$scratch" "$CONTEXTS_DIR/$name"
  remove_exit_hook "rm -rf '$scratch'"
  printf '%s' "$CONTEXTS_DIR/$name"
}

import_rootfs_image() { # ROOTFS NAME
  step "docker import $2"
  tar -C "$1" --numeric-owner -cf - . |
    run_logged "$DELTAIMAGE_CACHE/logs/import.log" test_docker import \
      --change "LABEL $FIXTURE_LABEL=$(fixture_label_value "$2")" --change 'CMD ["bash"]' - "$2" ||
    die "docker import of $1 as $2 failed (log: $DELTAIMAGE_CACHE/logs/import.log)"
}

build_image() { # CONTEXT NAME
  step "docker build $2 (legacy builder)"
  DOCKER_BUILDKIT=0 run_logged "$DELTAIMAGE_CACHE/logs/build.log" \
    test_docker build --network=none --force-rm -t "$2" "$1" ||
    die "docker build of $2 failed (log: $DELTAIMAGE_CACHE/logs/build.log)"
}

# Import or build whichever fixture image is missing or out of date.
ensure_images() {
  local rebuilt=0
  if ! image_current "$IMAGE_DEBIAN_OLD"; then
    import_rootfs_image "$ROOTFS_OLD" "$IMAGE_DEBIAN_OLD"; rebuilt=1
  fi
  if ! image_current "$IMAGE_DEBIAN_NEW"; then
    import_rootfs_image "$ROOTFS_NEW" "$IMAGE_DEBIAN_NEW"; rebuilt=1
  fi
  if ! image_current "$IMAGE_APP_OLD"; then
    build_image "$(generate_context app-1.0 write_app_context 1.0 "$IMAGE_DEBIAN_OLD" "$IMAGE_APP_OLD")" "$IMAGE_APP_OLD"; rebuilt=1
  fi
  if ! image_current "$IMAGE_APP_NEW"; then
    build_image "$(generate_context app-1.1 write_app_context 1.1 "$IMAGE_DEBIAN_NEW" "$IMAGE_APP_NEW")" "$IMAGE_APP_NEW"; rebuilt=1
  fi
  if ! image_current "$IMAGE_NOSHELL_OLD"; then
    build_image "$(generate_context noshell-1 write_noshell_context 1 "$IMAGE_NOSHELL_OLD")" "$IMAGE_NOSHELL_OLD"; rebuilt=1
  fi
  if ! image_current "$IMAGE_NOSHELL_NEW"; then
    build_image "$(generate_context noshell-2 write_noshell_context 2 "$IMAGE_NOSHELL_NEW")" "$IMAGE_NOSHELL_NEW"; rebuilt=1
  fi
  if [ "$rebuilt" -eq 1 ]; then
    # Replaced fixture images linger untagged; vfs stores every layer in full.
    test_docker image prune -f >/dev/null
  fi
  fixture_images_ready || die "fixture images still not current after building them; see $DELTAIMAGE_CACHE/logs/"
  log "fixture images ready: ${FIXTURE_IMAGES[*]}"
}
