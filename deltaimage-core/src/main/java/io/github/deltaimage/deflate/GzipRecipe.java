package io.github.deltaimage.deflate;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * How to rebuild one gzip file byte for byte from its uncompressed content: the header bytes as
 * the producer wrote them (name, mtime, flags and all), the deflate model, then the standard CRC-32
 * and size trailer. Stored as text ({@link #toString()}, {@link #parse}), e.g.
 * {@code go-flate:6/1f8b08000000000000ff}.
 *
 * @param model the deflate model that writes the compressed body
 * @param header the gzip header bytes, copied verbatim
 */
public record GzipRecipe(DeflateModel model, byte[] header) implements CompressedFileRecipe {

  public GzipRecipe {
    if (model == null) {
      throw new IllegalArgumentException("model is required");
    }
    if (header == null
        || header.length < 10
        || (header[0] & 0xff) != 0x1f
        || (header[1] & 0xff) != 0x8b) {
      throw new IllegalArgumentException("a gzip header starts with 1f8b and is at least 10 bytes");
    }
    header = header.clone();
  }

  @Override
  public byte[] header() {
    return header.clone();
  }

  /**
   * A stream that gzips what is written to it onto {@code out}, exactly as the modelled producer
   * did; {@link OutputStream#close()} writes the trailer and closes {@code out}.
   */
  public OutputStream newGzipStream(OutputStream out) throws IOException {
    out.write(header);
    return new GzipBody(out, model);
  }

  @Override
  public OutputStream newCompressingStream(OutputStream out) throws IOException {
    return newGzipStream(out);
  }

  /** Parses {@link #toString()}'s form. */
  public static GzipRecipe parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("gzip recipe '" + text + "' is not MODEL/HEADER-HEX");
    }
    byte[] header;
    try {
      header = HexFormat.of().parseHex(text.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "gzip recipe '" + text + "' has a header that is not hex", e);
    }
    return new GzipRecipe(DeflateModel.parse(text.substring(0, slash)), header);
  }

  @Override
  public String toString() {
    return model + "/" + HexFormat.of().formatHex(header);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GzipRecipe other
        && model.equals(other.model)
        && Arrays.equals(header, other.header);
  }

  @Override
  public int hashCode() {
    return model.hashCode() * 31 + Arrays.hashCode(header);
  }

  /** Deflates through the model while keeping the CRC-32 and size the trailer needs. */
  private static final class GzipBody extends FilterOutputStream {
    private final OutputStream target;
    private final CRC32 crc = new CRC32();
    private long size;
    private boolean closed;

    GzipBody(OutputStream target, DeflateModel model) {
      super(model.newDeflateStream(target));
      this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      crc.update(b, off, len);
      size += len;
      out.write(b, off, len);
    }

    @Override
    public void flush() {
      // A flush would change the deflate stream; the bytes come out as the producer wrote them.
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      DeflateModel.finish(out);
      long c = crc.getValue();
      int s = (int) size;
      target.write(new byte[] {
        (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
        (byte) s, (byte) (s >>> 8), (byte) (s >>> 16), (byte) (s >>> 24)
      });
      target.close();
    }
  }
}
