package io.github.deltaimage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shape of core, checked on every build so it stays as ARCHITECTURE.md describes it. A failure names
 * the class and the dependency that broke the rule.
 */
class ArchitectureTest {

  /** Main code only: tests may reach anything they need to set up. */
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(new ImportOption.DoNotIncludeTests())
      .importPackages("io.github.deltaimage");

  /**
   * One slice per idea (a top-level package with its subpackages: {@code transport} and its transports
   * are one idea, the interfaces and the factory beside the implementations).
   */
  @Test
  void the_packages_of_core_form_no_cycle() {
    slices().matching("io.github.deltaimage.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  /** The facade ({@code DeltaImage}, {@code DeltaOptions}) sits on top: nothing below it reaches back up. */
  @Test
  void nothing_below_the_facade_depends_on_it() {
    noClasses()
        .that()
        .resideInAPackage("io.github.deltaimage.*..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.github.deltaimage")
        .check(CLASSES);
  }

  @Test
  void core_knows_nothing_of_maven() {
    noClasses()
        .that()
        .resideInAPackage("io.github.deltaimage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.maven..", "org.codehaus.plexus..")
        .check(CLASSES);
  }

  /** docker-java stays behind {@code DockerEngine}, so the daemon transport can change and the rest never sees it. */
  @Test
  void only_the_daemon_transport_uses_docker_java() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.github.deltaimage.transport.daemon..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.github.dockerjava..")
        .check(CLASSES);
  }
}
