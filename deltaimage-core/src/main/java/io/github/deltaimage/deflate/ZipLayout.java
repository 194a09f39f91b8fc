package io.github.deltaimage.deflate;

import io.github.deltaimage.fs.FileRanges;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Where the deflated entries of a zip file (a jar, a war, a wheel) lie, found by walking its local
 * headers from the start as a streaming reader does. The walk is a function of the bytes alone, so
 * that the side that makes a delta and the side that applies it expand a file the same way: it
 * stops, leaving the rest as it is, at the first thing it does not follow (another signature, an
 * encrypted entry, a stored entry whose length only a data descriptor tells, a size that does not
 * add up), at {@link #MAX_ENTRIES} entries, or when the content would pass {@code maxContent}.
 *
 * <p>A zip's <em>expanded</em> form is its bytes with chosen deflated entries replaced by their
 * content: a changed class file then differs from its old version where its bytes differ, not
 * from the first changed bit of its deflate stream on.
 */
public final class ZipLayout {

  /** More entries than any real archive has; keeps a hostile one's bookkeeping small. */
  public static final int MAX_ENTRIES = 1 << 20;

  private static final int LOCAL_HEADER = 0x04034b50;
  private static final int CENTRAL_HEADER = 0x02014b50;
  private static final int DESCRIPTOR = 0x08074b50;
  private static final int LOCAL_HEADER_LENGTH = 30;
  private static final int FLAG_ENCRYPTED = 1;
  private static final int FLAG_DESCRIPTOR = 8;
  private static final int METHOD_STORED = 0;
  private static final int METHOD_DEFLATED = 8;
  private static final long UNKNOWN_SIZE = 0xffffffffL;

  private final long[] dataOffsets;
  private final long[] compressedLengths;
  private final long[] contentLengths;

  private ZipLayout(long[] dataOffsets, long[] compressedLengths, long[] contentLengths) {
    this.dataOffsets = dataOffsets;
    this.compressedLengths = compressedLengths;
    this.contentLengths = contentLengths;
  }

  /** Whether {@code head} (a file's first bytes) starts like a zip file. */
  public static boolean looksLikeZip(byte[] head) {
    return head.length >= 4 && le32(head, 0) == LOCAL_HEADER;
  }

  /**
   * The deflated entries of the zip file at {@code [offset, offset + length)} of {@code file}, in
   * file order; none when it is not a zip file.
   *
   * @param maxContent the most content the entries listed may add up to
   */
  public static ZipLayout scan(FileChannel file, long offset, long length, long maxContent)
      throws IOException {
    long[] data = new long[16];
    long[] compressed = new long[16];
    long[] content = new long[16];
    int count = 0;
    long total = 0;
    long at = 0;
    byte[] header = new byte[LOCAL_HEADER_LENGTH];
    while (count < MAX_ENTRIES && at + LOCAL_HEADER_LENGTH <= length) {
      read(file, offset + at, header);
      if (le32(header, 0) != LOCAL_HEADER) {
        break;
      }
      int flags = le16(header, 6);
      int method = le16(header, 8);
      long compressedSize = le32(header, 18) & UNKNOWN_SIZE;
      long dataAt = at + LOCAL_HEADER_LENGTH + le16(header, 26) + le16(header, 28);
      boolean descriptor = (flags & FLAG_DESCRIPTOR) != 0;
      if ((flags & FLAG_ENCRYPTED) != 0 || dataAt > length) {
        break;
      }
      long end;
      if (method == METHOD_DEFLATED) {
        long[] inflated =
            inflatedLengths(file, offset + dataAt, length - dataAt, maxContent - total);
        if (inflated == null
            || (!descriptor && compressedSize != UNKNOWN_SIZE && compressedSize != inflated[0])) {
          break;
        }
        if (count == data.length) {
          data = Arrays.copyOf(data, count * 2);
          compressed = Arrays.copyOf(compressed, count * 2);
          content = Arrays.copyOf(content, count * 2);
        }
        data[count] = dataAt;
        compressed[count] = inflated[0];
        content[count++] = inflated[1];
        total += inflated[1];
        end = dataAt + inflated[0];
      } else if (!descriptor && compressedSize != UNKNOWN_SIZE) {
        end = dataAt + compressedSize;
      } else {
        break; // stored (or other) data whose length only a later record tells
      }
      if (end > length) {
        break;
      }
      at = descriptor ? afterDescriptor(file, offset, length, end) : end;
      if (at < 0) {
        break;
      }
    }
    return new ZipLayout(
        Arrays.copyOf(data, count),
        Arrays.copyOf(compressed, count),
        Arrays.copyOf(content, count));
  }

  /** How many deflated entries the walk found. */
  public int entries() {
    return dataOffsets.length;
  }

  /** Where entry {@code i}'s deflate data starts, from the start of the file. */
  public long dataOffset(int i) {
    return dataOffsets[i];
  }

  /** Entry {@code i}'s deflate data length. */
  public long compressedLength(int i) {
    return compressedLengths[i];
  }

  /** Entry {@code i}'s content length. */
  public long contentLength(int i) {
    return contentLengths[i];
  }

  /**
   * Writes the expanded form of the file (the same bytes {@link #scan} read) to {@code out}: the
   * entries {@code expand} selects as their content, every other byte as it is.
   *
   * @return the expanded form's length
   */
  public long expand(FileChannel file, long offset, long length, boolean[] expand, OutputStream out)
      throws IOException {
    long at = 0;
    long written = 0;
    byte[] buffer = new byte[1 << 16];
    for (int i = 0; i < entries(); i++) {
      if (!expand[i]) {
        continue;
      }
      FileRanges.copy(file, offset + at, dataOffsets[i] - at, out);
      written += dataOffsets[i] - at;
      written += inflate(file, offset + dataOffsets[i], compressedLengths[i], out, buffer);
      at = dataOffsets[i] + compressedLengths[i];
    }
    FileRanges.copy(file, offset + at, length - at, out);
    return written + length - at;
  }

  /** The length of the expanded form of a file of {@code length} bytes, {@code expand} selecting. */
  public long expandedLength(long length, boolean[] expand) {
    long total = length;
    for (int i = 0; i < entries(); i++) {
      if (expand[i]) {
        total += contentLengths[i] - compressedLengths[i];
      }
    }
    return total;
  }

  /** Every deflated entry selected, for {@link #expand}. */
  public boolean[] all() {
    boolean[] all = new boolean[entries()];
    Arrays.fill(all, true);
    return all;
  }

  /**
   * After a data descriptor (with or without its signature, 32- or 64-bit sizes) that ends entry
   * data at {@code end}: where the next record starts, or -1 when no next record follows any of
   * the four forms.
   */
  private static long afterDescriptor(FileChannel file, long offset, long length, long end)
      throws IOException {
    byte[] next = new byte[4];
    for (long size : new long[] {16, 12, 24, 20}) {
      if (end + size + 4 <= length) {
        read(file, offset + end + size, next);
        int signature = le32(next, 0);
        if (signature == LOCAL_HEADER || signature == CENTRAL_HEADER) {
          if (size == 16 || size == 24) {
            read(file, offset + end, next);
            if (le32(next, 0) != DESCRIPTOR) {
              continue;
            }
          }
          return end + size;
        }
      }
    }
    return -1;
  }

  /**
   * The length of the deflate stream at {@code offset} and of its content, or null when it is not
   * one whole stream within {@code available} bytes or its content passes {@code maxContent}.
   */
  private static long[] inflatedLengths(
      FileChannel file, long offset, long available, long maxContent) throws IOException {
    Inflater inflater = new Inflater(true);
    try {
      byte[] input = new byte[1 << 16];
      byte[] output = new byte[1 << 16];
      long fed = 0;
      long content = 0;
      while (!inflater.finished()) {
        if (inflater.needsInput()) {
          if (fed >= available) {
            return null;
          }
          int n = (int) Math.min(input.length, available - fed);
          FileRanges.read(file, offset + fed, input, n);
          inflater.setInput(input, 0, n);
          fed += n;
        }
        int n = inflater.inflate(output);
        content += n;
        if (content > maxContent) {
          return null;
        }
        if (n == 0 && inflater.needsDictionary()) {
          return null;
        }
      }
      return new long[] {inflater.getBytesRead(), content};
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }

  private static long inflate(
      FileChannel file, long offset, long length, OutputStream out, byte[] output)
      throws IOException {
    Inflater inflater = new Inflater(true);
    try {
      byte[] input = new byte[(int) Math.min(1 << 16, Math.max(1, length))];
      long fed = 0;
      long content = 0;
      while (!inflater.finished()) {
        if (inflater.needsInput()) {
          if (fed >= length) {
            throw new IOException("a zip entry's deflate data ends early");
          }
          int n = (int) Math.min(input.length, length - fed);
          FileRanges.read(file, offset + fed, input, n);
          inflater.setInput(input, 0, n);
          fed += n;
        }
        int n = inflater.inflate(output);
        out.write(output, 0, n);
        content += n;
      }
      return content;
    } catch (DataFormatException e) {
      throw new IOException("a zip entry's deflate data is damaged: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  private static void read(FileChannel file, long offset, byte[] into) throws IOException {
    FileRanges.read(file, offset, into, into.length);
  }

  private static int le16(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
  }

  private static int le32(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
