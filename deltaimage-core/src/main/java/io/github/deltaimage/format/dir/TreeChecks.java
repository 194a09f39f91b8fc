package io.github.deltaimage.format.dir;

import io.github.deltaimage.api.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Checks on the directories a user names, with messages that say which argument is wrong. */
final class TreeChecks {

  private TreeChecks() {}

  static void requireDirectory(Path dir, String role) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.exists(dir)) {
      throw new InvalidInputException(role + " " + dir + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(role + " " + dir + " is not a directory");
    }
  }

  static boolean isRegularFile(Path file) {
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
  }
}
