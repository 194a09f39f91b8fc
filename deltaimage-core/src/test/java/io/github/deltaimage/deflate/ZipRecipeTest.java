package io.github.deltaimage.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zip files walked, expanded and rebuilt byte for byte from their expanded form. */
class ZipRecipeTest {

  @TempDir
  Path temp;

  @Test
  void aJarTheJdkToolWroteIsExpandedWholeAndRebuiltByteForByte() throws Exception {
    Path classes = temp.resolve("classes");
    for (int i = 0; i < 40; i++) {
      Path file = classes.resolve("com/example/pkg" + (i % 4) + "/Type" + i + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source(i, 200 + 37 * i));
    }
    Path jar = temp.resolve("app.jar");
    TestEnvironment.run(
        Path.of(System.getProperty("java.home"), "bin", "jar").toString(),
        "--create",
        "--file",
        jar.toString(),
        "-C",
        classes.toString(),
        ".");

    try (FileChannel file = FileChannel.open(jar, StandardOpenOption.READ);
        ZipFile zip = new ZipFile(jar.toFile())) {
      long deflated = Collections.list(zip.entries()).stream()
          .filter(e -> e.getMethod() == ZipEntry.DEFLATED)
          .count();
      ZipLayout layout = ZipLayout.scan(file, 0, file.size(), Long.MAX_VALUE);
      assertThat(layout.entries())
          .as("the walk finds every deflated entry, past the jar tool's data descriptors")
          .isEqualTo(deflated)
          .isGreaterThan(40);
      ZipRecipe.Found found = ZipRecipe.identify(file, 0, file.size(), layout).orElseThrow();
      assertThat(found.expanded()).containsOnly(true);
      assertThat(found.recipe().models()).contains(new DeflateModel(DeflateModel.Family.ZLIB, 6));
      assertRebuilds(file, layout, found);
    }
  }

  @Test
  void storedEntriesLevelsAndAnEntryNoModelWroteAreAllKept() throws Exception {
    Path archive = temp.resolve("mixed.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
      deflated(zip, "fast.txt", source(1, 3000), Deflater.BEST_SPEED);
      stored(zip, "stored.bin", source(2, 500).getBytes(StandardCharsets.UTF_8));
      deflated(zip, "best.txt", source(3, 3000), Deflater.BEST_COMPRESSION);
      zip.setLevel(Deflater.DEFAULT_COMPRESSION);
      zip.putNextEntry(new ZipEntry("empty.txt"));
      zip.closeEntry();
      deflated(zip, "default.txt", source(4, 3000), Deflater.DEFAULT_COMPRESSION);
    }
    // Huffman-only coding is a zlib strategy no model writes; ZipOutputStream has no strategy
    // setting, so such entries are made by hand.
    Path handMade = temp.resolve("hand-made.zip");
    byte[] huffman =
        rawDeflate(source(5, 4000).getBytes(StandardCharsets.UTF_8), Deflater.HUFFMAN_ONLY);
    Files.write(
        handMade,
        concat(
            Files.readAllBytes(archive),
            localEntry(
                "huffman-only.txt", huffman, source(5, 4000).getBytes(StandardCharsets.UTF_8))));

    try (FileChannel file = FileChannel.open(archive, StandardOpenOption.READ)) {
      ZipLayout layout = ZipLayout.scan(file, 0, file.size(), Long.MAX_VALUE);
      assertThat(layout.entries())
          .as("three texts and the empty entry, the stored one walked past")
          .isEqualTo(4);
      ZipRecipe.Found found = ZipRecipe.identify(file, 0, file.size(), layout).orElseThrow();
      // Levels 8 and 9 write the same for this text; whichever is found first rebuilds it.
      assertThat(found.expanded()).containsOnly(true);
      assertThat(found.recipe().models())
          .as("one model per level the archive was written at")
          .hasSize(3)
          .contains(new DeflateModel(DeflateModel.Family.ZLIB, 1));
      assertRebuilds(file, layout, found);
    }
    // The hand-made archive: its central directory comes before a last local entry, so the walk
    // stops at the directory and the trailing entry is kept as it is.
    try (FileChannel file = FileChannel.open(handMade, StandardOpenOption.READ)) {
      ZipLayout layout = ZipLayout.scan(file, 0, file.size(), Long.MAX_VALUE);
      assertThat(layout.entries()).isEqualTo(4);
      assertRebuilds(
          file, layout, ZipRecipe.identify(file, 0, file.size(), layout).orElseThrow());
    }
    Path huffmanOnly = temp.resolve("huffman-only.zip");
    Files.write(
        huffmanOnly,
        concat(
            localEntry(
                "a.txt",
                rawDeflate(source(6, 4000).getBytes(StandardCharsets.UTF_8), Deflater.HUFFMAN_ONLY),
                source(6, 4000).getBytes(StandardCharsets.UTF_8)),
            localEntry("b.txt", huffman, source(5, 4000).getBytes(StandardCharsets.UTF_8))));
    try (FileChannel file = FileChannel.open(huffmanOnly, StandardOpenOption.READ)) {
      ZipLayout layout = ZipLayout.scan(file, 0, file.size(), Long.MAX_VALUE);
      assertThat(layout.entries()).isEqualTo(2);
      assertThat(ZipRecipe.identify(file, 0, file.size(), layout)).isEmpty();
    }
  }

