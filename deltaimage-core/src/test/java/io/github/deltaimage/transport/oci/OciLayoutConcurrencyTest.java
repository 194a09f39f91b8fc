package io.github.deltaimage.transport.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.Platform;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.testing.ChildJvm;
import io.github.deltaimage.testing.SyntheticImages;
import io.github.deltaimage.transport.CopyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several writers into one OCI layout, and writers that fail or are killed. */
class OciLayoutConcurrencyTest {
  @TempDir
  Path tmp;

  Path runs;
  CopyOptions options;
  Path source;

  @BeforeEach
  void setUp() throws Exception {
    runs = Files.createDirectories(tmp.resolve("runs"));
    options =
        CopyOptions.defaults().withTempParent(runs).withPlatform(Platform.parse("linux/amd64"));
    source = tmp.resolve("src");
    SyntheticImages.ociLayout(source, "v1", "amd64", SyntheticImages.threeLayers());
  }

  @Test
  void threeThreadsCopyingIntoOneNewLayoutKeepEveryTagRoundAfterRound() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; round < 8; round++) {
        Path layout = tmp.resolve("threads-" + round);
        List<Future<?>> copies = new ArrayList<>();
        for (int writer = 0; writer < 3; writer++) {
          String destination = "oci:" + layout + ":t" + writer;
          copies.add(
              pool.submit(() -> ImageCopy.copy("oci:" + source + ":v1", destination, options)));
        }
        for (Future<?> copy : copies) {
          copy.get(2, TimeUnit.MINUTES);
        }
        assertThat(OciLayoutSource.tagsIn(layout))
            .as("round %d", round)
            .containsExactlyInAnyOrder("t0", "t1", "t2");
        assertThat(temporaries(layout)).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(runs).isEmptyDirectory();
  }

  @Test
  void threeProcessesCopyingIntoOneLayoutKeepEveryTag() throws Exception {
    for (int round = 0; round < 3; round++) {
      Path layout = tmp.resolve("processes-" + round);
      List<Process> children = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (int writer = 0; writer < 3; writer++) {
        Path log = tmp.resolve("child-" + round + "-" + writer + ".log");
        logs.add(log);
        children.add(ChildJvm.start(
            log,
            "copy",
            "oci:" + source + ":v1",
            "oci:" + layout + ":p" + writer,
            runs.toString()));
      }
      for (int writer = 0; writer < 3; writer++) {
        Process child = children.get(writer);
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(logs.get(writer))).isZero();
      }
      assertThat(OciLayoutSource.tagsIn(layout))
          .as("round %d", round)
          .containsExactlyInAnyOrder("p0", "p1", "p2");
      assertThat(temporaries(layout)).isEmpty();
    }
  }

  @Test
  void aFailedCopyIntoANewLayoutLeavesNothingAtTheOutputPath() throws Exception {
    corruptTheBigLayer(source);
    Path layout = tmp.resolve("new-layout");
    assertThatThrownBy(
        () -> ImageCopy.copy("oci:" + source + ":v1", "oci:" + layout + ":x", options));
    assertThat(layout).doesNotExist();
    assertThat(runs).isEmptyDirectory();

    Path empty = Files.createDirectories(tmp.resolve("users-empty-dir"));
    assertThatThrownBy(
        () -> ImageCopy.copy("oci:" + source + ":v1", "oci:" + empty + ":x", options));
    assertThat(empty).isEmptyDirectory();
  }

  @Test
  void aFailedCopyIntoAnExistingLayoutLeavesItsIndexAndNoTemporaryBlob() throws Exception {
    Path layout = tmp.resolve("existing");
    ImageCopy.copy("oci:" + source + ":v1", "oci:" + layout + ":good", options);
    byte[] index = Files.readAllBytes(layout.resolve("index.json"));
    corruptTheBigLayer(source);
    TestLayouts.removeBlobs(layout);
    assertThatThrownBy(
        () -> ImageCopy.copy("oci:" + source + ":v1", "oci:" + layout + ":bad", options));
    assertThat(layout.resolve("index.json")).hasBinaryContent(index);
    assertThat(temporaries(layout)).isEmpty();
  }

  @Test
  void temporaryBlobsOfDeadWritersAreRemovedAtTheNextOpenAndThoseOfLiveOnesStay() throws Exception {
    Path layout = tmp.resolve("leftovers");
    ImageCopy.copy("oci:" + source + ":v1", "oci:" + layout + ":a", options);
    Path blobs = layout.resolve("blobs/sha256");
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Path ofDead = Files.write(
        blobs.resolve(OciLayoutSink.TEMP_PREFIX + dead.pid() + "-half"), new byte[4096]);
    Path ofLive = Files.write(
        blobs.resolve(OciLayoutSink.TEMP_PREFIX + ProcessHandle.current().pid() + "-busy"),
        new byte[1]);
    ImageCopy.copy("oci:" + source + ":v1", "oci:" + layout + ":b", options);
    assertThat(ofDead).doesNotExist();
    assertThat(ofLive).exists();
    assertThat(OciLayoutSource.tagsIn(layout)).containsExactlyInAnyOrder("a", "b");
  }

  static List<Path> temporaries(Path layout) throws Exception {
    if (!Files.exists(layout)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(layout)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(".deltaimage-tmp-")
              || f.getFileName().toString().startsWith(".tmp-"))
          .toList();
    }
  }

  /** Flips bytes in the middle of the largest blob, so a copy fails only after streaming most of it. */
  static void corruptTheBigLayer(Path layout) throws Exception {
    Path biggest;
    try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
      biggest = blobs
          .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
          .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(biggest);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(biggest, bytes);
  }

  /** Test helpers on layouts. */
  static final class TestLayouts {
    /** Leaves only manifests and configs (small blobs), so the next copy must write the layers again. */
    static void removeBlobs(Path layout) throws Exception {
      try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
        for (Path blob : blobs.filter(b -> b.toFile().length() > 2000).toList()) {
          Files.delete(blob);
        }
      }
    }
  }

  @Test
  void aWriterStoppedBySigtermLeavesNoLayoutAndOneKilledOutrightLeavesABlobTheNextWriterRemoves()
      throws Exception {
    Path layout = tmp.resolve("stopped");
    Path log = tmp.resolve("sigterm.log");
    Process child = ChildJvm.start(log, "write-layer-slowly", layout.toString());
    ChildJvm.awaitLine(child, log, "writing");
    assertThat(temporaries(layout)).hasSize(1);
    child.destroy(); // SIGTERM
    assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(layout).doesNotExist();

    Path killedLog = tmp.resolve("sigkill.log");
    Process killed = ChildJvm.start(killedLog, "write-layer-slowly", layout.toString());
    ChildJvm.awaitLine(killed, killedLog, "writing");
    killed.destroyForcibly();
    assertThat(killed.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(temporaries(layout)).hasSize(1);

    ImageCopy.copy("oci:" + source + ":v1", "oci:" + layout + ":after", options);
    assertThat(temporaries(layout)).isEmpty();
    assertThat(OciLayoutSource.tagsIn(layout)).containsExactly("after");
  }
}
