package dev.imagecatalog.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Counts the registry's requests from its access log (as {@code LocalRegistry.countRequests} does): a marker request
 * is logged last, so once it appears every earlier request is in the file.
 */
final class RegistryLog {

    private static final Pattern REQUEST = Pattern.compile("\"(GET|HEAD|POST|PUT|PATCH|DELETE) /v2/[^\"]* HTTP/1\\.1\"");
    private static final String MARKER = "bench-marker=";

    private final URI registry;
    private final Path file;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    RegistryLog(URI registry, Path file) {
        this.registry = registry;
        this.file = file;
    }

    /** Requests of this method whose path contains {@code pathPart} (e.g. GET and {@code /manifests/}). */
    long count(String method, String pathPart) throws IOException, InterruptedException {
        count();
        Pattern request = Pattern.compile("\"" + Pattern.quote(method) + " /v2/[^\" ]*" + Pattern.quote(pathPart)
                + "[^\"]* HTTP/1\\.1\"");
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> request.matcher(l).find()).count();
        }
    }

    /** Registry API requests logged so far, markers excluded. */
    long count() throws IOException, InterruptedException {
        String marker = MARKER + UUID.randomUUID();
        http.send(HttpRequest.newBuilder(registry.resolve("/v2/?" + marker)).build(), HttpResponse.BodyHandlers.discarding());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(file, StandardCharsets.UTF_8).contains(marker)) {
                break;
            }
            Thread.sleep(20);
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> REQUEST.matcher(l).find() && !l.contains(MARKER)).count();
        }
    }
}
