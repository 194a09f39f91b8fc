package io.github.deltaimage.maven;

import io.github.deltaimage.testing.FrontEndRules;
import org.junit.jupiter.api.Test;

/** The Maven plugin is a front end: it keeps to the rules of {@link FrontEndRules}. */
class FrontEndArchitectureTest {

  @Test
  void the_front_end_uses_only_the_api_of_core() {
    FrontEndRules.checkUsesOnlyTheApi("io.github.deltaimage.maven");
  }

  @Test
  void the_front_end_never_sees_docker_java() {
    FrontEndRules.checkNeverSeesDockerJava("io.github.deltaimage.maven");
  }
}
