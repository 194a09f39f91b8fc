package io.github.deltaimage;

import io.github.deltaimage.codec.Xdelta3Codec;
import io.github.deltaimage.format.dir.DirectoryApply;
import io.github.deltaimage.format.dir.DirectoryDiff;
import io.github.deltaimage.format.dir.DirectorySummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What front ends call. Every method either completes or throws an
 * {@link io.github.deltaimage.api.InvalidInputException} (the user's input is wrong) or an
 * {@link io.github.deltaimage.api.EnvironmentException} (the machine failed us), leaving its inputs as they were.
 */
public final class DeltaImage {

  private DeltaImage() {}

  /** This build's version, e.g. {@code 0.2.0}. */
  public static String version() {
    try (InputStream in = DeltaImage.class.getResourceAsStream("version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * Turns {@code target}, in place, into a delta tree against {@code source}, in the original deltaimage's
   * directory format ({@code __deltaimage.meta.json} at its root).
   */
  public static DirectorySummary diffDirectories(Path source, Path target, DeltaOptions options) {
    Xdelta3Codec codec = Xdelta3Codec.locate(options.xdelta3(), options.xdelta3Settings());
    return new DirectoryDiff(codec, options.threads(), options.tempDirectory(), options.listener()).diff(source, target);
  }

  /** Turns the delta tree {@code delta}, in place, back into the target tree, given {@code source}. */
  public static DirectorySummary applyDirectories(Path source, Path delta, DeltaOptions options) {
    Xdelta3Codec codec = Xdelta3Codec.locate(options.xdelta3(), options.xdelta3Settings());
    return new DirectoryApply(codec, options.threads(), options.tempDirectory(), options.listener()).apply(source, delta);
  }
}
