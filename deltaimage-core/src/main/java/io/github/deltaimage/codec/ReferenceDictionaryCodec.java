package io.github.deltaimage.codec;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.FileRanges;
import io.github.deltaimage.fs.RangeInputStream;
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
import java.nio.file.StandardOpenOption;
import org.tukaani.xz.FinishableOutputStream;
import org.tukaani.xz.FinishableWrapperOutputStream;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZIOException;

/**
 * A delta engine that is a compressor primed with the reference: the target is compressed by LZMA2
 * (xz-java, binary-tree match finder searched deep, longest matches, optimal parsing) whose dictionary starts out
 * holding the whole reference, so every match into the reference is an ordinary LZ77 back-reference.
 *
 * <p>Where it pays: text whose alignment with the reference drifts by a few bytes at every edit
 * (renamed identifiers, reindented bundles). A bsdiff-style parse pays an instruction per shift
 * there; LZMA2 pays a short "repeat the last distance" match, and codes each changed byte against
 * the byte the last match predicted. On the npm pair it is 13 % smaller than the suffix-array
 * engine; on binaries with shifted addresses it is half again larger, which is why the layer
 * stream keeps whichever is smaller ({@link StreamEngines}).
 *
 * <p>Its price is memory: the encoder's match finder takes about eleven bytes per byte of reference
 * plus target, so it is used only where that fits the heap ({@link #canEncode}). Decoding needs
 * one dictionary of that span and the reference.
 *
 * <p>Delta layout: magic, format byte, the reference and target lengths and the dictionary size
 * (varints), the literal-context properties byte, then one raw LZMA2 stream.
 */
public final class ReferenceDictionaryCodec implements DeltaCodec {

  static final int MAGIC = 0x444c5a31; // "DLZ1"
  private static final int FORMAT = 1;
  private static final int BUFFER = 1 << 16;
  /** Literal context 3, position bits 0: byte-aligned data, text above all. */
  private static final int LC = 3;

  private static final int LP = 0;
  private static final int PB = 0;
  /** Left to the rest of the process (the tar being encoded, recipes, buffers) beside the engine. */
  private static final long RESERVE = 200L << 20;

  private final long maxHeap;

  /** Sized to the heap this JVM may use. */
  public ReferenceDictionaryCodec() {
    this(Runtime.getRuntime().maxMemory());
  }

  ReferenceDictionaryCodec(long maxHeap) {
    this.maxHeap = maxHeap;
  }

  @Override
  public String name() {
    return "lzma2-dictionary";
  }

  /**
   * Whether a reference and a target of these lengths can be encoded within the heap: the match
   * finder over both, the reference as one array, and what the rest of the process keeps.
   */
  public boolean canEncode(long referenceLength, long targetLength) {
    long span = referenceLength + targetLength;
    if (span > LZMA2Options.DICT_SIZE_MAX || referenceLength > Integer.MAX_VALUE - 8) {
      return false;
    }
    long needed =
        options(dictionaryFor(referenceLength, targetLength)).getEncoderMemoryUsage() * 1024L
            + referenceLength
            + RESERVE;
    return needed <= maxHeap;
  }

  private static int dictionaryFor(long referenceLength, long targetLength) {
    return (int) Math.max(LZMA2Options.DICT_SIZE_MIN, referenceLength + targetLength);
  }

  private static LZMA2Options options(int dictionary) {
    LZMA2Options options = new LZMA2Options();
    try {
      options.setDictSize(dictionary);
      options.setLcLp(LC, LP);
      options.setPb(PB);
      options.setMode(LZMA2Options.MODE_NORMAL);
      options.setMatchFinder(LZMA2Options.MF_BT4);
      options.setNiceLen(LZMA2Options.NICE_LEN_MAX);
      // Deeper than the default search (about 150 nodes): 1 % smaller on the npm pair, in about the
      // same time, as longest matches end most searches early.
      options.setDepthLimit(1000);
    } catch (UnsupportedOptionsException e) {
      throw new IllegalStateException(e);
    }
    return options;
  }

