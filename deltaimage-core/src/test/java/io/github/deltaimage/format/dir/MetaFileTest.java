package io.github.deltaimage.format.dir;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.fs.RelativePath;
import java.io.IOException;
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
    DeltaMeta meta = new DeltaMeta("0.1.1", List.of(RelativePath.of("a/b".getBytes())),
        List.of(new DeltaMeta.Change(DeltaMeta.Kind.XDelta3, RelativePath.of(new byte[] {'c', (byte) 0xff})),
            new DeltaMeta.Change(DeltaMeta.Kind.AsIs, RelativePath.of("d".getBytes()))));
    MetaFile.write(meta, temp.resolve(MetaFile.NAME));
    assertThat(temp.resolve(MetaFile.NAME)).hasContent(
        "{\"version\":\"0.1.1\",\"keep_files\":[[97,47,98]],\"changes\":[[\"XDelta3\",[99,255]],[\"AsIs\",[100]]]}");
    assertThat(MetaFile.read(temp)).isEqualTo(meta);
  }

  @Test
  void readsPrettyPrintedAndEmptyIndexes() throws IOException {
    Files.writeString(temp.resolve(MetaFile.NAME), "{\n  \"version\": \"0.1.0\",\n  \"keep_files\": [],\n  \"changes\": []\n}\n");
    assertThat(MetaFile.read(temp)).isEqualTo(new DeltaMeta("0.1.0", List.of(), List.of()));
  }
}
