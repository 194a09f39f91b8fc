# shellcheck shell=bash
# Test services on this machine only: one dockerd (unix socket, no TCP) and two
# Distribution registries on 127.0.0.1, one open and one behind htpasswd.
# Sourced by ./run after lib.sh.
#
# State lives in $STATE_DIR: sockets, pid files, generated configs, and `env`,
# the environment contract of the running services. The daemon's image store
# lives in the cache so that imported fixture images survive a restart.

DOCKER_SOCK="$STATE_DIR/docker.sock"
DOCKER_PIDFILE="$STATE_DIR/docker.pid"          # written by dockerd once up
DOCKER_LAUNCH_PIDFILE="$STATE_DIR/dockerd.launch-pid"  # written by us at launch
DOCKER_DATA_ROOT="$DELTAIMAGE_CACHE/docker"
ENV_FILE="$STATE_DIR/env"
# Ports are tried from here upward; each registry takes the first free one.
REGISTRY_FIRST_PORT="${DELTAIMAGE_TEST_FIRST_PORT:-5055}"
SERVICE_WAIT_SECONDS=60
# Service logs outlive the state folder, so that a failed start can be read.
SERVICE_LOG_DIR="$DELTAIMAGE_CACHE/logs"

# docker against our daemon only, whatever DOCKER_HOST the caller has.
test_docker() { DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER_CLI" "$@"; }

# A pid counts as one of our services only while it runs and its command line
# names our state folder: after a crash or reboot the number may belong to
# some unrelated process, which we must never signal.
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null &&
    tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "$STATE_DIR/"
}
pid_from() { if [ -f "$1" ]; then tr -dc '0-9' <"$1"; fi; }

# True when all three services recorded in $STATE_DIR are up and answering.
services_running() {
  [ -f "$ENV_FILE" ] || return 1
  pid_alive "$(pid_from "$DOCKER_LAUNCH_PIDFILE")" || return 1
  pid_alive "$(pid_from "$STATE_DIR/registry-plain/pid")" || return 1
  pid_alive "$(pid_from "$STATE_DIR/registry-auth/pid")" || return 1
  test_docker version >/dev/null 2>&1
}

port_in_use() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

# First port >= $1 that nothing listens on (and that is not $2, taken by a
# registry we just started).
free_port() {
  local port="$1"
  while port_in_use "$port" || [ "$port" = "${2:-}" ]; do
    port=$((port + 1))
    [ "$port" -lt $(($1 + 200)) ] || die "no free TCP port in $1..$port on 127.0.0.1"
  done
  printf '%s' "$port"
}

# wait_until SECONDS PID WHAT LOG CMD...: poll CMD every half second until it
# succeeds; fail early if PID died, and after SECONDS in any case.
wait_until() {
  local seconds="$1" pid="$2" what="$3" logfile="$4"; shift 4
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    # Just liveness here: right after the fork the child may not have
    # exec'd yet, so its command line is still ours.
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$logfile" >&2 || true
      die "$what exited during startup (log: $logfile)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$logfile" >&2 || true
      die "$what did not come up within ${seconds}s (log: $logfile); try ./run services stop, then again"
    fi
    sleep 0.5
  done
}

# Start a process detached from our terminal and session, so that it outlives
# `./run services start`, and record its pid.
spawn() { # PIDFILE LOG CMD...
  local pidfile="$1" logfile="$2"; shift 2
  # The daemons must not inherit our lock descriptors: they would hold the
  # locks for as long as they run.
  setsid "$@" </dev/null >"$logfile" 2>&1 8>&- 9>&- &
  printf '%s\n' "$!" >"$pidfile"
}

start_dockerd() {
  mkdir -p "$DOCKER_DATA_ROOT" "$STATE_DIR/exec"
  rm -f "$DOCKER_SOCK" "$DOCKER_PIDFILE"
  # Our own (empty) config file, so that a machine's /etc/docker/daemon.json
  # (hosts, storage driver, ...) cannot leak in and clash with our flags.
  printf '{}\n' >"$STATE_DIR/daemon.json"
  local args=(
    --config-file="$STATE_DIR/daemon.json"
    --host="unix://$DOCKER_SOCK"
    --data-root="$DOCKER_DATA_ROOT"
    --exec-root="$STATE_DIR/exec"
    --pidfile="$DOCKER_PIDFILE"
    --storage-driver=vfs
    --iptables=false --ip-masq=false --bridge=none
    # If a system containerd runs, dockerd uses it instead of starting its own;
    # private namespaces keep our containers and images apart from a system
    # dockerd that shares it.
    --containerd-namespace=deltaimage-test
    --containerd-plugins-namespace=deltaimage-test-plugins
  )
  # dockerd writes its pid file only once it is up (and refuses to start if
  # that file names a live process, so we cannot pre-fill it); we record the
  # pid at launch too, so that a daemon stuck in startup can still be stopped.
  spawn "$DOCKER_LAUNCH_PIDFILE" "$SERVICE_LOG_DIR/dockerd.log" dockerd "${args[@]}"
  wait_until "$SERVICE_WAIT_SECONDS" "$(pid_from "$DOCKER_LAUNCH_PIDFILE")" dockerd "$SERVICE_LOG_DIR/dockerd.log" \
    test_docker version
}

