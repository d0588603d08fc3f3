package dev.imagecatalog.auth;

/** The request needs a signed-in user and has none (or a token the cluster does not accept). Answered 401. */
public final class NotSignedInException extends RuntimeException {

    /** With the reason shown to the user. */
    public NotSignedInException(String message) {
        super(message);
    }
}
