package dev.imagecatalog.catalog.index;

import com.github.benmanes.caffeine.cache.Interner;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Platform;

/**
 * Shares equal values (digests and descriptors of layers used by many images, media types, platforms) so the index
 * keeps one copy of each. Weak: a value no snapshot uses any more can be collected.
 */
final class Names {

    private static final Interner<String> STRINGS = Interner.newWeakInterner();
    private static final Interner<Layer> LAYERS = Interner.newWeakInterner();
    private static final Interner<Platform> PLATFORMS = Interner.newWeakInterner();

    private Names() {
    }

    /** The shared instance equal to {@code value}; {@code null} stays {@code null}. */
    static String intern(String value) {
        return value == null ? null : STRINGS.intern(value);
    }

    /** The shared layer (or config) descriptor equal to this one, its strings shared too. */
    static Layer layer(String digest, long size, String mediaType) {
        return LAYERS.intern(new Layer(intern(digest), size, intern(mediaType)));
    }

    /** The shared platform equal to {@code value}; {@code null} stays {@code null}. */
    static Platform platform(Platform value) {
        return value == null ? null
                : PLATFORMS.intern(new Platform(intern(value.os()), intern(value.architecture()),
                        intern(value.variant())));
    }
}
