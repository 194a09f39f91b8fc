# shellcheck shell=bash
# The tool image deltaimage/deltaimage:<version>: ./run build-docker-image.
# Sourced by ./run after lib.sh (and services.sh, for the test daemon).
#
# The image is FROM scratch and holds one self-contained folder, /opt/deltaimage, that the
# generated Dockerfiles copy into their build stages, whatever those hold (no shell, no libc,
# musl):
#
#   deltaimage          static launcher (deltaimage-cli/src/main/c/launcher.c)
#   deltaimage.jar      the CLI, shaded
#   jre/                a Java runtime trimmed with jlink to the modules the jar uses
#   bin/xdelta3         the launcher again, which starts libexec/xdelta3 through lib/'s loader
#   libexec/xdelta3     Debian's xdelta3 (dynamically linked)
#   lib/                the dynamic loader and every C library the above need (from ldd)
#
# The build context is assembled under deltaimage-cli/target/tool-image. The image carries a
# label with the hash of everything that went in; when the tag already has that label, nothing is
# built, so repeated runs (and the tests) cost a few seconds.

TOOL_IMAGE_REPOSITORY=deltaimage/deltaimage
TOOL_IMAGE_LABEL=io.github.deltaimage.tool-content
TOOL_IMAGE_DIR="$REPO_ROOT/deltaimage-cli/target/tool-image"
TOOL_LAUNCHER_SOURCE="$REPO_ROOT/deltaimage-cli/src/main/c/launcher.c"
TOOL_JDK_HOME="${DELTAIMAGE_JLINK_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
# Build packages: the C toolchain with glibc's static libc.a, and xdelta3 itself.
TOOL_IMAGE_PACKAGES=(gcc libc6-dev xdelta3 unzip)

# The daemon to build in: the caller's DOCKER_HOST, else the test daemon when it runs, else the
# docker CLI's default.
tool_docker() {
  if [ -n "${DOCKER_HOST:-}" ]; then
    "$DOCKER_CLI" "$@"
  elif [ -S "$DOCKER_SOCK" ]; then
    test_docker "$@"
  else
    "$DOCKER_CLI" "$@"
  fi
}

# The project version from the root pom (the first <version> after the parent's artifactId).
project_version() {
  sed -n '/<artifactId>deltaimage-parent<\/artifactId>/,/<\/version>/ s:.*<version>\(.*\)</version>.*:\1:p' \
    "$REPO_ROOT/pom.xml" | head -n 1
}

# The shaded CLI jar: given, or built.
tool_cli_jar() {
  local jar="${1:-}"
  if [ -z "$jar" ]; then
    maven_build
    local found
    for found in "$REPO_ROOT"/deltaimage-cli/target/deltaimage-cli-*-all.jar; do jar="$found"; break; done
  fi
  [ -f "$jar" ] || die "CLI jar ${jar:-deltaimage-cli/target/deltaimage-cli-*-all.jar} not found; run ./run build"
  printf '%s' "$jar"
}

# Content of a jar without its timestamps: entry names and CRCs. Rebuilding the jar from the same
# sources gives the same fingerprint, so the image is not rebuilt for nothing.
jar_fingerprint() {
  unzip -v "$1" | awk 'NR > 3 && length($7) == 8 && $7 ~ /^[0-9a-f]+$/ { print $7, $8 }' | LC_ALL=C sort | sha256sum | cut -d' ' -f1
}

# Every C library (resolved path) that the ELF files given need, per ldd, plus the loader.
needed_libraries() {
  local f
  for f in "$@"; do
    ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
  done | LC_ALL=C sort -u
}

# Stage BASE (the future /opt/deltaimage) from the jar. Prints nothing; fails loudly.
stage_tool_tree() { # JAR BASE MODULES
  local jar="$1" base="$2" modules="$3" lib
  mkdir -p "$base/bin" "$base/lib" "$base/libexec"
  gcc -static -Os -s -Wall -Wextra -o "$base/deltaimage" "$TOOL_LAUNCHER_SOURCE" ||
    die "compiling the static launcher failed; install gcc and libc6-dev (glibc's static libc.a)"
  cp "$base/deltaimage" "$base/bin/xdelta3"
  cp "$jar" "$base/deltaimage.jar"
  cp "$(command -v xdelta3)" "$base/libexec/xdelta3"
  "$TOOL_JDK_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=2 --output "$base/jre" ||
    die "jlink failed; DELTAIMAGE_JLINK_JDK must name a JDK 17+ with jmods (now $TOOL_JDK_HOME)"
  # JNA's native part, unpacked once here (the launcher points JNA at lib/).
  unzip -q -j -d "$base/lib" "$jar" 'com/sun/jna/linux-x86-64/libjnidispatch.so' ||
    die "the CLI jar has no com/sun/jna/linux-x86-64/libjnidispatch.so"
  local elves=("$base/libexec/xdelta3" "$base/jre/bin/java" "$base/lib/libjnidispatch.so")
  while IFS= read -r lib; do elves+=("$lib"); done < <(find "$base/jre" -name '*.so')
  while IFS= read -r lib; do
    case "$lib" in
      "$base"/*) ;; # the JRE's own libraries stay where the JRE looks for them
      */ld-linux-x86-64.so.2) cp -L "$lib" "$base/lib/ld-linux-x86-64.so.2" ;;
      *) cp -L "$lib" "$base/lib/" ;;
    esac
  done < <(needed_libraries "${elves[@]}")
  [ -x "$base/lib/ld-linux-x86-64.so.2" ] || die "ldd named no ld-linux-x86-64.so.2; only x86-64 glibc hosts are supported"
}

