package dev.imagecatalog.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.imagecatalog.cluster.Cluster;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Run;

/**
 * One shared watch on the runs namespace per replica, feeding every open runs page: a single thread watches our pods
 * while anyone listens and tells each listener that something changed (the pages then read the runs with their own
 * user's rights). Where the watch cannot be started (RBAC without {@code watch}, an API server or proxy that does not
 * serve watches over plain HTTP — the Fabric8 mock serves them over WebSocket only), it falls back to listing every
 * few seconds and comparing, and tries the watch again later.
 */
final class RunWatcher {

    /** How the watcher currently learns about changes. */
    enum Mode { IDLE, WATCH, POLL }

    private static final System.Logger LOGGER = System.getLogger(RunWatcher.class.getName());
    /** A watch shorter than this is followed by a pause before the next one. */
    private static final Duration MIN_WATCH = Duration.ofSeconds(1);

    private final Supplier<Cluster> cluster;
    private final String namespace;
    private final Duration watchTimeout;
    private final Duration pollInterval;
    private final Duration watchRetry;
    private final Set<Runnable> listeners = ConcurrentHashMap.newKeySet();
    private Thread thread;
    private volatile Mode mode = Mode.IDLE;

    /**
     * @param watchTimeout how long one watch call lasts before it is renewed
     * @param pollInterval how often the fallback lists the runs
     * @param watchRetry   how long the fallback polls before the watch is tried again
     */
    RunWatcher(Supplier<Cluster> cluster, String namespace, Duration watchTimeout, Duration pollInterval,
               Duration watchRetry) {
        this.cluster = Objects.requireNonNull(cluster);
        this.namespace = Objects.requireNonNull(namespace);
        this.watchTimeout = watchTimeout;
        this.pollInterval = pollInterval;
        this.watchRetry = watchRetry;
    }

    /** Adds a listener (called from the watcher's thread; must not block); closing the handle removes it. */
    synchronized AutoCloseable subscribe(Runnable listener) {
        listeners.add(listener);
        if (thread == null) {
            thread = Thread.ofVirtual().name("runs-watch-" + namespace).start(this::loop);
        }
        return () -> listeners.remove(listener);
    }

    /** The current mode (tests tell the watch from its fallback). */
    Mode mode() {
        return mode;
    }

    private void loop() {
        Instant retryWatchAt = Instant.MIN;
        String last = null;
        try {
            while (!stopWhenAlone()) {
                if (!Instant.now().isBefore(retryWatchAt)) {
                    try {
                        mode = Mode.WATCH;
                        long started = System.nanoTime();
                        cluster.get().watchRuns(namespace, watchTimeout, this::fire);
                        last = null;
                        if (System.nanoTime() - started < MIN_WATCH.toNanos()) {
                            // ended at once (a proxy closing it, history compacted): do not spin on the API server
                            Thread.sleep(MIN_WATCH);
                        }
                        continue;
                    } catch (ClusterException e) {
                        mode = Mode.POLL;
                        retryWatchAt = Instant.now().plus(watchRetry);
                        LOGGER.log(System.Logger.Level.INFO, "cannot watch pods in " + namespace + " (" + e.getMessage()
                                                             + "); polling every " + pollInterval.toSeconds() + "s");
                    }
                }
                String now = fingerprint();
                if (now != null && last != null && !now.equals(last)) {
                    fire();
                }
                last = now == null ? last : now;
                Thread.sleep(pollInterval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "the runs watcher stopped: " + e.getMessage(), e);
            synchronized (this) {
                thread = null;
                mode = Mode.IDLE;
            }
        }
    }

    /** Ends the thread when nobody listens (under the lock, so a new subscriber starts a new one). */
    private synchronized boolean stopWhenAlone() {
        if (listeners.isEmpty()) {
            thread = null;
            mode = Mode.IDLE;
            return true;
        }
        return false;
    }

    /** What the pages show of each run, to tell a change; {@code null} when the runs cannot be read now. */
    private String fingerprint() {
        try {
            List<Run> runs = cluster.get().runs(namespace);
            return runs.stream().map(r -> String.join("|", r.name(), String.valueOf(r.phase()),
                            String.valueOf(r.state()), String.valueOf(r.reason()), String.valueOf(r.restarts()),
                            String.valueOf(r.message())))
                    .sorted().collect(Collectors.joining("\n"));
        } catch (ClusterException e) {
            return null;
        }
    }

    private void fire() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.DEBUG, "a runs listener failed: " + e.getMessage());
            }
        }
    }
}
