package io.github.deltaimage.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves paths inside one tree the way {@code openat(..., O_NOFOLLOW)} would, component by
 * component, never through a symlink: a tree holding {@code var/run -> /run} (every Debian root
 * does) must not let {@code var/run/x} read or write {@code /run/x}. Checked directories are
 * remembered, so a million paths cost about one {@code lstat} per directory.
 *
 * <p>The check and the later open are two steps: a tree changed by someone else in between is not
 * defended against (the trees are the user's own, not shared with an adversary while the tool runs).
 */
public final class TreeResolver {

  private final Path root;
  private final String role;
  private final Set<RelativePath> directories = ConcurrentHashMap.newKeySet();

  /** {@code role} names the tree in messages: {@code SOURCE_DIR}, {@code the delta tree}. */
  public TreeResolver(Path root, String role) {
    this.root = root;
    this.role = role;
  }

  public Path root() {
    return root;
  }

  /** Why {@code path} cannot be reached inside the tree without leaving it, or null when it can. */
  public String parentProblem(RelativePath path) {
    for (RelativePath parent : path.parents()) {
      if (directories.contains(parent)) {
        continue;
      }
      Path dir = parent.under(root);
      BasicFileAttributes attributes;
      try {
        attributes =
            Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return path + " is missing from " + role + " (" + parent + " does not exist)";
      } catch (IOException e) {
        return "cannot read " + dir + ": " + e.getMessage();
      }
      if (attributes.isSymbolicLink()) {
        return path + " goes through the symlink " + parent + " in " + role + " (-> " + target(dir)
            + "), which leads out of the tree; refusing to follow it";
      }
      if (!attributes.isDirectory()) {
        return path + " is listed but " + parent + " is not a directory in " + role;
      }
      directories.add(parent);
    }
    return null;
  }

  /** Whether {@code path} is a regular file of the tree, reached without following any symlink. */
  public boolean isRegularFile(RelativePath path) {
    return parentProblem(path) == null
        && Files.isRegularFile(path.under(root), LinkOption.NOFOLLOW_LINKS);
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "?";
    }
  }
}
