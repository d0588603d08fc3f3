package dev.imagecatalog.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.ImageConfig;
import dev.imagecatalog.registry.Manifest;
import dev.imagecatalog.registry.ManifestParser;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;

/**
 * The catalog over a Distribution registry. Listing repositories never reads manifests; a repository page reads
 * only that repository's manifests, several at once (virtual threads, at most {@code registry.concurrency}
 * requests in flight). Manifests and config blobs are immutable per digest and cached without expiry (bounded);
 * tag lists and tag→digest answers are reused for {@code registry.tag-ttl}, after which a tag costs one HEAD.
 */
public final class RegistryCatalog implements Catalog, AutoCloseable {

    private final DistributionClient client;
    private final RegistrySettings settings;
    private final Cache<String, Manifest> manifests;
    private final Cache<String, ImageConfig> configs;
    private final Cache<String, List<String>> repositoryList;
    private final Cache<String, List<String>> tagLists;
    private final Cache<String, String> tagDigests;
    private final Cache<String, String> lastKnownDigests;

    RegistryCatalog(DistributionClient client, RegistrySettings settings) {
        this.client = client;
        this.settings = settings;
        this.manifests = Caffeine.newBuilder().maximumSize(settings.cacheMaxEntries()).build();
        this.configs = Caffeine.newBuilder().maximumSize(settings.cacheMaxEntries()).build();
        this.repositoryList = Caffeine.newBuilder().expireAfterWrite(settings.tagTtl()).maximumSize(1).build();
        this.tagLists = Caffeine.newBuilder().expireAfterWrite(settings.tagTtl())
                .maximumSize(settings.cacheMaxEntries()).build();
        this.tagDigests = Caffeine.newBuilder().expireAfterWrite(settings.tagTtl())
                .maximumSize(settings.cacheMaxEntries()).build();
        this.lastKnownDigests = Caffeine.newBuilder().maximumSize(settings.cacheMaxEntries()).build();
    }

    /** The catalog for the registry these settings describe; close it to release the HTTP client. */
    public static RegistryCatalog create(RegistrySettings settings) {
        return new RegistryCatalog(new DistributionClient(settings), settings);
    }

    @Override
    public List<String> repositories(String q) {
        List<String> all = repositoryList.getIfPresent("");
        if (all == null) {
            all = client.catalog().stream().sorted().toList();
            repositoryList.put("", all);
        }
        if (q == null || q.isBlank()) {
            return all;
        }
        String needle = q.strip().toLowerCase(Locale.ROOT);
        return all.stream().filter(n -> n.toLowerCase(Locale.ROOT).contains(needle)).toList();
    }

