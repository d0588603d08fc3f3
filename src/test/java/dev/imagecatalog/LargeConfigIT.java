package dev.imagecatalog;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 item 4, proven on the real service: 2 repositories × 12 images whose config blobs are 6 MB each (a
 * large label — legal) are indexed and viewed repeatedly by the service running in its own JVM with
 * {@code -Xmx256m}: it stays alive and ready, because the index keeps parsed fields only (labels bounded) and the
 * on-demand tag details are bounded by weight.
 */
class LargeConfigIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LABEL_BYTES = 6 * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void largeConfigs_indexedAndViewedRepeatedly_inA256MbHeap_serviceStaysReady() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            String big = "x".repeat(LABEL_BYTES);
            for (String repository : List.of("big/one", "big/two")) {
                for (int i = 0; i < 12; i++) {
                    pusher.pushOciImage(repository, "t" + i, Arch.AMD64, Map.of("huge", big, "team", "t" + i));
                }
            }
            int port = LocalRegistry.freePort();
            Path log = Files.createTempFile("catalog-child-", ".log");
            Process service = startService(registry, port, log);
            URI base = URI.create("http://127.0.0.1:" + port);
            try {
                awaitIndexed(base, service, log);
                JsonNode repositories = json(base, "/api/repositories");
                assertThat(repositories.get("repositories").findValuesAsText("name")).containsExactly("big/one", "big/two");
                assertThat(repositories.get("total").get("tags").asInt()).isEqualTo(24);

                for (int round = 0; round < 3; round++) {
                    assertThat(get(base, "/").statusCode()).isEqualTo(200);
                    for (String repository : List.of("big/one", "big/two")) {
                        assertThat(get(base, "/repositories/" + repository).statusCode()).isEqualTo(200);
                        for (int i = 0; i < 12; i++) {
                            HttpResponse<String> tag = get(base, "/repositories/" + repository + "/tags/t" + i);
                            assertThat(tag.statusCode()).as("tag page %s:t%d, log:%n%s", repository, i,
                                    Files.readString(log)).isEqualTo(200);
                        }
                    }
                    assertThat(get(base, "/api/search?q=t11").statusCode()).isEqualTo(200);
                }
                assertThat(service.isAlive()).as("service alive; log:%n%s", Files.readString(log)).isTrue();
                assertThat(get(base, "/observe/health/ready").statusCode()).isEqualTo(200);
                assertThat(get(base, "/observe/health/live").statusCode()).isEqualTo(200);
            } finally {
                service.destroy();
                if (!service.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
                Files.deleteIfExists(log);
            }
        }
    }

    /** The real {@link Main} in a child JVM with the chart's kind of heap limit, read-only, no cluster. */
    private static Process startService(LocalRegistry registry, int port, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), Main.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("SERVER_PORT", String.valueOf(port));
        env.put("REGISTRY_URL", registry.url().toString());
        env.put("REGISTRY_PULL_HOST", registry.hostPort());
        env.put("RUNS_ENABLED", "false");
        // the 6 MB configs are legal: raise the read cap (default 4 MiB) so they are read, parsed and kept small
        env.put("REGISTRY_MAX_CONFIG_BYTES", String.valueOf(8 * 1024 * 1024));
        env.put("CATALOG_CONFIG", new File(log.toFile().getParentFile(), "no-such-catalog-config.yaml").getPath());
        env.put("KUBECONFIG", new File(log.toFile().getParentFile(), "no-such-kubeconfig").getPath());
        return builder.start();
    }

    private static void awaitIndexed(URI base, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("service exited; log:%n%s", Files.readString(log)).isTrue();
            try {
                JsonNode status = json(base, "/api/status");
                if (status.get("ready").asBoolean()) {
                    return;
                }
            } catch (java.io.IOException notListeningYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not indexed in time; log:\n" + Files.readString(log));
    }

    private static JsonNode json(URI base, String path) throws Exception {
        HttpResponse<String> res = get(base, path);
        assertThat(res.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private static HttpResponse<String> get(URI base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
