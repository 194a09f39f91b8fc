package io.github.deltaimage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.deltaimage.api.DeltaImage;
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

  /** The facade: the one class of {@code api} that reaches down into the machinery. */
  private static final DescribedPredicate<JavaClass> FACADE =
      JavaClass.Predicates.belongToAnyOf(DeltaImage.class);

  /**
   * One slice per idea (a top-level package with its subpackages: {@code transport} and its
   * transports are one idea, the interfaces and the factory beside the implementations). The facade
   * sits in {@code api} so that front ends import one package; its calls down are the arrows of the
   * use cases, not a cycle.
   */
  @Test
  void the_packages_of_core_form_no_cycle() {
    slices()
        .matching("io.github.deltaimage.(*)..")
        .should()
        .beFreeOfCycles()
        .ignoreDependency(FACADE, DescribedPredicate.alwaysTrue())
        .check(CLASSES);
  }

  /** Nothing in core calls the facade: it is the front ends' way in, on top of everything. */
  @Test
  void nothing_in_core_calls_the_facade() {
    noClasses()
        .that(DescribedPredicate.not(FACADE))
        .should()
        .dependOnClassesThat(FACADE)
        .check(CLASSES);
  }

  /**
   * The API package is core's bottom: its values (references, options, events, summaries,
   * exceptions) use nothing else of core, so every package may use them.
   */
  @Test
  void the_api_values_use_nothing_else_of_core() {
    noClasses()
        .that(JavaClass.Predicates.resideInAPackage("io.github.deltaimage.api")
            .and(DescribedPredicate.not(FACADE)))
        .should()
        .dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.github.deltaimage..")
            .and(DescribedPredicate.not(
                JavaClass.Predicates.resideInAPackage("io.github.deltaimage.api"))))
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
