package io.github.deltaimage.format.dir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.testing.TreeSnapshot;
import io.github.deltaimage.testing.Trees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets one clear message, and the trees are left exactly as they were. */
class DirectoryBadInputTest {

  @TempDir
  Path temp;

  private final DeltaOptions options = DeltaOptions.defaults();
  private Path source;
  private Path delta;

  @BeforeEach
  void makeDeltaTree() throws IOException {
    source = temp.resolve("source");
    delta = temp.resolve("delta");
    Trees.buildPair(source, delta);
    DeltaImage.diffDirectories(source, delta, options);
  }

  private void assertApplyRefused(String message) throws IOException {
    List<String> before = TreeSnapshot.of(delta);
    assertThatThrownBy(() -> DeltaImage.applyDirectories(source, delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
    assertThat(TreeSnapshot.of(delta)).as("nothing half-applied").containsExactlyElementsOf(before);
  }

  private void writeMeta(String json) throws IOException {
    Files.writeString(delta.resolve(MetaFile.NAME), json);
  }

  @Test
  void missingDirectoriesAreNamed() {
    assertThatThrownBy(() -> DeltaImage.applyDirectories(temp.resolve("nope"), delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("SOURCE_DIR " + temp.resolve("nope") + " does not exist");
    assertThatThrownBy(() -> DeltaImage.diffDirectories(source, temp.resolve("nope"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("TARGET_DIR " + temp.resolve("nope") + " does not exist");
    assertThatThrownBy(
            () -> DeltaImage.applyDirectories(source, delta.resolve("etc/new.conf"), options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageEndingWith("is not a directory");
  }

  @Test
  void aTreeWithoutTheMetaFileIsNotADeltaTree() throws IOException {
    Files.delete(delta.resolve(MetaFile.NAME));
    assertApplyRefused(
        "has no __deltaimage.meta.json: it is not a delta tree made by `deltaimage diff`");
  }

  @Test
  void diffingADeltaTreeAgainIsRefused() throws IOException {
    List<String> before = TreeSnapshot.of(delta);
    assertThatThrownBy(() -> DeltaImage.diffDirectories(source, delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is a delta tree already");
    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(before);
  }

  @Test
  void aPathWithDotDotIsRefused() throws IOException {
    writeMeta("{\"version\":\"0.1.1\",\"keep_files\":[[46,46,47,120]],\"changes\":[]}");
    assertApplyRefused("path '../x' has a '..' component and would leave the tree");
  }

  @Test
  void anAbsolutePathIsRefused() throws IOException {
    writeMeta(
        "{\"version\":\"0.1.1\",\"keep_files\":[],\"changes\":[[\"XDelta3\",[47,101,116,99]]]}");
    assertApplyRefused("path '/etc' is absolute");
  }

  @Test
  void aPathThroughASymlinkIsRefused() throws IOException {
    Files.createDirectories(temp.resolve("outside"));
    Files.writeString(temp.resolve("outside/victim"), "keep me");
    Files.createSymbolicLink(delta.resolve("escape"), temp.resolve("outside"));
    writeMeta(
        "{\"version\":\"0.1.1\",\"keep_files\":[[101,115,99,97,112,101,47,118,105,99,116,105,109]],\"changes\":[]}");
    Files.createDirectories(source.resolve("escape"));
    Files.writeString(source.resolve("escape/victim"), "overwritten");
    assertApplyRefused("escape/victim goes through the symlink escape in the delta tree");
    assertThat(temp.resolve("outside/victim")).hasContent("keep me");
  }

  @Test
  void aListedSymlinkPointingOutsideIsRefused() throws IOException {
    Files.writeString(temp.resolve("victim"), "keep me");
    Files.createSymbolicLink(delta.resolve("link"), temp.resolve("victim"));
    Files.writeString(source.resolve("link"), "overwritten");
    writeMeta("{\"version\":\"0.1.1\",\"keep_files\":[[108,105,110,107]],\"changes\":[]}");
    assertApplyRefused("link is a symlink in the delta tree, not a file");
    assertThat(temp.resolve("victim")).hasContent("keep me");
  }

  @Test
  void aCorruptPatchIsRefusedBeforeAnythingChanges() throws IOException {
    Path patch = delta.resolve("usr/share/doc/big.bin");
    long size = Files.size(patch);
    try (FileChannel channel = FileChannel.open(patch, StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }
    assertApplyRefused("the delta for usr/share/doc/big.bin does not apply to the source");
  }

  @Test
  void aMissingSourceFileIsRefused() throws IOException {
    Files.delete(source.resolve("usr/lib/libfoo.so"));
    assertApplyRefused("usr/lib/libfoo.so is missing from the source");
  }

  @Test
  void aWrongSourceIsRefused() throws IOException {
    Path other = temp.resolve("other");
    Trees.copyTree(source, other);
    Trees.write(other.resolve("usr/share/doc/big.bin"), Trees.bytes(99, 400_000));
    source = other;
    assertApplyRefused("does not apply to the source");
  }

  @Test
  void malformedMetaFilesAreRefused() throws IOException {
    writeMeta("{\"version\":\"0.1.1\",\"keep_files\":[],\"changes\":[[\"Bsdiff\",[97]]]}");
    assertApplyRefused("unknown change kind \"Bsdiff\"");
    writeMeta("{\"version\":\"0.1.1\",\"keep_files\":[[300]],\"changes\":[]}");
    assertApplyRefused("a path byte must be 0..255, found 300");
    writeMeta("not json");
    assertApplyRefused("is not valid JSON");
  }

  @Test
  void aMissingXdelta3SaysHowToInstallIt() {
    assertThatThrownBy(() -> DeltaImage.applyDirectories(
            source, delta, options.withXdelta3(temp.resolve("no-xdelta3"))))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("xdelta3 not found at")
        .hasMessageContaining("apt-get install xdelta3");
  }
}
