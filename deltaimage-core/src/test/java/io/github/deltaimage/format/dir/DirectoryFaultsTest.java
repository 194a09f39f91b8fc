package io.github.deltaimage.format.dir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.Xdelta3Codec;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.testing.ChildJvm;
import io.github.deltaimage.testing.TreeSnapshot;
import io.github.deltaimage.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory mode against a hostile or unlucky environment: symlinked directories in the source,
 * hard links from outside the tree, an apply stopped in the middle of its rewrites.
 */
class DirectoryFaultsTest {

  @TempDir
  Path temp;

  private final DeltaOptions options = DeltaOptions.defaults();
  private Path source;
  private Path delta;
  private Path outside;
  private List<String> target;
  private List<String> deltaTree;

  @BeforeEach
  void makeDeltaTree() throws IOException {
    source = temp.resolve("source");
    delta = temp.resolve("delta");
    outside = Files.createDirectories(temp.resolve("outside"));
    Trees.buildPair(source, delta);
    target = TreeSnapshot.of(delta);
    DeltaImage.diffDirectories(source, delta, options);
    deltaTree = TreeSnapshot.of(delta);
  }

  private DirectoryApply applyStoppingAfter(int position) {
    Xdelta3Codec codec = Xdelta3Codec.locate(options.xdelta3(), options.xdelta3Settings());
    return new DirectoryApply(codec, 2, options.tempDirectory(), DeltaListener.NONE, done -> {
      if (done == position) {
        throw new IllegalStateException("simulated crash after rewrite " + position);
      }
    });
  }

  private Path journal() {
    return temp.resolve(".delta.deltaimage-apply");
  }

