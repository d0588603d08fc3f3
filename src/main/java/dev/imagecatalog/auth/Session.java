package dev.imagecatalog.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A browser session as the signed cookie carries it. A visitor who has not signed in still gets one (without
 * identity) as soon as a page holds a form, so the form's CSRF token can be bound to it.
 *
 * @param id       random, unguessable session id (CSRF tokens are derived from it; sign-out revokes it)
 * @param identity the signed-in user, {@code null} before sign-in
 * @param expires  when the session ends whatever happens ({@code auth.session-ttl} after sign-in, or the token's own
 *                 expiry)
 * @param idle     when the session ends unless a request renews it first (never after {@code expires})
 */
public record Session(String id, Identity identity, Instant expires, Instant idle) {

    /** Requires id and both expiries; the idle expiry is capped at the absolute one. */
    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(idle, "idle");
        idle = idle.isAfter(expires) ? expires : idle;
    }

    /** The signed-in user, if any. */
    public Optional<Identity> user() {
        return Optional.ofNullable(identity);
    }
}
