package io.github.deltaimage.format.image;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.Varints;
import io.github.deltaimage.deflate.CompressedFileRecipe;
import io.github.deltaimage.deflate.DeflateModel;
import io.github.deltaimage.deflate.GzipRecipe;
import io.github.deltaimage.deflate.ZipLayout;
import io.github.deltaimage.deflate.ZipRecipe;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * a flags byte, the header length when flagged, the body length when the body is in the stream,
 * then, for a gzip body carried inflated, its content length, deflate model and gzip header; for a
 * zip body carried expanded, its expanded length, its models, and per expanded entry the bytes kept
 * before it, its content length and (when there are several models) its model's index.
 *
 * <p>Versions: {@code DIS2} (image-delta/2) has no inflated bodies; {@code DIS3} (image-delta/3)
 * adds them: a .gz member that a {@link DeflateModel} rebuilds exactly is in the stream as its
 * decompressed content (and its matched source member, when that inflates too, is in the reference
 * decompressed), so that the engine sees the text that changed rather than deflate's bits; the
 * decoder recompresses it with the recorded model and header and checks the length. {@code DIS4}
 * (image-delta/5) adds expanded zip bodies: a jar, war or wheel whose deflated entries a model
 * rebuilds is in the stream with those entries as their content (see {@link ZipLayout}), its
 * matched source member in the reference with every deflated entry expanded.
 */
final class StreamRecipe {

  /** What starts every recipe of this format, before the xz data; v1 recipes are raw deflate. */
  static final byte[] SIGNATURE = "DIS4\u00fd7zXZ\u0000".getBytes(StandardCharsets.ISO_8859_1);

  /** Format 3's signature: read, never written. */
  static final byte[] SIGNATURE_3 = "DIS3\u00fd7zXZ\u0000".getBytes(StandardCharsets.ISO_8859_1);

  /** Format 2's signature: read, never written. */
  static final byte[] SIGNATURE_2 = "DIS2\u00fd7zXZ\u0000".getBytes(StandardCharsets.ISO_8859_1);

  private static final int HEADER_BLOCK = 512;
  private static final int BODY_COPIED = 1;
  private static final int HEADER_LENGTH_STORED = 2;
  private static final int HEADER_PREDICTED = 4;
  private static final int PADDING_IN_STREAM = 8;
  private static final int BODY_INFLATED = 16;
  private static final int SOURCE_INFLATED = 32;
  private static final int BODY_UNZIPPED = 64;
  private static final int KNOWN_FLAGS_2 =
      BODY_COPIED | HEADER_LENGTH_STORED | HEADER_PREDICTED | PADDING_IN_STREAM;
  private static final int KNOWN_FLAGS_3 = KNOWN_FLAGS_2 | BODY_INFLATED | SOURCE_INFLATED;
  private static final int KNOWN_FLAGS = KNOWN_FLAGS_3 | BODY_UNZIPPED;
  /** More models than there are (each family at each level); keeps a hostile recipe small. */
  private static final int MAX_ZIP_MODELS = 64;
  /** Longer than any gzip header a tool writes (name and comment included); keeps a hostile one small. */
  private static final int MAX_GZIP_HEADER = 1 << 16;

  private static final int MAX_MODEL_TEXT = 64;
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
   * @param inflated how its gzip or zip body is carried as content, or null when its bytes are
   */
  record Member(
      int source,
      boolean bodyCopied,
      long headerLength,
      long bodyLength,
      HeaderPrediction.Patch header,
      boolean paddingInStream,
      Inflated inflated) {

    Member(
        int source,
        boolean bodyCopied,
        long headerLength,
        long bodyLength,
        HeaderPrediction.Patch header,
        boolean paddingInStream) {
      this(source, bodyCopied, headerLength, bodyLength, header, paddingInStream, null);
    }

    Member withHeader(HeaderPrediction.Patch patch) {
      return new Member(
          source, bodyCopied, headerLength, bodyLength, patch, paddingInStream, inflated);
    }

    Member withPaddingInStream() {
      return new Member(source, bodyCopied, headerLength, bodyLength, header, true, inflated);
    }

    Member withInflated(Inflated how) {
      return new Member(source, bodyCopied, headerLength, bodyLength, header, paddingInStream, how);
    }

    /** Padding after the body, to a whole block. */
    long padding() {
      return (HEADER_BLOCK - bodyLength % HEADER_BLOCK) % HEADER_BLOCK;
    }

    /** What this member takes from the stream. */
    long streamBytes() {
      return (header != null ? 0 : headerLength)
          + (inflated != null ? inflated.contentLength() : bodyCopied ? 0 : bodyLength)
          + (paddingInStream ? padding() : 0);
    }
  }

