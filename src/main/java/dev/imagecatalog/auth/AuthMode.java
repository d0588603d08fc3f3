package dev.imagecatalog.auth;

import java.util.Locale;

/** How users are identified ({@code auth.mode}). */
public enum AuthMode {
    /** A Kubernetes bearer token (header or pasted on {@code /login}), verified with a TokenReview. The default. */
    KUBERNETES,
    /** User and groups headers set by an authenticating proxy, trusted only from configured addresses. */
    PROXY,
    /** No sign-in: a local demo; every page warns that anyone who can reach it can run pods. */
    NONE;

    /**
     * Parses {@code kubernetes}, {@code proxy} or {@code none}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static AuthMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("auth.mode must be kubernetes, proxy or none, got \"" + value + "\"");
        }
    }
}
