package dev.imagecatalog.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagecatalog.catalog.lifecycle.Deletions;
import dev.imagecatalog.catalog.index.Attached;
import dev.imagecatalog.catalog.index.Attachments;
import dev.imagecatalog.catalog.index.EventIntake;
import dev.imagecatalog.catalog.index.IndexChange;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.index.IndexStatus;
import dev.imagecatalog.catalog.index.IndexUpdater;
import dev.imagecatalog.catalog.index.IndexedManifest;
import dev.imagecatalog.catalog.index.PeerForwarder;
import dev.imagecatalog.catalog.index.IndexCopies;
import dev.imagecatalog.catalog.index.RestartSettings;
import dev.imagecatalog.catalog.index.RegistryIndex;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.catalog.index.StorageAccounting;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.ChartConfig;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.ImageConfig;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.ManifestParser;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;

/**
 * The catalog over a Distribution registry, served from the in-memory {@link RegistryIndex}: views read the index
 * only; a repository not indexed yet is read once on demand and is indexed from then on. {@link #start()} runs the
 * first crawl in the background and then the periodic reconcile; registry notifications ({@link #events()}) keep
 * it current in between.
 *
 * <p>What the index keeps and what is read on demand: everything the repository page, the home page, search and
 * storage accounting need (tags, digests, platforms, sizes, created, layers as shared descriptors, labels bounded
 * to {@value #LABELS_NOTE}). A tag page's build history and complete labels live only in the config blob: they
 * are read on demand by config digest — immutable, so cached without expiry, bounded by weight
 * ({@code detailCacheBytes}) — because history is often larger than the rest of a tag's entry together and only
 * the tag page shows it.
 */
public final class RegistryCatalog implements Catalog, AutoCloseable {

