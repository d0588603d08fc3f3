package dev.imagecatalog;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.TestPusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tag whose manifest cannot be used (here: a registry that serves something that is not a manifest — a real
 * registry refuses to store one, so a small hostile registry plays it) is listed with its error and is not
 * runnable; the repository's other tags and the page are unaffected.
 */
class TagErrorsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unreadableTag_isListedWithItsError_notRunnable_andTheOtherTagsStillShow() throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2025-01-02T03:04:05Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = TestPusher.sha256(config);
        byte[] good = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestPusher.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + TestPusher.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
                .getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> answers = Map.of(
                "/v2/", "{}".getBytes(StandardCharsets.UTF_8),
                "/v2/_catalog", "{\"repositories\":[\"hostile/app\"]}".getBytes(StandardCharsets.UTF_8),
                "/v2/hostile/app/tags/list", "{\"name\":\"hostile/app\",\"tags\":[\"bad\",\"good\"]}"
                        .getBytes(StandardCharsets.UTF_8),
                "/v2/hostile/app/manifests/good", good,
                "/v2/hostile/app/manifests/bad", bad,
                "/v2/hostile/app/blobs/" + configDigest, config);
        HttpServer hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hostile.createContext("/", exchange -> answer(exchange, answers));
        hostile.start();
        URI registry = URI.create("http://127.0.0.1:" + hostile.getAddress().getPort());
        try (RegistryCatalog catalog = RegistryCatalog.create(RegistrySettings.of(registry, "localhost:5001"))) {
            WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                    .update(builder -> ReadOnlyApp.setup(builder, catalog)).build().start();
            try {
                catalog.crawl();
                TagSummary badTag = catalog.tags("hostile/app").getFirst();
                TagSummary goodTag = catalog.tags("hostile/app").get(1);
                assertThat(badTag.name()).isEqualTo("bad");
                assertThat(badTag.error()).contains("not a manifest");
                assertThat(badTag.runnable()).isFalse();
                assertThat(goodTag.error()).isNull();
                assertThat(goodTag.runnable()).isTrue();
                assertThat(goodTag.digest()).isEqualTo(TestPusher.sha256(good));

                URI base = URI.create("http://127.0.0.1:" + server.port());
                HttpClient http = HttpClient.newHttpClient();
                String page = http.send(HttpRequest.newBuilder(base.resolve("/repositories/hostile/app")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(page).contains("tag-error").contains("not a manifest").contains("not runnable")
                        .contains(">good<");
                JsonNode api = JSON.readTree(http.send(HttpRequest.newBuilder(
                        base.resolve("/api/repositories/hostile/app/tags")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(api.get("tags").get(0).get("error").asText()).contains("not a manifest");
                assertThat(api.get("tags").get(0).get("runnable").asBoolean()).isFalse();
                assertThat(api.get("tags").get(1).get("error").isNull()).isTrue();
                HttpResponse<String> tagPage = http.send(HttpRequest.newBuilder(
                        base.resolve("/repositories/hostile/app/tags/bad")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(tagPage.statusCode()).isEqualTo(502);
                assertThat(tagPage.body()).contains("not a manifest");
            } finally {
                server.stop();
            }
        } finally {
            hostile.stop(0);
        }
    }

    private static void answer(HttpExchange exchange, Map<String, byte[]> answers) throws IOException {
        byte[] body = answers.get(exchange.getRequestURI().getPath());
        if (body == null) {
            body = "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"unknown\"}]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
        } else {
            String path = exchange.getRequestURI().getPath();
            if (path.contains("/manifests/")) {
                exchange.getResponseHeaders().set("Content-Type", TestPusher.OCI_MANIFEST);
                exchange.getResponseHeaders().set("Docker-Content-Digest", TestPusher.sha256(body));
            } else {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
        }
        if (!"HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
