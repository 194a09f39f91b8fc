package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.DeltaEvent;
import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.FileDecision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/** What a goal shows while it works: plain lines with times and sizes under -B, a redrawn line with totals on a console. */
class ProgressListenerTest {

  /** The INFO lines a goal logs. */
  private static final class RecordingLog extends SystemStreamLog {
    final List<String> lines = new ArrayList<>();

    @Override
    public void info(CharSequence content) {
      lines.add(content.toString());
    }
  }

  private static final Digest BLOB = Digest.sha256("blob".getBytes(StandardCharsets.UTF_8));

  @Test
  void inBatchModeEachStepEndsInOneLineWithItsTimeAndForAnEncodedLayerItsSizes() {
    RecordingLog log = new RecordingLog();
    ProgressListener progress = new ProgressListener(log, null);

    progress.onEvent(new DeltaEvent.Step("reading source layer abc", 0, 2));
    progress.onEvent(new DeltaEvent.Step("encoding target layer 2/4", 1, 4));
    progress.onEvent(new DeltaEvent.FileDecided(
        new FileDecision("opt/app/lib/a.jar", FileDecision.Outcome.DELTA, 703_000, 510_000, null)));
    progress.onEvent(new DeltaEvent.FileDecided(
        new FileDecision("opt/app/version", FileDecision.Outcome.DELTA, 4, 2, null)));
    progress.onEvent(new DeltaEvent.Step("encoding target layer 3/4", 2, 4));
    progress.finishStep();

    assertThat(log.lines).hasSize(3);
    assertThat(log.lines.get(0)).matches("Reading source layer abc: [0-9]+\\.[0-9] s");
    assertThat(log.lines.get(1))
        .matches("Encoding target layer 2/4: [0-9]+\\.[0-9] s, 2 files: 703\\.0 kB in the target,"
            + " 510\\.0 kB in the delta");
    assertThat(log.lines.get(2))
        .as("a step without files has no sizes")
        .matches("Encoding target layer 3/4: [0-9]+\\.[0-9] s");
  }

  @Test
  void inBatchModeEachBlobEndsInOneLineWithItsSizeAndTime() {
    RecordingLog log = new RecordingLog();
    ProgressListener progress = new ProgressListener(log, null);

    progress.onEvent(new DeltaEvent.Copy(new CopyEvent.BlobStarted(BLOB, 2_000_000, "layer")));
    progress.onEvent(new DeltaEvent.Copy(new CopyEvent.BlobProgress(BLOB, 1_000_000, 2_000_000)));
    progress.onEvent(new DeltaEvent.Copy(new CopyEvent.BlobDone(BLOB, 2_000_000)));

    assertThat(log.lines)
        .singleElement()
        .asString()
        .matches("  blob " + BLOB.shortHex() + ": 2\\.0 MB written in [0-9]+\\.[0-9] s");
  }

  @Test
  void aTarForTheDaemonOrAnArchiveIsNamedALayerTarNotABlob() {
    RecordingLog log = new RecordingLog();
    ProgressListener progress = new ProgressListener(log, null);

    progress.onEvent(
        new DeltaEvent.Copy(new CopyEvent.BlobStarted(BLOB, 121_600_000, "layer tar")));
    progress.onEvent(new DeltaEvent.Copy(new CopyEvent.BlobDone(BLOB, 121_600_000)));

    assertThat(log.lines)
        .singleElement()
        .asString()
        .matches("  layer tar " + BLOB.shortHex() + ": 121\\.6 MB written in [0-9]+\\.[0-9] s");
  }

  @Test
  void onAConsoleTheRedrawnLineShowsTheTotal() {
    RecordingLog log = new RecordingLog();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressListener progress = new ProgressListener(log, console);

    progress.onEvent(new DeltaEvent.Step("reading source layers", 3, 9));
    progress.onEvent(new DeltaEvent.Copy(new CopyEvent.BlobProgress(BLOB, 1_500_000, 6_000_000)));
    progress.endLine();

    String shown = bytes.toString(StandardCharsets.UTF_8);
    assertThat(shown).contains("reading source layers (3 of 9 done)");
    assertThat(shown).contains(BLOB.shortHex() + " 1.5 MB of 6.0 MB (25 %)");
    assertThat(log.lines).as("nothing in the log for a redrawn line").isEmpty();
  }

  @Test
  void theLoginOfEachRegistryIsLoggedByItsSource() {
    RecordingLog log = new RecordingLog();
    ProgressListener progress = new ProgressListener(log, null);

    progress.onEvent(new DeltaEvent.Copy(new CopyEvent.CredentialsChosen(
        "reg.example:5000",
        "user 'ci' from settings.xml <server> 'reg'",
        List.of("settings.xml <server> 'reg'"))));
    progress.onEvent(new DeltaEvent.Copy(new CopyEvent.CredentialsChosen(
        "other:5000", "none", List.of("/root/.docker/config.json (not present)"))));

    assertThat(log.lines)
        .containsExactly(
            "Registry reg.example:5000: using user 'ci' from settings.xml <server> 'reg'",
            "Registry other:5000: no login found (tried /root/.docker/config.json (not present));"
                + " going on anonymously");
  }
}
