package dev.imagecatalog.web.access;

import java.util.Optional;
import java.util.function.Supplier;

import dev.imagecatalog.auth.AccessPolicy;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.NotSignedInException;
import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.auth.Session;
import dev.imagecatalog.auth.SessionCodec;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;

/**
 * Who is asking, as {@link Guard} found out for one request: the session (from the signed cookie, or a new one not
 * yet sent), the identity (session, bearer token or trusted proxy headers), and whether the request came over TLS.
 * Handlers ask it for permission before acting; templates read the user's name from it.
 *
 * <p>A bearer token is reviewed only when something asks for the identity (a cluster route, a page offering to run):
 * anonymous catalog browsing with an {@code Authorization} header costs the API server nothing.
 */
public final class Viewer {

    /** The session cookie's name. */
    public static final String COOKIE = "catalog_session";

    private final Guard guard;
    private final AuthMode mode;
    private final boolean secure;
    private Supplier<Identity> bearer;
    private Identity identity;
    private Session session;
    private boolean fresh;

    /**
     * @param session  the session the browser sent, or {@code null}: a new anonymous one is made when first asked for
     * @param identity the user of the session or the proxy headers, {@code null} for nobody
     * @param bearer   the identity of the request's bearer token, reviewed when first needed (replaces
     *                 {@code identity}); {@code null} without an {@code Authorization} header
     */
    Viewer(Guard guard, Session session, Identity identity, Supplier<Identity> bearer, boolean secure) {
        this.guard = guard;
        this.mode = guard.settings().mode();
        this.session = session;
        this.fresh = session == null;
        this.identity = identity;
        this.bearer = bearer;
        this.secure = secure;
    }

    /**
     * The signed-in user, if any; a bearer token is reviewed now if it was not yet.
     *
     * @throws NotSignedInException                          the token is malformed, too long or not accepted
     * @throws dev.imagecatalog.auth.TooManyAttemptsException too many refused tokens from this client lately
     */
    public Optional<Identity> identity() {
        if (bearer != null) {
            identity = bearer.get();
            bearer = null;
        }
        return Optional.ofNullable(identity);
    }

    /** The user as far as known without a review: empty while a bearer token is not reviewed yet (page frames). */
    Optional<Identity> knownIdentity() {
        return bearer == null ? Optional.ofNullable(identity) : Optional.empty();
    }

    /** The sign-in mode in force. */
    public AuthMode mode() {
        return mode;
    }

    /** The session, whether or not its cookie was sent yet. */
    Session session() {
        if (session == null) {
            session = guard.codec().anonymous();
        }
        return session;
    }

    /** Whether the browser sent this session (a fresh one cannot carry a valid CSRF token yet). */
    boolean fromCookie() {
        return !fresh;
    }

    public Guard guard() {
        return guard;
    }

    SessionCodec codec() {
        return guard.codec();
    }

    AccessPolicy policy() {
        return guard.policy();
    }

    /**
     * The signed-in user, who must be allowed the permission by the cluster.
     *
     * @throws NotSignedInException                          nobody signed in
     * @throws dev.imagecatalog.auth.AccessDeniedException the cluster says no
     */
    public Identity require(Permission permission) {
        Identity who = identity().orElseThrow(() -> new NotSignedInException(signInMessage()));
        guard.policy().require(who, permission);
        return who;
    }

    /** Whether the signed-in user may (false when nobody is signed in). */
    public boolean allows(Permission permission) {
        return identity().map(who -> guard.policy().allows(who, permission)).orElse(false);
    }

    String signInMessage() {
        return switch (mode) {
            case PROXY -> "Sign-in required: this request did not come through the authenticating proxy.";
            default -> "Sign-in required: sign in on /login with a Kubernetes token, or send "
                       + "\"Authorization: Bearer <token>\".";
        };
    }

    /** The CSRF token of this session; sends the session cookie first when the browser does not have it yet. */
    String csrfToken(ServerResponse res) {
        if (fresh) {
            sendCookie(res, session());
            fresh = false;
        }
        return guard.codec().csrfToken(session());
    }

    /** Replaces the session (sign-in) and sends its cookie. */
    void startSession(ServerResponse res, Session signedIn) {
        session = signedIn;
        fresh = false;
        sendCookie(res, signedIn);
    }

    /** Sends the session's cookie again with a later idle expiry (a request while signed in is activity). */
    void renewSession(ServerResponse res) {
        session = guard.codec().renewed(session());
        sendCookie(res, session);
    }

    /** Signs the session out here and on the other replicas, and tells the browser to forget its cookie. */
    void endSession(ServerResponse res) {
        if (!fresh && session.identity() != null) {
            // only signed-in sessions: an anonymous one grants nothing, and anyone can make those by the thousand
            guard.codec().revoke(session);
            // the other replicas refuse a copy of this cookie too (they verify it with the shared key)
            guard.peers().signedOut(guard.codec().encode(session));
        }
        res.header(HeaderValues.create(HeaderNames.SET_COOKIE, COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
                                                               + (secure ? "; Secure" : "")));
    }

    private void sendCookie(ServerResponse res, Session s) {
        long maxAge = guard.codec().remaining(s).toSeconds();
        res.header(HeaderValues.create(HeaderNames.SET_COOKIE, COOKIE + "=" + guard.codec().encode(s)
                                                               + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + maxAge
                                                               + (secure ? "; Secure" : "")));
    }
}
