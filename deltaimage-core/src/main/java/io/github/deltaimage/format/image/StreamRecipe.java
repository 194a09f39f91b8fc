package io.github.deltaimage.format.image;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.Varints;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZIOException;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The recipe of a layer in the stream format (format 2): one record per tar member, saying which
 * source member it matches (if any), whether its body is that member's body (a copy, its length
 * implicit) or comes from the layer's stream, and how long its header is when not one block. Headers,
 * padding and every body not copied are the stream, in tar order; the stream is encoded against the
 * reference {@link StreamReference} builds from the same records.
 *
 * <p>Layout: the signature, then xz: member count, stream length, tar size, the budget for the
 * reference's unmatched part ({@link StreamReference#rest}), the records, the length
 * of the tar's end-of-archive blocks. A record: the matched source member (0 none, else one plus the
 * zigzag distance from the previous match's successor, so members in source order cost a byte),
 * a flags byte, the header length when flagged, the body length when the body is in the stream.
 */
final class StreamRecipe {

  /** What starts every recipe of this format, before the xz data; v1 recipes are raw deflate. */
  static final byte[] SIGNATURE = "DIS2\u00fd7zXZ\u0000".getBytes(StandardCharsets.ISO_8859_1);

  private static final int HEADER_BLOCK = 512;
  private static final int BODY_COPIED = 1;
  private static final int HEADER_LENGTH_STORED = 2;
  private static final int HEADER_PREDICTED = 4;
  private static final int PADDING_IN_STREAM = 8;
  private static final int KNOWN_FLAGS =
      BODY_COPIED | HEADER_LENGTH_STORED | HEADER_PREDICTED | PADDING_IN_STREAM;
  /** An extended header longer than this is refused by the tar reader; a header region cannot be longer. */
  private static final long MAX_HEADER = (16L << 20) + 4 * HEADER_BLOCK;

  private static final int MEMORY_LIMIT_KIB = 8 * 1024;

  private StreamRecipe() {}

  /**
   * One tar member.
   *
   * @param source the matched source member's number, or -1
   * @param bodyCopied whether its body is the source member's body
   * @param headerLength bytes of header (extended headers included) before its body
   * @param bodyLength its body's length
   * @param header how its one-block header differs from the source member's, or null when the
   *     header is in the stream
   * @param paddingInStream whether its padding is in the stream (it is not when all zeros, as tar writes it)
   */
  record Member(
      int source,
      boolean bodyCopied,
      long headerLength,
      long bodyLength,
      HeaderPrediction.Patch header,
      boolean paddingInStream) {
    /** Padding after the body, to a whole block. */
    long padding() {
      return (HEADER_BLOCK - bodyLength % HEADER_BLOCK) % HEADER_BLOCK;
    }

    /** What this member takes from the stream. */
    long streamBytes() {
      return (header != null ? 0 : headerLength)
          + (bodyCopied ? 0 : bodyLength)
          + (paddingInStream ? padding() : 0);
    }
  }

  /** Writes a recipe; {@link #close()} finishes it. */
  static final class Writer implements Closeable {
    private final DataOutputStream out;
    private int previous = -1;

    Writer(Path file, long members, long streamLength, long tarSize, long restBudget)
        throws IOException {
      OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      raw.write(SIGNATURE, 0, 4);
      LZMA2Options options = new LZMA2Options(6);
      options.setDictSize(1 << 20);
      out = new DataOutputStream(
          new BufferedOutputStream(new XZOutputStream(raw, options, XZ.CHECK_CRC32), 1 << 16));
      Varints.write(out, members);
      Varints.write(out, streamLength);
      Varints.write(out, tarSize);
      Varints.write(out, restBudget);
    }

    void member(Member member) throws IOException {
      if (member.source() < 0) {
        Varints.write(out, 0);
      } else {
        Varints.write(out, Varints.zigzag(member.source() - (previous + 1L)) + 1);
        previous = member.source();
      }
      int flags = (member.bodyCopied() ? BODY_COPIED : 0)
          | (member.headerLength() != HEADER_BLOCK ? HEADER_LENGTH_STORED : 0)
          | (member.header() != null ? HEADER_PREDICTED : 0)
          | (member.paddingInStream() ? PADDING_IN_STREAM : 0);
      out.writeByte(flags);
      if (member.headerLength() != HEADER_BLOCK) {
        Varints.write(out, member.headerLength());
      }
      if (!member.bodyCopied()) {
        Varints.write(out, member.bodyLength());
      }
      if (member.header() != null) {
        Varints.write(out, member.header().mask());
        out.write(member.header().fields());
      }
    }

    void trailer(long length) throws IOException {
      Varints.write(out, length);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** Whether {@code file} starts like a recipe of this format. */
  static boolean isStreamRecipe(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(SIGNATURE.length), SIGNATURE);
    }
  }

