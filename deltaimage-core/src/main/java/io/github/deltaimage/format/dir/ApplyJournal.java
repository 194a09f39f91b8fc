package io.github.deltaimage.format.dir;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.FileState;
import io.github.deltaimage.fs.ShutdownCleanup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a directory apply needs to survive being interrupted while it rewrites the tree. It lives
 * next to the delta tree, in {@code .NAME.deltaimage-apply} beside {@code NAME} (so on the same
 * file system and never inside the tree the user restores):
 *
 * <ul>
 *   <li>{@code meta.sha256}: the digest of the tree's meta file, tying the journal to this delta;
 *   <li>{@code backup/N}: a copy of every xdelta3 delta file, made before the first rewrite (deltas
 *       are small; the keep-files are empty in the delta tree and need no copy);
 *   <li>{@code prepared}: written once the backups are complete; without it nothing was changed;
 *   <li>{@code journal}: one line appended before each file is rewritten: its position in the order
 *       of rewrites and the attributes it had (mode, owner, mtime, extended attributes);
 *   <li>{@code done}: every file is rewritten; only the meta file remains to be removed.
 * </ul>
 *
 * Rewrites are idempotent (the content comes from the source or a decode of a backed-up delta), so
 * a rerun redoes the last journaled file and goes on; if it cannot go on (another source, a damaged
 * backup), it writes the backed-up deltas back and the tree is the delta tree again. The journal
 * is written without fsync: it survives the process (kill -9, OOM), not a power cut.
 */
final class ApplyJournal {

  private final Path dir;
  private FileChannel journal;

  private ApplyJournal(Path dir) {
    this.dir = dir;
  }

  static ApplyJournal beside(Path deltaTree) {
    Path tree = deltaTree.toAbsolutePath().normalize();
    Path parent = tree.getParent();
    if (parent == null) {
      throw new InvalidInputException(
          "DELTA_DIR " + deltaTree + " is the file system root: apply needs a directory"
              + " beside the tree for its journal; move the delta tree into a directory of its own");
    }
    return new ApplyJournal(parent.resolve("." + tree.getFileName() + ".deltaimage-apply"));
  }

  Path dir() {
    return dir;
  }

  /** An interrupted apply of this delta found: where its rewrites stopped. */
  record Resume(int position, FileState stateBefore) {}

