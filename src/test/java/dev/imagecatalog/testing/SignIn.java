package dev.imagecatalog.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs in over real HTTP as a browser would: {@code GET /login} (session cookie + CSRF token), then
 * {@code POST /login} with a Kubernetes token; returns the signed-in session's {@code Cookie} header value.
 */
public final class SignIn {

    /** The session cookie's name. */
    public static final String COOKIE = "catalog_session";
    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private SignIn() {
    }

    /**
     * @param base  {@code http://127.0.0.1:<port>}
     * @param token the Kubernetes token to sign in with
     * @return {@code catalog_session=…}
     * @throws IllegalStateException when the sign-in is refused
     */
    public static String session(URI base, String token) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/login")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String anonymous = cookie(page);
            Matcher csrf = HIDDEN_CSRF.matcher(page.body());
            if (!csrf.find()) {
                throw new IllegalStateException("no CSRF field on /login: " + page.body());
            }
            String form = "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&next=%2F&token="
                          + URLEncoder.encode(token, StandardCharsets.UTF_8);
            HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(base.resolve("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", anonymous)
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (signedIn.statusCode() != 303) {
                throw new IllegalStateException("sign-in refused: " + signedIn.statusCode() + " " + signedIn.body());
            }
            return cookie(signedIn);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code catalog_session=…} of a response's Set-Cookie. */
    public static String cookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(COOKIE + "="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no session cookie in " + response.headers().map()));
    }
}
