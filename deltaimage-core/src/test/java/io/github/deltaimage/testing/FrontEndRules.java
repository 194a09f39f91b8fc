package io.github.deltaimage.testing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * What every front end (the CLI, the Maven plugin) keeps to: it reaches core only through the API
 * package (the facade and the types it takes and returns), never through core's machinery, and never
 * through docker-java, which stays behind core's {@code DockerEngine}.
 */
public final class FrontEndRules {

  /** The one package of core a front end may use. */
  public static final String CORE_API_PACKAGE = "io.github.deltaimage.api";

  private FrontEndRules() {}

  /** Checks that the main classes of {@code frontEndPackage} use no package of core but the API. */
  public static void checkUsesOnlyTheApi(String frontEndPackage) {
    noClasses()
        .that()
        .resideInAPackage(frontEndPackage + "..")
        .should()
        .dependOnClassesThat(resideInAPackage("io.github.deltaimage..")
            .and(not(resideInAPackage(frontEndPackage + "..")))
            .and(not(resideInAPackage(CORE_API_PACKAGE))))
        .check(mainClasses(frontEndPackage));
  }

  /** Checks that the main classes of {@code frontEndPackage} never touch docker-java. */
  public static void checkNeverSeesDockerJava(String frontEndPackage) {
    noClasses()
        .that()
        .resideInAPackage(frontEndPackage + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.github.dockerjava..")
        .check(mainClasses(frontEndPackage));
  }

  /** Main code only: tests may reach anything they need to set up. */
  private static JavaClasses mainClasses(String frontEndPackage) {
    return new ClassFileImporter()
        .withImportOption(new ImportOption.DoNotIncludeTests())
        .importPackages(frontEndPackage);
  }
}
