package io.github.deltaimage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.DeltaEngine;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Xdelta3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each engine round-trips a layer stream; the default keeps the smaller of the in-process engines,
 * and a stream decodes with the engine that wrote it, whatever the decoding side chose.
 */
class StreamEnginesTest {

  @TempDir
  Path dir;

  private final DeltaCodec xdelta3 =
      Xdelta3Codec.whenFirstUsed(Optional.empty(), Xdelta3Settings.defaults());

  @Test
  void whereInstructionsAreALargeShareBothEnginesAreTriedAndTheSmallerIsKept() throws IOException {
    Path reference = Files.writeString(dir.resolve("ref"), bundle(false));
    Path target = Files.writeString(dir.resolve("tgt"), shuffledFunctions(bundle(false), 3));
    Path bySuffixArray = dir.resolve("sa");
    assertThat(engines(DeltaEngine.SUFFIX_ARRAY).encode(reference, target, bySuffixArray, null))
        .isEqualTo(DeltaEngine.SUFFIX_ARRAY);
    assertThat(StreamEngines.dictionaryMayWin(
            SuffixArrayCodec.composition(bySuffixArray), Files.size(bySuffixArray)))
        .as("lines moved about: nearly all instructions")
        .isTrue();
    Path byDictionary = dir.resolve("dictionary");
    assertThat(engines(DeltaEngine.LZMA2_DICTIONARY).encode(reference, target, byDictionary, null))
        .isEqualTo(DeltaEngine.LZMA2_DICTIONARY);
    assertThat(Files.size(byDictionary)).isNotEqualTo(Files.size(bySuffixArray));

    Path smallest = dir.resolve("smallest");
    DeltaEngine kept = engines(DeltaEngine.SMALLEST).encode(reference, target, smallest, null);
    Path expected =
        Files.size(byDictionary) < Files.size(bySuffixArray) ? byDictionary : bySuffixArray;
    assertThat(kept)
        .isEqualTo(
            expected == byDictionary ? DeltaEngine.LZMA2_DICTIONARY : DeltaEngine.SUFFIX_ARRAY);
    assertThat(Files.mismatch(smallest, expected)).isEqualTo(-1);
    assertThat(dir.resolve("smallest.dictionary")).doesNotExist();

    // Decoding needs no choice: a run set to one engine decodes what either wrote.
    assertDecodes(engines(DeltaEngine.SUFFIX_ARRAY), reference, byDictionary, target);
    assertDecodes(engines(DeltaEngine.LZMA2_DICTIONARY), reference, bySuffixArray, target);
  }

  @Test
  void onBinariesWithAFewChangedBytesTheSuffixArrayEngineIsKeptWithoutTryingTheOther()
      throws IOException {
    Random random = new Random(5);
    byte[] bytes = new byte[1 << 20];
    random.nextBytes(bytes);
    Path reference = Files.write(dir.resolve("ref"), bytes);
    for (int i = 0; i < bytes.length; i += 4096) {
      bytes[i] ^= 0x10;
    }
    Path target = Files.write(dir.resolve("tgt"), bytes);
    // A dictionary engine that would fail if asked: the default must not ask it.
    StreamEngines engines = new StreamEngines(
        DeltaEngine.SMALLEST,
        new SuffixArrayCodec(8 << 20),
        new ReferenceDictionaryCodec(1),
        () -> xdelta3);
    Path delta = dir.resolve("delta");
    assertThat(engines.encode(reference, target, delta, null)).isEqualTo(DeltaEngine.SUFFIX_ARRAY);
    assertDecodes(engines, reference, delta, target);
  }

