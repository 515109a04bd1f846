package dev.portcullis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layering of DESIGN.md, kept honest: dependencies point down, and there is one door out. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.portcullis");

    @Test
    void nothing_below_http_knows_the_gateway_api() {
        noClasses().that().resideInAnyPackage("dev.portcullis.config..", "dev.portcullis.identity..",
                        "dev.portcullis.registry..", "dev.portcullis.access..", "dev.portcullis.people..", "dev.portcullis.store..",
                        "dev.portcullis.error..",
                        "dev.portcullis.egress..",
                        "dev.portcullis.upstream..", "dev.portcullis.oauth..", "dev.portcullis.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.portcullis.http..", "dev.portcullis.cli..", "io.javalin..")
                .check(CLASSES);
    }

    @Test
    void storage_and_configuration_sit_at_the_bottom() {
        noClasses().that().resideInAnyPackage("dev.portcullis.config..", "dev.portcullis.store..", "dev.portcullis.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.portcullis.identity..", "dev.portcullis.registry..",
                        "dev.portcullis.access..", "dev.portcullis.people..", "dev.portcullis.upstream..", "dev.portcullis.oauth..")
                .check(CLASSES);
    }

    /** Who is calling is decided below what they may see: identity knows neither the directory nor the registry. */
    @Test
    void identity_sits_below_people_and_the_registry() {
        noClasses().that().resideInAPackage("dev.portcullis.identity..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.portcullis.people..", "dev.portcullis.registry..",
                        "dev.portcullis.access..")
                .check(CLASSES);
    }

    @Test
    void connections_know_oauth_only_through_their_own_interface() {
        noClasses().that().resideInAPackage("dev.portcullis.upstream..")
                .should().dependOnClassesThat().resideInAPackage("dev.portcullis.oauth..")
                .check(CLASSES);
    }

    @Test
    void the_registry_reaches_connections_and_oauth_only_through_its_own_interfaces() {
        noClasses().that().resideInAnyPackage("dev.portcullis.registry..", "dev.portcullis.access..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.portcullis.upstream..", "dev.portcullis.oauth..")
                .check(CLASSES);
    }

    @Test
    void there_is_no_second_http_client() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.net.http.HttpClient")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.HttpURLConnection")
                .check(CLASSES);
    }

    /**
     * A child's pipes are read and written only by the stdio transport, which does it on platform
     * threads: a pipe read on a virtual thread pins its carrier while the child is silent, and
     * enough of them stop the whole gateway (see upstream.stdio.PipeThreads).
     */
    @Test
    void only_the_stdio_transport_touches_process_pipes() {
        noClasses().that().resideOutsideOfPackage("dev.portcullis.upstream.stdio..")
                .should().callMethod(Process.class, "getInputStream")
                .orShould().callMethod(Process.class, "getErrorStream")
                .orShould().callMethod(Process.class, "getOutputStream")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.portcullis.upstream.stdio..")
                .should().callMethod(Thread.class, "ofVirtual")
                .orShould().callMethod(Thread.class, "startVirtualThread", Runnable.class)
                .check(CLASSES);
    }
}
