package io.github.deltaimage.format.dir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.fs.RelativePath;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaFileTest {

  @TempDir
  Path temp;

  @Test
  void writesCompactJsonWithPathsAsByteArraysLikeSerde() throws IOException {
    DeltaMeta meta = new DeltaMeta(
        "0.1.1",
        List.of(RelativePath.of("a/b".getBytes())),
        List.of(
            new DeltaMeta.Change(
                DeltaMeta.Kind.XDelta3, RelativePath.of(new byte[] {'c', (byte) 0xff})),
            new DeltaMeta.Change(DeltaMeta.Kind.AsIs, RelativePath.of("d".getBytes()))));
    MetaFile.write(meta, temp.resolve(MetaFile.NAME));
    assertThat(temp.resolve(MetaFile.NAME))
        .hasContent(
            "{\"version\":\"0.1.1\",\"keep_files\":[[97,47,98]],\"changes\":[[\"XDelta3\",[99,255]],[\"AsIs\",[100]]]}");
    assertThat(MetaFile.read(temp)).isEqualTo(meta);
  }

  @Test
  void readsPrettyPrintedAndEmptyIndexes() throws IOException {
    Files.writeString(
        temp.resolve(MetaFile.NAME),
        "{\n  \"version\": \"0.1.0\",\n  \"keep_files\": [],\n  \"changes\": []\n}\n");
    assertThat(MetaFile.read(temp)).isEqualTo(new DeltaMeta("0.1.0", List.of(), List.of()));
  }

  @Test
  void aMillionEntryMetaFileIsReadWithinTheTestHeap() throws IOException {
    // About 140 MB of JSON; as a tree of JsonNodes it needs several GB, streamed its paths fit in
    // ~100 MB.
    int entries = 1_000_000;
    Path file = temp.resolve(MetaFile.NAME);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      out.write("{\"version\":\"0.1.1\",\"keep_files\":[");
      for (int i = 0; i < entries; i++) {
        if (i > 0) {
          out.write(',');
        }
        writeBytes(
            out,
            ("usr/share/doc/package-" + (i / 100) + "/file-" + i + ".txt")
                .getBytes(StandardCharsets.US_ASCII));
      }
      out.write("],\"changes\":[[\"XDelta3\",");
      writeBytes(out, "usr/bin/tool".getBytes(StandardCharsets.US_ASCII));
      out.write("]]}");
    }
    assertThat(Runtime.getRuntime().maxMemory())
        .as("runs under the surefire heap")
        .isLessThanOrEqualTo(512L << 20);

    DeltaMeta meta = MetaFile.read(temp);

    assertThat(meta.keepFiles()).hasSize(entries);
    assertThat(meta.keepFiles().get(entries - 1))
        .hasToString("usr/share/doc/package-9999/file-999999.txt");
    assertThat(meta.changes())
        .containsExactly(new DeltaMeta.Change(
            DeltaMeta.Kind.XDelta3, RelativePath.of("usr/bin/tool".getBytes())));
  }

  @Test
  void unknownFieldsAreSkippedAndTrailingGarbageIsRefused() throws IOException {
    Files.writeString(
        temp.resolve(MetaFile.NAME),
        "{\"version\":\"0.2\",\"extra\":{\"a\":[1,2]},\"keep_files\":[[97]],\"changes\":[]}");
    assertThat(MetaFile.read(temp).keepFiles()).containsExactly(RelativePath.of("a".getBytes()));
    Files.writeString(
        temp.resolve(MetaFile.NAME), "{\"version\":\"0.2\",\"keep_files\":[],\"changes\":[]} x");
    assertThatThrownBy(() -> MetaFile.read(temp))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageNotContaining("\n");
  }

  private static void writeBytes(Writer out, byte[] bytes) throws IOException {
    out.write('[');
    for (int i = 0; i < bytes.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(Integer.toString(bytes[i] & 0xff));
    }
    out.write(']');
  }
}
