package io.github.deltaimage.format.image;

import io.github.deltaimage.api.EnvironmentException;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.codec.DeltaCodec;
import io.github.deltaimage.fs.FileRanges;
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
 * Rebuilds a target layer tar from its {@link LayerRecipe}, the source layers and the delta files,
 * and refuses the result unless its sha256 is the layer's diff_id.
 */
final class LayerDecoder {

  private final DeltaCodec codec;
  private final List<Path> sourceTars;
  private final Path sourceHeaders;
  private final RunDirectory run;
  private final Parallel parallel;

  LayerDecoder(
      DeltaCodec codec,
      List<Path> sourceTars,
      Path sourceHeaders,
      RunDirectory run,
      Parallel parallel) {
    this.codec = codec;
    this.sourceTars = sourceTars;
    this.sourceHeaders = sourceHeaders;
    this.run = run;
    this.parallel = parallel;
  }

  /**
   * @param expectedSha256 the layer's diff_id, hex
   * @param name how to name the layer in messages
   * @return the rebuilt tar, in the run directory
   */
  Path decode(
      LayerRecipe recipe,
      Path encodedLiterals,
      Path deltaPack,
      String expectedSha256,
      String name) {
    Path literals = run.newFile("literals");
    try {
      codec.decode(sourceHeaders, encodedLiterals, literals, recipe.literalLength());
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          "the delta for " + name + " is corrupt or was made from another source: "
              + e.getMessage(),
          e);
    }
    List<LayerRecipe.Delta> deltas = new ArrayList<>();
    for (LayerRecipe.Op op : recipe.ops()) {
      if (op instanceof LayerRecipe.Delta delta) {
        deltas.add(delta);
      }
    }
    List<Path> decoded = parallel.map(deltas, delta -> decodeBody(delta, deltaPack, name));
    List<Path> batches =
        parallel.map(recipe.batches(), batch -> decodeBatch(batch, deltaPack, name));
    Path tar = run.newFile("layer.tar");
    MessageDigest digest = sha256();
    try {
      if (Files.size(literals) != recipe.literalLength()) {
        throw LayerRecipe.corrupt(encodedLiterals, "literal stream has the wrong size");
      }
      try (FileChannel literal = FileChannel.open(literals, StandardOpenOption.READ);
          OutputStream out = new DigestOutputStream(
              new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16), digest)) {
        List<FileChannel> sources = new ArrayList<>();
        try {
          for (Path source : sourceTars) {
            sources.add(FileChannel.open(source, StandardOpenOption.READ));
          }
          long literalAt = 0;
          int next = 0;
          List<FileChannel> batchOutputs = new ArrayList<>();
          long[] batchAt = new long[batches.size()];
          for (LayerRecipe.Op op : recipe.ops()) {
            if (op instanceof LayerRecipe.Literal lit) {
              FileRanges.copy(literal, literalAt, lit.length(), out);
              literalAt += lit.length();
            } else if (op instanceof LayerRecipe.Copy copy) {
              FileRanges.copy(sources.get(copy.layer()), copy.offset(), copy.length(), out);
            } else if (op instanceof LayerRecipe.Batched batched) {
              while (batchOutputs.size() <= batched.batch()) {
                Path output = batches.get(batchOutputs.size());
                batchOutputs.add(
                    output == null ? null : FileChannel.open(output, StandardOpenOption.READ));
              }
              FileRanges.copy(
                  batchOutputs.get(batched.batch()),
                  batchAt[batched.batch()],
                  batched.length(),
                  out);
              batchAt[batched.batch()] += batched.length();
            } else {
              Path body = decoded.get(next++);
              try (FileChannel channel = FileChannel.open(body, StandardOpenOption.READ)) {
                FileRanges.copy(channel, 0, op.length(), out);
              }
              Files.delete(body);
            }
          }
          for (FileChannel channel : batchOutputs) {
            if (channel != null) {
              channel.close();
            }
          }
        } finally {
          for (FileChannel source : sources) {
            source.close();
          }
        }
      }
      Files.delete(literals);
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

  /** Decodes one group of small files into a file of their bodies, back to back; null for an empty group. */
  private Path decodeBatch(LayerRecipe.Batch batch, Path deltaPack, String name) {
    if (batch.outputLength() == 0) {
      return null;
    }
    Path source = run.newFile("group-source");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(source), 1 << 16)) {
        List<FileChannel> channels = new ArrayList<>();
        try {
          for (Path tar : sourceTars) {
            channels.add(FileChannel.open(tar, StandardOpenOption.READ));
          }
          for (LayerRecipe.Range range : batch.sources()) {
            FileRanges.copy(channels.get(range.layer()), range.offset(), range.length(), out);
          }
        } finally {
          for (FileChannel channel : channels) {
            channel.close();
          }
        }
      }
    } catch (IOException e) {
      deleteQuietly(source);
      throw new EnvironmentException("cannot rebuild " + name + ": " + e.getMessage(), e);
    }
    return decodeAgainst(
        source,
        deltaPack,
        batch.deltaOffset(),
        batch.deltaLength(),
        batch.outputLength(),
        "a group of files",
        name);
  }

  private Path decodeBody(LayerRecipe.Delta delta, Path deltaPack, String name) {
    Path source = run.newFile("source-body");
    try {
      FileRanges.extract(
          sourceTars.get(delta.layer()), delta.offset(), delta.sourceLength(), source);
    } catch (IOException e) {
      deleteQuietly(source);
      throw new EnvironmentException("cannot rebuild " + name + ": " + e.getMessage(), e);
    }
    return decodeAgainst(
        source,
        deltaPack,
        delta.deltaOffset(),
        delta.deltaLength(),
        delta.length(),
        "a file",
        name);
  }

  /**
   * Decodes the delta bytes {@code [offset, offset + length)} of the pack against {@code source} (which it
   * deletes), and refuses the result unless it is {@code expected} bytes long.
   */
  private Path decodeAgainst(
      Path source,
      Path deltaPack,
      long offset,
      long length,
      long expected,
      String what,
      String name) {
    Path patch = run.newFile("patch");
    Path output = run.newFile("body");
    try {
      FileRanges.extract(deltaPack, offset, length, patch);
      try {
        codec.decode(source, patch, output, expected);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            "the delta for " + name + " is corrupt or was made from another source: "
                + e.getMessage(),
            e);
      }
      if (Files.size(output) != expected) {
        throw new InvalidInputException("the delta for " + name + " is corrupt: " + what
            + " rebuilt to " + Files.size(output) + " bytes instead of " + expected);
      }
      return output;
    } catch (IOException e) {
      throw new EnvironmentException("cannot rebuild " + name + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(source);
      deleteQuietly(patch);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // The run directory goes at the end anyway.
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