  @Test
  void whereTheModelCodedTheNewBytesTheDictionaryEngineIsNotWorthTrying() throws IOException {
    // Functions moved about, and new code after them: instructions are a large share of the
    // suffix-array delta, and so are its new bytes, the context model's.
    Path reference = Files.writeString(dir.resolve("ref"), bundle(false));
    StringBuilder target = new StringBuilder(shuffledFunctions(bundle(false), 3));
    Random random = new Random(9);
    for (int line = 0; line < 3000; line++) {
      target.append(String.format("  let id%08x = %d;%n", random.nextInt(), random.nextInt(1000)));
    }
    Path tgt = Files.writeString(dir.resolve("tgt"), target);
    Path delta = dir.resolve("delta");
    engines(DeltaEngine.SUFFIX_ARRAY).encode(reference, tgt, delta, null);
    SuffixArrayCodec.Composition composition = SuffixArrayCodec.composition(delta);
    assertThat(composition.newBytesModelled())
        .as("the model coded %s", composition)
        .isTrue();
    assertThat(composition.newBytes() * 4).isGreaterThan(Files.size(delta));
    assertThat(composition.instructions() * 4).isGreaterThan(Files.size(delta));
    assertThat(StreamEngines.dictionaryMayWin(composition, Files.size(delta))).isFalse();

    Path smallest = dir.resolve("smallest");
    assertThat(engines(DeltaEngine.SMALLEST).encode(reference, tgt, smallest, null))
        .isEqualTo(DeltaEngine.SUFFIX_ARRAY);
    assertThat(Files.mismatch(smallest, delta)).isEqualTo(-1);
  }

  @Test
  void whenTheDictionaryEngineRunsOutOfHeapTheSuffixArrayDeltaIsKept() throws IOException {
    // A dictionary engine told the heap is 8 GiB, in this 512 MiB test JVM: its match finder for
    // 70 MB of reference and stream (~750 MB) cannot be allocated.
    StringBuilder reference = new StringBuilder();
    StringBuilder target = new StringBuilder();
    for (int n = 0; reference.length() < 35_000_000; n++) {
      String part = bundle(false) + "// part " + n + '\n';
      reference.append(part);
      target.append(shuffledFunctions(part, n));
    }
    Path ref = Files.writeString(dir.resolve("ref"), reference);
    Path tgt = Files.writeString(dir.resolve("tgt"), target);
    reference = null;
    target = null;
    StreamEngines engines = new StreamEngines(
        DeltaEngine.SMALLEST,
        new SuffixArrayCodec(64 << 20),
        new ReferenceDictionaryCodec(8L << 30),
        () -> xdelta3);
    Path delta = dir.resolve("delta");
    assertThat(engines.encode(ref, tgt, delta, null)).isEqualTo(DeltaEngine.SUFFIX_ARRAY);
    // The dictionary engine was worth trying: it was, and failed.
    assertThat(
            StreamEngines.dictionaryMayWin(SuffixArrayCodec.composition(delta), Files.size(delta)))
        .isTrue();
    assertThat(dir.resolve("delta.dictionary")).doesNotExist();
    assertDecodes(engines, ref, delta, tgt);
  }

  @Test
  void xdelta3CanBePickedAndItsVcdiffDecodesByItsMagic() throws IOException {
    Path reference = Files.writeString(dir.resolve("ref"), bundle(false));
    Path target = Files.writeString(dir.resolve("tgt"), bundle(true));
    Path delta = dir.resolve("delta");
    assertThat(engines(DeltaEngine.XDELTA3).encode(reference, target, delta, null))
        .isEqualTo(DeltaEngine.XDELTA3);
    assertThat(Arrays.copyOf(Files.readAllBytes(delta), 3))
        .containsExactly((byte) 0xd6, (byte) 0xc3, (byte) 0xc4);
    assertDecodes(engines(DeltaEngine.SMALLEST), reference, delta, target);
  }

  @Test
  void aStreamNoEngineWroteIsRefusedAsCorrupt() throws IOException {
    Path reference = Files.writeString(dir.resolve("ref"), "abc");
    for (byte[] bytes : new byte[][] {{1, 2, 3, 4, 5, 6}, {1}, {}}) {
      Path delta = Files.write(dir.resolve("delta"), bytes);
      assertThatThrownBy(
              () -> engines(DeltaEngine.SMALLEST).decode(reference, delta, dir.resolve("out"), 3))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("corrupt");
    }
  }

