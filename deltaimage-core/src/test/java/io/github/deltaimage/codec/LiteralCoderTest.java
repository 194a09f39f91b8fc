package io.github.deltaimage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LiteralCoderTest {

  @Test
  void anyBytesRoundTripWithAndWithoutADictionary() throws IOException {
    Random random = new Random(21);
    byte[] noise = new byte[100_000];
    random.nextBytes(noise);
    byte[] runs = new byte[50_000];
    for (int i = 0; i < runs.length; i++) {
      runs[i] = (byte) ((i / 700) % 3);
    }
    byte[][] inputs = {new byte[0], {42}, noise, runs, CodeLikeText.bytes(20_000, 1)};
    byte[][] dictionaries = {new byte[0], CodeLikeText.bytes(50_000, 2), noise};
    for (byte[] input : inputs) {
      for (byte[] dictionary : dictionaries) {
        byte[] coded = encode(dictionary, input);
        assertThat(decode(dictionary, coded, input.length)).isEqualTo(input);
      }
    }
  }

  @Test
  void textIsCodedSmallerAndSmallerStillWhenTheDictionaryHoldsItsPieces() throws IOException {
    byte[] input = CodeLikeText.bytes(200_000, 3);
    byte[] plain = encode(new byte[0], input);
    byte[] withDictionary = encode(CodeLikeText.bytes(400_000, 4), input);

    assertThat(plain.length).as("a few words' worth of bits per line").isLessThan(input.length / 4);
    assertThat(withDictionary.length).isLessThan(plain.length);
  }

  /**
   * A target of code whose lines end in new bytes that follow from the bytes before them (what a
   * {@code return} or a {@code throw} is followed by): coded each after the target bytes before it,
   * they take fewer bytes than coded back to back, and decode when shown the same.
   */
  @Test
  void runsCodedInTheirContextAreSmallerAndDecodeWithTheSameContext() throws IOException {
    Random random = new Random(8);
    StringBuilder target = new StringBuilder();
    java.io.ByteArrayOutputStream newBytes = new java.io.ByteArrayOutputStream();
    java.util.List<int[]> runs = new java.util.ArrayList<>(); // start, length
    for (int line = 0; line < 20_000; line++) {
      target.append(CodeLikeText.line(random));
      if (line % 10 == 0) {
        boolean returns = random.nextBoolean();
        target
            .append("  if (")
            .append(CodeLikeText.word(random))
            .append(returns ? ") return " : ") throw ");
        String added =
            returns ? "undefined;\n" : "new Error(\"" + CodeLikeText.word(random) + "\");\n";
        runs.add(new int[] {target.length(), added.length()});
        target.append(added);
        newBytes.writeBytes(added.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
    }
    byte[] text = target.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] input = newBytes.toByteArray();
    LiteralCoder.Runs inText = new LiteralCoder.Runs() {
      @Override
      public int count() {
        return runs.size();
      }

      @Override
      public int length(int run) {
        return runs.get(run)[1];
      }

      @Override
      public int contextLength(int run) {
        return Math.min(LiteralCoder.CONTEXT, runs.get(run)[0]);
      }

      @Override
      public void before(int run, byte[] into) {
        int n = contextLength(run);
        System.arraycopy(text, runs.get(run)[0] - n, into, 0, n);
      }
    };
    int context = (int) LiteralCoder.contextBytes(inText);
    byte[] history = new byte[input.length + context];
    ByteArrayOutputStream coded = new ByteArrayOutputStream();
    LiteralCoder.encode(history, 0, new ByteArrayInputStream(input), input.length, coded, inText);

    assertThat(coded.size())
        .as("what follows a return or a throw is known from the bytes before it")
        .isLessThan(encode(new byte[0], input).length * 4 / 5);
    byte[] decoded = new byte[input.length];
    try (LiteralCoder.Decoder in = new LiteralCoder.Decoder(
        new byte[input.length + context],
        0,
        new ByteArrayInputStream(coded.toByteArray()),
        input.length)) {
      byte[] before = new byte[LiteralCoder.CONTEXT];
      int at = 0;
      for (int run = 0; run < runs.size(); run++) {
        inText.before(run, before);
        in.context(before, inText.contextLength(run), runs.get(run)[1]);
        for (int i = 0; i < runs.get(run)[1]; i++) {
          decoded[at++] = (byte) in.read();
        }
      }
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(decoded).isEqualTo(input);
  }

  @Test
  void aDecoderGivenAnotherDictionaryIsRefusedWhereItsCodeEnds() throws IOException {
    byte[] input = CodeLikeText.bytes(30_000, 5);
    byte[] dictionary = CodeLikeText.bytes(60_000, 6);
    byte[] coded = encode(dictionary, input);
    byte[] other = dictionary.clone();
    other[other.length - 1] ^= 1;

    // The model depends on the dictionary: decoding drifts from the coded range, which the final
    // bytes no longer pin (the layer digest would catch wrong bytes anyway).
    assertThatThrownBy(() -> decode(other, coded, input.length))
        .isInstanceOfAny(InvalidInputException.class, EOFException.class);
  }

  @Test
  void aDecoderReadsExactlyTheCodedBytesAndRefusesFewer() throws IOException {
    byte[] input = CodeLikeText.bytes(20_000, 7);
    byte[] coded = encode(new byte[0], input);
    assertThat(decode(new byte[0], coded, input.length)).isEqualTo(input);

    byte[] cut = Arrays.copyOf(coded, coded.length - 1);
    assertThatThrownBy(() -> decode(new byte[0], cut, input.length))
        .isInstanceOf(EOFException.class);

    // The last four bytes pin the range exactly: any change to them, or a byte after them, is
    // refused even where the bytes would still decode.
    for (int at = coded.length - 4; at < coded.length; at++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] flipped = coded.clone();
        flipped[at] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> decode(new byte[0], flipped, input.length))
            .as("bit %d of byte %d flipped", bit, at)
            .isInstanceOfAny(InvalidInputException.class, EOFException.class);
      }
    }
    byte[] longer = Arrays.copyOf(coded, coded.length + 1);
    assertThatThrownBy(() -> decode(new byte[0], longer, input.length))
        .isInstanceOf(InvalidInputException.class);
  }

  private static byte[] encode(byte[] dictionary, byte[] input) throws IOException {
    byte[] history = Arrays.copyOf(dictionary, dictionary.length + input.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LiteralCoder.encode(
        history, dictionary.length, new ByteArrayInputStream(input), input.length, out, null);
    return out.toByteArray();
  }

  private static byte[] decode(byte[] dictionary, byte[] coded, int length) throws IOException {
    byte[] history = Arrays.copyOf(dictionary, dictionary.length + length);
    try (LiteralCoder.Decoder in = new LiteralCoder.Decoder(
        history, dictionary.length, new ByteArrayInputStream(coded), length)) {
      byte[] out = in.readAllBytes();
      assertThat(in.read()).isEqualTo(-1);
      return out;
    }
  }
}
