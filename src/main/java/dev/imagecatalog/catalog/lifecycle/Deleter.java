package dev.imagecatalog.catalog.lifecycle;

import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

import dev.imagecatalog.catalog.index.IndexedManifest;
import dev.imagecatalog.catalog.index.RegistryIndex;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.registry.Digests;
import dev.imagecatalog.registry.RegistryException;

/**
 * The delete and untag use cases the pages and the API call: a preview (the blast radius and the pods using what
 * goes) and the delete of exactly what was previewed, after which the index shows the repository as it is now.
 */
public final class Deleter {

    private static final Logger LOGGER = Logger.getLogger(Deleter.class.getName());

    private final DeleteSettings settings;
    private final Deletions deletions;
    private final RegistryIndex index;
    private final ImagesInUse inUse;
    private final String pullHost;
    private final Consumer<String> reread;

    /**
     * @param settings  whether deletes are on
     * @param deletions the engine (preview from the index, delete through the registry)
     * @param index     the index (an index's platforms and configs, to match what pods report)
     * @param inUse     what the cluster's pods run
     * @param pullHost  the registry host pods pull from ({@code registry.pull-host}), to tell repositories apart
     * @param reread    re-reads one repository into the index (after our own delete, so pages show it at once)
     */
    public Deleter(DeleteSettings settings, Deletions deletions, RegistryIndex index, ImagesInUse inUse,
                   String pullHost, Consumer<String> reread) {
        this.settings = settings;
        this.deletions = deletions;
        this.index = index;
        this.inUse = inUse;
        this.pullHost = pullHost;
        this.reread = reread;
    }

    /** Deletes off: every call answers {@link DeletesDisabledException}. */
    public static Deleter disabled() {
        return new Deleter(DeleteSettings.DISABLED, null, null, ImagesInUse.NONE, null, name -> { });
    }

    /** Whether deletes are on. */
    public DeleteSettings settings() {
        return settings;
    }

    /**
     * The preview of deleting ({@link DeletionMode#IMAGE}) or untagging this tag.
     *
     * @throws DeletesDisabledException deletes are off
     * @throws RegistryException        NOT_FOUND when the tag is not indexed
     */
    public DeletionPlan preview(String repository, String tag, DeletionMode mode) {
        requireEnabled();
        DeletionPreview preview = deletions.preview(repository, tag, mode).orElseThrow(() -> new RegistryException(
                RegistryException.Kind.NOT_FOUND, "No tag \"" + tag + "\" in repository " + repository));
        try {
            return new DeletionPlan(preview, podsUsing(preview), null);
        } catch (RuntimeException clusterFault) {
            // the preview stays useful without the cluster; it says that nobody could tell what runs
            return new DeletionPlan(preview, List.of(), "The cluster could not be asked which pods use this image: "
                    + clusterFault.getMessage());
        }
    }

    /**
     * Deletes or untags the tag, only while it still names {@code previewedDigest}; then re-reads the repository into
     * the index.
     *
     * @throws DeletesDisabledException deletes are off
     * @throws TagMovedException        the tag points elsewhere now (nothing deleted)
     */
    public DeletionOutcome delete(String repository, String tag, String previewedDigest, DeletionMode mode) {
        requireEnabled();
        if (!Digests.isValid(previewedDigest)) {
            throw new IllegalArgumentException("digest must be the previewed digest (sha256:<64 hex>), got \""
                                               + previewedDigest + "\"");
        }
        DeletionPreview preview = deletions.preview(repository, tag, mode).orElse(null);
        if (preview == null || !preview.digest().equals(previewedDigest)) {
            // the index may be behind the registry (an event not applied yet): ask the registry before refusing
            reread.accept(repository);
            preview = deletions.preview(repository, tag, mode).orElse(null);
        }
        if (preview == null || !preview.digest().equals(previewedDigest)) {
            throw new TagMovedException(repository + ":" + tag + " points at "
                    + (preview == null ? "nothing" : preview.digest()) + " now, not at " + previewedDigest
                    + " as previewed; nothing was deleted");
        }
        DeletionOutcome outcome = deletions.apply(preview);
        try {
            reread.accept(repository);
        } catch (RuntimeException e) {
            // the delete happened; the registry's delete event or the next reconcile brings the index up to date
            LOGGER.warning(() -> "Re-reading " + repository + " after a delete failed: " + e.getMessage());
        }
        return outcome;
    }

    /**
     * Refuses when deletes are off.
     *
     * @throws DeletesDisabledException deletes are off
     */
    public void requireEnabled() {
        if (!settings.enabled()) {
            throw new DeletesDisabledException();
        }
    }

    /**
     * Pods using what the preview removes: a digest of it (the manifests deleted; for an untag the tag's manifest),
     * an index's platform manifests, or an image's config digest (what some runtimes report as a bare image ID).
     */
    private List<PodUse> podsUsing(DeletionPreview preview) {
        Set<String> digests = new LinkedHashSet<>(preview.manifests());
        digests.add(preview.digest());
        RepositorySnapshot snapshot = index.get(preview.repository());
        if (snapshot != null) {
            for (String d : Set.copyOf(digests)) {
                if (snapshot.manifest(d) instanceof IndexedManifest.Index i) {
                    i.children().forEach(c -> digests.add(c.digest()));
                }
            }
            Set<String> configs = new HashSet<>();
            for (String d : digests) {
                if (snapshot.manifest(d) instanceof IndexedManifest.Image image && image.config() != null) {
                    configs.add(image.config().digest());
                }
            }
            digests.addAll(configs);
        }
        Set<PodUse> pods = new LinkedHashSet<>();
        for (Map.Entry<String, List<PodUse>> e : inUse.byDigest().entrySet()) {
            if (digests.contains(e.getKey())) {
                for (PodUse use : e.getValue()) {
                    if (use.mayUse(pullHost, preview.repository())) {
                        // one line per pod: the reference was only needed to match the repository
                        pods.add(new PodUse(use.namespace(), use.pod(), use.node()));
                    }
                }
            }
        }
        return pods.stream().sorted(Comparator.comparing(PodUse::namespace).thenComparing(PodUse::pod)).toList();
    }
}
