package io.github.deltaimage.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI is a front end: it reaches core through the facade and the types the facade takes and returns,
 * never through core's machinery (tar, file system, layer encoding, the transports' implementations), and
 * never through docker-java, which stays behind core's {@code DockerEngine}.
 *
 * <p>Everything it needs is in core's API package, so that is the only one it may import.
 */
class FrontEndArchitectureTest {

  /** Main code only: tests may reach anything they need to set up. */
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(new ImportOption.DoNotIncludeTests())
      .importPackages("io.github.deltaimage.cli");

  /** The one package of core a front end may use: the facade and the types it takes and returns. */
  static final String CORE_API_PACKAGE = "io.github.deltaimage.api";

  @Test
  void the_front_end_uses_only_the_api_of_core() {
    noClasses()
        .that()
        .resideInAPackage("io.github.deltaimage.cli..")
        .should()
        .dependOnClassesThat(resideInAPackage("io.github.deltaimage..")
            .and(not(resideInAPackage("io.github.deltaimage.cli..")))
            .and(not(resideInAPackage(CORE_API_PACKAGE))))
        .check(CLASSES);
  }

  @Test
  void the_front_end_never_sees_docker_java() {
    noClasses()
        .that()
        .resideInAPackage("io.github.deltaimage.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.github.dockerjava..")
        .check(CLASSES);
  }
}
