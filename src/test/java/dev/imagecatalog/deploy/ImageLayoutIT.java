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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the image's runtime stage runs, run here without Docker: the Dockerfile's COPY lines laid out in a
 * temporary root (target/catalog.jar and target/libs as the build stage leaves them), started with its ENTRYPOINT,
 * configured by the chart's ConfigMap mounted where the Deployment mounts it and the Deployment's environment.
 * The chart's probe paths must then answer as the probes expect — liveness even while the registry is down. The
 * stage's class-data training run runs first, and the service must load its classes from that archive.
 */
class ImageLayoutIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final String CLASS_LOAD_LOG = "class-load.log";

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
            runTrainingRun();
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
                // the image's JAVA_TOOL_OPTIONS map the training run's archive: the service's classes come from it
                assertThat(Files.readString(root.resolve(CLASS_LOAD_LOG)))
                        .containsPattern("dev\\.imagecatalog\\.Main source: shared objects file");

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

    /**
     * Runs the runtime stage's {@code RUN java …} line — the class-data training run — as the build would, paths in
     * the root: it must end by itself and leave the archive the image's {@code JAVA_TOOL_OPTIONS} name.
     */
    private void runTrainingRun() throws Exception {
        Stage runtime = DockerfileInstructions.read(Path.of("Dockerfile")).stages().getLast();
        List<Instruction> runs = runtime.all("RUN").stream().filter(r -> r.arguments().startsWith("java ")).toList();
        assertThat(runs).as("the training run").hasSize(1);
        List<String> command = new ArrayList<>();
        for (String word : runs.getFirst().arguments().split("\\s+")) {
            command.add(inRootWords(word));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("training.log").toFile());
        // the only local difference: the default port may be taken on a shared machine (a build has its own)
        builder.environment().put("SERVER_PORT", Integer.toString(LocalRegistry.freePort()));
        Process training = builder.start();
        if (!training.waitFor(START.toSeconds(), TimeUnit.SECONDS)) {
            training.destroyForcibly();
            throw new AssertionError("the training run did not stop by itself:\n"
                    + Files.readString(root.resolve("training.log")));
        }
        assertThat(training.exitValue()).as(Files.readString(root.resolve("training.log"))).isZero();
        assertThat(inRoot(archive())).isNotEmptyFile();
    }

    /** The image's {@code JAVA_TOOL_OPTIONS} (its ENV line). */
    private static String javaToolOptions() {
        Stage runtime = DockerfileInstructions.read(Path.of("Dockerfile")).stages().getLast();
        Matcher m = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(runtime.all("ENV").stream()
                .map(Instruction::arguments).collect(Collectors.joining(" ")));
        assertThat(m.find()).as("ENV JAVA_TOOL_OPTIONS").isTrue();
        return m.group(1);
    }

    /** The archive {@code JAVA_TOOL_OPTIONS} maps ({@code -XX:SharedArchiveFile=}). */
    private static String archive() {
        Matcher m = Pattern.compile("-XX:SharedArchiveFile=(\\S+)").matcher(javaToolOptions());
        assertThat(m.find()).as("JAVA_TOOL_OPTIONS names a class-data archive").isTrue();
        return m.group(1);
    }

    /** A word of an image command with its absolute path (alone or after {@code =}) moved into the root. */
    private String inRootWords(String word) {
        if (word.equals("java")) {
            return ProcessHandle.current().info().command().orElseThrow();
        }
        int at = word.indexOf("=/");
        if (at >= 0) {
            return word.substring(0, at + 1) + inRoot(word.substring(at + 1));
        }
        return word.startsWith("/") ? inRoot(word).toString() : word;
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
        List<String> options = new ArrayList<>();
        for (String word : javaToolOptions().split("\\s+")) {
            options.add(inRootWords(word));
        }
        options.add("-Xlog:class+load=info:file=" + root.resolve(CLASS_LOAD_LOG));
        env.put("JAVA_TOOL_OPTIONS", String.join(" ", options));
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
