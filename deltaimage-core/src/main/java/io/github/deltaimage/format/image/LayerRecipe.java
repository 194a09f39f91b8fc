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
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
public record LayerRecipe(List<Op> ops, long literalLength, long tarSize) {

  private static final int MAGIC = 0x44495231; // "DIR1"

  public LayerRecipe {
    ops = List.copyOf(ops);
  }

  /** One operation. */
  public sealed interface Op permits Literal, Copy, Delta {
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
  public record Delta(int layer, long offset, long sourceLength, long deltaOffset, long deltaLength, long length)
      implements Op {}

  public void write(Path file) {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(MAGIC);
      out.writeInt(ops.size());
      for (Op op : ops) {
        if (op instanceof Literal literal) {
          out.writeByte('L');
          out.writeLong(literal.length());
        } else if (op instanceof Copy copy) {
          out.writeByte('C');
          out.writeInt(copy.layer());
          out.writeLong(copy.offset());
          out.writeLong(copy.length());
        } else if (op instanceof Delta delta) {
          out.writeByte('D');
          out.writeInt(delta.layer());
          out.writeLong(delta.offset());
          out.writeLong(delta.sourceLength());
          out.writeLong(delta.deltaOffset());
          out.writeLong(delta.deltaLength());
          out.writeLong(delta.length());
        }
      }
      out.writeLong(literalLength);
      out.writeLong(tarSize);
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
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
      if (in.readInt() != MAGIC) {
        throw corrupt(file, "not a layer recipe");
      }
      int count = in.readInt();
      if (count < 0 || count > Files.size(file)) {
        throw corrupt(file, "impossible operation count " + count);
      }
      List<Op> ops = new ArrayList<>(count);
      long total = 0;
      long literals = 0;
      for (int i = 0; i < count; i++) {
        int kind = in.readUnsignedByte();
        Op op;
        switch (kind) {
          case 'L' -> {
            op = new Literal(nonNegative(in.readLong(), file));
            literals += op.length();
          }
          case 'C' -> {
            Copy copy = new Copy(in.readInt(), nonNegative(in.readLong(), file), nonNegative(in.readLong(), file));
            requireInside(copy.layer(), copy.offset(), copy.length(), sourceLayerSizes, file);
            op = copy;
          }
          case 'D' -> {
            Delta delta = new Delta(in.readInt(), nonNegative(in.readLong(), file), nonNegative(in.readLong(), file),
                nonNegative(in.readLong(), file), nonNegative(in.readLong(), file), nonNegative(in.readLong(), file));
            requireInside(delta.layer(), delta.offset(), delta.sourceLength(), sourceLayerSizes, file);
            if (delta.deltaOffset() + delta.deltaLength() > deltaPackSize || delta.deltaOffset() + delta.deltaLength() < 0) {
              throw corrupt(file, "a delta lies outside the delta pack");
            }
            op = delta;
          }
          default -> throw corrupt(file, "unknown operation " + kind);
        }
        total += op.length();
        if (total < 0) {
          throw corrupt(file, "sizes overflow");
        }
        ops.add(op);
      }
      long literalLength = in.readLong();
      long tarSize = in.readLong();
      if (in.read() != -1) {
        throw corrupt(file, "trailing bytes");
      }
      if (literalLength != literals || tarSize != total) {
        throw corrupt(file, "totals do not add up");
      }
      return new LayerRecipe(ops, literalLength, tarSize);
    } catch (EOFException e) {
      throw corrupt(file, "truncated");
    } catch (IOException e) {
      throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static long nonNegative(long value, Path file) {
    if (value < 0) {
      throw corrupt(file, "negative length or offset");
    }
    return value;
  }

  private static void requireInside(int layer, long offset, long length, List<Long> sizes, Path file) {
    if (layer < 0 || layer >= sizes.size() || offset + length > sizes.get(layer) || offset + length < 0) {
      throw corrupt(file, "a copy lies outside the source layers");
    }
  }

  static InvalidInputException corrupt(Path file, String why) {
    return new InvalidInputException("the delta is corrupt (" + file.getFileName() + ": " + why + "); it cannot be applied");
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

    LayerRecipe build() {
      return new LayerRecipe(ops, literals, total);
    }
  }

  static void copyRange(java.nio.channels.FileChannel from, long offset, long length, OutputStream to) throws IOException {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(64 * 1024);
    long done = 0;
    while (done < length) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), length - done));
      int read = from.read(buffer, offset + done);
      if (read < 0) {
        throw new EOFException("range " + offset + "+" + length + " runs past the end");
      }
      to.write(buffer.array(), 0, read);
      done += read;
    }
  }
}
