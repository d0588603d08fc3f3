package dev.imagecatalog.catalog.lifecycle;

/** Deletes are off ({@code registry.delete.enabled=false}): the API answers 403 saying how to turn them on. */
public final class DeletesDisabledException extends RuntimeException {

    /** With the standard message. */
    public DeletesDisabledException() {
        super("deletes are disabled: set registry.delete.enabled=true (env REGISTRY_DELETE_ENABLED=true; chart value"
              + " registry.delete.enabled) and make sure the registry itself allows deletes (storage.delete.enabled)");
    }
}
