package dev.imagecatalog.runner;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.Cluster;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Node;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runner creates its cluster adapter on first use, and never while runs are disabled. */
class LazyClusterTest {

    private final AtomicInteger created = new AtomicInteger();

    @Test
    void runsDisabled_neverCreatesTheCluster_andEveryRunViewIsRefusedAsReadOnly() {
        Runner runner = Runner.create(unusedCatalog(), counting(() -> {
            throw new AssertionError("the cluster must not be created while runs are disabled");
        }), new RunSettings(false, "runs", Duration.ofHours(1)));

        assertThatThrownBy(() -> runner.launch(LaunchRequest.of("team/app", "v1", "node"))).isInstanceOf(RunsDisabledException.class);
        assertThatThrownBy(runner::nodes).isInstanceOf(RunsDisabledException.class);
        assertThatThrownBy(runner::runs).isInstanceOf(RunsDisabledException.class);
        assertThatThrownBy(() -> runner.run("app-abcde")).isInstanceOf(RunsDisabledException.class);
        assertThatThrownBy(() -> runner.stop("app-abcde")).isInstanceOf(RunsDisabledException.class);
        assertThat(created).hasValue(0);
    }

    @Test
    void runsEnabled_createsTheClusterOnFirstUseOnly_once() {
        Cluster cluster = nodesOnly(List.of());
        Runner runner = Runner.create(unusedCatalog(), counting(() -> cluster),
                new RunSettings(true, "runs", Duration.ofHours(1)));
        assertThat(created).as("not at construction").hasValue(0);

        runner.nodes();
        runner.nodes();

        assertThat(created).hasValue(1);
    }

    @Test
    void aFailedCreation_isTriedAgainOnTheNextCall() {
        AtomicInteger attempts = new AtomicInteger();
        Cluster cluster = nodesOnly(List.of());
        Runner runner = Runner.create(unusedCatalog(), () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new ClusterException(ClusterException.Kind.UNREACHABLE, 0, "no kubeconfig", null, null);
            }
            return cluster;
        }, new RunSettings(true, "runs", Duration.ofHours(1)));

        assertThatThrownBy(runner::nodes).isInstanceOf(ClusterException.class);
        assertThat(runner.nodes()).isEmpty();
        assertThat(attempts).hasValue(2);
    }

    private Supplier<Cluster> counting(Supplier<Cluster> factory) {
        return () -> {
            created.incrementAndGet();
            return factory.get();
        };
    }

    private static Catalog unusedCatalog() {
        return (Catalog) Proxy.newProxyInstance(Catalog.class.getClassLoader(), new Class<?>[] {Catalog.class},
                (proxy, method, args) -> {
                    throw new AssertionError("the catalog is not needed here: " + method.getName());
                });
    }

    private static Cluster nodesOnly(List<Node> nodes) {
        return (Cluster) Proxy.newProxyInstance(Cluster.class.getClassLoader(), new Class<?>[] {Cluster.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("nodes")) {
                        return nodes;
                    }
                    throw new AssertionError("unexpected cluster call " + method.getName());
                });
    }
}
