# shellcheck shell=bash
# Shared helpers for ./run and the scripts beside this file. Sourced, never run.
#
# Conventions: every helper is quiet when things go well; a failure prints one
# line that says what broke and what to do, and the full log where there is one.

# `set -e` also inside $(...): a helper whose output we capture must not go
# on after a failed step.
shopt -s inherit_errexit

# Repository root (the folder holding ./run), whichever script sourced us.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS_DIR="$REPO_ROOT/scripts"

# Where the long-lived, expensive things live (root filesystems, the test
# daemon's image store). Kept between runs; safe to delete by hand.
DELTAIMAGE_CACHE="${DELTAIMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deltaimage}"

# Where the running test services keep sockets, pids and configs. Under /run so
# that a reboot clears it; nothing in here is worth keeping.
STATE_DIR="${DELTAIMAGE_STATE_DIR:-/run/deltaimage-test}"

# Debian's own docker client matches Debian's dockerd (20.10). A newer client
# elsewhere on PATH (e.g. /usr/local/bin/docker) negotiates down, but we do not
# depend on that for our own calls.
DOCKER_CLI="${DELTAIMAGE_DOCKER_CLI:-/usr/bin/docker}"

log()  { printf '%s\n' "$*" >&2; }
step() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# run_logged LOGFILE CMD...: run CMD with all output into LOGFILE; on failure
# show the log's tail and return CMD's status. Keeps happy paths quiet.
run_logged() {
  local logfile="$1"; shift
  mkdir -p "$(dirname "$logfile")"
  local rc=0
  "$@" >"$logfile" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    log "---- last lines of $logfile ----"
    tail -n 60 "$logfile" >&2 || true
    log "---- end of $logfile ----"
  fi
  return "$rc"
}

