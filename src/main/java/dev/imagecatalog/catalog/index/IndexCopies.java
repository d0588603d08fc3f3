package dev.imagecatalog.catalog.index;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Copies of the index that spare a starting replica the crawl: it asks a ready peer for its index
 * ({@link PeerCopy}), else loads its snapshot file ({@link SnapshotFile}); it serves its own copy to peers and
 * writes its snapshot periodically and on shutdown. Both use {@link IndexFormat}.
 */
public final class IndexCopies {

    private static final Logger LOGGER = Logger.getLogger(IndexCopies.class.getName());
    /** How long a served copy waits for the events already accepted to be applied (they are then part of it). */
    private static final long SERVE_SETTLE_MILLIS = 5_000;
    /** How long the replica waits for the events held during a load to be applied before calling itself caught up. */
    private static final long HELD_EVENTS_MILLIS = 60_000;

    /** Where the index came from at start. */
    public enum Outcome {
        /** A peer's copy was loaded. */
        PEER,
        /** The snapshot file was loaded (a catch-up follows). */
        SNAPSHOT,
        /** Neither: the first crawl builds the index. */
        NONE
    }

    private final RegistryIndex index;
    private final EventIntake events;
    private final PeerCopy peers;
    private final SnapshotFile snapshot;
    private final RestartSettings restart;

    /**
     * @param index    the index
     * @param events   the event intake (held while a copy loads, drained before a copy is served)
     * @param peers    the other replicas
     * @param settings the events token
     * @param restart  snapshot file, peer deadline, size bound
     */
    public IndexCopies(RegistryIndex index, EventIntake events, PeerForwarder peers,
                       IndexSettings settings, RestartSettings restart) {
        this.index = index;
        this.events = events;
        this.peers = new PeerCopy(peers, settings, restart);
        this.snapshot = restart.snapshotPath() == null ? null
                : new SnapshotFile(restart.snapshotPath(), restart.maxCopyBytes());
        this.restart = restart;
    }

    /** Whether there is anything to start from besides a crawl. */
    public boolean configured() {
        return peers.enabled() || snapshot != null;
    }

    /** Loads a peer's copy, else the snapshot; the index is ready when it returns anything but {@code NONE}. */
    public Outcome load() {
        long start = System.nanoTime();
        Optional<PeerCopy.Copied> copied = peers.fetch();
        if (copied.isPresent()) {
            index.load(copied.get().copy().repositories(), RegistryIndex.SOURCE_PEER);
            LOGGER.info(() -> "Index copied from peer " + copied.get().peer() + ": "
                    + copied.get().copy().repositories().size() + " repositories in " + millis(start) + " ms");
            return Outcome.PEER;
        }
        if (snapshot != null) {
            Optional<IndexFormat.Loaded> loaded = snapshot.read();
            if (loaded.isPresent()) {
                index.load(loaded.get().repositories(), RegistryIndex.SOURCE_SNAPSHOT);
                LOGGER.info(() -> "Index loaded from the snapshot " + snapshot.path() + " written "
                        + loaded.get().written() + ": " + loaded.get().repositories().size() + " repositories in "
                        + millis(start) + " ms; catching up with the registry");
                return Outcome.SNAPSHOT;
            }
        }
        return Outcome.NONE;
    }

    /**
     * After a peer's copy: the events held during the load applied (a peer's copy is current, so that is the whole
     * catch-up), then the index is caught up.
     */
    public void awaitEventsApplied() {
        waitIdle(HELD_EVENTS_MILLIS);
        index.caughtUp();
    }

    /**
     * Whether this replica's index may be copied: caught up with the registry (crawled, or loaded and caught up) —
     * a replica still catching up after its snapshot would hand a stale index to a peer that trusts it as current.
     */
    public boolean servable() {
        return index.status().caughtUp() != null;
    }

    /**
     * Writes this replica's copy for a peer. Events accepted before the peer asked are applied first (a few seconds
     * at most): the peer listens before it asks, so everything later reaches it by forwarding.
     */
    public void serve(OutputStream out) throws IOException {
        waitIdle(SERVE_SETTLE_MILLIS);
        IndexFormat.write(index, out);
    }

    /** With a snapshot file: writes it every {@code index.snapshot.interval}. */
    public void scheduleSnapshots(ScheduledExecutorService scheduler) {
        if (snapshot != null) {
            long every = restart.snapshotInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::writeSnapshot, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes the snapshot now when there is a file and the index is complete (a half-crawled one is not kept). */
    public synchronized void writeSnapshot() {
        if (snapshot == null || !index.status().ready()) {
            return;
        }
        long start = System.nanoTime();
        try {
            long bytes = snapshot.write(index);
            LOGGER.info(() -> "Index snapshot written to " + snapshot.path() + ": " + bytes + " bytes in "
                    + millis(start) + " ms");
        } catch (IOException | RuntimeException e) {
            LOGGER.warning(() -> "Cannot write the index snapshot " + snapshot.path() + ": " + e.getMessage());
        }
    }

    private void waitIdle(long maxMillis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        try {
            while (!events.idle() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long millis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
