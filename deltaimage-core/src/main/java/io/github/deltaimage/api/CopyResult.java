package io.github.deltaimage.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a copy did.
 *
 * @param imageId the config digest, equal at source and destination
 * @param sourceManifestDigest the source manifest digest, when the source has manifests
 * @param manifestDigest the destination manifest digest, when the destination has manifests
 * @param diffIds the layers' uncompressed digests, equal at source and destination
 * @param bytesMoved blob bytes read from the source (skipped and mounted blobs excluded)
 */
public record CopyResult(
    Digest imageId,
    Optional<Digest> sourceManifestDigest,
    Optional<Digest> manifestDigest,
    List<Digest> diffIds,
    long bytesMoved,
    Duration elapsed) {}
