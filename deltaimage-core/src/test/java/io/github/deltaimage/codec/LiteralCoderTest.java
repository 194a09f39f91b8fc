package io.github.deltaimage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void aDecoderGivenAnotherDictionaryDoesNotRebuildTheBytes() throws IOException {
    byte[] input = CodeLikeText.bytes(30_000, 5);
    byte[] dictionary = CodeLikeText.bytes(60_000, 6);
    byte[] coded = encode(dictionary, input);
    byte[] other = dictionary.clone();
    other[other.length - 1] ^= 1;

    assertThat(decode(other, coded, input.length))
        .as("the model depends on the dictionary: the layer digest catches a wrong one")
        .isNotEqualTo(input);
  }

  @Test
  void aDecoderReadsExactlyTheCodedBytesAndRefusesFewer() throws IOException {
    byte[] input = CodeLikeText.bytes(20_000, 7);
    byte[] coded = encode(new byte[0], input);
    assertThat(decode(new byte[0], coded, input.length)).isEqualTo(input);

    byte[] cut = Arrays.copyOf(coded, coded.length - 1);
    assertThatThrownBy(() -> decode(new byte[0], cut, input.length))
        .isInstanceOf(EOFException.class);
  }

  private static byte[] encode(byte[] dictionary, byte[] input) throws IOException {
    byte[] history = Arrays.copyOf(dictionary, dictionary.length + input.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LiteralCoder.encode(
        history, dictionary.length, new ByteArrayInputStream(input), input.length, out);
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