  @Test
  void whatTheWalkDoesNotFollowComesOutAsItIs() throws Exception {
    Random random = new Random(7);
    byte[] garbage = new byte[5000];
    random.nextBytes(garbage);
    garbage[0] = 'P';
    garbage[1] = 'K';
    garbage[2] = 3;
    garbage[3] = 4;
    garbage[8] = 8; // "deflated", but the data is noise
    garbage[6] = 0;
    Path noise = Files.write(temp.resolve("noise.zip"), garbage);
    try (FileChannel file = FileChannel.open(noise, StandardOpenOption.READ)) {
      ZipLayout layout = ZipLayout.scan(file, 0, file.size(), Long.MAX_VALUE);
      assertThat(layout.entries()).isZero();
      ByteArrayOutputStream expanded = new ByteArrayOutputStream();
      assertThat(layout.expand(file, 0, file.size(), layout.all(), expanded))
          .isEqualTo(garbage.length);
      assertThat(expanded.toByteArray()).isEqualTo(garbage);
    }
    // A bomb: content past the limit ends the walk before that entry.
    byte[] zeros = new byte[1 << 20];
    Path bomb = Files.write(
        temp.resolve("bomb.zip"),
        concat(
            localEntry(
                "small.txt", rawDeflate(new byte[100], Deflater.DEFAULT_STRATEGY), new byte[100]),
            localEntry("big.txt", rawDeflate(zeros, Deflater.DEFAULT_STRATEGY), zeros)));
    try (FileChannel file = FileChannel.open(bomb, StandardOpenOption.READ)) {
      assertThat(ZipLayout.scan(file, 0, file.size(), 1000).entries()).isEqualTo(1);
      assertThat(ZipLayout.scan(file, 0, file.size(), 2 << 20).entries()).isEqualTo(2);
    }
  }

  @Test
  void anExpandedFormCutShortIsRefused() throws Exception {
    ZipRecipe recipe = new ZipRecipe(
        java.util.List.of(new DeflateModel(DeflateModel.Family.ZLIB, 6)),
        new long[] {30, 10},
        new long[] {100, 100},
        new int[] {0, 0});
    OutputStream rebuilt = recipe.newCompressingStream(new ByteArrayOutputStream());
    rebuilt.write(new byte[150]);
    assertThatThrownBy(rebuilt::close)
        .isInstanceOf(ZipRecipe.Incomplete.class)
        .hasMessageContaining("entry 1 of the 2");
  }

  private static void assertRebuilds(FileChannel file, ZipLayout layout, ZipRecipe.Found found)
      throws IOException {
    ByteArrayOutputStream expanded = new ByteArrayOutputStream();
    long length = layout.expand(file, 0, file.size(), found.expanded(), expanded);
    assertThat(length)
        .isEqualTo(expanded.size())
        .isEqualTo(layout.expandedLength(file.size(), found.expanded()));
    assertThat(found.recipe().listedLength()).isLessThanOrEqualTo(length);
    ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
    try (OutputStream out = found.recipe().newCompressingStream(rebuilt)) {
      byte[] bytes = expanded.toByteArray();
      // Odd-sized writes, so that entry ends fall inside writes.
      for (int at = 0; at < bytes.length; at += 997) {
        out.write(bytes, at, Math.min(997, bytes.length - at));
      }
    }
    byte[] original = new byte[(int) file.size()];
    file.read(java.nio.ByteBuffer.wrap(original), 0);
    assertThat(Arrays.mismatch(rebuilt.toByteArray(), original)).isEqualTo(-1);
  }

  private static String source(long seed, int lines) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder("package com.example;\n\n");
    for (int i = 0; i < lines / 10; i++) {
      text.append("  public int method")
          .append(random.nextInt(500))
          .append("(int value) { return value * ")
          .append(random.nextInt(97))
          .append(" + field")
          .append(random.nextInt(20))
          .append("; }\n");
    }
    return text.toString();
  }

  private static void deflated(ZipOutputStream zip, String name, String text, int level)
      throws IOException {
    zip.setLevel(level);
    zip.putNextEntry(new ZipEntry(name));
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    entry.setCompressedSize(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(content);
    zip.closeEntry();
  }

  private static byte[] rawDeflate(byte[] content, int strategy) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setStrategy(strategy);
    deflater.setInput(content);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  /** A local header with sizes and CRC, then the deflate data: an entry without a descriptor. */
  private static byte[] localEntry(String name, byte[] data, byte[] content) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer header =
        java.nio.ByteBuffer.allocate(30 + nameBytes.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    CRC32 crc = new CRC32();
    crc.update(content);
    header.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8);
    header.putInt(0).putInt((int) crc.getValue()).putInt(data.length).putInt(content.length);
    header.putShort((short) nameBytes.length).putShort((short) 0).put(nameBytes);
    return concat(header.array(), data);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
