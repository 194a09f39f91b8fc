package io.github.deltaimage.fs;

import io.github.deltaimage.api.EnvironmentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One temporary directory per run; everything a run spools lives in it and goes with it, also on
 * failure, on SIGINT/SIGTERM (a shutdown hook, see {@link ShutdownCleanup}) and, after {@code kill -9}
 * or a crash, at the next start of any run in the same parent.
 *
 * <p>Each run directory holds {@value #OWNER_LOCK}, locked (fcntl) by its process for as long as
 * the run lasts and holding its pid for people who look. The kernel drops the lock when the process
 * dies, however it dies, so a run directory whose lock can be taken belongs to nobody and is
 * removed. A directory is prepared under a staging name and renamed to {@code deltaimage-*} only once
 * its lock is held, so no other process ever sees a run directory whose lock is not yet taken.
 */
public final class RunDirectory implements AutoCloseable {

  /** The lock (and pid) file inside each run directory. */
  public static final String OWNER_LOCK = ".owner.lock";

  static final String PREFIX = "deltaimage-";
  private static final String STAGING_PREFIX = ".deltaimage-staging-";

  /** The run directories of this JVM: never probed by the sweep (closing a probe's channel would drop our own lock). */
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final FileChannel ownerChannel;
  private final AtomicLong counter = new AtomicLong();

  private RunDirectory(Path path, FileChannel ownerChannel) {
    this.path = path;
    this.ownerChannel = ownerChannel;
  }

  /** Creates a fresh run directory under {@code parent} (created when missing), reclaiming those of dead processes. */
  public static RunDirectory create(Path parent) {
    try {
      Files.createDirectories(parent);
      reclaimAbandoned(parent);
      Path staging = Files.createTempDirectory(parent, STAGING_PREFIX);
      ShutdownCleanup.register(staging);
      FileChannel owner = FileChannel.open(
          staging.resolve(OWNER_LOCK),
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      try {
        owner.lock();
        owner.write(ByteBuffer.wrap(
            (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        Path path = rename(staging, parent);
        LIVE.add(path.toAbsolutePath());
        ShutdownCleanup.register(path);
        return new RunDirectory(path, owner);
      } catch (IOException | RuntimeException e) {
        owner.close();
        ShutdownCleanup.removeTree(staging);
        throw e;
      } finally {
        ShutdownCleanup.forget(staging);
      }
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot create a temporary directory under " + parent + ": " + e.getMessage()
              + " (set another with --tmp-dir or java.io.tmpdir)",
          e);
    }
  }

  private static Path rename(Path staging, Path parent) throws IOException {
    while (true) {
      Path path = parent.resolve(
          PREFIX + Long.toUnsignedString(UUID.randomUUID().getMostSignificantBits(), 36));
      try {
        return Files.move(staging, path);
      } catch (FileAlreadyExistsException e) {
        // Another run took that name: draw again.
      }
    }
  }

  /**
   * Removes the run directories under {@code parent} whose owner is gone. Directories without a lock
   * file (made by older versions) are left alone: nothing tells whether their run still goes on.
   */
  static void reclaimAbandoned(Path parent) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path dir : entries) {
        if (!LIVE.contains(dir.toAbsolutePath())
            && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          reclaimIfAbandoned(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Reclaiming is a courtesy; a parent we cannot list is reported when the run directory is
      // made.
    }
  }

  private static void reclaimIfAbandoned(Path dir) {
    Path lockFile = dir.resolve(OWNER_LOCK);
    if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // Another user's run directory cannot be opened for writing: it is theirs to reclaim.
    try (FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return;
      }
      ShutdownCleanup.removeTree(dir);
    } catch (IOException | OverlappingFileLockException e) {
      // Alive, or not ours: leave it.
    }
  }

  /** The default parent: {@code java.io.tmpdir}. */
  public static Path defaultParent() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** A new, not yet existing, file name in this directory. */
  public Path newFile(String hint) {
    return path.resolve(counter.incrementAndGet() + "-" + hint);
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      ShutdownCleanup.removeTree(path);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot remove temporary directory " + path + ": " + e.getMessage(), e);
    } finally {
      try {
        ownerChannel.close();
      } catch (IOException e) {
        // The directory is gone; the lock goes with the channel.
      }
      LIVE.remove(path.toAbsolutePath());
      ShutdownCleanup.forget(path);
    }
  }
}
