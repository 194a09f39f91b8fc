package io.github.deltaimage.delta;

import io.github.deltaimage.deflate.GzipIdentifier;
import io.github.deltaimage.deflate.GzipRecipe;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Layer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a layer's compressed blob is rebuilt from its tar, byte for byte: found at diff, replayed at
 * apply, so that a restored image keeps the target's own manifest. One place for every compressor
 * deltaimage can reproduce: the pure-Java models of {@code io.github.deltaimage.deflate} (Go's gzip
 * as {@code docker push} writes it, pgzip as skopeo and podman write it, ...) and java.util.zip at a
 * level (what Jib and {@code deltaimage copy} write).
 *
 * <p>A recipe is text: {@code java.util.zip:LEVEL} for the platform's java.util.zip (kept for deltas that recorded only a level), else a {@link GzipRecipe}.
 */
final class BlobRecipes {

  private static final String ZLIB = "java.util.zip:";

  private BlobRecipes() {}

  /**
   * The recipe that rebuilds {@code blob} from {@code tar}; empty when no known compressor does.
   * Wrong guesses stop at their first differing byte, so a blob nothing reproduces costs little.
   */
  static Optional<String> identify(Layer layer, Path blob, Path tar, int zlibLevel)
      throws IOException {
    if (layer.compression() != Compression.GZIP) {
      return Optional.empty();
    }
    Optional<GzipRecipe> modelled = GzipIdentifier.identify(blob, () -> Files.newInputStream(tar));
    if (modelled.isPresent()) {
      return Optional.of(modelled.get().toString());
    }
    String zlib = ZLIB + zlibLevel;
    return reproduces(zlib, tar, layer, blob.resolveSibling(blob.getFileName() + ".zlib"))
        ? Optional.of(zlib)
        : Optional.empty();
  }

  /** Whether {@code recipe} applied to {@code tar} writes {@code layer}'s blob; if so it is left at {@code out}. */
  static boolean reproduces(String recipe, Path tar, Layer layer, Path out) throws IOException {
    try (InputStream in = Files.newInputStream(tar);
        OutputStream blob =
            compressor(recipe, new BufferedOutputStream(Files.newOutputStream(out), 256 * 1024))) {
      in.transferTo(blob);
    }
    if (Files.size(out) == layer.size() && LayerFiles.sha256(out).equals(layer.blobDigest())) {
      return true;
    }
    Files.delete(out);
    return false;
  }

  /**
   * Checks that {@code recipe} is one this tool can replay.
   *
   * @throws IllegalArgumentException when it is not
   */
  static String validate(String recipe) {
    if (recipe.startsWith(ZLIB)) {
      int level = Integer.parseInt(recipe.substring(ZLIB.length()));
      if (level < 0 || level > 9) {
        throw new IllegalArgumentException("zlib level " + level + " is out of range");
      }
    } else {
      GzipRecipe.parse(recipe);
    }
    return recipe;
  }

  /** The java.util.zip level of a {@code zlib:} recipe, or -1 for any other. */
  static int zlibLevel(String recipe) {
    return recipe != null && recipe.startsWith(ZLIB)
        ? Integer.parseInt(recipe.substring(ZLIB.length()))
        : -1;
  }

  static String zlib(int level) {
    return ZLIB + level;
  }

  private static OutputStream compressor(String recipe, OutputStream out) throws IOException {
    int level = zlibLevel(recipe);
    return level >= 0 ? Compression.gzip(out, level) : GzipRecipe.parse(recipe).newGzipStream(out);
  }
}