  @Test
  void aKeepFileUnderASymlinkedSourceDirectoryIsRefusedAndNothingOutsideIsRead()
      throws IOException {
    // Debian's var/run -> /run: the source must not be read through it.
    Files.writeString(outside.resolve("secret"), "outside the source tree\n");
    Files.createSymbolicLink(source.resolve("lnk"), outside);
    Files.createDirectories(delta.resolve("lnk"));
    Files.createFile(delta.resolve("lnk/secret"));
    Files.writeString(
        delta.resolve(MetaFile.NAME),
        "{\"version\":\"0.1.1\",\"keep_files\":[[108,110,107,47,115,101,99,114,101,116]],\"changes\":[]}");
    List<String> before = TreeSnapshot.of(delta);

    assertThatThrownBy(() -> DeltaImage.applyDirectories(source, delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "lnk/secret goes through the symlink lnk in SOURCE_DIR (-> " + outside + ")")
        .hasMessageContaining("nothing was changed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(before);
    assertThat(delta.resolve("lnk/secret")).isEmptyFile();
    assertThat(outside.resolve("secret")).hasContent("outside the source tree");
  }

  @Test
  void aPatchedFileUnderASymlinkedSourceDirectoryIsRefused() throws IOException {
    Path real = temp.resolve("real-usr-lib");
    Files.move(source.resolve("usr/lib"), real);
    Files.createSymbolicLink(source.resolve("usr/lib"), real);
    assertThatThrownBy(() -> DeltaImage.applyDirectories(source, delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("usr/lib/libfoo.so goes through the symlink usr/lib in SOURCE_DIR");
    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(deltaTree);
  }

  @Test
  void aDeltaFileHardLinkedFromOutsideTheTreeIsRefusedAndTheOutsideFileKeepsItsBytes()
      throws IOException {
    Path inTree = delta.resolve("usr/share/doc/big.bin");
    Path outsideLink = outside.resolve("big.bin-link");
    Files.createLink(outsideLink, inTree);
    byte[] outsideBytes = Files.readAllBytes(outsideLink);

    assertThatThrownBy(() -> DeltaImage.applyDirectories(source, delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("usr/share/doc/big.bin is hard-linked from outside the delta tree")
        .hasMessageContaining("nothing was changed");
    assertThat(outsideLink).hasBinaryContent(outsideBytes);
    Files.delete(
        outsideLink); // the snapshot notes link groups; without it the tree must be as it was
    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(deltaTree);
  }

  @Test
  void hardLinksInsideTheTreeAreNotMistakenForOutsideOnes() throws IOException {
    // usr/bin/tool and usr/bin/tool-alias are one inode with two names, both in the tree.
    DeltaImage.applyDirectories(source, delta, options);
    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(target);
  }

  @Test
  void anApplyStoppedDuringTheRewritesIsFinishedByARerun() throws IOException {
    FileTime parentModified = Files.getLastModifiedTime(temp);
    assertThatThrownBy(() -> applyStoppingAfter(2).apply(source, delta))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("the apply stopped after rewriting 2 of")
        .hasMessageContaining(
            "run the same command again to finish it (its journal is in " + journal());
    assertThat(journal().resolve("journal")).isRegularFile();
    assertThat(delta.resolve(MetaFile.NAME)).exists();

    DeltaImage.applyDirectories(source, delta, options);

    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(target);
    assertThat(journal()).doesNotExist();
    assertThat(Files.getLastModifiedTime(temp))
        .as("the journal's parent keeps its mtime")
        .isEqualTo(parentModified);
  }

  @Test
  void aRerunThatIsItselfInterruptedIsFinishedByTheNextOne() throws IOException {
    assertThatThrownBy(() -> applyStoppingAfter(1).apply(source, delta))
        .isInstanceOf(EnvironmentException.class);
    assertThatThrownBy(() -> applyStoppingAfter(4).apply(source, delta))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("after rewriting 4 of");
    DeltaImage.applyDirectories(source, delta, options);
    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(target);
    assertThat(journal()).doesNotExist();
  }

  @Test
  void theFileCutOffMidRewriteGetsItsAttributesBackFromTheJournal() throws IOException {
    // Stopped after rewrite 3; the journal's last line is for file 3. A crash inside that rewrite
    // would leave its mode and mtime changed and its bytes half written: make it so.
    assertThatThrownBy(() -> applyStoppingAfter(3).apply(source, delta))
        .isInstanceOf(EnvironmentException.class);
    DeltaMeta meta = MetaFile.read(delta);
    int keep = meta.keepFiles().size();
    List<DeltaMeta.Change> patched =
        meta.changes().stream().filter(c -> c.kind() == DeltaMeta.Kind.XDelta3).toList();
    Path cutOff = (3 < keep ? meta.keepFiles().get(3) : patched.get(3 - keep).path()).under(delta);
    Files.setAttribute(cutOff, "unix:mode", 0777, LinkOption.NOFOLLOW_LINKS);
    Files.setLastModifiedTime(cutOff, FileTime.fromMillis(0));
    Files.write(cutOff, new byte[] {1, 2, 3});

    DeltaImage.applyDirectories(source, delta, options);

    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(target);
  }

  @Test
  void aRerunThatCannotFinishUndoesTheInterruptedApply() throws IOException {
    assertThatThrownBy(() -> applyStoppingAfter(2).apply(source, delta))
        .isInstanceOf(EnvironmentException.class);
    Path other = temp.resolve("other");
    Trees.copyTree(source, other);
    Trees.write(other.resolve("usr/share/doc/big.bin"), Trees.bytes(99, 400_000));

    assertThatThrownBy(() -> DeltaImage.applyDirectories(other, delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not apply to the source")
        .hasMessageContaining(
            "the interrupted apply was undone: " + delta + " is the delta tree again")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("nothing was changed"));
    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(deltaTree);
    assertThat(journal()).doesNotExist();

    DeltaImage.applyDirectories(source, delta, options);
    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(target);
  }

  @Test
  void aJournalOfAnotherDeltaTreeAtThisPathIsNotUsed() throws IOException {
    assertThatThrownBy(() -> applyStoppingAfter(1).apply(source, delta))
        .isInstanceOf(EnvironmentException.class);
    Files.writeString(journal().resolve("meta.sha256"), "00".repeat(32) + "\n");
    assertThatThrownBy(() -> DeltaImage.applyDirectories(source, delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("belongs to an interrupted apply of another delta tree at this path");
  }

  @Test
  void aMetaFileJsonErrorIsOneLineWithItsPosition() throws IOException {
    Files.writeString(
        delta.resolve(MetaFile.NAME), "{\"version\": \"0.1.1\",\n  \"keep_files\": [tru");
    assertThatThrownBy(() -> DeltaImage.applyDirectories(source, delta, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not valid JSON at line 2")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void diffDoesNotMatchTargetFilesAgainstSourceFilesBehindASymlinkedDirectory() throws IOException {
    Path source2 = temp.resolve("source2");
    Path target2 = temp.resolve("target2");
    Files.writeString(outside.resolve("pid"), "same bytes\n");
    Files.createDirectories(source2);
    Files.createSymbolicLink(source2.resolve("run"), outside);
    Trees.write(target2.resolve("run/pid"), "same bytes\n".getBytes());
    List<String> expected = TreeSnapshot.of(target2);

    DeltaImage.diffDirectories(source2, target2, options);
    assertThat(MetaFile.read(target2).keepFiles())
        .as("not kept from /run through the link")
        .isEmpty();
    assertThat(target2.resolve("run/pid")).hasContent("same bytes");

    DeltaImage.applyDirectories(source2, target2, options);
    assertThat(TreeSnapshot.of(target2)).containsExactlyElementsOf(expected);
  }

  @Test
  void diffRefusesATargetFileHardLinkedFromOutsideAndChangesNothing() throws IOException {
    Path source2 = temp.resolve("source2");
    Path target2 = temp.resolve("target2");
    Trees.buildPair(source2, target2);
    Path outsideLink = outside.resolve("libfoo-link");
    Files.createLink(outsideLink, target2.resolve("usr/lib/libfoo.so"));
    byte[] outsideBytes = Files.readAllBytes(outsideLink);
    List<String> before = TreeSnapshot.of(target2);

    assertThatThrownBy(() -> DeltaImage.diffDirectories(source2, target2, options))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "usr/lib/libfoo.so is hard-linked from outside TARGET_DIR (2 links, 1 in the tree)");
    assertThat(outsideLink).hasBinaryContent(outsideBytes);
    assertThat(TreeSnapshot.of(target2)).containsExactlyElementsOf(before);
  }

  @Test
  void anApplyKilledOutrightMidRewriteIsFinishedByARerun() throws Exception {
    stopMidRewriteAndRerun(true);
  }

  @Test
  void anApplyStoppedBySigtermMidRewriteIsFinishedByARerun() throws Exception {
    stopMidRewriteAndRerun(false);
  }

  /** A real apply in a child JVM, paused after its third rewrite and then killed (-9) or sent SIGTERM. */
  private void stopMidRewriteAndRerun(boolean outright) throws Exception {
    Path runs = Files.createDirectories(temp.resolve("runs"));
    Path log = temp.resolve("apply.log");
    Process child = ChildJvm.start(
        log, StoppedApplyMain.class, source.toString(), delta.toString(), runs.toString(), "2");
    ChildJvm.awaitLine(child, log, "paused after rewrite 2");
    if (outright) {
      child.destroyForcibly(); // no hook runs: the run directory stays too, for the next run to
      // reclaim
    } else {
      child.destroy(); // the hook removes the run directory; the journal beside the tree stays
    }
    assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(journal().resolve("journal")).isRegularFile();
    assertThat(TreeSnapshot.of(delta)).isNotEqualTo(deltaTree).isNotEqualTo(target);
    if (!outright) {
      assertThat(runs).isEmptyDirectory();
    }

    DeltaImage.applyDirectories(source, delta, options.withTempDirectory(runs));

    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(target);
    assertThat(journal()).doesNotExist();
    assertThat(runs).isEmptyDirectory();
  }
}
