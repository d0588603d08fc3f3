package dev.imagecatalog.deploy;

import dev.imagecatalog.deploy.DockerfileInstructions.Instruction;
import dev.imagecatalog.deploy.DockerfileInstructions.Stage;
import dev.imagecatalog.testing.LocalRegistry;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the image's runtime stage runs, run here without Docker: the Dockerfile's COPY lines laid out in a
 * temporary root (target/catalog.jar and target/libs as the build stage leaves them), started with its ENTRYPOINT,
 * configured by the chart's ConfigMap mounted where the Deployment mounts it and the Deployment's environment.
 * The chart's probe paths must then answer as the probes expect — liveness even while the registry is down.
 */
class ImageLayoutIT {

    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @Test
    void runtimeStage_withTheChartConfig_answersTheChartProbes() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            RenderedChart chart = RenderedChart.withSet(Map.of(
                    "registry.url", registry.url().toString(),
                    // no cluster here: the read-only mode
                    "runs.enabled", false));
            V1Container container = chart.one(V1Deployment.class).getSpec().getTemplate().getSpec().getContainers()
                    .getFirst();
            layOutImage();
            Path config = mountConfigMap(chart, container);
            int port = LocalRegistry.freePort();
            Process service = start(container, config, port);
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                String liveness = container.getLivenessProbe().getHttpGet().getPath();
                String readiness = container.getReadinessProbe().getHttpGet().getPath();
                String startup = container.getStartupProbe().getHttpGet().getPath();

                assertThat(awaitStatus(base.resolve(startup), s -> s == 200, START, service)).isEqualTo(200);
                assertThat(status(base.resolve(liveness))).isEqualTo(200);
                assertThat(awaitStatus(base.resolve(readiness), s -> s == 200, Duration.ofSeconds(10), service))
                        .isEqualTo(200);

                registry.stop();

                // not ready without its registry (no traffic), but alive (no restart loop)
                assertThat(awaitStatus(base.resolve(readiness), s -> s != 200, Duration.ofSeconds(30), service))
                        .isNotEqualTo(200);
                assertThat(status(base.resolve(liveness))).isEqualTo(200);
            } finally {
                service.destroy();
                if (!service.waitFor(10, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            }
        }
    }

    /** Copies what the runtime stage's {@code COPY --from=build} lines copy, from target/ into the root. */
    private void layOutImage() throws IOException {
        Stage build = DockerfileInstructions.read(Path.of("Dockerfile")).stages().get(0);
        String workdir = build.all("WORKDIR").getFirst().arguments() + "/";
        Stage runtime = DockerfileInstructions.read(Path.of("Dockerfile")).stages().getLast();
        for (Instruction copy : runtime.all("COPY")) {
            String[] words = copy.arguments().split("\\s+");
            assertThat(words[0]).isEqualTo("--from=build");
            Path source = Path.of(words[1].substring(workdir.length()));
            Path target = inRoot(words[2]);
            assertThat(source).as("built by ./mvnw package").exists();
            if (Files.isDirectory(source)) {
                copyTree(source, target);
            } else {
                Files.createDirectories(target.getParent());
                Files.copy(source, target);
            }
        }
    }

    private Path mountConfigMap(RenderedChart chart, V1Container container) throws IOException {
        String file = container.getEnv().stream().filter(e -> e.getName().equals("CATALOG_CONFIG")).findFirst()
                .orElseThrow().getValue();
        Path mounted = inRoot(file);
        Files.createDirectories(mounted.getParent());
        Files.writeString(mounted, chart.one(V1ConfigMap.class).getData().get(mounted.getFileName().toString()));
        return mounted;
    }

    private Process start(V1Container container, Path config, int port) throws IOException {
        String entrypoint = DockerfileInstructions.read(Path.of("Dockerfile")).stages().getLast()
                .all("ENTRYPOINT").getFirst().arguments();
        List<String> command = new ArrayList<>();
        for (String word : entrypoint.replaceAll("[\\[\\]\"]", "").split(",\\s*")) {
            if (word.equals("java")) {
                command.add(ProcessHandle.current().info().command().orElseThrow());
            } else if (word.startsWith("/")) {
                command.add(inRoot(word).toString());
            } else {
                command.add(word);
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("service.log").toFile());
        Map<String, String> env = builder.environment();
        container.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        env.put("CATALOG_CONFIG", config.toString());
        env.put("POD_NAMESPACE", RenderedChart.NAMESPACE);
        // the only local difference: the ConfigMap's fixed port 8080 may be taken on a shared machine
        env.put("SERVER_PORT", Integer.toString(port));
        // No cluster here and runs are off; a kubeconfig that points nowhere keeps the start independent of
        // whether the service builds its Kubernetes client eagerly (the probes must not need the cluster).
        Path kubeconfig = root.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: none, user: {token: none}}]
                contexts: [{name: none, context: {cluster: none, user: none}}]
                current-context: none
                """);
        env.put("KUBECONFIG", kubeconfig.toString());
        return builder.start();
    }

    private int awaitStatus(URI uri, IntPredicate wanted, Duration timeout, Process service) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("service exited:%n%s", log()).isTrue();
            try {
                last = status(uri);
                if (wanted.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(uri + " last answered " + last + " after " + timeout + "\n" + log());
    }

    private static int status(URI uri) throws IOException, InterruptedException {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String log() throws IOException {
        Path log = root.resolve("service.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private Path inRoot(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
    }
}
