package dev.imagecatalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real service ({@code dev.imagecatalog.Main}) in a child JVM on a free loopback port, configured by its
 * environment only (no config file, no kubeconfig), its output in a log file — so a test can run it with the heap
 * limit of a production pod and see whether it survives, without the test's own JVM sharing its heap.
 *
 * <pre>{@code
 * try (ServiceProcess service = ServiceProcess.start(List.of("-Xmx256m"), Map.of("REGISTRY_URL", url))) {
 *     service.awaitReady(Duration.ofSeconds(60));
 *     service.get("/api/status") ...
 * }
 * }</pre>
 */
public final class ServiceProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAIN = "dev.imagecatalog.Main";

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code java <jvmOptions> -cp <test class path> dev.imagecatalog.Main} with {@code env} added to this
     * JVM's environment (plus SERVER_HOST/SERVER_PORT, and CATALOG_CONFIG / KUBECONFIG naming files that do not
     * exist, so only the built-in defaults and {@code env} apply). {@code -XX:+ExitOnOutOfMemoryError} is always
     * added: a service out of memory exits, and its log says so.
     */
    public static ServiceProcess start(List<String> jvmOptions, Map<String, String> env) {
        try {
            int port = LocalRegistry.freePort();
            Path log = Files.createTempFile("catalog-child-", ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-XX:+ExitOnOutOfMemoryError");
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> environment = builder.environment();
            environment.put("SERVER_HOST", "127.0.0.1");
            environment.put("SERVER_PORT", Integer.toString(port));
            environment.put("CATALOG_CONFIG", log.resolveSibling("absent-" + port + ".yaml").toString());
            environment.put("KUBECONFIG", log.resolveSibling("absent-kubeconfig-" + port).toString());
            environment.putAll(env);
            return new ServiceProcess(builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The process id (for {@code jcmd} and the like). */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the service printed so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of the log (for assertion messages). */
    public String logTail(int lines) {
        List<String> all = logLines();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The log's lines. */
    public List<String> logLines() {
        return log().lines().toList();
    }

    /** Waits until {@code /observe/health/ready} answers 200; fails (with the log) if the service exits first. */
    public void awaitReady(Duration timeout) {
        awaitStatus(timeout, status -> true, "ready");
    }

    /** Waits until {@code /api/status} says {@code ready} (the first crawl finished). */
    public void awaitIndexed(Duration timeout) {
        awaitStatus(timeout, status -> status.path("ready").asBoolean(), "indexed");
    }

    private void awaitStatus(Duration timeout, java.util.function.Predicate<JsonNode> done, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited before it was " + what + "; log:\n" + log());
            }
            try {
                if (get("/observe/health/ready").statusCode() == 200 && done.test(json("/api/status"))) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // starting
            }
            sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("the service was not " + what + " within " + timeout + "; log:\n" + log());
    }

    /** {@code GET path}, answered within 60 s. */
    public HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** {@code GET path} as JSON; fails unless it answers 200. */
    public JsonNode json(String path) throws IOException {
        HttpResponse<String> res = get(path);
        if (res.statusCode() != 200) {
            throw new AssertionError(path + " answered " + res.statusCode() + ": " + res.body());
        }
        return JSON.readTree(res.body());
    }

    /** Stops the service (SIGTERM, then SIGKILL after 10 s) and deletes its log. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a temp file left behind
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
