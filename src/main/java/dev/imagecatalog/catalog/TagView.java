package dev.imagecatalog.catalog;

import java.util.List;

import dev.imagecatalog.catalog.index.Attached;
import dev.imagecatalog.catalog.index.Attachments;
import dev.imagecatalog.registry.TagDetail;

/**
 * Everything a tag's page shows of the catalog, answered by one call ({@link Catalog#tagView}).
 *
 * @param detail          the tag: platforms, layers, history, labels, run defaults
 * @param pullHost        where nodes pull it from
 * @param platformsCapped whether an index lists more platforms than were read
 * @param freedBytes      bytes a delete of its manifest frees after garbage collection; {@code null} without an index
 * @param attached        signatures, SBOMs and attestations attached to it (empty without an index)
 * @param sidecar         when the tag itself is a cosign sidecar: which digest it names, else {@code null}
 */
public record TagView(TagDetail detail, String pullHost, boolean platformsCapped, Long freedBytes,
                      List<Attached> attached, Attachments.Sidecar sidecar) {

    /** A tag without anything attached known. */
    public TagView(TagDetail detail, String pullHost, boolean platformsCapped, Long freedBytes) {
        this(detail, pullHost, platformsCapped, freedBytes, List.of(), null);
    }
}
