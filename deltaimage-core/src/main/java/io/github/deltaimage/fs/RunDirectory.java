package io.github.deltaimage.fs;

import io.github.deltaimage.api.EnvironmentException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicLong;

/** One temporary directory per run; everything a run spools lives in it and goes with it, also on failure. */
public final class RunDirectory implements AutoCloseable {

  private final Path path;
  private final AtomicLong counter = new AtomicLong();

  private RunDirectory(Path path) {
    this.path = path;
  }

  /** Creates a fresh run directory under {@code parent} (created when missing). */
  public static RunDirectory create(Path parent) {
    try {
      Files.createDirectories(parent);
      return new RunDirectory(Files.createTempDirectory(parent, "deltaimage-"));
    } catch (IOException e) {
      throw new EnvironmentException("cannot create a temporary directory under " + parent + ": " + e.getMessage()
          + " (set another with --tmp-dir or java.io.tmpdir)", e);
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
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new EnvironmentException("cannot remove temporary directory " + path + ": " + e.getMessage(), e);
    }
  }
}
