package dev.imagecatalog.catalog.index;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-memory index of the whole registry: one immutable {@link RepositorySnapshot} per repository, swapped
 * atomically. Readers never lock and never wait for the registry; writers ({@link IndexUpdater}) replace one
 * repository at a time and every replacement is published to subscribers as an {@link IndexChange}.
 */
public final class RegistryIndex {

    private static final Logger LOGGER = Logger.getLogger(RegistryIndex.class.getName());

    private final ConcurrentHashMap<String, RepositorySnapshot> repositories = new ConcurrentHashMap<>();
    /** Names the registry's catalog lists that are not indexed yet (shown as "indexing…"). */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final List<Consumer<IndexChange>> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong version = new AtomicLong();
    /** When each indexed repository was last written, on {@link #clock}: what a catalog read may not undo. */
    private final ConcurrentHashMap<String, Long> writtenAt = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger crawlTotal = new AtomicInteger();
    /** Tags and manifests of every indexed snapshot, kept by the swaps so status is O(1) at any registry size. */
    private final AtomicLong tags = new AtomicLong();
    private final AtomicLong manifests = new AtomicLong();
    private final Reclaimable reclaimable = new Reclaimable();
    private volatile boolean catalogRead;
    private volatile boolean crawling;
    private volatile boolean crawled;
    private volatile Instant lastEvent;
    private volatile Instant lastReconcile;
    private volatile Instant crawlStarted;
    private volatile Instant crawlFinished;
    private volatile String lastError;
    private volatile Names sortedNames = new Names(-1, List.of());
    private volatile String source = SOURCE_CRAWL;
    private volatile Instant caughtUp;

    /** {@link IndexStatus#source()}: read from the registry. */
    public static final String SOURCE_CRAWL = "crawl";
    /** {@link IndexStatus#source()}: copied from another replica. */
    public static final String SOURCE_PEER = "peer";
    /** {@link IndexStatus#source()}: loaded from the snapshot file. */
    public static final String SOURCE_SNAPSHOT = "snapshot";

    /** The sorted names at one version (recomputed only after a change). */
    private record Names(long version, List<String> names) {
    }

    /** A repository's snapshot, or {@code null} when it is not indexed. */
    public RepositorySnapshot get(String repository) {
        return repositories.get(repository);
    }

    /** Every indexed snapshot (weakly consistent while a crawl runs). */
    public Collection<RepositorySnapshot> snapshots() {
        return repositories.values();
    }

    /** Every repository name known (indexed or pending), sorted. */
    public List<String> names() {
        Names cached = sortedNames;
        long now = version.get();
        if (cached.version() == now) {
            return cached.names();
        }
        // pending first: put() indexes a name before it stops being pending, so a name the crawl indexes meanwhile
        // is in one of the two (read the other way round, it could be in neither and vanish from a listing)
        Set<String> known = new HashSet<>(pending);
        known.addAll(repositories.keySet());
        List<String> all = new ArrayList<>(known);
        all.sort(null);
        List<String> names = List.copyOf(all);
        sortedNames = new Names(now, names);
        return names;
    }

    /** Whether the repository is indexed or listed by the registry's catalog (its events are for something real). */
    public boolean known(String repository) {
        return repositories.containsKey(repository) || pending.contains(repository);
    }

    /**
     * Now on the index's write clock: take it before reading the catalog and hand it to
     * {@link #catalog(Collection, long)}, so what was written after the read began is not undone by it.
     */
    public long clock() {
        return clock.get();
    }

    /** Whether the registry's catalog was read at least once (the list of names is known). */
    public boolean catalogRead() {
        return catalogRead;
    }

    /** Changes every time a repository is replaced, added or removed (for caches derived from the index). */
    public long version() {
        return version.get();
    }

    /** Replaces (or adds) one repository and tells subscribers what changed. */
    public void put(RepositorySnapshot next) {
        writtenAt.put(next.name(), clock.incrementAndGet());
        RepositorySnapshot before = repositories.put(next.name(), next);
        pending.remove(next.name());
        count(before, -1);
        count(next, 1);
        // after the map holds it: a deletion judged meanwhile either sees this snapshot or is pruned here
        reclaimable.referenced(before, next);
        version.incrementAndGet();
        publish(IndexChange.between(next.name(), before, next));
    }

    /** Removes a repository the registry no longer lists. */
    public void remove(String repository) {
        pending.remove(repository);
        writtenAt.remove(repository);
        clock.incrementAndGet();
        removed(repository, repositories.remove(repository));
    }

