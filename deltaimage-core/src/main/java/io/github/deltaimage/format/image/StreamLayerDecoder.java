package io.github.deltaimage.format.image;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.StreamEngines;
import io.github.deltaimage.deflate.ZipRecipe;
import io.github.deltaimage.fs.FileRanges;
import io.github.deltaimage.fs.GrowingFile;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.work.Parallel;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Rebuilds a target layer tar from a stream-format recipe: the recipe is read twice, once to build
 * the reference (and check every record), once to interleave the decoded stream with the copied
 * bodies, behind the decode; the result must hash to the layer's diff_id.
 */
final class StreamLayerDecoder {

  private final StreamEngines engine;
  private final SourceIndex sources;
  private final RunDirectory run;
  private final Parallel parallel;

  StreamLayerDecoder(
      StreamEngines engine, SourceIndex sources, RunDirectory run, Parallel parallel) {
    this.engine = engine;
    this.sources = sources;
    this.run = run;
    this.parallel = parallel;
  }

  Path decode(Path recipeFile, Path encodedStream, String expectedSha256, String name) {
    Path referenceFile = run.newFile("stream-reference");
    Path streamFile = run.newFile("stream");
    Path tar = run.newFile("layer.tar");
    MessageDigest digest = sha256();
    try {
      long streamLength;
      try (StreamRecipe.Reader recipe = new StreamRecipe.Reader(recipeFile, sources);
          StreamReference reference = new StreamReference(sources, referenceFile)) {
        streamLength = recipe.streamLength();
        while (recipe.hasNext()) {
          reference.member(recipe.next());
        }
        recipe.finish();
        reference.rest(recipe.restBudget());
      }
      // The tar is written behind the decode, from the part of the stream decoded so far: the
      // copies from the source, the recompression and the hashing overlap the engine's work.
      try (GrowingFile stream = GrowingFile.open(streamFile)) {
        parallel.pipeline(
            () -> {
              Throwable failed = null;
              try {
                decodeStream(referenceFile, encodedStream, streamFile, streamLength, name);
                // Gone as soon as the engine is done with it: the tar is still growing.
                Files.delete(referenceFile);
              } catch (IOException | RuntimeException | Error e) {
                failed = e;
                throw e;
              } finally {
                stream.ended(failed);
              }
              return null;
            },
            () -> {
              writeTar(recipeFile, stream, tar, digest);
              return null;
            });
      }
      Files.delete(streamFile);
    } catch (IOException e) {
      throw new EnvironmentException("cannot rebuild " + name + ": " + e.getMessage(), e);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(expectedSha256)) {
      throw new InvalidInputException(
          "the delta is corrupt or was made from another source: " + name + " rebuilt to sha256:"
              + actual + " instead of its diff_id sha256:" + expectedSha256);
    }
    return tar;
  }

  /** Decodes the layer's stream, which must come to the length its recipe declares. */
  private void decodeStream(
      Path referenceFile, Path encodedStream, Path streamFile, long streamLength, String name)
      throws IOException {
    try {
      engine.decode(referenceFile, encodedStream, streamFile, streamLength);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          "the delta for " + name + " is corrupt or was made from another source: "
              + e.getMessage(),
          e);
    }
    if (Files.size(streamFile) != streamLength) {
      throw new InvalidInputException(
          "the delta for " + name + " is corrupt: its stream decoded to " + Files.size(streamFile)
              + " bytes instead of " + streamLength);
    }
  }

  /** Interleaves the decoded stream with the bodies copied from the source, as the recipe says. */
  private void writeTar(Path recipeFile, GrowingFile stream, Path tar, MessageDigest digest)
      throws IOException {
    try (StreamRecipe.Reader recipe = new StreamRecipe.Reader(recipeFile, sources);
        OutputStream out = new DigestOutputStream(
            new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16), digest)) {
      List<FileChannel> layers = new ArrayList<>();
      try {
        for (Path source : sources.tars()) {
          layers.add(FileChannel.open(source, StandardOpenOption.READ));
        }
        long at = 0;
        while (recipe.hasNext()) {
          StreamRecipe.Member member = recipe.next();
          if (member.header() != null) {
            SourceIndex.Entry source = sources.entries().get(member.source());
            byte[] header = HeaderPrediction.apply(
                StreamLayerEncoder.read(layers.get(source.layer()), source.start()),
                member.header());
            if (header == null) {
              throw LayerRecipe.corrupt(recipeFile, "a member's header checksum cannot be rebuilt");
            }
            out.write(header);
          } else {
            stream.copy(at, member.headerLength(), out);
            at += member.headerLength();
          }
          if (member.inflated() != null) {
            recompress(stream, at, member, out, recipeFile);
            at += member.inflated().contentLength();
          } else if (member.bodyCopied()) {
            SourceIndex.Entry source = sources.entries().get(member.source());
            FileRanges.copy(
                layers.get(source.layer()), source.bodyOffset(), source.bodyLength(), out);
          } else {
            stream.copy(at, member.bodyLength(), out);
            at += member.bodyLength();
          }
          if (member.paddingInStream()) {
            stream.copy(at, member.padding(), out);
            at += member.padding();
          } else {
            out.write(new byte[(int) member.padding()]);
          }
        }
        long trailer = recipe.finish();
        stream.copy(at, trailer, out);
      } finally {
        for (FileChannel layer : layers) {
          layer.close();
        }
      }
    }
  }

  /**
   * Writes the gzip or zip body a member carries as content: the content from the stream,
   * recompressed as the recipe says, which must come to the body length the recipe declares (a
   * wrong model or header then shows as a wrong length or, at the end, a wrong diff_id).
   */
  private static void recompress(
      GrowingFile stream, long at, StreamRecipe.Member member, OutputStream out, Path recipeFile)
      throws IOException {
    BoundedOutputStream body = new BoundedOutputStream(out, member.bodyLength());
    try (OutputStream compressed = member.inflated().recipe().newCompressingStream(body)) {
      stream.copy(at, member.inflated().contentLength(), compressed);
    } catch (BoundedOutputStream.TooLong e) {
      throw LayerRecipe.corrupt(
          recipeFile,
          "a compressed member recompresses to more than its declared " + member.bodyLength()
              + " bytes");
    } catch (ZipRecipe.Incomplete e) {
      throw LayerRecipe.corrupt(recipeFile, "a zip member " + e.getMessage());
    }
    if (body.written() != member.bodyLength()) {
      throw LayerRecipe.corrupt(
          recipeFile,
          "a compressed member recompresses to " + body.written()
              + " bytes instead of its declared " + member.bodyLength());
    }
  }

  /** Passes at most {@code limit} bytes on, and never closes what it writes to. */
  private static final class BoundedOutputStream extends OutputStream {
    /** Thrown at the first byte past the limit. */
    static final class TooLong extends IOException {
      private static final long serialVersionUID = 1L;
    }

    private final OutputStream out;
    private final long limit;
    private long written;

    BoundedOutputStream(OutputStream out, long limit) {
      this.out = out;
      this.limit = limit;
    }

    long written() {
      return written;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (written + len > limit) {
        throw new TooLong();
      }
      out.write(b, off, len);
      written += len;
    }

    @Override
    public void close() {
      // The layer tar goes on after this member.
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
