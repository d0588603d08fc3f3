package dev.imagecatalog.catalog.index;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.imagecatalog.registry.TagSummary;

/**
 * Who references which blob, across the whole registry at one index version: the distinct bytes of the registry,
 * the bytes only one repository uses, and the bytes a manifest delete would free after garbage collection. A
 * "root" is a manifest a tag points at (per repository); an index's children and attestation manifests count as
 * part of their index. Every blob the registry stores for a root is known: configs and layers (an attestation's
 * in-toto layers included), and the manifests themselves (Distribution stores each as a blob).
 * <p>
 * The sizes ({@link #totalSize()}, {@link #unique}) count configs and layers — the image content, as a
 * repository's {@code size} does; {@link #freed} counts what garbage collection removes, manifests included.
 * Untagged manifests are unknown to the index (the registry lists tags only), so "freed" is an upper bound when
 * such manifests share blobs.
 */
public final class StorageAccounting {

    /**
     * One blob the registry stores.
     *
     * @param digest   blob digest
     * @param size     bytes
     * @param manifest whether it is a manifest (index, platform image or attestation), not a config or layer
     */
    public record Blob(String digest, long size, boolean manifest) {
    }

    /** Per blob: what it is, repositories referencing it, roots referencing it. */
    private static final class Usage {
        final Blob blob;
        int repositories;
        int roots;

        Usage(Blob blob) {
            this.blob = blob;
        }
    }

    private final long version;
    private final Map<String, Usage> blobs = new HashMap<>();
    private final long totalSize;

    StorageAccounting(long version, Collection<RepositorySnapshot> snapshots) {
        this.version = version;
        long total = 0;
        for (RepositorySnapshot s : snapshots) {
            Set<String> inRepository = new HashSet<>();
            Set<String> roots = new HashSet<>();
            for (TagSummary t : s.tags()) {
                if (t.digest() == null || !roots.add(t.digest())) {
                    continue;
                }
                for (Blob blob : stored(s, t.digest())) {
                    Usage u = blobs.get(blob.digest());
                    if (u == null) {
                        u = new Usage(blob);
                        blobs.put(blob.digest(), u);
                        if (!blob.manifest()) {
                            total += blob.size();
                        }
                    }
                    u.roots++;
                    if (inRepository.add(blob.digest())) {
                        u.repositories++;
                    }
                }
            }
        }
        this.totalSize = total;
    }

    /** Accounting of the index as it is now. */
    public static StorageAccounting of(RegistryIndex index) {
        long version = index.version();
        return new StorageAccounting(version, List.copyOf(index.snapshots()));
    }

    /** The index version this accounting reflects. */
    public long version() {
        return version;
    }

    /** Distinct config and layer bytes across the registry (shared blobs once, attestations included). */
    public long totalSize() {
        return totalSize;
    }

    /** Bytes of this repository's configs and layers that no other repository references. */
    public long unique(RepositorySnapshot s) {
        long unique = 0;
        Set<String> seen = new HashSet<>();
        for (TagSummary t : s.tags()) {
            if (t.digest() == null) {
                continue;
            }
            for (Blob blob : stored(s, t.digest())) {
                Usage u = blobs.get(blob.digest());
                if (!blob.manifest() && seen.add(blob.digest()) && u != null && u.repositories == 1) {
                    unique += blob.size();
                }
            }
        }
        return unique;
    }

    /**
     * The blobs garbage collection would remove after a delete of manifest {@code digest} in this repository: the
     * manifest itself, its index children and attestations, and their configs and layers — each unless another
     * root references it.
     */
    public List<Blob> freedBlobs(RepositorySnapshot s, String digest) {
        List<Blob> freed = new ArrayList<>();
        for (Blob blob : stored(s, digest)) {
            Usage u = blobs.get(blob.digest());
            if (u != null && u.roots == 1) {
                freed.add(blob);
            }
        }
        return freed;
    }

    /** Bytes of {@link #freedBlobs}. */
    public long freed(RepositorySnapshot s, String digest) {
        return freedBlobs(s, digest).stream().mapToLong(Blob::size).sum();
    }

    /** Every blob stored for a root, each once: the manifests it stands for, their configs and layers. */
    private static Collection<Blob> stored(RepositorySnapshot s, String digest) {
        Map<String, Blob> out = new LinkedHashMap<>();
        s.visitManifests(digest, m -> {
            out.putIfAbsent(m.digest(), new Blob(m.digest(), m.bytes(), true));
            m.forEachBlob(b -> out.putIfAbsent(b.digest(), new Blob(b.digest(), b.size(), false)));
        });
        return out.values();
    }
}
