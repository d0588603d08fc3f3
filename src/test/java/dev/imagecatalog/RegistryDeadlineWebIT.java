package dev.imagecatalog;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.HostileRegistry;
import dev.imagecatalog.testing.HostileRegistry.Answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole application over registries that stall or do not list their repositories: a request waits at most
 * {@code registry.request-deadline} and answers 504 with a reason (the abandoned registry call's connection is
 * closed); a configured repository list is said to be configured; a refused {@code _catalog} says how to
 * configure one.
 */
class RegistryDeadlineWebIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pageAndApiOverATricklingRegistry_answer504WithAReasonWithinTheRequestDeadline() {
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.json(200, "{\"repositories\":[\"a\"]}")
                .trickled(Duration.ofSeconds(1)))) {
            RegistrySettings settings = RegistrySettings.of(registry.url(), "localhost:5001")
                    .withDeadlines(RegistrySettings.DEFAULT_CALL_DEADLINE, Duration.ofSeconds(2));
            serve(settings, client -> {
                long start = System.nanoTime();
                ClientResponseTyped<String> api = CatalogWebIT.request(client, "/api/repositories");
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(api.status()).isEqualTo(Status.GATEWAY_TIMEOUT_504);
                JsonNode error = readJson(api.entity());
                assertThat(error.path("error").asText()).contains("registry.request-deadline");
                // behavioural bound: the 2 s request deadline ends the wait, not the 30 s call deadline
                assertThat(took).isLessThan(Duration.ofMillis(3500));
                // nobody waits for the listing any more: it is abandoned and its connection closed
                await(() -> registry.closedWhileTrickling() == 1, "the abandoned registry connection to close");

                ClientResponseTyped<String> page = CatalogWebIT.request(client, "/");
                assertThat(page.status()).isEqualTo(Status.GATEWAY_TIMEOUT_504);
                assertThat(page.entity()).contains("Registry too slow").contains("registry.request-deadline");
                return null;
            });
        }
    }

    @Test
    void tagsOverTricklingManifests_readInParallelThreads_stillAnswer504AtTheRequestDeadline() {
        try (HostileRegistry registry = HostileRegistry.start(r -> r.path().endsWith("/tags/list")
                ? Answer.json(200, "{\"name\":\"a/b\",\"tags\":[\"v1\",\"v2\",\"v3\"]}")
                : Answer.bytes(200, "application/vnd.oci.image.manifest.v1+json", new byte[200])
                        .trickled(Duration.ofSeconds(1)))) {
            RegistrySettings settings = RegistrySettings.of(registry.url(), "localhost:5001")
                    .withDeadlines(RegistrySettings.DEFAULT_CALL_DEADLINE, Duration.ofSeconds(2));
            serve(settings, client -> {
                long start = System.nanoTime();
                ClientResponseTyped<String> api = CatalogWebIT.request(client, "/api/repositories/a/b/tags");
                assertThat(api.status()).isEqualTo(Status.GATEWAY_TIMEOUT_504);
                assertThat(readJson(api.entity()).path("error").asText()).contains("registry.request-deadline");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
                // the three manifest reads were abandoned with the request: all their connections are closed
                await(() -> registry.closedWhileTrickling() == 3, "the abandoned manifest connections to close");
                return null;
            });
        }
    }

    @Test
    void configuredRepositories_areListedWithoutTheRegistrysCatalog_andThePageSaysSo() {
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.json(404, "{}"))) {
            RegistrySettings settings = RegistrySettings.of(registry.url(), "localhost:5001")
                    .withRepositories(List.of("team-b/db", "team-a/app"));
            serve(settings, client -> {
                ClientResponseTyped<String> page = CatalogWebIT.request(client, "/");
                assertThat(page.status()).isEqualTo(Status.OK_200);
                assertThat(page.entity()).contains("id=\"repositories-configured\"")
                        .contains("registry.repositories").contains("team-a/").contains("team-b/");
                assertThat(readJson(CatalogWebIT.request(client, "/api/repositories").entity())
                        .path("repositories").findValuesAsText("name")).containsExactly("team-a/app", "team-b/db");
                assertThat(registry.count("GET", "/v2/_catalog")).isZero();
                return null;
            });
        }
    }

    @Test
    void catalogRefusedByTheRegistry_homePageAndApiSayToConfigureTheRepositories() {
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.json(403,
                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}"))) {
            serve(RegistrySettings.of(registry.url(), "localhost:5001"), client -> {
                ClientResponseTyped<String> page = CatalogWebIT.request(client, "/");
                assertThat(page.status()).isEqualTo(Status.BAD_GATEWAY_502);
                assertThat(page.entity()).contains("registry.repositories").doesNotContain("repositories-configured");
                ClientResponseTyped<String> api = CatalogWebIT.request(client, "/api/repositories");
                assertThat(api.status()).isEqualTo(Status.BAD_GATEWAY_502);
                assertThat(readJson(api.entity()).path("error").asText()).contains("registry.repositories");
                return null;
            });
        }
    }

    private static void serve(RegistrySettings settings, Function<WebClient, Void> test) {
        try (RegistryCatalog catalog = RegistryCatalog.create(settings)) {
            WebServer server = WebServer.builder().port(0)
                    .update(b -> ReadOnlyApp.setup(b, catalog, settings.requestDeadline()))
                    .build().start();
            try {
                test.apply(WebClient.builder().baseUri("http://localhost:" + server.port())
                        .readTimeout(Duration.ofSeconds(30)).build());
            } finally {
                server.stop();
            }
        }
    }

    private static JsonNode readJson(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
