package dev.imagecatalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.testing.ConcurrentClients;
import dev.imagecatalog.testing.ConcurrentClients.Answer;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.ServiceProcess;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 item 4, proven on the real service: 2 repositories × 12 images whose config blobs are 6 MB each (a
 * large label — legal) are indexed and viewed repeatedly — in turn, then by 10 concurrent clients — by the service
 * running in its own JVM with {@code -Xmx256m}: it stays alive and ready and answers every view, because the index
 * keeps parsed fields only (labels bounded) and the on-demand tag details are bounded by weight. (The 100k-catalog,
 * slow-registry and link-loop parts of the same check are {@link RegistryResilienceIT}.)
 */
class LargeConfigIT {

    private static final int LABEL_BYTES = 6 * 1024 * 1024;
    private static final List<String> REPOSITORIES = List.of("big/one", "big/two");
    private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);
    /** What a loaded 2-core machine (GC, other builds) may add to the deadline. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    @Test
    void largeConfigs_indexedAndViewedRepeatedly_inA256MbHeap_serviceStaysReady() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            String big = "x".repeat(LABEL_BYTES);
            for (String repository : REPOSITORIES) {
                for (int i = 0; i < 12; i++) {
                    pusher.pushOciImage(repository, "t" + i, Arch.AMD64, Map.of("huge", big, "team", "t" + i));
                }
            }
            try (ServiceProcess service = ServiceProcess.start(List.of("-Xmx256m"), Map.of(
                    "REGISTRY_URL", registry.url().toString(),
                    "REGISTRY_PULL_HOST", registry.hostPort(),
                    "REGISTRY_REQUEST_DEADLINE", "PT" + REQUEST_DEADLINE.toSeconds() + "S",
                    // the 6 MB configs are legal: raise the read cap (default 4 MiB) so they are read, parsed and
                    // kept small
                    "REGISTRY_MAX_CONFIG_BYTES", String.valueOf(8 * 1024 * 1024),
                    "RUNS_ENABLED", "false"))) {
                service.awaitIndexed(Duration.ofSeconds(120));
                JsonNode repositories = service.json("/api/repositories");
                assertThat(repositories.get("repositories").findValuesAsText("name"))
                        .containsExactlyElementsOf(REPOSITORIES);
                assertThat(repositories.get("total").get("tags").asInt()).isEqualTo(24);

                for (int round = 0; round < 3; round++) {
                    assertThat(service.get("/").statusCode()).isEqualTo(200);
                    for (String repository : REPOSITORIES) {
                        assertThat(service.get("/repositories/" + repository).statusCode()).isEqualTo(200);
                        for (int i = 0; i < 12; i++) {
                            assertThat(service.get("/repositories/" + repository + "/tags/t" + i).statusCode())
                                    .as("tag page %s:t%d, log:%n%s", repository, i, service.logTail(40))
                                    .isEqualTo(200);
                        }
                    }
                    assertThat(service.get("/api/search?q=t11").statusCode()).isEqualTo(200);
                }

                // ten clients at once on the tag pages (each reads a 6 MB config on demand) and the listings
                List<String> paths = new ArrayList<>(List.of("/", "/api/repositories", "/api/status",
                        "/search?q=t11", "/observe/health/live", "/observe/health/ready"));
                for (int i = 0; i < 12; i++) {
                    paths.add("/repositories/" + REPOSITORIES.get(i % 2) + "/tags/t" + i);
                    paths.add("/api/repositories/" + REPOSITORIES.get((i + 1) % 2) + "/tags/t" + i);
                }
                List<Answer> answers = ConcurrentClients.run(service.url(), paths, 10, Duration.ofSeconds(10),
                        Duration.ofSeconds(30));
                assertThat(service.isAlive()).as("service alive after the load; log:%n%s", service.logTail(60))
                        .isTrue();
                assertThat(answers).as("answers: %s", ConcurrentClients.summary(answers)).hasSizeGreaterThan(20)
                        .allSatisfy(a -> {
                            assertThat(a.status()).as("%s", a).isEqualTo(200);
                            assertThat(a.took()).as("%s", a).isLessThan(REQUEST_DEADLINE.plus(MARGIN));
                        });

                assertThat(service.isAlive()).as("service alive; log:%n%s", service.logTail(60)).isTrue();
                assertThat(service.get("/observe/health/ready").statusCode()).isEqualTo(200);
                assertThat(service.get("/observe/health/live").statusCode()).isEqualTo(200);
                assertThat(service.logLines()).as("no OutOfMemoryError in the service's output")
                        .noneMatch(l -> l.contains("OutOfMemoryError"));
            }
        }
    }
}
