package dev.imagecatalog.catalog.index;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.ImageConfig;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Manifest;
import dev.imagecatalog.registry.ManifestParser;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagSummary;

/**
 * One read of one repository for the {@link IndexUpdater}: manifests and configs the previous snapshot knows are
 * reused, never re-read; what is new is read through the updater (its config byte budget) and
 * turned into index entries and tag summaries. Not thread-safe across reads; one instance per read, used by the
 * read's own virtual threads (its maps are concurrent).
 */
final class RepositoryReader {

    private static final Pattern COSIGN_TAG = Pattern.compile("sha256-[a-f0-9]{64}\\.(sig|att|sbom)");

    private final IndexUpdater updater;
    private final String repository;
    /** Every manifest known to this read (the previous snapshot's and those read now), by digest. */
    final Map<String, IndexedManifest> manifests = new ConcurrentHashMap<>();
    private final Map<String, ConfigFields> configs = new ConcurrentHashMap<>();
    /** The previous snapshot's referrers (kept when this read does not ask the referrers API). */
    private final Map<String, List<String>> referrers;
    /** Layer descriptors this repository's manifests hold, each once (see {@link #layer}). */
    private final Map<Layer, Layer> layers = new ConcurrentHashMap<>();
    /** Label maps and values this repository's manifests hold, each once (see {@link #sharedLabels}). */
    private final Map<Map<String, String>, Map<String, String>> labelMaps = new ConcurrentHashMap<>();
    private final Map<String, String> labelValues = new ConcurrentHashMap<>();

    RepositoryReader(IndexUpdater updater, String repository, RepositorySnapshot previous) {
        this.updater = updater;
        this.repository = repository;
        this.referrers = previous == null ? Map.of() : previous.referrers();
        if (previous != null) {
            for (IndexedManifest m : previous.manifests().values()) {
                manifests.put(m.digest(), m);
                m.forEachBlob(l -> layers.putIfAbsent(l, l));
                if (m instanceof IndexedManifest.Image image && image.kind() == ArtifactKind.IMAGE
                        && image.config() != null) {
                    // the previous snapshot's maps are already one per repository: taken as they are, not copied
                    labelMaps.putIfAbsent(image.labels(), image.labels());
                    image.labels().values().forEach(v -> labelValues.putIfAbsent(v, v));
                    configs.put(image.config().digest(), new ConfigFields(image.created(), image.platform(),
                            labelMaps.get(image.labels()), image.labelsComplete()));
                }
            }
        }
    }

    /** The tag now: a HEAD first when it is known (unchanged digest: kept), else a GET by tag. */
    Optional<TagSummary> readTag(String tag, TagSummary known) {
        try {
            if (known != null && known.error() == null && known.digest() != null) {
                Optional<String> digest = updater.client().manifestDigest(repository, tag);
                if (digest.isPresent() && digest.get().equals(known.digest())
                        && reusable(manifests.get(known.digest()))) {
                    return Optional.of(known);
                }
                if (digest.isPresent() && reusable(manifests.get(digest.get()))) {
                    return Optional.of(summary(tag, manifests.get(digest.get())));
                }
            }
            Manifest manifest = updater.client().manifest(repository, tag);
            return Optional.of(summary(tag, entry(manifest)));
        } catch (RegistryException e) {
            return switch (e.kind()) {
                case NOT_FOUND -> Optional.empty(); // deleted since the tag list was read
                case TOO_LARGE, DIGEST_MISMATCH, BAD_RESPONSE ->
                        Optional.of(TagSummary.failed(tag, null, e.getMessage()));
                default -> throw e;
            };
        }
    }

    /** The tag as pointing at {@code digest}: from what is known, else one GET by digest. */
    Optional<TagSummary> readAs(String tag, String digest) {
        try {
            IndexedManifest known = manifests.get(digest);
            IndexedManifest m = known != null ? known : entry(updater.client().manifest(repository, digest));
            return Optional.of(summary(tag, m));
        } catch (RegistryException e) {
            return switch (e.kind()) {
                case NOT_FOUND -> Optional.empty(); // deleted again since the event was sent
                case TOO_LARGE, DIGEST_MISMATCH, BAD_RESPONSE ->
                        Optional.of(TagSummary.failed(tag, null, e.getMessage()));
                default -> throw e;
            };
        }
    }

    /**
     * Whether a known manifest can stand for itself without a request: not an index with missing children (those
     * are asked again at each read of their tag — one GET per missing child — so a child pushed again shows up).
     */
    private static boolean reusable(IndexedManifest known) {
        return known != null && !(known instanceof IndexedManifest.Index idx && !idx.missing().isEmpty());
    }

