package dev.imagecatalog.catalog.index;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies registry notifications to the index. An envelope is coalesced into one job per repository
 * ({@link RepositoryEvents}: the last digest per pushed tag, deleted tags and digests), and a job waiting for a
 * repository takes in later events for it, so a flood of events costs one read per repository, not one per event.
 * Jobs of one repository run one at a time, in the order they came (a later event never applies before an earlier
 * one). Work runs in the background so the registry's notification (short timeout, retried) is answered at once;
 * an envelope received from the registry is also handed to the other replicas.
 *
 * <p>Bounded and fair: at most {@code registry.events.max-pending} entries wait (an envelope beyond is refused with
 * {@link Busy}, answered 429, and the registry sends it again later); repositories the index knows go first, then
 * unknown ones pushed with a digest, then the rest, and unknown repositories never take the last worker — a flood of
 * events for repositories nobody has does not hold back a push to one that exists.
 */
public final class EventIntake implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(EventIntake.class.getName());

    /** The envelope was refused: too many events are waiting. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private final IndexUpdater updater;
    private final RegistryIndex index;
    private final PeerForwarder forwarder;
    private final int maxPending;
    private final int workers;
    /** Workers jobs of repositories the index does not know may use: one always stays for known ones. */
    private final int unknownWorkers;
    /** Background work: its threads do not inherit the notification request's deadline (a request's, 504 at it). */
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("index-event").inheritInheritableThreadLocals(false).factory());

    // guarded by this
    private final Map<String, RepositoryEvents> waiting = new HashMap<>();
    private final Set<String> running = new HashSet<>();
    private final Deque<String> known = new ArrayDeque<>();
    private final Deque<String> unknownWithDigest = new ArrayDeque<>();
    private final Deque<String> unknown = new ArrayDeque<>();
    private int waitingEntries;
    private int active;
    private int activeUnknown;
    private boolean closed;
    private boolean held;

    /**
     * @param updater    reads what an event names
     * @param index      the index (records when an event was applied, tells known repositories)
     * @param forwarder  the other replicas
     * @param maxPending entries waiting at most ({@code registry.events.max-pending})
     * @param workers    jobs running at once (each is one repository; the registry's own limit still applies)
     */
    public EventIntake(IndexUpdater updater, RegistryIndex index, PeerForwarder forwarder, int maxPending,
                       int workers) {
        this.updater = updater;
        this.index = index;
        this.forwarder = forwarder;
        this.maxPending = maxPending;
        this.workers = Math.max(2, workers);
        this.unknownWorkers = this.workers - 1;
    }

    /**
     * Accepts an envelope.
     *
     * @param envelope  the body as received
     * @param forwarded whether another replica forwarded it (then it is not forwarded again)
     * @return the number of events that will update the index
     * @throws IllegalArgumentException when the body is not an envelope
     * @throws Busy                     when too many events wait already (nothing of this envelope was taken)
     */
    public int accept(byte[] envelope, boolean forwarded) {
        Map<String, RepositoryEvents> jobs = new LinkedHashMap<>();
        for (RegistryEvent e : RegistryEvent.parse(envelope)) {
            RepositoryEvents job = jobs.computeIfAbsent(e.repository(), RepositoryEvents::new);
            job.add(e);
        }
        jobs.values().removeIf(j -> j.events() == 0);
        int entries = jobs.values().stream().mapToInt(RepositoryEvents::entries).sum();
        for (RepositoryEvents job : jobs.values()) {
            if (!job.pushes().isEmpty()) {
                // a name looked up before its push must show at once, not when its "unknown" entry expires
                updater.forgetUnknown(job.repository(), job.pushes());
            }
        }
        synchronized (this) {
            // counted before coalescing with what waits: the bound holds whatever the overlap
            if (waitingEntries + entries > maxPending) {
                throw new Busy(waitingEntries + " registry events are waiting to be applied and this envelope"
                        + " adds " + entries + " (registry.events.max-pending is " + maxPending + "); send it again"
                        + " later");
            }
            for (RepositoryEvents job : jobs.values()) {
                enqueue(job);
            }
            drain();
        }
        if (!forwarded && forwarder.enabled()) {
            forwarder.forward(envelope);
        }
        return jobs.values().stream().mapToInt(RepositoryEvents::events).sum();
    }

    /**
     * Keeps accepted events waiting instead of applying them (bounded as ever by {@code max-pending}): while a
     * replica loads a peer's copy or its snapshot, an event applied first would be overwritten by the older copy.
     */
    public synchronized void hold() {
        held = true;
    }

    /** Applies what waited during {@link #hold()}, and from now on every event as it comes. */
    public synchronized void release() {
        held = false;
        drain();
    }

    /** Entries waiting to be applied (not counting jobs running). */
    public synchronized int pending() {
        return waitingEntries;
    }

    /** Whether nothing waits and nothing runs. */
    public synchronized boolean idle() {
        return waiting.isEmpty() && active == 0;
    }

    private void enqueue(RepositoryEvents job) {
        RepositoryEvents queued = waiting.get(job.repository());
        if (queued != null) {
            waitingEntries -= queued.entries();
            queued.merge(job);
            waitingEntries += queued.entries();
            return;
        }
        waiting.put(job.repository(), job);
        waitingEntries += job.entries();
        if (!running.contains(job.repository())) {
            lane(job).add(job.repository());
        }
    }

    private Deque<String> lane(RepositoryEvents job) {
        if (index.known(job.repository())) {
            return known;
        }
        return job.pushedWithDigest() ? unknownWithDigest : unknown;
    }

    /** Starts waiting jobs while workers are free: known repositories first. */
    private void drain() {
        while (!closed && !held && active < workers) {
            String repository = known.poll();
            boolean isUnknown = false;
            if (repository == null && activeUnknown < unknownWorkers) {
                repository = unknownWithDigest.poll();
                if (repository == null) {
                    repository = unknown.poll();
                }
                isUnknown = repository != null;
            }
            if (repository == null) {
                return;
            }
            RepositoryEvents job = waiting.remove(repository);
            waitingEntries -= job.entries();
            running.add(repository);
            active++;
            if (isUnknown) {
                activeUnknown++;
            }
            boolean counted = isUnknown;
            executor.execute(() -> run(job, counted));
        }
    }

    private void run(RepositoryEvents job, boolean unknownLane) {
        try {
            updater.apply(job);
            index.eventApplied();
        } catch (RuntimeException ex) {
            // the reconcile finds what this missed
            LOGGER.log(Level.WARNING, "Cannot apply registry events for " + job + ": " + ex.getMessage());
        } finally {
            synchronized (this) {
                active--;
                if (unknownLane) {
                    activeUnknown--;
                }
                running.remove(job.repository());
                RepositoryEvents next = waiting.get(job.repository());
                if (next != null) {
                    // came in while this one ran: its turn now, after it
                    lane(next).add(next.repository());
                }
                drain();
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        executor.shutdownNow();
    }
}
