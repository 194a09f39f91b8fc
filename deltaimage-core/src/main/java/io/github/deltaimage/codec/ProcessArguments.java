package io.github.deltaimage.codec;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.fs.RawPaths;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * File names as arguments of a child process. The JDK passes arguments as text in the JVM's name
 * encoding, which cannot carry every byte a Linux name may hold; such a file is handed over through
 * a symlink with a plain name instead, removed on {@link #close()}.
 */
final class ProcessArguments implements AutoCloseable {

  private static final Charset NAME_ENCODING =
      Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

  private Path aliases;
  private int count;

  /** An argument naming {@code file} (which may not exist yet: an output). */
  String of(Path file) {
    Path absolute = file.toAbsolutePath();
    String text = absolute.toString();
    if (Arrays.equals(text.getBytes(NAME_ENCODING), RawPaths.bytes(absolute))) {
      return text;
    }
    try {
      if (aliases == null) {
        aliases = Files.createTempDirectory("deltaimage-names-");
      }
      Path alias = aliases.resolve("file-" + count++);
      Files.createSymbolicLink(alias, absolute);
      return alias.toString();
    } catch (IOException e) {
      throw new EnvironmentException("cannot name " + file + " for xdelta3: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (aliases == null) {
      return;
    }
    try (var links = Files.list(aliases)) {
      for (Path link : (Iterable<Path>) links::iterator) {
        Files.delete(link);
      }
      Files.delete(aliases);
    } catch (IOException e) {
      throw new EnvironmentException("cannot remove " + aliases + ": " + e.getMessage(), e);
    }
  }
}
