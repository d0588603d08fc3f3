package dev.imagecatalog.web.http;

import java.nio.charset.StandardCharsets;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Sends rendered HTML with the headers every page carries. */
public final class Html {

    /** Scripts and styles only from this origin; the size bars use a style attribute (a width). */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** Every page and API answer: nothing here may be stored by a cache (answers depend on who asks). */
    public static final Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");
    private static final Header CONTENT_TYPE_HTML = HeaderValues.createCached(HeaderNames.CONTENT_TYPE,
                                                                              "text/html; charset=UTF-8");
    private static final Header CONTENT_SECURITY_POLICY = HeaderValues.createCached("Content-Security-Policy", CSP);
    private static final Header REFERRER_POLICY = HeaderValues.createCached("Referrer-Policy", "same-origin");

    private Html() {
    }

    /** 200 with the page. */
    public static void send(ServerResponse res, String html) {
        send(res, Status.OK_200, html);
    }

    /** The page with a status. */
    public static void send(ServerResponse res, Status status, String html) {
        // bytes, not the String: Helidon's String writer costs more per page than encoding it here once
        send(res, status, html.getBytes(StandardCharsets.UTF_8));
    }

    /** 200 with a rendered page ({@link Templates#page}), gzip-compressed when the browser accepts it. */
    public static void send(ServerRequest req, ServerResponse res, Encoded html) {
        headers(res, Status.OK_200);
        html.send(req, res);
    }

    private static void send(ServerResponse res, Status status, byte[] html) {
        headers(res, status);
        res.send(html);
    }

    private static void headers(ServerResponse res, Status status) {
        res.status(status);
        res.header(CONTENT_TYPE_HTML);
        res.header(CONTENT_SECURITY_POLICY);
        res.header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
        res.header(REFERRER_POLICY);
        res.header(NO_STORE);
    }
}
