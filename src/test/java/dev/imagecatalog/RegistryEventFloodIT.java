package dev.imagecatalog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Registry notifications that cost more than they should: floods of events (many for repositories nobody has),
 * events of one repository in quick succession, more events than the service keeps waiting, and views of names
 * the registry does not have. Against a real registry whose access log counts every request; visibility is polled
 * with a deadline, never timed.
 */
class RegistryEventFloodIT {

    private static final String TOKEN = "flood-events-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern REQUEST = Pattern.compile("\"(GET|HEAD) /v2/(.+?)/(manifests|tags|blobs)/([^ ?\"]*)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalRegistry registry;
    private static TestPusher pusher;
    private static RegistryCatalog catalog;
    private static RegistryCatalog small;
    private static WebServer server;
    private static WebServer smallServer;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        pusher = new TestPusher(registry);
        RegistrySettings settings = RegistrySettings.of(registry.url(), registry.hostPort());
        catalog = RegistryCatalog.create(settings, IndexSettings.defaults().withEventsToken(TOKEN)
                .withReconcile(Duration.ZERO, 1));
        small = RegistryCatalog.create(settings, IndexSettings.defaults().withEventsToken(TOKEN)
                .withReconcile(Duration.ZERO, 1).withEventsMaxPending(10));
        server = serve(catalog);
        smallServer = serve(small);
    }

    @AfterAll
    static void stop() {
        for (WebServer s : new WebServer[] {server, smallServer}) {
            if (s != null) {
                s.stop();
            }
        }
        for (RegistryCatalog c : new RegistryCatalog[] {catalog, small}) {
            if (c != null) {
                c.close();
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void envelopeOf10000Events_readsEachRepositoryItNamesAtMostOnce() {
        TestPusher.Image v1 = pusher.pushOciImage("flood/real", "v1", Arch.AMD64, Map.of());
        pusher.pushOciImage("flood/real", "v2", Arch.ARM64, Map.of());
        catalog.crawl();
        Map<String, Long> before = requestsByRepository();

        List<String> events = new ArrayList<>();
        for (int g = 0; g < 1000; g++) {
            for (int t = 0; t < 6; t++) {
                events.add(push("ghost/g" + g, "t" + t, digest(g * 10 + t)));
            }
            events.add(push("ghost/g" + g, "latest", null));
            // what used to re-read every tag once per event
            events.add(event("delete", "flood/real", null, null));
            events.add(push("flood/real", "v1", v1.digest()));
            events.add(event("delete", "flood/real", null, digest(100_000 + g)));
        }
        assertThat(events).hasSize(10_000);

        assertThat(catalog.events().accept(envelope(events), true)).isEqualTo(10_000);
        await(() -> catalog.events().idle(), "every event applied");

        Map<String, Long> after = requestsByRepository();
        for (int g = 0; g < 1000; g++) {
            String repository = "ghost/g" + g;
            assertThat(after.getOrDefault(repository, 0L) - before.getOrDefault(repository, 0L))
                    .as("requests for %s (the registry does not have it)", repository).isLessThanOrEqualTo(1);
        }
        // the real repository: one tag list, and each of its two tags checked once
        assertThat(count(after, "GET tags flood/real") - count(before, "GET tags flood/real")).isEqualTo(1);
        assertThat(count(after, "HEAD manifests flood/real") - count(before, "HEAD manifests flood/real"))
                .isLessThanOrEqualTo(2);
        assertThat(catalog.index().get("flood/real").tags()).extracting(TagSummary::name).containsExactly("v1", "v2");
        assertThat(catalog.index().get("ghost/g1")).isNull();
    }

    @Test
    void realPush_sentAfterAFloodOfEventsForUnknownRepositories_isAppliedBeforeTheFloodDrains() {
        pusher.pushOciImage("first/real", "v1", Arch.AMD64, Map.of());
        catalog.crawl();
        // pushed before the flood, announced after it
        TestPusher.Image pushed = pusher.pushOciImage("first/real", "v2", Arch.ARM64, Map.of());
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            flood.add(push("nobody/n" + i, "v1", digest(200_000 + i)));
        }
        catalog.events().accept(envelope(flood), true);

        catalog.events().accept(envelope(List.of(push("first/real", "v2", pushed.digest()))), true);

        await(() -> tag("first/real", "v2") != null, "the real push in the index");
        assertThat(catalog.events().pending())
                .as("events of the flood still waiting when the real push was applied").isGreaterThan(1000);
        assertThat(tag("first/real", "v2").digest()).isEqualTo(pushed.digest());
        await(() -> catalog.events().idle(), "the flood drained");
    }

    @Test
    void eventsOfOneRepository_applyInTheOrderTheyCame_theLastPushWins() {
        TestPusher.Image a = pusher.pushOciImage("order/app", "a", Arch.AMD64, Map.of());
        TestPusher.Image b = pusher.pushOciImage("order/app", "b", Arch.ARM64, Map.of());
        catalog.crawl();

        for (int i = 0; i < 100; i++) {
            TestPusher.Image next = i % 2 == 0 ? a : b;
            catalog.events().accept(envelope(List.of(push("order/app", "moving", next.digest()))), true);
        }
        await(() -> catalog.events().idle(), "every event applied");

        assertThat(tag("order/app", "moving").digest()).isEqualTo(b.digest());
    }

    @Test
    void envelopeBeyondMaxPending_isRefused429WithAReason_andASmallerOneAccepted() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            many.add(push("busy/b" + i, "v1", digest(300_000 + i)));
        }
        HttpResponse<String> refused = post(smallServer, envelope(many));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("registry.events.max-pending");
        assertThat(post(smallServer, envelope(many.subList(0, 5))).statusCode()).isEqualTo(202);
    }

    @Test
    void unknownRepository_viewedAHundredTimes_costsAHandfulOfRequests_andItsPushShowsAtOnce() throws Exception {
        for (int i = 0; i < 100; i++) {
            assertThat(get(server, "/repositories/later/pushed").statusCode()).isEqualTo(404);
            assertThat(get(server, "/api/repositories/later/pushed/tags").statusCode()).isEqualTo(404);
        }
        assertThat(registry.countRequests("GET", "/v2/later/pushed/")).isLessThanOrEqualTo(3);

        TestPusher.Image pushed = pusher.pushOciImage("later/pushed", "v1", Arch.AMD64, Map.of());
        catalog.events().accept(envelope(List.of(push("later/pushed", "v1", pushed.digest()))), true);

        // whether the event was applied yet or not, the name is no longer believed unknown
        assertThat(get(server, "/api/repositories/later/pushed/tags").statusCode()).isEqualTo(200);
        assertThat(catalog.tags("later/pushed")).extracting(TagSummary::name).containsExactly("v1");
    }

    @Test
    void unknownTag_viewedAHundredTimes_costsAHandfulOfRequests_andItsPushShowsAtOnce() {
        pusher.pushOciImage("known/app", "v1", Arch.AMD64, Map.of());
        catalog.crawl();
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> catalog.tag("known/app", "v9")).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
        }
        assertThat(registry.countRequests("GET", "/v2/known/app/manifests/v9")).isLessThanOrEqualTo(2);

        TestPusher.Image pushed = pusher.pushOciImage("known/app", "v9", Arch.AMD64, Map.of("n", "9"));
        catalog.events().accept(envelope(List.of(push("known/app", "v9", pushed.digest()))), true);

        assertThat(catalog.tag("known/app", "v9").summary().digest()).isEqualTo(pushed.digest());
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static WebServer serve(RegistryCatalog c) {
        return WebServer.builder().host("127.0.0.1").port(0)
                .update(builder -> ReadOnlyApp.setup(builder, c)).build().start();
    }

    private static TagSummary tag(String repository, String tag) {
        RepositorySnapshot s = catalog.index().get(repository);
        return s == null ? null : s.tag(tag);
    }

    /** Requests per repository and per "METHOD kind repository" since the registry started. */
    private static Map<String, Long> requestsByRepository() {
        registry.countRequests("GET", "/v2/flush-the-log");
        Map<String, Long> counts = new HashMap<>();
        for (String line : registry.log().split("\n")) {
            Matcher m = REQUEST.matcher(line);
            if (m.find()) {
                counts.merge(m.group(2), 1L, Long::sum);
                counts.merge(m.group(1) + " " + m.group(3) + " " + m.group(2), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static long count(Map<String, Long> counts, String key) {
        return counts.getOrDefault(key, 0L);
    }

    private static String digest(int n) {
        return "sha256:" + String.format("%064x", n);
    }

    private static String push(String repository, String tag, String digest) {
        return event("push", repository, tag, digest);
    }

    private static String event(String action, String repository, String tag, String digest) {
        return "{\"action\":\"" + action + "\",\"target\":{"
                + "\"repository\":\"" + repository + "\"" + (tag == null ? "" : ",\"tag\":\"" + tag + "\"")
                + (digest == null ? "" : ",\"digest\":\"" + digest + "\"") + "}}";
    }

    private static byte[] envelope(List<String> events) {
        return ("{\"events\":[" + String.join(",", events) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(WebServer s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(WebServer s, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/registry/events"))
                .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + DEADLINE + " for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
