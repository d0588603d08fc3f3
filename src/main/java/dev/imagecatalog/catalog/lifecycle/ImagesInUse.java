package dev.imagecatalog.catalog.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Which manifest digests the cluster's pods use, as the cluster reports them (the port the cluster adapter serves):
 * what a delete preview names under "in use" and what retention always keeps.
 */
@FunctionalInterface
public interface ImagesInUse {

    /** No cluster: nothing is known to be in use. */
    ImagesInUse NONE = Map::of;

    /**
     * The pods using each digest ({@code sha256:…}), by digest. A digest is the one the container runs — for a
     * multi-platform image the platform's manifest, which the caller maps to its index.
     */
    Map<String, List<PodUse>> byDigest();

    /**
     * {@code source}'s answer kept for {@code ttl} and shared by every caller, with one read in flight: the answer
     * lists every pod of the cluster, and the delete previews and retention's dry run (open to any viewer) would
     * otherwise each cost a cluster-wide list. A failed read is not kept.
     */
    static ImagesInUse cached(ImagesInUse source, Duration ttl) {
        // asynchronous: a caller waits on a future instead of inside the cache's lock (no pinned carrier thread)
        AsyncLoadingCache<Boolean, Map<String, List<PodUse>>> kept = Caffeine.newBuilder().expireAfterWrite(ttl)
                .buildAsync(key -> source.byDigest());
        return () -> {
            CompletableFuture<Map<String, List<PodUse>>> answer = kept.get(Boolean.TRUE);
            try {
                return answer.join();
            } catch (CompletionException e) {
                // Caffeine drops a failed future from a callback that may run after this caller wakes; drop it here
                // too (only that future: a newer read someone else started stays), so the next call asks again
                kept.asMap().remove(Boolean.TRUE, answer);
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        };
    }
}