    /** The snapshot of these tags with exactly the manifests they reach (and the previous referrers of those). */
    RepositorySnapshot snapshot(List<TagSummary> tags) {
        return snapshot(tags, null);
    }

    /**
     * A referrer listed by the registry's referrers API, read (when not known) and kept: whether it is an image
     * manifest (a signature, SBOM or attestation artifact) that could be read.
     */
    boolean referrer(String digest) {
        try {
            IndexedManifest known = manifests.get(digest);
            IndexedManifest m = known != null ? known : entry(updater.client().manifest(repository, digest));
            return m instanceof IndexedManifest.Image;
        } catch (RegistryException e) {
            return switch (e.kind()) {
                case NOT_FOUND, TOO_LARGE, DIGEST_MISMATCH, BAD_RESPONSE -> false;
                default -> throw e;
            };
        }
    }

    /**
     * The snapshot of these tags with exactly the manifests they reach, and {@code fresh} referrers (by subject) or,
     * when {@code null}, the previous snapshot's referrers of subjects still reached.
     */
    RepositorySnapshot snapshot(List<TagSummary> tags, Map<String, List<String>> fresh) {
        Map<String, IndexedManifest> reachable = new HashMap<>();
        for (TagSummary t : tags) {
            IndexedManifest m = t.digest() == null ? null : manifests.get(t.digest());
            if (m == null) {
                continue;
            }
            reachable.put(m.digest(), m);
            if (m instanceof IndexedManifest.Index idx) {
                for (IndexedManifest.Child c : idx.children()) {
                    IndexedManifest child = manifests.get(c.digest());
                    if (child != null) {
                        reachable.put(child.digest(), child);
                    }
                }
                for (String a : idx.attestations()) {
                    IndexedManifest attestation = manifests.get(a);
                    if (attestation != null) {
                        reachable.put(attestation.digest(), attestation);
                    }
                }
            }
        }
        Map<String, List<String>> kept = new HashMap<>();
        (fresh != null ? fresh : referrers).forEach((subject, list) -> {
            if (reachable.containsKey(subject)) {
                List<String> present = list.stream().filter(manifests::containsKey).toList();
                present.forEach(d -> reachable.put(d, manifests.get(d)));
                if (!present.isEmpty()) {
                    kept.put(subject, present);
                }
            }
        });
        return new RepositorySnapshot(repository, tags, reachable, kept);
    }

    IndexedManifest entry(Manifest manifest) {
        IndexedManifest known = manifests.get(manifest.digest());
        if (reusable(known)) {
            return known;
        }
        IndexedManifest entry = switch (manifest) {
            case Manifest.Schema1 s -> new IndexedManifest.Image(s.digest(),
                    Names.intern(s.mediaType()), ArtifactKind.SCHEMA1, null, List.of(), null, null, Map.of(),
                    true, s.bytes());
            case Manifest.Image image -> image(image);
            case Manifest.Index idx -> index(idx);
        };
        manifests.put(entry.digest(), entry);
        return entry;
    }

    private IndexedManifest.Image image(Manifest.Image image) {
        ArtifactKind kind = ManifestParser.classify(null, image);
        Layer config = layer(image.config().digest(), image.config().size(), image.config().mediaType());
        List<Layer> layers = image.layers().stream().map(l -> layer(l.digest(), l.size(), l.mediaType()))
                .toList();
        List<IndexedManifest.LayerNote> notes = LayerNotes.of(image);
        if (kind != ArtifactKind.IMAGE) {
            return new IndexedManifest.Image(image.digest(), Names.intern(image.mediaType()), kind,
                    config, layers, null, instant(image.annotations().get("org.opencontainers.image.created")),
                    Map.of(), true, image.bytes(), notes);
        }
        ConfigFields fields = config(config);
        return new IndexedManifest.Image(image.digest(), Names.intern(image.mediaType()), kind,
                config, layers, fields.platform(), fields.created(), fields.labels(), fields.complete(),
                image.bytes(), notes);
    }

