package dev.imagecatalog.registry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach and read the registry ({@code registry.*} configuration keys), free of any framework type.
 *
 * @param url                     where the service reads the API, e.g. {@code http://kind-registry:5000}
 * @param pullHost                host[:port] cluster nodes pull from, e.g. {@code localhost:5001}
 * @param username                user for Basic auth or the token realm; {@code null} for anonymous
 * @param password                password; {@code null} for anonymous
 * @param connectTimeout          TCP connect timeout of every call
 * @param readTimeout             read timeout of every call (restarts with every byte: {@code callDeadline} bounds
 *                                the whole call)
 * @param concurrency             HTTP exchanges with the registry (its token server and blob storage included) in
 *                                flight at once, whoever makes them: crawl, reconcile, events, views, diagnosis
 * @param callDeadline            total time one registry call may take: connect, headers and the whole body
 * @param requestDeadline         total time one page or API request may wait for the registry (then 504)
 * @param maxManifestBytes        largest manifest read; a bigger one is {@link RegistryException.Kind#TOO_LARGE}
 * @param maxConfigBytes          largest config blob read; a bigger one is {@link RegistryException.Kind#TOO_LARGE}
 * @param maxPages                most pages one catalog or tag listing may follow
 * @param maxListingNames         most names one catalog or tag listing may hold (its bytes are capped too, at
 *                                {@value #LISTING_BYTES_PER_NAME} bytes a name on average)
 * @param listingDeadline         total time one whole catalog or tag listing may take, every page together
 * @param tokenRealmAllowedHosts  extra hosts whose plain-http token realm may receive the credentials
 * @param repositories            the repositories to show instead of asking {@code _catalog}; empty: discover
 */
public record RegistrySettings(URI url,
                               String pullHost,
                               String username,
                               String password,
                               Duration connectTimeout,
                               Duration readTimeout,
                               int concurrency,
                               Duration callDeadline,
                               Duration requestDeadline,
                               int maxManifestBytes,
                               int maxConfigBytes,
                               int maxPages,
                               int maxListingNames,
                               Duration listingDeadline,
                               List<String> tokenRealmAllowedHosts,
                               List<String> repositories) {

    /** Default connect timeout (PT5S). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default read timeout (PT30S). */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Default concurrency (16): the benchmark's realistic registry (scripts/bench.sh --shape realistic) is crawled in
     * 0.96× a bare client's time at 16 in flight and 1.13× at 8; Distribution answers 16 reads at once without strain.
     */
    public static final int DEFAULT_CONCURRENCY = 16;
    /** Default total deadline of one registry call (PT30S). */
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(30);
    /**
     * Default deadline of one page or API request (PT25S): below the usual 30–60 s of ingress proxies and browsers,
     * so the user reads our 504 with a reason rather than a proxy's.
     */
    public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(25);
    /**
     * Default manifest limit (4 MiB): the size the OCI distribution spec tells registries to accept at least and
     * Distribution itself refuses to store beyond, so no real manifest is larger.
     */
    public static final int DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /**
     * Default config blob limit (4 MiB): image configs are a few KB (hundreds with long histories); 4 MiB keeps
     * room for large labels while {@code concurrency} reads of that size (the config byte budget of the index,
     * 24 MiB, caps them together whatever the concurrency) fit the chart's
     * heap next to everything else.
     */
    public static final int DEFAULT_MAX_CONFIG_BYTES = 4 * 1024 * 1024;
    /** Default page cap of one listing (10 000 pages: a million repositories at Distribution's 100 a page). */
    public static final int DEFAULT_MAX_PAGES = 10_000;
    /**
     * Default names of one listing (500 000): a registry's whole catalog is one listing, kept in memory while it is
     * read; half a million names is far beyond any registry we know of and still fits the chart's heap.
     */
    public static final int DEFAULT_MAX_LISTING_NAMES = 500_000;
    /** Average bytes a listed name may have: a listing's names together are capped at this × its name cap. */
    public static final int LISTING_BYTES_PER_NAME = 64;
    /** Default total time of one listing (PT5M): 10 000 pages of a local registry take well under a minute. */
    public static final Duration DEFAULT_LISTING_DEADLINE = Duration.ofMinutes(5);

    /** Validates and normalises: blank credentials mean anonymous, host names lower-case. */
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
        if (concurrency < 1) {
            throw new IllegalArgumentException("registry.concurrency must be at least 1, got " + concurrency);
        }
        positive(callDeadline, "registry.call-deadline");
        positive(requestDeadline, "registry.request-deadline");
        atLeast(maxManifestBytes, 1024, "registry.max-manifest-bytes");
        atLeast(maxConfigBytes, 1024, "registry.max-config-bytes");
        atLeast(maxPages, 1, "registry.max-pages");
        atLeast(maxListingNames, 1, "registry.max-listing-names");
        positive(listingDeadline, "registry.listing-deadline");
        tokenRealmAllowedHosts = tokenRealmAllowedHosts == null ? List.of() : tokenRealmAllowedHosts.stream()
                .map(String::strip).filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).toList();
        repositories = repositories == null ? List.of()
                : repositories.stream().map(String::strip).filter(r -> !r.isEmpty()).distinct().toList();
        List<String> invalid = repositories.stream().filter(r -> !DistributionClient.validName(r)).toList();
        if (!invalid.isEmpty()) {
            throw new IllegalArgumentException("registry.repositories holds invalid repository names: " + invalid);
        }
    }

    /** Settings with every default, anonymous. */
    public static RegistrySettings of(URI url, String pullHost) {
        return new RegistrySettings(url, pullHost, null, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
                DEFAULT_CONCURRENCY, DEFAULT_CALL_DEADLINE, DEFAULT_REQUEST_DEADLINE, DEFAULT_MAX_MANIFEST_BYTES,
                DEFAULT_MAX_CONFIG_BYTES, DEFAULT_MAX_PAGES, DEFAULT_MAX_LISTING_NAMES, DEFAULT_LISTING_DEADLINE,
                List.of(), List.of());
    }

    /** A copy with credentials. */
    public RegistrySettings withCredentials(String user, String pass) {
        return new RegistrySettings(url, pullHost, user, pass, connectTimeout, readTimeout, concurrency,
                callDeadline, requestDeadline, maxManifestBytes, maxConfigBytes, maxPages, maxListingNames,
                listingDeadline, tokenRealmAllowedHosts, repositories);
    }

    /** A copy with other timeouts. */
    public RegistrySettings withTimeouts(Duration connect, Duration read) {
        return new RegistrySettings(url, pullHost, username, password, connect, read, concurrency,
                callDeadline, requestDeadline, maxManifestBytes, maxConfigBytes, maxPages, maxListingNames,
                listingDeadline, tokenRealmAllowedHosts, repositories);
    }

    /** A copy with other deadlines: one registry call, one page or API request. */
    public RegistrySettings withDeadlines(Duration call, Duration request) {
        return new RegistrySettings(url, pullHost, username, password, connectTimeout, readTimeout,
                concurrency, call, request, maxManifestBytes, maxConfigBytes, maxPages, maxListingNames,
                listingDeadline, tokenRealmAllowedHosts, repositories);
    }

    /** A copy with other read limits: manifest bytes, config blob bytes, pages per listing. */
    public RegistrySettings withLimits(int manifestBytes, int configBytes, int pages) {
        return new RegistrySettings(url, pullHost, username, password, connectTimeout, readTimeout,
                concurrency, callDeadline, requestDeadline, manifestBytes, configBytes, pages,
                maxListingNames, listingDeadline, tokenRealmAllowedHosts, repositories);
    }

    /** A copy with other bounds of one whole listing: its names, its total time. */
    public RegistrySettings withListingBounds(int names, Duration deadline) {
        return new RegistrySettings(url, pullHost, username, password, connectTimeout, readTimeout, concurrency,
                callDeadline, requestDeadline, maxManifestBytes, maxConfigBytes, maxPages, names, deadline,
                tokenRealmAllowedHosts, repositories);
    }

    /** A copy with another limit of HTTP exchanges in flight. */
    public RegistrySettings withConcurrency(int exchanges) {
        return new RegistrySettings(url, pullHost, username, password, connectTimeout, readTimeout, exchanges,
                callDeadline, requestDeadline, maxManifestBytes, maxConfigBytes, maxPages, maxListingNames,
                listingDeadline, tokenRealmAllowedHosts, repositories);
    }

    /** A copy that also sends credentials to a plain-http token realm on these hosts. */
    public RegistrySettings withTokenRealmAllowedHosts(List<String> hosts) {
        return new RegistrySettings(url, pullHost, username, password, connectTimeout, readTimeout,
                concurrency, callDeadline, requestDeadline, maxManifestBytes, maxConfigBytes,
                maxPages, maxListingNames, listingDeadline, hosts, repositories);
    }

    /** A copy that lists these repositories instead of asking the registry's {@code _catalog}. */
    public RegistrySettings withRepositories(List<String> names) {
        return new RegistrySettings(url, pullHost, username, password, connectTimeout, readTimeout,
                concurrency, callDeadline, requestDeadline, maxManifestBytes, maxConfigBytes,
                maxPages, maxListingNames, listingDeadline, tokenRealmAllowedHosts, names);
    }

    /** Whether the repository list comes from {@code registry.repositories} rather than the registry. */
    public boolean repositoriesConfigured() {
        return !repositories.isEmpty();
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "RegistrySettings[url=" + url + ", pullHost=" + pullHost + ", username=" + username
                + ", password=" + (password == null ? "null" : "***") + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", concurrency=" + concurrency + ", callDeadline=" + callDeadline
                + ", requestDeadline=" + requestDeadline + ", maxManifestBytes=" + maxManifestBytes
                + ", maxConfigBytes=" + maxConfigBytes + ", maxPages=" + maxPages
                + ", maxListingNames=" + maxListingNames + ", listingDeadline=" + listingDeadline
                + ", tokenRealmAllowedHosts=" + tokenRealmAllowedHosts + ", repositories=" + repositories + "]";
    }

    private static void positive(Duration d, String key) {
        Objects.requireNonNull(d, key);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + d);
        }
    }

    private static void atLeast(int value, int min, String key) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
        }
    }
}
