package dev.imagecatalog.catalog.lifecycle;

/** The tag no longer points at the digest the preview showed: nothing was deleted (the API's 409). */
public final class TagMovedException extends RuntimeException {

    /**
     * @param message a sentence naming the tag, the digest previewed and the digest now
     */
    public TagMovedException(String message) {
        super(message);
    }
}
