package io.github.deltaimage.format.image;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * How to rebuild one target layer's uncompressed tar, byte for byte: a sequence of operations, each
 * appending bytes. Tar headers, padding and content nothing in the source resembles are literals
 * (taken in order from the layer's literal stream); file bodies found in the source are copies of a
 * byte range of a source layer; bodies that resemble a source file are xdelta3 deltas against it.
 *
 * @param ops the operations, in order
 * @param literalLength total bytes of the literal stream
 * @param tarSize the size of the rebuilt tar
 */
public record LayerRecipe(List<Op> ops, List<Batch> batches, long literalLength, long tarSize) {

  private static final int MAGIC = 0x44495233; // "DIR3"

  public LayerRecipe {
    ops = List.copyOf(ops);
    batches = List.copyOf(batches);
  }

  /** One operation. */
  public sealed interface Op permits Literal, Copy, Delta, Batched {
    /** Bytes this operation appends. */
    long length();
  }

  /** The next {@code length} bytes of the literal stream. */
  public record Literal(long length) implements Op {}

  /** {@code length} bytes of source layer {@code layer} from {@code offset}. */
  public record Copy(int layer, long offset, long length) implements Op {}

  /**
   * {@code length} bytes that xdelta3 rebuilds from the source range ({@code layer}, {@code offset},
   * {@code sourceLength}) and the delta bytes {@code [deltaOffset, deltaOffset + deltaLength)} of the
   * layer's delta pack.
   */
  public record Delta(
      int layer, long offset, long sourceLength, long deltaOffset, long deltaLength, long length)
      implements Op {}

  /** The next {@code length} bytes of what batch {@code batch} decodes to. */
  public record Batched(int batch, long length) implements Op {}

  /** A byte range of a source layer. */
  public record Range(int layer, long offset, long length) {}

  /**
   * Small files delta'd together: one xdelta3 run (a process per small file costs more than its
   * delta) rebuilds the concatenated bodies of several target files from the concatenated bodies of
   * the source files they resemble.
   *
   * @param sources the source ranges, concatenated in this order, that the delta is made against
   * @param deltaOffset where its delta starts in the layer's delta pack (after every per-file delta)
   * @param deltaLength its delta's length
   * @param outputLength the length of what it decodes to
   */
  public record Batch(List<Range> sources, long deltaOffset, long deltaLength, long outputLength) {
    public Batch {
      sources = List.copyOf(sources);
    }

    public long sourceLength() {
      return sources.stream().mapToLong(Range::length).sum();
    }
  }

  /**
   * Writes the recipe compactly: variable-length numbers, source offsets relative to where the
   * previous copy ended (consecutive files of a layer mostly follow each other), all deflated. A
   * layer of 100k unchanged files then costs a few hundred kilobytes, not one record each.
   */
  public void write(Path file) {
    try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(
        new BufferedOutputStream(Files.newOutputStream(file)),
        new Deflater(Deflater.BEST_COMPRESSION, true),
        1 << 16))) {
      out.writeInt(MAGIC);
      Numbers numbers = new Numbers();
      numbers.unsigned(out, ops.size());
      for (Op op : ops) {
        if (op instanceof Literal literal) {
          out.writeByte('L');
          numbers.unsigned(out, literal.length());
        } else if (op instanceof Copy copy) {
          out.writeByte('C');
          numbers.source(out, copy.layer(), copy.offset(), copy.length());
        } else if (op instanceof Delta delta) {
          out.writeByte('D');
          numbers.source(out, delta.layer(), delta.offset(), delta.sourceLength());
          numbers.unsigned(out, delta.deltaLength());
          numbers.unsigned(out, delta.length());
        } else if (op instanceof Batched batched) {
          out.writeByte('B');
          numbers.unsigned(out, batched.batch());
          numbers.unsigned(out, batched.length());
        }
      }
      numbers.unsigned(out, batches.size());
      for (Batch batch : batches) {
        numbers.unsigned(out, batch.sources().size());
        for (Range range : batch.sources()) {
          numbers.source(out, range.layer(), range.offset(), range.length());
        }
        numbers.unsigned(out, batch.deltaLength());
        numbers.unsigned(out, batch.outputLength());
      }
      numbers.unsigned(out, literalLength);
      numbers.unsigned(out, tarSize);
    } catch (IOException e) {
      throw new EnvironmentException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a recipe, checking that it is internally consistent and that every range lies inside
   * what it refers to, so that a corrupt delta is refused before any work.
   */
  public static LayerRecipe read(Path file, List<Long> sourceLayerSizes, long deltaPackSize) {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(
            new BufferedInputStream(new InflaterInputStream(raw, new Inflater(true), 1 << 16)))) {
      if (in.readInt() != MAGIC) {
        throw corrupt(file, "not a layer recipe");
      }
      Numbers numbers = new Numbers();
      long count = numbers.readUnsigned(in);
      if (count > maxOperations()) {
        throw corrupt(
            file,
            count + " operations, more than this heap can hold (" + maxOperations()
                + "; a real layer needs about two per file); if the delta is genuine, give the JVM more memory (-Xmx)");
      }
      List<Op> ops = new ArrayList<>();
      long total = 0;
      long literals = 0;
      long packed = 0;
      for (long i = 0; i < count; i++) {
        int kind = in.readUnsignedByte();
        Op op;
        switch (kind) {
          case 'L' -> {
            op = new Literal(numbers.readUnsigned(in));
            literals += op.length();
          }
          case 'C' -> {
            long[] source = numbers.readSource(in, sourceLayerSizes, file);
            op = new Copy((int) source[0], source[1], source[2]);
          }
          case 'D' -> {
            long[] source = numbers.readSource(in, sourceLayerSizes, file);
            long deltaLength = numbers.readUnsigned(in);
            Delta delta = new Delta(
                (int) source[0],
                source[1],
                source[2],
                packed,
                deltaLength,
                numbers.readUnsigned(in));
            packed += deltaLength;
            if (packed > deltaPackSize || packed < 0) {
              throw corrupt(file, "a delta lies outside the delta pack");
            }
            op = delta;
          }
          case 'B' -> {
            long batch = numbers.readUnsigned(in);
            if (batch > Integer.MAX_VALUE) {
              throw corrupt(file, "impossible batch number");
            }
            op = new Batched((int) batch, numbers.readUnsigned(in));
          }
          default -> throw corrupt(file, "unknown operation " + kind);
        }
        total += op.length();
        if (total < 0 || literals < 0) {
          throw corrupt(file, "sizes overflow");
        }
        ops.add(op);
      }
      long batchCount = numbers.readUnsigned(in);
      List<Batch> batches = new ArrayList<>();
      long[] batchedLengths = new long[(int) Math.min(batchCount, ops.size() + 1L)];
      if (batchCount > ops.size()) {
        throw corrupt(file, "more batches than operations");
      }
      for (Op op : ops) {
        if (op instanceof Batched batched) {
          if (batched.batch() >= batchCount) {
            throw corrupt(file, "an operation names a batch that is not there");
          }
          batchedLengths[batched.batch()] += batched.length();
        }
      }
      for (int b = 0; b < batchCount; b++) {
        long rangeCount = numbers.readUnsigned(in);
        if (rangeCount > Files.size(file) * 8) {
          throw corrupt(file, "impossible source range count");
        }
        List<Range> ranges = new ArrayList<>();
        for (long r = 0; r < rangeCount; r++) {
          long[] source = numbers.readSource(in, sourceLayerSizes, file);
          ranges.add(new Range((int) source[0], source[1], source[2]));
        }
        long deltaLength = numbers.readUnsigned(in);
        long outputLength = numbers.readUnsigned(in);
        if (outputLength != batchedLengths[b]) {
          throw corrupt(file, "a batch's length does not match its files");
        }
        batches.add(new Batch(ranges, packed, deltaLength, outputLength));
        packed += deltaLength;
        if (packed > deltaPackSize || packed < 0) {
          throw corrupt(file, "a batch delta lies outside the delta pack");
        }
      }
      long literalLength = numbers.readUnsigned(in);
      long tarSize = numbers.readUnsigned(in);
      if (in.read() != -1) {
        throw corrupt(file, "trailing bytes");
      }
      if (literalLength != literals || tarSize != total || packed != deltaPackSize) {
        throw corrupt(file, "totals do not add up");
      }
      return new LayerRecipe(ops, batches, literalLength, tarSize);
    } catch (EOFException e) {
      throw corrupt(file, "truncated");
    } catch (java.util.zip.ZipException e) {
      throw corrupt(file, "not deflate data");
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The most operations a recipe may list: a quarter of the heap at ~64 bytes each. A deflated
   * recipe is tiny for what it declares, so the count is checked before the list grows.
   */
  static long maxOperations() {
    return Runtime.getRuntime().maxMemory() / 4 / 64;
  }

  /** LEB128 numbers, and source ranges as offsets from the end of the previous range in the same layer. */
  private static final class Numbers {
    private final java.util.Map<Integer, Long> lastEnd = new java.util.HashMap<>();

    void unsigned(DataOutputStream out, long value) throws IOException {
      while ((value & ~0x7fL) != 0) {
        out.writeByte((int) ((value & 0x7f) | 0x80));
        value >>>= 7;
      }
      out.writeByte((int) value);
    }

    void source(DataOutputStream out, int layer, long offset, long length) throws IOException {
      unsigned(out, layer);
      long relative = offset - lastEnd.getOrDefault(layer, 0L);
      unsigned(out, (relative << 1) ^ (relative >> 63));
      unsigned(out, length);
      lastEnd.put(layer, offset + length);
    }

    long readUnsigned(DataInputStream in) throws IOException {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.readUnsignedByte();
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new EOFException("number too long");
    }

    long[] readSource(DataInputStream in, List<Long> sizes, Path file) throws IOException {
      long layer = readUnsigned(in);
      long zigzag = readUnsigned(in);
      long relative = (zigzag >>> 1) ^ -(zigzag & 1);
      long length = readUnsigned(in);
      if (layer >= sizes.size()) {
        throw corrupt(file, "a copy names a source layer that is not there");
      }
      long offset = lastEnd.getOrDefault((int) layer, 0L) + relative;
      if (offset < 0
          || length < 0
          || offset + length > sizes.get((int) layer)
          || offset + length < 0) {
        throw corrupt(file, "a copy lies outside the source layers");
      }
      lastEnd.put((int) layer, offset + length);
      return new long[] {layer, offset, length};
    }
  }

  static InvalidInputException corrupt(Path file, String why) {
    return new InvalidInputException(
        "the delta is corrupt (" + file.getFileName() + ": " + why + "); it cannot be applied");
  }

  /** Appends operations, merging adjacent literals. */
  static final class Builder {
    private final List<Op> ops = new ArrayList<>();
    private long literals;
    private long total;

    void literal(long length) {
      if (length == 0) {
        return;
      }
      if (!ops.isEmpty() && ops.get(ops.size() - 1) instanceof Literal last) {
        ops.set(ops.size() - 1, new Literal(last.length() + length));
      } else {
        ops.add(new Literal(length));
      }
      literals += length;
      total += length;
    }

    void add(Op op) {
      if (op instanceof Literal literal) {
        literal(literal.length());
        return;
      }
      ops.add(op);
      total += op.length();
    }

    LayerRecipe build(List<Batch> batches) {
      return new LayerRecipe(ops, batches, literals, total);
    }
  }
}
