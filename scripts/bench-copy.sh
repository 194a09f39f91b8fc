#!/usr/bin/env bash
# Copy throughput of `deltaimage copy` next to `skopeo copy`, per transport pair, on one image
# (default: the fixture deltaimage-test/debian:old, ~120 MB), against the test services.
#
#   eval "$(./run services env)"; ./run fixtures      # services and fixture images
#   scripts/bench-copy.sh [IMAGE]                      # markdown table on stdout
#   scripts/bench-copy.sh --big                        # a 2 GiB layer copied with -Xmx256m
#
# Each figure is one run's wall time including JVM start (ours) or process start (skopeo); the
# machine's other load shows in them, so compare within a row. Nothing here is a test.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

[ -n "${DELTAIMAGE_TEST_REGISTRY:-}" ] || eval "$("$REPO_ROOT/run" services env)"
: "${DOCKER_HOST:?}" "${DELTAIMAGE_TEST_REGISTRY:?}" "${DELTAIMAGE_TEST_AUTH_REGISTRY:?}"

jar="$(ls "$REPO_ROOT"/deltaimage-cli/target/deltaimage-cli-*-all.jar 2>/dev/null | head -n 1 || true)"
if [ -z "$jar" ]; then
  (cd "$REPO_ROOT" && mvn -B -q -DskipTests -Dinvoker.skip install) >&2
  jar="$(ls "$REPO_ROOT"/deltaimage-cli/target/deltaimage-cli-*-all.jar | head -n 1)"
fi
heap="${DELTAIMAGE_BENCH_HEAP:-256m}"
ours() { java "-Xmx$heap" -jar "$jar" copy -q "$@" >/dev/null; }
theirs() {
  # skopeo remembers which registry repositories hold which blobs and would mount instead of copy
  # (deltaimage keeps no such cache): forget it before every run so both move the same bytes.
  rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
  skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
    --src-daemon-host "$DOCKER_HOST" --dest-daemon-host "$DOCKER_HOST" \
    --dest-creds "$DELTAIMAGE_TEST_AUTH_USER:$DELTAIMAGE_TEST_AUTH_PASSWORD" "$@" >/dev/null
}
export -f ours theirs
export jar heap
seconds() { # CMD...: "WALL CPU" seconds of CMD (CPU = user + system, children included)
  /usr/bin/time -f '%e %U %S' -o "$work/time" bash -c '"$@"' _ "$@"
  awk '{ printf "%.1f %.1f", $1, $2 + $3 }' "$work/time"
}
wall() { printf '%s' "${1%% *}"; }
cpu() { printf '%s' "${1##* }"; }
rate() { awk -v mb="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? mb / s : 0) }'; }

work="$(mktemp -d "${TMPDIR:-/var/tmp}/deltaimage-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
run_id="$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
reg="$DELTAIMAGE_TEST_REGISTRY"
auth="$DELTAIMAGE_TEST_AUTH_REGISTRY"
creds="$DELTAIMAGE_TEST_AUTH_USER:$DELTAIMAGE_TEST_AUTH_PASSWORD"

if [ "${1:-}" = "--big" ]; then
  # One 2 GiB layer of random bytes (incompressible: the worst case for every stage).
  step "making a docker-archive with one 2 GiB layer"
  mkdir -p "$work/layer" "$work/root/l1"
  head -c 2G /dev/urandom >"$work/layer/big.bin"
  tar -C "$work/layer" -cf "$work/root/l1/layer.tar" .
  rm -rf "$work/layer"
  diff_id="sha256:$(sha256sum "$work/root/l1/layer.tar" | cut -d' ' -f1)"
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}' "$diff_id" >"$work/config.json"
  cfg="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
  mv "$work/config.json" "$work/root/$cfg.json"
  printf '[{"Config":"%s.json","RepoTags":["bench/big:1"],"Layers":["l1/layer.tar"]}]' "$cfg" >"$work/root/manifest.json"
  tar -C "$work/root" -cf "$work/big.tar" . && rm -rf "$work/root"
  size_mb="$(du -m "$work/big.tar" | cut -f1)"
  printf '2 GiB layer, java -Xmx%s (archive %s MB)\n\n| pair | deltaimage s | MB/s |\n|---|---|---|\n' "$heap" "$size_mb"
  s="$(seconds ours --gzip-level 1 "docker-archive:$work/big.tar" "oci:$work/oci:big")"
  printf '| docker-archive -> oci (gzip -1) | %s | %s |\n' "$(wall "$s")" "$(rate "$size_mb" "$(wall "$s")")"
  rm -f "$work/big.tar"
  s="$(seconds ours "oci:$work/oci:big" "docker://$reg/bench-$run_id/big:1")"
  printf '| oci -> registry | %s | %s |\n' "$(wall "$s")" "$(rate "$size_mb" "$(wall "$s")")"
  rm -rf "$work/oci"
  s="$(seconds ours "docker://$reg/bench-$run_id/big:1" "docker-archive:$work/back.tar:bench/big:1")"
  printf '| registry -> docker-archive | %s | %s |\n' "$(wall "$s")" "$(rate "$size_mb" "$(wall "$s")")"
  got="$(tar -xOf "$work/back.tar" manifest.json | grep -o '"Config":"[0-9a-f]*' | cut -d'"' -f4)"
  [ "$got" = "$cfg" ] || die "image ID changed on the way: $got, not $cfg"
  exit 0