    private IndexedManifest.Index index(Manifest.Index idx) {
        int max = updater.maxPlatforms();
        List<Manifest.IndexEntry> entries = idx.platformEntries();
        // attestations (one per platform with buildx) are bounded like platforms: an index is input
        List<Manifest.IndexEntry> others = idx.otherEntries();
        boolean capped = entries.size() > max || others.size() > max;
        List<Manifest.IndexEntry> read = entries.size() > max ? entries.subList(0, max) : entries;
        List<Manifest.IndexEntry> readOthers = others.size() > max ? others.subList(0, max) : others;
        List<Future<Optional<ChildRead>>> futures = new ArrayList<>();
        List<Future<Optional<String>>> attestationFutures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Manifest.IndexEntry e : read) {
                futures.add(executor.submit(() -> child(e)));
            }
            for (Manifest.IndexEntry e : readOthers) {
                attestationFutures.add(executor.submit(() -> attestation(e)));
            }
            List<IndexedManifest.Child> children = new ArrayList<>();
            List<IndexedManifest.Child> missing = new ArrayList<>();
            for (Future<Optional<ChildRead>> f : futures) {
                IndexUpdater.join(f).ifPresent(r -> (r.missing() ? missing : children).add(r.child()));
            }
            List<String> attestations = new ArrayList<>();
            for (Future<Optional<String>> f : attestationFutures) {
                IndexUpdater.join(f).ifPresent(attestations::add);
            }
            // entries that are artifacts, not images (an OCI 1.1 referrers fallback index lists signatures and
            // SBOMs so): no platform, but stored and attached, so kept like attestations
            for (Manifest.IndexEntry e : read) {
                String d = e.descriptor().digest();
                if (manifests.get(d) instanceof IndexedManifest.Image artifact && artifact.kind() != ArtifactKind.IMAGE
                        && !attestations.contains(d)) {
                    attestations.add(artifact.digest());
                }
            }
            return new IndexedManifest.Index(idx.digest(), Names.intern(idx.mediaType()),
                    List.copyOf(children), List.copyOf(attestations), capped, idx.bytes(), List.copyOf(missing));
        }
    }

    /**
     * An attestation entry's manifest, kept for storage only: its blobs are stored (an SBOM layer can be megabytes)
     * but it is no platform, so its config is not read. Empty when it is gone (404), unreadable (too large, not
     * matching its digest, not a manifest: the images stay listed and runnable, only its bytes go uncounted) or not
     * an image manifest.
     */
    private Optional<String> attestation(Manifest.IndexEntry e) {
        String digest = e.descriptor().digest();
        // the manifest's own digest instance, not the entry's: one string per manifest in the index
        if (manifests.get(digest) instanceof IndexedManifest.Image known) {
            return Optional.of(known.digest());
        }
        Manifest m;
        try {
            m = updater.client().manifest(repository, digest);
        } catch (RegistryException ex) {
            return switch (ex.kind()) {
                case NOT_FOUND, TOO_LARGE, DIGEST_MISMATCH, BAD_RESPONSE -> Optional.empty();
                default -> throw ex;
            };
        }
        if (!(m instanceof Manifest.Image image)) {
            return Optional.empty();
        }
        List<Layer> layers = image.layers().stream().map(l -> layer(l.digest(), l.size(), l.mediaType()))
                .toList();
        IndexedManifest.Image entry = new IndexedManifest.Image(image.digest(), Names.intern(image.mediaType()),
                ArtifactKind.SIGNATURE, layer(image.config().digest(), image.config().size(),
                image.config().mediaType()), layers, null, null, Map.of(), true, image.bytes(),
                LayerNotes.of(image));
        manifests.putIfAbsent(entry.digest(), entry);
        return Optional.of(manifests.get(entry.digest()).digest());
    }

    /**
     * A platform child; marked missing when it is gone (404) and the entry names its platform (a user must learn
     * the index cannot run there, not see an index that seems never to have had it); empty when it is not an image.
     */
    private Optional<ChildRead> child(Manifest.IndexEntry e) {
        String digest = e.descriptor().digest();
        IndexedManifest child = manifests.get(digest);
        if (child == null) {
            Manifest m;
            try {
                m = updater.client().manifest(repository, digest);
            } catch (RegistryException ex) {
                if (ex.kind() == RegistryException.Kind.NOT_FOUND) {
                    Platform named = Names.platform(e.platform());
                    return named == null || named.os() == null || named.architecture() == null ? Optional.empty()
                            : Optional.of(new ChildRead(new IndexedManifest.Child(digest, named), true));
                }
                throw ex;
            }
            if (!(m instanceof Manifest.Image)) {
                return Optional.empty();
            }
            child = entry(m);
        }
        if (!(child instanceof IndexedManifest.Image image) || image.kind() != ArtifactKind.IMAGE) {
            return Optional.empty();
        }
        return Optional.of(new ChildRead(new IndexedManifest.Child(child.digest(), Names.platform(e.platform())),
                false));
    }

    /** A platform entry as read: found, or answered 404. */
    private record ChildRead(IndexedManifest.Child child, boolean missing) {
    }

    private ConfigFields config(Layer config) {
        ConfigFields known = configs.get(config.digest());
        if (known != null) {
            return known;
        }
        ImageConfig parsed = updater.config(repository, config.digest(), config.size());
        ConfigFields read = ConfigFields.of(parsed);
        ConfigFields fields = new ConfigFields(read.created(), read.platform(), sharedLabels(read.labels()),
                read.complete());
        configs.put(config.digest(), fields);
        return fields;
    }

    /**
     * The descriptor as one copy per repository: a repository's tags share their base layers (and a re-read shares
     * the previous snapshot's). Shared within this read only, like {@link #sharedLabels}.
     */
    Layer layer(String digest, long size, String mediaType) {
        Layer read = Names.layer(digest, size, mediaType);
        Layer prior = layers.putIfAbsent(read, read);
        return prior == null ? read : prior;
    }

    /**
     * The labels as one copy per repository: buildx writes the same labels into every platform's config, and values
     * such as the source URL or the vendor repeat across tags. Shared within this read only, so nothing is kept
     * once the snapshot is built (a global interner would cost more per unique value than it shares).
     */
    Map<String, String> sharedLabels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> known = labelMaps.get(labels);
        if (known != null) {
            return known;
        }
        Map<String, String> values = new HashMap<>(labels.size() * 2);
        labels.forEach((k, v) -> {
            String prior = labelValues.putIfAbsent(v, v);
            values.put(k, prior == null ? v : prior);
        });
        Map<String, String> copy = Map.copyOf(values);
        Map<String, String> prior = labelMaps.putIfAbsent(copy, copy);
        return prior == null ? copy : prior;
    }

    TagSummary summary(String tag, IndexedManifest m) {
        // a tag name and a manifest digest are rarely shared across repositories: not interned (an interner entry
        // would cost more than the string)
        String name = tag;
        boolean cosign = COSIGN_TAG.matcher(tag).matches();
        if (m instanceof IndexedManifest.Index idx) {
            List<PlatformImage> platforms = new ArrayList<>();
            List<PlatformImage> missing = new ArrayList<>();
            for (IndexedManifest.Child c : idx.missing()) {
                missing.add(new PlatformImage(c.platform(), c.digest(), 0, null));
            }
            for (IndexedManifest.Child c : idx.children()) {
                if (manifests.get(c.digest()) instanceof IndexedManifest.Image image) {
                    Platform p = c.platform() != null ? c.platform() : image.platform();
                    platforms.add(new PlatformImage(p, image.digest(), image.size(), image.created()));
                }
            }
            Instant newest = platforms.stream().map(PlatformImage::created).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElse(null);
            return new TagSummary(name, idx.digest(), idx.mediaType(), null, newest,
                    cosign ? ArtifactKind.SIGNATURE : ArtifactKind.INDEX, List.copyOf(platforms), null,
                    List.copyOf(missing));
        }
        IndexedManifest.Image image = (IndexedManifest.Image) m;
        ArtifactKind kind = cosign ? ArtifactKind.SIGNATURE : image.kind();
        if (kind == ArtifactKind.IMAGE) {
            return new TagSummary(name, image.digest(), image.mediaType(), image.size(), image.created(), kind,
                    List.of(new PlatformImage(image.platform(), image.digest(), image.size(), image.created())));
        }
        Long size = image.config() == null ? null : image.size();
        return new TagSummary(name, image.digest(), image.mediaType(), size, image.created(), kind, List.of());
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** What the index keeps of a config. */
    private record ConfigFields(Instant created, Platform platform, Map<String, String> labels, boolean complete) {
        static ConfigFields of(ImageConfig config) {
            Map<String, String> labels = new java.util.LinkedHashMap<>();
            int budget = IndexedManifest.Limits.LABEL_BYTES;
            boolean complete = true;
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(config.labels()).entrySet()) {
                String value = e.getValue() == null ? "" : e.getValue();
                if (value.length() > IndexedManifest.Limits.LABEL_VALUE) {
                    value = value.substring(0, IndexedManifest.Limits.LABEL_VALUE) + "…";
                    complete = false;
                }
                budget -= e.getKey().length() + value.length();
                if (budget < 0) {
                    complete = false;
                    break;
                }
                labels.put(Names.intern(e.getKey()), value);
            }
            return new ConfigFields(config.created(), Names.platform(config.platform()),
                    labels.isEmpty() ? Map.of() : Map.copyOf(labels), complete);
        }
    }
}