    static final String LABELS_NOTE = "1 KiB per image";
    private static final Logger LOGGER = Logger.getLogger(RegistryCatalog.class.getName());
    private static final Duration CRAWL_RETRY = Duration.ofSeconds(5);
    private static final int MAX_SEARCH_HITS = 500;
    /** Tags listed per repository in a search of all repositories ("and 55 more" links to the rest). */
    static final int SEARCH_HITS_PER_REPOSITORY = 5;
    /**
     * Bytes kept over all cached listings. A filter is the viewer's input, so each listing weighs what it retains:
     * its rows and its key. Counting entries would let 64 listings of a 100,000-repository registry fill the chart's
     * heap; counting rows let an empty result with an 8,000-character filter weigh 1 (one anonymous client filled
     * a 256 MiB heap in 30 s that way).
     */
    static final long OVERVIEW_BYTES_KEPT = 16L * 1024 * 1024;
    /** Retained bytes of one listing row (the row and its slot; its name and platforms are the index's own). */
    static final int OVERVIEW_ROW_BYTES = 64;
    /** Retained bytes of a listing besides its rows and filter (key, stamp, overview, status). */
    static final int OVERVIEW_FIXED_BYTES = 512;
    /** How long a listing or accounting built during the first crawl is reused (see {@link #crawlingAndRecent}). */
    static final long CRAWL_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Chart configs kept (each bounded by {@link ChartConfig#MAX_TEXT} per field). */
    private static final int CHARTS_KEPT = 1_000;

    private final DistributionClient client;
    private final RegistrySettings settings;
    private final IndexSettings indexSettings;
    private final RegistryIndex index = new RegistryIndex();
    private final IndexUpdater updater;
    private final EventIntake events;
    private final IndexCopies copies;
    private final Cache<String, ImageConfig> details;
    /** Helm chart configs by config digest (content-addressed: never stale; a few hundred bytes each). */
    private final Cache<String, ChartConfig> charts = Caffeine.newBuilder()
            .maximumSize(CHARTS_KEPT).build();
    private final ScheduledExecutorService scheduler;
    /**
     * The last overview per filter and order, with the index version it was built at: the home page and
     * {@code /api/repositories} are asked far more often than the index changes, and building one sorts every
     * repository. A listing is answered from here while the version and the status are unchanged.
     */
    private final Cache<OverviewKey, StampedOverview> overviews = Caffeine.newBuilder()
            .maximumWeight(OVERVIEW_BYTES_KEPT)
            .weigher((OverviewKey key, StampedOverview kept) -> overviewBytes(key, kept.overview()))
            .build();
    /**
     * Storage accounting at one index version: recomputed after a change, when asked (during the first crawl at
     * most every {@link #CRAWL_REFRESH_NANOS}, see {@link #crawlingAndRecent}).
     */
    private volatile StampedAccounting accounting;
    /** {@link System#nanoTime()}, or a test's clock. */
    private final LongSupplier ticker;

    RegistryCatalog(DistributionClient client, RegistrySettings settings, IndexSettings indexSettings) {
        this(client, settings, indexSettings, RestartSettings.defaults(), System::nanoTime);
    }

    RegistryCatalog(DistributionClient client, RegistrySettings settings, IndexSettings indexSettings,
                    LongSupplier ticker) {
        this(client, settings, indexSettings, RestartSettings.defaults(), ticker);
    }

    RegistryCatalog(DistributionClient client, RegistrySettings settings, IndexSettings indexSettings,
                    RestartSettings restart, LongSupplier ticker) {
        this.ticker = ticker;
        this.client = client;
        this.settings = settings;
        this.indexSettings = indexSettings;
        this.updater = new IndexUpdater(client, index, indexSettings, settings.concurrency());
        PeerForwarder peers = new PeerForwarder(indexSettings);
        this.events = new EventIntake(updater, index, peers, indexSettings.eventsMaxPending(),
                settings.concurrency());
        this.copies = new IndexCopies(index, events, peers, indexSettings, restart);
        if (copies.configured()) {
            // from the first event on (the server may listen before start()): what arrives while a copy loads is
            // applied after it, not overwritten by it
            events.hold();
        }
        this.details = Caffeine.newBuilder().maximumWeight(indexSettings.detailCacheBytes())
                .weigher((String digest, ImageConfig config) -> weight(config)).build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("index")
                .factory());
    }

    /** The catalog for the registry these settings describe, with default index settings; not started. */
    public static RegistryCatalog create(RegistrySettings settings) {
        return create(settings, IndexSettings.defaults());
    }

    /** The catalog for this registry and index settings; call {@link #start()} for the crawl and the reconcile. */
    public static RegistryCatalog create(RegistrySettings settings, IndexSettings indexSettings) {
        return create(settings, indexSettings, RestartSettings.defaults());
    }

    /** The catalog with a snapshot file and peer deadline ({@code index.*}); call {@link #start()}. */
    public static RegistryCatalog create(RegistrySettings settings, IndexSettings indexSettings,
                                         RestartSettings restart) {
        return new RegistryCatalog(new DistributionClient(settings), settings, indexSettings, restart,
                System::nanoTime);
    }

    /**
     * Starts building the index in the background: a ready peer's copy, else the snapshot (then a catch-up), else the
     * first crawl (retried until the registry answers); then the periodic reconcile and snapshot writes.
     */
    public RegistryCatalog start() {
        if (copies.configured()) {
            scheduler.execute(this::bootstrap);
        } else {
            scheduler.execute(this::firstCrawl);
        }
        return this;
    }

    private void bootstrap() {
        IndexCopies.Outcome outcome = copies.load();
        events.release();
        switch (outcome) {
            case PEER -> {
                copies.awaitEventsApplied();
                afterIndexed();
            }
            case SNAPSHOT -> catchUp();
            case NONE -> firstCrawl();
        }
    }

    private void catchUp() {
        try {
            updater.catchUp();
            IndexStatus s = index.status();
            LOGGER.info(() -> "Caught up with the registry after the snapshot: " + s.indexed() + " repositories, "
                    + s.tags() + " tags");
            afterIndexed();
        } catch (RuntimeException e) {
            LOGGER.warning(() -> "Catch-up after the snapshot failed (retrying in " + CRAWL_RETRY.toSeconds()
                    + " s): " + e.getMessage());
            scheduler.schedule(this::catchUp, CRAWL_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The periodic work once the index is complete: reconcile and, when configured, snapshot writes. */
    private void afterIndexed() {
        Duration interval = indexSettings.reconcileInterval();
        if (!interval.isZero()) {
            scheduler.scheduleWithFixedDelay(this::reconcile, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        copies.scheduleSnapshots(scheduler);
    }

    /** Writes the index in the {@code GET /api/index/snapshot} format (see {@link IndexCopies#serve}). */
    public IndexCopies copies() {
        return copies;
    }

    private void firstCrawl() {
        try {
            updater.crawl();
            IndexStatus s = index.status();
            LOGGER.info(() -> "Indexed " + s.indexed() + " repositories, " + s.tags() + " tags");
            afterIndexed();
        } catch (RuntimeException e) {
            LOGGER.warning(() -> "First crawl failed (retrying in " + CRAWL_RETRY.toSeconds() + " s): "
                    + e.getMessage());
            scheduler.schedule(this::firstCrawl, CRAWL_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The first crawl now, in the caller's thread ({@link #start()} runs it in the background). */
    public void crawl() {
        // no copy is loaded on this path: events held for one are applied from now on
        events.release();
        updater.crawl();
    }

    /** One reconcile now (the scheduler calls it every {@code registry.reconcile-interval}). */
    public void reconcile() {
        try {
            updater.reconcile();
        } catch (RuntimeException e) {
            LOGGER.warning(() -> "Reconcile failed: " + e.getMessage());
        }
    }

    /** Where registry notifications go. */
    public EventIntake events() {
        return events;
    }

    /** The index (read-only use: status, measurements). */
    public RegistryIndex index() {
        return index;
    }

    /** Deletes and untags through this catalog's registry client, previewed from its index (issue 14). */
    public Deletions deletions() {
        return new Deletions(index, client);
    }

    /** Re-reads one repository into the index now (after the service's own delete, so pages show it at once). */
    public void reread(String repository) {
        updater.refreshRepository(repository);
    }

    /**
     * Retention over this index and registry: plans from the index, deletes through the registry, and the
     * repositories it deleted from re-read at once.
     *
     * @param inUse    what the cluster's pods run (a digest they use is always kept)
     * @param settings the rules
     */
    public dev.imagecatalog.catalog.lifecycle.Retention retention(dev.imagecatalog.catalog.lifecycle.ImagesInUse inUse,
            dev.imagecatalog.catalog.lifecycle.RetentionSettings settings) {
        return new dev.imagecatalog.catalog.lifecycle.Retention(index, client, updater::refreshRepository, inUse,
                settings, java.time.Clock.systemUTC());
    }

    /** The index settings (events token, peers). */
    public IndexSettings indexSettings() {
        return indexSettings;
    }

    // ---- catalog use cases ----------------------------------------------------------------------------------

    @Override
    public List<String> repositories(String q) {
        updater.ensureCatalog();
        List<String> all = index.names();
        if (q == null || q.isBlank()) {
            return all;
        }
        String needle = q.strip().toLowerCase(Locale.ROOT);
        return all.stream().filter(n -> n.toLowerCase(Locale.ROOT).contains(needle)).toList();
    }

    @Override
    public List<TagSummary> tags(String repository) {
        return updater.repository(repository).tags();
    }

    @Override
    public TagDetail tag(String repository, String tag) {
        RepositorySnapshot snapshot = updater.repository(repository);
        TagSummary summary = snapshot.tag(tag);
        if (summary == null) {
            // pushed since the last event or reconcile reached us: one read of that tag (NOT_FOUND when none)
            summary = updater.readTag(repository, tag);
            snapshot = index.get(repository);
        }
        if (summary.error() != null) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE, summary.error());
        }
        return detail(repository, snapshot, summary);
    }

    @Override
    public TagDetail digest(String repository, String digest) {
        updater.repository(repository);
        // known to the index: no request; else the manifest (and what it reaches) is read, not indexed
        RepositorySnapshot snapshot = updater.readDigest(repository, digest);
        return detail(repository, snapshot, snapshot.tags().getFirst());
    }

    @Override
    public boolean manifestExists(String repository, String digest) {
        try {
            client.manifestDigest(repository, digest);
            return true;
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void ping() {
        client.ping();
    }

    @Override
    public boolean repositoriesConfigured() {
        return client.repositoriesConfigured();
    }

    @Override
    public String pullHost() {
        return settings.pullHost();
    }

    @Override
    public Overview overview(String q, RepositorySort sort) {
        updater.ensureCatalog();
        // read before building: a change while building leaves an older stamp, so the next call builds again
        long version = index.version();
        IndexStatus status = index.status();
        OverviewKey key = new OverviewKey(q == null ? "" : q.strip(), sort);
        StampedOverview cached = overviews.getIfPresent(key);
        if (cached != null && (cached.version() == version && cached.overview().status().equals(status)
                               || crawlingAndRecent(status, cached.overview().status(), cached.builtAt()))) {
            return cached.overview();
        }
        long builtAt = ticker.getAsLong();
        Overview built = buildOverview(key.q(), sort, status);
        overviews.put(key, new StampedOverview(version, builtAt, built));
        return built;
    }

    /**
     * While the first crawl runs, the index changes with every repository it reads; rebuilding the listing (all
     * names sorted, storage accounting over every blob) for each change would hand the crawl's CPU to whoever is
     * looking — measured: 10 clients on {@code /api/repositories} made the first crawl of 2,000 repositories take
     * 2.3× as long. So until the crawl ends, what was built during it is reused for up to
     * {@link #CRAWL_REFRESH_NANOS}: the progress shown is at most that old. Afterwards every change is shown at once.
     */
    private boolean crawlingAndRecent(IndexStatus now, IndexStatus then, long builtAt) {
        return now.crawling() && then.crawling() && ticker.getAsLong() - builtAt < CRAWL_REFRESH_NANOS;
    }

    private Overview buildOverview(String q, RepositorySort sort, IndexStatus status) {
        List<String> names = repositories(q);
        List<RepositoryInfo> infos = new ArrayList<>(names.size());
        for (String name : names) {
            RepositorySnapshot s = index.get(name);
            infos.add(s == null ? new RepositoryInfo(name, false, 0, 0, null, List.of())
                    : new RepositoryInfo(name, true, s.shownTagCount(), s.size(), s.newestCreated(), s.platforms()));
        }
        infos.sort(sort.order());
        return new Overview(List.copyOf(infos), index.names().size(), status.tags(), accounting().totalSize(),
                status);
    }

    @Override
    public Storage storage(String repository) {
        RepositorySnapshot s = updater.repository(repository);
        long unique = accounting().unique(s);
        return new Storage(s.size(), unique, s.size() - unique);
    }

    @Override
    public long freedByDelete(String repository, String digest) {
        return accounting().freed(updater.repository(repository), digest);
    }

    @Override
    public RepositoryView repositoryView(String repository) {
        RepositorySnapshot s = updater.repository(repository);
        long unique = accounting().unique(s);
        return new RepositoryView(repository, s.tags(), new Storage(s.size(), unique, s.size() - unique),
                s.attachments());
    }

    @Override
    public TagView tagView(String repository, String tag) {
        TagView view = Catalog.super.tagView(repository, tag);
        Attachments attachments = attachments(repository);
        return new TagView(view.detail(), view.pullHost(), view.platformsCapped(), view.freedBytes(),
                attachments.toTag(view.detail().summary()), attachments.sidecar(tag));
    }

    @Override
    public Attachments attachments(String repository) {
        return updater.repository(repository).attachments();
    }

    @Override
    public AttachedDocument attachedDocument(String repository, String digest, int maxBytes) {
        Attached attached = attachments(repository).document(digest);
        if (attached == null) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "No manifest of " + repository
                    + " has a signature, SBOM or attestation " + digest + " attached");
        }
        if (attached.size() > maxBytes) {
            throw new RegistryException(RegistryException.Kind.TOO_LARGE, "The document " + digest + " has "
                    + attached.size() + " bytes, more than the " + maxBytes + " served here; pull it with oras or "
                    + "cosign instead");
        }
        return new AttachedDocument(attached, client.document(repository, digest, attached.size(), maxBytes));
    }

    @Override
    public boolean platformsCapped(String repository, String digest) {
        RepositorySnapshot s = index.get(repository);
        return s != null && s.manifest(digest) instanceof IndexedManifest.Index idx && idx.capped();
    }

    @Override
    public SearchResult search(String q) {
        // the sorted names are kept per index version: no sort of every repository per query
        List<RepositorySnapshot> inOrder = index.names().stream().map(index::get).filter(Objects::nonNull).toList();
        return Search.run(inOrder, q, MAX_SEARCH_HITS, SEARCH_HITS_PER_REPOSITORY);
    }

    @Override
    public SearchResult search(String q, String repository) {
        RepositorySnapshot s = updater.repository(repository);
        SearchResult one = Search.run(List.of(s), q, MAX_SEARCH_HITS, MAX_SEARCH_HITS);
        return new SearchResult(one.query(), one.groups(), one.truncated()
                || one.groups().stream().anyMatch(g -> g.more() > 0), repository);
    }

    @Override
    public IndexStatus status() {
        return index.status();
    }

    @Override
    public AutoCloseable subscribe(Consumer<IndexChange> subscriber) {
        return index.subscribe(subscriber);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        // SIGTERM: the last state goes to disk (the chart's terminationGracePeriodSeconds leaves time for it)
        copies.writeSnapshot();
        events.close();
        client.close();
    }

    // ---- details --------------------------------------------------------------------------------------------

    private record OverviewKey(String q, RepositorySort sort) {
    }

    /** What a kept listing retains: its filter (two bytes a character at worst), its rows, and a fixed part. */
    static int overviewBytes(String q, int rows) {
        long bytes = OVERVIEW_FIXED_BYTES + 2L * q.length() + (long) OVERVIEW_ROW_BYTES * rows;
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static int overviewBytes(OverviewKey key, Overview overview) {
        return overviewBytes(key.q(), overview.repositories().size());
    }

    /** Bytes the kept listings retain now, by the weigher's measure (tests). */
    long overviewBytesKept() {
        overviews.cleanUp();
        return overviews.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** Filter lengths of the kept listings (tests). */
    List<Integer> keptFilterLengths() {
        overviews.cleanUp();
        return overviews.asMap().keySet().stream().map(k -> k.q().length()).toList();
    }

    private record StampedOverview(long version, long builtAt, Overview overview) {
    }

    private record StampedAccounting(StorageAccounting accounting, boolean crawling, long builtAt) {
    }

    private StorageAccounting accounting() {
        StampedAccounting a = accounting;
        boolean crawling = index.status().crawling();
        if (a != null && (a.accounting().version() == index.version()
                          || crawling && a.crawling() && ticker.getAsLong() - a.builtAt() < CRAWL_REFRESH_NANOS)) {
            return a.accounting();
        }
        long builtAt = ticker.getAsLong();
        StorageAccounting fresh = StorageAccounting.of(index);
        accounting = new StampedAccounting(fresh, crawling, builtAt);
        return fresh;
    }

    /** A tag's detail: the index's summary and layers, history and complete labels from the config (on demand). */
    private TagDetail detail(String repository, RepositorySnapshot snapshot, TagSummary summary) {
        List<PlatformDetail> platforms = new ArrayList<>();
        for (PlatformImage p : summary.platforms()) {
            if (!(snapshot.manifest(p.digest()) instanceof IndexedManifest.Image image)) {
                continue;
            }
            ImageConfig config = config(repository, image);
            Map<String, String> labels = config != null ? config.labels() : image.labels();
            List<HistoryEntry> history = config != null ? config.history() : List.of();
            platforms.add(new PlatformDetail(p, image.layers(), history, labels,
                                             config != null ? config.defaults() : null));
        }
        ChartConfig chart = summary.kind() == ArtifactKind.HELM_CHART
                && snapshot.manifest(summary.digest()) instanceof IndexedManifest.Image c ? chart(repository, c) : null;
        return new TagDetail(repository, summary, List.copyOf(platforms), chart);
    }

    /**
     * A Helm chart's config (name, version…), from the cache or the registry; {@code null} when it is larger than
     * {@link ChartConfig#MAX_BYTES} or unreadable (the page then shows the tag only).
     */
    private ChartConfig chart(String repository, IndexedManifest.Image chart) {
        Layer config = chart.config();
        if (config == null || config.size() > ChartConfig.MAX_BYTES) {
            return null;
        }
        ChartConfig cached = charts.getIfPresent(config.digest());
        if (cached != null) {
            return cached;
        }
        try {
            ChartConfig read = ManifestParser.parseChartConfig(
                    client.blob(repository, config.digest(), config.size()), config.digest());
            charts.put(config.digest(), read);
            return read;
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.UNREACHABLE || e.kind() == RegistryException.Kind.UNAUTHORIZED) {
                throw e;
            }
            LOGGER.fine(() -> "Chart config " + config.digest() + " of " + repository + " unreadable: "
                              + e.getMessage());
            return null;
        }
    }

    /** The whole config of an image, from the weight-bounded cache or the registry; {@code null} if unreadable. */
    private ImageConfig config(String repository, IndexedManifest.Image image) {
        if (image.config() == null) {
            return null;
        }
        String digest = image.config().digest();
        ImageConfig cached = details.getIfPresent(digest);
        if (cached != null) {
            return cached;
        }
        try {
            // getIfPresent/put instead of Cache.get(key, loader): a loader doing I/O would pin the carrier thread
            ImageConfig read = DetailLimits.bound(updater.config(repository, digest, image.config().size()));
            details.put(digest, read);
            return read;
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.UNREACHABLE || e.kind() == RegistryException.Kind.UNAUTHORIZED) {
                throw e;
            }
            LOGGER.fine(() -> "Config " + digest + " of " + repository + " unreadable: " + e.getMessage());
            return null;
        }
    }

    /** Rough retained bytes of a parsed config (strings dominate). */
    private static int weight(ImageConfig config) {
        long bytes = 256;
        for (Map.Entry<String, String> e : config.labels().entrySet()) {
            bytes += 64 + e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
        }
        for (HistoryEntry h : config.history()) {
            bytes += 96 + length(h.createdBy()) + length(h.comment());
        }
        bytes += config.defaults().weight();
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

}
