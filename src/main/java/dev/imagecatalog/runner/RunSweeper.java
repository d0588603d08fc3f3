package dev.imagecatalog.runner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Runner#sweep()} periodically on a virtual thread; {@code Main} starts it and closes it at shutdown.
 * Several replicas sweeping at once is harmless: a pod already deleted by another is skipped.
 */
public final class RunSweeper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RunSweeper.class.getName());

    private final ScheduledExecutorService executor;

    private RunSweeper(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Starts sweeping every quarter of {@code runs.ttl}, at least every 5 minutes and at most every 10 seconds. */
    public static RunSweeper start(Runner runner) {
        Duration quarter = runner.settings().ttl().dividedBy(4);
        Duration interval = quarter.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10)
                : quarter.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : quarter;
        return start(runner, interval);
    }

    /** Starts sweeping every {@code interval}, the first time after one interval. */
    public static RunSweeper start(Runner runner, Duration interval) {
        ScheduledExecutorService executor =
                Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("run-sweeper").factory());
        executor.scheduleWithFixedDelay(() -> sweepOnce(runner), interval.toMillis(), interval.toMillis(),
                                        TimeUnit.MILLISECONDS);
        return new RunSweeper(executor);
    }

    // An exception would cancel the schedule: log it and try again next time (the API may be back).
    private static void sweepOnce(Runner runner) {
        try {
            List<String> deleted = runner.sweep();
            if (!deleted.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "deleted finished runs older than {0}: {1}",
                        runner.settings().ttl(), deleted);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "run sweep failed: " + e.getMessage());
        }
    }

    /** Stops sweeping. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
