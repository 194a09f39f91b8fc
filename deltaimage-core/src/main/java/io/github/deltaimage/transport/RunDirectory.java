package io.github.deltaimage.transport;

import io.github.deltaimage.api.EnvironmentException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one temporary directory of a run. Every spool file of a copy goes here, and {@link #close}
 * deletes it all, on success and on failure, so nothing is left behind in {@code /tmp}.
 */
public final class RunDirectory implements AutoCloseable {
  private final Path dir;
  private final AtomicInteger counter = new AtomicInteger();

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  /** Creates {@code deltaimage-run-*} under {@code parent}, or the JVM's temp dir when null. */
  public static RunDirectory create(Path parent) {
    try {
      Path base = parent != null ? parent : Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(base);
      return new RunDirectory(Files.createTempDirectory(base, "deltaimage-run-"));
    } catch (IOException e) {
      throw new EnvironmentException("cannot create a temporary directory under " + parent + ": " + e.getMessage(), e);
    }
  }

  public Path path() {
    return dir;
  }

  /** A fresh, not yet existing path in the run directory. */
  public Path newFile(String hint) {
    return dir.resolve(counter.incrementAndGet() + "-" + hint.replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  @Override
  public void close() {
    deleteRecursively(dir);
  }

  /** Deletes a file or a directory tree; a path that is already gone is fine. */
  public static void deleteRecursively(Path path) {
    try {
      if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      Files.walkFileTree(
          path,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException e) {
      // gone already: nothing to clean
    } catch (IOException e) {
      throw new EnvironmentException("cannot delete temporary files in " + path + ": " + e.getMessage(), e);
    }
  }
}
