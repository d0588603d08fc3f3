package dev.imagecatalog.web.access;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.NotSignedInException;
import dev.imagecatalog.auth.Session;
import dev.imagecatalog.auth.SessionCodec;
import dev.imagecatalog.web.http.Forms;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.Templates;
import dev.imagecatalog.web.http.WebException;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Sign-in and sign-out pages.
 * <ul>
 *     <li>{@code GET /login} — a form to paste a Kubernetes token ({@code auth.mode=kubernetes}); in the other modes
 *     it says where sign-in happens</li>
 *     <li>{@code POST /login} — verifies the token with a TokenReview; on success a new signed session cookie
 *     (user, groups, expiry — never the token) and 303 to {@code next}; otherwise the form again with 401</li>
 *     <li>{@code POST /logout} — forgets the session, 303 to {@code /}</li>
 * </ul>
 * Both POSTs carry the session-bound CSRF token.
 */
final class LoginPages implements HttpService {

    /** Longest {@code next} kept (an address of this site is far shorter; longer ones come from somebody else). */
    static final int MAX_NEXT = 2048;
    /** Where a replica announces a sign-out to the others: the body is the signed-out cookie's value. */
    static final String PEER_SIGN_OUT = "/api/sessions/signed-out";
    /** Longest announcement read (a cookie is a few hundred bytes; groups can make it a few KB). */
    private static final int MAX_COOKIE = 16 * 1024;
    private static final Logger LOGGER = Logger.getLogger(LoginPages.class.getName());
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final Templates templates;
    private final SessionCodec codec;

    LoginPages(Templates templates, SessionCodec codec) {
        this.templates = templates;
        this.codec = codec;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/login", (req, res) -> page(req, res, Status.OK_200, "", next(req.query().first("next").asOptional())))
                .post("/login", this::signIn)
                .post("/logout", this::signOut)
                .post(PEER_SIGN_OUT, this::peerSignedOut);
    }

    private void page(ServerRequest req, ServerResponse res, Status status, String error, String next) {
        Viewer viewer = Guard.viewer(req);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Sign in");
        model.put("mode", viewer.mode().name().toLowerCase(Locale.ROOT));
        model.put("error", error);
        model.put("next", next);
        model.put("token", viewer.mode() == AuthMode.KUBERNETES ? Csrf.issue(req, res) : "");
        Html.send(res, status, templates.render("login.ftlh", model));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        Map<String, String> form = Forms.read(req);
        Csrf.checkForm(req, form.get(Csrf.NAME));
        Viewer viewer = Guard.viewer(req);
        String next = next(Optional.ofNullable(form.get("next")));
        if (viewer.mode() != AuthMode.KUBERNETES) {
            throw WebException.badRequest("Sign-in with a token is only available with auth.mode=kubernetes.");
        }
        String token = form.getOrDefault("token", "").trim();
        Optional<Identity> identity;
        try {
            identity = token.isEmpty() ? Optional.empty()
                    : viewer.policy().authenticate(token, viewer.guard().client(req));
        } catch (NotSignedInException tooLong) {
            page(req, res, Status.UNAUTHORIZED_401, tooLong.getMessage(), next);
            return;
        }
        if (identity.isEmpty()) {
            page(req, res, Status.UNAUTHORIZED_401, "The cluster did not accept this token (expired, revoked or "
                                                    + "not a token of this cluster).", next);
            return;
        }
        viewer.startSession(res, viewer.codec().signedIn(identity.get(), SessionCodec.tokenExpiry(token)));
        LOGGER.info(() -> "signed in: " + identity.get().user());
        res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, location(next)).send();
    }

    /**
     * Another replica signed a session out: refuse it here too. The cookie must carry a valid signature under the
     * shared key (only the replicas can make one) and not have ended; anything else is refused and changes nothing.
     */
    private void peerSignedOut(ServerRequest req, ServerResponse res) {
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_COOKIE + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > MAX_COOKIE) {
            throw WebException.badRequest("A signed-out session is at most " + MAX_COOKIE + " bytes.");
        }
        Optional<Session> session = codec.decode(new String(body, StandardCharsets.US_ASCII).trim());
        if (session.isEmpty() || session.get().identity() == null) {
            throw WebException.badRequest("Not a signed-in session of this catalog (or it has ended already).");
        }
        codec.revoke(session.get());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        Map<String, String> form = Forms.read(req);
        Csrf.checkForm(req, form.get(Csrf.NAME));
        Guard.viewer(req).endSession(res);
        res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, "/").send();
    }

    /**
     * A local path to go back to after sign-in; anything else (another site, {@code //host}) becomes {@code /}.
     * Control characters and backslashes are refused anywhere: browsers drop tabs and newlines from a URL and read
     * {@code \\} as {@code /}, so {@code /<TAB>/evil.example} would leave the site. Longer than
     * {@value #MAX_NEXT} characters is no address of ours (those stop at 8 KiB with a 414) and also becomes {@code /}.
     */
    static String next(Optional<String> requested) {
        String next = requested.orElse("/").trim();
        if (next.length() > MAX_NEXT || !next.startsWith("/") || next.startsWith("//")
            || next.chars().anyMatch(c -> c < 0x20 || c == 0x7F || c == '\\')) {
            return "/";
        }
        return next;
    }

    /**
     * {@code next} as a {@code Location} value: header values are ISO-8859-1 on the wire (Helidon writes anything else
     * as {@code ?}), so every character outside printable ASCII is sent as its percent-encoded UTF-8 bytes, as a
     * browser encodes a typed address; {@code /é} arrives back as {@code /%C3%A9}, the same path.
     */
    static String location(String next) {
        StringBuilder out = new StringBuilder(next.length());
        for (byte b : next.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' && c != '`' && c != '{' && c != '}'
                && c != '|' && c != '^') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }
}
