package dev.imagecatalog;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A registry that goes away: pages and API answer 503 with a message, readiness goes down, liveness stays up. */
@ServerTest
class RegistryFaultsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalRegistry registry;
    private static ReadOnlyApp app;
    private static TestPusher.Image image;

    private final WebClient client;

    RegistryFaultsIT(WebClient client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        registry = LocalRegistry.start();
        image = new TestPusher(registry).pushOciImage("faults/app", "v1", TestPusher.Arch.AMD64, java.util.Map.of());
        app = ReadOnlyApp.serve(server, registry);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        } else if (registry != null) {
            registry.close();
        }
    }

    @Test
    void registryStopped_pagesAndApiAnswer503_readinessDown_livenessUp_thenRecover() throws Exception {
        assertThat(CatalogWebIT.request(client, "/observe/health/ready").status()).isEqualTo(Status.OK_200);
        registry.stop();
        try {
            ClientResponseTyped<String> page = CatalogWebIT.request(client, "/");
            assertThat(page.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503);
            assertThat(page.headers().contentType().orElseThrow().text()).startsWith("text/html");
            assertThat(page.entity()).contains("Registry unavailable").contains(registry.url().getAuthority())
                    .doesNotContainPattern("at [\\w.$]+\\([\\w]+\\.java:\\d+\\)");

            ClientResponseTyped<String> tagPage = CatalogWebIT.request(client,
                    "/repositories/" + image.repository() + "/tags/" + image.tag());
            assertThat(tagPage.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503);

            ClientResponseTyped<String> api = CatalogWebIT.request(client, "/api/repositories");
            assertThat(api.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503);
            assertThat(JSON.readTree(api.entity()).get("error").asText()).isNotBlank();

            // readiness reuses one registry probe for a few seconds (RegistryHealthCheck.PROBE_INTERVAL)
            ClientResponseTyped<String> ready = CatalogWebIT.request(client, "/observe/health/ready");
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (ready.status() == Status.OK_200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                ready = CatalogWebIT.request(client, "/observe/health/ready");
            }
            assertThat(ready.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503);
            JsonNode readiness = JSON.readTree(ready.entity());
            assertThat(readiness.get("status").asText()).isEqualTo("DOWN");
            assertThat(readiness.toString()).contains("registry").contains("unreachable");

            ClientResponseTyped<String> live = CatalogWebIT.request(client, "/observe/health/live");
            assertThat(live.status()).isEqualTo(Status.OK_200);
            assertThat(JSON.readTree(live.entity()).get("status").asText()).isEqualTo("UP");
        } finally {
            registry.restart();
        }
        assertThat(CatalogWebIT.request(client, "/").status()).isEqualTo(Status.OK_200);
        ClientResponseTyped<String> ready = CatalogWebIT.request(client, "/observe/health/ready");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (ready.status() != Status.OK_200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            ready = CatalogWebIT.request(client, "/observe/health/ready");
        }
        assertThat(ready.status()).isEqualTo(Status.OK_200);
    }
}
