package dev.imagecatalog.catalog;

import dev.imagecatalog.registry.TagDetail;

/**
 * Everything a tag's page shows of the catalog, answered by one call ({@link Catalog#tagView}).
 *
 * @param detail          the tag: platforms, layers, history, labels, run defaults
 * @param pullHost        where nodes pull it from
 * @param platformsCapped whether an index lists more platforms than were read
 * @param freedBytes      bytes a delete of its manifest frees after garbage collection; {@code null} without an index
 */
public record TagView(TagDetail detail, String pullHost, boolean platformsCapped, Long freedBytes) {
}
