package dev.imagecatalog;

import java.net.URI;
import java.util.Map;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.Http;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestResources;
import dev.imagecatalog.web.http.Formats;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reclaimable figure where users see it: {@code GET /api/status} and the home page, from a delete by digest
 * through the registry's API to its real garbage collection.
 */
@ServerTest
class ReclaimWebIT {

    private static LocalRegistry registry;
    private static RegistryCatalog catalog;

    private final URI server;

    ReclaimWebIT(URI server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        registry = LocalRegistry.start();
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()));
        ReadOnlyApp.setup(builder, catalog);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(catalog, registry);
    }

    @Test
    void deleteByDigest_showsTheBytesGarbageCollectionWillFree_untilACollectionRanAndAReconcileSawIt() {
        TestPusher pusher = new TestPusher(registry);
        TestPusher.Image gone = pusher.pushOciImage("web/app", "v1", Arch.AMD64, Map.of());
        pusher.pushOciImage("web/app", "v2", Arch.AMD64, Map.of());
        catalog.crawl();
        assertThat(Http.json(server, "/api/status").get("reclaimableBytes").asLong()).isZero();
        assertThat(Http.get(server, "/").body()).doesNotContain("reclaimable by garbage collection");

        pusher.deleteManifest("web/app", gone.digest());
        catalog.reconcile();

        long expected = gone.manifestSize() + gone.size();
        assertThat(Http.json(server, "/api/status").get("reclaimableBytes").asLong()).isEqualTo(expected);
        assertThat(Http.get(server, "/").body()).contains(Formats.size(expected) + "</span> reclaimable by garbage"
                + " collection").contains("scripts/registry-gc.sh");

        registry.stop();
        registry.garbageCollect();
        registry.restart();
        catalog.reconcile();

        assertThat(Http.json(server, "/api/status").get("reclaimableBytes").asLong()).isZero();
        assertThat(Http.get(server, "/").body()).doesNotContain("reclaimable by garbage collection");
    }
}
