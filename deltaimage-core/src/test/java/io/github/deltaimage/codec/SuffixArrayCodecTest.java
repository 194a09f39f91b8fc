package io.github.deltaimage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SuffixArrayCodecTest {

  @TempDir
  Path dir;

  @Test
  void suffixesAreSortedAsANaiveSortSortsThem() {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      int length = random.nextInt(200);
      int alphabet = 1 + random.nextInt(round % 3 == 0 ? 2 : 256);
      byte[] data = new byte[length];
      for (int i = 0; i < length; i++) {
        data[i] = (byte) (random.nextInt(alphabet) * (256 / alphabet) - 128);
      }
      int[] expected = IntStream.rangeClosed(0, length)
          .boxed()
          .sorted(Comparator.comparing(
              i -> Arrays.copyOfRange(data, i, length), Arrays::compareUnsigned))
          .mapToInt(Integer::intValue)
          .toArray();
      assertThat(SuffixSorter.sort(data, length)).as("round %d", round).containsExactly(expected);
    }
  }

  @Test
  void aTargetMadeOfEditedAndMovedReferencePiecesIsRebuiltExactlyAndSmall() throws IOException {
    Random random = new Random(11);
    byte[] reference = new byte[3 << 20];
    random.nextBytes(reference);
    Arrays.fill(reference, 1 << 20, (1 << 20) + 100_000, (byte) 0); // a run, as tar padding makes
    byte[] target = new byte[reference.length + 50_000];
    // The second half first, then the first half with a byte changed every 1000, then new bytes.
    int half = reference.length / 2;
    System.arraycopy(reference, half, target, 0, reference.length - half);
    System.arraycopy(reference, 0, target, reference.length - half, half);
    for (int i = reference.length - half; i < reference.length; i += 1000) {
      target[i]++;
    }
    byte[] fresh = new byte[50_000];
    random.nextBytes(fresh);
    System.arraycopy(fresh, 0, target, reference.length, fresh.length);

    for (int window : new int[] {64 << 20, 1 << 20}) {
      Path delta = roundTrip(new SuffixArrayCodec(window), reference, target);
      if (window > reference.length) {
        // The new bytes, plus about a byte of difference every 1000 and a few instructions.
        assertThat(Files.size(delta)).isLessThan(fresh.length + 20_000);
      }
    }
  }

  /**
   * The target is an exact copy of a region that the alignment the parse starts on covers but for
   * four bytes: too few to switch (the slack), so the parse stays while every next position finds
   * the copy again. Searching each of them in full is quadratic: minutes for these 4 MiB, where
   * the parse takes about a second. The timeout is a hundredfold margin, not a figure.
   */
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aLongCopyTheAlignmentNearlyCoversIsParsedInLinearTime() throws IOException {
    Random random = new Random(5);
    byte[] x = new byte[2 << 20];
    random.nextBytes(x);
    byte[] y = x.clone();
    for (int i = 1; i <= 4; i++) {
      y[i * (y.length / 5)] ^= 0x5a;
    }
    byte[] reference = new byte[x.length + y.length];
    System.arraycopy(x, 0, reference, 0, x.length);
    System.arraycopy(y, 0, reference, x.length, y.length);

    Path delta = roundTrip(new SuffixArrayCodec(64 << 20), reference, y);

    assertThat(Files.size(delta)).as("a copy costs instructions, not bytes").isLessThan(2_000);
  }

  @Test
  void aSmallReferenceStaysSortedForTheSecondParseAndALargeOneDoesNot() {
    SuffixArrayCodec codec = new SuffixArrayCodec(64 << 20);
    long heap = 896L << 20;
    assertThat(codec.keepsWindowSorted(28 << 20, heap))
        .as("the npm pair's reference")
        .isTrue();
    assertThat(codec.keepsWindowSorted(64 << 20, heap))
        .as("a full window: 320 MB of arrays")
        .isFalse();
    assertThat(codec.keepsWindowSorted(65 << 20, 64L << 30))
        .as("more than one window")
        .isFalse();
    assertThat(codec.keepsWindowSorted(28 << 20, 256L << 20)).as("a small heap").isFalse();
  }

  /**
   * Text whose every line has an identifier renamed: the alignment drifts at each edit, so
   * instructions are most of the first parse and a second parse (a larger slack) is made, from
   * the window the first one sorted.
   */
  @Test
  void textWithAnEditInEveryLineRoundTripsThroughBothParses() throws IOException {
    byte[] reference = renamedLines(false);
    byte[] target = renamedLines(true);
    SuffixArrayCodec codec = new SuffixArrayCodec(64 << 20);
    assertThat(codec.keepsWindowSorted(reference.length, Runtime.getRuntime().maxMemory()))
        .isTrue();

    Path delta = roundTrip(codec, reference, target);

    assertThat(Files.size(delta))
        .as("a copy and the renamed bytes per line")
        .isLessThan(target.length / 8);
  }

  /**
   * The same text against a reference of several windows: both parses go through each window
   * together, on two threads, and the target still comes back exactly.
   */
  @Test
  void aReferenceOfSeveralWindowsIsParsedTwiceInOnePass() throws IOException {
    byte[] reference = renamedLines(false);
    byte[] target = renamedLines(true);
    SuffixArrayCodec codec = new SuffixArrayCodec(1 << 19, new Parallel(2));
    assertThat(reference.length).as("several windows").isGreaterThan(3 << 19);

    Path delta = roundTrip(codec, reference, target);

    assertThat(Files.size(delta))
        .as("a copy and the renamed bytes per line, window by window")
        .isLessThan(target.length / 8);
  }

  /** 40,000 lines of code, each with an identifier; {@code renamed}: every identifier renamed. */
  private static byte[] renamedLines(boolean renamed) {
    StringBuilder text = new StringBuilder();
    Random random = new Random(9);
    for (int line = 0; line < 40_000; line++) {
      String indent = " ".repeat(random.nextInt(12));
      int value = random.nextInt(1_000_000);
      text.append(indent)
          .append(renamed ? "const v" : "const value")
          .append(line)
          .append(" = compute(")
          .append(value)
          .append(renamed ? ", opts);\n" : ", options);\n");
    }
    return text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  void emptyAndTinyInputsRoundTrip() throws IOException {
    SuffixArrayCodec codec = new SuffixArrayCodec(1 << 20);
    roundTrip(codec, new byte[0], new byte[0]);
    roundTrip(codec, new byte[0], "abc".getBytes());
    roundTrip(codec, "abc".getBytes(), new byte[0]);
    roundTrip(codec, "a".getBytes(), "aaaaaaaaaaaaab".getBytes());
  }

  @Test
  void aDamagedOrTruncatedDeltaIsRefusedWithOneLine() throws IOException {
    Random random = new Random(3);
    byte[] reference = new byte[200_000];
    random.nextBytes(reference);
    byte[] target = reference.clone();
    target[5000] ^= 1;
    SuffixArrayCodec codec = new SuffixArrayCodec(1 << 20);
    Path delta = roundTrip(codec, reference, target);
    byte[] bytes = Files.readAllBytes(delta);
    Path ref = Files.write(dir.resolve("ref"), reference);
    for (int cut : new int[] {0, 3, 8, bytes.length / 2, bytes.length - 1}) {
      Path damaged = Files.write(dir.resolve("cut"), Arrays.copyOf(bytes, cut));
      assertThatThrownBy(() -> codec.decode(ref, damaged, dir.resolve("out")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("corrupt");
    }
    for (int at = 5; at < bytes.length; at += 7) {
      byte[] flipped = bytes.clone();
      flipped[at] ^= 0x55;
      Path damaged = Files.write(dir.resolve("flipped"), flipped);
      try {
        codec.decode(ref, damaged, dir.resolve("out"));
        // A flip the streams survive must still give the declared length: the layer's sha256
        // catches the rest.
        assertThat(Files.size(dir.resolve("out"))).isEqualTo(target.length);
      } catch (InvalidInputException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
      }
    }
    Path other = Files.write(dir.resolve("other"), new byte[10]);
    assertThatThrownBy(() -> codec.decode(other, delta, dir.resolve("out")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("wrong source");
  }

  @Test
  void differencesSplitIntoRunsAndJoinBackExactly() throws IOException {
    Random random = new Random(5);
    java.util.List<byte[]> cases = new java.util.ArrayList<>();
    cases.add(new byte[0]);
    cases.add(new byte[1000]);
    cases.add(new byte[] {7});
    cases.add(new byte[] {7, 0, 0, 9, 9});
    byte[] sparse = new byte[300_000];
    for (int i = 0; i < 3000; i++) {
      sparse[random.nextInt(sparse.length)] = (byte) (1 + random.nextInt(255));
    }
    cases.add(sparse);
    byte[] dense = new byte[70_000];
    random.nextBytes(dense);
    cases.add(dense);
    for (byte[] differences : cases) {
      Path raw = Files.write(dir.resolve("differences"), differences);
      Path[] parts = {dir.resolve("zeros"), dir.resolve("runs"), dir.resolve("bytes")};
      ZeroRuns.split(raw, parts[0], parts[1], parts[2]);
      long nonZero = IntStream.range(0, differences.length)
          .filter(i -> differences[i] != 0)
          .count();
      assertThat(Files.size(parts[2])).isEqualTo(nonZero);
      try (java.io.InputStream joined = new ZeroRuns.Joined(
          Files.newInputStream(parts[0]),
          Files.newInputStream(parts[1]),
          Files.newInputStream(parts[2]))) {
        assertThat(joined.readAllBytes()).isEqualTo(differences);
      }
    }
  }

  @Test
  void aFormatOneDeltaWithItsDifferencesWholeStillDecodes() throws IOException {
    Random random = new Random(9);
    byte[] reference = new byte[400_000];
    random.nextBytes(reference);
    byte[] target = reference.clone();
    for (int i = 0; i < target.length; i += 777) {
      target[i] ^= 0x21;
    }
    SuffixArrayCodec codec = new SuffixArrayCodec(1 << 20);
    Path delta = roundTrip(codec, reference, target);
    Path formatOne = asFormatOne(delta, dir.resolve("format-1"));
    assertThat(SuffixArrayCodec.composition(formatOne).differences())
        .as("the differences whole, as format 1 stored them")
        .isGreaterThan(0);
    assertDecodesTo(codec, formatOne, target);
  }

  @Test
  void aFormatTwoDeltaWithItsNewBytesInXzStillDecodes() throws IOException {
    Random random = new Random(11);
    byte[] reference = new byte[300_000];
    random.nextBytes(reference);
    byte[] target = Arrays.copyOf(reference, reference.length + 5000);
    for (int i = reference.length; i < target.length; i++) {
      target[i] = (byte) random.nextInt();
    }
    SuffixArrayCodec codec = new SuffixArrayCodec(1 << 20);
    Path delta = roundTrip(codec, reference, target);
    Parts parts = Parts.of(delta);
    assertThat(parts.newBytesCoding).as("random new bytes: LZMA2 stays").isZero();
    assertDecodesTo(codec, parts.asFormatTwo(dir.resolve("format-2")), target);
  }

  private void assertDecodesTo(SuffixArrayCodec codec, Path delta, byte[] target)
      throws IOException {
    Path out = dir.resolve("out-" + delta.getFileName());
    codec.decode(dir.resolve("ref"), delta, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(target);
  }

  /**
   * New lines of code among the reference's: their words and pieces are the reference's, which the
   * context-mixing coder predicts from, so it codes them in fewer bytes than LZMA2 and is kept. It
   * codes them run by run, each after the target bytes before it.
   */
  @Test
  void newSourceTextIsCodedByTheContextMixingModel() throws IOException {
    SuffixArrayCodec codec = new SuffixArrayCodec(8 << 20);

    Path delta = roundTrip(codec, sourceText(false), sourceText(true));

    assertThat(Parts.of(delta).newBytesCoding)
        .as("the model's coding of the new bytes in their context, smaller than LZMA2's")
        .isEqualTo(2);
  }

  /** Deltas whose new bytes the model coded as one run, as the first format-3 encoder did, still decode. */
  @Test
  void newBytesModelledAsOneRunStillDecode() throws IOException {
    byte[] reference = sourceText(false);
    byte[] target = sourceText(true);
    SuffixArrayCodec codec = new SuffixArrayCodec(8 << 20);
    Parts parts = Parts.of(roundTrip(codec, reference, target));
    byte[] newBytes = parts.newBytes(target);
    byte[] history = Arrays.copyOf(reference, reference.length + newBytes.length);
    java.io.ByteArrayOutputStream oneRun = new java.io.ByteArrayOutputStream();
    Varints.write(new java.io.DataOutputStream(oneRun), newBytes.length);
    LiteralCoder.encode(
        history,
        reference.length,
        new java.io.ByteArrayInputStream(newBytes),
        newBytes.length,
        oneRun,
        null);
    parts.streams[6] = oneRun.toByteArray();
    parts.newBytesCoding = 1;

    assertDecodesTo(codec, parts.write(dir.resolve("one-run")), target);
  }

  @Test
  void modelledNewBytesDeclaringOtherContextThanTheirRunsAreShownAreRefused() throws IOException {
    SuffixArrayCodec codec = new SuffixArrayCodec(8 << 20);
    Parts parts = Parts.of(roundTrip(codec, sourceText(false), sourceText(true)));
    long[] header = parts.modelledHeader();
    byte[] coded = Arrays.copyOfRange(parts.streams[6], (int) header[2], parts.streams[6].length);
    long count = header[0];
    long context = header[1];
    for (long declared : new long[] {context - 1, context + 1, count * LiteralCoder.CONTEXT + 1}) {
      java.io.ByteArrayOutputStream hostile = new java.io.ByteArrayOutputStream();
      java.io.DataOutputStream out = new java.io.DataOutputStream(hostile);
      Varints.write(out, count);
      Varints.write(out, declared);
      out.write(coded);
      parts.streams[6] = hostile.toByteArray();
      Path damaged = parts.write(dir.resolve("hostile-" + declared));

      assertThatThrownBy(() -> codec.decode(dir.resolve("ref"), damaged, dir.resolve("out")))
          .as("%d bytes of context declared, %d shown", declared, context)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("corrupt")
          .hasMessageContaining("context");
    }
  }

  /** Lines of code, and the same with a new line after every tenth. */
  private static byte[] sourceText(boolean withNewLines) {
    Random random = new Random(13);
    StringBuilder text = new StringBuilder();
    for (int line = 0; line < 30_000; line++) {
      text.append(CodeLikeText.line(random));
      if (line % 10 == 0) {
        // A new line: words of the reference in an order it does not hold.
        String added = "  " + CodeLikeText.word(random) + ' ' + CodeLikeText.word(random)
            + random.nextInt(1000) + ";\n";
        if (withNewLines) {
          text.append(added);
        }
      }
    }
    return text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  void modelledNewBytesDeclaringMoreThanAnEncoderWritesAreRefused() throws IOException {
    byte[] reference = "const value = compute(options);\n".repeat(2000).getBytes();
    byte[] target =
        "const value = compute(options);\nlet other = 1;\n".repeat(2000).getBytes();
    SuffixArrayCodec codec = new SuffixArrayCodec(1 << 20);
    Path delta = roundTrip(codec, reference, target);
    Parts parts = Parts.of(delta);
    java.io.ByteArrayOutputStream hostile = new java.io.ByteArrayOutputStream();
    Varints.write(
        new java.io.DataOutputStream(hostile), SuffixArrayCodec.MODELLED_NEW_BYTES_MAX + 1L);
    hostile.write(new byte[64]);
    parts.streams[6] = hostile.toByteArray();
    parts.newBytesCoding = 1;
    Path damaged = parts.write(dir.resolve("hostile"));

    assertThatThrownBy(() -> codec.decode(dir.resolve("ref"), damaged, dir.resolve("out")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("corrupt")
        .hasMessageContaining("modelled new bytes");
  }

  /** The same delta as format 1 wrote it: three streams, the differences one xz stream. */
  private static Path asFormatOne(Path delta, Path to) throws IOException {
    Parts parts = Parts.of(delta);
    assertThat(parts.newBytesCoding).as("format 1 had its new bytes in xz").isZero();
    byte[] differences;
    try (java.io.InputStream joined = new ZeroRuns.Joined(
        unxz(parts.streams[3]), unxz(parts.streams[4]), unxz(parts.streams[5]))) {
      differences = joined.readAllBytes();
    }
    byte[] packedDifferences = xz(differences);
    byte[][] three = {parts.instructionsInterleaved(), packedDifferences, parts.streams[6]};
    return parts.write(to, 1, three, -1);
  }

  private static java.io.InputStream unxz(byte[] packed) throws IOException {
    return new org.tukaani.xz.XZInputStream(new java.io.ByteArrayInputStream(packed));
  }

  private static byte[] xz(byte[] raw) throws IOException {
    java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
    try (org.tukaani.xz.XZOutputStream out =
        new org.tukaani.xz.XZOutputStream(packed, new org.tukaani.xz.LZMA2Options(6))) {
      out.write(raw);
    }
    return packed.toByteArray();
  }

  /** A format-3 delta taken apart, to be written back as it is or as an older format. */
  private static final class Parts {
    int magic;
    long referenceLength;
    long targetLength;
    int newBytesCoding;
    /** Seeks, copy lengths, new-byte counts, zero runs, byte runs, difference bytes, new bytes. */
    final byte[][] streams = new byte[7][];

    static Parts of(Path delta) throws IOException {
      Parts parts = new Parts();
      try (java.io.DataInputStream in = new java.io.DataInputStream(
          new java.io.BufferedInputStream(Files.newInputStream(delta)))) {
        parts.magic = in.readInt();
        assertThat(in.readUnsignedByte()).isEqualTo(3);
        Varints.Counting numbers = new Varints.Counting(in);
        parts.referenceLength = numbers.read();
        parts.targetLength = numbers.read();
        long[] lengths = new long[7];
        for (int i = 0; i < 7; i++) {
          lengths[i] = numbers.read();
        }
        parts.newBytesCoding = in.readUnsignedByte();
        for (int i = 0; i < 7; i++) {
          parts.streams[i] = in.readNBytes((int) lengths[i]);
        }
      }
      return parts;
    }

    /** The new bytes of {@code target}, as the instructions place them, in order. */
    byte[] newBytes(byte[] target) throws IOException {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.DataInputStream copies = new java.io.DataInputStream(unxz(streams[1]));
          java.io.DataInputStream news = new java.io.DataInputStream(unxz(streams[2]))) {
        Varints.Counting copyLengths = new Varints.Counting(copies);
        Varints.Counting newCounts = new Varints.Counting(news);
        int at = 0;
        while (at < target.length) {
          at += (int) copyLengths.read();
          int n = (int) newCounts.read();
          bytes.write(target, at, n);
          at += n;
        }
      }
      return bytes.toByteArray();
    }

    /**
     * The modelled new bytes' header: how many, how many bytes of context, and where the coded
     * bytes start.
     */
    long[] modelledHeader() throws IOException {
      assertThat(newBytesCoding).isEqualTo(2);
      java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(streams[6]);
      Varints.Counting numbers = new Varints.Counting(new java.io.DataInputStream(in));
      long count = numbers.read();
      long context = numbers.read();
      return new long[] {count, context, numbers.consumed()};
    }

    /** The three instruction streams as formats 1 and 2 had them: one stream, three numbers each. */
    byte[] instructionsInterleaved() throws IOException {
      java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
      java.io.DataOutputStream out = new java.io.DataOutputStream(raw);
      try (java.io.DataInputStream seeks = new java.io.DataInputStream(unxz(streams[0]));
          java.io.DataInputStream copies = new java.io.DataInputStream(unxz(streams[1]));
          java.io.DataInputStream news = new java.io.DataInputStream(unxz(streams[2]))) {
        Varints.Counting[] numbers = {
          new Varints.Counting(seeks), new Varints.Counting(copies), new Varints.Counting(news)
        };
        while (true) {
          long seek;
          try {
            seek = numbers[0].read();
          } catch (java.io.EOFException end) {
            break;
          }
          Varints.write(out, seek);
          Varints.write(out, numbers[1].read());
          Varints.write(out, numbers[2].read());
        }
      }
      return xz(raw.toByteArray());
    }

    Path write(Path to) throws IOException {
      return write(to, 3, streams, newBytesCoding);
    }

    /** As format 2 wrote it: five streams, the instructions interleaved, the new bytes xz. */
    Path asFormatTwo(Path to) throws IOException {
      assertThat(newBytesCoding).as("format 2 had its new bytes in xz").isZero();
      byte[][] five = {instructionsInterleaved(), streams[3], streams[4], streams[5], streams[6]};
      return write(to, 2, five, -1);
    }

    /** A delta of {@code format} with these streams; the new-bytes coding byte unless it is -1. */
    Path write(Path to, int format, byte[][] parts, int coding) throws IOException {
      try (java.io.DataOutputStream out = new java.io.DataOutputStream(Files.newOutputStream(to))) {
        out.writeInt(magic);
        out.writeByte(format);
        Varints.write(out, referenceLength);
        Varints.write(out, targetLength);
        for (byte[] stream : parts) {
          Varints.write(out, stream.length);
        }
        if (coding >= 0) {
          out.writeByte(coding);
        }
        for (byte[] stream : parts) {
          out.write(stream);
        }
      }
      return to;
    }
  }

  private Path roundTrip(SuffixArrayCodec codec, byte[] reference, byte[] target)
      throws IOException {
    Path ref = Files.write(dir.resolve("ref"), reference);
    Path tgt = Files.write(dir.resolve("tgt"), target);
    Path delta = dir.resolve("delta-" + reference.length + "-" + target.length);
    codec.encode(ref, tgt, delta);
    Path out = dir.resolve("out");
    codec.decode(ref, delta, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(target);
    return delta;
  }
}
