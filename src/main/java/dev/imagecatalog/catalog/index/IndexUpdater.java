package dev.imagecatalog.catalog.index;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.logging.Logger;

import dev.imagecatalog.registry.Descriptor;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.ImageConfig;
import dev.imagecatalog.registry.Manifest;
import dev.imagecatalog.registry.ManifestParser;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.RequestDeadline;
import dev.imagecatalog.registry.TagSummary;

/**
 * Reads the registry into the {@link RegistryIndex}: the first crawl, the periodic reconcile, one repository on
 * demand, the events waiting for one repository ({@link #apply}). Registry exchanges in flight are bounded by the
 * adapter ({@code registry.concurrency}, counted per exchange), config blobs in flight by bytes here (their size is
 * known from the manifest before they are read). Writes to one repository are serialised; reads of the index never
 * wait. A name the registry just said it does not have is believed for a few seconds ({@link UnknownNames}).
 *
 * <p>Request count of the first crawl: the catalog pages, one tag list per repository, one manifest GET per tag,
 * one GET per index child, one config GET per distinct config digest of a repository — what a correct listing
 * needs. A reconcile re-reads the catalog and the tag lists, and re-checks each tag with a HEAD every
 * {@code reconcileRounds} reconciles (a GET only when the digest changed).
 */
public final class IndexUpdater {

    private static final Logger LOGGER = Logger.getLogger(IndexUpdater.class.getName());
    /** Per repository: whether the registry serves the referrers API (absent: not asked yet). */
    private final Map<String, Boolean> referrersServed = new java.util.concurrent.ConcurrentHashMap<>();
    /** Config bytes in flight at once (a config may legally be tens of MB of labels). */
    private static final int CONFIG_BUDGET_KIB = 24 * 1024;
    private static final int LOCK_STRIPES = 256;

    private final DistributionClient client;
    private final RegistryIndex index;
    private final IndexSettings settings;
    private final int concurrency;
    private final UnknownNames unknown = new UnknownNames();
    private final Semaphore configBytes = new Semaphore(CONFIG_BUDGET_KIB);
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private final ReentrantLock catalogLock = new ReentrantLock();
    private final AtomicLong round = new AtomicLong();

