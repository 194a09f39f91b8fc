package io.github.deltaimage.transport.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a ustar file. Members are streamed; when a member's size is not known up front (a layer
 * being decompressed) its header is written with size 0 and patched once the data is in, which is
 * why this writes to a seekable file rather than a stream. Sizes beyond the 8 GiB octal limit use
 * GNU base-256, which Go's archive/tar (Docker) reads.
 */
final class TarWriter implements AutoCloseable {
  private static final int BUFFER = 256 * 1024;
  private final FileChannel ch;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private boolean finished;

  TarWriter(Path file) throws IOException {
    this.ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  void addBytes(String name, byte[] data) throws IOException {
    writeFully(ByteBuffer.wrap(header(name, data.length)));
    writeFully(ByteBuffer.wrap(data));
    pad(data.length);
  }

  /** Streams {@code in} into a new member and returns its size. */
  long addStream(String name, InputStream in) throws IOException {
    long headerPos = ch.position();
    writeFully(ByteBuffer.wrap(header(name, 0)));
    long size = 0;
    byte[] arr = buffer.array();
    int n;
    while ((n = in.read(arr, 0, arr.length)) >= 0) {
      if (n == 0) {
        continue;
      }
      writeFully(ByteBuffer.wrap(arr, 0, n));
      size += n;
    }
    pad(size);
    long end = ch.position();
    ByteBuffer patched = ByteBuffer.wrap(header(name, size));
    while (patched.hasRemaining()) {
      ch.write(patched, headerPos + patched.position());
    }
    ch.position(end);
    return size;
  }

  /** Writes the end-of-archive marker and flushes to disk. */
  void finish() throws IOException {
    writeFully(ByteBuffer.allocate(1024));
    ch.force(true);
    finished = true;
  }

  boolean finished() {
    return finished;
  }

  private void pad(long size) throws IOException {
    int rem = (int) (size % 512);
    if (rem != 0) {
      writeFully(ByteBuffer.allocate(512 - rem));
    }
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  static byte[] header(String name, long size) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length > 100) {
      throw new IllegalArgumentException("tar member name too long: " + name);
    }
    System.arraycopy(n, 0, h, 0, n.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    if (size < 077777777777L) {
      octal(h, 124, 12, size);
    } else {
      long v = size;
      for (int i = 135; i > 124; i--) {
        h[i] = (byte) (v & 0xff);
        v >>>= 8;
      }
      h[124] = (byte) 0x80;
    }
    octal(h, 136, 12, 0);
    h[156] = '0';
    byte[] magic = "ustar\00000".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, 8);
    return h;
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = String.format("%0" + (len - 1) + "o", v);
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
    h[off + len - 1] = 0;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
