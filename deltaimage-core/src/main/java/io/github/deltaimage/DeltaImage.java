package io.github.deltaimage;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.Xdelta3Codec;
import io.github.deltaimage.delta.BaseChoice;
import io.github.deltaimage.delta.BestBase;
import io.github.deltaimage.delta.DeltaContents;
import io.github.deltaimage.delta.ImageDeltaSummary;
import io.github.deltaimage.delta.ImageDeltas;
import io.github.deltaimage.delta.ReleaseTags;
import io.github.deltaimage.format.dir.DirectoryApply;
import io.github.deltaimage.format.dir.DirectoryDiff;
import io.github.deltaimage.format.dir.DirectorySummary;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.reference.ImageReference;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.Transports;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
    return new DirectoryDiff(codec, options.threads(), options.tempDirectory(), options.listener())
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
      DeltaOptions options,
      CopyOptions transports) {
    return imageDeltas(options, transports).diff(source, target, delta, unlinked);
  }

  /** {@link #diffImages(ImageReference, ImageReference, ImageReference, boolean, DeltaOptions, CopyOptions)} on references as typed. */
  public static ImageDeltaSummary diffImages(
      String source,
      String target,
      String delta,
      boolean unlinked,
      DeltaOptions options,
      CopyOptions transports) {
    return diffImages(
        ImageReference.parse(source),
        ImageReference.parse(target),
        ImageReference.parse(delta),
        unlinked,
        options,
        transports);
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
      DeltaOptions options,
      CopyOptions transports) {
    CopyOptions copyOptions = transports.withTempParent(options.tempDirectory());
    return new BestBase(
            imageDeltas(options, transports)::diff,
            copyOptions,
            options.tempDirectory(),
            options.listener())
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
  public static List<String> previousTags(String target, int count, CopyOptions transports) {
    ImageReference reference = ImageReference.parse(target);
    if (!(reference instanceof ImageReference.Registry registry)
        || registry.name().tag() == null) {
      throw new InvalidInputException(
          "the last tags of a repository can only be listed for a registry image with a tag, not "
              + target + "; name the candidate sources one by one instead");
    }
    try (RunDirectory run = RunDirectory.create(transports.tempParent());
        Transports opened = new Transports(transports, run)) {
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
      DeltaOptions options,
      CopyOptions transports) {
    return imageDeltas(options, transports).apply(delta, output, source);
  }

  /** {@link #applyImages(ImageReference, ImageReference, Optional, DeltaOptions, CopyOptions)} on references as typed. */
  public static ImageDeltaSummary applyImages(
      String delta,
      String output,
      Optional<String> source,
      DeltaOptions options,
      CopyOptions transports) {
    return applyImages(
        ImageReference.parse(delta),
        ImageReference.parse(output),
        source.map(ImageReference::parse),
        options,
        transports);
  }

  /** What the delta image {@code delta} holds. */
  public static DeltaContents inspectImage(
      ImageReference delta, DeltaOptions options, CopyOptions transports) {
    return imageDeltas(options, transports).inspect(delta);
  }

  /** {@link #inspectImage(ImageReference, DeltaOptions, CopyOptions)} on a reference as typed. */
  public static DeltaContents inspectImage(
      String delta, DeltaOptions options, CopyOptions transports) {
    return inspectImage(ImageReference.parse(delta), options, transports);
  }

  private static ImageDeltas imageDeltas(DeltaOptions options, CopyOptions transports) {
    Xdelta3Codec codec = Xdelta3Codec.locate(options.xdelta3(), options.xdelta3Settings());
    return new ImageDeltas(
        codec,
        options.threads(),
        transports.withTempParent(options.tempDirectory()),
        options.tempDirectory(),
        options.listener(),
        version());
  }

  /** Turns the delta tree {@code delta}, in place, back into the target tree, given {@code source}. */
  public static DirectorySummary applyDirectories(Path source, Path delta, DeltaOptions options) {
    Xdelta3Codec codec = Xdelta3Codec.locate(options.xdelta3(), options.xdelta3Settings());
    return new DirectoryApply(codec, options.threads(), options.tempDirectory(), options.listener())
        .apply(source, delta);
  }
}
