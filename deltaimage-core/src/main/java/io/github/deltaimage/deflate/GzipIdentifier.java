package io.github.deltaimage.deflate;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Finds which modelled compressor wrote a gzip file: candidates suggested by the header bytes come
 * first, and each is tried by recompressing the content and comparing with the file while
 * streaming, stopping at the first differing byte, so a wrong guess costs about one deflate block.
 */
public final class GzipIdentifier {

  private static final int FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;

  private GzipIdentifier() {}

  /** Opens a fresh stream of the uncompressed content on each call. */
  @FunctionalInterface
  public interface ContentSource {
    InputStream open() throws IOException;
  }

  /**
   * The recipe that rebuilds {@code gzipFile} exactly, its content taken by decompressing the file
   * itself; empty when no model does (or the file is not a single well-formed gzip member).
   */
  public static Optional<GzipRecipe> identify(Path gzipFile) throws IOException {
    return identify(gzipFile, () -> new GZIPInputStream(Files.newInputStream(gzipFile), 64 * 1024));
  }

  /**
   * The recipe that rebuilds {@code gzipFile} exactly from {@code content} (which the caller may
   * already have, e.g. a layer tar whose diff_id is checked); empty when no model does.
   */
  public static Optional<GzipRecipe> identify(Path gzipFile, ContentSource content)
      throws IOException {
    return identify(() -> Files.newInputStream(gzipFile), content);
  }

  /**
   * The recipe that rebuilds the gzip bytes {@code compressed} opens (a member of a layer tar, say)
   * exactly from {@code content}; empty when no model does.
   */
  public static Optional<GzipRecipe> identify(ContentSource compressed, ContentSource content)
      throws IOException {
    byte[] header;
    try (InputStream in = compressed.open()) {
      header = readHeader(in);
    }
    if (header == null) {
      return Optional.empty();
    }
    for (DeflateModel model : candidates(header)) {
      GzipRecipe recipe = new GzipRecipe(model, header);
      try (InputStream expected = new BufferedInputStream(compressed.open(), 64 * 1024)) {
        if (reproduces(recipe, content, expected)) {
          return Optional.of(recipe);
        }
      } catch (ZipException | EOFException e) {
        // The file's own deflate data is broken: no model can rebuild it.
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code recipe} applied to {@code content} writes exactly the bytes of {@code expected}
   * (read to its end when it does, left part-read when it does not).
   */
  public static boolean reproduces(GzipRecipe recipe, ContentSource content, InputStream expected)
      throws IOException {
    ComparingOutputStream comparer = new ComparingOutputStream(expected);
    try (InputStream in = content.open()) {
      OutputStream gzip = recipe.newGzipStream(comparer);
      in.transferTo(gzip);
      gzip.close();
      return comparer.atEndOfExpected();
    } catch (ComparingOutputStream.Mismatch e) {
      return false;
    }
  }

  /**
   * The MTIME pgzip writes when not told one: Go's zero time.Time, -62135596800 s, cut to 32 bits.
   */
  private static final int PGZIP_ZERO_MTIME = 0x886e0900;

  /**
   * The model that rebuilds a raw deflate stream (a zip or jar entry, say) exactly from its
   * content, trying {@code candidates} in order; empty when none does.
   */
  public static Optional<DeflateModel> identifyDeflate(
      ContentSource content, ContentSource compressed, List<DeflateModel> candidates)
      throws IOException {
    for (DeflateModel model : candidates) {
      try (InputStream expected = new BufferedInputStream(compressed.open(), 64 * 1024);
          InputStream in = content.open()) {
        ComparingOutputStream comparer = new ComparingOutputStream(expected);
        OutputStream deflate = model.newDeflateStream(comparer);
        in.transferTo(deflate);
        deflate.close();
        if (comparer.atEndOfExpected()) {
          return Optional.of(model);
        }
      } catch (ComparingOutputStream.Mismatch e) {
        // next candidate
      }
    }
    return Optional.empty();
  }

  /** Every model, defaults first: the candidates when nothing narrows the choice (raw deflate). */
  public static List<DeflateModel> allModels() {
    LinkedHashSet<DeflateModel> all = new LinkedHashSet<>();
    // java.util.zip's header and GNU gzip's between them name every model.
    all.addAll(candidates(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255}));
    all.addAll(candidates(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}));
    for (DeflateModel.Family family : DeflateModel.Family.values()) {
      if (family != DeflateModel.Family.PGZIP) {
        all.add(new DeflateModel(family, 1));
        all.add(new DeflateModel(family, 9));
      }
    }
    return new ArrayList<>(all);
  }

