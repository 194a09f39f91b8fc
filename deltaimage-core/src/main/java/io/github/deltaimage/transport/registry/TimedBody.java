package io.github.deltaimage.transport.registry;

import io.github.deltaimage.api.RegistryTimeouts;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} whose reads give up: after {@code idle} without a byte
 * (the JDK's own {@code ofInputStream} waits forever once the headers are in), and at an optional
 * deadline. A timed-out read cancels the body (the connection is dropped, not reused) and throws
 * {@link HttpTimeoutException}; a deadline throws {@link DeadlineExceeded}, which callers do not
 * retry.
 *
 * <p>Flow control: one list of buffers is requested at a time, so a fast server never fills the heap.
 */
final class TimedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
  /** The overall bound of a request or blob has passed: retrying would only exceed it further. */
  static final class DeadlineExceeded extends HttpTimeoutException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message) {
      super(message);
    }
  }

  private static final List<ByteBuffer> END = new ArrayList<>();
  private static final List<ByteBuffer> FAILED = new ArrayList<>();

  private final LinkedBlockingQueue<List<ByteBuffer>> queue = new LinkedBlockingQueue<>();
  private final long idleNanos;
  private final String idleText;
  private volatile long deadlineNanos;
  private volatile Flow.Subscription subscription;
  private volatile Throwable failure;
  private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
  private ByteBuffer current;
  private boolean ended;
  private boolean closed;

  /**
   * @param idle the longest wait for the next bytes
   * @param deadlineNanos a {@link System#nanoTime()} after which reads fail, or {@link Long#MAX_VALUE}
   */
  TimedBody(java.time.Duration idle, long deadlineNanos) {
    this.idleNanos = idle.toNanos();
    this.idleText = RegistryTimeouts.describe(idle);
    this.deadlineNanos = deadlineNanos;
  }

  static HttpResponse.BodyHandler<InputStream> handler(
      java.time.Duration idle, long deadlineNanos) {
    return info -> new TimedBody(idle, deadlineNanos);
  }

  // ---------------------------------------------------------------- subscriber side (HttpClient
  // threads)

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.offer(item);
  }

  @Override
  public void onError(Throwable t) {
    failure = t;
    queue.offer(FAILED);
  }

  @Override
  public void onComplete() {
    queue.offer(END);
  }

  // ---------------------------------------------------------------- reader side

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("response body already closed");
    }
    if (len == 0) {
      return 0;
    }
    while (current == null || !current.hasRemaining()) {
      if (buffers.hasNext()) {
        current = buffers.next();
        continue;
      }
      if (ended) {
        return -1;
      }
      List<ByteBuffer> next = take();
      if (next == END) {
        ended = true;
        return -1;
      }
      if (next == FAILED) {
        Throwable t = failure;
        throw t instanceof IOException io ? io : new IOException(String.valueOf(t), t);
      }
      buffers = next.iterator();
      Flow.Subscription s = subscription;
      if (s != null) {
        s.request(1);
      }
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  private List<ByteBuffer> take() throws IOException {
    long deadline = deadlineNanos;
    long untilDeadline = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
    if (untilDeadline <= 0) {
      cancel();
      throw new DeadlineExceeded("its time limit passed");
    }
    long wait = Math.min(idleNanos, untilDeadline);
    List<ByteBuffer> next;
    try {
      next = queue.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw new java.io.InterruptedIOException("interrupted while reading a registry response");
    }
    if (next == null) {
      cancel();
      if (wait < idleNanos) {
        throw new DeadlineExceeded("its time limit passed");
      }
      throw new HttpTimeoutException("no data for " + idleText);
    }
    return next;
  }

  /** Moves the deadline (e.g. once the size of a blob is known). */
  void deadline(long nanos) {
    deadlineNanos = nanos;
  }

  private void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (!ended) {
        cancel();
      }
      queue.clear();
    }
  }
}
