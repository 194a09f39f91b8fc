package io.github.deltaimage.format.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.FileDecision.Outcome;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.api.Xdelta3Settings;
import io.github.deltaimage.codec.Xdelta3Codec;
import io.github.deltaimage.deflate.DeflateModel;
import io.github.deltaimage.deflate.GzipRecipe;
import io.github.deltaimage.deflate.ZipRecipe;
import io.github.deltaimage.fs.RunDirectory;
import io.github.deltaimage.testing.TestEnvironment;
import io.github.deltaimage.testing.Trees;
import io.github.deltaimage.work.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stream format (2): exact, small, and strict about what it reads; format 1 layers still decode. */
class StreamLayerTest {

  @TempDir
  Path temp;

  private final Xdelta3Codec xdelta3 =
      Xdelta3Codec.locate(Optional.empty(), Xdelta3Settings.defaults());
  private final Parallel parallel = new Parallel(2);

  @ParameterizedTest
  @ValueSource(strings = {"--format=gnu", "--format=pax"})
  void aLayerIsRebuiltByteForByteFromASmallStream(String format) throws Exception {
    Path[] tars = pair(format);
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(xdelta3, List.of(tars[0]), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(tars[1]);
      assertThat(StreamRecipe.isStreamRecipe(encoded.recipe())).isTrue();
      assertThat(Files.size(encoded.deltaPack())).isZero();
      assertThat(encoded.decisions())
          .anyMatch(d ->
              d.path().equals("moved/elsewhere.bin") && d.outcome() == Outcome.KEPT_FROM_SOURCE);
      assertThat(encoded.decisions())
          .anyMatch(d -> d.path().equals("opt/app/lib/libfoo-1.2.4.jar")
              && d.outcome() == Outcome.DELTA
              && d.reason().contains("libfoo-1.2.3.jar"));
      assertThat(encoded.storedBytes())
          .as("delta much smaller than the layer")
          .isLessThan(Files.size(tars[1]) / 10);
      assertDecodesExactly(layers, encoded, tars[1]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--format=gnu", "--format=ustar"})
  void aRebuildThatOnlyMovesEveryMtimeCostsAFewBytesAMember(String format) throws Exception {
    Path tree = temp.resolve("tree");
    Trees.buildPair(tree, temp.resolve("unused"));
    Path sourceTar = temp.resolve("source.tar");
    Path targetTar = temp.resolve("target.tar");
    TestEnvironment.run(
        "tar",
        format,
        "--mtime=@1500000000",
        "-C",
        tree.toString(),
        "-cf",
        sourceTar.toString(),
        ".");
    TestEnvironment.run(
        "tar",
        format,
        "--mtime=@1767225600",
        "-C",
        tree.toString(),
        "-cf",
        targetTar.toString(),
        ".");
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(xdelta3, List.of(sourceTar), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(targetTar);
      long members =
          io.github.deltaimage.tar.TarLayout.read(targetTar).entries().size();
      // Per member: a record naming the source member and the new mtime, which is every member's.
      assertThat(encoded.storedBytes()).as("%d members", members).isLessThan(400 + members * 4);
      assertDecodesExactly(layers, encoded, targetTar);
    }
  }

  @Test
  void aFormatOneLayerStillDecodes() throws Exception {
    Path[] tars = pair("--format=gnu");
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      SourceIndex index = SourceIndex.build(List.of(tars[0]), run);
      LayerEncoder.Encoded v1 = new LayerEncoder(xdelta3, index, run, parallel).encode(tars[1]);
      Path recipe = run.newFile("v1-recipe");
      v1.recipe().write(recipe);
      assertThat(StreamRecipe.isStreamRecipe(recipe)).isFalse();
      Path rebuilt = new LayerCodec(xdelta3, List.of(tars[0]), run, parallel)
          .decode(
              recipe, v1.literals(), v1.deltaPack(), LayerRoundTripTest.sha256(tars[1]), "layer 1");
      assertThat(Files.mismatch(rebuilt, tars[1])).isEqualTo(-1L);
    }
  }

  @Test
  void aDamagedRecipeOrStreamIsRefusedWithOneLineAndNothingElse() throws Exception {
    Path[] tars = pair("--format=gnu");
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(xdelta3, List.of(tars[0]), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(tars[1]);
      String diffId = LayerRoundTripTest.sha256(tars[1]);
      byte[] recipe = Files.readAllBytes(encoded.recipe());
      byte[] stream = Files.readAllBytes(encoded.literals());
      int tries = 0;
      for (boolean inRecipe : new boolean[] {true, false}) {
        byte[] good = inRecipe ? recipe : stream;
        for (int at = 0; at < good.length; at += Math.max(1, good.length / 60)) {
          for (boolean truncate : new boolean[] {false, true}) {
            byte[] bad = truncate ? Arrays.copyOf(good, at) : good.clone();
            if (!truncate) {
              bad[at] ^= 0x21;
            }
            Path corrupt = Files.write(temp.resolve("corrupt-" + tries++), bad);
            assertThatThrownBy(() -> layers.decode(
                    inRecipe ? corrupt : encoded.recipe(),
                    inRecipe ? encoded.literals() : corrupt,
                    encoded.deltaPack(),
                    diffId,
                    "layer 1"))
                .as(
                    "%s byte %d of the %s",
                    truncate ? "cut at" : "flipped", at, inRecipe ? "recipe" : "stream")
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("corrupt")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
          }
        }
      }
    }
  }

  @Test
  void aRecipeDeclaringMoreThanItHoldsIsRefusedBeforeAnyDecoding() throws Exception {
    Path[] tars = pair("--format=gnu");
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      SourceIndex index = SourceIndex.build(List.of(tars[0]), run);
      Path recipe = temp.resolve("lying-recipe");
      try (StreamRecipe.Writer writer =
          new StreamRecipe.Writer(recipe, Long.MAX_VALUE / 4, 1024, 1024, 0)) {
        // Each member claims a 1 GiB body in the stream: the second already passes the declared
        // length.
        writer.member(new StreamRecipe.Member(-1, false, 512, 1L << 30, null, false));
        writer.member(new StreamRecipe.Member(-1, false, 512, 1L << 30, null, false));
      }
      try (StreamRecipe.Reader reader = new StreamRecipe.Reader(recipe, index)) {
        assertThatThrownBy(reader::next)
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("longer than the layer it declares");
      }
      Path copyOfNothing = temp.resolve("copy-of-nothing");
      try (StreamRecipe.Writer writer =
          new StreamRecipe.Writer(copyOfNothing, 1, 1 << 20, 1 << 20, 0)) {
        writer.member(
            new StreamRecipe.Member(index.entries().size() + 5, true, 512, 0, null, false));
      }
      try (StreamRecipe.Reader reader = new StreamRecipe.Reader(copyOfNothing, index)) {
        assertThatThrownBy(reader::next)
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("source member that is not there");
      }
    }
  }

  @Test
  void gzipMembersAModelRebuildsAreCarriedAsTheirContentAndRebuiltExactly() throws Exception {
    Path[] tars = gzipPair();
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(xdelta3, List.of(tars[0]), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(tars[1]);
      List<StreamRecipe.Member> members = members(encoded.recipe(), tars[0], run);
      assertThat(members)
          .as("the changed changelog: GNU gzip -9n, carried as content next to its old content")
          .anyMatch(m -> m.inflated() != null
              && ((GzipRecipe) m.inflated().recipe()).model().toString().equals("gnu-gzip:9")
              && m.inflated().sourceInflated());
      assertThat(members)
          .as("two gzip members back to back: no model writes that, so its bytes are carried")
          .anyMatch(m -> m.inflated() == null && m.bodyLength() > 1000 && !m.bodyCopied());
      long gzipBytes = Files.size(temp.resolve("target/usr/share/doc/app/changelog.gz"));
      long joinedBytes = Files.size(temp.resolve("target/usr/share/doc/app/joined.gz"));
      assertThat(encoded.storedBytes() - joinedBytes)
          .as(
              "a few changed lines cost a few hundred bytes, not the %d of the changed .gz",
              gzipBytes)
          .isLessThan(gzipBytes / 20);
      assertDecodesExactly(layers, encoded, tars[1]);
    }
  }

  @Test
  void aRecipeNamingTheWrongModelOrContentLengthIsRefusedNotTrusted() throws Exception {
    Path[] tars = gzipPair();
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(xdelta3, List.of(tars[0]), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(tars[1]);
      String diffId = LayerRoundTripTest.sha256(tars[1]);
      SourceIndex index = SourceIndex.build(List.of(tars[0]), run);
      for (String lie : List.of("model", "level", "content", "source")) {
        Path recipe = rewrite(encoded.recipe(), index, temp.resolve("lie-" + lie), m -> {
          StreamRecipe.Inflated how = m.inflated();
          return switch (lie) {
            case "model" ->
              m.withInflated(new StreamRecipe.Inflated(
                  new GzipRecipe(
                      new DeflateModel(DeflateModel.Family.ZLIB, 9),
                      ((GzipRecipe) how.recipe()).header()),
                  how.contentLength(),
                  how.sourceInflated()));
            case "level" ->
              m.withInflated(new StreamRecipe.Inflated(
                  new GzipRecipe(
                      new DeflateModel(DeflateModel.Family.GNU_GZIP, 1),
                      ((GzipRecipe) how.recipe()).header()),
                  how.contentLength(),
                  how.sourceInflated()));
            case "content" ->
              m.withInflated(new StreamRecipe.Inflated(
                  how.recipe(), how.contentLength() - 1, how.sourceInflated()));
            // The tar's first member, a directory: nothing there to inflate.
            default ->
              new StreamRecipe.Member(
                  0,
                  false,
                  m.headerLength(),
                  m.bodyLength(),
                  null,
                  m.paddingInStream(),
                  new StreamRecipe.Inflated(how.recipe(), how.contentLength(), true));
          };
        });
        assertThatThrownBy(() ->
                layers.decode(recipe, encoded.literals(), encoded.deltaPack(), diffId, "layer 1"))
            .as("a recipe lying about the %s", lie)
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("corrupt")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      }
      // The same records under format 2's signature: format 2 has no inflated members.
      byte[] asFormat2 = Files.readAllBytes(encoded.recipe());
      System.arraycopy(StreamRecipe.SIGNATURE_2, 0, asFormat2, 0, 4);
      Path format2 = Files.write(temp.resolve("as-format-2"), asFormat2);
      assertThatThrownBy(() ->
              layers.decode(format2, encoded.literals(), encoded.deltaPack(), diffId, "layer 1"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("unknown member flags");
    }
  }

  @Test
  void jarsAreCarriedWithTheirEntriesExpandedAndRebuiltExactly() throws Exception {
    Path[] tars = jarPair();
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(xdelta3, List.of(tars[0]), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(tars[1]);
      List<StreamRecipe.Member> members = members(encoded.recipe(), tars[0], run);
      assertThat(members)
          .as("the new jar: its entries expanded, next to the old jar expanded")
          .anyMatch(m -> m.inflated() != null
              && m.inflated().recipe() instanceof ZipRecipe zip
              && zip.models().contains(new DeflateModel(DeflateModel.Family.ZLIB, 6))
              && m.inflated().sourceInflated());
      long changedEntries = 0;
      try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(
          temp.resolve("jar-target/opt/app/lib/app-1.1.jar").toFile())) {
        for (int i = 0; i < 10; i++) {
          changedEntries += jar.getEntry("com/example/Type" + i + ".java").getCompressedSize();
        }
      }
      assertThat(encoded.storedBytes())
          .as(
              "ten one-line edits cost far less than the %d bytes of the entries' deflate data",
              changedEntries)
          .isLessThan(changedEntries / 4);
      assertDecodesExactly(layers, encoded, tars[1]);
    }
  }

  @Test
  void aZipRecipeNamingTheWrongModelOrLengthsIsRefusedNotTrusted() throws Exception {
    Path[] tars = jarPair();
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(xdelta3, List.of(tars[0]), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(tars[1]);
      String diffId = LayerRoundTripTest.sha256(tars[1]);
      SourceIndex index = SourceIndex.build(List.of(tars[0]), run);
      for (String lie : List.of("model", "entry-length", "too-long")) {
        Path recipe = rewrite(encoded.recipe(), index, temp.resolve("zip-lie-" + lie), m -> {
          if (!(m.inflated().recipe() instanceof ZipRecipe zip)) {
            return m;
          }
          long[] gaps = new long[zip.entries()];
          long[] contents = new long[zip.entries()];
          int[] models = new int[zip.entries()];
          for (int i = 0; i < zip.entries(); i++) {
            gaps[i] = zip.gap(i);
            contents[i] = zip.contentLength(i);
          }
          List<DeflateModel> named = zip.models();
          switch (lie) {
            case "model" -> named = List.of(new DeflateModel(DeflateModel.Family.GO_FLATE, 1));
            case "entry-length" -> {
              // One byte of a sizeable entry's content moved into the run after it.
              int k = 0;
              while (contents[k] < 100) {
                k++;
              }
              contents[k]--;
              gaps[k + 1]++;
              named = List.of(zip.models().get(0));
            }
            default -> {
              contents[zip.entries() - 1] += m.inflated().contentLength();
              named = List.of(zip.models().get(0));
            }
          }
          return m.withInflated(new StreamRecipe.Inflated(
              new ZipRecipe(named, gaps, contents, models),
              m.inflated().contentLength(),
              m.inflated().sourceInflated()));
        });
        assertThatThrownBy(() ->
                layers.decode(recipe, encoded.literals(), encoded.deltaPack(), diffId, "layer 1"))
            .as("a recipe lying about the %s", lie)
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("corrupt")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      }
      // Format 3 has no zip members: the same records under its signature are refused.
      byte[] asFormat3 = Files.readAllBytes(encoded.recipe());
      System.arraycopy(StreamRecipe.SIGNATURE_3, 0, asFormat3, 0, 4);
      Path format3 = Files.write(temp.resolve("as-format-3"), asFormat3);
      assertThatThrownBy(() ->
              layers.decode(format3, encoded.literals(), encoded.deltaPack(), diffId, "layer 1"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("unknown member flags");
    }
  }

  /**
   * A source and target tar each holding one jar written by the JDK's jar tool: release 1.1 edits a
   * line in ten of its forty sources and adds one.
   */
  private Path[] jarPair() throws Exception {
    Path source = temp.resolve("jar-source");
    Path target = temp.resolve("jar-target");
    Path oldClasses = temp.resolve("classes-1.0");
    Path newClasses = temp.resolve("classes-1.1");
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 40; i++) {
      StringBuilder text = new StringBuilder("package com.example;\n");
      for (int line = 0; line < 300; line++) {
        text.append("  int m")
            .append(random.nextInt(1000))
            .append("() { return ")
            .append(random.nextInt(1 << 16))
            .append("; }\n");
      }
      String name = "com/example/Type" + i + ".java";
      Trees.write(oldClasses.resolve(name), text.toString().getBytes());
      String edited = i < 10
          ? text.toString().replace("package com.example;", "package com.example.v11;")
          : text.toString();
      Trees.write(newClasses.resolve(name), edited.getBytes());
    }
    Trees.write(newClasses.resolve("com/example/Added.java"), "class Added {}\n".getBytes());
    String jarTool = Path.of(System.getProperty("java.home"), "bin", "jar").toString();
    Files.createDirectories(source.resolve("opt/app/lib"));
    Files.createDirectories(target.resolve("opt/app/lib"));
    TestEnvironment.run(
        jarTool,
        "--create",
        "--file",
        source.resolve("opt/app/lib/app-1.0.jar").toString(),
        "-C",
        oldClasses.toString(),
        ".");
    TestEnvironment.run(
        jarTool,
        "--create",
        "--file",
        target.resolve("opt/app/lib/app-1.1.jar").toString(),
        "-C",
        newClasses.toString(),
        ".");
    Path sourceTar = temp.resolve("jar-source.tar");
    Path targetTar = temp.resolve("jar-target.tar");
    TestEnvironment.run(
        "tar", "--format=gnu", "-C", source.toString(), "-cf", sourceTar.toString(), ".");
    TestEnvironment.run(
        "tar", "--format=gnu", "-C", target.toString(), "-cf", targetTar.toString(), ".");
    return new Path[] {sourceTar, targetTar};
  }

  @Test
  void aFormatTwoRecipeStillDecodes() throws Exception {
    Path source = temp.resolve("plain-source");
    Path target = temp.resolve("plain-target");
    Trees.write(source.resolve("etc/app.conf"), Trees.bytes(3, 200_000));
    Trees.write(target.resolve("etc/app.conf"), Trees.edited(Trees.bytes(3, 200_000), 4));
    Trees.write(target.resolve("etc/new.conf"), "new\n".getBytes());
    Path[] tars = {temp.resolve("plain-source.tar"), temp.resolve("plain-target.tar")};
    TestEnvironment.run(
        "tar", "--format=gnu", "-C", source.toString(), "-cf", tars[0].toString(), ".");
    TestEnvironment.run(
        "tar", "--format=gnu", "-C", target.toString(), "-cf", tars[1].toString(), ".");
    try (RunDirectory run = RunDirectory.create(temp.resolve("run"))) {
      LayerCodec layers = new LayerCodec(xdelta3, List.of(tars[0]), run, parallel);
      LayerCodec.Encoded encoded = layers.encode(tars[1]);
      // Without gzip or zip members, what this version writes is what formats 2 and 3 wrote, bar
      // the signature.
      byte[] recipe = Files.readAllBytes(encoded.recipe());
      assertThat(Arrays.copyOf(recipe, 4)).isEqualTo(Arrays.copyOf(StreamRecipe.SIGNATURE, 4));
      for (byte[] signature : List.of(StreamRecipe.SIGNATURE_2, StreamRecipe.SIGNATURE_3)) {
        System.arraycopy(signature, 0, recipe, 0, 4);
        Path older = Files.write(temp.resolve("older-format"), recipe);
        assertThat(StreamRecipe.isStreamRecipe(older)).isTrue();
        Path rebuilt = layers.decode(
            older,
            encoded.literals(),
            encoded.deltaPack(),
            LayerRoundTripTest.sha256(tars[1]),
            "layer 1");
        assertThat(Files.mismatch(rebuilt, tars[1])).isEqualTo(-1L);
      }
    }
  }

  /**
   * A source and target tar holding Debian-style .gz files made by GNU gzip -9n: a changelog with
   * lines added at its top, and a file of two gzip members back to back (which no model writes).
   */
  private Path[] gzipPair() throws Exception {
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    StringBuilder log = new StringBuilder();
    java.util.Random random = new java.util.Random(12);
    for (int i = 0; i < 4000; i++) {
      log.append("  * Fix bug #")
          .append(100000 + random.nextInt(900000))
          .append(" in module ")
          .append(random.nextInt(64))
          .append(" (closes: ")
          .append(random.nextInt(1 << 20))
          .append(")\n");
    }
    String old = log.toString();
    String added = "app (2.1-2) bookworm; urgency=medium\n\n  * Security update.\n\n";
    gzipped(source.resolve("usr/share/doc/app/changelog"), old);
    gzipped(target.resolve("usr/share/doc/app/changelog"), added + old);
    Path twoMembers = temp.resolve("two-members");
    gzipped(twoMembers.resolve("a"), old.substring(0, 30000));
    gzipped(twoMembers.resolve("b"), added + old.substring(30000, 60000));
    byte[] joined = concat(
        Files.readAllBytes(twoMembers.resolve("a.gz")),
        Files.readAllBytes(twoMembers.resolve("b.gz")));
    Trees.write(target.resolve("usr/share/doc/app/joined.gz"), joined);
    Path sourceTar = temp.resolve("source.tar");
    Path targetTar = temp.resolve("target.tar");
    TestEnvironment.run(
        "tar", "--format=gnu", "-C", source.toString(), "-cf", sourceTar.toString(), ".");
    TestEnvironment.run(
        "tar", "--format=gnu", "-C", target.toString(), "-cf", targetTar.toString(), ".");
    return new Path[] {sourceTar, targetTar};
  }

  private static void gzipped(Path file, String text) throws Exception {
    Trees.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    TestEnvironment.run("gzip", "-9n", file.toString());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static void assertDecodesExactly(
      LayerCodec layers, LayerCodec.Encoded encoded, Path targetTar) throws Exception {
    Path rebuilt = layers.decode(
        encoded.recipe(),
        encoded.literals(),
        encoded.deltaPack(),
        LayerRoundTripTest.sha256(targetTar),
        "layer 1");
    assertThat(Files.mismatch(rebuilt, targetTar)).isEqualTo(-1L);
  }

  private static List<StreamRecipe.Member> members(Path recipe, Path sourceTar, RunDirectory run)
      throws Exception {
    List<StreamRecipe.Member> members = new java.util.ArrayList<>();
    try (StreamRecipe.Reader reader =
        new StreamRecipe.Reader(recipe, SourceIndex.build(List.of(sourceTar), run))) {
      while (reader.hasNext()) {
        members.add(reader.next());
      }
      reader.finish();
    }
    return members;
  }

  /** The recipe with every inflated member passed through {@code change}, totals kept. */
  private static Path rewrite(
      Path recipe,
      SourceIndex index,
      Path to,
      java.util.function.UnaryOperator<StreamRecipe.Member> change)
      throws Exception {
    List<StreamRecipe.Member> members = new java.util.ArrayList<>();
    long trailer;
    long streamLength;
    long tarSize;
    long restBudget;
    try (StreamRecipe.Reader reader = new StreamRecipe.Reader(recipe, index)) {
      streamLength = reader.streamLength();
      tarSize = reader.tarSize();
      restBudget = reader.restBudget();
      while (reader.hasNext()) {
        StreamRecipe.Member member = reader.next();
        members.add(member.inflated() != null ? change.apply(member) : member);
      }
      trailer = reader.finish();
    }
    try (StreamRecipe.Writer writer =
        new StreamRecipe.Writer(to, members.size(), streamLength, tarSize, restBudget)) {
      for (StreamRecipe.Member member : members) {
        writer.member(member);
      }
      writer.trailer(trailer);
    }
    return to;
  }

  /** A source and target tar: changed, renamed, moved, new and deleted files. */
  private Path[] pair(String format) throws Exception {
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    Trees.buildPair(source, target);
    Trees.write(
        target.resolve("opt/app/lib/libfoo-1.2.4.jar"), Trees.edited(Trees.bytes(20, 300_000), 21));
    Trees.write(source.resolve("opt/app/lib/libfoo-1.2.3.jar"), Trees.bytes(20, 300_000));
    Trees.write(
        target.resolve("opt/app/" + "deep/".repeat(30) + "long-name.txt"), "long\n".getBytes());
    Trees.write(
        target.resolve("moved/elsewhere.bin"),
        Files.readAllBytes(source.resolve("usr/share/doc/big.bin")));
    Path sourceTar = temp.resolve("source.tar");
    Path targetTar = temp.resolve("target.tar");
    TestEnvironment.run("tar", format, "-C", source.toString(), "-cf", sourceTar.toString(), ".");
    TestEnvironment.run("tar", format, "-C", target.toString(), "-cf", targetTar.toString(), ".");
    return new Path[] {sourceTar, targetTar};
  }
}
