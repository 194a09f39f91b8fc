package io.github.deltaimage.delta;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.fs.TempSpace;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Layer;
import io.github.deltaimage.transport.ImageSource;
import io.github.deltaimage.transport.VerifyingInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/** The file work both use cases share: spooling layers as tars, compressing them, hashing files. */
final class LayerFiles {
  private LayerFiles() {}

  /** Spools {@code layer} of {@code image} as an uncompressed tar into the run directory; the disk is watched as it fills. */
  static Path spoolTar(ImageSource image, Layer layer, RunDirectory run, String role)
      throws IOException {
    Path tar = run.newFile(role + "-" + layer.diffId().shortHex() + ".tar");
    try (InputStream in = image.openTar(layer)) {
      TempSpace.copy(in, tar, "reading " + role + " layer " + layer.diffId().shortHex());
    }
    return tar;
  }

  /** A layer spooled both ways: the blob as stored and its tar, each verified against its digest. */
  record Spooled(Path blob, Path tar) {}

  /**
   * Spools {@code layer}'s blob as stored, then unpacks it into its tar; the blob is read from the
   * source once. For blobs worth identifying the compressor of.
   */
  static Spooled spoolBlobAndTar(ImageSource image, Layer layer, RunDirectory run, String role)
      throws IOException {
    Path blob = run.newFile(role + "-" + layer.diffId().shortHex() + ".blob");
    try (InputStream in = image.openBlob(layer)) {
      TempSpace.copy(in, blob, "reading " + role + " layer " + layer.diffId().shortHex());
    }
    Path tar = run.newFile(role + "-" + layer.diffId().shortHex() + ".tar");
    String what = role + " layer " + layer.diffId().shortHex();
    try (InputStream in = new VerifyingInputStream(
        layer.compression().decompress(Files.newInputStream(blob), what),
        layer.diffId(),
        -1,
        "uncompressed " + what)) {
      TempSpace.copy(in, tar, "unpacking " + what);
    }
    return new Spooled(blob, tar);
  }

  /**
   * Gzips {@code tar} into {@code blob} as {@link Compression#gzip} does at {@code level}.
   *
   * @return the tar's sha256 (its diff_id)
   */
  static Digest gzip(Path tar, Path blob, int level) throws IOException {
    MessageDigest tarDigest = Digest.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(tar), tarDigest);
        OutputStream out = Compression.gzip(
            new BufferedOutputStream(Files.newOutputStream(blob), 256 * 1024), level)) {
      in.transferTo(out);
    } catch (IOException e) {
      Files.deleteIfExists(blob);
      if (TempSpace.isOutOfSpace(e)) {
        throw TempSpace.outOfSpace(blob.getParent(), "compressing a layer", e);
      }
      throw e;
    }
    return Digest.ofSha256(tarDigest.digest());
  }

  static Digest sha256(Path file) throws IOException {
    MessageDigest digest = Digest.newSha256();
    try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
      Files.copy(file, sink);
    }
    return Digest.ofSha256(digest.digest());
  }

  static long size(Path file) throws IOException {
    return Files.size(file);
  }
}
