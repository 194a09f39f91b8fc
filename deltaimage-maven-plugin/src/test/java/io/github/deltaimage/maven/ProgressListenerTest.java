package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.CopyEvent;
import io.github.deltaimage.api.DeltaEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {

  private final List<String> logged = new ArrayList<>();
  private final SystemStreamLog log = new SystemStreamLog() {
    @Override
    public void info(CharSequence content) {
      logged.add(content.toString());
    }
  };

  @Test
  void theLoginOfEachRegistryIsLoggedByItsSource() {
    ProgressListener listener = new ProgressListener(log, null);

    listener.onEvent(new DeltaEvent.Copy(new CopyEvent.CredentialsChosen(
        "reg.example:5000",
        "user 'ci' from settings.xml <server> 'reg'",
        List.of("settings.xml <server> 'reg'"))));
    listener.onEvent(new DeltaEvent.Copy(new CopyEvent.CredentialsChosen(
        "other:5000", "none", List.of("/root/.docker/config.json (not present)"))));

    assertThat(logged)
        .containsExactly(
            "Registry reg.example:5000: using user 'ci' from settings.xml <server> 'reg'",
            "Registry other:5000: no login found (tried /root/.docker/config.json (not present));"
                + " going on anonymously");
  }

  @Test
  void inBatchModeAStepEndsWithOneLineCarryingItsFileSizes() {
    ProgressListener listener = new ProgressListener(log, null);

    listener.onEvent(new DeltaEvent.Step("encoding layer 1/1", 0, 1));
    listener.onEvent(new DeltaEvent.FileDecided(new io.github.deltaimage.api.FileDecision(
        "usr/bin/app", io.github.deltaimage.api.FileDecision.Outcome.DELTA, 4096, 100, null)));
    listener.finishStep();

    assertThat(logged)
        .singleElement()
        .asString()
        .startsWith("Encoding layer 1/1: ")
        .contains("1 file: 4.1 kB in the target, 100 B in the delta");
  }
}
