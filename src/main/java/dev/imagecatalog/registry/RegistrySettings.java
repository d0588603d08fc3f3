package dev.imagecatalog.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach and read the registry ({@code registry.*} configuration keys), free of any framework type.
 *
 * @param url             where the service reads the API, e.g. {@code http://kind-registry:5000}
 * @param pullHost        host[:port] cluster nodes pull from, e.g. {@code localhost:5001}
 * @param username        user for Basic auth or the token realm; {@code null} for anonymous
 * @param password        password; {@code null} for anonymous
 * @param connectTimeout  TCP connect timeout of every call
 * @param readTimeout     read timeout of every call
 * @param tagTtl          how long tag lists and tag→digest answers are reused
 * @param concurrency     registry requests in flight for one repository page
 * @param cacheMaxEntries maximum number of manifests / config blobs kept in the digest-keyed cache
 */
public record RegistrySettings(URI url,
                               String pullHost,
                               String username,
                               String password,
                               Duration connectTimeout,
                               Duration readTimeout,
                               Duration tagTtl,
                               int concurrency,
                               long cacheMaxEntries) {

    /** Default connect timeout (PT5S). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default read timeout (PT30S). */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** Default tag TTL (PT10S). */
    public static final Duration DEFAULT_TAG_TTL = Duration.ofSeconds(10);
    /** Default concurrency (8). */
    public static final int DEFAULT_CONCURRENCY = 8;
    /** Default cache size (10 000 entries). */
    public static final long DEFAULT_CACHE_MAX_ENTRIES = 10_000;

    /** Validates and normalises: blank credentials mean anonymous. */
    public RegistrySettings {
        Objects.requireNonNull(url, "registry.url");
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw new IllegalArgumentException("registry.url must be an http(s) URL, got: " + url);
        }
        Objects.requireNonNull(pullHost, "registry.pull-host");
        username = username == null || username.isBlank() ? null : username;
        password = username == null ? null : (password == null ? "" : password);
        Objects.requireNonNull(connectTimeout, "registry.connect-timeout");
        Objects.requireNonNull(readTimeout, "registry.read-timeout");
        Objects.requireNonNull(tagTtl, "registry.tag-ttl");
        if (concurrency < 1) {
            throw new IllegalArgumentException("registry.concurrency must be at least 1, got " + concurrency);
        }
        if (cacheMaxEntries < 1) {
            throw new IllegalArgumentException("cache size must be at least 1, got " + cacheMaxEntries);
        }
    }

    /** Settings with every default, anonymous. */
    public static RegistrySettings of(URI url, String pullHost) {
        return new RegistrySettings(url, pullHost, null, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
                DEFAULT_TAG_TTL, DEFAULT_CONCURRENCY, DEFAULT_CACHE_MAX_ENTRIES);
    }

    /** A copy with credentials. */
    public RegistrySettings withCredentials(String user, String pass) {
        return new RegistrySettings(url, pullHost, user, pass, connectTimeout, readTimeout, tagTtl, concurrency,
                cacheMaxEntries);
    }

    /** A copy with another tag TTL. */
    public RegistrySettings withTagTtl(Duration ttl) {
        return new RegistrySettings(url, pullHost, username, password, connectTimeout, readTimeout, ttl, concurrency,
                cacheMaxEntries);
    }

    /** A copy with other timeouts. */
    public RegistrySettings withTimeouts(Duration connect, Duration read) {
        return new RegistrySettings(url, pullHost, username, password, connect, read, tagTtl, concurrency,
                cacheMaxEntries);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "RegistrySettings[url=" + url + ", pullHost=" + pullHost + ", username=" + username
                + ", password=" + (password == null ? "null" : "***") + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", tagTtl=" + tagTtl + ", concurrency=" + concurrency
                + ", cacheMaxEntries=" + cacheMaxEntries + "]";
    }
}
