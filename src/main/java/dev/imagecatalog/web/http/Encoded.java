package dev.imagecatalog.web.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A response body kept in both encodings a client may ask for. Pages and listings that are answered many times
 * (cached by {@link Templates#page} and the catalog API) are compressed once, not per request: browsers and
 * {@code curl --compressed} send {@code Accept-Encoding: gzip}, and a listing of 500 repositories shrinks from
 * ~68 KB to a few KB — less to copy for the server and far less to carry over a slow link.
 *
 * @param identity the bytes as they are
 * @param gzip     the same bytes gzip-compressed, or {@code null} when that is not smaller
 */
public record Encoded(byte[] identity, byte[] gzip) {

    /** Smaller bodies are sent as they are: compressing them saves less than the header costs. */
    private static final int MIN_GZIP_BYTES = 256;
    private static final Header VARY = HeaderValues.createCached(HeaderNames.VARY, "Accept-Encoding");
    private static final Header CONTENT_ENCODING_GZIP = HeaderValues.createCached(HeaderNames.CONTENT_ENCODING, "gzip");

    /** Both encodings of a body (the bytes are shared, not copied: never modify them). */
    public static Encoded of(byte[] identity) {
        if (identity.length < MIN_GZIP_BYTES) {
            return new Encoded(identity, null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(identity.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(identity);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] gzip = out.toByteArray();
        return new Encoded(identity, gzip.length < identity.length ? gzip : null);
    }

    /** The number of bytes kept (both encodings). */
    public int weight() {
        return identity.length + (gzip == null ? 0 : gzip.length);
    }

    /**
     * Sends the body (status and other headers already set): gzip-compressed when the request accepts gzip,
     * else as it is. Either way the answer varies by {@code Accept-Encoding}, and caches are told so.
     */
    public void send(ServerRequest req, ServerResponse res) {
        res.header(VARY);
        if (gzip != null && acceptsGzip(req.headers().first(HeaderNames.ACCEPT_ENCODING).orElse(""))) {
            res.header(CONTENT_ENCODING_GZIP);
            res.send(gzip);
        } else {
            res.send(identity);
        }
    }

    /**
     * Whether an {@code Accept-Encoding} value allows gzip: {@code gzip} or {@code *} listed without
     * {@code q=0} (RFC 9110 §12.5.3). An explicit {@code gzip;q=0} wins over {@code *}.
     */
    public static boolean acceptsGzip(String acceptEncoding) {
        boolean wildcard = false;
        for (String item : acceptEncoding.split(",")) {
            String[] parts = item.split(";");
            String coding = parts[0].trim();
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].trim();
                if (param.regionMatches(true, 0, "q=", 0, 2)) {
                    refused = zero(param.substring(2).trim());
                }
            }
            if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
                return !refused;
            }
            if (coding.equals("*")) {
                wildcard = !refused;
            }
        }
        return wildcard;
    }

    /** Whether a qvalue is 0 ({@code 0}, {@code 0.0}, {@code 0.000}); anything unparsable counts as not 0. */
    private static boolean zero(String q) {
        return q.matches("0(\\.0{0,3})?");
    }
}
