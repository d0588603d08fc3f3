package dev.imagecatalog.runner;

/** The launch request is invalid (HTTP 400); the message says why. Nothing was created. */
public final class LaunchException extends RuntimeException {

    /**
     * @param message a sentence a person understands, e.g. {@code node "w2" is NotReady}
     */
    public LaunchException(String message) {
        super(message);
    }
}
