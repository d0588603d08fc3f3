package dev.imagecatalog.catalog.index;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.TagSummary;

/**
 * Who references which blob, across the whole registry at one index version: the distinct bytes of the registry,
 * the bytes only one repository uses, and the bytes a manifest delete would free after garbage collection. A
 * "root" is a manifest a tag points at (per repository); an index's children count as part of their index.
 * Untagged manifests are unknown to the index (the registry lists tags only), so "freed" is an upper bound when
 * such manifests share blobs.
 */
public final class StorageAccounting {

    /** Per blob: size, repositories referencing it, roots referencing it. */
    private static final class Usage {
        final long size;
        int repositories;
        int roots;

        Usage(long size) {
            this.size = size;
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
                for (Layer blob : s.blobs(t.digest())) {
                    Usage u = blobs.get(blob.digest());
                    if (u == null) {
                        u = new Usage(blob.size());
                        blobs.put(blob.digest(), u);
                        total += blob.size();
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

    /** Distinct bytes across the registry (shared layers once). */
    public long totalSize() {
        return totalSize;
    }

    /** Bytes of this repository's blobs that no other repository references. */
    public long unique(RepositorySnapshot s) {
        long unique = 0;
        for (Layer blob : allBlobs(s)) {
            Usage u = blobs.get(blob.digest());
            if (u != null && u.repositories == 1) {
                unique += blob.size();
            }
        }
        return unique;
    }

    /** Bytes a delete of manifest {@code digest} in this repository would free: its blobs no other root uses. */
    public long freed(RepositorySnapshot s, String digest) {
        long freed = 0;
        for (Layer blob : s.blobs(digest)) {
            Usage u = blobs.get(blob.digest());
            if (u != null && u.roots == 1) {
                freed += blob.size();
            }
        }
        return freed;
    }

    private static Collection<Layer> allBlobs(RepositorySnapshot s) {
        Map<String, Layer> all = new HashMap<>();
        for (TagSummary t : s.tags()) {
            if (t.digest() != null) {
                s.visit(t.digest(), b -> all.putIfAbsent(b.digest(), b));
            }
        }
        return all.values();
    }
}
