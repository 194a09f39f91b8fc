package io.github.deltaimage.format.dir;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.DirectorySummary;
import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.fs.RelativePath;
import io.github.deltaimage.testing.TestEnvironment;
import io.github.deltaimage.testing.TreeSnapshot;
import io.github.deltaimage.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryRoundTripTest {

  @TempDir
  Path temp;

  private final DeltaOptions options = DeltaOptions.defaults();

  @Test
  void applyRestoresEveryEntryOfTheTargetExactly() throws IOException {
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    Trees.buildPair(source, target);
    Path work = temp.resolve("work");
    Trees.copyTree(target, work);
    List<String> expected = TreeSnapshot.of(target);
    assertThat(TreeSnapshot.of(work)).isEqualTo(expected);

    DirectorySummary diff = DeltaImage.diffDirectories(source, work, options);
    assertThat(diff.files().get(Outcome.DELTA))
        .as("changed files stored as deltas")
        .isGreaterThanOrEqualTo(5);
    assertThat(diff.files().get(Outcome.KEPT_FROM_SOURCE)).isEqualTo(1);
    assertThat(diff.totalStoredBytes()).isLessThan(diff.totalTargetBytes() / 20);
    assertThat(work.resolve(MetaFile.NAME)).isRegularFile();

    DeltaImage.applyDirectories(source, work, options);
    assertThat(TreeSnapshot.of(work)).containsExactlyElementsOf(expected);
  }

  @Test
  void deltaTreeKeepsTheTargetAttributesOnRewrittenFiles() throws IOException {
    Path source = temp.resolve("source");
    Path work = temp.resolve("target");
    Trees.buildPair(source, work);
    Path big = work.resolve("usr/share/doc/big.bin");
    Object modeBefore = Files.getAttribute(big, "unix:mode");
    Object mtimeBefore = Files.getLastModifiedTime(big);
    List<String> parents =
        TreeSnapshot.of(work).stream().filter(line -> !line.contains("sha256")).toList();

    DeltaImage.diffDirectories(source, work, options);

    assertThat(Files.size(big)).isLessThan(1000);
    assertThat(Files.getAttribute(big, "unix:mode")).isEqualTo(modeBefore);
    assertThat(Files.getLastModifiedTime(big)).isEqualTo(mtimeBefore);
    assertThat(Files.size(work.resolve("etc/same.conf"))).isZero();
    assertThat(TreeSnapshot.of(work).stream()
            .filter(line -> !line.contains("sha256"))
            .filter(line -> !line.startsWith(MetaFile.NAME)))
        .as("directories, links and special files are untouched, root mtime included")
        .containsExactlyElementsOf(parents);
  }

  @Test
  void hardLinkGroupWithANewMemberStaysOneInode() throws IOException {
    Path source = temp.resolve("source");
    Path work = temp.resolve("target");
    Trees.buildPair(source, work);
    DeltaImage.diffDirectories(source, work, options);
    DeltaImage.applyDirectories(source, work, options);
    Object oldKey =
        Files.readAttributes(work.resolve("usr/bin/old-member"), "unix:ino").get("ino");
    Object newKey =
        Files.readAttributes(work.resolve("usr/bin/new-member"), "unix:ino").get("ino");
    assertThat(newKey).isEqualTo(oldKey);
    assertThat(Files.readAttributes(work.resolve("usr/bin/new-member"), "unix:nlink")
            .get("nlink"))
        .isEqualTo(2);
  }

  @Test
  void metaFileListsPathsAsRawBytesInTheOriginalsShape() throws IOException {
    Path source = temp.resolve("source");
    Path work = temp.resolve("target");
    Trees.buildPair(source, work);
    DeltaImage.diffDirectories(source, work, options);
    String json =
        Files.readString(work.resolve(MetaFile.NAME), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(json)
        .startsWith(
            "{\"version\":\"0.1.1\",\"keep_files\":[[101,116,99,47,115,97,109,101,46,99,111,110,102]]");
    // "usr/share/odd-\xff\xfe.bin" as bytes, not as text.
    assertThat(json)
        .contains(
            "[\"XDelta3\",[117,115,114,47,115,104,97,114,101,47,111,100,100,45,255,254,46,98,105,110]]");
    DeltaMeta meta = MetaFile.read(work);
    assertThat(meta.changes())
        .extracting(DeltaMeta.Change::path)
        .doesNotHaveDuplicates()
        .contains(RelativePath.of("usr/share/changelog.gz".getBytes()));
  }

  @Test
  void aFileTheDeltaCannotShrinkIsKeptWholeAndListedAsIs() throws IOException {
    Path source = temp.resolve("source");
    Path work = temp.resolve("target");
    Trees.write(source.resolve("random.bin"), Trees.bytes(11, 5000));
    Trees.write(work.resolve("random.bin"), Trees.bytes(12, 5000));
    byte[] before = Files.readAllBytes(work.resolve("random.bin"));
    DeltaImage.diffDirectories(source, work, options);
    assertThat(Files.readAllBytes(work.resolve("random.bin"))).isEqualTo(before);
    assertThat(MetaFile.read(work).changes())
        .containsExactly(
            new DeltaMeta.Change(DeltaMeta.Kind.AsIs, RelativePath.of("random.bin".getBytes())));
    DeltaImage.applyDirectories(source, work, options);
    assertThat(Files.readAllBytes(work.resolve("random.bin"))).isEqualTo(before);
    assertThat(work.resolve(MetaFile.NAME)).doesNotExist();
  }

  @Test
  void largeSparseFileRoundTripsAndStaysSparse() throws IOException {
    long size = (4L << 30) + 12345;
    Path source = temp.resolve("source");
    Path work = temp.resolve("target");
    for (Path tree : new Path[] {source, work}) {
      Files.createDirectories(tree);
      try (var file = new java.io.RandomAccessFile(tree.resolve("disk.img").toFile(), "rw")) {
        file.setLength(size);
        file.seek(1L << 20);
        file.write(Trees.bytes(13, 4096));
        file.seek(size - 5000);
        file.write(
            tree == source ? Trees.bytes(14, 1000) : Trees.edited(Trees.bytes(14, 1000), 15));
      }
    }
    Path expected = temp.resolve("expected.img");
    Trees.copyTree(work.resolve("disk.img"), expected);

    DeltaImage.diffDirectories(source, work, options);
    assertThat(Files.size(work.resolve("disk.img"))).isLessThan(1 << 20);
    DeltaImage.applyDirectories(source, work, options);

    Path restored = work.resolve("disk.img");
    assertThat(Files.size(restored)).isEqualTo(size);
    assertThat(Files.mismatch(restored, expected)).isEqualTo(-1L);
    long allocatedBlocks = (Long) Files.getAttribute(restored, "unix:size") / 512;
    assertThat(blocks(restored))
        .as("restored file keeps its holes")
        .isLessThan(allocatedBlocks / 100);
  }

  private static long blocks(Path file) {
    try {
      Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
      return Long.parseLong(new String(stat.getInputStream().readAllBytes()).trim());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void rootOnlyEntriesAreCoveredWhenRunAsRoot() throws IOException {
    TestEnvironment.requireRoot();
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    Trees.buildPair(source, target);
    assertThat(Files.readAttributes(
                target.resolve("usr/share/doc/big.bin"), "unix:uid", LinkOption.NOFOLLOW_LINKS)
            .get("uid"))
        .isEqualTo(1234);
    assertThat(TreeSnapshot.of(target))
        .anyMatch(line ->
            line.startsWith("usr/lib/libfoo.so ") && line.contains("xattr:security.capability"));
    assertThat(TreeSnapshot.of(target))
        .anyMatch(line -> line.startsWith("var/lib/null-device ") && line.contains("rdev="));
  }
}
