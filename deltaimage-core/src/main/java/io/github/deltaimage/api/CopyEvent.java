package io.github.deltaimage.api;

/** What an image copy reports while it runs; progress displays and logs listen to these. */
public sealed interface CopyEvent {
  /** The source image was found and its manifest and config read. */
  record SourceResolved(String source, Digest imageId, int layers) implements CopyEvent {}

  /**
   * The login used for a registry host was chosen, once per host and run.
   *
   * @param host the registry as references name it, e.g. {@code 127.0.0.1:5000}
   * @param chosen what was found, e.g. "user 'ci' from settings.xml &lt;server&gt; 'reg'", or "none"
   * @param tried the sources consulted, in order
   */
  record CredentialsChosen(String host, String chosen, java.util.List<String> tried)
      implements CopyEvent {}

  /** A blob starts to move; {@code size} is -1 when not known up front (uncompressed tars). */
  record BlobStarted(Digest digest, long size, String kind) implements CopyEvent {}

  /** Bytes of a blob moved so far. Sent at most every few hundred KiB. */
  record BlobProgress(Digest digest, long done, long size) implements CopyEvent {}

  /** The destination already had this blob, or mounted it from another repository. */
  record BlobSkipped(Digest digest, long size, String reason) implements CopyEvent {}

  /** A blob is in place at the destination. */
  record BlobDone(Digest digest, long bytes) implements CopyEvent {}

  /** The manifest / tag was written: the image is now visible at the destination. */
  record Committed(String destination, Digest imageId, Digest manifestDigest)
      implements CopyEvent {}
}
