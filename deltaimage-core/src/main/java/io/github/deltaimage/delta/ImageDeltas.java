package io.github.deltaimage.delta;

import io.github.deltaimage.api.DeltaContents;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageDeltaSummary;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.event.DeltaListener;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.fs.TempSpace;
import io.github.deltaimage.transport.CopyOptions;
import io.github.deltaimage.transport.Transports;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.Path;
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
      return new DeltaDiff(codec, parallel, copyOptions, listener, toolVersion)
          .diff(transports, run, source, target, delta, unlinked);
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
      return new DeltaApply(codec, parallel, copyOptions, listener)
          .apply(transports, run, delta, output, source);
    } catch (IOException e) {
      if (TempSpace.isOutOfSpace(e)) {
        throw TempSpace.outOfSpace(tempParent, "applying the delta", e);
      }
      throw new EnvironmentException("cannot apply the delta: " + e.getMessage(), e);
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
