package io.github.deltaimage.codec;

import io.github.deltaimage.api.DeltaEngine;
import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The engines an image layer's stream can be encoded with, behind one encode and one decode: encode
 * uses the {@link DeltaEngine} chosen (by default, whichever of the in-process engines makes the
 * smaller delta); decode tells the engine from the delta's first bytes, so a delta applies
 * whatever the options of the run that applies it.
 */
public final class StreamEngines {

  /** VCDIFF's magic: 'V', 'C', 'D' with their high bits set, then version 0. */
  private static final byte[] VCDIFF = {(byte) 0xd6, (byte) 0xc3, (byte) 0xc4, 0};

  private final DeltaEngine choice;
  private final SuffixArrayCodec suffixArray;
  private final ReferenceDictionaryCodec dictionary;
  private final Supplier<DeltaCodec> xdelta3;

  /**
   * @param choice the engine to encode with
   * @param xdelta3 the xdelta3 codec, asked for only when a stream is encoded or decoded with it
   */
  public StreamEngines(DeltaEngine choice, Supplier<DeltaCodec> xdelta3) {
    this(choice, new SuffixArrayCodec(), new ReferenceDictionaryCodec(), xdelta3);
  }

  /**
   * As {@link #StreamEngines(DeltaEngine, Supplier)}, the suffix-array engine's two parses of a
   * reference of several windows run side by side on {@code parallel}.
   */
  public StreamEngines(DeltaEngine choice, Supplier<DeltaCodec> xdelta3, Parallel parallel) {
    this(choice, new SuffixArrayCodec(parallel), new ReferenceDictionaryCodec(), xdelta3);
  }

  StreamEngines(
      DeltaEngine choice,
      SuffixArrayCodec suffixArray,
      ReferenceDictionaryCodec dictionary,
      Supplier<DeltaCodec> xdelta3) {
    this.choice = choice;
    this.suffixArray = suffixArray;
    this.dictionary = dictionary;
    this.xdelta3 = xdelta3;
  }

  /** How much reference one suffix sort covers; the layer encoder sizes the reference to it. */
  public int window() {
    return suffixArray.window();
  }

  /**
   * Encodes {@code target} against {@code reference} into {@code delta}.
   *
   * @param anchors where parts of the target are expected in the reference (suffix-array engine)
   * @return the engine that wrote the delta
   */
  public DeltaEngine encode(
      Path reference, Path target, Path delta, SuffixArrayCodec.Anchors anchors) {
    switch (choice) {
      case SUFFIX_ARRAY:
        suffixArray.encode(reference, target, delta, anchors);
        return DeltaEngine.SUFFIX_ARRAY;
      case LZMA2_DICTIONARY:
        dictionary.encode(reference, target, delta);
        return DeltaEngine.LZMA2_DICTIONARY;
      case XDELTA3:
        xdelta3.get().encode(reference, target, delta);
        return DeltaEngine.XDELTA3;
      default:
        return smallest(reference, target, delta, anchors);
    }
  }

  /**
   * The suffix-array delta, replaced by the LZMA2-dictionary one when that is smaller. The second
   * engine is tried only where it may win ({@link #dictionaryMayWin}) and fits the heap.
   */
  private DeltaEngine smallest(
      Path reference, Path target, Path delta, SuffixArrayCodec.Anchors anchors) {
    suffixArray.encode(reference, target, delta, anchors);
    try {
      if (!dictionaryMayWin(SuffixArrayCodec.composition(delta), Files.size(delta))
          || !dictionary.canEncode(Files.size(reference), Files.size(target))) {
        return DeltaEngine.SUFFIX_ARRAY;
      }
      Path other = delta.resolveSibling(delta.getFileName() + ".dictionary");
      try {
        try {
          dictionary.encode(reference, target, other);
        } catch (OutOfMemoryError e) {
          // canEncode weighs the engine against the heap, not against what the rest of the run
          // holds (a 200k-file source index, say); the match finder's arrays are allocated before
          // any work, so the heap is as it was and the suffix-array delta stands.
          return DeltaEngine.SUFFIX_ARRAY;
        }
        if (Files.size(other) < Files.size(delta)) {
          Files.move(other, delta, StandardCopyOption.REPLACE_EXISTING);
          return DeltaEngine.LZMA2_DICTIONARY;
        }
        return DeltaEngine.SUFFIX_ARRAY;
      } finally {
        Files.deleteIfExists(other);
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot encode " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether the LZMA2-dictionary engine may beat a suffix-array delta of this composition and
   * size, which decides whether it is run at all (it takes two to four times as long):
   *
   * <ul>
   *   <li>only where instructions are a quarter of the delta or more: text whose alignment drifts.
   *       On binaries it lost by half on every pair measured;
   *   <li>and not where the context model coded the new bytes and they are a quarter of the delta
   *       or more: the dictionary engine codes them as LZMA2 does, so the model's lead there is one
   *       it would have to make up on copies alone. On the npm pair (new bytes 54 % of the delta)
   *       it lost by 2.7 kB after 33 s of matching, where the suffix-array delta took 9 s. It won
   *       only on streams of a few kB with no new bytes.
   * </ul>
   */
  static boolean dictionaryMayWin(SuffixArrayCodec.Composition composition, long deltaSize) {
    boolean drifts = composition.instructions() * 4 >= deltaSize;
    boolean modelLeads = composition.newBytesModelled() && composition.newBytes() * 4 >= deltaSize;
    return drifts && !modelLeads;
  }

  /**
   * Decodes {@code delta} with the engine that wrote it, refusing it as corrupt unless it makes
   * exactly {@code length} bytes (and stopping there).
   */
  public void decode(Path reference, Path delta, Path target, long length) {
    codecOf(delta).decode(reference, delta, target, length);
  }

  private DeltaCodec codecOf(Path delta) {
    DeltaEngine engine = engineOf(delta)
        .orElseThrow(() -> new InvalidInputException("the layer's stream delta is corrupt: it"
            + " starts with bytes no engine of this version writes (suffix-array,"
            + " lzma2-dictionary, xdelta3)"));
    switch (engine) {
      case SUFFIX_ARRAY:
        return suffixArray;
      case LZMA2_DICTIONARY:
        return dictionary;
      default:
        return xdelta3.get();
    }
  }

  /** The engine that wrote {@code delta}, told by its first bytes; empty when none of them did. */
  public static Optional<DeltaEngine> engineOf(Path delta) {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(delta)) {
      if (in.readNBytes(head, 0, 4) < 4) {
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + delta + ": " + e.getMessage(), e);
    }
    int magic = ((head[0] & 0xff) << 24)
        | ((head[1] & 0xff) << 16)
        | ((head[2] & 0xff) << 8)
        | (head[3] & 0xff);
    if (magic == SuffixArrayCodec.MAGIC) {
      return Optional.of(DeltaEngine.SUFFIX_ARRAY);
    }
    if (magic == ReferenceDictionaryCodec.MAGIC) {
      return Optional.of(DeltaEngine.LZMA2_DICTIONARY);
    }
    if (Arrays.equals(head, VCDIFF)) {
      return Optional.of(DeltaEngine.XDELTA3);
    }
    return Optional.empty();
  }
}