# ./run build-docker-image [--jar JAR] [--tag TAG]: build (or reuse) the tool image; prints its tag.
build_tool_image() {
  local jar="" tag=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --jar) jar="$2"; shift 2 ;;
      --tag) tag="$2"; shift 2 ;;
      *) die "build-docker-image: unknown argument $1 (takes --jar JAR, --tag TAG)" ;;
    esac
  done
  ensure_packages "${TOOL_IMAGE_PACKAGES[@]}"
  command -v "$DOCKER_CLI" >/dev/null || die "$DOCKER_CLI not found; install docker.io (./run test does)"
  [ -x "$TOOL_JDK_HOME/bin/jlink" ] || die "no jlink in $TOOL_JDK_HOME; set DELTAIMAGE_JLINK_JDK to a JDK 17+"
  jar="$(tool_cli_jar "$jar")"
  tag="${tag:-$TOOL_IMAGE_REPOSITORY:$(project_version)}"

  # jdeps names the modules the jar (with its shaded dependencies) uses; jdk.crypto.ec lets the
  # docker-file commands reach a TLS DOCKER_HOST.
  local modules
  modules="$("$TOOL_JDK_HOME/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$jar" 2>/dev/null)" ||
    die "jdeps could not read $jar"
  modules="$modules,jdk.crypto.ec"

  # What the image is made of: the jar's content, the launcher, this script, the JDK, xdelta3
  # and the C libraries of this machine.
  local fingerprint
  fingerprint="$({
    printf 'jar %s\nmodules %s\n' "$(jar_fingerprint "$jar")" "$modules"
    sha256sum "$TOOL_LAUNCHER_SOURCE" "${BASH_SOURCE[0]}" "$TOOL_JDK_HOME/release" "$TOOL_JDK_HOME/lib/modules" \
      "$(command -v xdelta3)" | cut -d' ' -f1
    needed_libraries "$(command -v xdelta3)" "$TOOL_JDK_HOME/bin/java" "$TOOL_JDK_HOME/lib/server/libjvm.so" |
      xargs -r sha256sum | cut -d' ' -f1
    gcc --version | head -n 1
  } | sha256sum | cut -d' ' -f1)"

  local have
  have="$(tool_docker image inspect -f "{{ index .Config.Labels \"$TOOL_IMAGE_LABEL\" }}" "$tag" 2>/dev/null || true)"
  if [ "$have" = "$fingerprint" ]; then
    log "tool image $tag is current (content $fingerprint)"
    printf '%s\n' "$tag"
    return 0
  fi

  step "building tool image $tag"
  remove_tree "$TOOL_IMAGE_DIR"
  mkdir -p "$TOOL_IMAGE_DIR/context/opt"
  stage_tool_tree "$jar" "$TOOL_IMAGE_DIR/context/opt/deltaimage" "$modules"
  # The trimmed runtime must start through the bundled loader before it goes into an image.
  "$TOOL_IMAGE_DIR/context/opt/deltaimage/deltaimage" --version >/dev/null ||
    die "the staged tool does not start (try $TOOL_IMAGE_DIR/context/opt/deltaimage/deltaimage --version)"
  cat >"$TOOL_IMAGE_DIR/context/Dockerfile" <<DOCKERFILE
FROM scratch
COPY opt/ /opt/
LABEL $TOOL_IMAGE_LABEL="$fingerprint" \\
      org.opencontainers.image.title="deltaimage" \\
      org.opencontainers.image.version="$(project_version)"
ENTRYPOINT ["/opt/deltaimage/deltaimage"]
DOCKERFILE
  # Fixed owners and mtimes: the layer depends on the content only.
  chown -R 0:0 "$TOOL_IMAGE_DIR/context"
  find "$TOOL_IMAGE_DIR/context" -exec touch -h -d @1700000000 {} +
  DOCKER_BUILDKIT=0 run_logged "$TOOL_IMAGE_DIR/build.log" \
    tool_docker build --network=none --force-rm -t "$tag" "$TOOL_IMAGE_DIR/context" ||
    die "docker build of $tag failed (log: $TOOL_IMAGE_DIR/build.log)"
  log "tool image $tag built ($(du -sh "$TOOL_IMAGE_DIR/context/opt/deltaimage" | cut -f1) in /opt/deltaimage)"
  printf '%s\n' "$tag"
}
