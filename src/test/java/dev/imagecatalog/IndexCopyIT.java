package dev.imagecatalog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import com.sun.net.httpserver.HttpServer;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.catalog.index.RestartSettings;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that starts from what another replica or an earlier run knows (issue 18), against a real registry
 * sending real notifications: a live peer's copy while pushes continue, a snapshot and its catch-up, peers that
 * answer garbage or trickle, and the copy endpoint's authentication. Everything is polled with a deadline.
 */
class IndexCopyIT {

    private static final String TOKEN = "events-token-for-the-copy-test";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalRegistry registry;
    private static TestPusher pusher;
    private static RegistrySettings settings;
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.start();
        pusher = new TestPusher(registry);
        for (int r = 0; r < 6; r++) {
            pusher.pushOciImage("copy/app-" + r, "v1", Arch.AMD64, Map.of("n", Integer.toString(r)));
        }
        pusher.pushOciIndex("copy/multi", "v1", List.of(Arch.AMD64, Arch.ARM64), true);
        settings = RegistrySettings.of(registry.url(), registry.hostPort());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void bootstrapFromALivePeer_whilePushesContinue_losesNothing() throws Exception {
        int portB = LocalRegistry.freePort();
        RegistryCatalog a = catalog(IndexSettings.defaults().withEventsToken(TOKEN)
                .withPeers(List.of(URI.create("http://127.0.0.1:" + portB))), RestartSettings.defaults());
        WebServer serverA = serve(a, 0);
        a.crawl();
        registry.notifyTo(base(serverA).resolve("/api/registry/events"), TOKEN);
        AtomicBoolean pushing = new AtomicBoolean(true);
        List<String> pushed = new ArrayList<>();
        Thread pushes = Thread.ofPlatform().start(() -> {
            for (int i = 0; pushing.get() && i < 40; i++) {
                pusher.pushOciImage("copy/live-" + (i % 4), "t" + i, Arch.AMD64, Map.of());
                synchronized (pushed) {
                    pushed.add("copy/live-" + (i % 4) + ":t" + i);
                }
            }
        });
        await(() -> pushedCount(pushed) >= 3, "the first pushes");

        // B listens first (A forwards to it from now on), then asks A for its index
        RegistryCatalog b = catalog(IndexSettings.defaults().withEventsToken(TOKEN)
                .withPeers(List.of(base(serverA))), RestartSettings.defaults());
        serve(b, portB);
        b.start();
        await(() -> b.status().ready(), "B ready from A's copy");
        assertThat(b.status().source()).isEqualTo("peer");
        await(() -> pushedCount(pushed) >= 10, "pushes after B is ready");
        pushing.set(false);
        pushes.join();

        await(() -> b.status().caughtUp() != null, "B caught up");
        RegistryCatalog fresh = catalog(IndexSettings.defaults(), RestartSettings.defaults());
        fresh.crawl();
        try {
            await(() -> tags(b).equals(tags(fresh)) && tags(a).equals(tags(fresh)),
                    "B's index to equal a fresh crawl's");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nA: " + tags(a) + "\nB: " + tags(b) + "\nfresh: "
                    + tags(fresh), e);
        }
        assertThat(tags(b)).containsKeys("copy/live-0", "copy/multi");
        for (String p : pushed) {
            String[] parts = p.split(":");
            assertThat(tags(b).get(parts[0])).as(p).containsKey(parts[1]);
        }
    }

    @Test
    void bootstrapFromAPeer_asksTheRegistryNothing() throws Exception {
        RegistryCatalog a = catalog(IndexSettings.defaults().withEventsToken(TOKEN), RestartSettings.defaults());
        WebServer serverA = serve(a, 0);
        a.crawl();
        long before = registry.countRequests("GET", "/v2/") + registry.countRequests("HEAD", "/v2/");

        RegistryCatalog b = catalog(IndexSettings.defaults().withEventsToken(TOKEN)
                .withPeers(List.of(base(serverA))), RestartSettings.defaults());
        b.start();
        await(() -> b.status().caughtUp() != null, "B caught up from A's copy");

        assertThat(b.status().source()).isEqualTo("peer");
        assertThat(tags(b)).isEqualTo(tags(a));
        // the two requests are countRequests' own log markers
        assertThat(registry.countRequests("GET", "/v2/") + registry.countRequests("HEAD", "/v2/") - before)
                .isEqualTo(2);
    }

    @Test
    void snapshot_roundTripsThroughARestart_andACatchUpReadsOnlyWhatChanged() throws Exception {
        Path file = dir.resolve("index.snapshot");
        RestartSettings restart = RestartSettings.defaults().withSnapshot(file);
        RegistryCatalog first = RegistryCatalog.create(settings, IndexSettings.defaults(), restart);
        first.start();
        await(() -> first.status().ready(), "the first crawl");
        assertThat(first.status().source()).isEqualTo("crawl");
        first.close(); // what SIGTERM does: the snapshot is written
        assertThat(file).exists();

        long manifests = registry.countRequests("GET", "/v2/copy/app-0/manifests/")
                + registry.countRequests("GET", "/v2/copy/multi/manifests/");
        RegistryCatalog second = catalog(IndexSettings.defaults(), restart);
        second.start();
        await(() -> second.status().caughtUp() != null, "the catch-up after the snapshot");
        assertThat(second.status().source()).isEqualTo("snapshot");
        // nothing changed: no manifest read in full, only HEADs
        assertThat(registry.countRequests("GET", "/v2/copy/app-0/manifests/")
                + registry.countRequests("GET", "/v2/copy/multi/manifests/")).isEqualTo(manifests);
        second.close();

        TestPusher.Image changed = pusher.pushOciImage("copy/app-0", "v1", Arch.ARM64, Map.of("changed", "yes"));
        long app0 = registry.countRequests("GET", "/v2/copy/app-0/manifests/");
        long app1 = registry.countRequests("GET", "/v2/copy/app-1/manifests/");
        RegistryCatalog third = catalog(IndexSettings.defaults(), restart);
        third.start();
        await(() -> third.status().caughtUp() != null, "the second catch-up");
        assertThat(third.index().get("copy/app-0").tag("v1").digest()).isEqualTo(changed.digest());
        assertThat(registry.countRequests("GET", "/v2/copy/app-0/manifests/") - app0).isEqualTo(1);
        assertThat(registry.countRequests("GET", "/v2/copy/app-1/manifests/")).isEqualTo(app1);
        RegistryCatalog fresh = catalog(IndexSettings.defaults(), RestartSettings.defaults());
        fresh.crawl();
        assertThat(tags(third)).isEqualTo(tags(fresh));
    }

    @Test
    void corruptSnapshot_isIgnored_andTheReplicaCrawls() throws Exception {
        Path file = dir.resolve("index.snapshot");
        RegistryCatalog writer = catalog(IndexSettings.defaults(), RestartSettings.defaults().withSnapshot(file));
        writer.start();
        await(() -> writer.status().ready(), "the first crawl");
        writer.close();
        byte[] whole = Files.readAllBytes(file);
        // a byte changed in the middle: still JSON lines, only the checksum tells
        int at = new String(whole, StandardCharsets.UTF_8).indexOf("\"bytes\":") + 8;
        whole[at] = (byte) (whole[at] == '9' ? '8' : '9');
        Files.write(file, whole);

        RegistryCatalog c = catalog(IndexSettings.defaults(), RestartSettings.defaults().withSnapshot(file));
        c.start();

        await(() -> c.status().ready(), "the crawl after the ignored snapshot");
        assertThat(c.status().source()).isEqualTo("crawl");
    }

    @Test
    void peersAnsweringGarbageOrTrickling_fallBackToACrawlInBoundedTime() throws Exception {
        HttpServer garbage = peer(exchange -> {
            byte[] body = "<html>502 Bad Gateway</html>\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        HttpServer trickle = peer(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("{\"format\":\"image-catalog-index\",\"version\":1}\n{\"name\":".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RegistryCatalog c = catalog(IndexSettings.defaults().withEventsToken(TOKEN).withPeers(List.of(
                URI.create("http://127.0.0.1:" + garbage.getAddress().getPort()),
                URI.create("http://127.0.0.1:" + trickle.getAddress().getPort()))),
                RestartSettings.defaults().withPeerTimeout(Duration.ofSeconds(2)));
        c.start();

        // 2 s for the trickling peer, then the crawl of a handful of repositories: well inside the deadline
        await(() -> c.status().ready(), "the fallback crawl");
        assertThat(c.status().source()).isEqualTo("crawl");
        assertThat(c.status().caughtUp()).isNotNull();
    }

    @Test
    void copyEndpoint_refusesWithoutTheToken_andDoesNotExistWithoutOne() throws Exception {
        RegistryCatalog withToken = catalog(IndexSettings.defaults().withEventsToken(TOKEN), RestartSettings.defaults());
        WebServer server = serve(withToken, 0);
        WebServer noToken = serve(catalog(IndexSettings.defaults(), RestartSettings.defaults()), 0);
        withToken.crawl();

        assertThat(get(server, null).statusCode()).isEqualTo(401);
        assertThat(get(server, "Bearer not-the-token").statusCode()).isEqualTo(401);
        assertThat(get(server, "Basic " + TOKEN).statusCode()).isEqualTo(401);
        assertThat(get(noToken, "Bearer " + TOKEN).statusCode()).isEqualTo(404);
        HttpResponse<String> ok = get(server, "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).startsWith("{\"format\":\"image-catalog-index\"").contains("\"sha256\"");
    }

    @Test
    void copyEndpoint_answers503UntilTheIndexIsComplete() throws Exception {
        RegistryCatalog notYet = catalog(IndexSettings.defaults().withEventsToken(TOKEN), RestartSettings.defaults());
        WebServer server = serve(notYet, 0);

        HttpResponse<String> response = get(server, "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("not complete");
    }

    @Test
    void copyEndpoint_answers503WhileASnapshotIsLoadedButNotCaughtUp() throws Exception {
        Path file = dir.resolve("index.snapshot");
        RestartSettings restart = RestartSettings.defaults().withSnapshot(file);
        RegistryCatalog first = RegistryCatalog.create(settings, IndexSettings.defaults(), restart);
        first.start();
        await(() -> first.status().ready(), "the first crawl");
        first.close();
        // the restarted replica's registry holds every request: the snapshot makes it ready, the catch-up cannot end
        CountDownLatch release = new CountDownLatch(1);
        open.add(release::countDown);
        HttpServer stalled = peer(exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        RegistrySettings stalledRegistry = RegistrySettings.of(
                URI.create("http://127.0.0.1:" + stalled.getAddress().getPort()), registry.hostPort());
        RegistryCatalog restarted = RegistryCatalog.create(stalledRegistry,
                IndexSettings.defaults().withEventsToken(TOKEN), restart);
        open.add(restarted);
        restarted.start();
        await(() -> restarted.status().ready(), "the snapshot's load");
        WebServer server = serve(restarted, 0);

        HttpResponse<String> response = get(server, "Bearer " + TOKEN);

        // a snapshot may be hours old: handing it on as current would make the asking replica miss those changes
        assertThat(restarted.status().source()).isEqualTo("snapshot");
        assertThat(restarted.status().caughtUp()).isNull();
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.body()).contains("not complete and caught up");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private RegistryCatalog catalog(IndexSettings index, RestartSettings restart) {
        RegistryCatalog c = RegistryCatalog.create(settings, index, restart);
        open.add(c);
        return c;
    }

    private WebServer serve(RegistryCatalog catalog, int port) {
        WebServer server = WebServer.builder().host("127.0.0.1").port(port)
                .update(builder -> ReadOnlyApp.setup(builder, catalog)).build().start();
        open.add(server::stop);
        return server;
    }

    private HttpServer peer(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        open.add(() -> server.stop(0));
        return server;
    }

    private static HttpResponse<String> get(WebServer server, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base(server).resolve("/api/index/snapshot"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI base(WebServer server) {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** Repository → tag → digest, of every repository under {@code copy/}. */
    private static Map<String, Map<String, String>> tags(RegistryCatalog catalog) {
        Map<String, Map<String, String>> all = new TreeMap<>();
        for (RepositorySnapshot s : catalog.index().snapshots()) {
            Map<String, String> tags = new TreeMap<>();
            for (TagSummary t : s.tags()) {
                tags.put(t.name(), t.digest());
            }
            all.put(s.name(), tags);
        }
        return all;
    }

    private static int pushedCount(List<String> pushed) {
        synchronized (pushed) {
            return pushed.size();
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + DEADLINE + " for " + what);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
