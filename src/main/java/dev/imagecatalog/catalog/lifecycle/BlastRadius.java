package dev.imagecatalog.catalog.lifecycle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.catalog.index.IndexedManifest;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.registry.Untag;

/**
 * The blast radius of a delete, computed from the index alone (no registry call): which tags and manifests go, and
 * what {@code registry garbage-collect} will remove afterwards.
 *
 * <p>The model is the collector's own (Distribution 2.8, without {@code --delete-untagged}): it marks, in every
 * repository, every manifest that still has a revision link — tagged or not — together with what that manifest
 * names directly (an image: its config and layers; an index: its child and attestation manifests), and removes
 * every other blob. A delete through the API removes the deleted manifests' revision links in this repository
 * only, so a manifest stored in another repository too keeps its bytes. Freed = the blobs of the deleted
 * manifests (their own bytes included: Distribution stores a manifest as a blob) that no remaining manifest names.
 *
 * <p>Limit: the registry lists tags, not untagged manifests, so the index only knows manifests its tags reach. An
 * untagged manifest that still has its revision link (e.g. the earlier push of a moved tag) keeps the blobs it
 * shares; those are counted here as freed although the collector keeps them.
 */
public final class BlastRadius {

    private static final Pattern SIDECAR = Pattern.compile("(sha256)-([a-f0-9]{64})\\.(sig|att|sbom)");

    private BlastRadius() {
    }

    /**
     * The preview of deleting {@code tag} of {@code repository} in {@code mode}, over every indexed repository;
     * empty when the repository or tag is not indexed (or the tag's digest is unknown).
     */
    public static Optional<DeletionPreview> preview(Collection<RepositorySnapshot> snapshots, String repository,
                                                    String tag, DeletionMode mode) {
        RepositorySnapshot repo = null;
        for (RepositorySnapshot s : snapshots) {
            if (s.name().equals(repository)) {
                repo = s;
            }
        }
        TagSummary summary = repo == null ? null : repo.tag(tag);
        if (summary == null || summary.digest() == null) {
            return Optional.empty();
        }
        return Optional.of(mode == DeletionMode.UNTAG ? untag(snapshots, repo, summary) : image(snapshots, repo,
                summary));
    }

    /** Untag: only the tag goes; nothing is freed but what the 2.8 technique writes itself. */
    private static DeletionPreview untag(Collection<RepositorySnapshot> snapshots, RepositorySnapshot repo,
                                         TagSummary tag) {
        boolean otherTags = repo.tags().stream().anyMatch(t -> tag.digest().equals(t.digest())
                && !t.name().equals(tag.name()));
        boolean emptyConfigUsed = false;
        for (RepositorySnapshot s : snapshots) {
            for (IndexedManifest m : s.manifests().values()) {
                emptyConfigUsed |= ownBlobs(m).containsKey(Untag.EMPTY_CONFIG_DIGEST);
            }
        }
        long throwAway = Untag.THROW_AWAY_MANIFEST_BYTES + (emptyConfigUsed ? 0 : Untag.EMPTY_CONFIG_BYTES);
        return new DeletionPreview(repo.name(), tag.name(), tag.digest(), DeletionMode.UNTAG, List.of(tag.name()),
                List.of(), List.of(), List.of(), List.of(), 0, List.of(), 0, throwAway, !otherTags, List.of());
    }

