package io.github.deltaimage.codec;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.FileRanges;
import io.github.deltaimage.fs.RangeInputStream;
import io.github.deltaimage.work.Parallel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZIOException;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * A bsdiff-class delta engine in pure Java: the reference is suffix-sorted (SA-IS), the target is
 * matched against it with bsdiff's mismatch-tolerant extension (a match may carry a few differing
 * bytes, stored as a bytewise difference that is mostly zeros), and the resulting streams
 * (instructions, differences, new bytes) are each compressed with LZMA2, the differences as their
 * {@link ZeroRuns} (zero-run lengths, byte-run lengths, bytes).
 *
 * <p>Memory is bounded: the reference is suffix-sorted one window at a time (its size set by the
 * heap), the target is read in chunks, and each chunk is matched against the window that its
 * anchors (where the caller expects its counterpart in the reference) point to. Decoding reads
 * the reference by position and holds nothing but buffers and LZMA2 dictionaries.
 *
 * <p>Delta layout: magic, format byte, the reference and target lengths, the compressed streams'
 * lengths, then the streams. Each instruction is three numbers: where the next difference run
 * starts in the reference (relative to where the previous one ended), its length, then how many
 * new bytes follow. Format 3 (written) has seven streams: those three numbers each in their own,
 * the differences' zero runs, byte runs and bytes, and the new bytes; before the streams, a byte
 * says how the new bytes are coded (xz, or the context-mixing {@link LiteralCoder} where that is
 * smaller: new source text, whose words and pieces the reference holds). Format 2 (still read)
 * has five, the instructions interleaved in one, every stream xz and no such byte; format 1 (still
 * read) three, its differences whole.
 */
public final class SuffixArrayCodec implements DeltaCodec {

  static final int MAGIC = 0x44534131; // "DSA1"
  private static final int FORMAT = 3;
  /** The first format: the differences as one stream. Read, never written. */
  private static final int FORMAT_1 = 1;
  /** The second: as the third, the new bytes always LZMA2. Read, never written. */
  private static final int FORMAT_2 = 2;

  /** How the new bytes are coded (format 3): LZMA2, as the other streams. */
  private static final int NEW_BYTES_LZMA2 = 0;
  /**
   * How the new bytes are coded (format 3): their length, then {@link LiteralCoder}'s bytes, one run.
   * Read, no longer written.
   */
  private static final int NEW_BYTES_MODELLED = 1;
  /**
   * How the new bytes are coded (format 3): their length, how many bytes of context the model is
   * shown, then {@link LiteralCoder}'s bytes, run by run, each after its context.
   */
  private static final int NEW_BYTES_MODELLED_IN_CONTEXT = 2;
  /**
   * New bytes up to this many are also coded with {@link LiteralCoder}, which is slower than LZMA2
   * (about 0.7 MB/s either way, plus 0.15 s to index a 28 MB dictionary) and kept when smaller:
   * about two seconds at most, on either side.
   */
  static final int MODELLED_NEW_BYTES_MAX = 1 << 20;
  /** A reference up to this long is the dictionary of {@link LiteralCoder}'s match model. */
  private static final int MODEL_DICTIONARY_MAX = 64 << 20;

  /**
   * Format 3's streams: an instruction's three numbers each in a stream of their own (seeks, copy
   * lengths, new-byte counts: 6 % smaller than interleaved, on the npm pair's instructions), the
   * differences' zero runs, byte runs and bytes, and the new bytes.
   */
  private static final int STREAMS = 7;

  private static final int SEEKS = 0;
  private static final int COPY_LENGTHS = 1;
  private static final int NEW_COUNTS = 2;
  private static final int ZERO_RUNS = 3;
  private static final int BYTE_RUNS = 4;
  private static final int DIFFERENCE_BYTES = 5;
  private static final int NEW_BYTES = 6;
  /** Format 2's: the instructions interleaved in one stream, then as format 3. */
  private static final int STREAMS_2 = 5;

  private static final int STREAMS_1 = 3;
  /** Largest LZMA2 dictionary written, so a decoder never needs more than this per stream. */
  private static final int MAX_DICTIONARY = 16 << 20;

  private static final int DECODE_MEMORY_LIMIT_KIB = (MAX_DICTIONARY >> 10) + 4096;
  private static final int BUFFER = 1 << 16;
  /**
   * How many more bytes a new match must cover than the current alignment already does before the
   * matcher switches to it (bsdiff's 8), in the first parse. The first parse is made and
   * compressed; a second one only when instructions are more than a quarter of it, and the smaller
   * is kept. 8 suits binaries whose changes are few, scattered bytes (shifted addresses: 2 % smaller
   * than 32 on the Debian pair, whose instructions are a ninth of its delta).
   */
  private static final int FIRST_SLACK = 8;
  /**
   * The second parse's slack, where the first parse's new bytes were LZMA2's: it suits text whose
   * alignment drifts by a few bytes at every edited identifier, where each switch costs an
   * instruction, and binaries rebuilt from changed sources, where short matches elsewhere keep
   * breaking the alignment (9 % smaller on bookworm -> trixie, whose instructions are 31 % of the
   * first parse: 0.76x zstd -22 instead of 0.84x, for a second parse that more than doubles the
   * diff's time; 56 there makes 3 % more).
   */
  private static final int SECOND_SLACK = 32;
  /**
   * The second parse's slack, where the context model coded the first parse's new bytes: a new byte
   * then costs less, so a match must save more to be worth its instruction. On the npm pair: 88.8
   * kB at 32, 83.6 kB at 56 (48 and 64 within 0.3 %).
   */
  private static final int SECOND_SLACK_MODELLED = 56;
  /** At most two parses, with the slacks above. */
  private static final int PARSES = 2;

