package dev.imagecatalog.web.catalog;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.index.IndexStatus;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.RequestDeadline;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness: the registry answers {@code GET /v2/}. The answer is reused for {@link #PROBE_INTERVAL}, so the
 * registry sees at most one probe per interval whatever the rate of health requests (kubelet, load balancers,
 * benchmarks). Only the very first check waits for a probe; after that a check past the interval starts the next
 * probe in the background and answers with the last one, so a readiness answer never waits for the registry.
 * Ready does not wait for the first crawl: pages answer from the start (a repository not indexed yet is read on
 * demand) and show the crawl's progress. Liveness never calls the registry (a registry outage is not ours). A probe waits for the registry up to
 * {@code registry.call-deadline}, not the probing request's {@code registry.request-deadline}.
 */
public final class RegistryHealthCheck implements HealthCheck {

    /** How long one registry probe's answer is reused. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(3);

    private final Catalog catalog;
    private final LongSupplier clock;
    private final Executor background;
    /** Held by the first probe, which checks arriving before any answer wait for. */
    private final ReentrantLock probing = new ReentrantLock();
    /** A background probe is running (at most one at a time). */
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Probe last;

    /** One probe's outcome. */
    private record Probe(long at, boolean up, String state, String message) {
    }

    /**
     * @param catalog the catalog whose registry is checked
     */
    public RegistryHealthCheck(Catalog catalog) {
        this(catalog, System::nanoTime, command -> Thread.ofVirtual().name("readiness-probe")
                .inheritInheritableThreadLocals(false).start(command));
    }

    RegistryHealthCheck(Catalog catalog, LongSupplier nanoClock, Executor background) {
        this.catalog = catalog;
        this.clock = nanoClock;
        this.background = background;
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
        if (known == null) {
            // nothing known yet: the first check waits for the first probe (concurrent ones for the same)
            return waitForProbe();
        }
        // the next probe runs in the background and this check answers with the last one: a readiness answer never
        // waits for the registry (a kubelet gives it a few seconds; a busy registry or a busy service could take
        // longer, and one slow probe would fail every check waiting for it)
        if (refreshing.compareAndSet(false, true)) {
            background.execute(() -> {
                try {
                    last = ping(clock.getAsLong());
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return known;
    }

    private Probe waitForProbe() {
        probing.lock();
        try {
            if (last == null) {
                last = ping(clock.getAsLong());
            }
            return last;
        } finally {
            probing.unlock();
        }
    }

    private Probe ping(long now) {
        try {
            // the answer stands for every check of the next interval, so it is not cut short by the deadline of the
            // request that happened to probe: a busy service (its CPU on big listings) missing a 2 s request deadline
            // is not a registry that is down; the probe is bounded by registry.call-deadline instead
            RequestDeadline.without(catalog::ping);
            return new Probe(now, true, "reachable", null);
        } catch (RegistryException e) {
            return new Probe(now, false, e.kind().name().toLowerCase(Locale.ROOT), e.getMessage());
        } catch (RuntimeException e) {
            return new Probe(now, false, "error", String.valueOf(e.getMessage()));
        }
    }
}
