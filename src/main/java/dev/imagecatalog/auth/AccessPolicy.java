package dev.imagecatalog.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Asks the cluster before every action, remembering its answers briefly: a SubjectAccessReview answer for
 * {@value #DECISION_SECONDS} s per (user, groups, permission) — never shared between users — and a TokenReview for
 * {@value #TOKEN_SECONDS} s per token digest (the token itself is not kept), so a page with a few calls does not
 * cost a few reviews each.
 *
 * <p>What a client can make the API server do is bounded: a token longer than {@value #MAX_TOKEN_CHARS} characters is
 * refused without a review (Kubernetes tokens are a few KB), and failed reviews are limited per client address
 * ({@link FailedReviewLimit}).
 */
public final class AccessPolicy {

    static final long DECISION_SECONDS = 10;
    static final long TOKEN_SECONDS = 30;
    /**
     * Bytes kept per cache. Keys come from outside (a user's name and groups, from the cluster or a proxy's headers),
     * so the caches are bounded by what they retain, not by entries: 10,000 entries of 8 KB names would be 160 MiB.
     */
    static final long CACHE_BYTES = 4L * 1024 * 1024;
    /** Longest bearer token sent to a TokenReview (service account and OIDC tokens are 1–3 KB). */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final AccessReviews reviews;
    private final FailedReviewLimit failures;
    private final Cache<Decision, Boolean> decisions = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(DECISION_SECONDS)).maximumWeight(CACHE_BYTES)
            .weigher((Decision d, Boolean allowed) -> bytes(d.identity()) + bytes(d.permission())).build();
    private final Cache<String, Optional<Identity>> tokens = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(TOKEN_SECONDS)).maximumWeight(CACHE_BYTES)
            .weigher((String digest, Optional<Identity> id) -> 2 * digest.length() + id.map(AccessPolicy::bytes)
                    .orElse(16)).build();

    /** Over the cluster's reviews. */
    public AccessPolicy(AccessReviews reviews) {
        this(reviews, new FailedReviewLimit());
    }

    /** Over the cluster's reviews, with a limit of failed reviews per client. */
    public AccessPolicy(AccessReviews reviews, FailedReviewLimit failures) {
        this.reviews = Objects.requireNonNull(reviews);
        this.failures = Objects.requireNonNull(failures);
    }

    /**
     * The identity a bearer token belongs to; empty when the cluster does not accept it.
     *
     * @param token  the bearer token
     * @param client who sent it (an address), for the limit of failed reviews
     * @throws NotSignedInException      the token is longer than {@value #MAX_TOKEN_CHARS} characters (not reviewed)
     * @throws TooManyAttemptsException the client's failed reviews are over the limit (not reviewed)
     */
    public Optional<Identity> authenticate(String token, String client) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new NotSignedInException("The token is " + token.length() + " characters long; at most "
                                           + MAX_TOKEN_CHARS + " are accepted (Kubernetes tokens are a few KB).");
        }
        String digest = sha256(token);
        Optional<Identity> known = tokens.getIfPresent(digest);
        if (known != null) {
            return known;
        }
        Optional<Duration> wait = failures.acquire(client);
        if (wait.isPresent()) {
            throw new TooManyAttemptsException("Too many tokens from " + client + " were refused by the cluster "
                                               + "lately; no more are checked for a few seconds.", wait.get());
        }
        Optional<Identity> identity;
        try {
            identity = tokens.get(digest, key -> reviews.authenticate(token));
        } catch (RuntimeException clusterFault) {
            // only the cluster's "not authenticated" counts against the client, not an unreachable API server
            failures.refund(client);
            throw clusterFault;
        }
        if (identity.isPresent()) {
            failures.refund(client);
        }
        return identity;
    }

    /** Whether the user may; the cluster decides. */
    public boolean allows(Identity identity, Permission permission) {
        if (identity == Identity.DEMO) {
            // auth.mode=none: no user to ask about; the catalog's own service account rules apply
            return true;
        }
        return decisions.get(new Decision(identity, permission), d -> reviews.allowed(identity, permission));
    }

    /**
     * Refuses when the user may not.
     *
     * @throws AccessDeniedException naming the missing permission
     */
    public void require(Identity identity, Permission permission) {
        if (!allows(identity, permission)) {
            throw new AccessDeniedException(identity, permission);
        }
    }

    private record Decision(Identity identity, Permission permission) {
    }

    /** Retained bytes of an identity, at two bytes a character and a slot per group. */
    static int bytes(Identity identity) {
        long bytes = 64 + 2L * identity.user().length();
        for (String g : identity.groups()) {
            bytes += 48 + 2L * g.length();
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static int bytes(Permission p) {
        return 96 + 2 * (p.verb().length() + p.resource().length() + length(p.subresource()) + length(p.namespace())
                         + p.group().length() + length(p.name()));
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