  /**
   * Reads a recipe record by record, checking each against the source and the declared totals as it
   * goes: nothing read is ever more than the recipe declared, and no record is kept.
   */
  static final class Reader implements Closeable {
    private final Path file;
    private final DataInputStream in;
    private final Varints.Counting numbers;
    private final SourceIndex sources;
    private final long members;
    private final long streamLength;
    private final long tarSize;
    private final long restBudget;
    private long read;
    private long streamSoFar;
    private long tarSoFar;
    private int previous = -1;

    Reader(Path file, SourceIndex sources) throws IOException {
      this.file = file;
      this.sources = sources;
      InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      try {
        if (!Arrays.equals(raw.readNBytes(4), Arrays.copyOf(SIGNATURE, 4))) {
          throw corrupt("not a layer recipe of format 2");
        }
        in = new DataInputStream(
            new BufferedInputStream(new XZInputStream(raw, MEMORY_LIMIT_KIB), 1 << 16));
        numbers = new Varints.Counting(in);
        members = numbers.read();
        streamLength = numbers.read();
        tarSize = numbers.read();
        restBudget = numbers.read();
      } catch (EOFException e) {
        raw.close();
        throw corrupt("truncated");
      } catch (XZIOException e) {
        raw.close();
        throw corrupt("damaged (" + e.getMessage() + ")");
      } catch (IOException | RuntimeException e) {
        raw.close();
        throw e;
      }
    }

    long streamLength() {
      return streamLength;
    }

    long tarSize() {
      return tarSize;
    }

    /** How much of the unmatched source the reference ends with. */
    long restBudget() {
      return restBudget;
    }

    boolean hasNext() {
      return read < members;
    }

    Member next() throws IOException {
      try {
        read++;
        long code = numbers.read();
        int source = -1;
        if (code != 0) {
          long number = previous + 1L + Varints.unzigzag(code - 1);
          if (number < 0 || number >= sources.entries().size()) {
            throw corrupt("a member names a source member that is not there");
          }
          source = (int) number;
          previous = source;
        }
        int flags = in.readUnsignedByte();
        if ((flags & ~KNOWN_FLAGS) != 0) {
          throw corrupt("unknown member flags " + flags);
        }
        boolean copied = (flags & BODY_COPIED) != 0;
        long header = (flags & HEADER_LENGTH_STORED) != 0 ? numbers.read() : HEADER_BLOCK;
        if (header < HEADER_BLOCK || header % HEADER_BLOCK != 0 || header > MAX_HEADER) {
          throw corrupt("a member's header length is impossible");
        }
        long body;
        if (copied) {
          if (source < 0) {
            throw corrupt("a member copies its body from no source member");
          }
          body = sources.entries().get(source).bodyLength();
        } else {
          body = numbers.read();
        }
        HeaderPrediction.Patch patch = null;
        if ((flags & HEADER_PREDICTED) != 0) {
          if (source < 0 || header != HEADER_BLOCK) {
            throw corrupt("a member's header is predicted from nothing");
          }
          SourceIndex.Entry entry = sources.entries().get(source);
          if (entry.bodyOffset() - entry.start() != HEADER_BLOCK) {
            throw corrupt("a member's header is predicted from a source header of another length");
          }
          long mask = numbers.read();
          if (mask >= 1L << HeaderPrediction.FIELDS) {
            throw corrupt("a member's header names fields a header does not have");
          }
          byte[] fields = new byte[HeaderPrediction.length((int) mask)];
          in.readFully(fields);
          patch = new HeaderPrediction.Patch((int) mask, fields);
        }
        Member member =
            new Member(source, copied, header, body, patch, (flags & PADDING_IN_STREAM) != 0);
        streamSoFar += member.streamBytes();
        tarSoFar += member.headerLength() + member.bodyLength() + member.padding();
        if (streamSoFar > streamLength || tarSoFar > tarSize || streamSoFar < 0 || tarSoFar < 0) {
          throw corrupt("the members are longer than the layer it declares");
        }
        return member;
      } catch (EOFException e) {
        throw corrupt("truncated");
      } catch (XZIOException e) {
        throw corrupt("damaged (" + e.getMessage() + ")");
      }
    }

    /** After the last member: the trailer, then the totals must add up and nothing may follow. */
    long finish() throws IOException {
      try {
        long trailer = numbers.read();
        if (streamSoFar + trailer != streamLength || tarSoFar + trailer != tarSize) {
          throw corrupt("totals do not add up");
        }
        if (in.read() != -1) {
          throw corrupt("trailing bytes");
        }
        return trailer;
      } catch (EOFException e) {
        throw corrupt("truncated");
      } catch (XZIOException e) {
        throw corrupt("damaged (" + e.getMessage() + ")");
      }
    }

    private InvalidInputException corrupt(String why) {
      return LayerRecipe.corrupt(file, why);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
