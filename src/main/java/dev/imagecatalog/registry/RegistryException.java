package dev.imagecatalog.registry;

/** A registry fault, classified so that pages and the API can answer with the right status and a clear message. */
public final class RegistryException extends RuntimeException {

    /** What went wrong, from the caller's point of view. */
    public enum Kind {
        /** Connection refused, timeout, DNS: the registry cannot be reached (HTTP 503). */
        UNREACHABLE,
        /** The registry refused our credentials (HTTP 502: our configuration is wrong, not the user's request). */
        UNAUTHORIZED,
        /** Unknown repository, tag or manifest (HTTP 404). */
        NOT_FOUND,
        /** Any other registry error or unparsable answer (HTTP 502). */
        BAD_RESPONSE,
        /** The registry did not finish answering within the call's total deadline (HTTP 504). */
        TIMEOUT,
        /** A manifest or config blob larger than the configured read limit (HTTP 502; a tag shows "too large"). */
        TOO_LARGE,
        /**
         * The bytes received do not hash to the digest asked for or announced in {@code Docker-Content-Digest}
         * (HTTP 502; such a tag is shown with the error and is not runnable).
         */
        DIGEST_MISMATCH
    }

    private final Kind kind;

    /**
     * @param kind    classification
     * @param message a sentence a person understands, including the registry's own message when it sent one
     */
    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /**
     * @param kind    classification
     * @param message a sentence a person understands
     * @param cause   underlying exception
     */
    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** The classification. */
    public Kind kind() {
        return kind;
    }
}
