package io.github.deltaimage.transport.registry;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.RegistryTimeouts;
import java.io.IOException;
import java.io.InputStream;

/**
 * A blob download that survives dropped connections: on a read error it asks again from the byte
 * it had reached ({@code Range: bytes=N-}); a registry that answers 200 instead of 206 is re-read
 * and the first N bytes skipped. The digest is checked by the caller's verifying stream, so a
 * resumed blob is still verified end to end.
 *
 * <p>Bounded: a body that stalls for the read timeout counts as a drop, resumes are limited by the
 * retry policy, and the whole blob must arrive within the bound its size gets
 * ({@link RegistryTimeouts#blobBound(long)}).
 */
final class ResumingBlobStream extends InputStream {
  private final RegistryClient client;
  private final String repo;
  private final Digest digest;
  private final String where;
  private RegistryClient.Response current;
  private InputStream in;
  private long position;
  private int resumes;
  private long deadline;
  private final boolean sizeKnown;

  ResumingBlobStream(RegistryClient client, String repo, Digest digest, long size, String where) {
    this.client = client;
    this.repo = repo;
    this.digest = digest;
    this.where = where;
    this.sizeKnown = size >= 0;
    this.deadline = RegistryClient.deadlineAfter(client.timeouts().blobBound(size));
    connect();
  }

  private void connect() {
    current = client.getBlob(repo, digest, position, where, deadline);
    in = current.body();
    if (!sizeKnown && position == 0) {
      // no descriptor size: the Content-Length the registry promises sets the bound
      long length =
          current.response().headers().firstValueAsLong("Content-Length").orElse(-1L);
      if (length > 0) {
        deadline = RegistryClient.deadlineAfter(client.timeouts().blobBound(length));
        if (in instanceof TimedBody t) {
          t.deadline(deadline);
        }
      }
    }
    if (position > 0 && current.status() == 200) {
      try {
        long skipped = skip(in, position);
        if (skipped != position) {
          throw new EnvironmentException(
              where + ": blob " + digest + " got shorter while resuming");
        }
      } catch (IOException e) {
        throw new EnvironmentException(
            "registry " + client.host() + " " + RegistryClient.brokeOff(e) + " while resuming blob "
                + digest + " of " + where + "; " + RegistryClient.TIMEOUT_HINT,
            e);
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          position += n;
        }
        return n;
      } catch (IOException e) {
        current.close();
        ++resumes;
        if (e instanceof TimedBody.DeadlineExceeded
            || RegistryClient.remaining(deadline).isZero()) {
          throw new EnvironmentException(
              "registry " + client.host() + " did not deliver blob " + digest + " of " + where
                  + " within its time limit (" + position + " bytes in, "
                  + RegistryClient.tries(resumes) + "); " + RegistryClient.TIMEOUT_HINT
                  + " (the limit grows with -D" + RegistryTimeouts.MIN_RATE + ")",
              e);
        }
        if (resumes >= client.retryPolicy().attempts()) {
          throw new EnvironmentException(
              "registry " + client.host() + " " + RegistryClient.brokeOff(e)
                  + " while sending blob " + digest + " of " + where + " ("
                  + RegistryClient.tries(resumes) + "); " + RegistryClient.TIMEOUT_HINT,
              e);
        }
        client.pause(client.backoff(resumes), deadline);
        connect();
      }
    }
  }

  private static long skip(InputStream in, long n) throws IOException {
    long done = 0;
    byte[] buf = new byte[64 * 1024];
    while (done < n) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public void close() {
    current.close();
  }
}