    /**
     * @param client      the registry adapter
     * @param index       the index to keep
     * @param settings    index settings
     * @param concurrency registry exchanges in flight at most ({@code registry.concurrency}): how many repositories
     *                    are read at once
     */
    public IndexUpdater(DistributionClient client, RegistryIndex index, IndexSettings settings, int concurrency) {
        this.client = client;
        this.index = index;
        this.settings = settings;
        this.concurrency = concurrency;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    // ---- whole registry -------------------------------------------------------------------------------------

    /** The first crawl: every repository of the catalog not yet indexed. Throws when the catalog cannot be read. */
    public void crawl() {
        index.crawlStarted();
        try {
            List<String> names = readCatalog();
            forEachRepository(names, name -> {
                if (index.get(name) == null) {
                    update(name, previous -> previous != null ? previous : read(name, null, tag -> true, true));
                }
            });
            index.crawlFinished(null);
        } catch (RuntimeException e) {
            index.crawlFinished(e.getMessage());
            throw e;
        }
    }

    /**
     * The safety net for missed events: the catalog and every tag list again; new tags read, removed tags dropped,
     * and a slice of the known tags (one in {@code reconcileRounds}) re-checked with a HEAD.
     */
    public void reconcile() {
        long r = round.getAndIncrement();
        int rounds = settings.reconcileRounds();
        try {
            List<String> names = readCatalog();
            forEachRepository(names, name -> update(name, previous -> read(name, previous,
                    tag -> rounds == 1 || Math.floorMod((name + ":" + tag).hashCode(), rounds) == r % rounds,
                    false)));
            checkCollected();
            index.reconciled(null);
        } catch (RuntimeException e) {
            index.reconciled(e.getMessage());
            throw e;
        }
    }

    /**
     * Brings an index loaded from a snapshot up to date: the catalog once (repositories gone are dropped), each
     * repository's tag list, and a HEAD per known tag (Distribution answers it with the digest); only new tags and
     * tags whose digest changed are read in full, and new repositories whole. With nothing changed, no manifest is
     * read. Throws when the catalog cannot be read.
     */
    public void catchUp() {
        List<String> names = readCatalog();
        forEachRepository(names, name -> update(name, previous -> read(name, previous, tag -> true, false)));
        index.caughtUp();
    }

    /** Reads the catalog's names into the index unless they were read already (once, shared by concurrent callers). */
    public void ensureCatalog() {
        if (index.catalogRead()) {
            return;
        }
        lock(catalogLock, "Listing repositories");
        try {
            if (!index.catalogRead()) {
                readCatalog();
            }
        } finally {
            catalogLock.unlock();
        }
    }

    /**
     * Reads the catalog into the index under the catalog lock, so a view asking for the names while the crawl
     * reads them waits for that read (at most its deadline) instead of starting a second one in the moment between
     * the crawl's listing ending and the index recording it.
     */
    private List<String> readCatalog() {
        lock(catalogLock, "Listing repositories");
        try {
            // what events write while the catalog is read is newer than the catalog: it stays
            long readStarted = index.clock();
            List<String> names = List.copyOf(new LinkedHashSet<>(client.catalog()));
            index.catalog(names, readStarted);
            return names;
        } finally {
            catalogLock.unlock();
        }
    }

    private void forEachRepository(List<String> names, java.util.function.Consumer<String> work) {
        // a few repositories at once keep every permit busy without holding thousands of half-read repositories
        Semaphore repositories = new Semaphore(Math.max(2, concurrency * 2));
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String name : names) {
                acquire(repositories);
                futures.add(executor.submit(() -> {
                    try {
                        work.accept(name);
                    } catch (RegistryException e) {
                        if (e.kind() == RegistryException.Kind.UNREACHABLE
                                || e.kind() == RegistryException.Kind.UNAUTHORIZED) {
                            throw e;
                        }
                        // one broken repository does not stop the others; it keeps its previous snapshot
                        LOGGER.warning(() -> "Cannot index " + name + ": " + e.getMessage());
                    } finally {
                        repositories.release();
                    }
                }));
            }
            for (Future<?> f : futures) {
                join(f);
            }
        }
    }

    // ---- one repository / one tag ---------------------------------------------------------------------------

    /** The repository's snapshot, read from the registry once if it is not indexed (NOT_FOUND when unknown). */
    public RepositorySnapshot repository(String name) {
        RepositorySnapshot known = index.get(name);
        if (known != null) {
            return known;
        }
        unknown.check(name);
        try {
            return update(name, previous -> previous != null ? previous : read(name, null, tag -> true, true));
        } catch (RegistryException e) {
            throw unknown.remember(name, e);
        }
    }

    /**
     * Applies the events waiting for one repository in one read of it: pushed tags pointed at their digests (read by
     * digest, not by tag: Distribution sends the event when the manifest is stored, before it links the tag, so a
     * GET by tag can still answer 404; a digest the repository already has costs no request; without a digest the
     * tag is read by name), tags deleted by name re-read, and after deletes by digest the tag list read once and the
     * tags that pointed at a deleted digest checked with a HEAD. A repository not indexed costs one read when
     * nothing of it exists (a stale or forged event, an invalid name: not indexed); when it exists it is read whole.
     * A deleted digest that had left the index still linked costs a HEAD, for the reclaimable figure.
     */
    void apply(RepositoryEvents job) {
        String name = job.repository();
        update(name, previous -> {
            RepositorySnapshot base = previous != null ? previous : probe(job);
            if (base == null) {
                return null;
            }
            RepositoryReader reader = new RepositoryReader(this, name, base);
            Map<String, TagSummary> tags = new TreeMap<>();
            base.tags().forEach(t -> tags.put(t.name(), t));
            job.pushes().forEach((tag, digest) -> {
                Optional<TagSummary> read = digest != null ? reader.readAs(tag, digest) : reader.readTag(tag, null);
                tags.remove(tag);
                read.ifPresent(t -> tags.put(tag, t));
            });
            for (String tag : job.deletedTags()) {
                Optional<TagSummary> read = reader.readTag(tag, tags.get(tag));
                tags.remove(tag);
                read.ifPresent(t -> tags.put(tag, t));
            }
            RepositorySnapshot pushed = reader.snapshot(new ArrayList<>(tags.values()));
            if (!job.rereadAll() && job.deletedDigests().isEmpty()) {
                return pushed;
            }
            return read(name, pushed, tag -> job.rereadAll() || pushed.tag(tag) == null
                    || job.deletedDigests().contains(pushed.tag(tag).digest()), false);
        });
        reclaimLinked(name, job.deletedDigests());
    }

    /**
     * A repository the index does not have, as far as the events' pushes show it: one read (the first tag pushed
     * with a digest, else the first pushed) answers whether it exists; only then is its tag list read. {@code null}
     * when it does not exist or the events only delete.
     */
    private RepositorySnapshot probe(RepositoryEvents job) {
        String name = job.repository();
        Map.Entry<String, String> first = job.pushes().entrySet().stream()
                .filter(e -> e.getValue() != null).findFirst()
                .or(() -> job.pushes().entrySet().stream().findFirst()).orElse(null);
        if (first == null) {
            // a delete in a repository not indexed removes nothing (the crawl or a view reads it when it comes to it)
            return null;
        }
        RepositoryReader reader = new RepositoryReader(this, name, null);
        Optional<TagSummary> read;
        try {
            read = first.getValue() != null ? reader.readAs(first.getKey(), first.getValue())
                    : reader.readTag(first.getKey(), null);
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return null; // e.g. an invalid name: nothing to read
            }
            throw e;
        }
        if (read.isEmpty()) {
            return null;
        }
        RepositorySnapshot seed = reader.snapshot(List.of(read.get()));
        // the whole repository, the probed tag kept as read (a new repository's tag list can still miss it, or 404)
        RepositorySnapshot whole = read(name, seed, tag -> !tag.equals(first.getKey()), false);
        if (whole.tag(first.getKey()) != null) {
            return whole;
        }
        List<TagSummary> tags = new ArrayList<>(whole.tags());
        tags.add(read.get());
        return new RepositoryReader(this, name, seed).snapshot(tags);
    }

    /**
     * Reads one tag the index does not have (a view asked for it before an event or reconcile brought it) and
     * indexes it; the registry's NOT_FOUND (with its message) when there is no such tag, believed for a few seconds.
     */
    public TagSummary readTag(String name, String tag) {
        String key = UnknownNames.tagKey(name, tag);
        unknown.check(key);
        try {
            RepositorySnapshot after = update(name, previous -> {
                RepositorySnapshot base = previous != null ? previous : RepositorySnapshot.empty(name);
                RepositoryReader reader = new RepositoryReader(this, name, base);
                Manifest manifest = client.manifest(name, tag);
                TagSummary read = reader.summary(tag, reader.entry(manifest));
                List<TagSummary> tags = new ArrayList<>(base.tags());
                tags.removeIf(t -> t.name().equals(tag));
                tags.add(read);
                return reader.snapshot(tags);
            });
            return after.tag(tag);
        } catch (RegistryException e) {
            throw unknown.remember(key, e);
        }
    }

    /** Forgets that a repository and the tags and digests a push names were unknown (a push event names them). */
    void forgetUnknown(String repository, Map<String, String> pushedTags) {
        unknown.forget(repository, pushedTags);
    }

    /** Re-reads a repository completely (tag list and a HEAD per known tag). */
    public void refreshRepository(String name) {
        update(name, previous -> read(name, previous, tag -> true, false));
    }

    /**
     * Replaces one repository with what {@code next} computes from its current snapshot, one writer per
     * repository at a time; a {@code null} result removes it.
     */
    private RepositorySnapshot update(String name, java.util.function.UnaryOperator<RepositorySnapshot> next) {
        ReentrantLock lock = locks[Math.floorMod(name.hashCode(), LOCK_STRIPES)];
        lock(lock, "Reading " + name);
        try {
            RepositorySnapshot previous = index.get(name);
            RepositorySnapshot result = next.apply(previous);
            if (result == null) {
                if (previous != null) {
                    index.remove(name);
                    reclaim(name, previous, null);
                }
                return null;
            }
            if (previous != null && (result == previous || result.tags().equals(previous.tags()))) {
                // an unchanged re-read (most of a reconcile) keeps the snapshot: no new index version, so the kept
                // listings, pages and storage accounting stay valid
                return previous;
            }
            index.put(result);
            reclaim(name, previous, result);
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The manifests that left a repository's snapshot, asked by digest ({@code HEAD}): those the registry no longer
     * has were deleted by digest and their blobs become reclaimable; those it still has only lost their tags (a tag
     * re-pointed, an untag on 2.8) and stay linked, so the collector keeps them. A manifest the registry cannot be
     * asked about now is left out (the figure errs low, never high).
     */
    private void reclaim(String name, RepositorySnapshot previous, RepositorySnapshot next) {
        if (previous == null) {
            return;
        }
        List<IndexedManifest> deleted = new ArrayList<>();
        List<IndexedManifest> linked = new ArrayList<>();
        for (IndexedManifest m : previous.manifests().values()) {
            if (next != null && next.manifest(m.digest()) != null) {
                continue;
            }
            Boolean exists = manifestExists(name, m.digest());
            if (Boolean.FALSE.equals(exists)) {
                deleted.add(m);
            } else if (Boolean.TRUE.equals(exists)) {
                linked.add(m);
            }
        }
        index.reclaimable().stillLinked(name, linked);
        index.reclaimable().deleted(name, deleted, index.snapshots());
    }

    /**
     * Delete events by digest for manifests no longer in the index but remembered as linked (their tags went
     * earlier): now deleted, their blobs become reclaimable.
     */
    private void reclaimLinked(String name, Set<String> digests) {
        for (String digest : digests) {
            if (index.reclaimable().linked(name, digest)
                    && Boolean.FALSE.equals(manifestExists(name, digest))) {
                index.reclaimable().deletedLinked(name, digest, index.snapshots());
            }
        }
    }

    /** Whether the repository still links a manifest ({@code HEAD} by digest); {@code null} when it cannot be told. */
    private Boolean manifestExists(String name, String digest) {
        try {
            client.manifestDigest(name, digest);
            return true;
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return false;
            }
            LOGGER.fine(() -> "Cannot tell whether " + name + "@" + digest + " was deleted: " + e.getMessage());
            return null;
        }
    }

    /**
     * Drops from the reclaimable blobs what a garbage collection removed since (a few blob HEADs, see
     * {@link Reclaimable#collected}); part of every reconcile.
     */
    public void checkCollected() {
        try {
            index.reclaimable().collected(client::blobExists);
        } catch (RegistryException e) {
            LOGGER.warning(() -> "Cannot check which reclaimable blobs were collected: " + e.getMessage());
        }
    }

    /**
     * Reads a repository: its tag list, then each tag — kept from {@code previous} when {@code recheck} says no,
     * HEAD-checked when it says yes and the tag is known, read with a GET when new or changed. A repository whose
     * tag list is gone is NOT_FOUND when {@code mustExist}, else empty.
     */
    private RepositorySnapshot read(String name, RepositorySnapshot previous, Predicate<String> recheck,
                                    boolean mustExist) {
        List<String> names;
        try {
            names = List.copyOf(new LinkedHashSet<>(client.tags(name)));
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.NOT_FOUND || mustExist) {
                throw e;
            }
            return RepositorySnapshot.empty(name);
        }
        RepositoryReader reader = new RepositoryReader(this, name, previous);
        List<Future<Optional<TagSummary>>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String tag : names) {
                TagSummary known = previous == null ? null : previous.tag(tag);
                futures.add(executor.submit(() -> {
                    // an index with missing platforms is asked again at every read: the child may be back
                    if (known != null && known.error() == null && known.missing().isEmpty() && !recheck.test(tag)) {
                        return Optional.of(known);
                    }
                    return reader.readTag(tag, known);
                }));
            }
            List<TagSummary> tags = new ArrayList<>();
            for (Future<Optional<TagSummary>> f : futures) {
                join(f).ifPresent(tags::add);
            }
            return reader.snapshot(tags, referrers(name, reader, tags));
        }
    }

    /**
     * The referrers of each tagged manifest when the registry serves the referrers API, by subject; {@code null}
     * (keep what is known) when it does not. Whether it does is asked once per repository and remembered: a 404
     * (Distribution 2.8 and 3.x) costs one request per repository, ever; the sidecar tags then say it all.
     */
    private Map<String, List<String>> referrers(String name, RepositoryReader reader, List<TagSummary> tags) {
        if (Boolean.FALSE.equals(referrersServed.get(name))) {
            return null;
        }
        List<String> subjects = tags.stream()
                .filter(t -> t.digest() != null && t.error() == null && !Attachments.isSidecar(t.name()))
                .map(TagSummary::digest).distinct().toList();
        Map<String, List<String>> found = new java.util.HashMap<>();
        for (String subject : subjects) {
            Optional<List<Descriptor>> listed;
            try {
                listed = client.referrers(name, subject);
            } catch (RegistryException e) {
                if (e.kind() == RegistryException.Kind.UNREACHABLE
                        || e.kind() == RegistryException.Kind.UNAUTHORIZED) {
                    throw e;
                }
                LOGGER.fine(() -> "Referrers of " + name + "@" + subject + " unreadable: " + e.getMessage());
                continue;
            }
            if (listed.isEmpty()) {
                referrersServed.put(name, false);
                return null;
            }
            referrersServed.put(name, true);
            List<String> digests = new ArrayList<>();
            for (Descriptor d : listed.get()) {
                if (reader.referrer(d.digest())) {
                    digests.add(d.digest());
                }
            }
            if (!digests.isEmpty()) {
                found.put(subject, List.copyOf(digests));
            }
        }
        return found;
    }

    /**
     * Reads and parses a config blob, holding config bytes in flight below a budget (the manifest says how big it
     * is before it is read).
     */
    public ImageConfig config(String repository, String digest, long size) {
        int permits = (int) Math.min(CONFIG_BUDGET_KIB, Math.max(1, size / 1024 + 1));
        acquire(configBytes, permits, "Reading config " + digest);
        try {
            byte[] body = client.blob(repository, digest, size);
            return ManifestParser.parseConfig(body, digest);
        } finally {
            configBytes.release(permits);
        }
    }

    /** The registry adapter (for {@link RepositoryReader}). */
    DistributionClient client() {
        return client;
    }

    /** Platforms read per index. */
    int maxPlatforms() {
        return settings.maxPlatforms();
    }

    /**
     * A snapshot holding one entry named by {@code digest}: from the index when a tag reaches it (no request), else
     * read from the registry (and not indexed). NOT_FOUND when the registry has no such manifest.
     */
    public RepositorySnapshot readDigest(String repository, String digest) {
        RepositoryReader reader = new RepositoryReader(this, repository, index.get(repository));
        IndexedManifest known = reader.manifests.get(digest);
        if (known == null) {
            String key = UnknownNames.digestKey(repository, digest);
            unknown.check(key);
            try {
                known = reader.entry(client.manifest(repository, digest));
            } catch (RegistryException e) {
                throw unknown.remember(key, e);
            }
        }
        return reader.snapshot(List.of(reader.summary(digest, known)));
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private static void acquire(Semaphore semaphore) {
        acquire(semaphore, 1, "Indexing");
    }

    /**
     * Takes permits, waiting at most until the current request's deadline (then TIMEOUT, answered 504): permits all
     * taken by slow calls (the crawl's among them) would otherwise keep a page waiting for as long as the slowest
     * registry call ({@code registry.call-deadline}), not its own request deadline. Background work (no request
     * deadline) waits as long as it takes.
     */
    private static void acquire(Semaphore semaphore, int permits, String what) {
        try {
            Optional<Duration> left = RequestDeadline.remaining();
            if (left.isEmpty()) {
                semaphore.acquire(permits);
            } else if (!semaphore.tryAcquire(permits, left.get().toNanos(), TimeUnit.NANOSECONDS)) {
                throw RequestDeadline.expired(what);
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * Takes a lock like {@link #acquire(Semaphore, int, String)} takes permits: the crawl holds a repository's lock
     * while the registry answers (up to {@code registry.call-deadline} per call), and a page asking for that
     * repository must not wait longer than its own deadline.
     */
    private static void lock(ReentrantLock lock, String what) {
        try {
            Optional<Duration> left = RequestDeadline.remaining();
            if (left.isEmpty()) {
                lock.lock();
            } else if (!lock.tryLock(left.get().toNanos(), TimeUnit.NANOSECONDS)) {
                throw RequestDeadline.expired(what);
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static RegistryException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new RegistryException(RegistryException.Kind.UNREACHABLE, "Interrupted while reading the registry", e);
    }

    static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, "Interrupted while reading the registry",
                    e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
