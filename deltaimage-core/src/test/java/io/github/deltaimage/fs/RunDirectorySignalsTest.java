package io.github.deltaimage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run directories of processes stopped by real signals: SIGTERM cleans up, kill -9 is cleaned up after. */
class RunDirectorySignalsTest {
  @TempDir
  Path tmp;

  @Test
  void sigtermRemovesTheRunDirectoryOfTheStoppedProcess() throws Exception {
    Path parent = Files.createDirectories(tmp.resolve("runs"));
    Path log = tmp.resolve("child.log");
    Process child = ChildJvm.start(log, "hold-run-dir", parent.toString());
    ChildJvm.awaitLine(child, log, "holding");
    assertThat(runDirectories(parent)).hasSize(1);

    child.destroy(); // SIGTERM
    assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).isEqualTo(128 + 15);
    assertThat(parent).isEmptyDirectory();
  }

  @Test
  void afterKillMinus9TheNextRunReclaimsTheDirectoryButNotThoseOfLiveProcesses() throws Exception {
    Path parent = Files.createDirectories(tmp.resolve("runs"));
    Path killedLog = tmp.resolve("killed.log");
    Process killed = ChildJvm.start(killedLog, "hold-run-dir", parent.toString());
    ChildJvm.awaitLine(killed, killedLog, "holding");
    killed.destroyForcibly(); // SIGKILL: no hook runs
    assertThat(killed.waitFor(1, TimeUnit.MINUTES)).isTrue();
    List<Path> left = runDirectories(parent);
    assertThat(left).hasSize(1);
    assertThat(left.get(0).resolve(RunDirectory.OWNER_LOCK))
        .content()
        .contains(Long.toString(killed.pid()));

    Path liveLog = tmp.resolve("live.log");
    Process live = ChildJvm.start(liveLog, "hold-run-dir", parent.toString());
    try {
      ChildJvm.awaitLine(live, liveLog, "holding");
      Path ofLive = Path.of(Files.readAllLines(liveLog).stream()
          .filter(l -> l.startsWith("run dir "))
          .findFirst()
          .orElseThrow()
          .substring("run dir ".length()));
      assertThat(left.get(0)).doesNotExist(); // the live child's start reclaimed the killed one's
      try (RunDirectory mine = RunDirectory.create(parent)) {
        assertThat(ofLive).isDirectory();
        assertThat(runDirectories(parent)).containsExactlyInAnyOrder(ofLive, mine.path());
      }
    } finally {
      live.destroy();
      live.waitFor(1, TimeUnit.MINUTES);
    }
    assertThat(parent).isEmptyDirectory();
  }

  @Test
  void runDirectoriesWithoutAnOwnerLockAreLeftAlone() throws Exception {
    Path parent = Files.createDirectories(tmp.resolve("runs"));
    Path older = Files.createDirectories(parent.resolve("deltaimage-123"));
    try (RunDirectory run = RunDirectory.create(parent)) {
      assertThat(older).isDirectory();
      assertThat(run.path().resolve(RunDirectory.OWNER_LOCK)).isRegularFile();
    }
  }

  private static List<Path> runDirectories(Path parent) throws Exception {
    try (Stream<Path> entries = Files.list(parent)) {
      return entries.toList();
    }
  }
}
