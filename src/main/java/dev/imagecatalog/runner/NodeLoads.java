package dev.imagecatalog.runner;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import dev.imagecatalog.cluster.Cluster;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.PodRequests;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The nodes and what the pods on each already request, read from the cluster at most once per {@link #REFRESH} and
 * shared by every viewer of the pre-flight (tag pages and the pre-flight API): listing every scheduled pod of a large
 * cluster per view, or per keystroke, would cost the API server megabytes each time. One read is in flight at a
 * time: viewers arriving meanwhile wait for it (a failure reaches them all, and the next viewer tries again).
 * After {@link #REFRESH} the next viewer still gets the kept figures while one read renews them in the background;
 * figures older than {@link #MAX_AGE} are not shown: that viewer waits for the renewal in flight (Caffeine's
 * explicit refresh joins it rather than starting a second one, so a list slower than the period never doubles).
 */
final class NodeLoads {

    /** How long the figures are kept before a view renews them. */
    static final Duration REFRESH = Duration.ofSeconds(5);
    /** The oldest figures a view is shown (a pre-flight nobody asked for in a while reads afresh). */
    static final Duration MAX_AGE = Duration.ofSeconds(15);

    /**
     * One read of the cluster.
     *
     * @param nodes     every node, sorted by name
     * @param requested per node name, what its scheduled pods request; {@code null} when the pods could not be read
     * @param readAt    when the read began, by the cache's ticker (nanoseconds)
     */
    record Snapshot(List<Node> nodes, Map<String, Capacity.Amount> requested, long readAt) {

        Snapshot {
            nodes = List.copyOf(nodes);
            requested = requested == null ? null : Map.copyOf(requested);
        }

        /** What the pods on the node request ({@code ZERO} for a node without pods); {@code null} when unknown. */
        Capacity.Amount requestedOn(String node) {
            return requested == null ? null : requested.getOrDefault(node, Capacity.Amount.ZERO);
        }
    }

    private final AsyncLoadingCache<Boolean, Snapshot> cache;
    private final Ticker ticker;

    /**
     * @param cluster the cluster, asked on each read (a lazy runner creates it on first use)
     * @param ticker  the time source ({@link Ticker#systemTicker()}; tests move it by hand)
     */
    NodeLoads(Supplier<Cluster> cluster, Ticker ticker) {
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .refreshAfterWrite(REFRESH)
                // reads block on the API: a virtual thread each, no pool to size or to close
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .buildAsync(key -> read(cluster.get(), ticker.read()));
    }

    /** The kept figures, read first if there are none young enough. */
    Snapshot get() {
        CompletableFuture<Snapshot> answer = cache.get(Boolean.TRUE);
        try {
            Snapshot kept = answer.join();
            if (ticker.read() - kept.readAt() <= MAX_AGE.toNanos()) {
                return kept;
            }
            // nobody asked for a while: wait for the renewal (the one in flight, if the read above started it)
            return cache.synchronous().refresh(Boolean.TRUE).join();
        } catch (CompletionException e) {
            // Caffeine drops a failed read from a callback that may run after this caller wakes: drop it here too,
            // so the next viewer asks the cluster again instead of being handed the same failure
            cache.asMap().remove(Boolean.TRUE, answer);
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Forgets the figures: after a launch or a stop by this replica its viewers see the change at once (a renewal
     * in flight is then abandoned by Caffeine: the next viewer's read may overlap its end).
     */
    void invalidate() {
        cache.synchronous().invalidateAll();
    }

    private static Snapshot read(Cluster cluster, long readAt) {
        List<Node> nodes = cluster.nodes();
        Map<String, Capacity.Amount> requested = new HashMap<>();
        try {
            for (PodRequests pod : cluster.scheduledPods()) {
                requested.merge(pod.node(), Capacity.effective(pod), Capacity.Amount::plus);
            }
        } catch (ClusterException e) {
            // the verdicts stay useful without it: each node then says its free capacity is unknown
            requested = null;
        }
        return new Snapshot(nodes, requested, readAt);
    }
}
