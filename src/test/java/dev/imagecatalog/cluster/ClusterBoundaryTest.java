package dev.imagecatalog.cluster;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Only the adapter (KubernetesCluster, its KubernetesMapping, and KubernetesLeaseElection for the retention Lease)
 * may touch client-java; the cluster domain and the runner use cases stay free of it.
 */
class ClusterBoundaryTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.imagecatalog.cluster", "dev.imagecatalog.runner");

    @Test
    void onlyTheAdapter_dependsOnClientJava() {
        noClasses().that().resideInAnyPackage("dev.imagecatalog.cluster..", "dev.imagecatalog.runner..")
                .and().haveNameNotMatching(".*\\.(KubernetesCluster|KubernetesMapping|KubernetesLeaseElection)(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("io.kubernetes..", "okhttp3..", "io.helidon..")
                .check(MAIN);
    }
}