# start_registry NAME PORT [HTPASSWD_FILE]
start_registry() {
  local name="$1" port="$2" htpasswd="${3:-}" dir="$STATE_DIR/registry-$1" storage
  mkdir -p "$dir"
  # Blob storage on disk, not in /run (tmpfs on most machines): tests push
  # whole images. A fresh folder each start; removed by stop.
  storage="$(mktemp -d "${TMPDIR:-/var/tmp}/deltaimage-registry-$name.XXXXXX")"
  printf '%s\n' "$storage" >"$dir/storage"
  {
    printf 'version: 0.1\n'
    printf 'log:\n  level: warn\n  accesslog:\n    disabled: true\n'
    printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$storage"
    printf 'http:\n  addr: 127.0.0.1:%s\n  secret: %s\n' "$port" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    if [ -n "$htpasswd" ]; then
      printf 'auth:\n  htpasswd:\n    realm: deltaimage-test\n    path: %s\n' "$htpasswd"
    fi
  } >"$dir/config.yml"
  printf '%s\n' "$port" >"$dir/port"
  spawn "$dir/pid" "$SERVICE_LOG_DIR/registry-$name.log" docker-registry serve "$dir/config.yml"
  local want=200
  [ -n "$htpasswd" ] && want=401
  wait_until "$SERVICE_WAIT_SECONDS" "$(pid_from "$dir/pid")" "registry $name" "$SERVICE_LOG_DIR/registry-$name.log" \
    registry_answers "$port" "$want"
}

registry_answers() { # PORT STATUS
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v2/")" = "$2" ]
}

# Start all services (cleaning up remains of a crashed run first) and write
# $ENV_FILE. Returns with them running.
services_start() {
  require_root "starting dockerd"
  local tool
  for tool in dockerd docker-registry htpasswd curl ss "$DOCKER_CLI"; do
    command -v "$tool" >/dev/null || die "$tool not found; ./run test installs what the services need"
  done
  if services_running; then
    log "services already running (state in $STATE_DIR)"
    return 0
  fi
  services_stop quiet
  mkdir -p "$STATE_DIR" "$SERVICE_LOG_DIR"
  chmod 700 "$STATE_DIR"
  # A service that fails to come up must not leave the others running.
  add_exit_hook "services_stop quiet"

  step "starting dockerd (unix://$DOCKER_SOCK, data root $DOCKER_DATA_ROOT)"
  start_dockerd
  check_docker_clients

  local user=deltaimage password plain_port auth_port
  password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  mkdir -p "$STATE_DIR/registry-auth"
  htpasswd -Bbn "$user" "$password" >"$STATE_DIR/registry-auth/htpasswd"
  plain_port="$(free_port "$REGISTRY_FIRST_PORT")"
  step "starting registries on 127.0.0.1"
  start_registry plain "$plain_port"
  auth_port="$(free_port "$((plain_port + 1))" "$plain_port")"
  start_registry auth "$auth_port" "$STATE_DIR/registry-auth/htpasswd"

  {
    printf 'DOCKER_HOST=unix://%s\n' "$DOCKER_SOCK"
    printf 'DELTAIMAGE_TEST_REGISTRY=127.0.0.1:%s\n' "$plain_port"
    printf 'DELTAIMAGE_TEST_AUTH_REGISTRY=127.0.0.1:%s\n' "$auth_port"
    printf 'DELTAIMAGE_TEST_AUTH_USER=%s\n' "$user"
    printf 'DELTAIMAGE_TEST_AUTH_PASSWORD=%s\n' "$password"
  } >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  remove_exit_hook "services_stop quiet"
  log "services up: docker unix://$DOCKER_SOCK, registry 127.0.0.1:$plain_port, auth registry 127.0.0.1:$auth_port"
}

# Our calls use Debian's client; a developer's PATH may find a newer one
# first. Both must reach the daemon (the newer one negotiates the API down).
check_docker_clients() {
  local server other
  server="$(test_docker version --format '{{.Server.Version}}' 2>/dev/null)" ||
    die "$DOCKER_CLI cannot talk to our dockerd (see $SERVICE_LOG_DIR/dockerd.log)"
  other="$(command -v docker || true)"
  if [ -n "$other" ] && [ "$(readlink -f "$other")" != "$(readlink -f "$DOCKER_CLI")" ]; then
    DOCKER_HOST="unix://$DOCKER_SOCK" "$other" version >/dev/null 2>&1 ||
      warn "$other (first docker on PATH) cannot talk to dockerd $server; use $DOCKER_CLI"
  fi
}

