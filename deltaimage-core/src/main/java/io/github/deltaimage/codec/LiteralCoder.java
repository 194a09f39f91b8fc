package io.github.deltaimage.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Codes the suffix-array engine's new bytes with {@link LiteralModel} and a binary arithmetic coder
 * (32-bit range, carry-less: the range narrows until its top byte is settled, which is then
 * written).
 *
 * <p>The new bytes come in runs, one per instruction, each set in the target after bytes the
 * reference supplied. Before each run the model is shown the {@link #CONTEXT} target bytes before
 * it, which the decoder has already written: the first bytes of a run are then predicted from the
 * line they continue, not from the end of the previous run. On the npm pair, 64 bytes of context
 * (the last 32 learned) took the 517 KB of new bytes from 51.8 KB to 43.3 KB.
 */
final class LiteralCoder {

  /** How many target bytes before a run of new bytes the model is shown. */
  static final int CONTEXT = 128;
  /**
   * How many of those, the last, at most, also train the model, as if coded; each costs the time of
   * a coded byte. On the npm pair's new bytes (second parse): 32 of 64, 53.4 KB; 64 of 128, 52.5
   * KB; 128 of 128, 52.4 KB; 32 of 256, 52.9 KB (with the counters' earlier limit, 30).
   */
  static final int LEARNED = 64;

  /**
   * How many bytes of context train the model before a run of {@code runLength} new bytes: no more
   * than the run has. Runs of a few bytes (changed addresses in binaries) would otherwise train it
   * on ten times what it codes: on the Debian pair's layer stream, capping took the decode of its
   * new bytes from 1.3 s to 0.8 s and made them 111 bytes smaller; on the npm pair, 381 bytes
   * larger.
   */
  private static int learned(long runLength) {
    return (int) Math.min(LEARNED, runLength);
  }

  private LiteralCoder() {}

  /** Where the runs of new bytes sit in the target, and the target bytes before each. */
  interface Runs {
    /** How many runs there are. */
    int count();

    /** How many new bytes run {@code run} has. */
    int length(int run);

    /**
     * How many target bytes come before run {@code run} to be shown: {@link #CONTEXT}, fewer where
     * the target starts closer.
     */
    int contextLength(int run);

    /** Reads into {@code into} the {@link #contextLength} target bytes just before run {@code run}. */
    void before(int run, byte[] into) throws IOException;
  }

  /**
   * How many bytes of context {@code runs} will show the model: the history array needs room for
   * them after the dictionary and the new bytes.
   */
  static long contextBytes(Runs runs) {
    long total = 0;
    for (int run = 0; run < runs.count(); run++) {
      total += runs.contextLength(run);
    }
    return total;
  }

  /**
   * Codes the {@code length} bytes of {@code in} into {@code out}: in {@code runs}, each after its
   * context, or, where {@code runs} is null, as one run with none.
   *
   * @param history an array holding the dictionary in its first {@code dictionaryLength} bytes,
   *     with room after it for every byte coded and shown
   */
  static void encode(
      byte[] history,
      int dictionaryLength,
      InputStream in,
      long length,
      OutputStream out,
      Runs runs)
      throws IOException {
    LiteralModel model = new LiteralModel(history, dictionaryLength, length);
    Encoder encoder = new Encoder(model, out);
    byte[] buffer = new byte[1 << 16];
    byte[] context = new byte[CONTEXT];
    int count = runs == null ? 1 : runs.count();
    long done = 0;
    for (int run = 0; run < count; run++) {
      long runLength = length;
      if (runs != null) {
        runs.before(run, context);
        model.context(context, runs.contextLength(run), learned(runs.length(run)));
        runLength = runs.length(run);
      }
      for (long left = runLength; left > 0; ) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new EOFException();
        }
        for (int i = 0; i < n; i++) {
          encoder.code(buffer[i] & 0xff);
        }
        left -= n;
      }
      done += runLength;
    }
    if (done != length) {
      throw new IllegalArgumentException("runs of " + done + " bytes, " + length + " expected");
    }
    encoder.finish();
  }

  /** The arithmetic coder's state: the range the bits coded so far narrowed it to. */
  private static final class Encoder {
    private final LiteralModel model;
    private final OutputStream out;
    private long low;
    private long high = 0xffffffffL;

    Encoder(LiteralModel model, OutputStream out) {
      this.model = model;
      this.out = out;
    }

    void code(int c) throws IOException {
      for (int b = 7; b >= 0; b--) {
        int bit = (c >> b) & 1;
        long mid = low + ((high - low) >>> 12) * model.p();
        if (bit == 1) {
          high = mid;
        } else {
          low = mid + 1;
        }
        model.update(bit);
        while (((low ^ high) & 0xff000000L) == 0) {
          out.write((int) (high >>> 24));
          low = (low << 8) & 0xffffffffL;
          high = ((high << 8) & 0xffffffffL) | 0xff;
        }
      }
    }

    /** Four bytes of low pin a value inside the final range. */
    void finish() throws IOException {
      for (int i = 0; i < 4; i++) {
        out.write((int) (low >>> 24));
        low = (low << 8) & 0xffffffffL;
      }
    }
  }

  /** The bytes {@link #encode} coded, read back from {@code in}. */
  static final class Decoder extends InputStream {
    private final InputStream in;
    private final LiteralModel model;
    private long remaining;
    private long low;
    private long high = 0xffffffffL;
    private long x;

    Decoder(byte[] history, int dictionaryLength, InputStream in, long length) throws IOException {
      this.in = in;
      this.model = new LiteralModel(history, dictionaryLength, length);
      this.remaining = length;
      for (int i = 0; i < 4; i++) {
        x = (x << 8) | nextByte();
      }
    }

    /**
     * The next coded byte. The decoder reads exactly what the encoder wrote (four bytes, then one
     * per byte the range settles), so running out means the stream was cut short.
     */
    private int nextByte() throws IOException {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the modelled new bytes end early");
      }
      return b;
    }

    /**
     * Shows the model the target bytes before the next run, of {@code runLength} bytes, as the
     * encoder did; the caller checks that the history has room for them.
     */
    void context(byte[] bytes, int length, long runLength) {
      model.context(bytes, length, learned(runLength));
    }

    @Override
    public int read() throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int c = 0;
      for (int b = 0; b < 8; b++) {
        long mid = low + ((high - low) >>> 12) * model.p();
        int bit = x <= mid ? 1 : 0;
        if (bit == 1) {
          high = mid;
        } else {
          low = mid + 1;
        }
        model.update(bit);
        c = (c << 1) | bit;
        while (((low ^ high) & 0xff000000L) == 0) {
          low = (low << 8) & 0xffffffffL;
          high = ((high << 8) & 0xffffffffL) | 0xff;
          x = ((x << 8) & 0xffffffffL) | nextByte();
        }
      }
      remaining--;
      if (remaining == 0) {
        checkEnd();
      }
      return c;
    }

    /**
     * After the last byte, what is left to read must be the encoder's final four bytes, which pin
     * the range exactly, and nothing after them: a damaged tail that would still decode is refused.
     */
    private void checkEnd() throws IOException {
      if (x != low || in.read() >= 0) {
        throw SuffixArrayCodec.corrupt("the modelled new bytes do not end as their coder ends");
      }
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(length, remaining);
      for (int i = 0; i < n; i++) {
        into[offset + i] = (byte) read();
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
