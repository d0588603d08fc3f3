package dev.imagecatalog.web.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * How every JSON answer of {@code /api} is written: one mapper (records serialise in component order), the same
 * headers on each answer, and the error shapes every feature shares.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    /** {@code {"error":"…"}}. */
    public record Error(String error) {
    }

    /** {@code {"error":"…","fields":{"<field>":"<reason>",…}}}: a refused request naming every bad field. */
    public record FieldErrors(String error, Map<String, String> fields) {
    }

    /** Writes a document to {@code out} (and closes it). */
    public static void write(Object document, OutputStream out) throws IOException {
        MAPPER.writeValue(out, document);
    }

    /** Serialises a document. */
    public static String write(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON for " + document.getClass().getSimpleName(), e);
        }
    }

    /** Status and the headers of every JSON answer. */
    public static void headers(ServerResponse res, Status status) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(Html.NO_STORE);
        res.header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
    }

    /** Writes a JSON document with a status. */
    public static void send(ServerResponse res, Status status, Object document) {
        headers(res, status);
        res.send(write(document));
    }

    /** A kept JSON answer, status 200, gzip-compressed when the client accepts it. */
    public static void send(ServerRequest req, ServerResponse res, Encoded json) {
        headers(res, Status.OK_200);
        json.send(req, res);
    }

    /**
     * Writes a large JSON document (100k repositories are ~10 MB) straight to the connection with status 200: no
     * String and byte[] copies of it in the heap — ten concurrent listings held as copies exhaust a 256 MB heap.
     */
    public static void stream(ServerResponse res, Object document) {
        headers(res, Status.OK_200);
        try (OutputStream out = res.outputStream()) {
            write(document, out);
        } catch (IOException e) {
            // the client went away while the document was written: nothing left to answer
            throw new UncheckedIOException(e);
        }
    }
}
