package io.github.deltaimage.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds files of a tree that are hard-linked from outside it. Rewriting such a file in place would
 * change the outside file too, so the tools refuse them. The kernel's link count ({@code st_nlink})
 * is compared with the names the tree itself holds for that inode.
 */
public final class HardLinks {

  private HardLinks() {}

  /**
   * The first of {@code files} (paths of regular files inside {@code root}) that has more links
   * than names in the tree, or null. Walks the tree only when some file has several links.
   */
  public static RelativePath firstLinkedFromOutside(Path root, List<RelativePath> files)
      throws IOException {
    Map<Object, Integer> linkCounts = new LinkedHashMap<>();
    Map<Object, RelativePath> firstPath = new HashMap<>();
    for (RelativePath file : files) {
      Path path = file.under(root);
      int links = (Integer) Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      if (links > 1) {
        Object key = Files.readAttributes(
                path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .fileKey();
        linkCounts.put(key, links);
        firstPath.putIfAbsent(key, file);
      }
    }
    if (linkCounts.isEmpty()) {
      return null;
    }
    Map<Object, Integer> namesInTree = new HashMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        Object key = attributes.fileKey();
        if (attributes.isRegularFile() && linkCounts.containsKey(key)) {
          namesInTree.merge(key, 1, Integer::sum);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    for (Map.Entry<Object, Integer> inode : linkCounts.entrySet()) {
      if (inode.getValue() > namesInTree.getOrDefault(inode.getKey(), 0)) {
        return firstPath.get(inode.getKey());
      }
    }
    return null;
  }
}
