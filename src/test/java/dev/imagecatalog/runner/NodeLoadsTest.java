package dev.imagecatalog.runner;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.imagecatalog.cluster.Cluster;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.PodPlan;
import dev.imagecatalog.cluster.PodRequests;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pre-flight's kept node figures: a failed read is the caller's error once, never kept for the next viewer. */
class NodeLoadsTest {

    @Test
    void get_theViewerRightAfterAFailedRead_asksTheClusterAgain() {
        // Caffeine drops a failed read from a callback that can run after the failing caller wakes; many rounds
        // make that ordering happen when nothing else removes the failure
        for (int round = 0; round < 2_000; round++) {
            NodesFailingOnce cluster = new NodesFailingOnce();
            NodeLoads loads = new NodeLoads(() -> cluster, Ticker.systemTicker());

            assertThatThrownBy(loads::get).isInstanceOf(ClusterException.class);
            assertThat(loads.get().nodes()).as("round %d", round).isEmpty();
            assertThat(cluster.reads).hasValue(2);
        }
    }

    /** A cluster whose first node list fails as an unreachable API does; only what NodeLoads reads is served. */
    private static final class NodesFailingOnce implements Cluster {

        final AtomicInteger reads = new AtomicInteger();

        @Override
        public List<Node> nodes() {
            if (reads.incrementAndGet() == 1) {
                throw new ClusterException(ClusterException.Kind.UNREACHABLE, 0, "cluster unreachable", null, null);
            }
            return List.of();
        }

        @Override
        public List<PodRequests> scheduledPods() {
            return List.of();
        }

        @Override
        public Run create(PodPlan plan) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Run> runs(String namespace) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void watchRuns(String namespace, Duration timeout, Runnable onChange) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RunDetail> run(String namespace, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String log(String namespace, String name, Integer tailLines, boolean previous) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream followLog(String namespace, String name, Integer tailLines) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String namespace, String name) {
            throw new UnsupportedOperationException();
        }
    }
}
