package io.github.deltaimage.fs;

import io.github.deltaimage.api.EnvironmentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What a file carries besides its bytes: mode (with setuid/setgid/sticky), owner, modification time
 * to the nanosecond, extended attributes. Captured before a file is rewritten in place and restored
 * after, because writing clears setuid bits (for non-root) and file capabilities, and moves mtime.
 */
public record FileState(int mode, int uid, int gid, FileTime modified, Map<String, byte[]> xattrs) {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  public static FileState of(Path file) {
    try {
      Map<String, Object> unix =
          Files.readAttributes(file, "unix:mode,uid,gid,lastModifiedTime", NOFOLLOW);
      return new FileState(
          (Integer) unix.get("mode") & 07777,
          (Integer) unix.get("uid"),
          (Integer) unix.get("gid"),
          (FileTime) unix.get("lastModifiedTime"),
          Xattrs.read(file));
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the attributes of " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Puts this state back on {@code file}. Order matters: chown clears setuid bits and capabilities,
   * so owner first, then mode, then extended attributes, and the time last since the others may touch it.
   */
  public void restoreOn(Path file) {
    try {
      Map<String, Object> unix = Files.readAttributes(file, "unix:mode,uid,gid", NOFOLLOW);
      if ((Integer) unix.get("uid") != uid) {
        Files.setAttribute(file, "unix:uid", uid, NOFOLLOW);
      }
      if ((Integer) unix.get("gid") != gid) {
        Files.setAttribute(file, "unix:gid", gid, NOFOLLOW);
      }
      Files.setAttribute(file, "unix:mode", mode, NOFOLLOW);
      Xattrs.restore(file, xattrs);
      Files.getFileAttributeView(file, BasicFileAttributeView.class, NOFOLLOW)
          .setTimes(modified, null, null);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot restore the attributes of " + file + ": " + e.getMessage(), e);
    }
  }

  /** Sets only the modification time, e.g. of a directory whose entries changed. */
  public static void setModified(Path file, FileTime modified) {
    try {
      Files.getFileAttributeView(file, BasicFileAttributeView.class, NOFOLLOW)
          .setTimes(modified, null, null);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot set the modification time of " + file + ": " + e.getMessage(), e);
    }
  }
}