  /**
   * A gzip or zip body carried as its content (a zip's: its expanded form).
   *
   * @param recipe what recompresses the content to the body, byte for byte
   * @param contentLength the content's length: what the body takes of the stream
   * @param sourceInflated whether the matched source member's body is in the reference decompressed
   *     (a zip's: with every deflated entry expanded)
   */
  record Inflated(CompressedFileRecipe recipe, long contentLength, boolean sourceInflated) {}

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
      Inflated inflated = member.inflated();
      int flags = (member.bodyCopied() ? BODY_COPIED : 0)
          | (member.headerLength() != HEADER_BLOCK ? HEADER_LENGTH_STORED : 0)
          | (member.header() != null ? HEADER_PREDICTED : 0)
          | (member.paddingInStream() ? PADDING_IN_STREAM : 0)
          | (inflated != null && inflated.recipe() instanceof GzipRecipe ? BODY_INFLATED : 0)
          | (inflated != null && inflated.recipe() instanceof ZipRecipe ? BODY_UNZIPPED : 0)
          | (inflated != null && inflated.sourceInflated() ? SOURCE_INFLATED : 0);
      out.writeByte(flags);
      if (member.headerLength() != HEADER_BLOCK) {
        Varints.write(out, member.headerLength());
      }
      if (!member.bodyCopied()) {
        Varints.write(out, member.bodyLength());
      }
      if (inflated != null) {
        Varints.write(out, inflated.contentLength());
        if (inflated.recipe() instanceof GzipRecipe gzip) {
          writeModel(gzip.model());
          byte[] gzipHeader = gzip.header();
          Varints.write(out, gzipHeader.length);
          out.write(gzipHeader);
        } else if (inflated.recipe() instanceof ZipRecipe zip) {
          Varints.write(out, zip.models().size());
          for (DeflateModel model : zip.models()) {
            writeModel(model);
          }
          Varints.write(out, zip.entries());
          for (int i = 0; i < zip.entries(); i++) {
            Varints.write(out, zip.gap(i));
            Varints.write(out, zip.contentLength(i));
            if (zip.models().size() > 1) {
              Varints.write(out, zip.modelIndex(i));
            }
          }
        }
      }
      if (member.header() != null) {
        Varints.write(out, member.header().mask());
        out.write(member.header().fields());
      }
    }

    private void writeModel(DeflateModel model) throws IOException {
      byte[] text = model.toString().getBytes(StandardCharsets.US_ASCII);
      Varints.write(out, text.length);
      out.write(text);
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
      byte[] start = in.readNBytes(SIGNATURE.length);
      return Arrays.equals(start, SIGNATURE)
          || Arrays.equals(start, SIGNATURE_3)
          || Arrays.equals(start, SIGNATURE_2);
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
    private final int knownFlags;
    private long read;
    private long streamSoFar;
    private long tarSoFar;
    private int previous = -1;

    Reader(Path file, SourceIndex sources) throws IOException {
      this.file = file;
      this.sources = sources;
      InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      try {
        byte[] signature = raw.readNBytes(4);
        if (Arrays.equals(signature, Arrays.copyOf(SIGNATURE, 4))) {
          knownFlags = KNOWN_FLAGS;
        } else if (Arrays.equals(signature, Arrays.copyOf(SIGNATURE_3, 4))) {
          knownFlags = KNOWN_FLAGS_3;
        } else if (Arrays.equals(signature, Arrays.copyOf(SIGNATURE_2, 4))) {
          knownFlags = KNOWN_FLAGS_2;
        } else {
          throw corrupt("not a layer recipe of format 2, 3 or 4");
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
        if ((flags & ~knownFlags) != 0) {
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
        Inflated inflated = null;
        if ((flags & BODY_INFLATED) != 0 && (flags & BODY_UNZIPPED) != 0) {
          throw corrupt("a member is both gzip and zip");
        } else if ((flags & (BODY_INFLATED | BODY_UNZIPPED)) != 0) {
          inflated = readInflated(
              copied, source, (flags & SOURCE_INFLATED) != 0, (flags & BODY_UNZIPPED) != 0);
        } else if ((flags & SOURCE_INFLATED) != 0) {
          throw corrupt("a member inflates its source but not itself");
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
        Member member = new Member(
            source, copied, header, body, patch, (flags & PADDING_IN_STREAM) != 0, inflated);
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

    private Inflated readInflated(boolean copied, int source, boolean sourceInflated, boolean zip)
        throws IOException {
      if (copied) {
        throw corrupt("a member both copies and inflates its body");
      }
      if (sourceInflated && source < 0) {
        throw corrupt("a member inflates a source member it does not have");
      }
      long content = numbers.read();
      if (content < 0) {
        throw corrupt("a member's content length is impossible");
      }
      if (zip) {
        return new Inflated(readZip(content), content, sourceInflated);
      }
      DeflateModel model = readModel();
      long headerLength = numbers.read();
      if (headerLength > MAX_GZIP_HEADER) {
        throw corrupt("a member's gzip header is impossibly long");
      }
      byte[] gzipHeader = new byte[(int) headerLength];
      in.readFully(gzipHeader);
      try {
        return new Inflated(new GzipRecipe(model, gzipHeader), content, sourceInflated);
      } catch (IllegalArgumentException e) {
        throw corrupt(
            "a member's gzip recipe is not one this version knows (" + e.getMessage() + ")");
      }
    }

    /** A zip recipe whose runs and contents fit in the {@code content} bytes it expands to. */
    private ZipRecipe readZip(long content) throws IOException {
      long modelCount = numbers.read();
      if (modelCount < 1 || modelCount > MAX_ZIP_MODELS) {
        throw corrupt("a zip member names " + modelCount + " deflate models");
      }
      List<DeflateModel> models = new ArrayList<>();
      for (int i = 0; i < modelCount; i++) {
        models.add(readModel());
      }
      long entries = numbers.read();
      if (entries < 1 || entries > ZipLayout.MAX_ENTRIES) {
        throw corrupt("a zip member lists " + entries + " entries");
      }
      long[] gaps = new long[(int) entries];
      long[] contents = new long[(int) entries];
      int[] indexes = new int[(int) entries];
      long listed = 0;
      for (int i = 0; i < entries; i++) {
        gaps[i] = numbers.read();
        contents[i] = numbers.read();
        long index = modelCount > 1 ? numbers.read() : 0;
        listed += gaps[i] + contents[i];
        if (gaps[i] < 0 || contents[i] < 0 || listed < 0 || listed > content) {
          throw corrupt("a zip member's entries are longer than its declared content");
        }
        if (index >= modelCount) {
          throw corrupt("a zip member's entry names a model it does not list");
        }
        indexes[i] = (int) index;
      }
      return new ZipRecipe(models, gaps, contents, indexes);
    }

    private DeflateModel readModel() throws IOException {
      long modelLength = numbers.read();
      if (modelLength > MAX_MODEL_TEXT) {
        throw corrupt("a member names a deflate model that is not one");
      }
      byte[] model = new byte[(int) modelLength];
      in.readFully(model);
      try {
        return DeflateModel.parse(new String(model, StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        throw corrupt(
            "a member names a deflate model this version does not know (" + e.getMessage() + ")");
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
