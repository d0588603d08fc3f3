package dev.imagecatalog.catalog.lifecycle;

import java.util.List;

import dev.imagecatalog.registry.Untag;

/**
 * What a delete did.
 *
 * @param preview   the preview it carried out
 * @param technique for an untag, how the tag was removed; {@code null} for an image delete
 * @param deleted   manifest digests deleted by {@code DELETE /v2/<name>/manifests/<digest>} (for an untag on 2.8:
 *                  the throw-away manifest)
 */
public record DeletionOutcome(DeletionPreview preview, Untag.Technique technique, List<String> deleted) {

    /** Copies the list. */
    public DeletionOutcome {
        deleted = List.copyOf(deleted);
    }
}
