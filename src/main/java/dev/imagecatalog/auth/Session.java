package dev.imagecatalog.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A browser session as the signed cookie carries it. A visitor who has not signed in still gets one (without
 * identity) as soon as a page holds a form, so the form's CSRF token can be bound to it.
 *
 * @param id       random, unguessable session id (CSRF tokens are derived from it)
 * @param identity the signed-in user, {@code null} before sign-in
 * @param expires  when the cookie stops being accepted
 */
public record Session(String id, Identity identity, Instant expires) {

    /** Requires id and expiry. */
    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expires, "expires");
    }

    /** The signed-in user, if any. */
    public Optional<Identity> user() {
        return Optional.ofNullable(identity);
    }
}
