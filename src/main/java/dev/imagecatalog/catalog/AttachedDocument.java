package dev.imagecatalog.catalog;

import dev.imagecatalog.catalog.index.Attached;

/**
 * An attached document's bytes, as the registry stores them (verified against their digest).
 *
 * @param attached what it is
 * @param bytes    its content
 */
public record AttachedDocument(Attached attached, byte[] bytes) {
}
