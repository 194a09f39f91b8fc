package io.github.deltaimage.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** The bytes {@code [start, start + length)} of a file, and not one more: a stream that claims more ends there. */
public final class RangeInputStream extends InputStream {
  private final FileChannel channel;
  private long position;
  private final long end;

  public RangeInputStream(FileChannel channel, long start, long length) {
    this.channel = channel;
    this.position = start;
    this.end = start + length;
  }

  /** Where in the file the next byte will be read from. */
  public long position() {
    return position;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int n = channel.read(
        ByteBuffer.wrap(into, offset, (int) Math.min(length, end - position)), position);
    if (n < 0) {
      return -1;
    }
    position += n;
    return n;
  }
}
