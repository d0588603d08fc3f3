package dev.imagecatalog.catalog.index;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.logging.Logger;

/**
 * The blobs the registry's {@code garbage-collect} (without {@code --delete-untagged}) would remove now: those of
 * manifests deleted by digest (their revision link gone: a registry delete event, the service's own delete, a
 * reconcile that finds a tag gone whose manifest the registry no longer has) that no manifest left in the index
 * references — the manifest's own bytes, its config and layers (an index's children and attestations leave as
 * manifests of their own). A manifest that only lost its tags (a tag re-pointed, an untag on 2.8) is still linked and
 * the collector keeps it and its blobs, so it never counts — nor does a blob such a manifest shares with a deleted one
 * (the manifests seen leaving while still linked are remembered until a delete event by digest names them).
 * <p>
 * An entry leaves when a manifest references its blob again (pushed again) or when the collector removed it: a
 * config or layer is checked with a HEAD in a repository that had it ({@link #collected}); a collection removes
 * every unreferenced blob at once, so one blob found gone proves every earlier entry went too (manifests included,
 * which no cheap request can check: Distribution serves a manifest's bytes only through its revision link).
 * <p>
 * Bounded: an entry is a digest, a size and the repository to check it in; at most {@value #MAX_ENTRIES} are kept
 * (beyond that the figure is a lower bound), and as many blob references of linked manifests. Limits: a manifest the
 * index never saw tagged (untagged but still linked, e.g. before this process started) is unknown, and a blob only it
 * references is counted until a collection keeps it and a later entry is found gone; the figure lives in memory, so a
 * restart starts it again from 0 (the registry cannot list what was deleted).
 */
public final class Reclaimable {

    /** Entries kept at most (about 100 bytes each). */
    public static final int MAX_ENTRIES = 1_000_000;

    private static final Logger LOGGER = Logger.getLogger(Reclaimable.class.getName());

    /** One blob waiting for the collector; {@code order} grows with every batch added (one delete's blobs). */
    private record Entry(String digest, long size, String repository, boolean manifest, long order) {
    }

    /** By blob digest, in the order added. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Manifests that left the index still linked, by repository@digest: what they store. */
    private final Map<String, List<Entry>> linked = new HashMap<>();
    /** Per blob digest, how many linked manifests reference it. */
    private final Map<String, Integer> linkedRefs = new HashMap<>();
    private int linkedEntries;
    private final int maxEntries;
    private long order;
    private volatile long bytes;
    private volatile boolean capped;

    /** Keeps at most {@value #MAX_ENTRIES} blobs. */
    public Reclaimable() {
        this(MAX_ENTRIES);
    }

