package io.github.deltaimage.image;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.Platform;
import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about a blob it points to. */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Platform platform,
    Map<String, String> annotations) {
  public Descriptor {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, null, Map.of());
  }
}
