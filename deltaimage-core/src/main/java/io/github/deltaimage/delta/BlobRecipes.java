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
 * apply, so that a restored image keeps the target's own manifest. Every recipe a new delta records
 * is a {@link GzipRecipe}: a pure-Java model of {@code io.github.deltaimage.deflate} (Go's gzip as
 * {@code docker push} writes it, pgzip as skopeo and podman write it, GNU gzip, and zlib, which is
 * what java.util.zip, Jib and {@code deltaimage copy} write), so no new delta depends on the
 * platform's zlib.
 *
 * <p>A recipe is text: a {@link GzipRecipe}, or {@code java.util.zip:LEVEL} for the platform's
 * java.util.zip at a level, which deltas written before the models recorded (as {@code gzipLevel})
 * and which apply still replays.
 */
final class BlobRecipes {

  private static final String ZLIB = "java.util.zip:";

  private BlobRecipes() {}

  /**
   * The recipe that rebuilds {@code blob} from {@code tar}; empty when no model does. Wrong guesses
   * stop at their first differing byte, so a blob nothing reproduces costs little, and no full
   * recompression is ever spent on a guess.
   */
  static Optional<String> identify(Layer layer, Path blob, Path tar) throws IOException {
    if (layer.compression() != Compression.GZIP) {
      return Optional.empty();
    }
    return GzipIdentifier.identify(blob, () -> Files.newInputStream(tar)).map(GzipRecipe::toString);
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

  /** The java.util.zip level of an old {@code java.util.zip:} recipe, or -1 for any other. */
  static int zlibLevel(String recipe) {
    return recipe != null && recipe.startsWith(ZLIB)
        ? Integer.parseInt(recipe.substring(ZLIB.length()))
        : -1;
  }

  /** The recipe an old delta's {@code gzipLevel} field stands for. */
  static String zlib(int level) {
    return ZLIB + level;
  }

  private static OutputStream compressor(String recipe, OutputStream out) throws IOException {
    int level = zlibLevel(recipe);
    return level >= 0 ? Compression.gzip(out, level) : GzipRecipe.parse(recipe).newGzipStream(out);
  }
}
