package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaimage.delta.ImageDeltaSummary;
import io.github.deltaimage.event.FileDecision;
import io.github.deltaimage.image.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaReportsTest {

  @TempDir
  Path dir;

  private static Digest digest(String s) {
    return Digest.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private static ImageDeltaSummary summary() {
    return new ImageDeltaSummary(digest("source"), digest("target"), 1000, 800, 40,
        List.of(new ImageDeltaSummary.LayerSummary(digest("l1"), -1, 0, true, true),
            new ImageDeltaSummary.LayerSummary(digest("l2"), 800, 38, false, true)),
        List.of(new FileDecision("etc/<odd>&name", FileDecision.Outcome.DELTA, 500, 30, null)),
        digest("manifest"), false, List.of("a note"), 2_500_000_000L);
  }

  @Test
  void jsonCarriesWhatPipelinesRead() throws Exception {
    Path json = DeltaReports.write(dir, new DeltaReports.Run("diff", Map.of("source", "oci:/a:1"), false), summary());

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(json.getFileName()).hasToString("diff-report.json");
    assertThat(report.path("images").path("source").asText()).isEqualTo("oci:/a:1");
    assertThat(report.path("sourceBytes").asLong()).isEqualTo(1000);
    assertThat(report.path("targetBytes").asLong()).isEqualTo(800);
    assertThat(report.path("deltaBytes").asLong()).isEqualTo(40);
    assertThat(report.path("ratio").asDouble()).isEqualTo(0.05);
    assertThat(report.path("elapsedSeconds").asDouble()).isEqualTo(2.5);
    assertThat(report.path("targetImageId").asText()).isEqualTo(digest("target").toString());
    assertThat(report.path("layers")).hasSize(2);
    assertThat(report.path("topFiles").get(0).path("outcome").asText()).isEqualTo("DELTA");
    assertThat(report.path("notes").get(0).asText()).isEqualTo("a note");
  }

  @Test
  void htmlHasTheChartAndEscapesNames() throws Exception {
    DeltaReports.write(dir, new DeltaReports.Run("diff", Map.of("source", "oci:/a:1"), false), summary());

    String html = Files.readString(dir.resolve("diff-report.html"));
    assertThat(html).contains("<svg").contains("Where the delta bytes go").contains("etc/&lt;odd&gt;&amp;name")
        .doesNotContain("<odd>").contains("a note");
  }
}
