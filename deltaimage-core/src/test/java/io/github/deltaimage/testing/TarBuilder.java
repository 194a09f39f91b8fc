package io.github.deltaimage.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes ustar archives straight from bytes: layers of many files without making the files first. */
public final class TarBuilder implements AutoCloseable {

  private final OutputStream out;

  public TarBuilder(Path tar) throws IOException {
    this.out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16);
  }

  public TarBuilder file(String name, byte[] content) throws IOException {
    byte[] header = new byte[512];
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, 0, bytes.length);
    octal(header, 100, 8, 0644);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, content.length);
    octal(header, 136, 12, 1_600_000_000L);
    header[156] = '0';
    System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    octal(header, 148, 7, sum);
    out.write(header);
    out.write(content);
    out.write(new byte[(512 - content.length % 512) % 512]);
    return this;
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    String text = String.format("%0" + (length - 1) + "o", value);
    System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
  }

  @Override
  public void close() throws IOException {
    out.write(new byte[1024]);
    out.close();
  }
}
