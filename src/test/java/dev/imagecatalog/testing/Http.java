package dev.imagecatalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Plain GETs against a served application, as {@code curl} would send them (ITs over a real socket). */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** {@code GET base + path}, the body as text. */
    public static HttpResponse<String> get(URI base, String path) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET base + path}, which must answer 200, read as JSON. */
    public static JsonNode json(URI base, String path) {
        HttpResponse<String> res = get(base, path);
        if (res.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + res.statusCode() + ": " + res.body());
        }
        try {
            return JSON.readTree(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
