package dev.imagecatalog;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Package rules from DESIGN.md: feature packages without cycles; domain types free of framework types, only the
 * named adapter classes talk to Helidon or Kubernetes.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.imagecatalog");

    @Test
    void featurePackages_areFreeOfCycles() {
        slices().matching("dev.imagecatalog.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void registryDomain_importsNoHelidonOrKubernetesTypes_outsideItsAdapter() {
        noClasses().that().resideInAPackage("dev.imagecatalog.registry..")
                // the adapter is DistributionClient plus its bounded HTTP exchange RegistryTransport (and nested types)
                .and().haveNameNotMatching("dev\\.imagecatalog\\.registry\\.(DistributionClient|RegistryTransport)(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "io.kubernetes..")
                .check(CLASSES);
    }

    @Test
    void clusterDomain_importsNoHelidonOrKubernetesTypes_outsideItsAdapter() {
        noClasses().that().resideInAPackage("dev.imagecatalog.cluster..")
                // the adapter is KubernetesCluster plus its translation class KubernetesMapping (and their nested types)
                .and().haveNameNotMatching("dev\\.imagecatalog\\.cluster\\.Kubernetes[A-Za-z]*(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "io.kubernetes..")
                .check(CLASSES);
    }

    @Test
    void useCases_dependOnNoWebOrFrameworkTypes() {
        noClasses().that().resideInAnyPackage("dev.imagecatalog.catalog..", "dev.imagecatalog.runner..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagecatalog.web..", "io.kubernetes..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    void onlyTheWebAndRootPackages_useTheWebServer() {
        noClasses().that().resideOutsideOfPackages("dev.imagecatalog.web..", "dev.imagecatalog")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon.webserver..")
                .check(CLASSES);
    }

    @Test
    void webFeatures_areFreeOfCycles() {
        slices().matching("dev.imagecatalog.web.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void webLayers_dependDownwardOnly_httpBelowAccessBelowCatalogBelowRuns() {
        // HTTP plumbing knows no feature and no viewer; access knows no feature; the catalog's pages know no runs
        // (the tag page's Run form is plugged in through TagRunSection); only the root package wires them
        noClasses().that().resideInAPackage("dev.imagecatalog.web.http..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagecatalog.web.access..",
                        "dev.imagecatalog.web.catalog..", "dev.imagecatalog.web.runs..",
                        "dev.imagecatalog.web.lifecycle..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.imagecatalog.web.access..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagecatalog.web.catalog..",
                        "dev.imagecatalog.web.runs..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.imagecatalog.web.catalog..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagecatalog.web.runs..",
                        "dev.imagecatalog.web.lifecycle..")
                .check(CLASSES);
    }

    @Test
    void webLifecycle_dependsOnHttpAccessAndCatalogOnly_andOnlyTheRootPackageOnIt() {
        // delete and untag pages plug into the tag page through TagDeleteSection, as the Run form does
        noClasses().that().resideInAPackage("dev.imagecatalog.web.lifecycle..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagecatalog.web.runs..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackages("dev.imagecatalog.web.lifecycle..", "dev.imagecatalog")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagecatalog.web.lifecycle..")
                .check(CLASSES);
    }

    @Test
    void webLifecycle_dependsOnHttpAccessAndCatalogOnly_andOnlyTheRootPackageDependsOnIt() {
        // deletes, retention and reclaim pages sit beside the runs, above the catalog's pages
        noClasses().that().resideInAPackage("dev.imagecatalog.web.lifecycle..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagecatalog.web.runs..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackages("dev.imagecatalog.web.lifecycle..", "dev.imagecatalog")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagecatalog.web.lifecycle..")
                .check(CLASSES);
    }

    @Test
    void web_hasNoClassesOutsideItsFeaturePackages() {
        noClasses().should().resideInAPackage("dev.imagecatalog.web").allowEmptyShould(true).check(CLASSES);
    }
}