fi

image="${1:-deltaimage-test/debian:old}"
size_mb="$(docker image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f", $1 / 1e6 }')"
step "image $image, $size_mb MB uncompressed; registries $reg (plain) and $auth (htpasswd)"

# Seed the places each pair reads from, with skopeo (so both tools read the same bytes).
skopeo copy -q --src-daemon-host "$DOCKER_HOST" "docker-daemon:$image" "oci:$work/seed:1"
skopeo copy -q --dest-tls-verify=false "oci:$work/seed:1" "docker://$reg/bench-$run_id/seed:1"
skopeo copy -q --src-daemon-host "$DOCKER_HOST" "docker-daemon:$image" "docker-archive:$work/seed.tar:bench/seed:1"

printf '%s, %s MB uncompressed; seconds wall (MB/s of the uncompressed size) and CPU seconds, one run each; load average %s\n\n' \
  "$image" "$size_mb" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| pair | deltaimage wall | deltaimage CPU | skopeo wall | skopeo CPU |\n|---|---|---|---|---|\n'
row() { # NAME OURS_SRC OURS_DST THEIRS_SRC THEIRS_DST
  local a b
  a="$(seconds ours --dest-creds "$creds" "$2" "$3")"
  b="$(seconds theirs "$4" "$5")"
  printf '| %s | %s s (%s) | %s s | %s s (%s) | %s s |\n' "$1" "$(wall "$a")" "$(rate "$size_mb" "$(wall "$a")")" "$(cpu "$a")" \
    "$(wall "$b")" "$(rate "$size_mb" "$(wall "$b")")" "$(cpu "$b")"
}
row "daemon -> oci" "docker-daemon:$image" "oci:$work/o1:1" "docker-daemon:$image" "oci:$work/o2:1"
row "daemon -> registry" "docker-daemon:$image" "docker://$reg/bench-$run_id/d1:1" "docker-daemon:$image" "docker://$reg/bench-$run_id/d2:1"
row "daemon -> docker-archive" "docker-daemon:$image" "docker-archive:$work/a1.tar" "docker-daemon:$image" "docker-archive:$work/a2.tar"
row "oci -> registry" "oci:$work/seed:1" "docker://$reg/bench-$run_id/o1:1" "oci:$work/seed:1" "docker://$reg/bench-$run_id/o2:1"
row "oci -> docker-archive" "oci:$work/seed:1" "docker-archive:$work/b1.tar" "oci:$work/seed:1" "docker-archive:$work/b2.tar"
row "registry -> registry (other host)" "docker://$reg/bench-$run_id/seed:1" "docker://$auth/bench-$run_id/r1:1" "docker://$reg/bench-$run_id/seed:1" "docker://$auth/bench-$run_id/r2:1"
row "registry -> oci" "docker://$reg/bench-$run_id/seed:1" "oci:$work/r1:1" "docker://$reg/bench-$run_id/seed:1" "oci:$work/r2:1"
row "registry -> docker-archive" "docker://$reg/bench-$run_id/seed:1" "docker-archive:$work/c1.tar" "docker://$reg/bench-$run_id/seed:1" "docker-archive:$work/c2.tar"
row "registry -> daemon" "docker://$reg/bench-$run_id/seed:1" "docker-daemon:bench-$run_id/r1:1" "docker://$reg/bench-$run_id/seed:1" "docker-daemon:bench-$run_id/r2:1"
row "docker-archive -> daemon" "docker-archive:$work/seed.tar" "docker-daemon:bench-$run_id/a1:1" "docker-archive:$work/seed.tar" "docker-daemon:bench-$run_id/a2:1"
row "docker-archive -> registry" "docker-archive:$work/seed.tar" "docker://$reg/bench-$run_id/e1:1" "docker-archive:$work/seed.tar" "docker://$reg/bench-$run_id/e2:1"
docker rmi -f "bench-$run_id/r1:1" "bench-$run_id/r2:1" "bench-$run_id/a1:1" "bench-$run_id/a2:1" >/dev/null 2>&1 || true
