package dev.imagecatalog.registry;

import java.time.Instant;
import java.util.List;

/**
 * One tag as listed on a repository page and in {@code GET /api/repositories/<name>/tags}.
 *
 * @param name      tag name
 * @param digest    digest of the manifest the tag points at
 * @param mediaType media type of that manifest
 * @param size      compressed size for a single-platform image; {@code null} for an index (see {@link #platforms()})
 * @param created   creation time of a single image, or the newest of an index's platforms; {@code null} if unknown
 * @param kind      what the tag points at
 * @param platforms one entry for a single image (its digest is the tag's digest), one per platform for an index,
 *                  none for artifacts that are not images
 */
public record TagSummary(String name,
                         String digest,
                         String mediaType,
                         Long size,
                         Instant created,
                         ArtifactKind kind,
                         List<PlatformImage> platforms) {

    /** Whether a pod can run this tag. */
    public boolean runnable() {
        return kind.runnable() && !platforms.isEmpty();
    }
}
