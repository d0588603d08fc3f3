package dev.imagecatalog.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagecatalog.registry.RegistryTransport.Response;
import io.helidon.http.Method;

/**
 * The adapter to a Distribution registry (HTTP API v2): catalog and tag paging, manifests with the full Accept
 * list, tag→digest HEAD checks, blobs (following redirects without leaking credentials), ping.
 *
 * <p>Everything the registry says is input: pagination links must stay on the registry's origin and listings end
 * (repeated or empty pages, {@code registry.max-pages}); digests are computed from the bytes received and checked
 * against the digest asked for or announced; every digest is validated ({@link Digests}); manifests are read up to
 * their limit, config blobs to the size their manifest declares; one whole listing is bounded in pages, names, bytes
 * and time; every exchange ends by {@code registry.call-deadline}, and at most {@code registry.concurrency}
 * exchanges are in flight ({@link RegistryTransport}). Identical calls in
 * flight at the same time are shared ({@link SingleFlight}) and each caller waits at most until its
 * {@link RequestDeadline}. Authentication semantics live in {@link RegistryAuth}, one bounded exchange in
 * {@link RegistryTransport}; registry errors become {@link RegistryException}s carrying the registry's own message.
 */
public final class DistributionClient implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(DistributionClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?");
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");
    private static final Pattern LAST = Pattern.compile("(?:^|&)last=([^&]*)");
    private static final int PAGE_SIZE = 100;
    private static final int MAX_REDIRECTS = 5;
    /** Lists and error bodies: small, but a list of every tag of a big repository comes at once. */
    private static final int MAX_OTHER_BODY = 16 * 1024 * 1024;
    /** A token server's answer: a JWT of a few KB (a bigger one would be kept per scope). */
    private static final int MAX_TOKEN_BODY = 64 * 1024;
    private static final String PAGINATION_NUMBER_INVALID = "PAGINATION_NUMBER_INVALID";

    private final URI base;
    private final RegistrySettings settings;
    private final RegistryTransport transport;
    private final RegistryAuth auth;
    private final SingleFlight flights = new SingleFlight();

    /** A client for the registry described by {@code settings}. */
    public DistributionClient(RegistrySettings settings) {
        this(settings, Clock.systemUTC());
    }

    DistributionClient(RegistrySettings settings, Clock clock) {
        this.base = settings.url();
        this.settings = settings;
        this.auth = new RegistryAuth(base, settings.tokenRealmAllowedHosts(), settings.username(),
                settings.password(), clock);
        this.transport = new RegistryTransport(settings);
    }

    /**
     * Every repository name: {@code registry.repositories} when configured (the registry is not asked), else every
     * page of {@code _catalog} by its {@code Link} header, names deduplicated. A listing that repeats a page or
     * adds nothing new ends with what it has; one longer than {@code registry.max-pages} is an error.
     */
    public List<String> catalog() {
        if (settings.repositoriesConfigured()) {
            return settings.repositories();
        }
        String what = "Listing repositories";
        return flights.run("catalog", what, () -> list(base.resolve("/v2/_catalog?n=" + PAGE_SIZE),
                RegistryAuth.CATALOG_SCOPE, "repositories", NAME, what, true));
    }

    /** Whether {@link #catalog()} answers {@code registry.repositories} instead of the registry's own list. */
    public boolean repositoriesConfigured() {
        return settings.repositoriesConfigured();
    }

    /** Every tag of a repository (paged like the catalog); NOT_FOUND for an unknown repository. */
    public List<String> tags(String repository) {
        checkName(repository);
        String what = "Listing tags of " + repository;
        return flights.run("tags " + repository, what, () -> list(
                base.resolve("/v2/" + repository + "/tags/list?n=" + PAGE_SIZE),
                RegistryAuth.repositoryScope(repository), "tags", TAG, what, false));
    }

    /**
     * A manifest by tag or digest, parsed, its digest computed from the bytes received. By digest the bytes must
     * hash to it; by tag a {@code Docker-Content-Digest} that disagrees with the bytes is DIGEST_MISMATCH (schema 1
     * excepted: its digest covers the unsigned payload, so the registry's header is kept). NOT_FOUND when it does not
     * exist; TOO_LARGE beyond {@code registry.max-manifest-bytes}.
     */
    public Manifest manifest(String repository, String reference) {
        checkName(repository);
        checkReference(reference);
        String what = "Reading manifest " + repository + (isDigest(reference) ? "@" : ":") + reference;
        return flights.run("manifest " + repository + "@" + reference, what,
                () -> fetchManifest(repository, reference, what));
    }

    /**
     * The digest a tag points at now (cheap HEAD); NOT_FOUND when the tag does not exist, empty when the registry
     * sends no {@code Docker-Content-Digest} (then only a GET tells); DIGEST_MISMATCH when the header is not a digest.
     */
    public Optional<String> manifestDigest(String repository, String reference) {
        checkName(repository);
        checkReference(reference);
        String what = "Checking tag " + repository + ":" + reference;
        return flights.run("head " + repository + ":" + reference, what, () -> {
            Response r = send(Method.HEAD, base.resolve("/v2/" + repository + "/manifests/" + reference),
                    RegistryAuth.repositoryScope(repository), MediaTypes.MANIFEST_ACCEPT, what, 0);
            return Optional.ofNullable(r.digest()).map(d -> announced(d, what));
        });
    }

    /**
     * The manifests that name {@code digest} as their subject (OCI 1.1 {@code GET /v2/<name>/referrers/<digest>}),
     * or empty when the registry does not serve the referrers API (it answers 404, as Distribution 2.8 and 3.x do).
     */
    public Optional<List<Descriptor>> referrers(String repository, String digest) {
        checkName(repository);
        if (!Digests.isValid(digest)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "Not a valid digest: " + digest);
        }
        String what = "Listing referrers of " + repository + "@" + digest;
        return flights.run("referrers " + repository + "@" + digest, what, () -> {
            Response r;
            try {
                r = send(Method.GET, base.resolve("/v2/" + repository + "/referrers/" + digest),
                        RegistryAuth.repositoryScope(repository), List.of(MediaTypes.OCI_INDEX), what,
                        settings.maxManifestBytes(), "registry.max-manifest-bytes");
            } catch (RegistryException e) {
                if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                    return Optional.<List<Descriptor>>empty();
                }
                throw e;
            }
            if (!(ManifestParser.parse(r.body(), MediaTypes.OCI_INDEX, digest) instanceof Manifest.Index index)) {
                throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                        what + ": the registry answered something that is not an index");
            }
            return Optional.of(index.entries().stream().map(Manifest.IndexEntry::descriptor).toList());
        });
    }

    /**
     * A config blob's bytes by digest, exactly the {@code size} its manifest declares (refused as TOO_LARGE beyond
     * {@code registry.max-config-bytes} before it is asked for), verified against the digest: a body longer or
     * shorter than declared is DIGEST_MISMATCH, and no more than the declared size plus one byte is read. Redirects
     * (e.g. 307 to object storage) are followed; Authorization is sent only to the registry's own origin, never to
     * another host. Concurrent callers of the same blob share one array: do not modify it.
     */
    public byte[] blob(String repository, String digest, long size) {
        return blob(repository, digest, size, settings.maxConfigBytes(), "registry.max-config-bytes");
    }

    /**
     * An attached document's bytes (an SBOM, an attestation, a signature payload) by digest, like {@link #blob}
     * but bounded by {@code limit} instead of the config limit (TOO_LARGE beyond it, before it is asked for).
     */
    public byte[] document(String repository, String digest, long size, int limit) {
        return blob(repository, digest, size, limit, "the document download cap");
    }

    private byte[] blob(String repository, String digest, long size, int limit, String limitName) {
        checkName(repository);
        if (!Digests.isValid(digest)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "Not a valid digest: " + digest);
        }
        String what = "Reading blob " + repository + "@" + digest;
        if (size < 0 || size > limit) {
            throw new RegistryException(RegistryException.Kind.TOO_LARGE, what + ": the manifest declares " + size
                    + " bytes, more than the limit of " + limit + " (" + limitName + ")");
        }
        int declared = (int) size;
        return flights.run("blob " + repository + "@" + digest + "#" + declared, what, () -> {
            byte[] body;
            try {
                body = follow(base.resolve("/v2/" + repository + "/blobs/" + digest), base,
                        RegistryAuth.repositoryScope(repository), null, what, declared, null).body();
            } catch (RegistryException e) {
                if (e.kind() != RegistryException.Kind.TOO_LARGE) {
                    throw e;
                }
                throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, what + ": the registry sent"
                        + " more than the " + declared + " bytes the manifest declares", e);
            }
            if (body.length != declared) {
                throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, what + ": the registry sent "
                        + body.length + " bytes, the manifest declares " + declared);
            }
            String computed = Digests.compute(digest, body);
            if (!computed.equals(digest)) {
                throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH,
                        what + ": the bytes received hash to " + computed + ", not to the digest asked for");
            }
            return body;
        });
    }

    /**
     * Whether the registry still stores a config or layer blob ({@code HEAD /v2/<name>/blobs/<digest>} in a repository
     * that had it): after the registry's garbage collection removed its data, 404. A manifest's own digest is not a
     * blob of its repository in this sense (Distribution links it as a revision, not a layer: always 404 here).
     */
    public boolean blobExists(String repository, String digest) {
        checkName(repository);
        if (!Digests.isValid(digest)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "Not a valid digest: " + digest);
        }
        String what = "Checking blob " + repository + "@" + digest;
        return flights.run("head blob " + repository + "@" + digest, what, () -> {
            Response r = sendRaw(Method.HEAD, base.resolve("/v2/" + repository + "/blobs/" + digest),
                    RegistryAuth.repositoryScope(repository), null, what, 0, null, RegistryTransport.NO_END);
            // on object storage the registry answers a stored blob with a redirect to it: it exists
            if (r.status() / 100 == 2 || r.status() / 100 == 3) {
                return true;
            }
            RegistryException e = error(r, what);
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        });
    }

    /** {@code GET /v2/}: throws unless the registry answers and accepts our credentials. */
    public void ping() {
        String what = "Checking the registry";
        flights.run("ping", what, () -> send(Method.GET, base.resolve("/v2/"), null, null, what, MAX_OTHER_BODY));
    }

    /** The registry base URL. */
    public URI url() {
        return base;
    }

    @Override
    public void close() {
        transport.close();
    }


    // ---- listings -------------------------------------------------------------------------------------------

    /**
     * All names of a paged listing. Ends when there is no {@code Link}, or — a registry that loops — when a page URL
     * or {@code last} repeats or a page adds no new name (the names seen so far are the answer; logged). A listing
     * that does not end in bounds is refused rather than shown incomplete: more than {@code registry.max-pages}
     * pages, more than {@code registry.max-listing-names} names (or their bytes beyond
     * {@value RegistrySettings#LISTING_BYTES_PER_NAME} a name on average), longer than
     * {@code registry.listing-deadline} for every page together. Distribution refuses an {@code n} above its
     * {@code catalog.maxentries} (PAGINATION_NUMBER_INVALID): the first page is then asked again without {@code n},
     * and the registry's own page size carries on in its links.
     */
    private List<String> list(URI first, String scope, String field, Pattern valid, String what, boolean catalog) {
        long end = System.nanoTime() + settings.listingDeadline().toNanos();
        long maxBytes = (long) settings.maxListingNames() * RegistrySettings.LISTING_BYTES_PER_NAME;
        long bytes = 0;
        Set<String> names = new LinkedHashSet<>();
        Set<String> seenUris = new HashSet<>();
        Set<String> seenLasts = new HashSet<>();
        URI next = first;
        int pages = 0;
        boolean withoutN = false;
        while (next != null) {
            String last = lastParameter(next);
            if (!seenUris.add(next.toString()) || (last != null && !seenLasts.add(last))) {
                LOGGER.warning(() -> what + ": the registry's pagination repeats a page; listing ends there");
                break;
            }
            if (++pages > settings.maxPages()) {
                throw new RegistryException(RegistryException.Kind.BAD_RESPONSE, what + ": the registry's list did"
                        + " not end after " + settings.maxPages() + " pages (registry.max-pages)");
            }
            Response r = page(next, scope, what, end);
            if (pages == 1 && !withoutN && r.status() == 400
                    && registryCode(r).filter(PAGINATION_NUMBER_INVALID::equals).isPresent()) {
                withoutN = true;
                pages = 0;
                seenUris.clear();
                next = base.resolve(first.getRawPath());
                continue;
            }
            if (r.status() / 100 != 2) {
                throw catalog ? catalogError(r, what) : error(r, what);
            }
            int before = names.size();
            int received = 0;
            for (JsonNode n : json(r, catalog ? "repository list" : "tag list").path(field)) {
                received++;
                String name = n.asText();
                if (valid.matcher(name).matches() && (!catalog || name.length() <= 255)) {
                    if (names.add(name)) {
                        bytes += name.length();
                    }
                } else {
                    LOGGER.warning(() -> what + ": skipping an invalid name from the registry: " + abbreviate(name));
                }
            }
            if (names.size() > settings.maxListingNames() || bytes > maxBytes) {
                throw new RegistryException(RegistryException.Kind.TOO_LARGE, what + ": the registry's list holds"
                        + " more than " + settings.maxListingNames() + " names or " + maxBytes + " bytes of names"
                        + " (registry.max-listing-names)");
            }
            next = nextPage(r, what);
            if (next != null && received > 0 && names.size() == before) {
                LOGGER.warning(() -> what + ": a page of the registry's list added no new name; listing ends there");
                break;
            }
        }
        return List.copyOf(names);
    }

    /** One page of a listing, within what is left of the listing's deadline. */
    private Response page(URI uri, String scope, String what, long end) {
        String late = what + ": the registry's list did not end within " + settings.listingDeadline()
                + " (registry.listing-deadline)";
        if (System.nanoTime() - end >= 0) {
            throw new RegistryException(RegistryException.Kind.TIMEOUT, late);
        }
        try {
            return sendRaw(Method.GET, uri, scope, null, what, MAX_OTHER_BODY, null, end);
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.TIMEOUT && System.nanoTime() - end >= 0) {
                throw new RegistryException(RegistryException.Kind.TIMEOUT, late, e);
            }
            throw e;
        }
    }

    /** A failing {@code _catalog}: many registries do not serve it; say how to configure the list instead. */
    private RegistryException catalogError(Response r, String what) {
        RegistryException e = error(r, what);
        if (r.status() != 401 && r.status() != 403 && r.status() != 404) {
            return e;
        }
        return new RegistryException(r.status() == 404 ? RegistryException.Kind.BAD_RESPONSE : e.kind(),
                e.getMessage() + ". If this registry does not list its repositories (GitLab, Harbor robot accounts"
                        + " and some cloud registries refuse _catalog), set registry.repositories"
                        + " (env REGISTRY_REPOSITORIES, comma-separated) to the repositories to show");
    }

    /**
     * The next page from {@code Link: </v2/_catalog?last=x&n=100>; rel="next"}, resolved against the page; a link to
     * any other origin than the registry's is refused, never followed.
     */
    private URI nextPage(Response r, String what) {
        if (r.link() == null) {
            return null;
        }
        Matcher m = LINK_NEXT.matcher(r.link());
        if (!m.find()) {
            return null;
        }
        URI next;
        try {
            next = r.uri().resolve(new URI(m.group(1)));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    what + ": the registry sent an invalid pagination link: " + abbreviate(m.group(1)), e);
        }
        if (!sameOrigin(next, base) || next.getRawUserInfo() != null) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE, what + ": the registry's pagination"
                    + " link points to " + abbreviate(RegistryTransport.origin(next)) + ", not to the registry "
                    + RegistryTransport.origin(base) + "; it is not followed");
        }
        return next;
    }

    private static String lastParameter(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return null;
        }
        Matcher m = LAST.matcher(query);
        return m.find() ? m.group(1) : null;
    }

    // ---- manifests ------------------------------------------------------------------------------------------

    private Manifest fetchManifest(String repository, String reference, String what) {
        Response r = send(Method.GET, base.resolve("/v2/" + repository + "/manifests/" + reference),
                RegistryAuth.repositoryScope(repository), MediaTypes.MANIFEST_ACCEPT, what,
                settings.maxManifestBytes(), "registry.max-manifest-bytes");
        if (isDigest(reference)) {
            String computed = Digests.compute(reference, r.body());
            Manifest manifest = ManifestParser.parse(r.body(), r.contentType(), reference);
            // Schema 1 digests cover the unsigned payload, not the served bytes, so only newer manifests are checked.
            if (!computed.equals(reference) && !(manifest instanceof Manifest.Schema1)) {
                throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, what + ": the bytes received"
                        + " hash to " + computed + ", not to the digest asked for");
            }
            return manifest;
        }
        String header = r.digest() == null ? null : announced(r.digest(), what);
        String computed = Digests.compute(header, r.body());
        if (header == null || header.equals(computed)) {
            return ManifestParser.parse(r.body(), r.contentType(), computed);
        }
        Manifest manifest = ManifestParser.parse(r.body(), r.contentType(), header);
        if (manifest instanceof Manifest.Schema1) {
            return manifest;
        }
        throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, what + ": the registry announced "
                + header + " (Docker-Content-Digest) but the bytes received hash to " + computed);
    }

    /** A digest the registry announced in a header, validated before anything uses it. */
    private static String announced(String value, String what) {
        if (!Digests.isValid(value)) {
            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH,
                    what + ": the registry announced an invalid digest: \"" + abbreviate(value) + "\"");
        }
        return value;
    }

    // ---- transport with authentication ----------------------------------------------------------------------

    private Response send(Method method, URI uri, String scope, List<String> accept, String what, int maxBytes) {
        return send(method, uri, scope, accept, what, maxBytes, null);
    }

    /** A call that must succeed (2xx), authenticating as needed. */
    private Response send(Method method, URI uri, String scope, List<String> accept, String what, int maxBytes,
                          String limitKey) {
        Response r = sendRaw(method, uri, scope, accept, what, maxBytes, limitKey, RegistryTransport.NO_END);
        if (r.status() / 100 != 2) {
            throw error(r, what);
        }
        return r;
    }


    /**
     * A call to the registry, answering a 401 challenge once (Bearer token or Basic); every exchange ends by
     * {@code endNanos} at the latest ({@link RegistryTransport#NO_END}: only its call deadline).
     */
    private Response sendRaw(Method method, URI uri, String scope, List<String> accept, String what, int maxBytes,
                             String limitKey, long endNanos) {
        return answeringChallenge(scope, authorization -> execute(method, uri, authorization, accept, what, maxBytes,
                                                                  limitKey, endNanos));
    }

    /**
     * One exchange with the credentials known for {@code scope}; a 401 is answered once — with a Bearer token for
     * the scope when the registry challenges so, else with Basic credentials not yet sent.
     */
    private Response answeringChallenge(String scope, Function<String, Response> exchange) {
        String authorization = auth.authorization(scope);
        Response r = exchange.apply(authorization);
        if (r.status() != 401) {
            return r;
        }
        Optional<AuthChallenge> challenge = AuthChallenge.parse(r.challenge());
        if (challenge.isPresent() && challenge.get().isBearer()) {
            auth.forget(scope);
            return exchange.apply(fetchToken(challenge.get(), scope));
        }
        if (auth.hasCredentials() && !Objects.equals(authorization, auth.basic())) {
            return exchange.apply(auth.basic());
        }
        return r;
    }

    private String fetchToken(AuthChallenge challenge, String scope) {
        URI tokenUri = auth.tokenUri(challenge, scope);
        Response r = follow(tokenUri, tokenUri, null, List.of("application/json"), "Requesting a registry token",
                MAX_TOKEN_BODY, null);
        if (r.status() / 100 != 2) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED,
                    "The registry's token server " + r.uri().getHost() + " refused "
                            + (auth.hasCredentials() ? "the configured credentials" : "anonymous access")
                            + " (HTTP " + r.status() + registryMessage(r).map(m -> ": " + m).orElse("") + ")");
        }
        return auth.acceptTokenResponse(scope, r.body());
    }

    /**
     * GET with redirects followed (at most {@value #MAX_REDIRECTS}): credentials — the registry's for
     * {@code scope}, else Basic for a token request — only while the URL stays on {@code credentialsOrigin};
     * another host gets the request without Authorization. A non-2xx answer other than a redirect is returned for
     * the token request and an error otherwise.
     */
    private Response follow(URI start, URI credentialsOrigin, String scope, List<String> accept, String what,
                            int maxBytes, String limitKey) {
        URI uri = start;
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            Response r;
            if (!sameOrigin(uri, credentialsOrigin)) {
                r = execute(Method.GET, uri, null, accept, what, maxBytes, limitKey, RegistryTransport.NO_END);
            } else if (scope != null) {
                r = sendRaw(Method.GET, uri, scope, accept, what, maxBytes, limitKey, RegistryTransport.NO_END);
            } else {
                r = execute(Method.GET, uri, auth.basic(), accept, what, maxBytes, limitKey, RegistryTransport.NO_END);
            }
            if (isRedirect(r.status()) && r.location() != null) {
                uri = redirectTarget(uri, r.location(), what);
                continue;
            }
            if (r.status() / 100 != 2 && scope != null) {
                throw error(r, what);
            }
            return r;
        }
        throw new RegistryException(RegistryException.Kind.BAD_RESPONSE, what + ": too many redirects");
    }

    private static URI redirectTarget(URI from, String location, String what) {
        try {
            URI target = from.resolve(new URI(location));
            if (("http".equals(target.getScheme()) || "https".equals(target.getScheme())) && target.getHost() != null) {
                return target;
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // answered below
        }
        throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                what + ": the registry redirected to an invalid location: " + abbreviate(location));
    }

    private Response execute(Method method, URI uri, String authorization, List<String> accept, String what,
                             int maxBytes, String limitKey, long endNanos) {
        try {
            return transport.execute(method, uri, authorization, accept, what, maxBytes, endNanos);
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.TOO_LARGE && limitKey != null) {
                throw new RegistryException(e.kind(), e.getMessage() + " (" + limitKey + ")", e);
            }
            throw e;
        }
    }

    // ---- answers --------------------------------------------------------------------------------------------

    private RegistryException error(Response r, String what) {
        Optional<String> code = registryCode(r);
        String detail = registryMessage(r).map(m -> "registry says \"" + m + "\"" + code.map(c -> " (" + c + ")")
                .orElse("") + ", HTTP " + r.status()).orElse("registry answered HTTP " + r.status());
        RegistryException.Kind kind;
        if (r.status() == 401 || r.status() == 403) {
            kind = RegistryException.Kind.UNAUTHORIZED;
            detail += auth.hasCredentials() ? " — check registry.username / registry.password"
                    : " — the registry requires credentials (REGISTRY_USERNAME / REGISTRY_PASSWORD)";
        } else if (r.status() == 404 || code.filter(c -> c.endsWith("_UNKNOWN")).isPresent()) {
            kind = RegistryException.Kind.NOT_FOUND;
        } else if (r.status() == 502 || r.status() == 503 || r.status() == 504) {
            kind = RegistryException.Kind.UNREACHABLE;
        } else {
            kind = RegistryException.Kind.BAD_RESPONSE;
        }
        return new RegistryException(kind, what + ": " + detail);
    }

    private static Optional<JsonNode> firstError(Response r) {
        try {
            JsonNode errors = JSON.readTree(r.body()).path("errors");
            return errors.isArray() && !errors.isEmpty() ? Optional.of(errors.get(0)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> registryMessage(Response r) {
        return firstError(r).map(e -> e.path("message").asText(null)).filter(m -> !m.isBlank())
                .map(DistributionClient::abbreviate);
    }

    private static Optional<String> registryCode(Response r) {
        return firstError(r).map(e -> e.path("code").asText(null)).filter(c -> !c.isBlank())
                .map(DistributionClient::abbreviate);
    }

    private static JsonNode json(Response r, String what) {
        try {
            JsonNode json = JSON.readTree(r.body());
            if (json == null || !json.isObject()) {
                throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                        "The registry returned an invalid " + what + " (not a JSON object)");
            }
            return json;
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "The registry returned an unreadable " + what, e);
        }
    }

    static boolean sameOrigin(URI uri, URI origin) {
        return Objects.equals(uri.getScheme(), origin.getScheme())
                && uri.getHost() != null && uri.getHost().equalsIgnoreCase(origin.getHost())
                && port(uri) == port(origin);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Registry text quoted in our messages is cut short: it is input, and messages end up on pages and in logs. */
    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    private static boolean isDigest(String reference) {
        return reference.indexOf(':') >= 0;
    }

    /** Whether {@code repository} is a valid repository name (Distribution's grammar, at most 255 characters). */
    static boolean validName(String repository) {
        return repository != null && repository.length() <= 255 && NAME.matcher(repository).matches();
    }

    /** Repository names are validated so that user input can never change the request path. */
    static void checkName(String repository) {
        if (!validName(repository)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND,
                    "No such repository: \"" + repository + "\" is not a valid repository name");
        }
    }

    static void checkReference(String reference) {
        if (reference == null || !(TAG.matcher(reference).matches() || Digests.isValid(reference))) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND,
                    "No such tag: \"" + reference + "\" is not a valid tag or digest");
        }
    }

    // ---- deleting and untagging (issue 14) ----------------------------------------------------------------------

    /**
     * Deletes a manifest by digest ({@code DELETE /v2/<name>/manifests/<digest>}): every tag of that digest in this
     * repository goes with it; its blobs stay on disk until the registry's garbage collection. NOT_FOUND when the
     * manifest is not in the repository; a refusal that says why when the registry has deletes off
     * ({@code storage.delete.enabled}: Distribution answers 405 UNSUPPORTED) or the credentials lack the delete
     * scope.
     */
    public void deleteManifest(String repository, String digest) {
        checkName(repository);
        if (!Digests.isValid(digest)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "Not a valid digest: " + digest);
        }
        String what = "Deleting manifest " + repository + "@" + digest;
        Response r = write(Method.DELETE, base.resolve("/v2/" + repository + "/manifests/" + digest),
                RegistryAuth.deleteScope(repository), null, null, what);
        if (r.status() / 100 != 2) {
            throw writeError(r, what, repository);
        }
    }

    /**
     * Removes one tag and nothing else: the manifest and its other tags stay. Uses {@code DELETE} on the tag where
     * the registry accepts it (OCI 1.1, Distribution 3); Distribution 2.8 answers that with 400 DIGEST_INVALID, and
     * then the tag is pointed at a unique throw-away manifest ({@link ThrowAwayManifest}) that is deleted by digest
     * at once. Says which technique ran. The caller checks beforehand that the tag still names what the user saw.
     */
    public Untag untag(String repository, String tag) {
        checkName(repository);
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "No such tag: \"" + tag + "\"");
        }
        String what = "Untagging " + repository + ":" + tag;
        Response r = write(Method.DELETE, base.resolve("/v2/" + repository + "/manifests/" + tag),
                RegistryAuth.deleteScope(repository), null, null, what);
        if (r.status() / 100 == 2) {
            return new Untag(repository, tag, Untag.Technique.TAG_DELETE, null, 0);
        }
        if (!tagDeleteUnsupported(r)) {
            throw writeError(r, what, repository);
        }
        return untagByThrowAway(repository, tag, what);
    }

    /**
     * Whether a tag DELETE failed only because the registry deletes by digest: Distribution 2.8 parses the tag as a
     * digest (400 DIGEST_INVALID); OCI lets a registry answer 405 when tag deletes are off. Distribution's 405
     * UNSUPPORTED means deletes are off altogether — then a throw-away manifest could be pushed but never deleted,
     * and the tag would be left pointing at it, so that is a refusal.
     */
    private static boolean tagDeleteUnsupported(Response r) {
        if (r.status() == 400) {
            return registryCode(r).map(c -> c.equals("DIGEST_INVALID")).orElse(true);
        }
        return r.status() == 405 && registryCode(r).filter("UNSUPPORTED"::equals).isEmpty();
    }

    private Untag untagByThrowAway(String repository, String tag, String what) {
        String scope = RegistryAuth.untagScope(repository);
        uploadEmptyConfig(repository, scope, what);
        byte[] manifest = ThrowAwayManifest.create();
        String digest = Digests.compute(null, manifest);
        Response put = write(Method.PUT, base.resolve("/v2/" + repository + "/manifests/" + tag), scope,
                MediaTypes.OCI_MANIFEST, manifest, what + " (pointing the tag at a throw-away manifest)");
        if (put.status() / 100 != 2) {
            throw writeError(put, what + " (pointing the tag at a throw-away manifest)", repository);
        }
        Response delete = write(Method.DELETE, base.resolve("/v2/" + repository + "/manifests/" + digest), scope,
                null, null, what);
        if (delete.status() / 100 != 2) {
            RegistryException e = writeError(delete, what, repository);
            throw new RegistryException(e.kind(), e.getMessage() + ". The tag now points at the throw-away manifest "
                    + digest + "; deleting that digest finishes the untag", e);
        }
        return new Untag(repository, tag, Untag.Technique.THROW_AWAY_MANIFEST, digest, manifest.length);
    }

    /**
     * Makes sure the repository holds the 2-byte {@code {}} blob the throw-away manifest names (Distribution refuses
     * a manifest whose config it does not have): a two-step upload, POST then PUT with the digest. Uploading a blob
     * the registry already has is harmless.
     */
    private void uploadEmptyConfig(String repository, String scope, String what) {
        String step = what + " (uploading the empty config {})";
        Response start = write(Method.POST, base.resolve("/v2/" + repository + "/blobs/uploads/"), scope, null,
                new byte[0], step);
        if (start.status() != 202 || start.location() == null) {
            throw writeError(start, step, repository);
        }
        URI upload;
        try {
            upload = base.resolve(new URI(start.location()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    step + ": the registry sent an invalid upload location", e);
        }
        if (!sameOrigin(upload, base)) {
            // the credentials would go with the PUT: an upload elsewhere is not followed
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE, step + ": the registry's upload"
                    + " location points to " + abbreviate(RegistryTransport.origin(upload)) + ", not to the registry");
        }
        String sep = upload.getRawQuery() == null ? "?" : "&";
        Response put = write(Method.PUT, URI.create(upload + sep + "digest=" + ThrowAwayManifest.EMPTY_CONFIG_DIGEST),
                scope, "application/octet-stream", ThrowAwayManifest.EMPTY_CONFIG, step);
        if (put.status() / 100 != 2) {
            throw writeError(put, step, repository);
        }
    }

    /** A write to the registry, answering a 401 challenge once (Bearer token for {@code scope}, or Basic). */
    private Response write(Method method, URI uri, String scope, String contentType, byte[] content, String what) {
        return answeringChallenge(scope, authorization -> transport.write(method, uri, authorization, contentType,
                                                                          content, what, MAX_TOKEN_BODY));
    }

    /** A refused write, saying what to change: the registry's delete switch or the account's delete scope. */
    private RegistryException writeError(Response r, String what, String repository) {
        RegistryException e = error(r, what);
        if (r.status() == 405 && registryCode(r).filter("UNSUPPORTED"::equals).isPresent()) {
            return new RegistryException(RegistryException.Kind.BAD_RESPONSE, what + ": the registry has deletes"
                    + " turned off (registry says UNSUPPORTED, HTTP 405) — set storage.delete.enabled: true in its"
                    + " configuration (env REGISTRY_STORAGE_DELETE_ENABLED=true) and restart it");
        }
        if (r.status() == 401 || r.status() == 403) {
            return new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + ": the registry credentials"
                    + " lack the delete scope (" + RegistryAuth.deleteScope(repository)
                    + "; an untag on Distribution 2.8 also needs push) — HTTP " + r.status()
                    + registryMessage(r).map(m -> ", registry says \"" + m + "\"").orElse(""));
        }
        return e;
    }
}
