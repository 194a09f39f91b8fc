package io.github.deltaimage.fs;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Byte ranges of files, streamed: how members of a tar are read in place without extracting them. */
public final class FileRanges {

  private static final int BUFFER = 64 * 1024;

  private FileRanges() {}

  /**
   * Each thread's copy buffer while no copy of that thread holds it. A layer's rebuild copies one
   * range per tar member, and a fresh buffer per range was a quarter of a small apply's time in
   * allocation alone; a copy made from inside {@code to} (a compressing stream that copies, say)
   * finds the buffer taken and uses one of its own.
   */
  private static final ThreadLocal<byte[]> SPARE_BUFFER = new ThreadLocal<>();

  /** Writes {@code length} bytes of {@code from} starting at {@code offset} to {@code to}. */
  public static void copy(FileChannel from, long offset, long length, OutputStream to)
      throws IOException {
    byte[] spare = SPARE_BUFFER.get();
    SPARE_BUFFER.set(null);
    byte[] bytes = spare != null ? spare : new byte[BUFFER];
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      long done = 0;
      while (done < length) {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), length - done));
        int read = from.read(buffer, offset + done);
        if (read < 0) {
          throw new EOFException(
              "range " + offset + "+" + length + " runs past the end of the file");
        }
        to.write(bytes, 0, read);
        done += read;
      }
    } finally {
      SPARE_BUFFER.set(bytes);
    }
  }

  /**
   * Reads {@code length} bytes of {@code from} starting at {@code offset} into {@code into}, a slice at
   * a time: the JDK reads into a heap buffer through a temporary direct buffer as large as what is
   * asked, and keeps it, so one 64 MiB read holds 64 MiB outside the heap for good (the 10 GB scale
   * pair's diff peaked at 1,039 MiB with a 896 MiB heap).
   */
  public static void read(FileChannel from, long offset, byte[] into, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
    while (buffer.position() < length) {
      buffer.limit(Math.min(length, buffer.position() + READ_SLICE));
      if (from.read(buffer, offset + buffer.position()) < 0) {
        throw new EOFException("range " + offset + "+" + length + " runs past the end of the file");
      }
    }
  }

  /** The whole of {@code file}, read as {@link #read} does. */
  public static byte[] readAll(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException(file + " is too large to hold in memory (" + size + " bytes)");
      }
      byte[] bytes = new byte[(int) size];
      read(channel, 0, bytes, bytes.length);
      return bytes;
    }
  }

  private static final int READ_SLICE = 1 << 20;

  /** Writes {@code length} bytes of {@code from} starting at {@code offset} into the new file {@code to}. */
  public static void extract(Path from, long offset, long length, Path to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(to), BUFFER)) {
      copy(in, offset, length, out);
    }
  }

  /** The sha256, hex, of {@code length} bytes of {@code from} starting at {@code offset}. */
  public static String sha256(FileChannel from, long offset, long length) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    copy(from, offset, length, new OutputStream() {
      @Override
      public void write(int b) {
        digest.update((byte) b);
      }

      @Override
      public void write(byte[] bytes, int off, int len) {
        digest.update(bytes, off, len);
      }
    });
    return HexFormat.of().formatHex(digest.digest());
  }
}
