package dev.imagecatalog.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * The ids of sessions signed out on this replica or announced by another ({@link SignOutPeers}), each kept until
 * the session would have ended anyway. A replica that missed the announcement refuses a replayed copy once its idle
 * expiry has passed (see {@link SessionCodec#IDLE}).
 *
 * <p>Bounded by bytes: only a signed-in user can add an id (sign-out needs the session's CSRF token), and each id
 * costs ~{@value #ENTRY_BYTES} bytes, so the bound holds ~{@value #MAX_BYTES} / {@value #ENTRY_BYTES} sessions
 * signed out within {@code auth.session-ttl}.
 */
final class RevokedSessions {

    static final long MAX_BYTES = 8L * 1024 * 1024;
    /** An id of 32 characters, its expiry and the cache's entry. */
    static final int ENTRY_BYTES = 160;

    private final Clock clock;
    private final Cache<String, Instant> ids;

    RevokedSessions(Clock clock) {
        this.clock = clock;
        this.ids = Caffeine.newBuilder()
                .maximumWeight(MAX_BYTES)
                .weigher((String id, Instant until) -> ENTRY_BYTES + 2 * Math.max(0, id.length() - 32))
                .expireAfter(new Expiry<String, Instant>() {
                    @Override
                    public long expireAfterCreate(String id, Instant until, long now) {
                        return remaining(until);
                    }

                    @Override
                    public long expireAfterUpdate(String id, Instant until, long now, long current) {
                        return remaining(until);
                    }

                    @Override
                    public long expireAfterRead(String id, Instant until, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    /** Refuses the session from now on (until its expiry, after which its cookie is refused anyway). */
    void revoke(Session session) {
        ids.put(session.id(), session.expires());
    }

    /** Whether the session was signed out here. */
    boolean revoked(String id) {
        return ids.getIfPresent(id) != null;
    }

    private long remaining(Instant until) {
        // past its expiry the cookie is refused anyway, so the entry may go
        return Math.max(0, Duration.between(clock.instant(), until).toNanos());
    }
}
