package dev.imagecatalog;

import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.LocalRegistry;

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

/** A registry (htpasswd) that refuses the configured credentials: 502 with a message, never a 500 or a trace. */
@ServerTest
class RegistryCredentialsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalRegistry registry;
    private static ReadOnlyApp app;

    private final WebClient client;

    RegistryCredentialsIT(WebClient client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        registry = LocalRegistry.startWithBasicAuth("alice", "right-password");
        app = ReadOnlyApp.serve(server, registry, RegistrySettings.of(registry.url(), "localhost:5001")
                .withCredentials("alice", "wrong-password"));
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
    void wrongCredentials_pageAnswers502SayingTheRegistryRefusedUs() {
        ClientResponseTyped<String> page = CatalogWebIT.request(client, "/");
        assertThat(page.status()).isEqualTo(Status.BAD_GATEWAY_502);
        assertThat(page.entity()).contains("Registry refused our credentials").contains("REGISTRY_PASSWORD")
                .doesNotContain("Exception");
    }

    @Test
    void wrongCredentials_apiAnswers502WithError() throws Exception {
        ClientResponseTyped<String> api = CatalogWebIT.request(client, "/api/repositories/any/thing/tags");
        assertThat(api.status()).isEqualTo(Status.BAD_GATEWAY_502);
        assertThat(JSON.readTree(api.entity()).get("error").asText()).isNotBlank();
    }

    @Test
    void wrongCredentials_readinessDownWithState() throws Exception {
        ClientResponseTyped<String> ready = CatalogWebIT.request(client, "/observe/health/ready");
        assertThat(ready.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503);
        assertThat(JSON.readTree(ready.entity()).toString()).contains("unauthorized");
    }
}
