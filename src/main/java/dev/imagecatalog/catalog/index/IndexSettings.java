package dev.imagecatalog.catalog.index;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the index is built and kept current ({@code registry.*} keys beside the adapter's own settings).
 *
 * @param maxPlatforms      platforms read per index ({@code registry.max-platforms}); more are listed as capped
 * @param reconcileInterval time between periodic reconciles ({@code registry.reconcile-interval}); zero: none
 * @param reconcileRounds   a tag is re-checked with a HEAD every this many reconciles ({@code registry.reconcile-rounds}):
 *                          1 checks every tag every time; 3 spreads the HEADs over three reconciles
 * @param detailCacheBytes  bytes of on-demand tag details (history, full labels) kept by config digest
 * @param eventsToken       bearer token the registry's notifications must carry ({@code registry.events.token});
 *                          {@code null}: the events endpoint does not exist
 * @param peers             other replicas' base URLs to forward events to ({@code registry.events.peers})
 * @param peersService      DNS name whose A records are the replicas ({@code registry.events.peers-service}), or null
 * @param peersPort         port of the replicas behind {@code peersService}
 * @param eventsMaxPending  events waiting to be applied at most ({@code registry.events.max-pending}, counted after
 *                          coalescing: one per repository and tag or digest); an envelope beyond is refused (429)
 */
public record IndexSettings(int maxPlatforms, Duration reconcileInterval, int reconcileRounds, long detailCacheBytes,
                            String eventsToken, List<URI> peers, String peersService, int peersPort,
                            int eventsMaxPending) {

    /** Default platforms read per index. */
    public static final int DEFAULT_MAX_PLATFORMS = 64;
    /** Default reconcile interval. */
    public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofMinutes(5);
    /** Default rounds over which every tag gets its HEAD. */
    public static final int DEFAULT_RECONCILE_ROUNDS = 3;
    /** Default bytes of tag details kept. */
    public static final long DEFAULT_DETAIL_CACHE_BYTES = 32L * 1024 * 1024;
    /** Default events waiting at most: room for the largest envelope accepted (1 MiB holds ~17,000 events). */
    public static final int DEFAULT_EVENTS_MAX_PENDING = 20_000;

    /** Validates; a blank token means "no events endpoint". */
    public IndexSettings {
        if (maxPlatforms < 1) {
            throw new IllegalArgumentException("registry.max-platforms must be at least 1, got " + maxPlatforms);
        }
        Objects.requireNonNull(reconcileInterval, "registry.reconcile-interval");
        if (reconcileInterval.isNegative()) {
            throw new IllegalArgumentException("registry.reconcile-interval must not be negative");
        }
        if (reconcileRounds < 1) {
            throw new IllegalArgumentException("registry.reconcile-rounds must be at least 1, got " + reconcileRounds);
        }
        if (detailCacheBytes < 1) {
            throw new IllegalArgumentException("the tag detail cache needs at least 1 byte");
        }
        eventsToken = eventsToken == null || eventsToken.isBlank() ? null : eventsToken;
        peers = peers == null ? List.of() : List.copyOf(peers);
        peersService = peersService == null || peersService.isBlank() ? null : peersService;
        if (eventsMaxPending < 1) {
            throw new IllegalArgumentException("registry.events.max-pending must be at least 1, got "
                    + eventsMaxPending);
        }
    }

    /** Every default: no events endpoint, no peers. */
    public static IndexSettings defaults() {
        return new IndexSettings(DEFAULT_MAX_PLATFORMS, DEFAULT_RECONCILE_INTERVAL, DEFAULT_RECONCILE_ROUNDS,
                DEFAULT_DETAIL_CACHE_BYTES, null, List.of(), null, 8080, DEFAULT_EVENTS_MAX_PENDING);
    }

    /** A copy with an events token. */
    public IndexSettings withEventsToken(String token) {
        return new IndexSettings(maxPlatforms, reconcileInterval, reconcileRounds, detailCacheBytes, token, peers,
                peersService, peersPort, eventsMaxPending);
    }

    /** A copy with static peers. */
    public IndexSettings withPeers(List<URI> urls) {
        return new IndexSettings(maxPlatforms, reconcileInterval, reconcileRounds, detailCacheBytes, eventsToken, urls,
                peersService, peersPort, eventsMaxPending);
    }

    /** A copy with another reconcile interval and rounds. */
    public IndexSettings withReconcile(Duration interval, int rounds) {
        return new IndexSettings(maxPlatforms, interval, rounds, detailCacheBytes, eventsToken, peers, peersService,
                peersPort, eventsMaxPending);
    }

    /** A copy with another platform cap. */
    public IndexSettings withMaxPlatforms(int max) {
        return new IndexSettings(max, reconcileInterval, reconcileRounds, detailCacheBytes, eventsToken, peers,
                peersService, peersPort, eventsMaxPending);
    }

    /** A copy with another cap of events waiting. */
    public IndexSettings withEventsMaxPending(int max) {
        return new IndexSettings(maxPlatforms, reconcileInterval, reconcileRounds, detailCacheBytes, eventsToken, peers,
                peersService, peersPort, max);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "IndexSettings[maxPlatforms=" + maxPlatforms + ", reconcileInterval=" + reconcileInterval
                + ", reconcileRounds=" + reconcileRounds + ", detailCacheBytes=" + detailCacheBytes
                + ", eventsToken=" + (eventsToken == null ? "null" : "***") + ", peers=" + peers
                + ", peersService=" + peersService + ", peersPort=" + peersPort
                + ", eventsMaxPending=" + eventsMaxPending + "]";
    }
}
