package io.github.deltaimage.format.dir;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.DirectorySummary;
import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.testing.TestEnvironment;
import io.github.deltaimage.testing.TreeSnapshot;
import io.github.deltaimage.testing.Trees;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A round trip on real Debian root filesystems (debootstrap, then the pending updates), as ./run test builds them. */
class DebianRootfsRoundTripTest {

  @TempDir
  Path temp;

  @Test
  void aRealDebianUpgradeRoundTripsExactlyAndTheDeltaIsSmall() throws IOException {
    Path old = TestEnvironment.requireDirectory("DELTAIMAGE_TEST_ROOTFS_OLD");
    Path updated = TestEnvironment.requireDirectory("DELTAIMAGE_TEST_ROOTFS_NEW");
    Path work = temp.resolve("rootfs");
    Trees.copyTree(updated, work);
    List<String> expected = TreeSnapshot.of(updated);

    DirectorySummary diff = DeltaImage.diffDirectories(old, work, DeltaOptions.defaults());
    assertThat(diff.files().get(Outcome.KEPT_FROM_SOURCE))
        .as("most files are unchanged")
        .isGreaterThan(1000);
    assertThat(diff.totalStoredBytes()).isLessThan(diff.totalTargetBytes() / 3);

    DeltaImage.applyDirectories(old, work, DeltaOptions.defaults());
    assertThat(TreeSnapshot.of(work)).containsExactlyElementsOf(expected);
  }
}
