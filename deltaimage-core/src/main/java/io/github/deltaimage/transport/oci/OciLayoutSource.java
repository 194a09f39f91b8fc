package io.github.deltaimage.transport.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.ImageReference;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import io.github.deltaimage.image.Descriptor;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.ImageIndex;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.Manifests;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.transport.Blobs;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads one image from an OCI image layout directory (image-spec v1 {@code image-layout.md}). */
public final class OciLayoutSource implements ImageSource {
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private final Path dir;
  private final Image image;

  public OciLayoutSource(ImageReference.OciLayout ref, Platform platform) {
    this.dir = ref.directory();
    String where = ref.toString();
    Optional<ImageIndex> index = readIndex(ref);
    Descriptor chosen = index.isPresent()
        ? index.get().select(platform, where)
        : pick(topIndex(ref).manifests(), ref.tag(), where);
    this.image = resolve(chosen, where);
  }

  /** One manifest {@code manifest} of the index {@code ref} names (an image index entry), by digest. */
  public OciLayoutSource(ImageReference.OciLayout ref, Descriptor manifest) {
    this.dir = ref.directory();
    topIndex(ref);
    this.image = resolve(
        manifest,
        ref + " ("
            + (manifest.platform() == null
                ? manifest.digest().shortHex()
                : manifest.platform().toString())
            + ")");
  }

  /**
   * The image index {@code ref} names, or empty when it names a single image: the nested index its
   * tag (or only entry) points at, or, untagged, index.json itself when it lists one manifest per
   * platform directly (both are layouts the image-layout spec allows).
   */
  public static Optional<ImageIndex> readIndex(ImageReference.OciLayout ref) {
    String where = ref.toString();
    ImageIndex top = topIndex(ref);
    if (ref.tag() == null
        && top.manifests().size() > 1
        && top.manifests().stream()
            .allMatch(d -> d.platform() != null && MediaTypes.isManifest(d.mediaType()))) {
      return Optional.of(top);
    }
    Descriptor chosen = pick(top.manifests(), ref.tag(), where);
    if (!MediaTypes.isIndex(chosen.mediaType())) {
      return Optional.empty();
    }
    Path dir = ref.directory();
    byte[] nested = Blobs.readVerified(
        dir.resolve("blobs")
            .resolve(chosen.digest().algorithm())
            .resolve(chosen.digest().hex()),
        chosen.digest(),
        where + " image index");
    return Optional.of(Manifests.parseIndex(nested, chosen.mediaType(), where + " image index"));
  }

  private static ImageIndex topIndex(ImageReference.OciLayout ref) {
    Path dir = ref.directory();
    String where = ref.toString();
    if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
      throw new InvalidInputException(where + ": " + dir
          + (Files.isDirectory(dir)
              ? " is not an OCI image layout (no oci-layout file)"
              : " does not exist"));
    }
    byte[] indexBytes;
    try {
      indexBytes = Files.readAllBytes(dir.resolve("index.json"));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(where + ": the layout has no index.json");
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read " + dir.resolve("index.json") + ": " + e.getMessage(), e);
    }
    return Manifests.parseIndex(indexBytes, MediaTypes.OCI_INDEX, where + " index.json");
  }

  private Image resolve(Descriptor chosen, String where) {
    if (MediaTypes.isIndex(chosen.mediaType())) {
      throw new InvalidInputException(
          where + ": " + chosen.digest() + " is an image index nested in an index; not supported");
    }
    byte[] manifest =
        Blobs.readVerified(blobPath(chosen.digest()), chosen.digest(), where + " manifest");
    String mediaType = Manifests.mediaTypeOf(manifest, chosen.mediaType(), where + " manifest");
    if (!MediaTypes.isManifest(mediaType)) {
      throw new InvalidInputException(
          where + ": manifest " + chosen.digest() + " has unsupported media type " + mediaType);
    }
    Descriptor config = Manifests.parseManifest(manifest, where + " manifest").config();
    byte[] configBytes =
        Blobs.readVerified(blobPath(config.digest()), config.digest(), where + " config");
    return Manifests.image(manifest, mediaType, configBytes, where + " manifest");
  }

  private static Descriptor pick(List<Descriptor> entries, String tag, String where) {
    if (tag != null) {
      for (Descriptor d : entries) {
        if (tag.equals(d.annotations().get(REF_NAME))) {
          return d;
        }
      }
      throw new InvalidInputException(where + ": no image tagged '" + tag
          + "' in the layout (tags there: " + tags(entries) + ")");
    }
    if (entries.size() == 1) {
      return entries.get(0);
    }
    if (entries.isEmpty()) {
      throw new InvalidInputException(where + ": the layout holds no image");
    }
    throw new InvalidInputException(where + ": the layout holds " + entries.size()
        + " images; name one as oci:DIR:TAG (tags there: " + tags(entries) + ")");
  }

  private static String tags(List<Descriptor> entries) {
    String s = entries.stream()
        .map(d -> d.annotations().get(REF_NAME))
        .filter(t -> t != null)
        .collect(Collectors.joining(", "));
    return s.isEmpty() ? "none" : s;
  }

  Path blobPath(Digest d) {
    return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }

  @Override
  public Image image() {
    return image;
  }

  @Override
  public boolean blobsArePortable() {
    return true;
  }

  @Override
  public InputStream openBlob(Layer layer) throws IOException {
    Path p = blobPath(layer.blobDigest());
    try {
      return new VerifyingInputStream(
          Files.newInputStream(p),
          layer.blobDigest(),
          layer.size(),
          "layer " + layer.blobDigest() + " in " + dir);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(
          "layer " + layer.blobDigest() + " is missing from the OCI layout " + dir);
    }
  }

  @Override
  public void close() {}

  /** The ref names in a layout's index.json, for listings and tests. */
  public static List<String> tagsIn(Path dir) throws IOException {
    JsonNode root = Json.read(Files.readAllBytes(dir.resolve("index.json")), "index.json");
    List<String> out = new ArrayList<>();
    for (JsonNode m : root.path("manifests")) {
      String t = m.path("annotations").path(REF_NAME).asText(null);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }
}
