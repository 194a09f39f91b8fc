package io.github.deltaimage.format.image;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.event.FileDecision;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The native layer delta format, for a fixed set of source layers: {@link #encode} cuts a target
 * layer tar into three files (recipe, literal stream, delta pack), {@link #decode} puts it back.
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
   */
  public record Encoded(Path recipe, Path literals, Path deltaPack, long storedBytes, List<FileDecision> decisions) {}

  private final DeltaCodec codec;
  private final SourceIndex sources;
  private final RunDirectory run;
  private final Parallel parallel;

  /** Indexes {@code sourceTars} (uncompressed, in layer order); encoding and decoding both need that. */
  public LayerCodec(DeltaCodec codec, List<Path> sourceTars, RunDirectory run, Parallel parallel) {
    this.codec = codec;
    this.sources = SourceIndex.build(sourceTars, run);
    this.run = run;
    this.parallel = parallel;
  }

  public Encoded encode(Path targetTar) {
    LayerEncoder.Encoded encoded = new LayerEncoder(codec, sources, run, parallel).encode(targetTar);
    Path recipe = run.newFile("recipe");
    encoded.recipe().write(recipe);
    try {
      long stored = Files.size(recipe) + Files.size(encoded.literals()) + Files.size(encoded.deltaPack());
      return new Encoded(recipe, encoded.literals(), encoded.deltaPack(), stored, encoded.decisions());
    } catch (IOException e) {
      throw new EnvironmentException("cannot read the encoded layer: " + e.getMessage(), e);
    }
  }

  /**
   * The size of the tar a layer's recipe rebuilds, read (and checked) before any rebuilding, so that
   * the space it needs can be asked for up front.
   */
  public long declaredSize(Path recipeFile, Path deltaPack) {
    try {
      return LayerRecipe.read(recipeFile, sources.sizes(), Files.size(deltaPack)).tarSize();
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + deltaPack + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rebuilds a layer and checks it against {@code expectedSha256}.
   *
   * @throws io.github.deltaimage.api.InvalidInputException when a part is missing or corrupt, or the result is not the layer
   */
  public Path decode(Path recipeFile, Path literals, Path deltaPack, String expectedSha256, String name) {
    if (recipeFile == null || literals == null || deltaPack == null) {
      throw new io.github.deltaimage.api.InvalidInputException("the delta is corrupt: parts of " + name + " are missing");
    }
    try {
      LayerRecipe recipe = LayerRecipe.read(recipeFile, sources.sizes(), Files.size(deltaPack));
      return new LayerDecoder(codec, sources.tars(), sources.headers(), run, parallel)
          .decode(recipe, literals, deltaPack, expectedSha256, name);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + deltaPack + ": " + e.getMessage(), e);
    }
  }
}