  @Override
  public void encode(Path reference, Path target, Path delta) {
    try {
      long referenceLength = Files.size(reference);
      long targetLength = Files.size(target);
      if (!canEncode(referenceLength, targetLength)) {
        throw new EnvironmentException("the " + name() + " engine needs more heap than this JVM"
            + " has for a " + referenceLength + "-byte reference and a " + targetLength
            + "-byte target: raise -Xmx, or pick the suffix-array engine");
      }
      int dictionary = dictionaryFor(referenceLength, targetLength);
      LZMA2Options options = options(dictionary);
      options.setPresetDict(FileRanges.readAll(reference));
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(delta), BUFFER);
          InputStream in = new BufferedInputStream(Files.newInputStream(target), BUFFER)) {
        DataOutputStream header = new DataOutputStream(file);
        header.writeInt(MAGIC);
        header.writeByte(FORMAT);
        Varints.write(header, referenceLength);
        Varints.write(header, targetLength);
        Varints.write(header, dictionary);
        header.writeByte((PB * 5 + LP) * 9 + LC);
        header.flush();
        try (FinishableOutputStream lzma2 =
            options.getOutputStream(new FinishableWrapperOutputStream(file) {
              @Override
              public void close() {
                // the file is closed by the outer try
              }
            })) {
          long copied = in.transferTo(lzma2);
          if (copied != targetLength) {
            throw new EnvironmentException(target + " changed while it was encoded");
          }
        }
      }
    } catch (IOException e) {
      throw new EnvironmentException("cannot encode " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void decode(Path source, Path delta, Path target) {
    decode(source, delta, target, -1);
  }

  /**
   * Decodes, refusing the delta as corrupt unless it decodes to exactly {@code length} bytes (the
   * length it declares, when {@code length} is -1), and never writing more than that.
   */
  @Override
  public void decode(Path source, Path delta, Path target, long length) {
    try (FileChannel deltaChannel = FileChannel.open(delta, StandardOpenOption.READ)) {
      // Unbuffered below the header: LZMA2 reads its chunks whole, so nothing is read past its end
      // and trailing bytes can be told from a complete stream.
      RangeInputStream body = new RangeInputStream(deltaChannel, 0, deltaChannel.size());
      DataInputStream header = new DataInputStream(body);
      if (deltaChannel.size() < 5 || header.readInt() != MAGIC) {
        throw corrupt("not an LZMA2-dictionary delta");
      }
      int format = header.readUnsignedByte();
      if (format != FORMAT) {
        throw corrupt(
            "stream format " + format + " is not one this version reads (" + FORMAT + ")");
      }
      Varints.Counting counting = new Varints.Counting(header);
      long referenceLength = counting.read();
      long targetLength = counting.read();
      long dictionary = counting.read();
      int properties = header.readUnsignedByte();
      long actualReference = Files.size(source);
      if (referenceLength != actualReference) {
        throw new InvalidInputException("the delta was made against a reference of "
            + referenceLength + " bytes, the one given has " + actualReference + ": wrong source");
      }
      if (length >= 0 && targetLength != length) {
        throw corrupt("it declares " + targetLength + " bytes where " + length + " are expected");
      }
      // The encoder never asks for more dictionary than reference and target together: a larger
      // one would only make a hostile delta allocate.
      if (dictionary < LZMA2Options.DICT_SIZE_MIN
          || dictionary > Math.max(LZMA2Options.DICT_SIZE_MIN, referenceLength + targetLength)
          || dictionary > LZMA2Options.DICT_SIZE_MAX
          || properties != (PB * 5 + LP) * 9 + LC) {
        throw corrupt("its dictionary size or properties are not ones this version writes");
      }
      long needed = dictionary + referenceLength + RESERVE / 4;
      if (needed > maxHeap) {
        throw new EnvironmentException("decoding this layer needs about " + (needed >> 20)
            + " MiB of heap and this JVM may use " + (maxHeap >> 20) + " MiB: raise -Xmx");
      }
      byte[] reference = FileRanges.readAll(source);
      try (InputStream in = new LZMA2InputStream(body, (int) dictionary, reference);
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), BUFFER)) {
        byte[] buffer = new byte[BUFFER];
        long left = targetLength;
        while (left > 0) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (n < 0) {
            throw corrupt("it ends " + left + " bytes early");
          }
          out.write(buffer, 0, n);
          left -= n;
        }
        if (in.read() >= 0) {
          throw corrupt("it decodes to more than the " + targetLength + " bytes it declares");
        }
        if (body.position() != deltaChannel.size()) {
          throw corrupt("trailing bytes after its stream");
        }
      }
    } catch (EOFException e) {
      throw corrupt("truncated");
    } catch (XZIOException e) {
      throw corrupt("its stream is damaged (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new EnvironmentException("cannot decode " + delta + ": " + e.getMessage(), e);
    }
  }

  private static InvalidInputException corrupt(String why) {
    return new InvalidInputException("the LZMA2-dictionary delta is corrupt: " + why);
  }
}