    private static DeletionPreview image(Collection<RepositorySnapshot> snapshots, RepositorySnapshot repo,
                                         TagSummary tag) {
        List<String> caveats = new ArrayList<>();
        Set<String> deleted = new LinkedHashSet<>();
        deleted.add(tag.digest());
        Set<String> kept;
        // a fixpoint: sidecars of what goes go too, children go unless something kept still lists them
        while (true) {
            for (TagSummary t : repo.tags()) {
                String named = sidecarSubject(t.name());
                if (named != null && deleted.contains(named) && t.digest() != null) {
                    deleted.add(t.digest());
                }
            }
            Set<String> roots = new LinkedHashSet<>();
            for (TagSummary t : repo.tags()) {
                if (t.digest() != null && !deleted.contains(t.digest())) {
                    roots.add(t.digest());
                }
            }
            kept = closure(repo, roots);
            Set<String> next = new LinkedHashSet<>(deleted);
            for (String d : closure(repo, deleted)) {
                if (!kept.contains(d)) {
                    next.add(d);
                }
            }
            if (next.equals(deleted)) {
                break;
            }
            deleted = next;
        }
        for (String d : deleted) {
            if (kept.contains(d)) {
                caveats.add("A kept index of " + repo.name() + " lists " + d + ": deleting it leaves that index"
                        + " with a missing manifest");
            }
        }
        if (repo.manifest(tag.digest()) == null) {
            caveats.add("The index could not read " + tag.digest() + ": its blobs are not counted");
        }

        List<String> tags = new ArrayList<>();
        List<String> sidecars = new ArrayList<>();
        for (TagSummary t : repo.tags()) {
            if (t.digest() != null && deleted.contains(t.digest())) {
                tags.add(t.name());
                String named = sidecarSubject(t.name());
                if (named != null && deleted.contains(named)) {
                    sidecars.add(t.name());
                }
            }
        }
        Set<String> gone = Set.copyOf(deleted);
        Set<String> childDigests = new LinkedHashSet<>();
        Set<String> attestationDigests = new LinkedHashSet<>();
        for (String d : deleted) {
            if (repo.manifest(d) instanceof IndexedManifest.Index index) {
                index.children().forEach(c -> {
                    if (gone.contains(c.digest())) {
                        childDigests.add(c.digest());
                    }
                });
                index.attestations().forEach(a -> {
                    if (gone.contains(a)) {
                        attestationDigests.add(a);
                    }
                });
            }
        }
        // the tagged manifest first (what the user sees goes at once), then what it lists, then the rest (sidecars)
        Set<String> order = new LinkedHashSet<>();
        order.add(tag.digest());
        order.addAll(childDigests);
        order.addAll(attestationDigests);
        order.addAll(deleted);

        // what the collector marks: every manifest left with a revision link, in every repository
        Set<String> marked = new HashSet<>();
        int unreadable = 0;
        for (RepositorySnapshot s : snapshots) {
            boolean here = s.name().equals(repo.name());
            for (IndexedManifest m : s.manifests().values()) {
                if (!(here && deleted.contains(m.digest()))) {
                    marked.addAll(references(m));
                }
                if (m instanceof IndexedManifest.Index index && index.capped()) {
                    caveats.add("The index " + m.digest() + " of " + s.name() + " lists more platforms than"
                            + " registry.max-platforms: the manifests not read are neither deleted nor counted");
                }
            }
            for (TagSummary t : s.tags()) {
                if (t.digest() == null || s.manifest(t.digest()) == null) {
                    unreadable++;
                }
            }
        }
        if (unreadable > 0) {
            caveats.add(unreadable + " tag(s) of the registry could not be read: blobs they share may be counted"
                    + " as freed although garbage collection keeps them");
        }
        Map<String, Long> blobs = new LinkedHashMap<>();
        for (String d : order) {
            IndexedManifest m = repo.manifest(d);
            if (m != null) {
                ownBlobs(m).forEach(blobs::putIfAbsent);
            }
        }
        long freed = 0;
        long shared = 0;
        List<String> freedBlobs = new ArrayList<>();
        for (Map.Entry<String, Long> b : blobs.entrySet()) {
            if (marked.contains(b.getKey())) {
                shared += b.getValue();
            } else {
                freed += b.getValue();
                freedBlobs.add(b.getKey());
            }
        }
        return new DeletionPreview(repo.name(), tag.name(), tag.digest(), DeletionMode.IMAGE, tags,
                List.copyOf(childDigests), List.copyOf(attestationDigests), sidecars, List.copyOf(order), freed,
                freedBlobs, shared, 0, false, caveats.stream().distinct().toList());
    }

    /**
     * The digests a manifest's revision link makes the collector mark: its own blobs and, for an index, its child
     * and attestation manifests (which are marked as blobs; their own configs and layers only through their own
     * revision links).
     */
    static Set<String> references(IndexedManifest m) {
        Set<String> refs = new HashSet<>(ownBlobs(m).keySet());
        if (m instanceof IndexedManifest.Index index) {
            index.children().forEach(c -> refs.add(c.digest()));
            refs.addAll(index.attestations());
        }
        return refs;
    }

    /** The blobs a manifest stands for on disk, with their sizes: itself, and an image's config and layers. */
    static Map<String, Long> ownBlobs(IndexedManifest m) {
        Map<String, Long> blobs = new HashMap<>();
        blobs.put(m.digest(), m.bytes());
        m.forEachBlob((Layer b) -> blobs.putIfAbsent(b.digest(), b.size()));
        return blobs;
    }

    /** The manifests {@code roots} stand for in this repository: themselves and, for an index, what it lists. */
    private static Set<String> closure(RepositorySnapshot repo, Set<String> roots) {
        Set<String> out = new LinkedHashSet<>(roots);
        for (String root : roots) {
            if (repo.manifest(root) instanceof IndexedManifest.Index index) {
                index.children().forEach(c -> out.add(c.digest()));
                out.addAll(index.attestations());
            }
        }
        return out;
    }

    /** {@code sha256:<hex>} for a cosign sidecar tag {@code sha256-<hex>.sig/.att/.sbom}, else {@code null}. */
    static String sidecarSubject(String tag) {
        Matcher m = SIDECAR.matcher(tag);
        return m.matches() ? m.group(1) + ":" + m.group(2) : null;
    }
}
