package dev.imagecatalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Distribution registry ({@code docker-registry serve}) on a free 127.0.0.1 port with filesystem storage
 * in a temporary directory and deletes enabled; optionally protected by htpasswd Basic auth or by Distribution's
 * own {@code auth.token} mode (tokens issued by a {@link TokenServer}).
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start()) {
 *     TestPusher pusher = new TestPusher(registry);
 *     ...
 * }
 * }</pre>
 *
 * Its combined access log lets tests count requests ({@link #countRequests(String, String)}) instead of timing them.
 */
public final class LocalRegistry implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final Path logFile;
    private final int port;
    private final String username;
    private final String password;
    private final TokenServer tokenServer;
    private final boolean schema1;
    private final int catalogMaxEntries;
    private volatile Process process;
    /** Extra top-level configuration (e.g. {@code notifications:}, {@code catalog:}), appended as given. */
    private volatile String extraYaml = "";
    private volatile URI notificationUrl;
    /** {@code storage.delete.enabled}: on unless a test turns it off ({@link #startWithDeletesDisabled()}). */
    private volatile boolean deletesEnabled = true;
    private volatile String notificationToken;
    /** Stops the process even when a test JVM exits without closing the registry. */
    private final Thread shutdownHook = new Thread(this::stop, "local-registry-stop");

    private LocalRegistry(Path dir, int port, String username, String password, TokenServer tokenServer,
                          boolean schema1, int catalogMaxEntries) {
        this.dir = dir;
        this.logFile = dir.resolve("registry.log");
        this.port = port;
        this.username = username;
        this.password = password;
        this.tokenServer = tokenServer;
        this.schema1 = schema1;
        this.catalogMaxEntries = catalogMaxEntries;
    }

    /** Starts an anonymous registry. */
    public static LocalRegistry start() {
        return create(null, null, null, false, 0);
    }

    /**
     * Starts an anonymous registry whose catalog pages hold at most {@code maxEntries} repositories
     * ({@code catalog.maxentries}): it refuses a larger {@code n} with {@code PAGINATION_NUMBER_INVALID}.
     */
    public static LocalRegistry startWithCatalogMaxEntries(int maxEntries) {
        return create(null, null, null, false, maxEntries);
    }

    /**
     * Starts an anonymous registry with {@code compatibility.schema1.enabled: true}, which Distribution 2.8 needs
     * to serve legacy schema 1 manifests (see {@link TestPusher#pushSchema1Image}).
     */
    public static LocalRegistry startWithSchema1() {
        return create(null, null, null, true, 0);
    }

    /**
     * Starts an anonymous registry with extra top-level configuration appended to its {@code config.yml}, e.g.
     * {@code "catalog:\n  maxentries: 1000\n"} or a {@code notifications:} section.
     */
    public static LocalRegistry startWithConfig(String extraYaml) {
        LocalRegistry registry = create(null, null, null, false, 0);
        registry.reconfigure(extraYaml);
        return registry;
    }

    /**
     * Replaces the extra configuration and restarts the registry on the same port and storage (e.g. to turn
     * notifications on only after seeding, so the seed's events are never delivered).
     */
    public void reconfigure(String extraYaml) {
        stop();
        this.extraYaml = extraYaml;
        try {
            writeConfig();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        launch();
    }

    /** Path of the registry's log (access log included), for tools that count requests themselves. */
    public Path logFile() {
        return logFile;
    }

    /** Starts a registry that requires HTTP Basic auth (htpasswd, bcrypt made by {@code htpasswd -Bbn}). */
    public static LocalRegistry startWithBasicAuth(String username, String password) {
        return create(username, password, null, false, 0);
    }

    /**
     * Starts a registry in Distribution's {@code auth.token} mode trusting {@code tokenServer}'s certificate;
     * clients must follow the Bearer challenge to {@code tokenServer}'s realm.
     */
    public static LocalRegistry startWithTokenAuth(TokenServer tokenServer) {
        return create(tokenServer.username(), tokenServer.password(), tokenServer, false, 0);
    }

    private static LocalRegistry create(String username, String password, TokenServer tokenServer,
                                        boolean schema1, int catalogMaxEntries) {
        try {
            Path dir = Files.createTempDirectory("local-registry-");
            LocalRegistry registry = new LocalRegistry(dir, freePort(), username, password, tokenServer, schema1,
                    catalogMaxEntries);
            registry.writeConfig();
            Runtime.getRuntime().addShutdownHook(registry.shutdownHook);
            try {
                registry.launch();
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free loopback port (the tiny race with another process is acceptable in tests). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeConfig() throws IOException {
        StringBuilder yaml = new StringBuilder();
        yaml.append("version: 0.1\n")
                .append("log:\n  level: info\n  accesslog:\n    disabled: false\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n')
                .append("  delete:\n    enabled: ").append(deletesEnabled)
                .append('\n')
                .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
                .append("  secret: ").append(UUID.randomUUID()).append('\n');
        if (catalogMaxEntries > 0) {
            yaml.append("catalog:\n  maxentries: ").append(catalogMaxEntries).append('\n');
        }
        if (schema1) {
            yaml.append("compatibility:\n  schema1:\n    enabled: true\n");
        }
        if (notificationUrl != null) {
            // what docker-registry/config.yml does in kind: events to the catalog with its bearer token
            yaml.append("notifications:\n  events:\n    includereferences: true\n  endpoints:\n")
                    .append("    - name: catalog\n")
                    .append("      url: ").append(notificationUrl).append('\n')
                    .append("      headers:\n        Authorization: [\"Bearer ").append(notificationToken).append("\"]\n")
                    .append("      timeout: 2s\n      threshold: 3\n      backoff: 1s\n")
                    .append("      ignoredmediatypes:\n        - application/octet-stream\n")
                    .append("      ignore:\n        actions:\n          - pull\n");
        }
        if (tokenServer != null) {
            yaml.append("auth:\n  token:\n")
                    .append("    realm: ").append(tokenServer.realm()).append('\n')
                    .append("    service: ").append(TokenServer.SERVICE).append('\n')
                    .append("    issuer: ").append(TokenServer.ISSUER).append('\n')
                    .append("    rootcertbundle: ").append(tokenServer.certificatePem()).append('\n');
        } else if (username != null) {
            Path htpasswd = dir.resolve("htpasswd");
            Files.writeString(htpasswd, run("htpasswd", "-Bbn", username, password).strip() + "\n");
            yaml.append("auth:\n  htpasswd:\n    realm: test-registry\n    path: ").append(htpasswd).append('\n');
        }
        yaml.append(extraYaml);
        Files.writeString(dir.resolve("config.yml"), yaml.toString());
    }

    private void launch() {
        try {
            process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start docker-registry (is the Debian package installed?)", e);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + log());
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url().resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200 || response.statusCode() == 401) {
                    return;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // not ready yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(50);
        }
        throw new IllegalStateException("docker-registry did not answer /v2/ in " + START_TIMEOUT + ": " + log());
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code 127.0.0.1:<port>}, the form used in image references. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Port the registry listens on (stays reserved for {@link #restart()}). */
    public int port() {
        return port;
    }

    /** User name clients must send, {@code null} for an anonymous registry. */
    public String username() {
        return username;
    }

    /** Password clients must send, {@code null} for an anonymous registry. */
    public String password() {
        return password;
    }

    /** The token server in token mode, else {@code null}. */
    public TokenServer tokenServer() {
        return tokenServer;
    }

    /** Stops the process but keeps the storage (to test "registry unreachable"; {@link #restart()} brings it back). */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Makes the registry send its notifications ({@code notifications.endpoints}) to {@code url} with
     * {@code Authorization: Bearer <token>}, as the kind setup does: rewrites the config and restarts the process
     * (same port and storage). {@code null} turns them off again.
     */
    public void notifyTo(URI url, String token) {
        this.notificationUrl = url;
        this.notificationToken = token;
        try {
            writeConfig();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart();
    }

    /** Starts the process again on the same port and storage after {@link #stop()}. */
    public void restart() {
        stop();
        launch();
    }

    /** Whether the process is running. */
    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Everything the registry logged so far. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Number of requests in the access log with this method whose path starts with {@code pathPrefix}
     * (e.g. {@code countRequests("GET", "/v2/team-a/app/manifests/")}). Issues a marker request first and waits
     * until it is logged, so that every earlier request is in the log.
     */
    public long countRequests(String method, String pathPrefix) {
        flushLog();
        Pattern line = Pattern.compile("\"" + Pattern.quote(method) + " " + Pattern.quote(pathPrefix) + "[^\"]* HTTP/1\\.1\"");
        try (Stream<String> lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            return lines.filter(l -> line.matcher(l).find()).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flushLog() {
        String marker = "/v2/?marker=" + UUID.randomUUID();
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(url().resolve(marker)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!log().contains(marker + " HTTP/1.1") && System.nanoTime() < deadline) {
            sleep(10);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- deletes and garbage collection (issue 14) --------------------------------------------------------------

    /** Starts an anonymous registry with {@code storage.delete.enabled: false} (it answers deletes 405 UNSUPPORTED). */
    public static LocalRegistry startWithDeletesDisabled() {
        LocalRegistry registry = create(null, null, null, false, 0);
        registry.deletesEnabled = false;
        registry.reconfigure(registry.extraYaml);
        return registry;
    }

    /**
     * Runs {@code docker-registry garbage-collect} on this registry's own configuration and returns its output. The
     * registry must be stopped ({@link #stop()}): the collector must not race uploads. Never {@code --delete-untagged}:
     * on 2.8 it deletes the children of multi-platform indexes (Distribution #3004).
     */
    public String garbageCollect() {
        if (running()) {
            throw new IllegalStateException("stop the registry before garbage-collect");
        }
        return run("docker-registry", "garbage-collect", dir.resolve("config.yml").toString());
    }

    /**
     * Every blob on disk, digest → bytes of its data file ({@code docker/registry/v2/blobs/sha256/<2>/<hex>/data},
     * where Distribution's filesystem driver keeps blobs — manifests included).
     */
    public java.util.Map<String, Long> blobData() {
        Path blobs = dir.resolve("data/docker/registry/v2/blobs/sha256");
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(blobs)) {
            return out;
        }
        try (Stream<Path> paths = Files.walk(blobs)) {
            for (Path data : paths.filter(p -> p.getFileName().toString().equals("data")).toList()) {
                out.put("sha256:" + data.getParent().getFileName(), Files.size(data));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