    private void removed(String repository, RepositorySnapshot before) {
        count(before, -1);
        version.incrementAndGet();
        if (before != null) {
            publish(IndexChange.between(repository, before, null));
        }
    }

    /** Records the catalog's names as read now (see {@link #catalog(Collection, long)}). */
    public void catalog(Collection<String> names) {
        catalog(names, clock());
    }

    /**
     * Records the catalog's names: unknown ones become pending, indexed ones no longer listed are removed — unless
     * they were written after {@code readStarted} ({@link #clock()} when the catalog read began): an event indexed
     * them while the catalog was being read, and that is newer knowledge than the listing.
     */
    public void catalog(Collection<String> names, long readStarted) {
        Set<String> listed = Set.copyOf(names);
        for (String indexed : List.copyOf(repositories.keySet())) {
            RepositorySnapshot seen = repositories.get(indexed);
            Long written = writtenAt.get(indexed);
            if (seen != null && !listed.contains(indexed) && (written == null || written <= readStarted)
                    // only the snapshot judged: one written in between stays
                    && repositories.remove(indexed, seen)) {
                if (written != null) {
                    writtenAt.remove(indexed, written);
                }
                removed(indexed, seen);
            }
        }
        boolean changed = pending.retainAll(listed);
        for (String name : listed) {
            if (!repositories.containsKey(name)) {
                changed |= pending.add(name);
            }
        }
        changed |= crawlTotal.getAndSet(listed.size()) != listed.size() || !catalogRead;
        catalogRead = true;
        if (changed) {
            // an unchanged catalog (every reconcile) leaves the version alone: kept listings stay valid
            version.incrementAndGet();
        }
    }

    /** Subscribes to changes; the returned handle unsubscribes. */
    public AutoCloseable subscribe(Consumer<IndexChange> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    private void publish(IndexChange change) {
        if (change.isEmpty()) {
            return;
        }
        for (Consumer<IndexChange> s : subscribers) {
            try {
                s.accept(change);
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "index subscriber failed", e);
            }
        }
    }

    /** The blobs garbage collection would remove now (kept by {@link IndexUpdater}). */
    public Reclaimable reclaimable() {
        return reclaimable;
    }

    /**
     * Takes in a verified copy ({@link IndexFormat}) as the whole index: every repository put, the copy's names taken
     * as the catalog, and the index ready (readers see a complete registry from now on, as it was when copied).
     * Called before the first crawl, while events are held ({@link EventIntake#hold()}), so nothing is overwritten.
     */
    void load(List<RepositorySnapshot> copy, String from) {
        List<String> names = new ArrayList<>(copy.size());
        for (RepositorySnapshot s : copy) {
            put(s);
            names.add(s.name());
        }
        catalog(names);
        source = from;
        crawled = true;
        if (crawlFinished == null) {
            crawlFinished = Instant.now();
        }
    }

    /** Marks the end of the catch-up (a crawl's end, or the first matching of the registry after a copy). */
    void caughtUp() {
        if (caughtUp == null) {
            caughtUp = Instant.now();
        }
    }

    void crawlStarted() {
        if (crawlFinished == null) {
            crawlStarted = Instant.now();
        }
        crawling = true;
    }

    void crawlFinished(String error) {
        crawling = false;
        lastError = error;
        if (error == null) {
            if (crawlFinished == null) {
                crawlFinished = Instant.now();
            }
            crawled = true;
            caughtUp();
        }
    }

    void reconciled(String error) {
        lastError = error;
        if (error == null) {
            lastReconcile = Instant.now();
            crawled = true;
        }
    }

    void eventApplied() {
        lastEvent = Instant.now();
    }

    /** Progress and freshness. */
    public IndexStatus status() {
        int indexed = repositories.size();
        return new IndexStatus(indexed, Math.max(crawlTotal.get(), indexed), tags.get(), manifests.get(), crawling,
                crawled, lastEvent, lastReconcile, lastError, crawlStarted, crawlFinished, reclaimable.bytes(), source,
                caughtUp);
    }

    /**
     * Adds (sign 1) or subtracts (-1) a snapshot's tags and manifests. Each swap of the map returns exactly the
     * snapshot it replaced, so the sums stay exact whatever the interleaving of writers.
     */
    private void count(RepositorySnapshot snapshot, int sign) {
        if (snapshot != null) {
            tags.addAndGet(sign * (long) snapshot.shownTagCount());
            manifests.addAndGet(sign * (long) snapshot.manifests().size());
        }
    }
}
