package io.github.deltaimage.format.image;

import io.github.deltaimage.api.DeltaEngine;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.FileDecision;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.codec.StreamEngines;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The native layer delta format, for a fixed set of source layers: {@link #encode} cuts a target
 * layer tar into three files (recipe, literal stream, delta pack), {@link #decode} puts it back.
 *
 * <p>Two formats share that shape. Formats 2 to 4 (4 written): a {@link StreamRecipe} and one stream
 * (every header and every body the source does not hold verbatim) encoded by one of the
 * {@link StreamEngines} (format 4; the suffix-array engine only before); its
 * delta pack is empty. Format 1 (still read): per-file xdelta3 deltas in the pack and a literal
 * stream encoded against the source headers ({@link LayerEncoder}). The recipe's first bytes say which.
 */
public final class LayerCodec {

  /**
   * One encoded layer.
   *
   * @param recipe the recipe file
   * @param literals the literal stream, xdelta3-encoded against the source headers
   * @param deltaPack the per-file deltas, back to back
   * @param storedBytes the three files' total size
   * @param decisions how each file body is carried
   * @param engine the engine that encoded the stream
   */
  public record Encoded(
      Path recipe,
      Path literals,
      Path deltaPack,
      long storedBytes,
      List<FileDecision> decisions,
      DeltaEngine engine) {}

  private final DeltaCodec codec;
  private final StreamEngines engines;
  private final SourceIndex sources;
  private final RunDirectory run;
  private final Parallel parallel;

  /**
   * For decoding: indexes {@code sourceTars} (uncompressed, in layer order). Each stream names the
   * engine that wrote it, so no choice is needed.
   */
  public LayerCodec(DeltaCodec codec, List<Path> sourceTars, RunDirectory run, Parallel parallel) {
    this(codec, DeltaEngine.SMALLEST, sourceTars, run, parallel);
  }

  /** For encoding with {@code engine}: indexes {@code sourceTars} (uncompressed, in layer order). */
  public LayerCodec(
      DeltaCodec codec,
      DeltaEngine engine,
      List<Path> sourceTars,
      RunDirectory run,
      Parallel parallel) {
    this.codec = codec;
    this.engines = new StreamEngines(engine, () -> codec, parallel);
    this.sources = SourceIndex.build(sourceTars, run);
    this.run = run;
    this.parallel = parallel;
  }

  public Encoded encode(Path targetTar) {
    StreamLayerEncoder.Encoded encoded =
        new StreamLayerEncoder(engines, sources, run).encode(targetTar);
    try {
      Path emptyPack = Files.createFile(run.newFile("deltas"));
      long stored = Files.size(encoded.recipe()) + Files.size(encoded.stream());
      return new Encoded(
          encoded.recipe(),
          encoded.stream(),
          emptyPack,
          stored,
          encoded.decisions(),
          encoded.engine());
    } catch (IOException e) {
      throw new EnvironmentException("cannot read the encoded layer: " + e.getMessage(), e);
    }
  }

  /**
   * The engine that encoded a layer's parts, read from their first bytes: the stream's engine for
   * formats 2 to 4, xdelta3 for format 1 (per-file deltas); null when a part is missing or no
   * engine of this version wrote it.
   */
  public static DeltaEngine engineOf(Path recipeFile, Path stream) {
    if (recipeFile == null || stream == null) {
      return null;
    }
    try {
      if (!StreamRecipe.isStreamRecipe(recipeFile)) {
        return DeltaEngine.XDELTA3;
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + recipeFile + ": " + e.getMessage(), e);
    }
    return StreamEngines.engineOf(stream).orElse(null);
  }

  /**
   * The size of the tar a layer's recipe rebuilds, read (and checked) before any rebuilding, so that
   * the space it needs can be asked for up front.
   */
  public long declaredSize(Path recipeFile, Path deltaPack) {
    try {
      if (StreamRecipe.isStreamRecipe(recipeFile)) {
        try (StreamRecipe.Reader reader = new StreamRecipe.Reader(recipeFile, sources)) {
          return reader.tarSize();
        }
      }
      return LayerRecipe.read(recipeFile, sources.sizes(), Files.size(deltaPack))
          .tarSize();
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + deltaPack + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rebuilds a layer and checks it against {@code expectedSha256}.
   *
   * @throws io.github.deltaimage.api.InvalidInputException when a part is missing or corrupt, or the result is not the layer
   */
  public Path decode(
      Path recipeFile, Path literals, Path deltaPack, String expectedSha256, String name) {
    if (recipeFile == null || literals == null || deltaPack == null) {
      throw new io.github.deltaimage.api.InvalidInputException(
          "the delta is corrupt: parts of " + name + " are missing");
    }
    try {
      if (StreamRecipe.isStreamRecipe(recipeFile)) {
        if (Files.size(deltaPack) != 0) {
          throw new io.github.deltaimage.api.InvalidInputException("the delta is corrupt: " + name
              + " has a delta pack, which its format (2) never writes");
        }
        return new StreamLayerDecoder(engines, sources, run, parallel)
            .decode(recipeFile, literals, expectedSha256, name);
      }
      LayerRecipe recipe = LayerRecipe.read(recipeFile, sources.sizes(), Files.size(deltaPack));
      return new LayerDecoder(codec, sources.tars(), sources.headers(), run, parallel)
          .decode(recipe, literals, deltaPack, expectedSha256, name);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + deltaPack + ": " + e.getMessage(), e);
    }
  }
}
