package io.github.deltaimage.maven;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Maven plugin is a front end: it reaches core through the facade and the types the facade takes and returns,
 * never through core's machinery (tar, file system, layer encoding, the transports' implementations), and
 * never through docker-java, which stays behind core's {@code DockerEngine}.
 *
 * <p>The aim is one typed API package; until core has it, this holds the front end to the core packages
 * it uses today, so the list can only shrink.
 */
class FrontEndArchitectureTest {

  /** Main code only: tests may reach anything they need to set up. */
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(new ImportOption.DoNotIncludeTests())
      .importPackages("io.github.deltaimage.maven");

  /** The core packages a front end may use; every other package of core is machinery behind them. */
  static final String[] CORE_API_PACKAGES = {
    "io.github.deltaimage",
    "io.github.deltaimage.api",
    "io.github.deltaimage.codec",
    "io.github.deltaimage.copy",
    "io.github.deltaimage.delta",
    "io.github.deltaimage.dockerfile",
    "io.github.deltaimage.event",
    "io.github.deltaimage.format.dir",
    "io.github.deltaimage.image",
    "io.github.deltaimage.reference",
    "io.github.deltaimage.transport",
    "io.github.deltaimage.transport.registry.credentials",
  };

  @Test
  void the_front_end_uses_only_the_api_of_core() {
    noClasses()
        .that()
        .resideInAPackage("io.github.deltaimage.maven..")
        .should()
        .dependOnClassesThat(resideInAPackage("io.github.deltaimage..")
            .and(not(resideInAPackage("io.github.deltaimage.maven..")))
            .and(not(resideInAnyPackage(CORE_API_PACKAGES))))
        .check(CLASSES);
  }

  @Test
  void the_front_end_never_sees_docker_java() {
    noClasses()
        .that()
        .resideInAPackage("io.github.deltaimage.maven..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.github.dockerjava..")
        .check(CLASSES);
  }
}
