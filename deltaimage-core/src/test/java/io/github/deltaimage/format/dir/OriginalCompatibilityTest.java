package io.github.deltaimage.format.dir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.fs.FileState;
import io.github.deltaimage.fs.RawPaths;
import io.github.deltaimage.fs.RelativePath;
import io.github.deltaimage.testing.TestEnvironment;
import io.github.deltaimage.testing.TreeSnapshot;
import io.github.deltaimage.testing.Trees;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both directions of compatibility with the original deltaimage (0.1.1), written from its format
 * description rather than from our code: a tree laid out the original's way applies with ours, and
 * ours applies with the original's algorithm.
 */
class OriginalCompatibilityTest {

  @TempDir
  Path temp;

  @Test
  void aDeltaTreeLaidOutByTheOriginalAppliesWithOurs() throws IOException {
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    Trees.buildPair(source, target);
    List<String> expected = TreeSnapshot.of(target);
    Path delta = temp.resolve("delta");
    Trees.copyTree(target, delta);
    layOutLikeTheOriginal(source, delta);

    DeltaImage.applyDirectories(source, delta, DeltaOptions.defaults());

    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(expected);
  }

  @Test
  void ourDeltaTreeAppliesWithTheOriginalsAlgorithm() throws IOException {
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    Trees.buildPair(source, target);
    List<String> expected = TreeSnapshot.of(target);
    Path delta = temp.resolve("delta");
    Trees.copyTree(target, delta);
    DeltaImage.diffDirectories(source, delta, DeltaOptions.defaults());

    applyLikeTheOriginal(source, delta);

    assertThat(TreeSnapshot.of(delta)).containsExactlyElementsOf(expected);
  }

  /**
   * The original's diff: per regular file also in the source, identical bytes become an empty file in
   * keep_files, different bytes the xdelta3 delta (library defaults: no external compression) in
   * changes; metadata of the target file put back; parent mtimes saved and restored; one meta file.
   */
  private static void layOutLikeTheOriginal(Path source, Path delta) throws IOException {
    List<byte[]> keep = new ArrayList<>();
    List<byte[]> changed = new ArrayList<>();
    Map<Object, Boolean> inodesDone = new HashMap<>();
    Path scratch = Files.createTempFile("original-delta", ".vcdiff");
    Files.walkFileTree(delta, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        byte[] relative = RawPaths.bytes(delta.relativize(file));
        Path old = RawPaths.resolve(source, relative);
        if (!attrs.isRegularFile()
            || !Files.isRegularFile(old, LinkOption.NOFOLLOW_LINKS)
            || inodesDone.put(attrs.fileKey(), true) != null
            || attrs.size() == 0) {
          return FileVisitResult.CONTINUE;
        }
        FileState state = FileState.of(file);
        if (Files.mismatch(old, file) == -1) {
          Files.write(file, new byte[0]);
          keep.add(relative);
        } else {
          xdelta3("-e", old, file, scratch);
          Files.write(file, Files.readAllBytes(scratch));
          changed.add(relative);
        }
        state.restoreOn(file);
        return FileVisitResult.CONTINUE;
      }
    });
    Files.delete(scratch);
    var rootTime = Files.getLastModifiedTime(delta);
    StringJoiner keepJson = new StringJoiner(",", "[", "]");
    keep.forEach(path -> keepJson.add(byteArray(path)));
    StringJoiner changesJson = new StringJoiner(",", "[", "]");
    changed.forEach(path -> changesJson.add("[\"XDelta3\"," + byteArray(path) + "]"));
    Files.writeString(
        delta.resolve("__deltaimage.meta.json"),
        "{\"version\":\"0.1.1\",\"keep_files\":" + keepJson + ",\"changes\":" + changesJson + "}");
    Files.setLastModifiedTime(delta, rootTime);
  }

  /**
   * The xdelta3 binary on raw file names, as the original's library binding is (in memory, so no
   * external decompression: -D -R). Names go through plain-named symlinks: process arguments are text.
   */
  private static void xdelta3(String mode, Path source, Path input, Path output)
      throws IOException {
    Path names = Files.createTempDirectory("names");
    Files.createSymbolicLink(names.resolve("source"), source.toAbsolutePath());
    Files.createSymbolicLink(names.resolve("input"), input.toAbsolutePath());
    Files.createSymbolicLink(names.resolve("output"), output.toAbsolutePath());
    TestEnvironment.run(
        "xdelta3",
        mode,
        "-f",
        "-D",
        "-R",
        "-s",
        names.resolve("source").toString(),
        names.resolve("input").toString(),
        names.resolve("output").toString());
    for (String name : new String[] {"source", "input", "output"}) {
      Files.delete(names.resolve(name));
    }
    Files.delete(names);
  }

  private static String byteArray(byte[] bytes) {
    StringJoiner json = new StringJoiner(",", "[", "]");
    for (byte b : bytes) {
      json.add(Integer.toString(b & 0xff));
    }
    return json.toString();
  }

  /**
   * The original's apply: decode each XDelta3 change and copy each keep_files entry into a new file
   * that takes the delta file's metadata, then rebuild the hard-link groups the delta tree had, put
   * parent mtimes back, delete the meta file.
   */
  private static void applyLikeTheOriginal(Path source, Path delta) throws IOException {
    JsonNode meta =
        new ObjectMapper().readTree(delta.resolve("__deltaimage.meta.json").toFile());
    Map<Object, List<Path>> groups = new HashMap<>();
    Files.walkFileTree(delta, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          groups.computeIfAbsent(attrs.fileKey(), k -> new ArrayList<>()).add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    var rootTime = Files.getLastModifiedTime(delta);
    List<Path> rebuilt = new ArrayList<>();
    for (JsonNode path : meta.get("keep_files")) {
      Path file = path(delta, path);
      replace(
          file,
          fresh -> Files.copy(path(source, path), fresh, StandardCopyOption.REPLACE_EXISTING));
      rebuilt.add(file);
    }
    for (JsonNode change : meta.get("changes")) {
      Path file = path(delta, change.get(1));
      if (change.get(0).asText().equals("XDelta3")) {
        Path old = path(source, change.get(1));
        replace(file, fresh -> xdelta3("-d", old, file, fresh));
        rebuilt.add(file);
      }
    }
    for (Path file : rebuilt) {
      for (List<Path> group : groups.values()) {
        if (group.contains(file)) {
          for (Path member : group) {
            if (!member.equals(file)) {
              var parentTime = Files.getLastModifiedTime(member.getParent());
              Files.delete(member);
              Files.createLink(member, file);
              Files.setLastModifiedTime(member.getParent(), parentTime);
            }
          }
        }
      }
    }
    Files.delete(delta.resolve("__deltaimage.meta.json"));
    Files.setLastModifiedTime(delta, rootTime);
  }

  private interface Producer {
    void writeTo(Path fresh) throws IOException;
  }

  private static void replace(Path file, Producer producer) throws IOException {
    FileState state = FileState.of(file);
    var parentTime = Files.getLastModifiedTime(file.getParent());
    Path fresh = file.resolveSibling(".deltaimage-new");
    producer.writeTo(fresh);
    Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING);
    state.restoreOn(file);
    Files.setLastModifiedTime(file.getParent(), parentTime);
  }

  private static Path path(Path root, JsonNode bytes) {
    byte[] raw = new byte[bytes.size()];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) bytes.get(i).asInt();
    }
    return RelativePath.of(raw).under(root);
  }
}
