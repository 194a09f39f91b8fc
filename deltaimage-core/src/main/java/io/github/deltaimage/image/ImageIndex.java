package io.github.deltaimage.image;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Platform;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An OCI image index or Docker manifest list, bytes kept as read. A copy takes one platform out of
 * it, the way {@code docker pull} does; image deltas take every platform.
 */
public record ImageIndex(byte[] bytes, String mediaType, List<Descriptor> manifests) {
  public ImageIndex {
    bytes = bytes.clone();
    manifests = List.copyOf(manifests);
  }

  public Digest digest() {
    return Digest.sha256(bytes);
  }

  /**
   * The manifest for {@code wanted}. Entries without a platform (attestations, some OCI layouts)
   * never match; when nothing matches the error lists what the index offers.
   */
  public Descriptor select(Platform wanted, String where) {
    // An exact match first: a request for linux/amd64 takes linux/amd64 over linux/amd64/v3.
    for (Descriptor d : manifests) {
      if (d.platform() != null
          && MediaTypes.isManifest(d.mediaType())
          && wanted.sameAs(d.platform())) {
        return d;
      }
    }
    for (Descriptor d : manifests) {
      if (d.platform() != null
          && MediaTypes.isManifest(d.mediaType())
          && wanted.accepts(d.platform())) {
        return d;
      }
    }
    String offered = manifests.stream()
        .filter(d -> d.platform() != null)
        .map(d -> d.platform().toString())
        .distinct()
        .collect(Collectors.joining(", "));
    throw new InvalidInputException(where + " has no image for platform " + wanted + " (it offers: "
        + (offered.isEmpty() ? "none" : offered) + "); pass --platform with one of those");
  }
}