  /**
   * Looks at what a previous run left. Null: start afresh (a run that stopped before its first rewrite
   * is discarded: it changed nothing). Otherwise the position to resume from.
   */
  Resume findInterrupted(byte[] metaDigest) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try {
      if (!Files.exists(dir.resolve("prepared"))) {
        remove();
        return null;
      }
      byte[] recorded =
          HexFormat.of().parseHex(Files.readString(dir.resolve("meta.sha256")).strip());
      if (!MessageDigest.isEqual(recorded, metaDigest)) {
        throw new InvalidInputException("the work directory " + dir
            + " belongs to an interrupted apply of another delta"
            + " tree at this path; finish that one, or remove " + dir + " if that tree is gone");
      }
      return lastEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new EnvironmentException(
          "cannot read the journal in " + dir + ": " + e.getMessage()
              + "; remove that directory to start over only if the delta tree was not changed yet",
          e);
    }
  }

  /** The last complete line; a line cut short by the interruption means that file was not started. */
  private Resume lastEntry() throws IOException {
    Path file = dir.resolve("journal");
    if (!Files.exists(file)) {
      return new Resume(0, null);
    }
    String last = null;
    long completeLength = 0;
    long read = 0;
    StringBuilder line = new StringBuilder();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          read++;
          if (buffer[i] == '\n') {
            last = line.toString();
            line.setLength(0);
            completeLength = read;
          } else {
            line.append((char) (buffer[i] & 0xff));
          }
        }
      }
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(completeLength);
    }
    return last == null ? new Resume(0, null) : parse(last);
  }

  private static Resume parse(String line) {
    String[] fields = line.split(" ");
    int position = Integer.parseInt(fields[0]);
    Map<String, byte[]> xattrs = new LinkedHashMap<>();
    for (int i = 6; i < fields.length; i++) {
      String[] pair = fields[i].split("=", -1);
      xattrs.put(
          new String(HexFormat.of().parseHex(pair[0]), StandardCharsets.ISO_8859_1),
          HexFormat.of().parseHex(pair[1]));
    }
    FileTime modified =
        FileTime.from(Instant.ofEpochSecond(Long.parseLong(fields[4]), Long.parseLong(fields[5])));
    return new Resume(
        position,
        new FileState(
            Integer.parseInt(fields[1]),
            Integer.parseInt(fields[2]),
            Integer.parseInt(fields[3]),
            modified,
            xattrs));
  }

  /** Starts a new journal for the meta file of {@code metaDigest}; backups follow. */
  void create(byte[] metaDigest) {
    try {
      remove();
      // Making and removing the work directory moves its parent's mtime: record it to put it back.
      FileTime parentModified =
          Files.getLastModifiedTime(dir.getParent(), LinkOption.NOFOLLOW_LINKS);
      Files.createDirectories(dir.resolve("backup"));
      Files.writeString(
          dir.resolve("parent.mtime"),
          parentModified.toInstant().getEpochSecond() + " "
              + parentModified.toInstant().getNano() + "\n");
      Files.writeString(dir.resolve("meta.sha256"), HexFormat.of().formatHex(metaDigest) + "\n");
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  void backUp(int position, Path deltaFile) {
    try {
      Files.copy(
          deltaFile,
          backup(position),
          StandardCopyOption.REPLACE_EXISTING,
          LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  Path backup(int position) {
    return dir.resolve("backup").resolve(Integer.toString(position));
  }

  /** From here on the tree may change: a rerun resumes instead of starting afresh. */
  void markPrepared() {
    try {
      Files.createFile(dir.resolve("prepared"));
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  /** Records, before file {@code position} is rewritten, the attributes it must end up with. */
  void begin(int position, FileState state) {
    StringBuilder line = new StringBuilder();
    line.append(position)
        .append(' ')
        .append(state.mode())
        .append(' ')
        .append(state.uid())
        .append(' ')
        .append(state.gid())
        .append(' ')
        .append(state.modified().toInstant().getEpochSecond())
        .append(' ')
        .append(state.modified().toInstant().getNano());
    state.xattrs().forEach((name, value) -> line.append(' ')
        .append(HexFormat.of().formatHex(name.getBytes(StandardCharsets.ISO_8859_1)))
        .append('=')
        .append(HexFormat.of().formatHex(value)));
    line.append('\n');
    try {
      if (journal == null) {
        journal = FileChannel.open(
            dir.resolve("journal"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      }
      ByteBuffer bytes = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.ISO_8859_1));
      while (bytes.hasRemaining()) {
        journal.write(bytes);
      }
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  void close() {
    if (journal != null) {
      try {
        journal.close();
      } catch (IOException e) {
        // Written lines are in the file already.
      }
      journal = null;
    }
  }

  /** Every file is rewritten: what is left is to remove the meta file and this directory. */
  void markDone() {
    close();
    try {
      Files.createFile(dir.resolve("done"));
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  boolean isDone() {
    return Files.exists(dir.resolve("done"));
  }

  void remove() {
    close();
    try {
      FileTime parentModified = null;
      Path recorded = dir.resolve("parent.mtime");
      if (Files.isRegularFile(recorded, LinkOption.NOFOLLOW_LINKS)) {
        String[] fields = Files.readString(recorded).strip().split(" ");
        parentModified = FileTime.from(
            Instant.ofEpochSecond(Long.parseLong(fields[0]), Long.parseLong(fields[1])));
      }
      ShutdownCleanup.removeTree(dir);
      if (parentModified != null) {
        FileState.setModified(dir.getParent(), parentModified);
      }
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      // A damaged record only costs the parent's mtime.
      try {
        ShutdownCleanup.removeTree(dir);
      } catch (IOException again) {
        throw new EnvironmentException(
            "cannot remove the apply journal " + dir + ": " + again.getMessage(), again);
      }
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot remove the apply journal " + dir + ": " + e.getMessage(), e);
    }
  }

  private EnvironmentException cannotWrite(IOException e) {
    return new EnvironmentException(
        "cannot write the apply journal in " + dir + ": " + e.getMessage()
            + " (it lives beside the delta tree; that directory must be writable)",
        e);
  }

  static byte[] sha256(Path file) {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return digest.digest();
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
