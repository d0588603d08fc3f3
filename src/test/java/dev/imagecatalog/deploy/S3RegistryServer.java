package dev.imagecatalog.deploy;

import dev.imagecatalog.testing.LocalRegistry;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The project's {@code docker-registry/config.yml}, used as shipped, served by a real {@code docker-registry}
 * process whose S3 storage is an in-process S3Proxy (S3-compatible, like MinIO). Only what a local run must change
 * comes from {@code REGISTRY_*} environment variables — the same way scripts/kind-registry.sh passes the
 * credentials from .env: the listen address and the S3 endpoint (MinIO's address only exists on the kind network).
 */
final class S3RegistryServer implements AutoCloseable {

    static final Path CONFIG = Path.of("docker-registry/config.yml");
    static final String BUCKET = "registry";
    private static final String ACCESS_KEY = "registry-test-access";
    private static final String SECRET_KEY = "registry-test-secret-" + Long.toHexString(System.nanoTime());

    private final BlobStore blobStore;
    private final S3Proxy s3;
    private final Process registry;
    private final Path logFile;
    private final int port;

    private S3RegistryServer(BlobStore blobStore, S3Proxy s3, Process registry, Path logFile, int port) {
        this.blobStore = blobStore;
        this.s3 = s3;
        this.registry = registry;
        this.logFile = logFile;
        this.port = port;
    }

    /** Starts S3Proxy with the bucket, then the registry against it, and waits until {@code /v2/} answers 200. */
    static S3RegistryServer start() throws Exception {
        return start(Map.of());
    }

    /** As {@link #start()}, with more {@code REGISTRY_*} environment (e.g. the notifications kind-registry.sh sets). */
    static S3RegistryServer start(Map<String, String> extraEnv) throws Exception {
        BlobStore blobStore = new TransientNio2BlobStore();
        blobStore.createContainer(BUCKET);
        int s3Port = LocalRegistry.freePort();
        S3Proxy s3 = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + s3Port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(10);
        }

        int port = LocalRegistry.freePort();
        Path logFile = Files.createTempFile("s3-registry", ".log");
        ProcessBuilder builder = new ProcessBuilder("docker-registry", "serve", CONFIG.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        // The AWS SDK inside the registry also reads AWS_* variables of the machine running the test (an
        // AWS_CA_BUNDLE makes Distribution 2.8 panic); the kind-registry container starts without them.
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        // as scripts/kind-registry.sh does (values from .env there)
        env.put("REGISTRY_STORAGE_S3_ACCESSKEY", ACCESS_KEY);
        env.put("REGISTRY_STORAGE_S3_SECRETKEY", SECRET_KEY);
        env.put("REGISTRY_STORAGE_S3_BUCKET", BUCKET);
        // local differences only: loopback listener, S3 endpoint of this test
        env.put("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port);
        env.put("REGISTRY_STORAGE_S3_REGIONENDPOINT", "http://127.0.0.1:" + s3Port);
        env.putAll(extraEnv);
        S3RegistryServer server = new S3RegistryServer(blobStore, s3, builder.start(), logFile, port);
        try {
            server.awaitReady();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!registry.isAlive()) {
                throw new IllegalStateException("docker-registry exited:\n" + log());
            }
            try {
                last = client.send(HttpRequest.newBuilder(url().resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (ConnectException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("registry not ready (last status " + last + "):\n" + log());
    }

    /** {@code http://127.0.0.1:<port>}. */
    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code 127.0.0.1:<port>} for image references. */
    String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Whether the S3 bucket holds an object under this key. */
    boolean objectExists(String key) {
        return blobStore.blobExists(BUCKET, key);
    }

    /** What the registry logged. */
    String log() throws IOException {
        return Files.readString(logFile);
    }

    @Override
    public void close() throws Exception {
        registry.destroy();
        if (!registry.waitFor(10, TimeUnit.SECONDS)) {
            registry.destroyForcibly();
        }
        s3.stop();
        blobStore.close();
        Files.deleteIfExists(logFile);
    }
}
