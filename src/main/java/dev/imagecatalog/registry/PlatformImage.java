package dev.imagecatalog.registry;

import java.time.Instant;

/**
 * One runnable image of a tag: the whole tag for a single-platform image, one child manifest for an index.
 *
 * @param platform platform read from the image config (single image) or the index entry (index)
 * @param digest   digest of this platform's image manifest (for a single image: the tag's digest)
 * @param size     compressed size: config size + sum of layer sizes (crane's rule)
 * @param created  creation time from the image config, {@code null} when absent or unparsable
 */
public record PlatformImage(Platform platform, String digest, long size, Instant created) {
}