# Cleanup that must happen however we exit (services we started, mounts).
# Hooks run last-added first. One trap for all, so helpers never clobber each
# other's traps.
EXIT_HOOKS=()
add_exit_hook()    { EXIT_HOOKS+=("$1"); }
remove_exit_hook() {
  local i
  for i in "${!EXIT_HOOKS[@]}"; do
    [ "${EXIT_HOOKS[$i]}" = "$1" ] && unset 'EXIT_HOOKS[i]'
  done
  return 0
}
run_exit_hooks() {
  local rc=$? i keys
  keys=("${!EXIT_HOOKS[@]}")
  for ((i = ${#keys[@]} - 1; i >= 0; i--)); do
    eval "${EXIT_HOOKS[${keys[$i]}]}" || true
  done
  return "$rc"
}
trap run_exit_hooks EXIT
# Turn signals into an exit so the hooks above run.
trap 'exit 130' INT
trap 'exit 143' TERM

# take_lock FD FILE WHAT SECONDS: hold an exclusive flock on FILE through file
# descriptor FD until release_lock FD (or exit). Several checkouts of this
# repository on one machine share the cache and the services; the locks keep
# their ./run invocations from building or starting the same thing at once.
take_lock() {
  local fd="$1" file="$2" what="$3" seconds="$4"
  mkdir -p "$(dirname "$file")"
  eval "exec $fd>>\"\$file\""
  if ! flock -n "$fd"; then
    log "waiting for another ./run that is $what (lock $file)"
    flock -w "$seconds" "$fd" || die "gave up after ${seconds}s waiting for $file; is another ./run stuck?"
  fi
}
release_lock() { flock -u "$1" 2>/dev/null || true; }

require_root() {
  [ "$(id -u)" -eq 0 ] || die "$1 needs root (it installs packages, runs dockerd and chroot); rerun as root"
}

# ---------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------

# True when dpkg has PACKAGE fully installed.
package_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# ensure_packages PKG...: install whichever of PKG are missing, quietly.
# apt-get update runs at most once per ./run invocation, and only when
# something is missing, so a warm machine does no network access at all.
APT_UPDATED=${APT_UPDATED:-0}
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  require_root "installing ${missing[*]}"
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand"
  step "installing Debian packages: ${missing[*]}"
  local aptlog="$REPO_ROOT/target/apt.log"
  local added_policy=0
  # Installing docker.io or docker-registry would otherwise start system-wide
  # daemons (port 5000, /var/run/docker.sock) that the tests neither need nor
  # stop. Deny service starts for the duration of our install only, and only
  # if the machine has no policy of its own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, written by deltaimage ./run while installing test packages\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    added_policy=1
  fi
  local rc=0
  {
    if [ "$APT_UPDATED" -eq 0 ]; then
      run_logged "$aptlog.update" apt-get -o DPkg::Lock::Timeout=300 update && APT_UPDATED=1
    fi &&
    DEBIAN_FRONTEND=noninteractive run_logged "$aptlog" \
      apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}"
  } || rc=$?
  [ "$added_policy" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" -eq 0 ] || die "could not install ${missing[*]} (log above, full log in $aptlog); check the machine's apt sources"
  for pkg in "${missing[@]}"; do
    package_installed "$pkg" || die "package $pkg still not installed after apt-get install; see $aptlog"
  done
}

# Packages that ./run test needs (services, fixtures and the tests' own tools).
# Recommends are wanted: skopeo, for one, reads its trust policy from the
# containers-common package it only recommends.
# iproute2 (ss) and curl are used by the service helpers themselves.
TEST_PACKAGES=(xdelta3 docker.io docker-registry debootstrap skopeo apache2-utils
               umoci zstd attr time procps iproute2 curl
               gcc libc6-dev unzip   # these three build the tool image (docker-file ITs)
               golang-go golang-github-klauspost-compress-dev golang-github-klauspost-pgzip-dev  # real Go gzip writers for the deflate model tests
               busybox)  # busybox gzip, reproduced by the GNU gzip model
# Packages that ./run demo needs.
DEMO_PACKAGES=(xdelta3 debootstrap time attr)

# ---------------------------------------------------------------------------
# The machine's Debian mirrors, read from its apt sources at run time, so that
# no host name is ever written into this repository.
# ---------------------------------------------------------------------------

# The apt configuration folder (overridable to test the parser below).
APT_ETC="${DELTAIMAGE_APT_ETC:-/etc/apt}"

# Print "URI<TAB>SUITE" for every enabled deb entry of the machine's apt
# sources, in both the one-line format (sources.list, *.list) and deb822
# (*.sources: Types/URIs/Suites/Enabled fields, stanzas split by blank lines).
apt_source_entries() {
  local f
  for f in "$APT_ETC"/sources.list "$APT_ETC"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [options] URI SUITE COMPONENTS...
    sed -e 's/#.*//' "$f" | awk '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if (i + 1 <= NF) printf "%s\t%s\n", $i, $(i + 1)
      }'
  done
  for f in "$APT_ETC"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush(   nu, ns, u, s, U, S) {
        if (types ~ /(^| )deb( |$)/ && enabled !~ /^(no|false)$/) {
          nu = split(uris, U, " "); ns = split(suites, S, " ")
          for (u = 1; u <= nu; u++) for (s = 1; s <= ns; s++) printf "%s\t%s\n", U[u], S[s]
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^[ \t]+/, "")
        if (key == "types") types = $0
        else if (key == "uris") uris = $0
        else if (key == "suites") suites = $0
        else if (key == "enabled") enabled = tolower($0)
      }
      END { flush() }' "$f"
  done
}

# URI serving suite $1 exactly, or nothing.
apt_uri_for_suite() {
  # No early `exit` in awk: with pipefail, a writer cut off by SIGPIPE fails.
  apt_source_entries | awk -F'\t' -v s="$1" '$2 == s && !done { print $1; done = 1 }'
}

# The Debian archive to debootstrap from: the machine's entry for bookworm,
# else any entry whose path ends in /debian (e.g. a newer release's mirror
# still carries bookworm). Empty means "let debootstrap use its default".
debian_main_mirror() {
  local uri
  uri="$(apt_uri_for_suite bookworm)"
  if [ -z "$uri" ]; then
    uri="$(apt_source_entries | awk -F'\t' '$1 ~ /\/debian\/?$/ && !done { print $1; done = 1 }')"
  fi
  printf '%s' "${uri%/}"
}

# The archive serving bookworm-security: the machine's entry, else the
# conventional sibling ".../debian-security" of the main archive URI given as $1.
debian_security_mirror() {
  local main="$1" uri
  uri="$(apt_uri_for_suite bookworm-security)"
  if [ -z "$uri" ]; then
    uri="$(apt_source_entries | awk -F'\t' '$2 ~ /-security$/ && !done { print $1; done = 1 }')"
  fi
  if [ -z "$uri" ] && [[ "$main" =~ /debian$ ]]; then
    uri="${main}-security"
  fi
  printf '%s' "${uri%/}"
}

# ---------------------------------------------------------------------------
# Safe removal of trees that may have had things mounted inside (chroots).
# ---------------------------------------------------------------------------

# Unmount everything mounted at or below $1, deepest first.
unmount_below() {
  local dir mnt
  dir="$(readlink -f "$1")"
  # /proc/mounts escapes spaces as \040; our paths have none.
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r mnt; do
      umount "$mnt" 2>/dev/null || umount -l "$mnt"
    done
}

# Remove a scratch tree: unmount first, and never cross into another file
# system even if an unmount failed.
remove_tree() {
  [ -e "$1" ] || return 0
  unmount_below "$1"
  rm -rf --one-file-system "$1"
}
