package dev.imagecatalog.registry;

import java.time.Instant;

/**
 * One entry of an image config's {@code history}.
 *
 * @param created    when the step ran, {@code null} if absent
 * @param createdBy  the build instruction
 * @param comment    optional comment
 * @param emptyLayer whether the step produced no layer
 */
public record HistoryEntry(Instant created, String createdBy, String comment, boolean emptyLayer) {
}
