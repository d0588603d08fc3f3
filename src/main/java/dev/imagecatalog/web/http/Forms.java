package dev.imagecatalog.web.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/** HTML form bodies as the pages' POST handlers read them. */
public final class Forms {

    private Forms() {
    }

    /** An {@code application/x-www-form-urlencoded} body; the first value of each name. */
    public static Map<String, String> read(ServerRequest req) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.startsWith("application/x-www-form-urlencoded")) {
            throw WebException.badRequest("Expected a form (application/x-www-form-urlencoded).");
        }
        String body = req.content().hasEntity() ? req.content().as(String.class) : "";
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw WebException.badRequest("The form data is malformed.");
            }
        }
        return form;
    }
}
