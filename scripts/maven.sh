# shellcheck shell=bash
# Maven runs for ./run build and ./run test. Sourced by ./run after lib.sh.

MAVEN_TEST_LOG="$REPO_ROOT/target/run-test.log"
MAVEN_BUILD_LOG="$REPO_ROOT/target/run-build.log"
# The reactor's modules, where Surefire and the invoker leave their reports.
PLUGIN_MODULE=deltaimage-maven-plugin

maven_build() {
  command -v mvn >/dev/null || die "mvn not found; install Maven 3.8+ and JDK 17"
  mkdir -p "$(dirname "$MAVEN_BUILD_LOG")"
  if ! mvn -B -q -DskipTests -Dinvoker.skip install >"$MAVEN_BUILD_LOG" 2>&1; then
    cat "$MAVEN_BUILD_LOG" >&2
    die "build failed (log above, also in $MAVEN_BUILD_LOG)"
  fi
}

# Reports of an earlier run would be counted again (or stand in for a test
# that no longer exists), so only reports written after this marker count.
# Nothing is deleted: someone may be running Maven in this tree right now.
MAVEN_TEST_MARKER="$REPO_ROOT/target/run-test.started"

# Print Surefire's per-module "Tests run:" summary (not the per-class lines)
# and the invoker's build summary from the Maven log.
print_maven_summaries() {
  awk '
    /^\[INFO\] Building .* [0-9][^ ]*( +\[[0-9]+\/[0-9]+\])?$/ {
      module = $0
      sub(/^\[INFO\] Building /, "", module)
      sub(/ +\[[0-9]+\/[0-9]+\]$/, "", module)
      sub(/ [^ ]+$/, "", module)
    }
    /^\[(INFO|WARNING|ERROR)\] Tests run: / && !/Time elapsed/ {
      line = $0; sub(/^\[[A-Z]+\] /, "", line)
      printf "%s: %s\n", module, line
    }
    /^\[[A-Z]+\] Build Summary:/ { inv = 1; print "invoker: Build Summary:"; next }
    inv && /^\[[A-Z]+\] -----/ { inv = 0; next }
    inv { line = $0; sub(/^\[[A-Z]+\] */, "", line); print "invoker:   " line }
  ' "$MAVEN_TEST_LOG"
}

# Count passed and failed tests from the XML reports of all modules: Surefire
# testsuites (tests - failures - errors - skipped pass) and invoker build
# jobs (result "success" passes, "skipped" is neither). Prints "PASSED FAILED".
count_test_results() {
  local files=() invoker=() f
  shopt -s nullglob
  for f in "$REPO_ROOT"/target/surefire-reports/TEST-*.xml "$REPO_ROOT"/*/target/surefire-reports/TEST-*.xml; do
    if [ "$f" -nt "$MAVEN_TEST_MARKER" ]; then files+=("$f"); fi
  done
  for f in "$REPO_ROOT/$PLUGIN_MODULE"/target/invoker-reports/BUILD-*.xml; do
    if [ "$f" -nt "$MAVEN_TEST_MARKER" ]; then invoker+=("$f"); fi
  done
  shopt -u nullglob
  perl -e '
    my ($passed, $failed) = (0, 0);
    my $n_surefire = shift @ARGV;
    my @surefire = splice(@ARGV, 0, $n_surefire);
    for my $f (@surefire) {
      open(my $fh, "<", $f) or next; local $/; my $x = <$fh>;
      $x =~ /<testsuite\b([^>]*)>/s or next;
      my $a = $1; my %v;
      $v{$1} = $2 while $a =~ /\b(tests|failures|errors|skipped)="(\d+)"/g;
      my $bad = ($v{failures} // 0) + ($v{errors} // 0);
      $failed += $bad;
      $passed += ($v{tests} // 0) - $bad - ($v{skipped} // 0);
    }
    for my $f (@ARGV) {
      open(my $fh, "<", $f) or next; local $/; my $x = <$fh>;
      my ($r) = $x =~ /<build-job\b[^>]*\bresult="([^"]*)"/s;
      next unless defined $r;
      if ($r eq "success") { $passed++ } elsif ($r ne "skipped") { $failed++ }
    }
    print "$passed $failed\n";
  ' "${#files[@]}" "${files[@]}" "${invoker[@]}"
}

# mvn -B verify with the full log in target/run-test.log; quiet unless failing.
maven_verify() {
  command -v mvn >/dev/null || die "mvn not found; install Maven 3.8+ and JDK 17"
  mkdir -p "$(dirname "$MAVEN_TEST_LOG")"
  touch "$MAVEN_TEST_MARKER"
  # -nt compares whole seconds on some file systems; start on a fresh one.
  sleep 1
  step "mvn -B verify (full log: ${MAVEN_TEST_LOG#"$REPO_ROOT"/})"
  # Java takes its file-name encoding from the locale; tests use non-ASCII
  # names. Give a bare environment (no locale at all) a UTF-8 one.
  if [ -z "${LC_ALL:-}${LC_CTYPE:-}${LANG:-}" ]; then
    export LANG=C.UTF-8
  fi
  local rc=0
  mvn -B verify >"$MAVEN_TEST_LOG" 2>&1 || rc=$?

  print_maven_summaries
  local counts passed failed
  counts="$(count_test_results)"
  passed="${counts% *}"
  failed="${counts#* }"
  if [ "$rc" -ne 0 ]; then
    log "---- last 150 lines of ${MAVEN_TEST_LOG#"$REPO_ROOT"/} ----"
    tail -n 150 "$MAVEN_TEST_LOG" >&2
    log "---- mvn verify failed (exit $rc) ----"
  elif [ "$failed" -ne 0 ]; then
    # Maven said fine but a report says otherwise: trust the report.
    log "mvn verify passed but $failed test(s) failed in the reports"
    rc=1
  elif [ "$passed" -eq 0 ]; then
    log "mvn verify ran no test at all: no Surefire or invoker report found"
    rc=1
  fi
  printf 'tests: %s passed, %s failed\n' "$passed" "$failed"
  return "$rc"
}
