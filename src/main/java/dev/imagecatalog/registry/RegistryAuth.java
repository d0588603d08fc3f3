package dev.imagecatalog.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HTTP semantics of registry authentication, without transport: anonymous, HTTP Basic, and the Docker Bearer token
 * flow (challenge → token request URI → token response → reuse until {@code expires_in} elapses).
 */
final class RegistryAuth {

    /** Scope for listing the catalog. */
    static final String CATALOG_SCOPE = "registry:catalog:*";
    /** Token lifetime when the token server does not say (the Docker token spec's default). */
    static final Duration DEFAULT_EXPIRES_IN = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String basic;
    private final Clock clock;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private volatile boolean bearerRealm;

    /** A bearer token and when it stops being valid. */
    record Token(String value, Instant expiresAt) {
    }

    RegistryAuth(String username, String password, Clock clock) {
        this.basic = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    /** Scope for pulling from one repository. */
    static String repositoryScope(String repository) {
        return "repository:" + repository + ":pull";
    }

    /**
     * Authorization to send up front for a scope: a still-valid token; else Basic credentials unless the registry
     * has shown it wants Bearer tokens; else none (the 401 challenge tells what to do).
     */
    String authorization(String scope) {
        Token token = tokens.get(key(scope));
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

    /** The token request for a Bearer challenge: realm with {@code service} and {@code scope} query parameters. */
    URI tokenUri(AuthChallenge challenge, String scope) {
        bearerRealm = true;
        StringBuilder uri = new StringBuilder(challenge.param("realm"));
        char sep = uri.indexOf("?") < 0 ? '?' : '&';
        if (challenge.param("service") != null) {
            uri.append(sep).append("service=").append(encode(challenge.param("service")));
            sep = '&';
        }
        if (scope != null) {
            uri.append(sep).append("scope=").append(encode(scope));
        }
        return URI.create(uri.toString());
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
        Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_EXPIRES_IN;
        tokens.put(key(scope), new Token(value, clock.instant().plus(lifetime)));
        return "Bearer " + value;
    }

    /** Forgets a token the registry refused. */
    void forget(String scope) {
        tokens.remove(key(scope));
    }

    private static String key(String scope) {
        return scope == null ? "" : scope;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%3A", ":").replace("%2F", "/")
                .replace("%2C", ",").replace("%2A", "*");
    }
}
