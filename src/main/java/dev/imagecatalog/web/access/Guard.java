package dev.imagecatalog.web.access;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import dev.imagecatalog.auth.AccessPolicy;
import dev.imagecatalog.auth.AccessReviews;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.NotSignedInException;
import dev.imagecatalog.auth.Session;
import dev.imagecatalog.auth.SessionCodec;
import dev.imagecatalog.auth.SignOutPeers;
import dev.imagecatalog.web.http.PageFrame;
import dev.imagecatalog.web.http.Templates;
import dev.imagecatalog.web.http.WebException;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * The first thing every request meets.
 * <ol>
 *     <li>Host allow-list: a {@code Host} (or trusted {@code X-Forwarded-Host}) that is neither a loopback name nor in
 *     {@code server.allowed-hosts} is answered 421 before anything else — a page of another site reached through
 *     DNS rebinding gets nowhere. {@code /observe/*} (kubelet probes address the pod IP) and
 *     {@link #MACHINE_PATHS} (replicas address each other by pod IP) are exempt.</li>
 *     <li>Who is asking ({@link Viewer}): {@code auth.mode=kubernetes} — a bearer token (TokenReview) or the signed
 *     session cookie; {@code proxy} — user/groups headers, believed only from {@code auth.proxy.trusted-addresses};
 *     {@code none} — the demo user.</li>
 *     <li>{@code auth.browse=authenticated}: nobody signed in → 401 for everything but sign-in and static files.</li>
 * </ol>
 * Paths in {@link #MACHINE_PATHS} (machine-to-machine endpoints with credentials of their own: the registry's
 * notifications and their forwarding between replicas, a replica's copy of the index for a starting peer, sign-outs announced between replicas) meet no Host check and
 * no session, sign-in or CSRF logic: their handlers authenticate the caller themselves.
 */
public final class Guard implements Filter {

    /**
     * Hook for machine-to-machine endpoints: exempt from the Host check, session, sign-in and CSRF (they check their
     * own bearer token or signature). {@code POST /api/registry/events} answers 404 while no events token is
     * configured.
     */
    public static final List<String> MACHINE_PATHS = List.of("/api/registry/events", "/api/index/snapshot",
            LoginPages.PEER_SIGN_OUT);
    /** Where replicas announce sign-outs to each other ({@link SignOutPeers}). */
    public static final String PEER_SIGN_OUT = LoginPages.PEER_SIGN_OUT;
    /** Exempt from everything, Host check included: health and metrics for the kubelet and scrapers. */
    public static final String OBSERVE = "/observe/";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");
    private static final HeaderName FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");
    private static final HeaderName FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
    private static final HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final Logger LOGGER = Logger.getLogger(Guard.class.getName());
    /** What the templates see of the current request (Helidon handles a request on one thread, filters included). */
    private static final ThreadLocal<Viewer> CURRENT = new ThreadLocal<>();

    private final AuthSettings settings;
    private final AccessPolicy policy;
    private final SessionCodec codec;
    private final Set<String> allowedHosts;
    private volatile SignOutPeers peers = SignOutPeers.NONE;

    private Guard(AuthSettings settings, AccessPolicy policy, SessionCodec codec) {
        this.settings = settings;
        this.policy = policy;
        this.codec = codec;
        this.allowedHosts = settings.allowedHosts().stream().map(h -> hostOnly(h.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The guard for a configuration; the reviews answer TokenReviews and SubjectAccessReviews (the cluster adapter).
     * Without {@code auth.session-key} sessions are signed with a random key (valid until this process ends).
     */
    public static Guard create(AuthSettings settings, AccessReviews reviews) {
        return create(settings, reviews, Clock.systemUTC());
    }

    /**
     * {@link #create(AuthSettings, AccessReviews)} with the clock sessions expire by (tests move it: two guards with
     * the same key and clock are two replicas).
     */
    public static Guard create(AuthSettings settings, AccessReviews reviews, Clock clock) {
        String key = settings.sessionKey();
        if (key == null || key.isBlank()) {
            if (settings.mode() != AuthMode.NONE) {
                LOGGER.warning("auth.session-key is not set: sessions use a random key and end when this process "
                               + "does (set AUTH_SESSION_KEY, the chart does it from a Secret)");
            }
            key = SessionCodec.randomSecret();
        }
        return new Guard(settings, new AccessPolicy(reviews), new SessionCodec(key, settings.sessionTtl(), clock));
    }

    /**
     * Installs the guard: first filter of every request, plus the sign-in pages ({@code /login}, {@code /logout}).
     *
     * @param routing   the routing
     * @param templates the application's templates
     */
    public void register(HttpRouting.Builder routing, Templates templates) {
        routing.addFilter(this).register(new LoginPages(templates, codec));
    }

    AuthSettings settings() {
        return settings;
    }

    AccessPolicy policy() {
        return policy;
    }

    SessionCodec codec() {
        return codec;
    }

    /** Where sign-outs are announced (the other replicas); {@link SignOutPeers#NONE} until set. */
    public Guard announceSignOutsTo(SignOutPeers signOutPeers) {
        this.peers = signOutPeers;
        return this;
    }

    SignOutPeers peers() {
        return peers;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        CURRENT.remove();
        String path = req.path().absolute().path();
        if (path.startsWith(OBSERVE)) {
            chain.proceed();
            return;
        }
        if (MACHINE_PATHS.contains(path)) {
            // replicas address each other by pod IP, which no Host allow-list can name; these endpoints prove the
            // caller by their own means (a bearer token, a signed cookie) and serve no browser, so DNS rebinding —
            // what the Host check stops — gains nothing here
            chain.proceed();
            return;
        }
        checkHost(req);
        Viewer viewer = identify(req);
        req.context().register(viewer);
        CURRENT.set(viewer);
        if (settings.browseAuthenticated() && !path.equals("/login") && !path.equals("/logout")
            && !path.startsWith("/static/") && viewer.identity().isEmpty()) {
            throw new NotSignedInException(viewer.signInMessage());
        }
        if (viewer.fromCookie() && codec.renewalDue(viewer.session()) && !path.equals("/logout")) {
            // activity keeps a session alive; an idle one ends (and a copy signed out on another replica with it)
            viewer.renewSession(res);
        }
        chain.proceed();
    }

    /** The viewer of a request that passed the guard. */
    public static Viewer viewer(ServerRequest req) {
        return req.context().get(Viewer.class)
                .orElseThrow(() -> new IllegalStateException("request did not pass the Guard filter"));
    }

    /** The page frame's viewer part, for {@link Templates}. */
    public static final PageFrame FRAME = new PageFrame() {
        @Override
        public Map<String, Object> current() {
            return pageModel();
        }

        @Override
        public Map<String, Object> nobody() {
            return pageModel(null);
        }
    };

    /** What the page frame shows about the viewer of the request being rendered on this thread. */
    public static Map<String, Object> pageModel() {
        return pageModel(CURRENT.get());
    }

    /** What the page frame shows about a viewer ({@code null}: nobody signed in). */
    public static Map<String, Object> pageModel(Viewer viewer) {
        Map<String, Object> auth = new LinkedHashMap<>();
        // the frame never costs a TokenReview: a bearer token not needed by the page leaves it "not signed in"
        boolean signedIn = viewer != null && viewer.knownIdentity().isPresent() && viewer.mode() != AuthMode.NONE;
        auth.put("user", signedIn ? viewer.knownIdentity().get().user() : "");
        auth.put("demo", viewer != null && viewer.mode() == AuthMode.NONE);
        auth.put("signIn", viewer == null || viewer.mode() == AuthMode.KUBERNETES);
        // a signed-in user's session came from the cookie, so its token needs no new cookie
        auth.put("token", signedIn && viewer.fromCookie() && viewer.mode() == AuthMode.KUBERNETES
                ? viewer.codec().csrfToken(viewer.session()) : "");
        return auth;
    }

    private Viewer identify(ServerRequest req) {
        boolean trusted = trustedSource(req);
        boolean secure = req.isSecure() || (trusted && req.headers().first(FORWARDED_PROTO)
                .map(p -> p.trim().equalsIgnoreCase("https")).orElse(false));
        // no cookie: the viewer mints an anonymous session only if the request needs one (a CSRF token), so a
        // page view costs no random bytes
        Session session = req.headers().cookies().first(Viewer.COOKIE).asOptional()
                .flatMap(codec::decode).orElse(null);
        Identity identity = switch (settings.mode()) {
            case NONE -> Identity.DEMO;
            case PROXY -> trusted ? proxyIdentity(req) : null;
            case KUBERNETES -> session == null ? null : session.identity();
        };
        Optional<String> authorization = settings.mode() == AuthMode.KUBERNETES
                ? req.headers().first(HeaderNames.AUTHORIZATION) : Optional.empty();
        Supplier<Identity> bearer = authorization.map(value -> (Supplier<Identity>) () -> bearerIdentity(req, value))
                .orElse(null);
        return new Viewer(this, session, identity, bearer, secure);
    }

    /** The identity of an {@code Authorization: Bearer} header: reviewed only when a handler needs it. */
    private Identity bearerIdentity(ServerRequest req, String authorization) {
        String value = authorization.trim();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7) || value.length() == 7) {
            throw new NotSignedInException("The Authorization header must be \"Bearer <Kubernetes token>\".");
        }
        return policy.authenticate(value.substring(7).trim(), client(req))
                .orElseThrow(() -> new NotSignedInException("The cluster did not accept the bearer token."));
    }

    /**
     * Who is asking, for per-client limits: the direct peer's address, or behind a trusted proxy the address that
     * proxy saw (the last {@code X-Forwarded-For} entry, the one it appended). IPv6 addresses count by their /64, the
     * block one host usually gets.
     */
    public String client(ServerRequest req) {
        SocketAddress peer = req.remotePeer().address();
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (address != null && settings.trustedProxies().contains(address)) {
            Optional<String> forwarded = req.headers().first(FORWARDED_FOR)
                    .map(f -> f.substring(f.lastIndexOf(',') + 1).trim()).filter(f -> !f.isEmpty());
            if (forwarded.isPresent()) {
                return forwarded.get().length() > 64 ? forwarded.get().substring(0, 64) : forwarded.get();
            }
        }
        if (address == null) {
            return "unknown";
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            Arrays.fill(bytes, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("16 bytes are an IPv6 address", e);
            }
        }
        return address.getHostAddress();
    }

    private Identity proxyIdentity(ServerRequest req) {
        Optional<String> user = req.headers().first(HeaderNames.create(settings.userHeader()))
                .map(String::trim).filter(u -> !u.isEmpty());
        if (user.isEmpty()) {
            return null;
        }
        List<String> groups = req.headers().first(HeaderNames.create(settings.groupsHeader()))
                .map(g -> Arrays.stream(g.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        return new Identity(user.get(), groups);
    }

    /** Whether the direct peer is a configured proxy (so its X-Forwarded-* and user headers count). */
    boolean trustedSource(ServerRequest req) {
        SocketAddress peer = req.remotePeer().address();
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        return settings.trustedProxies().contains(address);
    }

    private void checkHost(ServerRequest req) {
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        if (!allowedHost(host)) {
            throw WebException.misdirected("This catalog does not answer to the host name \"" + host
                                           + "\" (see server.allowed-hosts).");
        }
        if (trustedSource(req)) {
            Optional<String> forwarded = req.headers().first(FORWARDED_HOST).map(h -> h.split(",")[0].trim());
            if (forwarded.isPresent() && !allowedHost(forwarded.get())) {
                throw WebException.misdirected("This catalog does not answer to the host name \""
                                               + forwarded.get() + "\" (see server.allowed-hosts).");
            }
        }
    }

    /** The host the browser addressed: a trusted proxy's X-Forwarded-Host, else Host (with port). */
    String effectiveHost(ServerRequest req) {
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        if (trustedSource(req)) {
            return req.headers().first(FORWARDED_HOST).map(h -> h.split(",")[0].trim()).orElse(host);
        }
        return host;
    }

    /** Loopback names (any port) or a name of {@code server.allowed-hosts} (any port). */
    boolean allowedHost(String hostAndPort) {
        String host = hostOnly(hostAndPort.trim().toLowerCase(Locale.ROOT));
        return !host.isEmpty() && (LOOPBACK.contains(host) || allowedHosts.contains(host));
    }

    /** The name of an Origin header's URL, lower case; empty when unparsable. */
    public static String originHost(String origin) {
        try {
            String authority = URI.create(origin.trim()).getRawAuthority();
            return authority == null ? "" : authority.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** {@code host} of {@code host[:port]} or {@code [v6][:port]}, brackets removed. */
    public static String hostOnly(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int end = hostAndPort.indexOf(']');
            return end < 0 ? "" : hostAndPort.substring(1, end);
        }
        int colon = hostAndPort.indexOf(':');
        if (colon >= 0 && hostAndPort.indexOf(':', colon + 1) >= 0) {
            // a bare IPv6 address is not a valid Host; refuse it rather than guess
            return "";
        }
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }
}
