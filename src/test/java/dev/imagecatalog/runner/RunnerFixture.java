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
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A real seeded {@code docker-registry} read through the real {@link RegistryCatalog}, plus the Fabric8 mock API
 * server with the issue's three nodes; the amd64 worker holds {@code oci/amd64-only} by digest and the arm64 worker
 * holds {@code multi/app:2.0} by tag, so "cached here" can be proven.
 */
final class RunnerFixture implements AutoCloseable {

    static final String NAMESPACE = "runs";
    static final String PULL_HOST = "localhost:5001";

    final SeededRegistry seeded;
    final RegistryCatalog catalog;
    final MockKubernetes k8s;

    RunnerFixture() {
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

    /** Deletes every pod in every namespace. */
    void deleteAllPods() {
        k8s.fabric8().pods().inAnyNamespace().list().getItems()
                .forEach(p -> k8s.fabric8().pods().inNamespace(p.getMetadata().getNamespace())
                        .withName(p.getMetadata().getName()).delete());
    }

    @Override
    public void close() {
        k8s.close();
        catalog.close();
        seeded.close();
    }
}