  private static final int LONG_MATCH = 256;
  /** How many equally long matches either side in suffix order are weighed for the nearest. */
  private static final int TIES = 32;
  /** Longer matches are taken where found: comparing their ties costs more than their seek does. */
  private static final int MAX_TIE_LENGTH = 1 << 16;

  /** Where target bytes are expected in the reference, to choose each chunk's window. */
  public interface Anchors {
    /** The reference position expected to match target position {@code targetPosition}, or -1 when unknown. */
    long referenceFor(long targetPosition);
  }

  private final int window;
  private final int chunk;
  private final Parallel parallel;

  /** Windows and chunks sized to the heap this JVM may use, a thread per processor. */
  public SuffixArrayCodec() {
    this(new Parallel(Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Windows and chunks sized to the heap this JVM may use; the two parses of a reference of several
   * windows run, and are compressed, side by side on {@code parallel}.
   */
  public SuffixArrayCodec(Parallel parallel) {
    this(defaultWindow(Runtime.getRuntime().maxMemory()), parallel);
  }

  SuffixArrayCodec(int window) {
    this(window, new Parallel(Runtime.getRuntime().availableProcessors()));
  }

  SuffixArrayCodec(int window, Parallel parallel) {
    this.window = Math.max(window, 1 << 16);
    this.chunk = Math.max(1 << 16, Math.min(this.window / 2, 32 << 20));
    this.parallel = parallel;
  }

  /**
   * Per window byte: the byte itself, four of the suffix array, about one and a half of SA-IS's
   * reduced problem; a chunk of target and the LZMA2 stage's dictionaries come on top. Capped at
   * 64 MiB (about 450 MiB of arrays) so that the process stays well under a gigabyte whatever heap
   * it is given, even before the previous window's arrays are collected.
   */
  static int defaultWindow(long maxHeap) {
    long spare = maxHeap - (160L << 20);
    long fit = spare / 7;
    return (int) Math.max(8L << 20, Math.min(64L << 20, fit));
  }

  /**
   * Whether the sorted window may stay in memory through the LZMA2 stage, for a second parse: when
   * the reference is a single window whose arrays (the bytes and the int suffix array) take at most
   * a quarter of the heap, so that they and the match finder fit beside each other.
   */
  boolean keepsWindowSorted(long referenceLength, long maxHeap) {
    return referenceLength <= window && referenceLength * 5 <= maxHeap / 4;
  }

  /** How much reference is suffix-sorted at once; a reference up to this long is matched as a whole. */
  public int window() {
    return window;
  }

  @Override
  public String name() {
    return "suffix-array+lzma2";
  }

  @Override
  public void encode(Path source, Path target, Path delta) {
    encode(source, target, delta, null);
  }

  /** As {@link #encode(Path, Path, Path)}, with hints of where each part of the target sits in the reference. */
  public void encode(Path reference, Path target, Path delta, Anchors anchors) {
    Path folder = delta.toAbsolutePath().getParent();
    Path[][] raw = new Path[PARSES][STREAMS];
    Path[][] packed = new Path[PARSES][STREAMS];
    Path[] differences = new Path[PARSES];
    try {
      long referenceLength = Files.size(reference);
      long targetLength = Files.size(target);
      int best = 0;
      long bestSize = Long.MAX_VALUE;
      int[] newBytesCoding = new int[PARSES];
      Parse[] parses = new Parse[PARSES];
      try (FileChannel ref = FileChannel.open(reference, StandardOpenOption.READ);
          FileChannel tgt = FileChannel.open(target, StandardOpenOption.READ)) {
        Matcher matcher = new Matcher(ref, referenceLength, tgt, targetLength, anchors);
        // A reference of several windows would have each sorted again for a second parse (a
        // third of bookworm -> trixie's diff): both parses then go through each window together,
        // side by side, the second with the slack for LZMA2's new bytes (past a window, they are
        // seldom few enough for the model). The second is compressed only where it may pay.
        boolean together = referenceLength > window;
        for (int v = 0; v < PARSES; v++) {
          if (parses[v] == null) {
            int parsed = together ? PARSES : 1;
            for (int u = v; u < v + parsed; u++) {
              for (int i = 0; i < STREAMS; i++) {
                raw[u][i] = Files.createTempFile(folder, "sa-stream", ".raw");
              }
              differences[u] = Files.createTempFile(folder, "sa-differences", ".raw");
              parses[u] = new Parse(slack(u, together, newBytesCoding[0]), raw[u], differences[u]);
            }
            try (Parse first = parses[v];
                Parse second = together ? parses[v + 1] : null) {
              if (second == null) {
                matcher.run(first);
              } else {
                matcher.run(first, second);
              }
            }
            // The LZMA2 stage's match finder (up to ~190 MB) must not sit on top of a large sorted
            // window (~5 bytes a byte): a second parse then sorts its window again. A reference
            // that is one small window stays sorted for it (the npm pair's 28 MB: 4 s a sort).
            if (!keepsWindowSorted(referenceLength, Runtime.getRuntime().maxMemory())) {
              matcher.release();
            }
            if (together && packsFitSideBySide(referenceLength)) {
              // Both parses are packed side by side, the window gone (two match finders fit where
              // it was): the second one's LZMA2 stage then takes no time of its own (bookworm ->
              // trixie: about 20 s), and is thrown away where the first one's size says so.
              Parallel.Both<Boolean, Boolean> modelled = parallel.both(
                  () -> pack(folder, differences[0], raw[0], packed[0], ref, tgt, parses[0]),
                  () -> pack(folder, differences[1], raw[1], packed[1], ref, tgt, parses[1]));
              newBytesCoding[0] = coding(modelled.first());
              newBytesCoding[1] = coding(modelled.second());
            }
          }
          if (packed[v][0] == null) {
            newBytesCoding[v] =
                coding(pack(folder, differences[v], raw[v], packed[v], ref, tgt, parses[v]));
          }
          long size = 0;
          for (int i = 0; i < STREAMS; i++) {
            size += Files.size(packed[v][i]);
          }
          if (size < bestSize) {
            best = v;
            bestSize = size;
          }
          // Another parse doubles the matching and compressing; it pays only where instructions
          // are a large share of the delta (text whose alignment drifts, rebuilt binaries), not
          // where differences are (binaries with shifted addresses).
          long instructions = Files.size(packed[v][SEEKS])
              + Files.size(packed[v][COPY_LENGTHS])
              + Files.size(packed[v][NEW_COUNTS]);
          if (instructions * 4 < size) {
            break;
          }
        }
      }
      Path[] chosen = packed[best];
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(delta), BUFFER))) {
        out.writeInt(MAGIC);
        out.writeByte(FORMAT);
        Varints.write(out, referenceLength);
        Varints.write(out, targetLength);
        for (Path part : chosen) {
          Varints.write(out, Files.size(part));
        }
        out.writeByte(newBytesCoding[best]);
        for (Path part : chosen) {
          Files.copy(part, out);
        }
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot encode " + target + ": " + e.getMessage(), e);
    } finally {
      for (Path file : differences) {
        deleteQuietly(file);
      }
      for (Path[] files : raw) {
        for (Path file : files) {
          deleteQuietly(file);
        }
      }
      for (Path[] files : packed) {
        for (Path file : files) {
          deleteQuietly(file);
        }
      }
    }
  }

  /**
   * The slack of parse {@code v}: the second parse's depends on how the first one's new bytes were
   * coded, unless both parse together, before the first is compressed.
   */
  private static int slack(int v, boolean together, int firstNewBytesCoding) {
    if (v == 0) {
      return FIRST_SLACK;
    }
    return together || firstNewBytesCoding == NEW_BYTES_LZMA2
        ? SECOND_SLACK
        : SECOND_SLACK_MODELLED;
  }

  /**
   * One parse of the target: its switching slack, its raw streams (the differences whole, split
   * into runs after) and where it is in the reference.
   */
  private static final class Parse implements java.io.Closeable {
    final int slack;
    final DataOutputStream seeks;
    final DataOutputStream copyLengths;
    final DataOutputStream newCounts;
    final OutputStream differences;
    final OutputStream literals;
    /** Where in the reference the previous difference run ended (absolute). */
    long lastReferenceEnd;
    /**
     * Where each run of new bytes starts in the target, and its length, for {@link LiteralCoder};
     * kept while the new bytes are few enough to be modelled.
     */
    private long[] runStarts = new long[1024];

    private int[] runLengths = new int[1024];
    private int runs;
    private long newByteCount;

    void newBytes(long start, int length) {
      newByteCount += length;
      if (newByteCount > MODELLED_NEW_BYTES_MAX) {
        return;
      }
      if (runs == runStarts.length) {
        runStarts = Arrays.copyOf(runStarts, runs * 2);
        runLengths = Arrays.copyOf(runLengths, runs * 2);
      }
      runStarts[runs] = start;
      runLengths[runs++] = length;
    }

    /** The runs of new bytes, their context read from {@code target}. */
    LiteralCoder.Runs runs(FileChannel target) {
      return new LiteralCoder.Runs() {
        @Override
        public int count() {
          return runs;
        }

        @Override
        public int length(int run) {
          return runLengths[run];
        }

        @Override
        public int contextLength(int run) {
          return (int) Math.min(LiteralCoder.CONTEXT, runStarts[run]);
        }

        @Override
        public void before(int run, byte[] into) throws IOException {
          int n = contextLength(run);
          readFully(target, runStarts[run] - n, into, n);
        }
      };
    }

    Parse(int slack, Path[] streams, Path differences) throws IOException {
      this.slack = slack;
      this.seeks = numbers(streams[SEEKS]);
      this.copyLengths = numbers(streams[COPY_LENGTHS]);
      this.newCounts = numbers(streams[NEW_COUNTS]);
      this.differences = new BufferedOutputStream(Files.newOutputStream(differences), BUFFER);
      this.literals = new BufferedOutputStream(Files.newOutputStream(streams[NEW_BYTES]), BUFFER);
    }

    private static DataOutputStream numbers(Path file) throws IOException {
      return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER));
    }

