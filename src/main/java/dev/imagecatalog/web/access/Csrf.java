package dev.imagecatalog.web.access;

import dev.imagecatalog.web.http.WebException;

import java.util.Locale;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Cross-site request forgery defences, stateless so any replica accepts what another rendered.
 * <ul>
 *     <li>Forms: a token bound to the session — {@code HMAC(server key, session id)} — in a hidden field; the
 *     session id travels in the signed {@code catalog_session} cookie (HttpOnly, SameSite=Lax). A POST must carry
 *     the token of the session its cookie names: an attacker can neither read a victim's token nor invent a
 *     cookie/field pair (the cookie is signed), and a token from another session does not fit.</li>
 *     <li>Every unsafe request: refused when the browser says it is cross-site ({@code Sec-Fetch-Site: cross-site},
 *     or an {@code Origin} that is not the host addressed, or not an allowed host). The JSON API also requires
 *     {@code Content-Type: application/json}, which no page of another origin can send without a CORS preflight
 *     we never grant.</li>
 * </ul>
 */
public final class Csrf {

    /** Form field name. */
    public static final String NAME = "csrf";

    private Csrf() {
    }

    /** The token for a page with a form (sends the session cookie if the browser has none yet). */
    public static String issue(ServerRequest req, ServerResponse res) {
        return Guard.viewer(req).csrfToken(res);
    }

    /**
     * Refuses a form POST whose hidden field is not the token of the cookie's session, or that comes from another
     * site.
     *
     * @param submitted the form's {@code csrf} field, may be {@code null}
     * @throws WebException 403 with the reason
     */
    public static void checkForm(ServerRequest req, String submitted) {
        checkSameSite(req);
        Viewer viewer = Guard.viewer(req);
        if (!viewer.fromCookie() || submitted == null || submitted.isEmpty()) {
            throw WebException.forbidden("The form was sent without its security token or session (cookies may be "
                                         + "blocked). Nothing was done.");
        }
        if (!viewer.codec().validCsrf(viewer.session(), submitted)) {
            throw WebException.forbidden("The form's security token does not match your session (the page may be "
                                         + "stale). Nothing was done.");
        }
    }

    /**
     * Refuses an unsafe API request that a browser marks as cross-site; a POST must also be JSON.
     *
     * @throws WebException 403 (cross-site) or 415 (not JSON)
     */
    public static void checkApi(ServerRequest req, boolean jsonBody) {
        checkSameSite(req);
        if (jsonBody) {
            String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
            if (!type.startsWith("application/json")) {
                throw WebException.unsupportedMediaType("The request body must be JSON (Content-Type: application/json).");
            }
        }
    }

    private static void checkSameSite(ServerRequest req) {
        String site = req.headers().first(HeaderNames.create("Sec-Fetch-Site")).orElse("");
        if ("cross-site".equalsIgnoreCase(site)) {
            throw WebException.forbidden("Cross-site requests are refused.");
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isPresent()) {
            Guard guard = Guard.viewer(req).guard();
            String originHost = Guard.originHost(origin.get());
            if (!originHost.equalsIgnoreCase(guard.effectiveHost(req)) || !guard.allowedHost(originHost)) {
                throw WebException.forbidden("Cross-site requests are refused (Origin " + origin.get()
                        + " is not this site).");
            }
        }
    }
}
