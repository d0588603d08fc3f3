package dev.imagecatalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.ServiceProcess;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@link Main} in a child JVM with {@code RUNS_ENABLED=false}: it serves the catalog, and the class-loading
 * log shows that not one Kubernetes client class was loaded — at start, on the catalog's pages, or on the run pages
 * (which answer "read-only").
 */
class ReadOnlyStartIT {

    @Test
    void readOnlyService_loadsNoKubernetesClientClass() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher.Image image = new TestPusher(registry).pushOciImage("team/app", "v1", TestPusher.Arch.AMD64,
                    Map.of());
            try (ServiceProcess service = ServiceProcess.start(List.of("-verbose:class"), Map.of(
                    "REGISTRY_URL", registry.url().toString(),
                    "RUNS_ENABLED", "false"))) {
                service.awaitReady(Duration.ofSeconds(60));

                assertThat(service.get("/").statusCode()).isEqualTo(200);
                assertThat(service.get("/repositories/team/app/tags/v1").body()).contains(image.digest());
                // cluster views of a read-only catalog refuse before asking the cluster anything: no sign-in needed
                // to learn that, no SubjectAccessReview (its service account is not granted one)
                var runs = service.get("/api/runs");
                assertThat(runs.statusCode()).isEqualTo(403);
                assertThat(runs.body()).contains("\"error\"").contains("read-only");
                assertThat(service.get("/nodes").statusCode()).isEqualTo(403);
                assertThat(service.get("/api/repositories/team/app/tags/v1/nodes").statusCode()).isEqualTo(403);
                assertThat(service.get("/api/repositories/team/app/tags/v1").statusCode())
                        .as("the catalog's own API under the same prefix still answers").isEqualTo(200);

                List<String> log = service.logLines();
                assertThat(log).as("the class-loading log is there")
                        .anyMatch(l -> l.contains("io.helidon.webserver.WebServer "));
                assertThat(log).as("no Kubernetes client class loaded").noneMatch(l -> l.contains(" io.kubernetes.")
                        || l.contains("dev.imagecatalog.cluster.KubernetesCluster"));
            }
        }
    }
}
