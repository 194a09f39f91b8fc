#!/usr/bin/env bash
# Wall time of the docker-file flow on the fixture pairs, as users run it:
#
#   deltaimage docker-file diff A B | docker build --no-cache -t delta -
#   deltaimage docker-file apply delta | docker build --no-cache -t restored -
#
# (legacy builder, --network=none), plus the sizes involved and whether the restored image's files
# equal the target's (docker export listing, mtimes included). Next to it, on the same pair:
#
#   deltaimage image diff docker-daemon:A docker-daemon:B docker-daemon:delta
#   deltaimage image apply docker-daemon:delta docker-daemon:restored
#
# Prints a Markdown table.
#
# Needs the test services and fixtures (./run services start && ./run fixtures); run as root:
#   bash scripts/measure-docker-file.sh [PAIR...]      PAIR: debian app noshell (default: all)
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/services.sh
source "$SCRIPTS_DIR/services.sh"
# shellcheck source=scripts/fixtures.sh
source "$SCRIPTS_DIR/fixtures.sh"
# shellcheck source=scripts/maven.sh
source "$SCRIPTS_DIR/maven.sh"
# shellcheck source=scripts/tool-image.sh
source "$SCRIPTS_DIR/tool-image.sh"

cd "$REPO_ROOT"
services_running || die "test services are not running; start them with ./run services start, then ./run fixtures"
export DOCKER_HOST="unix://$DOCKER_SOCK" DOCKER_BUILDKIT=0
for image in "${FIXTURE_IMAGES[@]}"; do
  "$DOCKER_CLI" image inspect "$image" >/dev/null 2>&1 || die "fixture image $image is missing; run ./run fixtures"
done

# shellcheck disable=SC2119 # the tool image for this checkout's jar, default tag
tool="$(build_tool_image)"
pairs=("$@")
[ "${#pairs[@]}" -gt 0 ] || pairs=(debian app noshell)

pair_images() {
  case "$1" in
    debian) echo "$IMAGE_DEBIAN_OLD $IMAGE_DEBIAN_NEW" ;;
    app) echo "$IMAGE_APP_OLD $IMAGE_APP_NEW" ;;
    noshell) echo "$IMAGE_NOSHELL_OLD $IMAGE_NOSHELL_NEW" ;;
    *) die "unknown pair $1 (debian, app, noshell)" ;;
  esac
}

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
image_size() { "$DOCKER_CLI" image inspect -f '{{.Size}}' "$1"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# The export listing of IMAGE without what docker create adds (see ImageContent in the tests).
listing() {
  local c
  c="$("$DOCKER_CLI" create "$1" /never-runs)"
  "$DOCKER_CLI" export "$c" | TZ=UTC tar -tvv --numeric-owner --full-time -f - |
    grep -Ev ' (\.dockerenv|dev/?|dev/(console|pts/?|shm/?)|etc/?|etc/(hostname|hosts|resolv\.conf|mtab)|proc/?|sys/?)( -> .*)?$' |
    LC_ALL=C sort
  "$DOCKER_CLI" rm "$c" >/dev/null
}

cli=(bin/deltaimage)
"${cli[@]}" --version >/dev/null # builds the CLI first if needed, outside the timings

printf '| pair | target | delta layer | docker-file diff + build | docker-file apply + build | restored files equal | image diff | image apply | same image ID |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for pair in "${pairs[@]}"; do
  read -r old new <<<"$(pair_images "$pair")"
  src="deltaimage-measure/$pair:source" dst="deltaimage-measure/$pair:target"
  delta="deltaimage-measure/$pair:delta" restored="deltaimage-measure/$pair:restored"
  # Our own tags: a fixture rebuilt meanwhile by another run on the same daemon cannot change the pair.
  "$DOCKER_CLI" tag "$old" "$src"
  "$DOCKER_CLI" tag "$new" "$dst"
  log="$REPO_ROOT/target/measure-$pair.log"
  mkdir -p "$(dirname "$log")"

  t0="$(now)"
  "${cli[@]}" docker-file diff "$src" "$dst" | "$DOCKER_CLI" build --no-cache --network=none -t "$delta" - >"$log" 2>&1 ||
    die "diff build of $pair failed (log: $log)"
  t1="$(now)"
  "${cli[@]}" docker-file apply "$delta" | "$DOCKER_CLI" build --no-cache --network=none -t "$restored" - >>"$log" 2>&1 ||
    die "apply build of $pair failed (log: $log)"
  t2="$(now)"

  # To files first: cmp stops reading at the first difference, which would kill a listing mid-way.
  listing "$dst" >"$log.target-listing"
  listing "$restored" >"$log.restored-listing"
  equal=no
  if cmp -s "$log.target-listing" "$log.restored-listing"; then equal=yes; fi
  delta_bytes=$(($(image_size "$delta") - $(image_size "$src")))

  # The image commands on the same pair, daemon to daemon.
  image_delta="deltaimage-measure/$pair:image-delta" image_restored="deltaimage-measure/$pair:image-restored"
  t3="$(now)"
  "${cli[@]}" image diff "docker-daemon:$src" "docker-daemon:$dst" "docker-daemon:$image_delta" >>"$log" 2>&1 ||
    die "deltaimage image diff of $pair failed (log: $log)"
  t4="$(now)"
  "${cli[@]}" image apply "docker-daemon:$image_delta" "docker-daemon:$image_restored" >>"$log" 2>&1 ||
    die "deltaimage image apply of $pair failed (log: $log)"
  t5="$(now)"
  same_id=no
  [ "$("$DOCKER_CLI" image inspect -f '{{.Id}}' "$image_restored")" = "$("$DOCKER_CLI" image inspect -f '{{.Id}}' "$dst")" ] && same_id=yes

  printf '| %s | %s MiB | %s MiB | %s s | %s s | %s | %s s | %s s | %s |\n' "$pair" "$(mib "$(image_size "$dst")")" \
    "$(mib "$delta_bytes")" "$(seconds "$t0" "$t1")" "$(seconds "$t1" "$t2")" "$equal" \
    "$(seconds "$t3" "$t4")" "$(seconds "$t4" "$t5")" "$same_id"
  "$DOCKER_CLI" rmi "$delta" "$restored" "$image_delta" "$image_restored" "$src" "$dst" >/dev/null 2>&1 || true
done
# The temporary stages the legacy builder keeps as untagged images (full copies on vfs).
"$DOCKER_CLI" image prune -f >/dev/null
printf '\ntool image %s; %s cores, load average %s; docker %s (%s)\n' "$tool" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$("$DOCKER_CLI" version --format '{{.Server.Version}}')" "$("$DOCKER_CLI" info --format '{{.Driver}}')"
