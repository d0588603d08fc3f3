package dev.imagecatalog.web.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;

/**
 * Answers the requests the server refuses before (or beside) routing — a request line or headers it cannot parse
 * or headers over {@code max-headers-size} (400), an address too long (414), a body over {@code server.max-payload-size}
 * (413) — with
 * the same shapes as every other error: {@code {"error":"…"}} under {@code /api}, the error page elsewhere.
 *
 * <p>Helidon builds these answers in its connection handler through {@link DirectHandler}s, with an empty body by
 * default. When the request line itself is over {@code server.protocols.http_1_1.max-prologue-length} the path is
 * unknown, so the answer is the error page; to keep the usual case shaped by path, addresses are limited here to
 * {@value #MAX_URL} characters (a routing filter, answered by {@link ErrorHandling}), well below that hard limit.
 */
public final class RequestLimits {

    /** Longest address (path and query) answered normally; longer ones get a 414 shaped like any other error. */
    static final int MAX_URL = 8 * 1024;

    private static final Logger LOGGER = Logger.getLogger(RequestLimits.class.getName());

    private final Templates templates;
    private final long maxPayloadSize;

    private RequestLimits(Templates templates, long maxPayloadSize) {
        this.templates = templates;
        this.maxPayloadSize = maxPayloadSize;
    }

    /**
     * The server's direct handlers: every event type answered with a reason in the catalog's shapes.
     *
     * @param templates      the application's templates
     * @param maxPayloadSize the listener's {@code max-payload-size} in bytes (-1: unlimited), quoted in 413 answers
     * @return direct handlers for the listener
     */
    public static DirectHandlers directHandlers(Templates templates, long maxPayloadSize) {
        RequestLimits limits = new RequestLimits(templates, maxPayloadSize);
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, limits::answer);
        }
        return builder.build();
    }

    /**
     * Refuses addresses longer than {@value #MAX_URL} characters with a 414 and a reason.
     *
     * @param routing the routing
     */
    public static void register(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            int length = req.prologue().uriPath().rawPath().length() + req.prologue().query().rawValue().length();
            if (length > MAX_URL) {
                throw WebException.uriTooLong("The address is " + length + " characters long; at most " + MAX_URL
                        + " are accepted.");
            }
            chain.proceed();
        });
    }

    private DirectHandler.TransportResponse answer(DirectHandler.TransportRequest request,
                                                   DirectHandler.EventType type,
                                                   Status status,
                                                   ServerResponseHeaders headers,
                                                   String helidonMessage) {
        String message = message(status);
        String path = request.path() == null ? "" : request.path();
        DirectHandler.TransportResponse.Builder response = DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(type.keepAlive());
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (path.equals("/api") || path.startsWith("/api/")) {
            response.header(HeaderNames.CONTENT_TYPE, "application/json");
            return response.entity(Json.write(new Json.Error(message)).getBytes(StandardCharsets.UTF_8)).build();
        }
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
        response.header(HeaderNames.create("Content-Security-Policy"), Html.CSP);
        return response.entity(page(status, message).getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Our own words per status: Helidon's message may quote the request and is withheld by default anyway. */
    private String message(Status status) {
        return switch (status.code()) {
            case 413 -> "The request body is larger than " + (maxPayloadSize < 0 ? "the server accepts"
                    : maxPayloadSize + " bytes") + ".";
            case 414 -> "The address is too long.";
            case 431 -> "The request headers are too large.";
            case 505 -> "Only HTTP/1.1 and HTTP/2 are supported.";
            case 503 -> "The server is busy; try again in a moment.";
            case 500 -> "The server failed while reading the request.";
            default -> status.code() < 500 ? "The request is malformed (request line, headers or body framing), "
                    + "or its headers are larger than 16 KiB."
                    : "The request could not be completed.";
        };
    }

    /**
     * The error page, framed for nobody: Helidon answers these on the connection's thread without running the
     * filters, so the viewer recorded there belongs to an earlier request (perhaps another user's,
     * behind a proxy that reuses connections).
     */
    private String page(Status status, String message) {
        return ErrorHandling.page(templates, status, status.reasonPhrase(), message,
                status.code() < 500 ? "Check the address or the form values." : "Try again in a moment.",
                templates.frame().nobody());
    }
}