    Reclaimable(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** Bytes the collector would remove (what is known of it). */
    public long bytes() {
        return bytes;
    }

    /** Blobs counted. */
    public synchronized int blobs() {
        return entries.size();
    }

    /** Whether blobs were left out because the maximum was kept already (the figure is a lower bound). */
    public boolean capped() {
        return capped;
    }

    /**
     * Manifests of {@code repository} the registry deleted by digest: their blobs become reclaimable unless a manifest
     * of {@code current} (the index after the change) or a manifest still linked ({@link #stillLinked}) references
     * them. Called after the change is in the index, and under this object's lock, so a push indexed meanwhile either
     * is in {@code current} or is seen by {@link #referenced} afterwards.
     */
    synchronized void deleted(String repository, Collection<IndexedManifest> manifests,
                              Collection<RepositorySnapshot> current) {
        List<Entry> stored = new ArrayList<>();
        for (IndexedManifest m : manifests) {
            unlink(repository, m.digest());
            stored.addAll(stored(repository, m));
        }
        count(stored, current);
    }

    /**
     * A manifest that left the index earlier while still linked ({@link #stillLinked}) is deleted now (a delete event
     * by digest): its blobs become reclaimable as in {@link #deleted}. False when it was not known as linked.
     */
    synchronized boolean deletedLinked(String repository, String digest, Collection<RepositorySnapshot> current) {
        List<Entry> stored = unlink(repository, digest);
        if (stored == null) {
            return false;
        }
        count(stored, current);
        return true;
    }

    /** Whether a manifest that left the index is known to be still linked in this repository. */
    synchronized boolean linked(String repository, String digest) {
        return linked.containsKey(repository + "@" + digest);
    }

    /**
     * Manifests that left the index but are still linked in {@code repository} (a tag re-pointed, an untag on 2.8):
     * the collector keeps them and every blob they reference, so those blobs never count while they stay linked.
     * Kept within the same bound as the entries; beyond it the figure may count blobs the collector keeps.
     */
    synchronized void stillLinked(String repository, Collection<IndexedManifest> manifests) {
        for (IndexedManifest m : manifests) {
            String key = repository + "@" + m.digest();
            List<Entry> stored = stored(repository, m);
            if (linked.containsKey(key) || linkedEntries + stored.size() > maxEntries) {
                continue;
            }
            linked.put(key, stored);
            linkedEntries += stored.size();
            for (Entry e : stored) {
                linkedRefs.merge(e.digest(), 1, Integer::sum);
                drop(e.digest());
            }
        }
    }

    /** Forgets a linked manifest; what it stored, or {@code null} when it was not known. */
    private List<Entry> unlink(String repository, String digest) {
        List<Entry> stored = linked.remove(repository + "@" + digest);
        if (stored != null) {
            linkedEntries -= stored.size();
            for (Entry e : stored) {
                linkedRefs.computeIfPresent(e.digest(), (d, n) -> n == 1 ? null : n - 1);
            }
        }
        return stored;
    }

    /** The blobs the registry stores for one manifest: itself, its config and layers. */
    private static List<Entry> stored(String repository, IndexedManifest m) {
        List<Entry> out = new ArrayList<>();
        out.add(new Entry(m.digest(), m.bytes(), repository, true, 0));
        m.forEachBlob(b -> out.add(new Entry(b.digest(), b.size(), repository, false, 0)));
        return out;
    }

    /** Counts the blobs no indexed and no linked manifest references. */
    private void count(List<Entry> stored, Collection<RepositorySnapshot> current) {
        Map<String, Entry> candidates = new LinkedHashMap<>();
        for (Entry e : stored) {
            if (!linkedRefs.containsKey(e.digest())) {
                candidates.putIfAbsent(e.digest(), e);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        for (RepositorySnapshot s : current) {
            for (IndexedManifest m : s.manifests().values()) {
                candidates.remove(m.digest());
                m.forEachBlob(b -> candidates.remove(b.digest()));
            }
            if (candidates.isEmpty()) {
                return;
            }
        }
        // one order for the whole batch: a manifest's own bytes cannot be checked over the API, so they leave the
        // figure with the config or layer deleted in the same batch (found gone by collected())
        long batch = ++order;
        for (Entry c : candidates.values()) {
            if (entries.containsKey(c.digest())) {
                continue;
            }
            if (entries.size() >= maxEntries) {
                if (!capped) {
                    LOGGER.warning(() -> "More than " + maxEntries + " reclaimable blobs: the reclaimable figure"
                            + " counts the first ones only until a garbage collection");
                }
                capped = true;
                break;
            }
            entries.put(c.digest(), new Entry(c.digest(), c.size(), c.repository(), c.manifest(), batch));
            bytes += c.size();
        }
    }

    /**
     * A snapshot entered the index: what its new manifests reference is not reclaimable (any more), and a manifest
     * tagged again is protected by the index rather than remembered as linked.
     */
    synchronized void referenced(RepositorySnapshot before, RepositorySnapshot next) {
        if (entries.isEmpty() && linked.isEmpty()) {
            return;
        }
        for (IndexedManifest m : next.manifests().values()) {
            if (before != null && before.manifest(m.digest()) != null) {
                continue;
            }
            unlink(next.name(), m.digest());
            drop(m.digest());
            m.forEachBlob(b -> drop(b.digest()));
        }
    }

    private void drop(String digest) {
        Entry e = entries.remove(digest);
        if (e != null) {
            bytes -= e.size();
        }
    }

    /**
     * Drops what a garbage collection removed. Asks {@code exists} (a blob HEAD in the entry's repository) about the
     * newest config or layer entry, then searches the older ones by halves: the newest entry found gone and every
     * entry before it went in a collection (a handful of requests however many entries). Registry errors propagate;
     * nothing is dropped then.
     *
     * @param exists whether the registry still stores a blob, asked with (repository, digest)
     */
    public void collected(BiPredicate<String, String> exists) {
        List<Entry> content = new ArrayList<>();
        synchronized (this) {
            for (Entry e : entries.values()) {
                if (!e.manifest()) {
                    content.add(e);
                }
            }
        }
        if (content.isEmpty()) {
            return;
        }
        int gone = -1;
        Entry newest = content.getLast();
        if (!exists.test(newest.repository(), newest.digest())) {
            gone = content.size() - 1;
        } else {
            int lo = 0;
            int hi = content.size() - 2;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                Entry e = content.get(mid);
                if (exists.test(e.repository(), e.digest())) {
                    hi = mid - 1;
                } else {
                    gone = mid;
                    lo = mid + 1;
                }
            }
        }
        if (gone >= 0) {
            long upTo = content.get(gone).order();
            synchronized (this) {
                entries.values().removeIf(e -> {
                    if (e.order() <= upTo) {
                        bytes -= e.size();
                        return true;
                    }
                    return false;
                });
                capped = capped && entries.size() >= maxEntries;
            }
        }
    }
}
