package dev.imagecatalog.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Cross-site request forgery defences, stateless so any replica accepts what another rendered.
 * <ul>
 *     <li>Forms: double-submit token. A random token lives in the {@code csrf} cookie (HttpOnly, SameSite=Strict)
 *     and in a hidden field; a POST must carry both, equal (compared in constant time). Another site can neither
 *     read the cookie nor make the browser send it with a cross-site POST.</li>
 *     <li>Every unsafe request: refused when the browser says it is cross-site ({@code Sec-Fetch-Site: cross-site},
 *     or an {@code Origin} whose host differs from {@code Host}). The JSON API also requires
 *     {@code Content-Type: application/json}, which no page of another origin can send without a CORS preflight
 *     we never grant.</li>
 * </ul>
 */
final class Csrf {

    /** Cookie and form field name. */
    static final String NAME = "csrf";

    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 random bytes, base64url without padding. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    private Csrf() {
    }

    /**
     * The token for a page with a form: the browser's existing cookie when well-formed (several tabs keep working),
     * else a new one; the cookie is (re)set on the response.
     */
    static String issue(ServerRequest req, ServerResponse res) {
        String token = cookie(req).filter(t -> TOKEN.matcher(t).matches()).orElseGet(Csrf::newToken);
        res.header(HeaderValues.create(HeaderNames.SET_COOKIE,
                NAME + "=" + token + "; Path=/; HttpOnly; SameSite=Strict"));
        return token;
    }

    /**
     * Refuses a form POST whose hidden field does not match the cookie, or that comes from another site.
     *
     * @param submitted the form's {@code csrf} field, may be {@code null}
     * @throws WebException 403 with the reason
     */
    static void checkForm(ServerRequest req, String submitted) {
        checkSameSite(req);
        Optional<String> cookie = cookie(req);
        if (cookie.isEmpty() || submitted == null || submitted.isEmpty()) {
            throw WebException.forbidden("The form was sent without its security token (cookies may be blocked). "
                    + "Nothing was done.");
        }
        if (!MessageDigest.isEqual(cookie.get().getBytes(StandardCharsets.UTF_8),
                submitted.getBytes(StandardCharsets.UTF_8))) {
            throw WebException.forbidden("The form's security token does not match (the page may be stale). "
                    + "Nothing was done.");
        }
    }

    /**
     * Refuses an unsafe API request that a browser marks as cross-site; a POST must also be JSON.
     *
     * @throws WebException 403 (cross-site) or 415 (not JSON)
     */
    static void checkApi(ServerRequest req, boolean jsonBody) {
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
            String host = req.headers().first(HeaderNames.HOST).orElse("");
            if (!host.equalsIgnoreCase(authority(origin.get()))) {
                throw WebException.forbidden("Cross-site requests are refused (Origin " + origin.get()
                        + " is not this site).");
            }
        }
    }

    /** {@code host[:port]} of an Origin, {@code ""} for {@code null} or anything unparsable. */
    private static String authority(String origin) {
        try {
            String authority = URI.create(origin.trim()).getRawAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static Optional<String> cookie(ServerRequest req) {
        return req.headers().cookies().first(NAME).asOptional();
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
