package dev.imagecatalog.web;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.index.IndexStatus;
import dev.imagecatalog.registry.RegistryException;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness: the registry answers {@code GET /v2/}. The answer is reused for {@link #PROBE_INTERVAL}, so the
 * registry sees at most one probe per interval whatever the rate of health requests (kubelet, load balancers,
 * benchmarks); concurrent checks while a probe runs reuse the last answer. Ready does not wait for the first
 * crawl: pages answer from the start (a repository not indexed yet is read on demand) and show the crawl's
 * progress. Liveness never calls the registry (a registry outage is not ours).
 */
public final class RegistryHealthCheck implements HealthCheck {

    /** How long one registry probe's answer is reused. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(3);

    private final Catalog catalog;
    private final LongSupplier clock;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Probe last;

    /** One probe's outcome. */
    private record Probe(long at, boolean up, String state, String message) {
    }

    /**
     * @param catalog the catalog whose registry is checked
     */
    public RegistryHealthCheck(Catalog catalog) {
        this(catalog, System::nanoTime);
    }

    RegistryHealthCheck(Catalog catalog, LongSupplier nanoClock) {
        this.catalog = catalog;
        this.clock = nanoClock;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public HealthCheckResponse call() {
        Probe probe = probe();
        HealthCheckResponse.Builder response = HealthCheckResponse.builder().status(probe.up())
                .detail("state", probe.state());
        if (probe.up()) {
            response.detail("pullHost", catalog.pullHost());
        } else {
            response.detail("message", probe.message());
        }
        try {
            IndexStatus index = catalog.status();
            response.detail("indexed", index.indexed()).detail("repositories", index.repositories())
                    .detail("crawled", index.ready());
        } catch (UnsupportedOperationException e) {
            // a catalog without an index has no progress to report
        }
        return response.build();
    }

    private Probe probe() {
        Probe known = last;
        long now = clock.getAsLong();
        if (known != null && now - known.at() < PROBE_INTERVAL.toNanos()) {
            return known;
        }
        if (!probing.tryLock()) {
            // another check is probing right now: answer with what we know rather than adding a probe
            return known != null ? known : waitForProbe();
        }
        try {
            Probe fresh = ping(now);
            last = fresh;
            return fresh;
        } finally {
            probing.unlock();
        }
    }

    private Probe waitForProbe() {
        probing.lock();
        try {
            return last != null ? last : ping(clock.getAsLong());
        } finally {
            probing.unlock();
        }
    }

    private Probe ping(long now) {
        try {
            catalog.ping();
            return new Probe(now, true, "reachable", null);
        } catch (RegistryException e) {
            return new Probe(now, false, e.kind().name().toLowerCase(Locale.ROOT), e.getMessage());
        } catch (RuntimeException e) {
            return new Probe(now, false, "error", String.valueOf(e.getMessage()));
        }
    }
}
