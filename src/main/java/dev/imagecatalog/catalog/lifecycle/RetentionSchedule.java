package dev.imagecatalog.catalog.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The retention schedule of one replica: it applies the plan every interval while it leads (the replica holding the
 * Lease, see {@code cluster.KubernetesLeaseElection}) and does nothing while it follows, so exactly one replica
 * deletes.
 */
public final class RetentionSchedule implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(RetentionSchedule.class.getName());

    private final Runnable job;
    private final Duration interval;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("retention").factory());
    private final AtomicInteger runs = new AtomicInteger();
    private ScheduledFuture<?> task;

    /**
     * @param job      one application (plan, then apply)
     * @param interval time between applications while leading (the first comes one interval after taking the lead)
     */
    public RetentionSchedule(Runnable job, Duration interval) {
        this.job = Objects.requireNonNull(job);
        this.interval = Objects.requireNonNull(interval);
    }

    /** Applies the retention's current plan every interval while leading. */
    public static RetentionSchedule of(Retention retention, Duration interval) {
        return new RetentionSchedule(() -> {
            RetentionOutcome outcome = retention.apply(retention.plan());
            LOGGER.info(() -> "Retention (scheduled) deleted " + outcome.deleted().size() + " tags, "
                    + outcome.freedBytes() + " bytes reclaimable; left " + outcome.skipped().size());
        }, interval);
    }

    /** This replica took the Lease: start applying. */
    public synchronized void lead() {
        if (task == null) {
            long millis = interval.toMillis();
            task = executor.scheduleWithFixedDelay(this::runOnce, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** This replica lost or gave up the Lease: stop applying (an application under way finishes). */
    public synchronized void follow() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** Whether this replica leads now. */
    public synchronized boolean leading() {
        return task != null;
    }

    /** How many applications ran here (started while leading). */
    public int runs() {
        return runs.get();
    }

    private void runOnce() {
        runs.incrementAndGet();
        try {
            job.run();
        } catch (RuntimeException e) {
            // a plan that changed under us, a registry or cluster fault: the next interval tries again
            LOGGER.warning(() -> "Scheduled retention did not run: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        follow();
        executor.shutdownNow();
    }
}
