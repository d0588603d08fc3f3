package dev.imagecatalog.web.access;

import java.util.Optional;

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
 */
public final class Viewer {

    /** The session cookie's name. */
    public static final String COOKIE = "catalog_session";

    private final Guard guard;
    private final AuthMode mode;
    private final Identity identity;
    private final boolean secure;
    private Session session;
    private boolean fresh;

    /**
     * @param session the session the browser sent, or {@code null}: a new anonymous one is made when first asked for
     */
    Viewer(Guard guard, Session session, Identity identity, boolean secure) {
        this.guard = guard;
        this.mode = guard.settings().mode();
        this.session = session;
        this.fresh = session == null;
        this.identity = identity;
        this.secure = secure;
    }

    /** The signed-in user, if any. */
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
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

    Guard guard() {
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
        return identity != null && guard.policy().allows(identity, permission);
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

    /** Tells the browser to forget the session cookie (sign-out). */
    void endSession(ServerResponse res) {
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