  /**
   * Models worth trying for a file with this header, likeliest first; a model the header rules out
   * is not tried at all, so a file no model wrote costs a handful of first blocks. What each tool
   * writes:
   *
   * <ul>
   *   <li>OS byte: Go's gzip and pgzip write 255 (unknown) unless told otherwise; GNU gzip always
   *       the OS it was built for (3 on Unix, never 255); java.util.zip 255 since Java 16, 0
   *       before; zlib's own gzip writer its OS (3 on Unix). So 255 means Go, pgzip or zlib; any
   *       other value GNU gzip or zlib.
   *   <li>XFL: Go, pgzip, GNU gzip and zlib's own gzip writer write 2 only at level 9 and 4 only at
   *       level 1, else 0; java.util.zip writes 0 at every level.
   *   <li>MTIME: pgzip writes a tell-tale value when none is set (skopeo, podman and buildah do
   *       not set one); Go's gzip and java.util.zip write 0. pgzip, whose wrong guess costs a whole
   *       1 MiB block, is tried only when the time is not 0.
   *   <li>Flags: a name, comment, extra field or header CRC is something GNU gzip (the name) or a
   *       program that set it wrote; java.util.zip writes none.
   * </ul>
   */
  public static List<DeflateModel> candidates(byte[] header) {
    int flags = header[3] & 0xff;
    int mtime = (header[4] & 0xff)
        | (header[5] & 0xff) << 8
        | (header[6] & 0xff) << 16
        | (header[7] & 0xff) << 24;
    int xfl = header[8] & 0xff;
    int os = header[9] & 0xff;
    boolean plainJavaUtilZip = flags == 0 && mtime == 0 && xfl == 0 && (os == 255 || os == 0);
    LinkedHashSet<DeflateModel> ordered = new LinkedHashSet<>();
    List<DeflateModel.Family> families;
    if (os == 255) {
      families = List.of(DeflateModel.Family.GO_FLATE, DeflateModel.Family.ZLIB);
      if (xfl == 0 && mtime == PGZIP_ZERO_MTIME) {
        ordered.add(new DeflateModel(DeflateModel.Family.PGZIP, 5));
      }
    } else {
      families = List.of(DeflateModel.Family.GNU_GZIP, DeflateModel.Family.ZLIB);
    }
    if (xfl == 2 || xfl == 4) {
      int level = xfl == 2 ? 9 : 1;
      for (DeflateModel.Family family : families) {
        ordered.add(new DeflateModel(family, level));
      }
    } else {
      // Each tool's default level first: docker push, gzip and Jib use them.
      for (DeflateModel.Family family : families) {
        ordered.add(new DeflateModel(family, 6));
      }
      if (os == 255 && mtime != 0) {
        // A pgzip writer given a time (its level 5 writes XFL 0).
        ordered.add(new DeflateModel(DeflateModel.Family.PGZIP, 5));
      }
      for (DeflateModel.Family family : families) {
        for (int level = 2; level <= 8; level++) {
          ordered.add(new DeflateModel(family, level));
        }
      }
      if (plainJavaUtilZip) {
        // java.util.zip's GZIPOutputStream writes XFL 0 whatever the level.
        ordered.add(new DeflateModel(DeflateModel.Family.ZLIB, 1));
        ordered.add(new DeflateModel(DeflateModel.Family.ZLIB, 9));
      }
    }
    return new ArrayList<>(ordered);
  }

  /**
   * The whole gzip header (fixed part plus optional fields) of a deflate-method member, or null
   * when {@code in} does not start with one.
   */
  static byte[] readHeader(InputStream in) throws IOException {
    byte[] fixed = in.readNBytes(10);
    if (fixed.length < 10
        || (fixed[0] & 0xff) != 0x1f
        || (fixed[1] & 0xff) != 0x8b
        || fixed[2] != 8) {
      return null;
    }
    int flags = fixed[3] & 0xff;
    if ((flags & 0xe0) != 0) {
      return null;
    }
    java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
    header.write(fixed);
    if ((flags & FEXTRA) != 0) {
      byte[] len = in.readNBytes(2);
      if (len.length < 2) {
        return null;
      }
      header.write(len);
      int n = (len[0] & 0xff) | (len[1] & 0xff) << 8;
      byte[] extra = in.readNBytes(n);
      if (extra.length < n) {
        return null;
      }
      header.write(extra);
    }
    for (int flag : new int[] {FNAME, FCOMMENT}) {
      if ((flags & flag) != 0) {
        int b;
        do {
          b = in.read();
          if (b < 0) {
            return null;
          }
          header.write(b);
        } while (b != 0);
      }
    }
    if ((flags & FHCRC) != 0) {
      byte[] crc = in.readNBytes(2);
      if (crc.length < 2) {
        return null;
      }
      header.write(crc);
    }
    return header.toByteArray();
  }

  /** Fails at the first byte written that differs from the expected stream. */
  static final class ComparingOutputStream extends OutputStream {

    /** Thrown to stop a candidate early; carries no stack trace since it is expected. */
    static final class Mismatch extends IOException {
      private static final long serialVersionUID = 1L;

      Mismatch() {
        super("output differs from the expected bytes", null);
      }

      @Override
      public synchronized Throwable fillInStackTrace() {
        return this;
      }
    }

    private final InputStream expected;
    private byte[] buffer = new byte[0];

    ComparingOutputStream(InputStream expected) {
      this.expected = expected;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (buffer.length < len) {
        buffer = new byte[Math.max(len, 64 * 1024)];
      }
      int n = expected.readNBytes(buffer, 0, len);
      if (n < len || !Arrays.equals(b, off, off + len, buffer, 0, len)) {
        throw new Mismatch();
      }
    }

    boolean atEndOfExpected() throws IOException {
      return expected.read() < 0;
    }
  }
}
