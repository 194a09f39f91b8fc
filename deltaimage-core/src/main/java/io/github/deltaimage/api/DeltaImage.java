package io.github.deltaimage.api;

import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.codec.Xdelta3Codec;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.delta.BestBase;
import io.github.deltaimage.delta.ImageDeltas;
import io.github.deltaimage.delta.ReleaseTags;
import io.github.deltaimage.dockerfile.DaemonImageConfigs;
import io.github.deltaimage.dockerfile.Dockerfiles;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.event.Listeners;
import io.github.deltaimage.format.dir.DirectoryApply;
import io.github.deltaimage.format.dir.DirectoryDiff;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.Transports;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What front ends call: the one entry point of core. Every method either completes or throws an
 * {@link InvalidInputException} (the user's input is wrong) or an {@link EnvironmentException} (the
 * machine failed us), leaving its inputs as they were. Everything else a front end needs (references,
 * options, events, summaries, exceptions) is in this package too.
 *
 * <p>This class is the only one of the package that reaches down into core's machinery; the rest of the
 * package is plain values that every other package may use.
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
    return new DirectoryDiff(
            codec, options.threads(), options.tempDirectory(), deltaChannel(options))
        .diff(source, target);
  }

  /**
   * Makes the delta image {@code delta} (any transport) that turns {@code source} into {@code target}:
   * the source's layers (none when {@code unlinked}) plus one delta layer.
   */
  public static ImageDeltaSummary diffImages(
      ImageReference source,
      ImageReference target,
      ImageReference delta,
      boolean unlinked,
      DeltaOptions options) {
    return imageDeltas(options).diff(source, target, delta, unlinked);
  }

  /** {@link #diffImages(ImageReference, ImageReference, ImageReference, boolean, DeltaOptions)} on references as typed. */
  public static ImageDeltaSummary diffImages(
      String source, String target, String delta, boolean unlinked, DeltaOptions options) {
    return diffImages(
        ImageReference.parse(source),
        ImageReference.parse(target),
        ImageReference.parse(delta),
        unlinked,
        options);
  }

  /**
   * Makes the delta image {@code delta} against whichever of {@code candidates} gives the smallest
   * delta (estimated from content hashes, the best two encoded for real); the summary's notes say
   * which won and by how much. The delta records the winner as its source, as {@link #diffImages} does.
   */
  public static BaseChoice diffImagesFromBestBase(
      List<String> candidates,
      String target,
      String delta,
      boolean unlinked,
      DeltaOptions options) {
    return new BestBase(
            imageDeltas(options)::diff,
            CopyOptions.of(options),
            options.tempDirectory(),
            Listeners.deltaChannel(options.listener()))
        .diff(
            candidates.stream().map(ImageReference::parse).toList(),
            ImageReference.parse(target),
            ImageReference.parse(delta),
            unlinked);
  }

  /**
   * The {@code count} tags of {@code target}'s registry repository that sort, as versions, just before
   * {@code target}'s own tag (delta tags left out), as full references: "the last N releases".
   */
  public static List<String> previousTags(String target, int count, DeltaOptions options) {
    ImageReference reference = ImageReference.parse(target);
    if (!(reference instanceof ImageReference.Registry registry)
        || registry.name().tag() == null) {
      throw new InvalidInputException(
          "the last tags of a repository can only be listed for a registry image with a tag, not "
              + target + "; name the candidate sources one by one instead");
    }
    try (RunDirectory run = RunDirectory.create(options.tempDirectory());
        Transports opened = new Transports(CopyOptions.of(options), run)) {
      List<String> tags =
          ReleaseTags.before(opened.listTags(registry), registry.name().tag(), count);
      return tags.stream()
          .map(tag -> new ImageReference.Registry(registry.name().withoutDigest(tag)).toString())
          .toList();
    }
  }

  /**
   * Restores into {@code output} the target image of {@code delta}, identical to the original (image ID,
   * config, layers; manifest digest where the blobs can be rebuilt). {@code source} only for unlinked deltas.
   */
  public static ImageDeltaSummary applyImages(
      ImageReference delta,
      ImageReference output,
      Optional<ImageReference> source,
      DeltaOptions options) {
    return imageDeltas(options).apply(delta, output, source);
  }

  /** {@link #applyImages(ImageReference, ImageReference, Optional, DeltaOptions)} on references as typed. */
  public static ImageDeltaSummary applyImages(
      String delta, String output, Optional<String> source, DeltaOptions options) {
    return applyImages(
        ImageReference.parse(delta),
        ImageReference.parse(output),
        source.map(ImageReference::parse),
        options);
  }

  /** What the delta image {@code delta} holds. */
  public static DeltaContents inspectImage(ImageReference delta, DeltaOptions options) {
    return imageDeltas(options).inspect(delta);
  }

  /** {@link #inspectImage(ImageReference, DeltaOptions)} on a reference as typed. */
  public static DeltaContents inspectImage(String delta, DeltaOptions options) {
    return inspectImage(ImageReference.parse(delta), options);
  }

  /**
   * Copies the image {@code source} to {@code destination} (any transports), blob by blob, each
   * verified against its digest; the destination's tag moves only once everything is in place.
   */
  public static CopyResult copy(
      ImageReference source, ImageReference destination, DeltaOptions options) {
    return ImageCopy.copy(source, destination, CopyOptions.of(options));
  }

  /** The tool image the original's Dockerfiles run, {@code deltaimage/deltaimage:VERSION}. */
  public static String dockerfileToolImage(String toolVersion) {
    return Dockerfiles.toolImage(toolVersion);
  }

  /**
   * The Dockerfile whose {@code docker build} is the delta image from {@code source} to {@code
   * target}; with {@code targetConfig}, the restored image gets the target's config back.
   */
  public static String dockerfileDiff(
      String source,
      String target,
      boolean unlinked,
      String toolImage,
      Optional<TargetConfig> targetConfig) {
    return Dockerfiles.diff(source, target, unlinked, toolImage, targetConfig);
  }

  /** The Dockerfile whose {@code docker build} is the image restored from {@code deltaImage}. */
  public static String dockerfileApply(
      String deltaImage,
      Optional<String> unlinkedSource,
      String toolImage,
      Optional<TargetConfig> targetConfig) {
    return Dockerfiles.apply(deltaImage, unlinkedSource, toolImage, targetConfig);
  }

  /**
   * Image configs from the Docker daemon of this environment ({@code DOCKER_HOST}, else the default
   * socket), or empty when there is none to ask.
   */
  public static Optional<ImageConfigs> daemonImageConfigs() {
    return DaemonImageConfigs.fromEnvironment();
  }

  private static ImageDeltas imageDeltas(DeltaOptions options) {
    DeltaCodec codec = Xdelta3Codec.whenFirstUsed(options.xdelta3(), options.xdelta3Settings());
    return new ImageDeltas(
        codec,
        options.threads(),
        CopyOptions.of(options),
        options.tempDirectory(),
        Listeners.deltaChannel(options.listener()),
        version());
  }

  /** Turns the delta tree {@code delta}, in place, back into the target tree, given {@code source}. */
  public static DirectorySummary applyDirectories(Path source, Path delta, DeltaOptions options) {
    Xdelta3Codec codec = Xdelta3Codec.locate(options.xdelta3(), options.xdelta3Settings());
    return new DirectoryApply(
            codec, options.threads(), options.tempDirectory(), deltaChannel(options))
        .apply(source, delta);
  }

  private static DeltaListener deltaChannel(DeltaOptions options) {
    return Listeners.deltaChannel(options.listener());
  }
}
