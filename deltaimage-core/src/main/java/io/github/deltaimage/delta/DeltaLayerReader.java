package io.github.deltaimage.delta;

import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.tar.TarFiles;
import io.github.deltaimage.transport.ImageSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the delta layer of a delta image: its parts by name and its descriptor. The documents in it
 * are read with bounds, so a hostile delta cannot make the tool hold gigabytes of JSON.
 */
final class DeltaLayerReader {

  /** Far above any real descriptor (a thousand layers take ~500 kB). */
  static final long MAX_DESCRIPTOR_BYTES = 16L << 20;
  /** Registries refuse manifests over 4 MiB; configs with long histories stay well under this. */
  static final long MAX_DOCUMENT_BYTES = 8L << 20;

  /** An opened delta layer. */
  record Opened(Image image, Layer layer, Map<String, Path> files, DeltaDescriptor descriptor) {

    /** A JSON document the delta carries, read with a size bound; empty when the delta lacks it. */
    Optional<byte[]> document(String name) {
      Path file = files.get(name);
      if (file == null) {
        return Optional.empty();
      }
      return Optional.of(readBounded(file, name, MAX_DOCUMENT_BYTES));
    }
  }

  private DeltaLayerReader() {}

  static Opened open(ImageSource del, ImageReference delta, RunDirectory run) throws IOException {
    Image d = del.image();
    if (d.layers().isEmpty()) {
      throw notADelta(delta);
    }
    Layer deltaLayer = d.layers().get(d.layers().size() - 1);
    Path deltaTar = LayerFiles.spoolTar(del, deltaLayer, run, "delta");
    Path parts = Files.createDirectories(run.path().resolve("delta-parts"));
    Map<String, Path> files = TarFiles.extract(deltaTar, DeltaLayerNames.PREFIX, parts);
    Files.delete(deltaTar);
    if (!files.containsKey(DeltaLayerNames.DESCRIPTOR)) {
      throw notADelta(delta);
    }
    byte[] json = readBounded(
        files.get(DeltaLayerNames.DESCRIPTOR), DeltaLayerNames.DESCRIPTOR, MAX_DESCRIPTOR_BYTES);
    return new Opened(d, deltaLayer, files, DeltaDescriptor.parse(json));
  }

  private static byte[] readBounded(Path file, String name, long max) {
    try {
      long size = Files.size(file);
      if (size > max) {
        throw new InvalidInputException("the delta is corrupt: its " + name + " is " + size
            + " bytes, more than the " + max + " any real delta needs; refused");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new io.github.deltaimage.api.EnvironmentException(
          "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static InvalidInputException notADelta(ImageReference image) {
    return new InvalidInputException(image + " is not a delta image made by `deltaimage image diff`"
        + " (its last layer holds no " + DeltaLayerNames.PREFIX + DeltaLayerNames.DESCRIPTOR + ")");
  }
}
