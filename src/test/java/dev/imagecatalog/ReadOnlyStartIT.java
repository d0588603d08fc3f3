package dev.imagecatalog;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@link Main} in a child JVM with {@code RUNS_ENABLED=false}: it serves the catalog, and the class-loading
 * log shows that not one Kubernetes client class was loaded — at start, on the catalog's pages, or on the run pages
 * (which answer "read-only").
 */
class ReadOnlyStartIT {

    @TempDir
    Path dir;

    @Test
    void readOnlyService_loadsNoKubernetesClientClass() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher.Image image = new TestPusher(registry).pushOciImage("team/app", "v1", TestPusher.Arch.AMD64,
                    java.util.Map.of());
            int port = LocalRegistry.freePort();
            Path classes = dir.resolve("classes.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-verbose:class", "-cp", System.getProperty("java.class.path"), Main.class.getName())
                    .redirectErrorStream(true)
                    .redirectOutput(classes.toFile());
            builder.environment().put("REGISTRY_URL", registry.url().toString());
            builder.environment().put("SERVER_PORT", Integer.toString(port));
            builder.environment().put("SERVER_HOST", "127.0.0.1");
            builder.environment().put("RUNS_ENABLED", "false");
            builder.environment().put("CATALOG_CONFIG", dir.resolve("absent.yaml").toString());
            Process service = builder.start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                awaitReady(http, port, service, classes);

                assertThat(get(http, port, "/").statusCode()).isEqualTo(200);
                assertThat(get(http, port, "/repositories/team/app/tags/v1").body()).contains(image.digest());
                // cluster views need a signed-in user first (issue 9); asking for one loads no Kubernetes class
                HttpResponse<String> runs = get(http, port, "/api/runs");
                assertThat(runs.statusCode()).isEqualTo(401);
                assertThat(runs.body()).contains("error");
                assertThat(get(http, port, "/nodes").statusCode()).isIn(401, 303);
            } finally {
                service.destroy();
                service.waitFor();
            }
            List<String> log = Files.readAllLines(classes);
            assertThat(log).as("the class-loading log is there").anyMatch(l -> l.contains("io.helidon.webserver.WebServer "));
            assertThat(log).as("no Kubernetes client class loaded")
                    .noneMatch(l -> l.contains(" io.kubernetes.") || l.contains("dev.imagecatalog.cluster.KubernetesCluster"));
        }
    }

    private static void awaitReady(HttpClient http, int port, Process service, Path log) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            assertThat(service.isAlive()).as("the service is running").isTrue();
            try {
                if (get(http, port, "/observe/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the service did not become ready: " + String.join("\n",
                Files.readAllLines(log).stream().filter(l -> !l.contains("[class,load]")).toList()));
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
