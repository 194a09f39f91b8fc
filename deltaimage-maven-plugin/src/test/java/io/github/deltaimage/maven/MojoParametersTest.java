package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.api.ImageReference;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/** The parameter mapping, without Maven around: plain fields set as Maven would set them. */
class MojoParametersTest {

  private final List<String> logged = new ArrayList<>();

  private <T extends AbstractDeltaImageMojo> T quiet(T mojo) {
    mojo.setLog(new SystemStreamLog() {
      @Override
      public void info(CharSequence content) {
        logged.add(content.toString());
      }

      @Override
      public void warn(CharSequence content) {
        logged.add(content.toString());
      }
    });
    return mojo;
  }

  @Test
  void skipSaysWhyInOneLineAndNeedsNoOtherParameter() throws Exception {
    DiffMojo diff = quiet(new DiffMojo(null));
    diff.skip = true;

    diff.execute();

    assertThat(logged)
        .containsExactly("Skipping deltaimage:diff: <skip> (-Ddeltaimage.skip) is true");
  }

  @Test
  void missingTargetNamesTheElementAndTheProperty() {
    DiffMojo diff = quiet(new DiffMojo(null));
    diff.source = "oci:/x:1";

    assertThatThrownBy(diff::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("<target> (-Ddeltaimage.target) is missing")
        .hasMessageContaining("-Ddeltaimage.target=");
  }

  @Test
  void unknownDeltaNamingSaysWhichNamingsThereAre() {
    DiffMojo diff = quiet(new DiffMojo(null));
    diff.source = "oci:/x:1";
    diff.target = "oci:/x:2";
    diff.deltaNaming = "suffix";

    assertThatThrownBy(diff::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("<deltaNaming> (-Ddeltaimage.deltaNaming) is 'suffix'")
        .hasMessageContaining("repository (app-delta:1.1, the default) or tag (app:1.1-delta)");
  }

  @Test
  void unknownEngineSaysWhichEnginesThereAreBeforeReadingAnImage() {
    DiffMojo diff = quiet(new DiffMojo(null));
    diff.source = "oci:/no/such/layout:1";
    diff.target = "oci:/no/such/layout:2";
    diff.engine = "bsdiff";

    assertThatThrownBy(diff::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("<engine> (-Ddeltaimage.engine) is invalid")
        .hasMessageContaining("smallest, suffix-array, lzma2-dictionary, xdelta3");
  }

  @Test
  void missingOutputOfApplyNamesTheElementAndTheProperty() {
    ApplyMojo apply = quiet(new ApplyMojo(null));
    apply.delta = "oci:/x:1";

    assertThatThrownBy(apply::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("<output> (-Ddeltaimage.output) is missing");
  }

  @Test
  void malformedReferenceNamesItsParameter() {
    DiffMojo diff = quiet(new DiffMojo(null));
    diff.source = "oci:/x:1";
    diff.target = "ftp://nope";

    assertThatThrownBy(diff::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("<target> (-Ddeltaimage.target) is not an image reference")
        .hasCauseInstanceOf(io.github.deltaimage.api.InvalidInputException.class);
  }

  @Test
  void passwordWithoutUserIsRefused() {
    DiffMojo diff = quiet(new DiffMojo(null));
    diff.pullPassword = "x";

    assertThatThrownBy(() -> diff.options(List.of()))
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("<pullUsername> (-Ddeltaimage.pullUsername) is missing");
  }

  @Test
  void explicitLoginsPlatformAndInsecureHostsReachCore() throws Exception {
    DiffMojo diff = quiet(new DiffMojo(null));
    diff.pullUsername = "reader";
    diff.pullPassword = "pull-secret";
    diff.pushUsername = "writer";
    diff.pushPassword = "push-secret";
    diff.platform = "linux/arm64";
    diff.allowInsecureRegistries = true;

    DeltaOptions options = diff.options(List.of(
        ImageReference.parse("registry.internal:5000/app:1"), ImageReference.parse("oci:/x:1")));

    assertThat(options.sourceCredentials().orElseThrow().username()).isEqualTo("reader");
    assertThat(options.sourceCredentials().orElseThrow().source())
        .isEqualTo("<pullUsername> parameter");
    assertThat(options.destinationCredentials().orElseThrow().username()).isEqualTo("writer");
    assertThat(options.platform().toString()).contains("arm64");
    assertThat(options.plainHttpHosts()).containsExactly("registry.internal:5000");
    assertThat(logged).isNotEmpty().noneMatch(line -> line.contains("secret"));
  }

  @Test
  void badPlatformNamesItsParameter() {
    DiffMojo diff = quiet(new DiffMojo(null));
    diff.platform = "arm64";

    assertThatThrownBy(() -> diff.options(List.of()))
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("<platform> (-Ddeltaimage.platform)");
  }
}
