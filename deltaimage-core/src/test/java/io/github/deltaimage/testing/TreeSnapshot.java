package io.github.deltaimage.testing;

import io.github.deltaimage.fs.RawPaths;
import io.github.deltaimage.fs.RelativePath;
import io.github.deltaimage.fs.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a tree holds, one line per entry (path, type, mode, owner, mtime in ns, size, content
 * hash, link target, extended attributes, hard-link group), for comparing two trees in tests.
 */
public final class TreeSnapshot {

  private TreeSnapshot() {}

  /** One line per entry, sorted by raw path; hard-link groups numbered by first appearance. */
  public static List<String> of(Path root) throws IOException {
    TreeMap<RelativePath, Path> entries = new TreeMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (!dir.equals(root)) {
          entries.put(RelativePath.between(root, dir), dir);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        entries.put(RelativePath.between(root, file), file);
        return FileVisitResult.CONTINUE;
      }
    });
    List<String> lines = new ArrayList<>();
    lines.add(". " + describe(root));
    Map<Object, Integer> groups = new HashMap<>();
    for (Map.Entry<RelativePath, Path> entry : entries.entrySet()) {
      Path file = entry.getValue();
      Map<String, Object> unix =
          Files.readAttributes(file, "unix:ino,dev,nlink", LinkOption.NOFOLLOW_LINKS);
      String group = "";
      if ((Integer) unix.get("nlink") > 1 && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        Object key = List.of(unix.get("dev"), unix.get("ino"));
        group = " link#" + groups.computeIfAbsent(key, k -> groups.size());
      }
      lines.add(entry.getKey() + " " + describe(file) + group);
    }
    return lines;
  }

  private static String describe(Path file) throws IOException {
    Map<String, Object> unix = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) unix.get("mode");
    StringBuilder line = new StringBuilder();
    line.append(String.format("mode=%o uid=%s gid=%s", mode, unix.get("uid"), unix.get("gid")));
    if (!Files.isSymbolicLink(file)) {
      line.append(" mtime=")
          .append(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant());
    }
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      line.append(" size=").append(unix.get("size")).append(" sha256=").append(sha256(file));
    } else if (Files.isSymbolicLink(file)) {
      line.append(" -> ")
          .append(new String(
              RawPaths.bytes(Files.readSymbolicLink(file)), StandardCharsets.ISO_8859_1));
    } else if ((Boolean) unix.get("isOther")) {
      line.append(" rdev=").append(unix.get("rdev"));
    }
    if (!Files.isSymbolicLink(file)) {
      new TreeMap<>(Xattrs.read(file)).forEach((name, value) -> line.append(" xattr:")
          .append(name)
          .append('=')
          .append(HexFormat.of().formatHex(value)));
    }
    return line.toString();
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
