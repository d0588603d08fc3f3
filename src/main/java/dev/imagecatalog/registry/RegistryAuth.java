package dev.imagecatalog.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HTTP semantics of registry authentication, without transport: anonymous, HTTP Basic, and the Docker Bearer token
 * flow (challenge → token request URI → token response → reuse until {@code expires_in} elapses).
 *
 * <p>Where credentials may go is decided here: the realm a registry names is input, so a relative realm is resolved
 * against the registry URL, and the credentials are sent only to the registry's own origin, to an {@code https}
 * realm, to a plain-{@code http} realm on the registry's own host, or to a host listed in
 * {@code registry.token-realm-allowed-hosts}.
 */
final class RegistryAuth {

    /** Scope for listing the catalog. */
    static final String CATALOG_SCOPE = "registry:catalog:*";
    /** Token lifetime when the token server does not say (the Docker token spec's default). */
    static final Duration DEFAULT_EXPIRES_IN = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Bytes of tokens kept (the most recently used scopes win): a scope names a repository — the viewer's input when
     * the name is unknown — and a token answer may be up to 64 KiB, so the bound is on bytes, not on entries (1,000
     * hostile 64 KiB tokens would be 64 MiB). Distribution's tokens are 1–2 KB: this keeps a few thousand scopes.
     */
    static final long TOKEN_CACHE_BYTES = 4L * 1024 * 1024;

    /** Longest token lifetime believed: a larger {@code expires_in} would only overflow the clock. */
    static final Duration MAX_EXPIRES_IN = Duration.ofHours(24);

    private final URI registry;
    private final List<String> allowedRealmHosts;
    private final String basic;
    private final Clock clock;
    /**
     * Tokens per scope (one per repository with Distribution's token server): bounded, because the index reads every
     * repository and a registry of 100k repositories would otherwise keep 100k tokens of 1–2 KB each.
     */
    private final Cache<String, Token> tokens = Caffeine.newBuilder().maximumWeight(TOKEN_CACHE_BYTES)
            .weigher((String scope, Token token) -> weight(scope, token)).build();
    private volatile boolean bearerRealm;

    /** A bearer token and when it stops being valid. */
    record Token(String value, Instant expiresAt) {
    }

    /**
     * @param registry          the registry URL (base of relative realms, and the host credentials belong to)
     * @param allowedRealmHosts further hosts whose plain-http realm may receive the credentials (lower-case)
     */
    RegistryAuth(URI registry, List<String> allowedRealmHosts, String username, String password, Clock clock) {
        this.registry = registry;
        this.allowedRealmHosts = List.copyOf(allowedRealmHosts);
        this.basic = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    /** Scope for pulling from one repository. */
    static String repositoryScope(String repository) {
        return "repository:" + repository + ":pull";
    }

    /** Scope for deleting a manifest of one repository: token servers grant {@code delete} apart from push. */
    static String deleteScope(String repository) {
        return "repository:" + repository + ":pull,delete";
    }

    /** Scope for an untag by throw-away manifest (Distribution 2.8): push it onto the tag, then delete it. */
    static String untagScope(String repository) {
        return "repository:" + repository + ":pull,push,delete";
    }

    /**
     * Authorization to send up front for a scope: a still-valid token; else Basic credentials unless the registry
     * has shown it wants Bearer tokens; else none (the 401 challenge tells what to do).
     */
    String authorization(String scope) {
        Token token = tokens.getIfPresent(key(scope));
        if (token != null && clock.instant().isBefore(token.expiresAt())) {
            return "Bearer " + token.value();
        }
        return bearerRealm ? null : basic;
    }

    /** Basic header for the token server (or the registry), {@code null} when anonymous. */
    String basic() {
        return basic;
    }

    /** Whether credentials are configured. */
    boolean hasCredentials() {
        return basic != null;
    }

    /**
     * The token request for a Bearer challenge: the realm resolved against the registry URL, with {@code service}
     * and {@code scope} query parameters.
     *
     * @throws RegistryException BAD_RESPONSE when the realm is not an http(s) URL, or when credentials are
     *                           configured and the realm is not a place they may be sent to (message names the realm)
     */
    URI tokenUri(AuthChallenge challenge, String scope) {
        bearerRealm = true;
        String realm = challenge.param("realm");
        URI realmUri;
        try {
            realmUri = registry.resolve(new URI(realm));
        } catch (URISyntaxException | IllegalArgumentException | NullPointerException e) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "The registry named a token realm that is not a valid URL: \"" + realm + "\"", e);
        }
        if (!("http".equals(realmUri.getScheme()) || "https".equals(realmUri.getScheme()))
                || realmUri.getHost() == null || realmUri.getRawUserInfo() != null) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "The registry named a token realm that is not an http(s) URL: \"" + realm + "\"");
        }
        if (hasCredentials() && !mayReceiveCredentials(realmUri)) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE, "The registry's token realm "
                    + realmUri + " is plain http on another host than the registry (" + registry.getHost()
                    + "); the credentials are not sent there. Use an https realm, or allow the host with "
                    + "registry.token-realm-allowed-hosts");
        }
        StringBuilder uri = new StringBuilder(realmUri.toString());
        char sep = realmUri.getRawQuery() == null ? '?' : '&';
        if (challenge.param("service") != null) {
            uri.append(sep).append("service=").append(encode(challenge.param("service")));
            sep = '&';
        }
        if (scope != null) {
            uri.append(sep).append("scope=").append(encode(scope));
        }
        try {
            return new URI(uri.toString());
        } catch (URISyntaxException e) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "The registry named a token realm that is not a valid URL: \"" + realm + "\"", e);
        }
    }

    /** Whether Basic credentials may go to this (token) URI: see the class comment. */
    boolean mayReceiveCredentials(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean sameHost = host.equalsIgnoreCase(registry.getHost());
        return "https".equals(uri.getScheme()) || ("http".equals(uri.getScheme())
                && (sameHost || allowedRealmHosts.contains(host)));
    }

    /** Reads a token response ({@code token} or {@code access_token}, {@code expires_in}) and remembers the token. */
    String acceptTokenResponse(String scope, byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED,
                    "The registry's token server returned an unreadable answer", e);
        }
        String value = json == null ? null : json.path("token").asText(json.path("access_token").asText(null));
        if (value == null || value.isBlank()) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED,
                    "The registry's token server returned no token");
        }
        long seconds = json.path("expires_in").asLong(0);
        Duration lifetime = seconds <= 0 ? DEFAULT_EXPIRES_IN
                : seconds > MAX_EXPIRES_IN.toSeconds() ? MAX_EXPIRES_IN : Duration.ofSeconds(seconds);
        tokens.put(key(scope), new Token(value, clock.instant().plus(lifetime)));
        return "Bearer " + value;
    }

    /** Forgets a token the registry refused. */
    void forget(String scope) {
        tokens.invalidate(key(scope));
    }

    /** Retained bytes of a kept token: its scope and value at two bytes a character, and the entry. */
    static int weight(String scope, Token token) {
        return (int) Math.min(Integer.MAX_VALUE, 96 + 2L * scope.length() + 2L * token.value().length());
    }

    /** Bytes the kept tokens retain now (tests). */
    long keptBytes() {
        tokens.cleanUp();
        return tokens.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    private static String key(String scope) {
        return scope == null ? "" : scope;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%3A", ":").replace("%2F", "/")
                .replace("%2C", ",").replace("%2A", "*");
    }
}