  @Test
  void theDictionaryEngineRefusesDamageTheWrongSourceAndLengthsItDoesNotDeclare()
      throws IOException {
    Path reference = Files.writeString(dir.resolve("ref"), bundle(false));
    Path target = Files.writeString(dir.resolve("tgt"), bundle(true));
    ReferenceDictionaryCodec codec = new ReferenceDictionaryCodec();
    Path delta = dir.resolve("delta");
    codec.encode(reference, target, delta);
    long length = Files.size(target);
    byte[] bytes = Files.readAllBytes(delta);
    Path out = dir.resolve("out");

    for (int cut : new int[] {0, 3, 6, bytes.length / 2, bytes.length - 1}) {
      Path damaged = Files.write(dir.resolve("cut"), Arrays.copyOf(bytes, cut));
      assertThatThrownBy(() -> codec.decode(reference, damaged, out, length))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("corrupt");
    }
    byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
    Path withTrailing = Files.write(dir.resolve("trailing"), trailing);
    assertThatThrownBy(() -> codec.decode(reference, withTrailing, out, length))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("trailing");
    assertThatThrownBy(() -> codec.decode(reference, delta, out, length - 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("declares " + length);
    for (int at = 12; at < bytes.length; at += 997) {
      byte[] flipped = bytes.clone();
      flipped[at] ^= 0x55;
      Path damaged = Files.write(dir.resolve("flipped"), flipped);
      try {
        codec.decode(reference, damaged, out, length);
        assertThat(Files.size(out)).isEqualTo(length); // the layer's sha256 catches the rest
      } catch (InvalidInputException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
      }
    }
    Path other = Files.writeString(dir.resolve("other"), "not the reference");
    assertThatThrownBy(() -> codec.decode(other, delta, out, length))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("wrong source");
  }

  @Test
  void theDictionaryEngineSaysWhatToDoWhenTheHeapIsTooSmall() throws IOException {
    Path reference = Files.writeString(dir.resolve("ref"), bundle(false));
    Path target = Files.writeString(dir.resolve("tgt"), bundle(true));
    ReferenceDictionaryCodec small = new ReferenceDictionaryCodec(64L << 20);
    assertThat(small.canEncode(Files.size(reference), Files.size(target))).isFalse();
    assertThatThrownBy(() -> small.encode(reference, target, dir.resolve("delta")))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("-Xmx");
    Path delta = dir.resolve("delta");
    new ReferenceDictionaryCodec().encode(reference, target, delta);
    assertThatThrownBy(() -> new ReferenceDictionaryCodec(4L << 20)
            .decode(reference, delta, dir.resolve("out"), Files.size(target)))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("-Xmx");
  }

  private StreamEngines engines(DeltaEngine choice) {
    return new StreamEngines(choice, () -> xdelta3);
  }

  private void assertDecodes(StreamEngines engines, Path reference, Path delta, Path target)
      throws IOException {
    Path out = dir.resolve("decoded");
    engines.decode(reference, delta, out, Files.size(target));
    assertThat(Files.mismatch(out, target)).isEqualTo(-1);
  }

  /**
   * A bundled script as a release's bundler writes it, and its next release: every function
   * reindented (the bundler's wrapper went away), enum constants renumbered after an inserted
   * member, a few functions rewritten.
   */
  private static String bundle(boolean next) {
    Random random = new Random(17);
    String[] words = {
      "node",
      "kind",
      "symbol",
      "checker",
      "emit",
      "host",
      "type",
      "flags",
      "parent",
      "declaration",
      "signature",
      "program",
      "source",
      "text",
      "pos",
      "end"
    };
    StringBuilder out = new StringBuilder();
    String indent = next ? "  " : "      ";
    for (int f = 0; f < 6000; f++) {
      String a = words[random.nextInt(words.length)];
      String b = words[random.nextInt(words.length)];
      int kind = 60 + random.nextInt(60);
      int argument = random.nextInt(1000);
      boolean rewritten = random.nextInt(40) == 0;
      out.append(indent)
          .append("function ")
          .append(a)
          .append(f)
          .append('(')
          .append(b)
          .append(") {\n");
      out.append(indent)
          .append("  if (")
          .append(b)
          .append(".kind === ")
          .append(next && kind > 80 ? kind + 20 : kind)
          .append(" /* ")
          .append(a)
          .append(" */) return ")
          .append(rewritten && next ? "visitNode" : "walk")
          .append('(')
          .append(b)
          .append(", ")
          .append(argument)
          .append(");\n");
      out.append(indent).append("}\n");
    }
    return out.toString();
  }

  /**
   * {@code text}'s functions (three lines each) in another order: every function a copy from
   * elsewhere, none of it new.
   */
  private static String shuffledFunctions(String text, long seed) {
    List<String> functions = new ArrayList<>(List.of(text.split("(?<=}\\n)")));
    Collections.shuffle(functions, new Random(seed));
    return String.join("", functions);
  }
}