    @Override
    public List<TagSummary> tags(String repository) {
        List<String> names = tagLists.getIfPresent(repository);
        if (names == null) {
            names = client.tags(repository);
            tagLists.put(repository, names);
        }
        Limiter limiter = new Limiter(settings.concurrency());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<TagSummary>>> futures = new ArrayList<>();
            for (String tag : names) {
                futures.add(executor.submit(() -> {
                    try {
                        return Optional.of(build(repository, tag, resolve(repository, tag, limiter), limiter,
                                executor).summary());
                    } catch (RegistryException e) {
                        if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                            return Optional.<TagSummary>empty(); // deleted since the tag list was read
                        }
                        throw e;
                    }
                }));
            }
            List<TagSummary> result = new ArrayList<>();
            for (Future<Optional<TagSummary>> f : futures) {
                join(f).ifPresent(result::add);
            }
            result.sort(Comparator.comparing(TagSummary::name));
            return List.copyOf(result);
        }
    }

    @Override
    public TagDetail tag(String repository, String tag) {
        Limiter limiter = new Limiter(settings.concurrency());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            return build(repository, tag, resolve(repository, tag, limiter), limiter, executor);
        }
    }

    @Override
    public TagDetail digest(String repository, String digest) {
        Limiter limiter = new Limiter(settings.concurrency());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            return build(repository, digest, manifestByDigest(repository, digest, limiter), limiter, executor);
        }
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
    public String pullHost() {
        return settings.pullHost();
    }

    @Override
    public void close() {
        client.close();
    }

    // ---- resolution with caches -----------------------------------------------------------------------------

    /** Tag → manifest: fresh tag→digest answer, else a HEAD when the digest's manifest is cached, else a GET. */
    private Manifest resolve(String repository, String tag, Limiter limiter) {
        String key = repository + ":" + tag;
        String digest = tagDigests.getIfPresent(key);
        if (digest == null) {
            String known = lastKnownDigests.getIfPresent(key);
            if (known != null && manifests.getIfPresent(repository + "@" + known) != null) {
                digest = limiter.call(() -> client.manifestDigest(repository, tag)).orElse(null);
            }
        }
        Manifest manifest;
        if (digest != null) {
            manifest = manifestByDigest(repository, digest, limiter);
        } else {
            manifest = limiter.call(() -> client.manifest(repository, tag));
            manifests.put(repository + "@" + manifest.digest(), manifest);
        }
        tagDigests.put(key, manifest.digest());
        lastKnownDigests.put(key, manifest.digest());
        return manifest;
    }

    private Manifest manifestByDigest(String repository, String digest, Limiter limiter) {
        String key = repository + "@" + digest;
        Manifest cached = manifests.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        // getIfPresent/put instead of Cache.get(key, loader): a loader doing I/O would pin the carrier thread
        Manifest fetched = limiter.call(() -> client.manifest(repository, digest));
        manifests.put(key, fetched);
        return fetched;
    }

    private ImageConfig config(String repository, String digest, Limiter limiter) {
        String key = repository + "@" + digest;
        ImageConfig cached = configs.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        ImageConfig parsed = ManifestParser.parseConfig(limiter.call(() -> client.blob(repository, digest)), digest);
        configs.put(key, parsed);
        return parsed;
    }

    // ---- building summaries ---------------------------------------------------------------------------------

    private TagDetail build(String repository, String name, Manifest manifest, Limiter limiter,
                            ExecutorService executor) {
        ArtifactKind kind = ManifestParser.classify(name, manifest);
        return switch (kind) {
            case IMAGE -> {
                PlatformDetail detail = platformDetail(repository, (Manifest.Image) manifest, null, limiter);
                PlatformImage image = detail.image();
                yield new TagDetail(repository, new TagSummary(name, manifest.digest(), manifest.mediaType(),
                        image.size(), image.created(), kind, List.of(image)), List.of(detail));
            }
            case INDEX -> {
                List<PlatformDetail> details = indexPlatforms(repository, (Manifest.Index) manifest, limiter, executor);
                List<PlatformImage> images = details.stream().map(PlatformDetail::image).toList();
                Instant newest = images.stream().map(PlatformImage::created).filter(Objects::nonNull)
                        .max(Comparator.naturalOrder()).orElse(null);
                yield new TagDetail(repository, new TagSummary(name, manifest.digest(), manifest.mediaType(),
                        null, newest, kind, images), details);
            }
            default -> {
                Long size = manifest instanceof Manifest.Image image ? image.size() : null;
                Instant created = manifest instanceof Manifest.Image image
                        ? instant(image.annotations().get("org.opencontainers.image.created")) : null;
                yield new TagDetail(repository, new TagSummary(name, manifest.digest(), manifest.mediaType(), size,
                        created, kind, List.of()), List.of());
            }
        };
    }

    /** One detail per real platform child; attestations and children that are gone (404) are not platforms. */
    private List<PlatformDetail> indexPlatforms(String repository, Manifest.Index index, Limiter limiter,
                                                ExecutorService executor) {
        List<Future<Optional<PlatformDetail>>> futures = new ArrayList<>();
        for (Manifest.IndexEntry entry : index.platformEntries()) {
            futures.add(executor.submit(() -> {
                Manifest child;
                try {
                    child = manifestByDigest(repository, entry.descriptor().digest(), limiter);
                } catch (RegistryException e) {
                    if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                        return Optional.<PlatformDetail>empty();
                    }
                    throw e;
                }
                if (!(child instanceof Manifest.Image image) || ManifestParser.classify(null, child) != ArtifactKind.IMAGE) {
                    return Optional.<PlatformDetail>empty();
                }
                return Optional.of(platformDetail(repository, image, entry, limiter));
            }));
        }
        List<PlatformDetail> details = new ArrayList<>();
        for (Future<Optional<PlatformDetail>> f : futures) {
            join(f).ifPresent(details::add);
        }
        return List.copyOf(details);
    }

    private PlatformDetail platformDetail(String repository, Manifest.Image image, Manifest.IndexEntry entry,
                                          Limiter limiter) {
        ImageConfig config = config(repository, image.config().digest(), limiter);
        // An index entry names its platform; a single image carries it only in its config.
        var platform = entry != null && entry.platform() != null ? entry.platform() : config.platform();
        PlatformImage platformImage = new PlatformImage(platform, image.digest(), image.size(), config.created());
        return new PlatformDetail(platformImage, image.layers(), config.history(), config.labels());
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : java.time.OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, "Interrupted while reading the registry", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Bounds the registry requests in flight for one page; acquired per request, so nested fetches cannot deadlock. */
    private static final class Limiter {
        private final Semaphore permits;

        Limiter(int concurrency) {
            this.permits = new Semaphore(concurrency);
        }

        <T> T call(Supplier<T> request) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(RegistryException.Kind.UNREACHABLE, "Interrupted while reading the registry", e);
            }
            try {
                return request.get();
            } finally {
                permits.release();
            }
        }
    }
}
