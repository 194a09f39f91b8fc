package io.github.deltaimage.format.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Xdelta3Settings;
import io.github.deltaimage.codec.Xdelta3Codec;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.testing.TestEnvironment;
import io.github.deltaimage.testing.Trees;
import io.github.deltaimage.work.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A target layer tar is rebuilt byte for byte from its recipe, whatever tar dialect wrote it. */
class LayerRoundTripTest {

  @TempDir
  Path temp;

  private final Xdelta3Codec codec =
      Xdelta3Codec.locate(Optional.empty(), Xdelta3Settings.defaults());
  private final Parallel parallel = new Parallel(2);

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "pax", "ustar-ish"})
  void everyTarDialectIsRebuiltByteForByte(String format) throws Exception {
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    Trees.buildPair(source, target);
    Trees.write(
        target.resolve("opt/app/lib/libfoo-1.2.4.jar"), Trees.edited(Trees.bytes(20, 300_000), 21));
    Trees.write(source.resolve("opt/app/lib/libfoo-1.2.3.jar"), Trees.bytes(20, 300_000));
    Trees.write(
        target.resolve("opt/app/" + "deep/".repeat(30) + "long-name.txt"), "long\n".getBytes());
    Trees.write(target.resolve("etc/.wh.gone.conf"), new byte[0]);
    Trees.write(
        target.resolve("moved/elsewhere.bin"),
        Files.readAllBytes(source.resolve("usr/share/doc/big.bin")));
    TestEnvironment.run(
        "truncate", "-s", "20M", target.resolve("var/sparse.img").toString());
    Files.write(
        target.resolve("var/sparse.img"),
        Trees.bytes(22, 4096),
        java.nio.file.StandardOpenOption.WRITE);
    Path sourceTar = tar(source, "source.tar", format);
    Path targetTar = tar(target, "target.tar", format);

    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      SourceIndex index = SourceIndex.build(List.of(sourceTar), run);
      LayerEncoder.Encoded encoded =
          new LayerEncoder(codec, index, run, parallel).encode(targetTar);
      Path recipeFile = temp.resolve("recipe");
      encoded.recipe().write(recipeFile);
      LayerRecipe recipe =
          LayerRecipe.read(recipeFile, index.sizes(), Files.size(encoded.deltaPack()));
      assertThat(recipe).isEqualTo(encoded.recipe());
      assertThat(recipe.ops())
          .as("small changed files go in a group")
          .anyMatch(op -> op instanceof LayerRecipe.Batched);
      assertThat(encoded.decisions())
          .anyMatch(d -> d.path().equals("usr/lib/libfoo.so")
              && d.outcome() == Outcome.DELTA
              && d.reason().startsWith("against"));

      assertThat(encoded.decisions())
          .anyMatch(d -> d.path().equals("opt/app/lib/libfoo-1.2.4.jar")
              && d.outcome() == Outcome.DELTA
              && d.reason().contains("libfoo-1.2.3.jar"));
      assertThat(encoded.decisions())
          .anyMatch(d ->
              d.path().equals("moved/elsewhere.bin") && d.outcome() == Outcome.KEPT_FROM_SOURCE);
      assertThat(encoded.decisions())
          .as("a hard-link group is matched by any of its names")
          .noneMatch(d -> d.path().endsWith("-member") && d.outcome() == Outcome.NEW);
      long stored =
          Files.size(encoded.literals()) + Files.size(encoded.deltaPack()) + Files.size(recipeFile);
      assertThat(stored)
          .as("delta much smaller than the layer")
          .isLessThan(Files.size(targetTar) / 10);

      Path rebuilt = new LayerDecoder(codec, List.of(sourceTar), index.headers(), run, parallel)
          .decode(recipe, encoded.literals(), encoded.deltaPack(), sha256(targetTar), "layer 1");
      assertThat(Files.mismatch(rebuilt, targetTar)).isEqualTo(-1L);
    }
  }

  @Test
  void aCorruptDeltaPackIsRefusedByTheDiffIdCheck() throws Exception {
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    Trees.buildPair(source, target);
    Path sourceTar = tar(source, "source.tar", "gnu");
    Path targetTar = tar(target, "target.tar", "gnu");
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      SourceIndex index = SourceIndex.build(List.of(sourceTar), run);
      LayerEncoder.Encoded encoded =
          new LayerEncoder(codec, index, run, parallel).encode(targetTar);
      byte[] pack = Files.readAllBytes(encoded.deltaPack());
      LayerDecoder decoder =
          new LayerDecoder(codec, List.of(sourceTar), index.headers(), run, parallel);
      String diffId = sha256(targetTar);
      int refused = 0;
      int tries = 0;
      byte[] literals = Files.readAllBytes(encoded.literals());
      for (boolean inPack : new boolean[] {true, false}) {
        byte[] good = inPack ? pack : literals;
        for (int at = 0; at < good.length; at += Math.max(1, good.length / 40)) {
          byte[] bad = good.clone();
          bad[at] ^= 0x10;
          Path corrupt = Files.write(temp.resolve("corrupt-" + tries++), bad);
          try {
            Path rebuilt = inPack
                ? decoder.decode(encoded.recipe(), encoded.literals(), corrupt, diffId, "layer 1")
                : decoder.decode(encoded.recipe(), corrupt, encoded.deltaPack(), diffId, "layer 1");
            // A flip xdelta3 does not care about (e.g. in a header it ignores) must still give the
            // exact layer.
            assertThat(Files.mismatch(rebuilt, targetTar)).isEqualTo(-1L);
          } catch (InvalidInputException e) {
            assertThat(e).hasMessageContaining("corrupt");
            refused++;
          }
        }
      }
      assertThat(refused).isGreaterThan(tries * 3 / 4);
    }
  }

  private Path tar(Path dir, String name, String format) {
    Path tar = temp.resolve(name);
    String[] dialect =
        switch (format) {
          case "gnu" -> new String[] {"--format=gnu", "--sparse"};
          case "pax" -> new String[] {"--format=pax", "--xattrs", "--xattrs-include=*", "--sparse"};
          default -> new String[] {"--format=posix", "--pax-option=delete=atime,delete=ctime"};
        };
    String[] command = new String[dialect.length + 6];
    command[0] = "tar";
    System.arraycopy(dialect, 0, command, 1, dialect.length);
    command[dialect.length + 1] = "-C";
    command[dialect.length + 2] = dir.toString();
    command[dialect.length + 3] = "-cf";
    command[dialect.length + 4] = tar.toString();
    command[dialect.length + 5] = ".";
    TestEnvironment.run(command);
    return tar;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
