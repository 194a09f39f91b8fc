package io.github.deltaimage.delta;

import io.github.deltaimage.api.DeltaContents;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.copy.ImageCopy;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.fs.TempSpace;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.ImageIndex;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.Transports;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Exact image deltas, the entry to the three use cases: {@link DeltaDiff} makes the delta image,
 * {@link DeltaApply} rebuilds the target from it, {@link DeltaInspect} reads what it holds. Each call
 * gets its own run directory (removed at the end, also on failure) and its own transports, and turns
 * I/O failures into one clear {@link EnvironmentException}.
 */
public final class ImageDeltas {

  private final DeltaCodec codec;
  private final Parallel parallel;
  private final CopyOptions copyOptions;
  private final Path tempParent;
  private final DeltaListener listener;
  private final String toolVersion;

  /** {@code toolVersion} is recorded in every delta this makes (the front end knows the build; this package does not). */
  public ImageDeltas(
      DeltaCodec codec,
      int threads,
      CopyOptions copyOptions,
      Path tempParent,
      DeltaListener listener,
      String toolVersion) {
    this.codec = codec;
    this.toolVersion = toolVersion;
    this.parallel = new Parallel(threads);
    this.copyOptions = copyOptions;
    this.tempParent = tempParent;
    this.listener = listener;
  }

  /** Makes the delta image {@code delta} that turns {@code source} into {@code target}. */
  public ImageDeltaSummary diff(
      ImageReference source, ImageReference target, ImageReference delta, boolean unlinked) {
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run)) {
      Optional<ImageIndex> targetIndex =
          copyOptions.platformChosen() ? Optional.empty() : transports.readIndex(target);
      Optional<ImageIndex> sourceIndex =
          targetIndex.isPresent() ? transports.readIndex(source) : Optional.empty();
      if (sourceIndex.isPresent() && Transports.holdsIndexes(delta)) {
        return new IndexDeltaDiff(codec, parallel, copyOptions, listener, toolVersion)
            .diff(
                transports,
                run,
                source,
                sourceIndex.get(),
                target,
                targetIndex.get(),
                delta,
                unlinked);
      }
      ImageDeltaSummary summary = new DeltaDiff(codec, parallel, copyOptions, listener, toolVersion)
          .diff(transports, run, source, target, delta, unlinked);
      if (sourceIndex.isPresent()) {
        summary = summary.withNote(source + " and " + target + " are multi-platform, but " + delta
            + " holds one image: this is the delta of " + copyOptions.platformOrMachine()
            + " (this machine's); write to a registry or an OCI layout for every platform, or"
            + " pass --platform for another");
      }
      return summary;
    } catch (IOException e) {
      if (TempSpace.isOutOfSpace(e)) {
        throw TempSpace.outOfSpace(tempParent, "making the delta", e);
      }
      throw new EnvironmentException("cannot make the delta: " + e.getMessage(), e);
    }
  }

  /**
   * Restores the target image from {@code delta} into {@code output}. {@code source} is needed for
   * unlinked deltas (a linked delta carries its source layers).
   */
  public ImageDeltaSummary apply(
      ImageReference delta, ImageReference output, Optional<ImageReference> source) {
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run)) {
      Optional<ImageIndex> index = transports.readIndex(delta);
      Optional<DeltaIndex.Read> read = index.flatMap(i -> DeltaIndex.read(i, delta.toString()));
      if (read.isEmpty()) {
        return new DeltaApply(codec, parallel, copyOptions, listener)
            .apply(transports, run, delta, output, source);
      }
      if (!copyOptions.platformChosen() && Transports.holdsIndexes(output)) {
        return new IndexDeltaApply(codec, parallel, copyOptions, listener)
            .apply(transports, run, delta, read.get(), output, source);
      }
      return applyOnePlatform(transports, run, delta, index.get(), read.get(), output, source);
    } catch (IOException e) {
      if (TempSpace.isOutOfSpace(e)) {
        throw TempSpace.outOfSpace(tempParent, "applying the delta", e);
      }
      throw new EnvironmentException("cannot apply the delta: " + e.getMessage(), e);
    }
  }

  /**
   * Restores one platform of an index delta: the one {@code --platform} chose, else this machine's
   * when the output holds one image only (the daemon, a docker-archive).
   */
  private ImageDeltaSummary applyOnePlatform(
      Transports transports,
      RunDirectory run,
      ImageReference delta,
      ImageIndex index,
      DeltaIndex.Read read,
      ImageReference output,
      Optional<ImageReference> source)
      throws IOException {
    Platform platform = copyOptions.platformOrMachine();
    Descriptor chosen = index.select(platform, delta.toString());
    DeltaIndex.Entry entry = read.entries().stream()
        .filter(e -> e.written().digest().equals(chosen.digest()))
        .findFirst()
        .orElseThrow();
    String why = copyOptions.platformChosen()
        ? "as --platform chose"
        : output + " holds one image, so this machine's was taken; pass --platform for another";
    String note = delta + " holds " + read.entries().size() + " platforms "
        + read.entries().stream().map(e -> DeltaIndex.platformOf(e.target())).toList()
        + "; restored " + DeltaIndex.platformOf(entry.target()) + " (" + why + ")";
    try (ImageSource del = transports.openManifest(delta, chosen)) {
      if (!entry.whole()) {
        Platform wanted =
            entry.target().platform() == null ? platform : entry.target().platform();
        return new DeltaApply(codec, parallel, copyOptions, listener)
            .apply(
                run,
                del,
                delta,
                output.toString(),
                source,
                given -> transports.openSource(given, wanted),
                () -> transports.openSink(output))
            .withNote(note);
      }
      long started = System.nanoTime();
      Optional<Digest> written;
      try (ImageSink sink = transports.openSink(output)) {
        written = ImageCopy.transfer(del, sink, copyOptions, run);
      }
      Image image = del.image();
      return new ImageDeltaSummary(
          null,
          image.configDigest(),
          0,
          0,
          0,
          List.of(),
          List.of(),
          written.orElse(null),
          written.isPresent() && written.get().equals(entry.target().digest()),
          List.of(
              note,
              "the source had no " + DeltaIndex.platformOf(entry.target())
                  + ", so the delta carries it whole: copied as it is"),
          System.nanoTime() - started,
          entry.target().digest());
    }
  }

  /** Reads what the delta image {@code delta} holds, without applying it. */
  public DeltaContents inspect(ImageReference delta) {
    try (RunDirectory run = RunDirectory.create(tempParent);
        Transports transports = new Transports(copyOptions, run)) {
      return DeltaInspect.inspect(transports, run, delta);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read the delta: " + e.getMessage(), e);
    }
  }
}
