package dev.imagecatalog.catalog.index;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.TagSummary;

/**
 * One repository as indexed at one moment: its tags (sorted by name) with their summaries, and every manifest they
 * reach by digest. Immutable; the index swaps a whole snapshot when the repository changes, so a reader sees either
 * the old or the new repository, never half of each. Totals are computed once, at construction.
 */
public final class RepositorySnapshot {

    private static final Comparator<TagSummary> BY_NAME = Comparator.comparing(TagSummary::name);

    private final String name;
    private final List<TagSummary> tags;
    private final Map<String, IndexedManifest> manifests;
    private final long size;
    private final Instant newestCreated;
    private final List<String> platforms;
    private final int shownTags;
    private final Map<String, List<String>> referrers;
    /** Derived on first use (pages and the API ask; the crawl does not need it). */
    private volatile Attachments attachments;

    /**
     * @param name      repository name
     * @param tags      its tags (any order; kept sorted by name)
     * @param manifests every manifest the tags reach (tag targets and index children), by digest
     */
    public RepositorySnapshot(String name, List<TagSummary> tags, Map<String, IndexedManifest> manifests) {
        this(name, tags, manifests, Map.of());
    }

    /**
     * @param name      repository name
     * @param tags      its tags (any order; kept sorted by name)
     * @param manifests every manifest the tags reach (tag targets and index children) and the referrers, by digest
     * @param referrers the referrers the registry's referrers API lists, by subject digest (empty when it serves none)
     */
    public RepositorySnapshot(String name, List<TagSummary> tags, Map<String, IndexedManifest> manifests,
                              Map<String, List<String>> referrers) {
        this.name = name;
        this.referrers = Map.copyOf(referrers);
        List<TagSummary> sorted = new ArrayList<>(tags);
        sorted.sort(BY_NAME);
        this.tags = List.copyOf(sorted);
        this.manifests = Map.copyOf(manifests);
        Set<String> seen = new HashSet<>();
        long total = 0;
        Instant newest = null;
        Set<String> platformNames = new TreeSet<>();
        int sidecars = 0;
        for (TagSummary tag : this.tags) {
            if (Attachments.isSidecar(tag.name())) {
                sidecars++;
            }
            for (Layer blob : blobs(tag.digest())) {
                if (seen.add(blob.digest())) {
                    total += blob.size();
                }
            }
            if (tag.created() != null && (newest == null || tag.created().isAfter(newest))) {
                newest = tag.created();
            }
            for (PlatformImage p : tag.platforms()) {
                if (p.platform() != null) {
                    platformNames.add(Names.intern(p.platform().toString()));
                }
            }
        }
        this.size = total;
        this.shownTags = this.tags.size() - sidecars;
        this.newestCreated = newest;
        this.platforms = List.copyOf(platformNames);
    }

    /** A repository without tags (listed by the catalog, e.g. after every tag was deleted). */
    public static RepositorySnapshot empty(String name) {
        return new RepositorySnapshot(name, List.of(), Map.of());
    }

    /** Repository name. */
    public String name() {
        return name;
    }

    /** Tags sorted by name. */
    public List<TagSummary> tags() {
        return tags;
    }

    /**
     * Tags counted and shown by default: all but cosign's sidecar tags, which fold under the tag they name
     * (their bytes still count in {@link #size()}).
     */
    public int shownTagCount() {
        return shownTags;
    }

    /** What is attached to which manifest, and which tags are sidecars (derived once, on first use). */
    public Attachments attachments() {
        Attachments a = attachments;
        if (a == null) {
            a = Attachments.of(this);
            attachments = a;
        }
        return a;
    }

    /** Manifests the registry's referrers API lists, by subject digest (empty when it serves none). */
    public Map<String, List<String>> referrers() {
        return referrers;
    }

    /** One tag by name, or {@code null}. */
    public TagSummary tag(String tagName) {
        int at = Collections.binarySearch(tags, TagSummary.failed(tagName, null, null), BY_NAME);
        return at >= 0 ? tags.get(at) : null;
    }

    /** A manifest reached by a tag of this repository, or {@code null}. */
    public IndexedManifest manifest(String digest) {
        return digest == null ? null : manifests.get(digest);
    }

    /** Every manifest reached by its tags, by digest. */
    public Map<String, IndexedManifest> manifests() {
        return manifests;
    }

    /**
     * Bytes of the distinct blobs (configs and layers, index children and attestations included) its tags
     * reference; the manifests' own bytes are not counted (see {@link StorageAccounting}).
     */
    public long size() {
        return size;
    }

    /** Newest creation time of its tags, {@code null} when none is known. */
    public Instant newestCreated() {
        return newestCreated;
    }

    /** Platforms of its images, sorted (e.g. {@code linux/amd64}). */
    public List<String> platforms() {
        return platforms;
    }

    /**
     * The distinct config and layer blobs a manifest reaches (for an index: through its children and its
     * attestations), each once.
     */
    public List<Layer> blobs(String digest) {
        Map<String, Layer> out = new HashMap<>();
        visit(digest, b -> out.putIfAbsent(b.digest(), b));
        return List.copyOf(out.values());
    }

    /** Visits the config and layer blobs a manifest reaches (duplicates possible). */
    void visit(String digest, Consumer<Layer> blob) {
        visitManifests(digest, m -> m.forEachBlob(blob));
    }

    /**
     * Visits the manifests a manifest stands for in storage: itself and, for an index, the platform children and
     * attestation manifests it lists that are indexed (duplicates possible).
     */
    void visitManifests(String digest, Consumer<IndexedManifest> manifest) {
        IndexedManifest m = manifest(digest);
        if (m == null) {
            return;
        }
        manifest.accept(m);
        if (m instanceof IndexedManifest.Index index) {
            for (IndexedManifest.Child child : index.children()) {
                IndexedManifest c = manifest(child.digest());
                if (c != null) {
                    manifest.accept(c);
                }
            }
            for (String attestation : index.attestations()) {
                IndexedManifest a = manifest(attestation);
                if (a != null) {
                    manifest.accept(a);
                }
            }
        }
    }
}
