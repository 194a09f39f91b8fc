package io.github.deltaimage.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** How a layer blob is compressed. Decided from the media type, or sniffed from magic bytes for archives. */
public enum Compression {
  NONE,
  GZIP,
  ZSTD;

  /** Compression named by a layer media type (Docker and OCI spellings). */
  public static Compression ofMediaType(String mediaType) {
    if (mediaType == null) {
      return NONE;
    }
    if (mediaType.endsWith("gzip")) {
      return GZIP;
    }
    if (mediaType.endsWith("zstd")) {
      return ZSTD;
    }
    return NONE;
  }

  /** Compression given the first bytes of a blob (at least 4 bytes for a sure answer). */
  public static Compression sniff(byte[] head, int length) {
    if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (length >= 4
        && (head[0] & 0xff) == 0x28
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /**
   * The gzip stream deltaimage writes layers with: java.util.zip at {@code level} (0-9, -1 for
   * zlib's default). Where java.util.zip is zlib 1.2.x its bytes are the zlib model's at levels 1-9
   * (package {@code deflate}), which is how image deltas rebuild these blobs exactly; do not swap it
   * for a compressor no model reproduces (a parallel one, say).
   */
  public static java.io.OutputStream gzip(java.io.OutputStream out, int level) throws IOException {
    return new java.util.zip.GZIPOutputStream(out, 256 * 1024) {
      {
        def.setLevel(level < -1 || level > 9 ? java.util.zip.Deflater.DEFAULT_COMPRESSION : level);
      }
    };
  }

  /**
   * Turns a decompressor's complaint (bad trailer, early end) into the user-facing "corrupt, refused"
   * it means; otherwise it would read like a local I/O failure.
   */
  private static final class CorruptionAsInput extends java.io.FilterInputStream {
    private final String what;

    CorruptionAsInput(InputStream in, String what) {
      super(in);
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        throw corrupt(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        throw corrupt(e);
      }
    }

    private io.github.deltaimage.api.InvalidInputException corrupt(IOException e) {
      return new io.github.deltaimage.api.InvalidInputException(what + " is corrupt (gzip: "
          + e.getMessage() + "); it does not match its digest; refused");
    }
  }

  /** Wraps a blob stream so it yields the uncompressed tar. */
  public InputStream decompress(InputStream blob, String what) throws IOException {
    switch (this) {
      case NONE:
        return blob;
      case GZIP:
        try {
          return new CorruptionAsInput(new GZIPInputStream(blob, 64 * 1024), what);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
          throw new io.github.deltaimage.api.InvalidInputException(what + " is not gzip data ("
              + e.getMessage() + ") though its media type says so; refused");
        }
      default:
        throw new io.github.deltaimage.api.InvalidInputException(what
            + " is zstd-compressed, which deltaimage cannot decompress yet (nor can Docker 20.10); "
            + "recompress it with gzip, e.g. skopeo copy --dest-compress-format gzip");
    }
  }
}
