package dev.imagecatalog.catalog.index;

import com.github.benmanes.caffeine.cache.Interner;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Platform;

/**
 * Shares equal values the whole registry repeats (media types, label names, platforms, predicate types) so the index
 * keeps one copy of each. Weak: a value no snapshot uses any more can be collected.
 */
final class Names {

    private static final Interner<String> STRINGS = Interner.newWeakInterner();
    private static final Interner<Platform> PLATFORMS = Interner.newWeakInterner();

    private Names() {
    }

    /** The shared instance equal to {@code value}; {@code null} stays {@code null}. */
    static String intern(String value) {
        return value == null ? null : STRINGS.intern(value);
    }

    /**
     * A layer (or config) descriptor with its media type shared. The descriptor itself is shared within its
     * repository ({@link RepositoryReader#layer}), not across the registry: most layers are one image's own, and a
     * registry-wide weak interner entry (~85 bytes) for each would cost more than the copies it could save.
     */
    static Layer layer(String digest, long size, String mediaType) {
        return new Layer(digest, size, intern(mediaType));
    }

    /** The shared platform equal to {@code value}; {@code null} stays {@code null}. */
    static Platform platform(Platform value) {
        return value == null ? null
                : PLATFORMS.intern(new Platform(intern(value.os()), intern(value.architecture()),
                        intern(value.variant())));
    }
}
