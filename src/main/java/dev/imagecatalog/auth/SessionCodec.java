package dev.imagecatalog.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns a {@link Session} into a cookie value and back, and derives the CSRF token of a session.
 *
 * <p>The cookie is {@code base64url(json) "." base64url(HMAC-SHA256(json))}: user, groups, expiry and a random
 * session id, signed with a key derived from the server secret, so every replica with the same secret accepts it and
 * nobody can forge or alter it. It holds no bearer token at all: the TokenReview at sign-in established the user and
 * groups, every action is then checked with a SubjectAccessReview, and the session's expiry (never later than the
 * token's own {@code exp}) bounds how long a sign-in lasts.
 *
 * <p>Sign-out: a session also ends {@link #IDLE} after the last request that renewed it (a request renews the cookie
 * once half of that is past, see {@link #renewalDue}); sign-out puts the session id on this replica's
 * {@link RevokedSessions} list until the session's expiry. The replica that handled the sign-out refuses the cookie
 * at once; the others learn nothing (no shared state) and refuse a copy of it once its idle expiry passes, at most
 * {@link #IDLE} after sign-out — unless the copy is used on them meanwhile, which renews it (see the README).
 *
 * <p>CSRF token = {@code HMAC(csrf key, session id)}: bound to one session, so a token from another session, or an
 * equal cookie/field pair invented by an attacker, is refused.
 */
public final class SessionCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** Longest cookie value we try to parse (a user with many groups still fits well within it). */
    private static final int MAX_COOKIE = 3800;

    /** A session not renewed by a request for this long ends (and a cookie signed out elsewhere is refused). */
    public static final Duration IDLE = Duration.ofMinutes(10);

    private final byte[] macKey;
    private final byte[] csrfKey;
    private final Duration ttl;
    private final Clock clock;
    private final RevokedSessions revoked;

    /**
     * @param secret the server secret ({@code auth.session-key}), at least 32 characters
     * @param ttl    how long a sign-in lasts at most
     * @param clock  the clock (tests move it)
     */
    public SessionCodec(String secret, Duration ttl, Clock clock) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("auth.session-key must be at least 32 characters");
        }
        byte[] master = secret.getBytes(StandardCharsets.UTF_8);
        this.macKey = hmac(master, "image-catalog session cookie");
        this.csrfKey = hmac(master, "image-catalog csrf token");
        this.ttl = ttl;
        this.clock = clock;
        this.revoked = new RevokedSessions(clock);
    }

    /** A new random secret, for a process without a configured one (sessions then last until it restarts). */
    public static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    /** A new session without user (for CSRF binding before sign-in). */
    public Session anonymous() {
        Instant now = clock.instant();
        return new Session(newId(), null, now.plus(ttl), now.plus(IDLE));
    }

    /**
     * A new session for a user who just signed in (a new id: a session id known before sign-in is worthless after).
     *
     * @param tokenExpiry the bearer token's own expiry when known; the session never outlives it
     */
    public Session signedIn(Identity identity, Optional<Instant> tokenExpiry) {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        if (tokenExpiry.isPresent() && tokenExpiry.get().isBefore(expires)) {
            expires = tokenExpiry.get();
        }
        return new Session(newId(), identity, expires, now.plus(IDLE));
    }

    /** Whether a request with this session should send it renewed (half of its idle time is past). */
    public boolean renewalDue(Session session) {
        return session.idle().isBefore(session.expires())
               && Duration.between(clock.instant(), session.idle()).compareTo(IDLE.dividedBy(2)) < 0;
    }

    /** The same session, idle expiry moved to {@link #IDLE} from now (never past its absolute expiry). */
    public Session renewed(Session session) {
        return new Session(session.id(), session.identity(), session.expires(), clock.instant().plus(IDLE));
    }

    /** Signs the session out: this replica refuses its cookie from now on. */
    public void revoke(Session session) {
        revoked.revoke(session);
    }

    /** How long the browser should keep a session's cookie (until its idle expiry). */
    public Duration remaining(Session session) {
        Duration left = Duration.between(clock.instant(), session.idle());
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The cookie value. */
    public String encode(Session session) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("id", session.id());
        doc.put("exp", session.expires().getEpochSecond());
        doc.put("idle", session.idle().getEpochSecond());
        session.user().ifPresent(i -> {
            doc.put("u", i.user());
            i.groups().forEach(doc.withArray("g")::add);
        });
        String payload = B64.encodeToString(doc.toString().getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(hmac(macKey, payload));
    }

    /** The session of a cookie value; empty when absent, malformed, forged, expired, idle too long or signed out. */
    public Optional<Session> decode(String cookie) {
        if (cookie == null || cookie.length() > MAX_COOKIE) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String payload = cookie.substring(0, dot);
        try {
            byte[] mac = B64D.decode(cookie.substring(dot + 1));
            if (!MessageDigest.isEqual(mac, hmac(macKey, payload))) {
                return Optional.empty();
            }
            JsonNode doc = JSON.readTree(B64D.decode(payload));
            Instant expires = Instant.ofEpochSecond(doc.path("exp").asLong(0));
            // a cookie without an idle expiry (signed before there was one) reads as idle: sign in again
            Instant idle = Instant.ofEpochSecond(doc.path("idle").asLong(0));
            String id = doc.path("id").asText("");
            Instant now = clock.instant();
            if (id.isEmpty() || !expires.isAfter(now) || !idle.isAfter(now) || revoked.revoked(id)) {
                return Optional.empty();
            }
            Identity identity = null;
            if (doc.hasNonNull("u")) {
                List<String> groups = new ArrayList<>();
                doc.path("g").forEach(g -> groups.add(g.asText()));
                identity = new Identity(doc.get("u").asText(), groups);
            }
            return Optional.of(new Session(id, identity, expires, idle));
        } catch (IllegalArgumentException | IOException e) {
            // not base64, not JSON: not a cookie of ours
            return Optional.empty();
        }
    }

    /** The CSRF token of a session. */
    public String csrfToken(Session session) {
        return B64.encodeToString(hmac(csrfKey, session.id()));
    }

    /** Whether a submitted token is the one of this session (constant-time comparison). */
    public boolean validCsrf(Session session, String submitted) {
        return submitted != null && MessageDigest.isEqual(csrfToken(session).getBytes(StandardCharsets.US_ASCII),
                submitted.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The {@code exp} claim of a JWT bearer token (service account tokens are JWTs), read without verifying it —
     * the TokenReview already did — only to end the session no later than the token.
     */
    public static Optional<Instant> tokenExpiry(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(B64D.decode(parts[1]));
            return claims.hasNonNull("exp") && claims.get("exp").canConvertToLong()
                    ? Optional.of(Instant.ofEpochSecond(claims.get("exp").asLong())) : Optional.empty();
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    private static String newId() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
