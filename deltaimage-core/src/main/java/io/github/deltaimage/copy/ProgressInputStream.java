package io.github.deltaimage.copy;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.event.CopyListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Counts bytes and reports {@link CopyEvent.BlobProgress} every 512 KiB. */
final class ProgressInputStream extends FilterInputStream {
  private static final long STEP = 512 * 1024;
  private final Digest digest;
  private final long size;
  private final CopyListener listener;
  private final AtomicLong total;
  private long count;
  private long lastReport;

  ProgressInputStream(
      InputStream in, Digest digest, long size, CopyListener listener, AtomicLong total) {
    super(in);
    this.digest = digest;
    this.size = size;
    this.listener = listener;
    this.total = total;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      add(n);
    }
    return n;
  }

  private void add(int n) {
    count += n;
    total.addAndGet(n);
    if (count - lastReport >= STEP) {
      lastReport = count;
      listener.onEvent(new CopyEvent.BlobProgress(digest, count, size));
    }
  }

  long count() {
    return count;
  }
}
