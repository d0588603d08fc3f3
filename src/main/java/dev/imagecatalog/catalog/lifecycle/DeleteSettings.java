package dev.imagecatalog.catalog.lifecycle;

/**
 * Whether this service deletes and untags images ({@code registry.delete.enabled}, env
 * {@code REGISTRY_DELETE_ENABLED}; off by default: a catalog that can delete must be asked for).
 *
 * @param enabled whether the Untag and Delete image actions and their API exist
 */
public record DeleteSettings(boolean enabled) {

    /** Deletes off. */
    public static final DeleteSettings DISABLED = new DeleteSettings(false);
}
