package io.github.deltaimage.transport.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Digest;
import io.github.deltaimage.image.Image;
import io.github.deltaimage.image.Json;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.image.Manifests;
import io.github.deltaimage.image.MediaTypes;
import io.github.deltaimage.reference.ImageReference;
import io.github.deltaimage.transport.BlobOpener;
import io.github.deltaimage.transport.Blobs;
import io.github.deltaimage.transport.ImageSink;
import io.github.deltaimage.transport.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes one image into an OCI image layout directory, creating it if needed and keeping other
 * images already there. Blobs land first (each via temp file and atomic move); index.json is
 * replaced last, atomically, so a failed copy leaves at most unreferenced blobs.
 */
public final class OciLayoutSink implements ImageSink {
  private final Path dir;
  private final String tag;

  public OciLayoutSink(ImageReference.OciLayout ref) {
    this.dir = ref.directory();
    this.tag = ref.tag();
    try {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new InvalidInputException(ref + ": " + dir + " exists and is not a directory");
      }
      boolean layout = Files.isRegularFile(dir.resolve("oci-layout"));
      if (!layout && Files.isDirectory(dir)) {
        try (var entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw new InvalidInputException(ref + ": " + dir + " is neither empty nor an OCI image layout; pick a new directory");
          }
        }
      }
      Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
      if (!layout) {
        Blobs.writeAtomically(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot create OCI layout " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public LayerForm layerForm() {
    return LayerForm.BLOBS;
  }

  @Override
  public boolean storesManifestType(String mediaType) {
    return MediaTypes.OCI_MANIFEST.equals(mediaType);
  }

  @Override
  public String createdManifestType() {
    return MediaTypes.OCI_MANIFEST;
  }

  private Path blobPath(Digest d) {
    return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }

  @Override
  public boolean hasBlob(Digest digest, long size) {
    try {
      Path p = blobPath(digest);
      return Files.isRegularFile(p) && (size < 0 || Files.size(p) == size);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public boolean putLayer(Layer layer, BlobOpener opener, Optional<ImageSource.RegistryLocation> mountFrom) {
    Path target = blobPath(layer.blobDigest());
    try (InputStream in = opener.open()) {
      Files.createDirectories(target.getParent());
      Blobs.writeAtomically(target, in);
      return true;
    } catch (IOException e) {
      throw new EnvironmentException("cannot write layer " + layer.blobDigest() + " to " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void putConfig(byte[] config, Digest digest, String mediaType) {
    putSmall(config, digest);
  }

  private void putSmall(byte[] bytes, Digest digest) {
    try {
      if (!hasBlob(digest, bytes.length)) {
        Files.createDirectories(blobPath(digest).getParent());
        Blobs.writeAtomically(blobPath(digest), bytes);
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot write blob " + digest + " to " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Digest> commit(Image image) {
    byte[] manifest = image.manifest().orElseThrow(() -> new IllegalStateException("an OCI layout needs a manifest"));
    Digest digest = Digest.sha256(manifest);
    putSmall(manifest, digest);
    try {
      ObjectNode index;
      Path indexPath = dir.resolve("index.json");
      if (Files.isRegularFile(indexPath)) {
        JsonNode old = Json.read(Files.readAllBytes(indexPath), dir + "/index.json");
        index = old.isObject() ? (ObjectNode) old.deepCopy() : Json.object();
      } else {
        index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
      }
      ArrayNode kept = Json.MAPPER.createArrayNode();
      for (JsonNode m : index.path("manifests")) {
        String name = m.path("annotations").path(OciLayoutSource.REF_NAME).asText(null);
        boolean replaced = tag != null ? tag.equals(name) : name == null && digest.toString().equals(m.path("digest").asText());
        if (!replaced) {
          kept.add(m);
        }
      }
      ObjectNode entry = Manifests.descriptorJson(image.manifestMediaType().orElseThrow(), digest, manifest.length);
      if (tag != null) {
        entry.putObject("annotations").put(OciLayoutSource.REF_NAME, tag);
      }
      kept.add(entry);
      index.set("manifests", kept);
      Blobs.writeAtomically(indexPath, Json.write(index));
      return Optional.of(digest);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write " + dir + "/index.json: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {}
}
