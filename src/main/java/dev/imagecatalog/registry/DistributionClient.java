package dev.imagecatalog.registry;

import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

/**
 * The adapter to a Distribution registry (HTTP API v2) over Helidon's {@link WebClient}: catalog and tag paging,
 * manifests with the full Accept list, tag→digest HEAD checks, blobs (following redirects without leaking
 * credentials), ping. Authentication semantics live in {@link RegistryAuth}; registry errors become
 * {@link RegistryException}s carrying the registry's own message.
 */
public final class DistributionClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HeaderName DOCKER_CONTENT_DIGEST = HeaderNames.create("Docker-Content-Digest");
    private static final HeaderName LINK = HeaderNames.create("Link");
    private static final HeaderName WWW_AUTHENTICATE = HeaderNames.create("WWW-Authenticate");
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;[^,]*rel=\"?next\"?");
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final int PAGE_SIZE = 100;
    private static final int MAX_REDIRECTS = 5;

    private final URI base;
    private final WebClient http;
    private final RegistryAuth auth;

    /** One answer, body fully read. */
    private record Response(int status, String contentType, String digest, String link, String location,
                            String challenge, byte[] body, URI uri) {
    }

    /** A client for the registry described by {@code settings}. */
    public DistributionClient(RegistrySettings settings) {
        this(settings, Clock.systemUTC());
    }

    DistributionClient(RegistrySettings settings, Clock clock) {
        this.base = settings.url();
        this.auth = new RegistryAuth(settings.username(), settings.password(), clock);
        this.http = WebClient.builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .followRedirects(false)
                .build();
    }

    /** Every repository name, following the relative {@code Link} header of each page until there is none. */
    public List<String> catalog() {
        List<String> names = new ArrayList<>();
        URI next = base.resolve("/v2/_catalog?n=" + PAGE_SIZE);
        while (next != null) {
            Response r = send(Method.GET, next, RegistryAuth.CATALOG_SCOPE, null, "Listing repositories");
            JsonNode json = json(r, "repository list");
            json.path("repositories").forEach(n -> names.add(n.asText()));
            next = nextPage(r);
        }
        return names;
    }

    /** Every tag of a repository (paged like the catalog); NOT_FOUND for an unknown repository. */
    public List<String> tags(String repository) {
        checkName(repository);
        List<String> tags = new ArrayList<>();
        URI next = base.resolve("/v2/" + repository + "/tags/list?n=" + PAGE_SIZE);
        while (next != null) {
            Response r = send(Method.GET, next, RegistryAuth.repositoryScope(repository), null,
                    "Listing tags of " + repository);
            json(r, "tag list").path("tags").forEach(t -> tags.add(t.asText()));
            next = nextPage(r);
        }
        return tags;
    }

    /**
     * A manifest by tag or digest, parsed; the digest is {@code Docker-Content-Digest}, else the sha256 of the exact
     * body bytes. NOT_FOUND when it does not exist.
     */
    public Manifest manifest(String repository, String reference) {
        checkName(repository);
        checkReference(reference);
        Response r = send(Method.GET, base.resolve("/v2/" + repository + "/manifests/" + reference),
                RegistryAuth.repositoryScope(repository), MediaTypes.MANIFEST_ACCEPT,
                "Reading manifest " + repository + ":" + reference);
        String computed = sha256(r.body());
        String digest = r.digest() != null ? r.digest() : computed;
        if (reference.startsWith("sha256:") && !reference.equals(computed)) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "The registry served a manifest for " + repository + "@" + reference + " whose content does not"
                            + " match that digest");
        }
        return ManifestParser.parse(r.body(), r.contentType(), digest);
    }

    /** The digest a tag points at now (cheap HEAD); empty when the tag does not exist. */
    public Optional<String> manifestDigest(String repository, String reference) {
        checkName(repository);
        checkReference(reference);
        try {
            Response r = send(Method.HEAD, base.resolve("/v2/" + repository + "/manifests/" + reference),
                    RegistryAuth.repositoryScope(repository), MediaTypes.MANIFEST_ACCEPT,
                    "Checking tag " + repository + ":" + reference);
            return Optional.ofNullable(r.digest());
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * A blob's bytes by digest. Redirects (e.g. 307 to object storage) are followed; Authorization is sent only
     * to the registry's own origin, never to another host.
     */
    public byte[] blob(String repository, String digest) {
        checkName(repository);
        if (!DIGEST.matcher(digest).matches()) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "Not a valid digest: " + digest);
        }
        String scope = RegistryAuth.repositoryScope(repository);
        URI uri = base.resolve("/v2/" + repository + "/blobs/" + digest);
        String what = "Reading blob " + repository + "@" + digest;
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            Response r = sameOrigin(uri) ? sendRaw(Method.GET, uri, scope, null, what)
                    : execute(Method.GET, uri, null, null, what);
            if (isRedirect(r.status()) && r.location() != null) {
                uri = uri.resolve(r.location());
                continue;
            }
            if (r.status() / 100 != 2) {
                throw error(r, what);
            }
            return r.body();
        }
        throw new RegistryException(RegistryException.Kind.BAD_RESPONSE, what + ": too many redirects");
    }

    /** {@code GET /v2/}: throws unless the registry answers and accepts our credentials. */
    public void ping() {
        send(Method.GET, base.resolve("/v2/"), null, null, "Checking the registry");
    }

    /** The registry base URL. */
    public URI url() {
        return base;
    }

    @Override
    public void close() {
        http.closeResource();
    }

    // ---- transport ------------------------------------------------------------------------------------------

    /** A call that must succeed (2xx), authenticating as needed. */
    private Response send(Method method, URI uri, String scope, List<String> accept, String what) {
        Response r = sendRaw(method, uri, scope, accept, what);
        if (r.status() / 100 != 2) {
            throw error(r, what);
        }
        return r;
    }

    /** A call to the registry, answering a 401 challenge once (Bearer token or Basic). */
    private Response sendRaw(Method method, URI uri, String scope, List<String> accept, String what) {
        String authorization = auth.authorization(scope);
        Response r = execute(method, uri, authorization, accept, what);
        if (r.status() != 401) {
            return r;
        }
        Optional<AuthChallenge> challenge = AuthChallenge.parse(r.challenge());
        if (challenge.isPresent() && challenge.get().isBearer()) {
            auth.forget(scope);
            String bearer = fetchToken(challenge.get(), scope);
            return execute(method, uri, bearer, accept, what);
        }
        if (auth.hasCredentials() && !Objects.equals(authorization, auth.basic())) {
            return execute(method, uri, auth.basic(), accept, what);
        }
        return r;
    }

    private String fetchToken(AuthChallenge challenge, String scope) {
        URI tokenUri = auth.tokenUri(challenge, scope);
        Response r = execute(Method.GET, tokenUri, auth.basic(), List.of("application/json"),
                "Requesting a registry token");
        if (r.status() / 100 != 2) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED,
                    "The registry's token server " + tokenUri.getHost() + " refused "
                            + (auth.hasCredentials() ? "the configured credentials" : "anonymous access")
                            + " (HTTP " + r.status() + registryMessage(r).map(m -> ": " + m).orElse("") + ")");
        }
        return auth.acceptTokenResponse(scope, r.body());
    }

    private Response execute(Method method, URI uri, String authorization, List<String> accept, String what) {
        try (HttpClientResponse res = http.method(method).uri(uri).followRedirects(false).headers(h -> {
            if (authorization != null) {
                h.set(HeaderNames.AUTHORIZATION, authorization);
            }
            if (accept != null) {
                h.set(HeaderNames.ACCEPT, String.join(", ", accept));
            }
        }).request()) {
            byte[] body = method == Method.HEAD ? new byte[0] : res.inputStream().readAllBytes();
            var headers = res.headers();
            return new Response(res.status().code(),
                    headers.first(HeaderNames.CONTENT_TYPE).orElse(null),
                    headers.first(DOCKER_CONTENT_DIGEST).orElse(null),
                    headers.first(LINK).orElse(null),
                    headers.first(HeaderNames.LOCATION).orElse(null),
                    headers.first(WWW_AUTHENTICATE).orElse(null),
                    body, uri);
        } catch (RegistryException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Connection refused, timeouts, resets: all mean "cannot talk to the registry right now".
            throw new RegistryException(RegistryException.Kind.UNREACHABLE,
                    what + ": cannot reach the registry at " + uri.getScheme() + "://" + uri.getAuthority()
                            + " (" + describe(e) + ")", e);
        }
    }

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
        return firstError(r).map(e -> e.path("message").asText(null)).filter(m -> !m.isBlank());
    }

    private static Optional<String> registryCode(Response r) {
        return firstError(r).map(e -> e.path("code").asText(null)).filter(c -> !c.isBlank());
    }

    private JsonNode json(Response r, String what) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "The registry returned an unreadable " + what, e);
        }
    }

    /** The next page from {@code Link: </v2/_catalog?last=x&n=100>; rel="next"} (relative to the registry). */
    private URI nextPage(Response r) {
        if (r.link() == null) {
            return null;
        }
        Matcher m = LINK_NEXT.matcher(r.link());
        return m.find() ? r.uri().resolve(m.group(1)) : null;
    }

    private boolean sameOrigin(URI uri) {
        return Objects.equals(uri.getScheme(), base.getScheme()) && Objects.equals(uri.getHost(), base.getHost())
                && port(uri) == port(base);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    /** Repository names are validated so that user input can never change the request path. */
    static void checkName(String repository) {
        if (repository == null || repository.length() > 255 || !NAME.matcher(repository).matches()) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND,
                    "No such repository: \"" + repository + "\" is not a valid repository name");
        }
    }

    static void checkReference(String reference) {
        if (reference == null || !(TAG.matcher(reference).matches() || DIGEST.matcher(reference).matches())) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND,
                    "No such tag: \"" + reference + "\" is not a valid tag or digest");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
