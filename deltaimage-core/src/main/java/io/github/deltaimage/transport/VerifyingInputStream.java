package io.github.deltaimage.transport;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.InvalidInputException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Hashes what passes through and, at end of stream, refuses content whose digest (or size, when
 * known) differs from what was promised. The check fires before the reader sees end of stream, so
 * a sink that moves its temp file into place only after reading to the end never publishes bad
 * content.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private final Digest expected;
  private final long expectedSize;
  private final String what;
  private final MessageDigest hasher;
  private long count;
  private boolean verified;

  /**
   * @param expectedSize the size promised, or -1 if unknown
   * @param what names the blob in the error, e.g. "layer sha256:… of docker://host/repo:tag"
   */
  public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.what = what;
    this.hasher = expected.newHasher();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      verify();
      return -1;
    }
    hasher.update(b, off, n);
    count += n;
    if (expectedSize >= 0 && count > expectedSize) {
      throw new InvalidInputException(
          what + " is longer than the " + expectedSize + " bytes its descriptor says; refused");
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[8192];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void verify() {
    if (verified) {
      return;
    }
    verified = true;
    if (expectedSize >= 0 && count != expectedSize) {
      throw new InvalidInputException(what + " has " + count + " bytes, not the " + expectedSize
          + " its descriptor says; refused (truncated or corrupt)");
    }
    String got = HexFormat.of().formatHex(hasher.digest());
    if (!got.equals(expected.hex())) {
      throw new InvalidInputException(what + " does not match its digest (got "
          + expected.algorithm() + ":" + got + "); refused");
    }
  }
}
