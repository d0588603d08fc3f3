package dev.imagecatalog;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.Http;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestResources;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Before the first crawl has reached every repository: pages answer at once, show "Indexing N of M repositories"
 * with a progress bar, read a repository on demand when it is opened, {@code /api/status} reports the progress,
 * and the replica is ready (the registry answers) — the readiness semantics the README documents.
 */
@ServerTest
class IndexProgressIT {

    private static LocalRegistry registry;
    private static RegistryCatalog catalog;

    private final URI server;

    IndexProgressIT(URI server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        registry = LocalRegistry.start();
        TestPusher pusher = new TestPusher(registry);
        for (String repository : new String[] {"progress/a", "progress/b", "progress/c"}) {
            pusher.pushOciImage(repository, "v1", Arch.AMD64, Map.of());
        }
        // not started: no crawl runs, so the test decides how far the index is
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()));
        ReadOnlyApp.setup(builder, catalog);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(catalog, registry);
    }

    @Test
    void beforeTheCrawlCompletes_pagesShowProgress_openARepositoryOnDemand_andTheReplicaIsReady() throws Exception {
        String home = get("/").body();
        assertThat(home).contains("Indexing 0 of 3 repositories").contains("<progress max=\"3\" value=\"0\">")
                .contains("indexing&#8230;");
        JsonNode before = Http.json(server, "/api/status");
        assertThat(before.get("indexed").asInt()).isZero();
        assertThat(before.get("repositories").asInt()).isEqualTo(3);
        assertThat(before.get("ready").asBoolean()).isFalse();

        assertThat(get("/repositories/progress/b").body()).contains(">v1<");

        assertThat(get("/").body()).contains("Indexing 1 of 3 repositories");
        assertThat(Http.json(server, "/api/status").get("indexed").asInt()).isEqualTo(1);
        HttpResponse<String> ready = get("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"indexed\"").contains("\"crawled\"");

        catalog.crawl();

        assertThat(get("/").body()).doesNotContain("Indexing").doesNotContain("indexing&#8230;");
        JsonNode after = Http.json(server, "/api/status");
        assertThat(after.get("indexed").asInt()).isEqualTo(3);
        assertThat(after.get("tags").asInt()).isEqualTo(3);
        assertThat(after.get("ready").asBoolean()).isTrue();
        assertThat(after.get("crawling").asBoolean()).isFalse();
    }

    @Test
    void readiness_probesTheRegistryAtMostOnceEveryFewSeconds_whateverTheRequestRate() throws Exception {
        long before = probes();
        for (int i = 0; i < 50; i++) {
            assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        }
        // 50 readiness checks within well under the probe interval: at most one new GET /v2/ (plus none at all when
        // an earlier test's probe is still fresh)
        assertThat(probes() - before).isLessThanOrEqualTo(1);
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
    }

    /** {@code GET /v2/} requests in the registry's access log (exactly that path, not the marker requests). */
    private static long probes() {
        registry.countRequests("GET", "/v2/?flush");
        return registry.log().lines().filter(l -> l.contains("\"GET /v2/ HTTP/1.1\"")).count();
    }

    private HttpResponse<String> get(String path) {
        return Http.get(server, path);
    }
}
