package io.github.deltaimage.codec;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Xdelta3Settings;
import io.github.deltaimage.fs.TempSpace;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The xdelta3 binary as a {@link DeltaCodec}. It reads and writes files itself, so nothing passes
 * through the Java heap.
 *
 * <p>{@code -D} and {@code -R} are always given: without them xdelta3 silently gunzips (or unxz's,
 * bunzip2's) compressed inputs before encoding and recompresses on decode, and the bytes it rebuilds
 * are then not the bytes it was given.
 */
public final class Xdelta3Codec implements DeltaCodec {

  static final String INSTALL_HINT =
      "install it (Debian/Ubuntu: apt-get install xdelta3; Alpine: apk add xdelta3; macOS: brew install xdelta)"
          + " or name the binary explicitly";

  private final Path binary;
  private final Xdelta3Settings settings;

  private Xdelta3Codec(Path binary, Xdelta3Settings settings) {
    this.binary = binary;
    this.settings = settings;
  }

  /**
   * xdelta3 as {@link #locate} finds it, looked for only when first used: image deltas of the current
   * format never run it (only deltas of layer format 1 do), so a machine without xdelta3 can still
   * make and apply them, while a format-1 delta still fails with the install hint.
   */
  public static DeltaCodec whenFirstUsed(Optional<Path> explicit, Xdelta3Settings settings) {
    return new DeltaCodec() {
      private Xdelta3Codec located;

      private synchronized Xdelta3Codec codec() {
        if (located == null) {
          located = locate(explicit, settings);
        }
        return located;
      }

      @Override
      public String name() {
        return "xdelta3";
      }

      @Override
      public void encode(Path source, Path target, Path delta) {
        codec().encode(source, target, delta);
      }

      @Override
      public void decode(Path source, Path delta, Path target) {
        codec().decode(source, delta, target);
      }

      @Override
      public void decode(Path source, Path delta, Path target, long length) {
        codec().decode(source, delta, target, length);
      }
    };
  }

  /**
   * Finds xdelta3: {@code explicit} when given, else {@code xdelta3} on {@code PATH}.
   *
   * @throws EnvironmentException when there is none, saying how to install it
   */
  public static Xdelta3Codec locate(Optional<Path> explicit, Xdelta3Settings settings) {
    if (explicit.isPresent()) {
      Path given = explicit.get();
      if (!Files.isRegularFile(given) || !Files.isExecutable(given)) {
        throw new EnvironmentException("xdelta3 not found at " + given + ": " + INSTALL_HINT);
      }
      return new Xdelta3Codec(given, settings);
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "xdelta3");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return new Xdelta3Codec(candidate, settings);
      }
    }
    throw new EnvironmentException("xdelta3 not found on PATH: " + INSTALL_HINT);
  }

  public Path binary() {
    return binary;
  }

  public Xdelta3Settings settings() {
    return settings;
  }

  @Override
  public String name() {
    return "xdelta3";
  }

  @Override
  public void encode(Path source, Path target, Path delta) {
    // -A: no application header; it would carry our temporary file names into every delta.
    List<String> command =
        new ArrayList<>(List.of(binary.toString(), "-e", "-f", "-D", "-R", "-A"));
    command.add("-" + settings.level());
    if (!settings.secondary().equals("none")) {
      command.add("-S");
      command.add(settings.secondary());
    }
    command.add("-B");
    command.add(Long.toString(settings.windowFor(size(source))));
    // The input window: xdelta3 allocates 8 MiB by default, which dominates the cost of a small
    // file.
    command.add("-W");
    command.add(Long.toString(Xdelta3Settings.inputWindowFor(size(target))));
    String failure;
    try (ProcessArguments files = new ProcessArguments()) {
      command.addAll(List.of("-s", files.of(source), files.of(target), files.of(delta)));
      failure = run(command);
    }
    if (failure != null) {
      if (TempSpace.isOutOfSpace(new IOException(failure))) {
        throw TempSpace.outOfSpace(delta.toAbsolutePath().getParent(), "encoding " + target, null);
      }
      throw new EnvironmentException(
          "xdelta3 could not encode " + target + " against " + source + ": " + failure);
    }
  }

  /**
   * Decodes through a pipe and counts: xdelta3 is stopped the moment its output passes
   * {@code length}, so a small hostile delta that claims gigabytes costs nothing.
   */
  @Override
  public void decode(Path source, Path delta, Path target, long length) {
    Path errors = target.resolveSibling(target.getFileName() + ".stderr");
    try (ProcessArguments files = new ProcessArguments()) {
      List<String> command = List.of(
          binary.toString(),
          "-d",
          "-c",
          "-D",
          "-R",
          "-B",
          Long.toString(settings.windowFor(size(source))),
          "-s",
          files.of(source),
          files.of(delta));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectError(errors.toFile());
      Process process = builder.start();
      long written = 0;
      boolean tooLong = false;
      try (InputStream out = process.getInputStream();
          OutputStream file = Files.newOutputStream(target)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = out.read(buffer)) > 0; ) {
          written += n;
          if (written > length) {
            tooLong = true;
            break;
          }
          file.write(buffer, 0, n);
        }
      } catch (IOException e) {
        process.destroyForcibly();
        if (TempSpace.isOutOfSpace(e)) {
          throw TempSpace.outOfSpace(target.toAbsolutePath().getParent(), "decoding " + delta, e);
        }
        throw e;
      } finally {
        if (tooLong) {
          process.destroyForcibly();
        }
      }
      int exit = process.waitFor();
      if (tooLong) {
        Files.deleteIfExists(target);
        throw new InvalidInputException("xdelta3 could not decode " + delta + " against " + source
            + " (corrupt delta): it decodes to more than the " + length + " bytes it declares");
      }
      if (exit != 0) {
        String said = Files.readString(errors, StandardCharsets.UTF_8)
            .strip()
            .replaceAll("\\s*\\n\\s*", "; ");
        throw new InvalidInputException("xdelta3 could not decode " + delta + " against " + source
            + " (corrupt delta or wrong source): " + (said.isEmpty() ? "exit code " + exit : said));
      }
      if (written != length) {
        throw new InvalidInputException("xdelta3 could not decode " + delta + " against " + source
            + " (corrupt delta): it decodes to " + written + " bytes instead of the " + length
            + " it declares");
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while running xdelta3", e);
    } finally {
      try {
        Files.deleteIfExists(errors);
      } catch (IOException ignored) {
        // in the run directory, which goes at the end
      }
    }
  }

  @Override
  public void decode(Path source, Path delta, Path target) {
    String failure;
    try (ProcessArguments files = new ProcessArguments()) {
      List<String> command = List.of(
          binary.toString(),
          "-d",
          "-f",
          "-D",
          "-R",
          "-B",
          Long.toString(settings.windowFor(size(source))),
          "-s",
          files.of(source),
          files.of(delta),
          files.of(target));
      failure = run(command);
    }
    if (failure != null) {
      if (TempSpace.isOutOfSpace(new IOException(failure))) {
        throw TempSpace.outOfSpace(target.toAbsolutePath().getParent(), "decoding " + delta, null);
      }
      throw new InvalidInputException("xdelta3 could not decode " + delta + " against " + source
          + " (corrupt delta or wrong source): " + failure);
    }
  }

  /** Runs xdelta3 and returns null on success, else what it said. */
  private static String run(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      Process process = builder.start();
      byte[] said = process.getInputStream().readAllBytes();
      int exit = process.waitFor();
      if (exit == 0) {
        return null;
      }
      String text =
          new String(said, StandardCharsets.UTF_8).strip().replaceAll("\\s*\\n\\s*", "; ");
      return text.isEmpty() ? "exit code " + exit : text;
    } catch (IOException e) {
      throw new EnvironmentException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while running xdelta3", e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
