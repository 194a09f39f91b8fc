package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.DeltaEvent;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.testing.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image apply that fails while it writes an OCI layout leaves neither a layout skeleton nor a temporary blob. */
class FailedApplyLeavesNothingTest {
  @TempDir
  Path temp;

  @Test
  void anApplyFailingMidWriteLeavesNoLayoutAndNoTemporaryBlobs() throws Exception {
    Path runs = Files.createDirectories(temp.resolve("runs"));
    DeltaOptions options =
        DeltaOptions.defaults().withTempDirectory(runs).withPlatform(Platform.parse("linux/amd64"));
    // A shared layer that gzip cannot shrink, so that it is by far the biggest blob of the delta
    // image (bigger than the delta layer, which apply reads before it writes).
    List<Map<String, String>> source = new ArrayList<>(SyntheticImages.threeLayers());
    java.util.Random random = new java.util.Random(7);
    StringBuilder noise = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      noise.append(Long.toHexString(random.nextLong()));
    }
    source.set(1, Map.of("opt/app/data.txt", noise.toString()));
    List<Map<String, String>> target = new ArrayList<>(source);
    Map<String, String> changed = new HashMap<>(target.get(2));
    changed.put("opt/app/version", "2\n");
    target.set(2, changed);
    SyntheticImages.ociLayout(temp.resolve("old"), "1", "amd64", source);
    SyntheticImages.ociLayout(temp.resolve("new"), "2", "amd64", target);
    String delta = "oci:" + temp.resolve("delta") + ":d";
    DeltaImage.diffImages(
        "oci:" + temp.resolve("old") + ":1",
        "oci:" + temp.resolve("new") + ":2",
        delta,
        false,
        options);

    // The delta carries the source's layers, and apply passes the shared ones through blob for
    // blob: damage the biggest once everything is rebuilt and verified and the output is being
    // written, so the layout sink fails mid-copy.
    Path biggest;
    try (Stream<Path> blobs = Files.list(temp.resolve("delta/blobs/sha256"))) {
      biggest = blobs
          .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
          .orElseThrow();
    }
    AtomicBoolean damaged = new AtomicBoolean();
    DeltaOptions damaging = options.withListener(event -> {
      if (event instanceof DeltaEvent.Step step
          && step.what().startsWith("writing ")
          && damaged.compareAndSet(false, true)) {
        try {
          byte[] bytes = Files.readAllBytes(biggest);
          bytes[bytes.length - 20] ^= 0x11;
          Files.write(biggest, bytes);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });

    Path out = temp.resolve("out");
    assertThatThrownBy(
            () -> DeltaImage.applyImages(delta, "oci:" + out + ":x", Optional.empty(), damaging))
        .isInstanceOf(InvalidInputException.class);
    assertThat(damaged).isTrue();
    assertThat(out).doesNotExist();
    assertThat(runs).isEmptyDirectory();
  }
}