# stop_pid PIDFILE WHAT: TERM, wait up to 30 s, then KILL.
stop_pid() {
  local pid
  pid="$(pid_from "$1")"
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 60; i++)); do
      pid_alive "$pid" || break
      sleep 0.5
    done
    if pid_alive "$pid"; then
      warn "$2 (pid $pid) ignored TERM for 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$1"
}

# Stop whatever services $STATE_DIR records and remove their sockets and
# temporary storage; the daemon's data root (cache) stays.
services_stop() {
  local quiet="${1:-}" name dir
  [ -d "$STATE_DIR" ] || return 0
  [ -n "$quiet" ] || step "stopping test services"
  for name in auth plain; do
    dir="$STATE_DIR/registry-$name"
    [ -d "$dir" ] || continue
    stop_pid "$dir/pid" "registry $name"
    if [ -f "$dir/storage" ]; then
      remove_tree "$(cat "$dir/storage")"
    fi
    rm -rf "$dir"
  done
  stop_pid "$DOCKER_LAUNCH_PIDFILE" dockerd
  rm -f "$DOCKER_PIDFILE" "$DOCKER_SOCK"
  # remove_tree unmounts what a killed dockerd may have left in its exec root.
  remove_tree "$STATE_DIR"
}

# The environment contract, as `export` lines. IMAGES_READY only when the
# fixture images are really in the daemon.
services_env_lines() {
  local line
  while IFS= read -r line; do
    printf 'export %s\n' "$line"
  done <"$ENV_FILE"
  printf 'export DELTAIMAGE_CACHE=%q\n' "$DELTAIMAGE_CACHE"
  printf 'export DELTAIMAGE_TEST_ROOTFS_OLD=%q\n' "$ROOTFS_OLD"
  printf 'export DELTAIMAGE_TEST_ROOTFS_NEW=%q\n' "$ROOTFS_NEW"
  if fixture_images_ready; then
    printf 'export DELTAIMAGE_TEST_IMAGES_READY=1\n'
  fi
  # Tests fail instead of skipping when something above is missing.
  printf 'export DELTAIMAGE_TEST_REQUIRE_ALL=1\n'
}

services_env() {
  services_running || die "test services are not running; start them with ./run services start"
  services_env_lines
}

# Export the contract into this shell (for mvn verify).
export_services_env() {
  eval "$(services_env_lines)"
}

# ---------------------------------------------------------------------------
# Sharing the services between ./run invocations (several checkouts on one
# machine, or a developer's own `./run services start`).
#
# Every ./run that uses them holds a lease ($STATE_DIR/leases/PID). Services
# that `./run services start` started are the developer's: only
# `./run services stop` ends them. Services that a ./run test started itself
# are ended by the last ./run whose lease goes, so that no run pulls the
# daemon from under another one's tests.
# ---------------------------------------------------------------------------

SERVICES_LOCK_FD=9
lock_services()   { take_lock "$SERVICES_LOCK_FD" "$STATE_DIR.lock" "starting or stopping services" 300; }
unlock_services() { release_lock "$SERVICES_LOCK_FD"; }

# Leases of ./run processes that are gone no longer count.
live_leases() {
  local lease
  for lease in "$STATE_DIR"/leases/*; do
    [ -e "$lease" ] || continue
    if kill -0 "${lease##*/}" 2>/dev/null; then
      printf '%s\n' "${lease##*/}"
    else
      rm -f "$lease"
    fi
  done
}

# `./run services start`: start if needed and mark the services as the
# developer's, so that test runs leave them running.
services_start_manual() {
  lock_services
  services_start
  printf 'manual\n' >"$STATE_DIR/owner"
  unlock_services
}

# `./run services stop`: stop, whoever started them.
services_stop_manual() {
  lock_services
  local others
  others="$(live_leases | tr '\n' ' ')"
  [ -z "$others" ] || warn "stopping services still leased by ./run pid(s) $others"
  services_stop
  unlock_services
}

# Make sure services run for the rest of this ./run, and give them up on exit.
use_services_for_this_run() {
  lock_services
  if services_running; then
    log "using the test services already running (state in $STATE_DIR)"
  else
    services_start
    printf 'auto\n' >"$STATE_DIR/owner"
  fi
  mkdir -p "$STATE_DIR/leases"
  : >"$STATE_DIR/leases/$$"
  add_exit_hook release_services
  unlock_services
}

release_services() {
  lock_services
  rm -f "$STATE_DIR/leases/$$"
  if [ "$(cat "$STATE_DIR/owner" 2>/dev/null || true)" = auto ]; then
    if [ -n "$(live_leases)" ]; then
      log "leaving the test services running for ./run pid(s) $(live_leases | tr '\n' ' ')"
    else
      services_stop
    fi
  fi
  unlock_services
}
