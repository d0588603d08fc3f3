package dev.imagecatalog.catalog.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.imagecatalog.catalog.index.RegistryIndex;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.Untag;

/**
 * Deletes and untags: the preview from the index ({@link BlastRadius}), and carrying a preview out through the
 * registry only while the tag still names the digest the user saw.
 */
public final class Deletions {

    private final RegistryIndex index;
    private final DistributionClient client;

    /**
     * @param index  the index previews are computed from
     * @param client the registry deletes go to
     */
    public Deletions(RegistryIndex index, DistributionClient client) {
        this.index = index;
        this.client = client;
    }

    /** The blast radius of deleting this tag; empty when the tag is not indexed. */
    public Optional<DeletionPreview> preview(String repository, String tag, DeletionMode mode) {
        return BlastRadius.preview(List.copyOf(index.snapshots()), repository, tag, mode);
    }

    /**
     * Carries out a preview: refuses ({@link TagMovedException}, nothing deleted) when the tag now points elsewhere;
     * an untag removes only the tag; an image delete deletes every manifest of the preview by digest, the tagged one
     * first (a child or sidecar already gone is skipped).
     */
    public DeletionOutcome apply(DeletionPreview preview) {
        String now;
        try {
            now = client.manifestDigest(preview.repository(), preview.tag()).orElse(null);
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.NOT_FOUND) {
                throw e;
            }
            now = null;
        }
        if (!preview.digest().equals(now)) {
            throw new TagMovedException(preview.repository() + ":" + preview.tag() + " points at "
                    + (now == null ? "nothing" : now) + " now, not at " + preview.digest() + " as previewed;"
                    + " nothing was deleted");
        }
        if (preview.mode() == DeletionMode.UNTAG) {
            Untag untag = client.untag(preview.repository(), preview.tag());
            return new DeletionOutcome(preview, untag.technique(),
                    untag.throwAwayDigest() == null ? List.of() : List.of(untag.throwAwayDigest()));
        }
        List<String> deleted = new ArrayList<>();
        for (String digest : preview.manifests()) {
            try {
                client.deleteManifest(preview.repository(), digest);
                deleted.add(digest);
            } catch (RegistryException e) {
                if (e.kind() != RegistryException.Kind.NOT_FOUND || digest.equals(preview.digest())) {
                    throw e;
                }
            }
        }
        return new DeletionOutcome(preview, null, deleted);
    }
}
