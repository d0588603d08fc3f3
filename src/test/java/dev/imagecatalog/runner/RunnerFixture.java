package dev.imagecatalog.runner;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.TestResources;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real seeded {@code docker-registry} read through the real {@link RegistryCatalog}, plus the Fabric8 mock API
 * server with the issue's three nodes; the amd64 worker holds {@code oci/amd64-only} by digest and the arm64 worker
 * holds {@code multi/app:2.0} by tag, so "cached here" can be proven. A JUnit extension: registered as
 * {@code @RegisterExtension static final RunnerFixture f = new RunnerFixture();} it starts before the class's
 * tests, deletes every pod (and event) after each, and stops after the last.
 */
final class RunnerFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    static final String NAMESPACE = "runs";
    static final String PULL_HOST = "localhost:5001";

    SeededRegistry seeded;
    RegistryCatalog catalog;
    MockKubernetes k8s;

    @Override
    public void beforeAll(ExtensionContext context) {
        seeded = SeededRegistry.start();
        catalog = RegistryCatalog.create(RegistrySettings.of(seeded.registry().url(), PULL_HOST));
        k8s = MockKubernetes.withNodes(Map.of(
                MockKubernetes.AMD64_WORKER,
                List.of(PULL_HOST + "/" + seeded.amd64Only().repository() + "@" + seeded.amd64Only().digest()),
                MockKubernetes.ARM64_WORKER,
                List.of(PULL_HOST + "/" + seeded.multiArch().repository() + ":" + seeded.multiArch().tag())));
    }

    /** The runner under test, enabled, TTL 1h. */
    RunnerService runner() {
        return runner(true);
    }

    RunnerService runner(boolean enabled) {
        return new RunnerService(catalog, k8s.cluster(), new RunSettings(enabled, NAMESPACE, Duration.ofHours(1)));
    }

    /** A runner whose operator allows tainted nodes (runs.allow-tainted-nodes=true). */
    RunnerService runnerAllowingTaintedNodes() {
        return new RunnerService(catalog, k8s.cluster(),
                                 new RunSettings(true, NAMESPACE, Duration.ofHours(1), true, RunSettings.BASELINE));
    }

    /** A runner whose pod names end in the given suffixes, in order. */
    RunnerService runnerWithSuffixes(String... suffixes) {
        java.util.Iterator<String> it = List.of(suffixes).iterator();
        Supplier<String> next = it::next;
        return new RunnerService(catalog, k8s.cluster(), new RunSettings(true, NAMESPACE, Duration.ofHours(1)), next,
                                 Clock.systemUTC());
    }

    /** Every pod in the runs namespace, read with the Fabric8 client (independent of the code under test). */
    List<Pod> pods() {
        return k8s.fabric8().pods().inNamespace(NAMESPACE).list().getItems();
    }

    /** Every test starts from an empty cluster: no pod and no event in any namespace. */
    @Override
    public void afterEach(ExtensionContext context) {
        k8s.fabric8().pods().inAnyNamespace().list().getItems()
                .forEach(p -> k8s.fabric8().pods().inNamespace(p.getMetadata().getNamespace())
                        .withName(p.getMetadata().getName()).delete());
        k8s.fabric8().v1().events().inAnyNamespace().delete();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestResources.closeAll(k8s, catalog, seeded);
    }
}
