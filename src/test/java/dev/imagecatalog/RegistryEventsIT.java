package dev.imagecatalog;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.RepositorySort;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index kept current by a real registry's notifications: two service instances ("replicas") A and B; the
 * registry notifies A only (as {@code docker-registry/config.yml} does in kind, with the bearer token), A forwards
 * to B. Visibility is polled with a deadline (never timed); registry requests are counted in its access log.
 */
class RegistryEventsIT {

    private static final String TOKEN = "events-token-for-the-test";
    private static final String ENVELOPE = "application/vnd.docker.distribution.events.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private static LocalRegistry registry;
    private static TestPusher pusher;
    private static RegistryCatalog catalogA;
    private static RegistryCatalog catalogB;
    private static RegistryCatalog catalogNoToken;
    private static WebServer serverA;
    private static WebServer serverB;
    private static WebServer serverNoToken;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        pusher = new TestPusher(registry);
        pusher.pushOciImage("events/app", "v1", Arch.AMD64, Map.of());
        pusher.pushOciImage("events/doomed", "v1", Arch.AMD64, Map.of());
        int portB = LocalRegistry.freePort();
        RegistrySettings settings = RegistrySettings.of(registry.url(), registry.hostPort());
        catalogB = RegistryCatalog.create(settings, IndexSettings.defaults().withEventsToken(TOKEN));
        catalogA = RegistryCatalog.create(settings, IndexSettings.defaults().withEventsToken(TOKEN)
                .withPeers(List.of(URI.create("http://127.0.0.1:" + portB))));
        catalogNoToken = RegistryCatalog.create(settings);
        serverB = serve(catalogB, portB);
        serverA = serve(catalogA, 0);
        serverNoToken = serve(catalogNoToken, 0);
        catalogA.crawl();
        catalogB.crawl();
        registry.notifyTo(base(serverA).resolve("/api/registry/events"), TOKEN);
    }

    @AfterAll
    static void stop() {
        for (WebServer s : new WebServer[] {serverA, serverB, serverNoToken}) {
            if (s != null) {
                s.stop();
            }
        }
        for (RegistryCatalog c : new RegistryCatalog[] {catalogA, catalogB, catalogNoToken}) {
            if (c != null) {
                c.close();
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void push_reachesBothReplicasThroughTheEvent_andViewsNeverAskTheRegistry() throws Exception {
        long tagLists = registry.countRequests("GET", "/v2/events/app/tags/list");
        // viewed before the push: the rendered pages and the listing kept for reuse must not outlive the change
        for (WebServer server : List.of(serverA, serverB)) {
            assertThat(get(server, "/repositories/events/app").body()).doesNotContain(">v2<");
            assertThat(get(server, "/api/repositories").body()).contains("\"name\":\"events/app\"");
        }
        long tagsBefore = JSON.readTree(get(serverA, "/api/repositories").body()).get("total").get("tags").asLong();

        TestPusher.Image pushed = pusher.pushOciImage("events/app", "v2", Arch.ARM64, Map.of("team", "blue"));

        awaitTag(catalogA, "events/app", "v2", pushed.digest());
        awaitTag(catalogB, "events/app", "v2", pushed.digest());
        // each replica read the pushed manifest once, by the event's digest (the tag is linked after the event is
        // sent, so a GET by tag could still miss it); nobody re-listed the repository
        assertThat(registry.countRequests("GET", "/v2/events/app/manifests/" + pushed.digest())).isEqualTo(2);
        assertThat(registry.countRequests("GET", "/v2/events/app/manifests/v2")).isZero();
        assertThat(registry.countRequests("GET", "/v2/events/app/tags/list")).isEqualTo(tagLists);

        long before = registry.countRequests("GET", "/v2/events/") + registry.countRequests("HEAD", "/v2/events/");
        for (WebServer server : List.of(serverA, serverB)) {
            JsonNode tags = JSON.readTree(get(server, "/api/repositories/events/app/tags").body());
            assertThat(tags.get("tags").findValuesAsText("name")).contains("v1", "v2");
            assertThat(get(server, "/repositories/events/app").body()).contains(">v2<");
            assertThat(get(server, "/api/repositories?sort=size").statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(get(server, "/api/repositories").body()).get("total").get("tags").asLong())
                    .isEqualTo(tagsBefore + 1);
        }
        assertThat(registry.countRequests("GET", "/v2/events/") + registry.countRequests("HEAD", "/v2/events/"))
                .isEqualTo(before);
        assertThat(catalogA.status().lastEvent()).isNotNull();
        assertThat(catalogB.status().lastEvent()).isNotNull();
    }

    @Test
    void delete_removesTheTagOnBothReplicas() {
        TestPusher.Image pushed = pusher.pushOciImage("events/doomed", "v2", Arch.AMD64, Map.of());
        awaitTag(catalogA, "events/doomed", "v2", pushed.digest());
        awaitTag(catalogB, "events/doomed", "v2", pushed.digest());

        pusher.deleteManifest("events/doomed", pushed.digest());

        await(() -> tag(catalogA, "events/doomed", "v2") == null && tag(catalogB, "events/doomed", "v2") == null,
                "the deleted tag to leave both replicas");
        assertThat(tag(catalogA, "events/doomed", "v1")).isNotNull();
    }

    @Test
    void pushToANewRepository_addsItToBothReplicas() {
        TestPusher.Image pushed = pusher.pushOciImage("events/brand-new", "1.0", Arch.AMD64, Map.of());

        awaitTag(catalogA, "events/brand-new", "1.0", pushed.digest());
        awaitTag(catalogB, "events/brand-new", "1.0", pushed.digest());
        assertThat(catalogA.repositories("brand-new")).containsExactly("events/brand-new");
    }

    @Test
    void changesStream_announcesANewTagToAnOpenListener() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base(serverA).resolve("/api/changes?repository=events/sse"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(readUntil(lines, "event:ready")).isNotNull();
            CompletableFuture<String> change = CompletableFuture.supplyAsync(() -> {
                String name = readUntil(lines, "event:change");
                return name == null ? null : readUntil(lines, "data:");
            });
            pusher.pushOciImage("events/sse", "fresh", Arch.AMD64, Map.of());

            String data = change.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            JsonNode json = JSON.readTree(data.substring(data.indexOf(':') + 1));
            assertThat(json.get("repository").asText()).isEqualTo("events/sse");
            assertThat(json.get("added").get(0).asText()).isEqualTo("fresh");
        }
    }

    @Test
    void events_withoutOrWithAWrongToken_areRefused401() throws Exception {
        String envelope = envelope("push", "events/app", "v1");
        assertThat(post(serverA, envelope, null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = post(serverA, envelope, "Bearer not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).get("error").asText()).contains("Bearer");
        assertThat(post(serverA, envelope, "Basic " + TOKEN).statusCode()).isEqualTo(401);
    }

    @Test
    void events_withoutAConfiguredToken_doNotExist404() throws Exception {
        HttpResponse<String> res = post(serverNoToken, envelope("push", "events/app", "v1"), "Bearer " + TOKEN);
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(res.body()).get("error").asText()).contains("registry.events.token");
    }

    @Test
    void events_malformed_areRefused400_andAValidEnvelopeIsAccepted202() throws Exception {
        for (String bad : List.of("not json", "{\"events\":{}}", "[]", "{\"events\":[{\"action\":\"push\"}]}")) {
            HttpResponse<String> res = post(serverA, bad, "Bearer " + TOKEN);
            assertThat(res.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(res.body()).get("error").asText()).as(bad).isNotBlank();
        }
        HttpResponse<String> ok = post(serverA, envelope("pull", "events/app", "v1"), "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(ok.body()).get("accepted").asInt()).isZero();
    }

    @Test
    void pushEvent_forARepositoryTheRegistryDoesNotHave_indexesNothing() throws Exception {
        // a stale or forged (but authenticated) event: the registry has neither the repository nor the tag
        HttpResponse<String> res = post(serverA, envelope("push", "events/ghost", "v1"), "Bearer " + TOKEN);
        assertThat(res.statusCode()).isEqualTo(202);
        await(() -> registry.countRequests("GET", "/v2/events/ghost/manifests/v1") >= 1,
                "the event's tag read from the registry");
        Thread.sleep(300);
        assertThat(catalogA.index().get("events/ghost")).isNull();
        assertThat(catalogA.overview("", RepositorySort.NAME).repositories())
                .noneMatch(r -> r.name().equals("events/ghost"));
    }

    @Test
    void events_tooLarge_areRefused413() throws Exception {
        String huge = "{\"events\":[],\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertThat(post(serverA, huge, "Bearer " + TOKEN).statusCode()).isEqualTo(413);
    }

    @Test
    void events_needNeitherTheCsrfTokenNorASameSiteOrigin() throws Exception {
        // the registry is not a browser: no cookie, no form token, and an Origin header must not matter either
        HttpRequest request = HttpRequest.newBuilder(base(serverA).resolve("/api/registry/events"))
                .header("Content-Type", ENVELOPE)
                .header("Authorization", "Bearer " + TOKEN)
                .header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(envelope("pull", "events/app", "v1"))).build();
        assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static WebServer serve(RegistryCatalog catalog, int port) {
        return WebServer.builder().host("127.0.0.1").port(port)
                .update(builder -> ReadOnlyApp.setup(builder, catalog)).build().start();
    }

    private static URI base(WebServer server) {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private static TagSummary tag(RegistryCatalog catalog, String repository, String tag) {
        RepositorySnapshot s = catalog.index().get(repository);
        return s == null ? null : s.tag(tag);
    }

    private static void awaitTag(RegistryCatalog catalog, String repository, String tag, String digest) {
        await(() -> {
            TagSummary t = tag(catalog, repository, tag);
            return t != null && digest.equals(t.digest());
        }, repository + ":" + tag + " in the index");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + DEADLINE + " for " + what + "; registry log:\n" + registry.log());
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String readUntil(BufferedReader lines, String prefix) {
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.replace(" ", "").startsWith(prefix)) {
                    return line;
                }
            }
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> get(WebServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base(server).resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(WebServer server, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base(server).resolve("/api/registry/events"))
                .header("Content-Type", ENVELOPE)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String envelope(String action, String repository, String tag) {
        return "{\"events\":[{\"id\":\"1\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"action\":\"" + action + "\","
                + "\"target\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"repository\":\""
                + repository + "\",\"tag\":\"" + tag + "\"}}]}";
    }
}