    @Override
    public void close() throws IOException {
      try (seeks;
          copyLengths;
          newCounts;
          differences;
          literals) {
        // closes all five, in turn, whatever fails
      }
    }
  }

  /**
   * Splits a parse's differences into their runs and compresses its streams into new files in
   * {@code packed}; whether its new bytes are {@link LiteralCoder}'s.
   */
  private static boolean pack(
      Path folder,
      Path differences,
      Path[] raw,
      Path[] packed,
      FileChannel ref,
      FileChannel tgt,
      Parse parse)
      throws IOException {
    ZeroRuns.split(differences, raw[ZERO_RUNS], raw[BYTE_RUNS], raw[DIFFERENCE_BYTES]);
    Files.delete(differences);
    for (int i = 0; i < STREAMS; i++) {
      packed[i] = Files.createTempFile(folder, "sa-stream", ".xz");
    }
    return compressAll(raw, packed, ref, ref.size(), tgt, parse);
  }

  /**
   * Whether two parses' streams may be compressed at once: the most either takes at a time (the
   * largest LZMA2 match finder, or the new-bytes model with its dictionary) twice within 60 % of
   * the heap, the rest being the run's (the source index, buffers). At the launcher's 896 MiB heap
   * they do; at 512 MiB they go one after the other.
   */
  private static boolean packsFitSideBySide(long referenceLength) {
    long lzma2 = lzma2Options(MAX_DICTIONARY, ZERO_RUNS).getEncoderMemoryUsage() * 1024L;
    long model = modelDictionaryLength(referenceLength) + 2L * MODELLED_NEW_BYTES_MAX + (64L << 20);
    return 2 * Math.max(lzma2, model) <= Runtime.getRuntime().maxMemory() / 10 * 6;
  }

  private static int coding(boolean modelled) {
    return modelled ? NEW_BYTES_MODELLED_IN_CONTEXT : NEW_BYTES_LZMA2;
  }

  /**
   * Compresses a parse's raw streams into {@code packed} and deletes them; codes the new bytes with
   * {@link LiteralCoder} as well, keeping that where it is smaller. (One after the other: side by
   * side they made no diff faster, the second core being busy telling the target blob's compressor.)
   *
   * @return whether the new bytes are {@link LiteralCoder}'s
   */
  private static boolean compressAll(
      Path[] raw,
      Path[] packed,
      FileChannel ref,
      long referenceLength,
      FileChannel tgt,
      Parse parse)
      throws IOException {
    for (int i = 0; i < STREAMS; i++) {
      compress(raw[i], packed[i], lzma2Options(Files.size(raw[i]), i));
    }
    boolean modelled = false;
    long newBytes = Files.size(raw[NEW_BYTES]);
    if (newBytes > 0 && newBytes <= MODELLED_NEW_BYTES_MAX) {
      Path into = packed[NEW_BYTES].resolveSibling(packed[NEW_BYTES].getFileName() + ".model");
      try {
        modelNewBytes(raw[NEW_BYTES], into, ref, referenceLength, tgt, parse);
        if (Files.size(into) < Files.size(packed[NEW_BYTES])) {
          Files.move(into, packed[NEW_BYTES], StandardCopyOption.REPLACE_EXISTING);
          modelled = true;
        }
      } finally {
        Files.deleteIfExists(into);
      }
    }
    for (Path file : raw) {
      Files.delete(file);
    }
    return modelled;
  }

  /** The LZMA2 settings that made format 3's stream {@code stream} smallest on the bench pairs. */
  private static LZMA2Options lzma2Options(long size, int stream) {
    try {
      LZMA2Options options = new LZMA2Options(6);
      // No larger a dictionary than the stream (less memory on both sides), at most MAX_DICTIONARY.
      int dictionary = (int) Math.max(
          LZMA2Options.DICT_SIZE_MIN,
          Math.min(MAX_DICTIONARY, Long.highestOneBit(Math.max(1, size)) * 2));
      options.setDictSize(dictionary);
      if (stream != NEW_BYTES) {
        // Numbers and difference bytes repeat in long stretches (a shifted address table): the
        // longest matches pay where on new bytes they only cost time. None has byte contexts worth
        // modelling: lengths are numbers, differences are deltas (4 % smaller than LZMA's text
        // defaults on the Debian pair).
        options.setNiceLen(LZMA2Options.NICE_LEN_MAX);
        options.setLcLp(stream == DIFFERENCE_BYTES ? 0 : 1, 0);
        options.setPb(0);
      }
      return options;
    } catch (UnsupportedOptionsException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void compress(Path raw, Path packed, LZMA2Options options) throws IOException {
    try (InputStream in = Files.newInputStream(raw);
        XZOutputStream out = new XZOutputStream(
            new BufferedOutputStream(Files.newOutputStream(packed), BUFFER),
            options,
            XZ.CHECK_CRC32)) {
      in.transferTo(out);
    }
  }

  /** Codes the new bytes in {@code raw} with {@link LiteralCoder}, run by run in their context, into {@code into}. */
  private static void modelNewBytes(
      Path raw, Path into, FileChannel ref, long referenceLength, FileChannel tgt, Parse parse)
      throws IOException {
    long length = Files.size(raw);
    LiteralCoder.Runs runs = parse.runs(tgt);
    long contextBytes = LiteralCoder.contextBytes(runs);
    int dictionaryLength = modelDictionaryLength(referenceLength);
    byte[] history = new byte[Math.toIntExact(dictionaryLength + length + contextBytes)];
    readFully(ref, 0, history, dictionaryLength);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(raw), BUFFER);
        DataOutputStream out =
            new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(into), BUFFER))) {
      Varints.write(out, length);
      Varints.write(out, contextBytes);
      LiteralCoder.encode(history, dictionaryLength, in, length, out, runs);
    }
  }

  /** How much of the reference {@link LiteralCoder}'s match model sees: all of it, or none. */
  private static int modelDictionaryLength(long referenceLength) {
    return referenceLength <= MODEL_DICTIONARY_MAX ? (int) referenceLength : 0;
  }

  /**
   * How a delta's bytes split, read from its header: compressed instructions, differences and new
   * bytes, and whether the new bytes were coded by {@link LiteralCoder}. The split tells text that
   * drifts from binaries.
   */
  public record Composition(
      long instructions, long differences, long newBytes, boolean newBytesModelled) {}

  /** The {@link Composition} of {@code delta}. */
  public static Composition composition(Path delta) {
    try (DataInputStream header =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(delta), 64))) {
      if (header.readInt() != MAGIC) {
        throw corrupt("not a suffix-array delta");
      }
      int format = header.readUnsignedByte();
      if (!readable(format)) {
        throw corrupt("not a suffix-array delta of a format this version reads");
      }
      Varints.Counting counting = new Varints.Counting(header);
      counting.read();
      counting.read();
      long instructions = counting.read();
      if (format == FORMAT) {
        instructions += counting.read() + counting.read();
      }
      long differences = counting.read();
      if (format != FORMAT_1) {
        differences += counting.read() + counting.read();
      }
      long newBytes = counting.read();
      boolean modelled = format == FORMAT && header.readUnsignedByte() != NEW_BYTES_LZMA2;
      return new Composition(instructions, differences, newBytes, modelled);
    } catch (EOFException e) {
      throw corrupt("truncated");
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + delta + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void decode(Path source, Path delta, Path target) {
    decode(source, delta, target, -1);
  }

  /** Decodes, refusing before any work a delta that declares other than {@code length} bytes (any, when -1). */
  @Override
  public void decode(Path source, Path delta, Path target, long length) {
    try (FileChannel deltaChannel = FileChannel.open(delta, StandardOpenOption.READ);
        FileChannel ref = FileChannel.open(source, StandardOpenOption.READ)) {
      DataInputStream header = new DataInputStream(
          new BufferedInputStream(new RangeInputStream(deltaChannel, 0, deltaChannel.size()), 64));
      long headerLength = 0;
      if (deltaChannel.size() < 5 || header.readInt() != MAGIC) {
        throw corrupt("not a suffix-array delta");
      }
      int format = header.readUnsignedByte();
      if (!readable(format)) {
        throw corrupt("stream format " + format + " is not one this version reads (" + FORMAT_1
            + " to " + FORMAT + ")");
      }
      int streams = format == FORMAT ? STREAMS : format == FORMAT_2 ? STREAMS_2 : STREAMS_1;
      // Where each stream sits among the format's: instructions first (three streams in format 3),
      // then the differences (three, one in format 1), the new bytes last.
      int differencesAt = format == FORMAT ? ZERO_RUNS : 1;
      Varints.Counting counting = new Varints.Counting(header);
      long referenceLength = counting.read();
      long targetLength = counting.read();
      if (length >= 0 && targetLength != length) {
        throw corrupt("it declares " + targetLength + " bytes where " + length + " are expected");
      }
      long[] lengths = new long[streams];
      for (int i = 0; i < streams; i++) {
        lengths[i] = counting.read();
      }
      int newBytesCoding = NEW_BYTES_LZMA2;
      if (format == FORMAT) {
        newBytesCoding = header.readUnsignedByte();
        if (newBytesCoding != NEW_BYTES_LZMA2
            && newBytesCoding != NEW_BYTES_MODELLED
            && newBytesCoding != NEW_BYTES_MODELLED_IN_CONTEXT) {
          throw corrupt("its new bytes are coded in a way this version does not know");
        }
      }
      headerLength = 5 + counting.consumed() + (format == FORMAT ? 1 : 0);
      if (referenceLength != ref.size()) {
        throw new InvalidInputException("the delta was made against a reference of "
            + referenceLength + " bytes, the one given has " + ref.size() + ": wrong source");
      }
      long at = headerLength;
      long[] starts = new long[streams];
      for (int i = 0; i < streams; i++) {
        starts[i] = at;
        at += lengths[i];
        if (at < 0 || at > deltaChannel.size()) {
          throw corrupt("a stream runs past the end of the delta");
        }
      }
      if (at != deltaChannel.size()) {
        throw corrupt("trailing bytes after the streams");
      }
      try (DataInputStream seeks =
              new DataInputStream(open(deltaChannel, starts[SEEKS], lengths[SEEKS]));
          DataInputStream copyLengths = format == FORMAT
              ? new DataInputStream(open(deltaChannel, starts[COPY_LENGTHS], lengths[COPY_LENGTHS]))
              : seeks;
          DataInputStream newCounts = format == FORMAT
              ? new DataInputStream(open(deltaChannel, starts[NEW_COUNTS], lengths[NEW_COUNTS]))
              : seeks;
          InputStream differences = format != FORMAT_1
              ? new ZeroRuns.Joined(
                  open(deltaChannel, starts[differencesAt], lengths[differencesAt]),
                  open(deltaChannel, starts[differencesAt + 1], lengths[differencesAt + 1]),
                  open(deltaChannel, starts[differencesAt + 2], lengths[differencesAt + 2]))
              : open(deltaChannel, starts[differencesAt], lengths[differencesAt]);
          NewBytes newBytes = newBytesCoding == NEW_BYTES_LZMA2
              ? new NewBytes(open(deltaChannel, starts[streams - 1], lengths[streams - 1]), null, 0)
              : openModelled(
                  deltaChannel,
                  starts[streams - 1],
                  lengths[streams - 1],
                  newBytesCoding == NEW_BYTES_MODELLED_IN_CONTEXT,
                  ref,
                  referenceLength);
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), BUFFER)) {
        apply(
            ref,
            referenceLength,
            targetLength,
            new DataInputStream[] {seeks, copyLengths, newCounts},
            differences,
            newBytes,
            out);
      }
    } catch (EOFException e) {
      throw corrupt("truncated");
    } catch (XZIOException e) {
      throw corrupt("a compressed stream is damaged (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new EnvironmentException("cannot decode " + delta + ": " + e.getMessage(), e);
    }
  }

  private static InputStream open(FileChannel channel, long start, long length) throws IOException {
    return new BufferedInputStream(
        new XZInputStream(
            new BufferedInputStream(new RangeInputStream(channel, start, length), BUFFER),
            DECODE_MEMORY_LIMIT_KIB),
        BUFFER);
  }

  private static boolean readable(int format) {
    return format == FORMAT || format == FORMAT_2 || format == FORMAT_1;
  }

  /**
   * The new bytes, read as the instructions ask for them; where {@link LiteralCoder} coded them run
   * by run, its decoder, to be shown each run's context first, and how many bytes of it the delta
   * declares.
   */
  private record NewBytes(InputStream in, LiteralCoder.Decoder inContext, long contextBytes)
      implements java.io.Closeable {
    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** The new bytes as {@link LiteralCoder} coded them, decoded as they are read. */
  private static NewBytes openModelled(
      FileChannel channel,
      long start,
      long length,
      boolean inContext,
      FileChannel ref,
      long referenceLength)
      throws IOException {
    InputStream in = new BufferedInputStream(new RangeInputStream(channel, start, length), BUFFER);
    Varints.Counting header = new Varints.Counting(new DataInputStream(in));
    long count = header.read();
    long contextBytes = inContext ? header.read() : 0;
    if (count > MODELLED_NEW_BYTES_MAX) {
      in.close();
      throw corrupt("it declares " + count + " modelled new bytes, more than any encoder writes ("
          + MODELLED_NEW_BYTES_MAX + ")");
    }
    // Each run of at least one new byte is shown at most CONTEXT bytes.
    if (contextBytes > count * LiteralCoder.CONTEXT) {
      in.close();
      throw corrupt("it declares " + contextBytes + " bytes of context for " + count
          + " modelled new bytes, more than their runs can have");
    }
    int dictionaryLength = modelDictionaryLength(referenceLength);
    byte[] history = new byte[(int) (dictionaryLength + count + contextBytes)];
    readFully(ref, 0, history, dictionaryLength);
    LiteralCoder.Decoder decoder = new LiteralCoder.Decoder(history, dictionaryLength, in, count);
    // Run by run, the decoder must not read ahead of the context it is shown.
    return inContext
        ? new NewBytes(decoder, decoder, contextBytes)
        : new NewBytes(new BufferedInputStream(decoder, BUFFER), null, 0);
  }

  /** Runs the instructions, refusing any that reaches outside the reference or past the declared length. */
  private static void apply(
      FileChannel ref,
      long referenceLength,
      long targetLength,
      DataInputStream[] instructions,
      InputStream differences,
      NewBytes newBytes,
      OutputStream out)
      throws IOException {
    byte[] reference = new byte[BUFFER];
    byte[] difference = new byte[BUFFER];
    InputStream literals = newBytes.in();
    // The last target bytes written, by position modulo CONTEXT, for the model's context.
    byte[] recent = newBytes.inContext() == null ? null : new byte[LiteralCoder.CONTEXT];
    byte[] context = new byte[LiteralCoder.CONTEXT];
    long contextLeft = newBytes.contextBytes();
    long written = 0;
    long referenceAt = 0;
    // Seeks, copy lengths and new-byte counts: three streams, or one stream three times.
    Varints.Counting seeks = new Varints.Counting(instructions[0]);
    Varints.Counting copyLengths = new Varints.Counting(instructions[1]);
    Varints.Counting newCounts = new Varints.Counting(instructions[2]);
    while (written < targetLength) {
      long seek = Varints.unzigzag(seeks.read());
      long diffLength = copyLengths.read();
      long literalLength = newCounts.read();
      referenceAt += seek;
      if (referenceAt < 0 || diffLength > referenceLength - referenceAt) {
        throw corrupt("an instruction reads outside the reference");
      }
      if (diffLength > targetLength - written
          || literalLength > targetLength - written - diffLength) {
        throw corrupt("an instruction writes past the declared length");
      }
      long remaining = diffLength;
      while (remaining > 0) {
        int n = (int) Math.min(remaining, BUFFER);
        readFully(ref, referenceAt, reference, n);
        readFully(differences, difference, n);
        for (int i = 0; i < n; i++) {
          reference[i] += difference[i];
        }
        out.write(reference, 0, n);
        remember(recent, written + diffLength - remaining, reference, n);
        referenceAt += n;
        remaining -= n;
      }
      if (recent != null && literalLength > 0) {
        long at = written + diffLength;
        int shown = (int) Math.min(LiteralCoder.CONTEXT, at);
        if (shown > contextLeft) {
          throw corrupt("its new bytes are shown more context than it declares");
        }
        for (int i = 0; i < shown; i++) {
          context[i] = recent[(int) ((at - shown + i) % LiteralCoder.CONTEXT)];
        }
        newBytes.inContext().context(context, shown, literalLength);
        contextLeft -= shown;
      }
      remaining = literalLength;
      while (remaining > 0) {
        int n = (int) Math.min(remaining, BUFFER);
        readFully(literals, difference, n);
        out.write(difference, 0, n);
        remember(recent, written + diffLength + literalLength - remaining, difference, n);
        remaining -= n;
      }
      written += diffLength + literalLength;
    }
    if (contextLeft != 0) {
      throw corrupt("it declares more context for its new bytes than they are shown");
    }
    for (DataInputStream numbers : instructions) {
      if (numbers.read() != -1) {
        throw corrupt("instructions left over after the declared length");
      }
    }
    if (differences.read() != -1 || literals.read() != -1) {
      throw corrupt("bytes left over after the declared length");
    }
  }

  /** Keeps the last of {@code n} bytes written at target position {@code at} in {@code recent}. */
  private static void remember(byte[] recent, long at, byte[] bytes, int n) {
    if (recent == null) {
      return;
    }
    for (int i = Math.max(0, n - recent.length); i < n; i++) {
      recent[(int) ((at + i) % recent.length)] = bytes[i];
    }
  }

  private static void readFully(FileChannel channel, long position, byte[] into, int length)
      throws IOException {
    FileRanges.read(channel, position, into, length);
  }

  private static void readFully(InputStream in, byte[] into, int length) throws IOException {
    int at = 0;
    while (at < length) {
      int n = in.read(into, at, length - at);
      if (n < 0) {
        throw new EOFException();
      }
      at += n;
    }
  }

  static InvalidInputException corrupt(String why) {
    return new InvalidInputException("the delta is corrupt (" + why + "); it cannot be applied");
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A temporary file in the caller's run directory, which goes at the end anyway.
    }
  }

  /** bsdiff's matching loop over one window and one target chunk at a time. */
  private final class Matcher {
    private final FileChannel reference;
    private final long referenceLength;
    private final FileChannel target;
    private final long targetLength;
    private final Anchors anchors;

    private byte[] old;
    private int oldSize;
    private long windowStart = -1;
    private int[] suffixes;
    /** Per first two bytes, where their suffixes start in {@link #suffixes}: narrows every search. */
    private int[] buckets;

    private byte[] neu;
    /** Where {@link #neu} starts in the target. */
    private long chunkOffset;

    Matcher(
        FileChannel reference,
        long referenceLength,
        FileChannel target,
        long targetLength,
        Anchors anchors) {
      this.reference = reference;
      this.referenceLength = referenceLength;
      this.target = target;
      this.targetLength = targetLength;
      this.anchors = anchors;
    }

    /** Lets go of the window, its suffix array and the target chunk; the next run reads them anew. */
    void release() {
      old = null;
      neu = null;
      suffixes = null;
      buckets = null;
      windowStart = -1;
    }

    /**
     * Parses the whole target into each of {@code parses}, chunk by chunk: every window is sorted
     * once for all of them (a window already sorted is reused), and two parses match each chunk side
     * by side, on the threads given.
     */
    void run(Parse... parses) throws IOException {
      Scan[] scans = new Scan[parses.length];
      for (int i = 0; i < parses.length; i++) {
        scans[i] = new Scan(parses[i]);
      }
      int windowSize = (int) Math.min(window, referenceLength);
      if (old == null) {
        old = new byte[windowSize];
        neu = new byte[(int) Math.min(chunk, targetLength)];
      }
      for (long chunkStart = 0; chunkStart < targetLength; chunkStart += neu.length) {
        int chunkLength = (int) Math.min(neu.length, targetLength - chunkStart);
        readFully(target, chunkStart, neu, chunkLength);
        chunkOffset = chunkStart;
        useWindow(windowFor(chunkStart, chunkLength, windowSize));
        if (scans.length == 2) {
          parallel.both(
              () -> {
                scans[0].match(chunkLength);
                return null;
              },
              () -> {
                scans[1].match(chunkLength);
                return null;
              });
        } else {
          for (Scan scan : scans) {
            scan.match(chunkLength);
          }
        }
      }
    }

    /** The window start for a chunk: around where its anchors point, or in proportion when none do. */
    private long windowFor(long chunkStart, int chunkLength, int windowSize) {
      if (windowSize >= referenceLength) {
        return 0;
      }
      long expected = anchors == null ? -1 : anchors.referenceFor(chunkStart);
      if (expected < 0) {
        expected = (long) (chunkStart * ((double) referenceLength / Math.max(1, targetLength)));
      }
      // The chunk's counterpart and what follows it, with some room before for what moved back.
      long start = expected - windowSize / 8;
      return Math.max(0, Math.min(start, referenceLength - windowSize));
    }

    private void useWindow(long start) throws IOException {
      if (suffixes != null && Math.abs(start - windowStart) <= old.length / 4) {
        return;
      }
      suffixes = null;
      windowStart = start;
      oldSize = old.length;
      readFully(reference, start, old, oldSize);
      suffixes = SuffixSorter.sort(old, oldSize);
      buckets = new int[65536 + 1];
      // A bucket holds the suffixes that start with its two bytes (the one-byte suffix at the end
      // counts as its byte and a zero, which sorts it first among them). Counted over the text in
      // order: the same counts as over the suffix array, without a cache miss per suffix.
      for (int p = 0; p + 1 < oldSize; p++) {
        buckets[(((old[p] & 0xff) << 8) | (old[p + 1] & 0xff)) + 1]++;
      }
      if (oldSize > 0) {
        buckets[((old[oldSize - 1] & 0xff) << 8) + 1]++;
      }
      for (int k = 0; k < 65536; k++) {
        buckets[k + 1] += buckets[k];
      }
    }

    /**
     * One parse's way through the chunks: where it is and what it writes. The window and the chunk
     * are the matcher's, read only while parses scan them.
     */
    private final class Scan {
      private final Parse parse;
      private final byte[] scratch = new byte[BUFFER];

      Scan(Parse parse) {
        this.parse = parse;
      }

      private int matchPosition;

      /** Longest match of {@code neu[scan..]} in the window; its start in {@link #matchPosition}. */
      private int search(int scan, int newSize) {
        int st;
        int en;
        if (newSize - scan >= 2) {
          int key = ((neu[scan] & 0xff) << 8) | (neu[scan + 1] & 0xff);
          // Bucket bounds are offsets past the empty suffix at index 0.
          // Suffix k of the bucket sits at index 1 + buckets[key] + k; one neighbour either side
          // is a harmless candidate.
          st = buckets[key];
          en = Math.min(buckets[key + 1] + 1, oldSize);
        } else {
          st = 0;
          en = oldSize;
        }
        while (en - st >= 2) {
          int x = st + (en - st) / 2;
          int p = suffixes[x];
          int length = Math.min(oldSize - p, newSize - scan);
          if (Arrays.compareUnsigned(old, p, p + length, neu, scan, scan + length) < 0) {
            st = x;
          } else {
            en = x;
          }
        }
        int x = matchLength(suffixes[st], scan, newSize);
        int y = matchLength(suffixes[en], scan, newSize);
        if (x > y) {
          matchPosition = suffixes[st];
          matchIndex = st;
          return x;
        }
        matchPosition = suffixes[en];
        matchIndex = en;
        return y;
      }

      private int matchIndex;

      /**
       * Of the window's positions that match {@code neu[scan..]} for {@code len} bytes as the one found
       * does, the one nearest {@code preferred}.
       */
      private int nearestEqualMatch(int scan, int newSize, int len, int found, int preferred) {
        if (len < 8 || len > MAX_TIE_LENGTH) {
          return found;
        }
        int best = found;
        for (int step = -1; step <= 1; step += 2) {
          // Suffix order keeps the suffixes sharing the longest prefix together: stop at the first
          // that shares less.
          for (int i = matchIndex + step, seen = 0;
              i >= 0 && i < suffixes.length && seen < TIES;
              i += step, seen++) {
            int p = suffixes[i];
            if (matchLength(p, scan, newSize) < len) {
              break;
            }
            if (Math.abs((long) p - preferred) < Math.abs((long) best - preferred)) {
              best = p;
            }
          }
        }
        return best;
      }

      private int matchLength(int p, int scan, int newSize) {
        int limit = Math.min(oldSize - p, newSize - scan);
        int mismatch = Arrays.mismatch(old, p, p + limit, neu, scan, scan + limit);
        return mismatch < 0 ? limit : mismatch;
      }

      private boolean same(int oldAt, int newAt) {
        return oldAt >= 0 && oldAt < oldSize && old[oldAt] == neu[newAt];
      }

      /** Matches {@code neu[0, newSize)} against the window, writing instructions as it goes. */
      private void match(int newSize) throws IOException {
        int scan = 0;
        int len = 0;
        int pos = 0;
        int lastScan = 0;
        int lastPos = (int) Math.max(0, Math.min(oldSize, parse.lastReferenceEnd - windowStart));
        int lastOffset = lastPos;
        int misses = 0;
        while (scan < newSize) {
          int oldScore = 0;
          int scsc;
          for (scsc = scan += len; scan < newSize; scan++) {
            len = search(scan, newSize);
            pos = matchPosition;
            for (; scsc < scan + len; scsc++) {
              if (same(scsc + lastOffset, scsc)) {
                oldScore++;
              }
            }
            if ((len == oldScore && len != 0) || len > oldScore + parse.slack) {
              if (len != oldScore) {
                pos = nearestEqualMatch(scan, newSize, len, pos, scan + lastOffset);
              }
              break;
            }
            if (same(scan + lastOffset, scan)) {
              oldScore--;
            }
            // A long match that the current alignment nearly covers: at the next positions its own
            // continuation is no better, and searching each of them costs its whole length again
            // (quadratic on a long, almost unchanged region). Look again halfway along it.
            if (len >= LONG_MATCH) {
              for (int end = scan + len / 2; scan + 1 < end; ) {
                scan++;
                if (same(scan + lastOffset, scan)) {
                  oldScore--;
                }
              }
            }
            // In content the reference does not hold, searching every position is what costs:
            // after a kilobyte of misses search every fourth one (a match found late is extended
            // back, lenb).
            if (len < 5) {
              if (++misses >= 1024) {
                for (int skip = 0; skip < 3 && scan + 1 < newSize; skip++) {
                  scan++;
                  if (same(scan + lastOffset, scan)) {
                    oldScore--;
                  }
                }
                scsc = Math.max(scsc, scan + 1);
              }
            } else {
              misses = 0;
            }
          }
          if (len != oldScore || scan == newSize) {
            int s = 0;
            int sf = 0;
            int lenf = 0;
            for (int i = 0; lastScan + i < scan && lastPos + i < oldSize; ) {
              if (old[lastPos + i] == neu[lastScan + i]) {
                s++;
              }
              i++;
              if (s * 2 - i > sf * 2 - lenf) {
                sf = s;
                lenf = i;
              }
            }
            int lenb = 0;
            if (scan < newSize) {
              s = 0;
              int sb = 0;
              for (int i = 1; scan >= lastScan + i && pos >= i; i++) {
                if (old[pos - i] == neu[scan - i]) {
                  s++;
                }
                if (s * 2 - i > sb * 2 - lenb) {
                  sb = s;
                  lenb = i;
                }
              }
            }
            if (lastScan + lenf > scan - lenb) {
              int overlap = (lastScan + lenf) - (scan - lenb);
              s = 0;
              int ss = 0;
              int lens = 0;
              for (int i = 0; i < overlap; i++) {
                if (neu[lastScan + lenf - overlap + i] == old[lastPos + lenf - overlap + i]) {
                  s++;
                }
                if (neu[scan - lenb + i] == old[pos - lenb + i]) {
                  s--;
                }
                if (s > ss) {
                  ss = s;
                  lens = i + 1;
                }
              }
              lenf += lens - overlap;
              lenb -= lens;
            }
            emit(lastScan, lastPos, lenf, (scan - lenb) - (lastScan + lenf));
            lastScan = scan - lenb;
            lastPos = pos - lenb;
            lastOffset = pos - scan;
          }
        }
      }

      /** One instruction: {@code lenf} bytes as differences from the window at {@code oldAt}, then {@code extra} new bytes. */
      private void emit(int newAt, int oldAt, int lenf, int extra) throws IOException {
        if (lenf == 0 && extra == 0) {
          return;
        }
        long absolute = windowStart + oldAt;
        Varints.write(parse.seeks, Varints.zigzag(absolute - parse.lastReferenceEnd));
        Varints.write(parse.copyLengths, lenf);
        Varints.write(parse.newCounts, extra);
        for (int done = 0; done < lenf; ) {
          int n = Math.min(lenf - done, scratch.length);
          for (int i = 0; i < n; i++) {
            scratch[i] = (byte) (neu[newAt + done + i] - old[oldAt + done + i]);
          }
          parse.differences.write(scratch, 0, n);
          done += n;
        }
        parse.literals.write(neu, newAt + lenf, extra);
        if (extra > 0) {
          parse.newBytes(chunkOffset + newAt + lenf, extra);
        }
        parse.lastReferenceEnd = absolute + lenf;
      }
    }
  }
}
