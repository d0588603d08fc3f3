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
 * @param error     why the tag could not be read (e.g. its manifest is too large or does not match its digest),
 *                  {@code null} when it was read; such a tag is listed with the error and is not runnable
 * @param missing   platforms an index lists whose manifests the registry no longer has (404: deleted by digest, or
 *                  a partial copy): size 0 and no creation time; they cannot run on that platform
 */
public record TagSummary(String name,
                         String digest,
                         String mediaType,
                         Long size,
                         Instant created,
                         ArtifactKind kind,
                         List<PlatformImage> platforms,
                         String error,
                         List<PlatformImage> missing) {

    /** Null-safe and immutable. */
    public TagSummary {
        missing = missing == null ? List.of() : List.copyOf(missing);
    }

    /** A tag with every platform present. */
    public TagSummary(String name, String digest, String mediaType, Long size, Instant created, ArtifactKind kind,
                      List<PlatformImage> platforms, String error) {
        this(name, digest, mediaType, size, created, kind, platforms, error, List.of());
    }

    /** A tag that was read without error. */
    public TagSummary(String name, String digest, String mediaType, Long size, Instant created, ArtifactKind kind,
                      List<PlatformImage> platforms) {
        this(name, digest, mediaType, size, created, kind, platforms, null);
    }

    /** A tag listed by the registry whose manifest could not be read (listed with the reason, not runnable). */
    public static TagSummary failed(String name, String digest, String error) {
        return new TagSummary(name, digest, null, null, null, ArtifactKind.ARTIFACT, List.of(), error);
    }

    /** Whether a pod can run this tag. */
    public boolean runnable() {
        return error == null && kind.runnable() && !platforms.isEmpty();
    }
}
