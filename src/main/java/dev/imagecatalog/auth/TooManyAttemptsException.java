package dev.imagecatalog.auth;

import java.time.Duration;

/** A client made too many failed sign-in attempts lately; answered 429 with {@code Retry-After}. */
public final class TooManyAttemptsException extends RuntimeException {

    private final Duration retryAfter;

    /** With the reason shown to the client and when to try again. */
    public TooManyAttemptsException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** How long the client should wait (whole seconds, at least one). */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
