package io.github.deltaimage.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Paths this process created and must not leave behind when it is stopped by SIGINT or SIGTERM
 * (Ctrl-C, {@code timeout}, {@code docker stop}): run directories, half-written blobs, a layout
 * created by a copy that did not finish. One JVM shutdown hook removes whatever is still
 * registered; the owners unregister what they clean up or keep themselves. {@code kill -9} runs no
 * hook: that case is handled by the owners at the next start (see {@link RunDirectory}).
 */
public final class ShutdownCleanup {

  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
  private static final Set<Runnable> ACTIONS = ConcurrentHashMap.newKeySet();

  static {
    Thread hook = new Thread(ShutdownCleanup::removeAll, "deltaimage-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  private ShutdownCleanup() {}

  /** Removes {@code path} (a file, or a directory with everything in it) if the JVM is stopped before {@link #forget}. */
  public static void register(Path path) {
    PENDING.add(path.toAbsolutePath());
  }

  public static void forget(Path path) {
    PENDING.remove(path.toAbsolutePath());
  }

  /**
   * Runs {@code action} if the JVM is stopped before {@link #forget(Runnable)}: for clean-ups that
   * must look before they remove (a layout another process may have written to meanwhile).
   * The action must not wait long: the JVM is stopping.
   */
  public static void register(Runnable action) {
    ACTIONS.add(action);
  }

  public static void forget(Runnable action) {
    ACTIONS.remove(action);
  }

  private static void removeAll() {
    for (Runnable action : new ArrayList<>(ACTIONS)) {
      try {
        action.run();
      } catch (RuntimeException e) {
        // Best effort while the JVM stops.
      }
    }
    List<Path> paths = new ArrayList<>(PENDING);
    for (Path path : paths) {
      // Worker threads may still be writing here while the hook runs: a second pass catches what
      // they added.
      for (int attempt = 0;
          attempt < 3 && Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          attempt++) {
        try {
          removeTree(path);
        } catch (IOException | RuntimeException e) {
          // Best effort while the JVM stops; the next start reclaims what is left.
        }
      }
    }
  }

  /** Deletes {@code path} and, for a directory, everything below it, without following symlinks. */
  public static void removeTree(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
