package dev.imagecatalog.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transport behaviour of the adapter: unreachable registries, timeouts, redirects and error bodies. A real
 * registry where one can show it; tiny JDK HTTP servers only for answers Distribution never gives (a redirect to
 * another host, a missing digest header, a 500 with an error body).
 */
class DistributionClientIT {

    @Test
    void ping_ofNothingListening_isUnreachable() {
        int port = LocalRegistry.freePort();
        try (DistributionClient client = new DistributionClient(
                RegistrySettings.of(URI.create("http://127.0.0.1:" + port), "x"))) {
            assertThatThrownBy(client::ping).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
                assertThat(e.getMessage()).contains("127.0.0.1:" + port);
            });
        }
    }

    @Test
    void calls_whileRegistryStopped_areUnreachable_andWorkAgainAfterRestart() {
        try (LocalRegistry registry = LocalRegistry.start();
             DistributionClient client = new DistributionClient(RegistrySettings.of(registry.url(), "x"))) {
            new TestPusher(registry).pushOciImage("up/down", "1", TestPusher.Arch.AMD64, Map.of());
            assertThat(client.catalog()).containsExactly("up/down");

            registry.stop();
            assertThatThrownBy(client::catalog).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE));

            registry.restart();
            assertThat(client.catalog()).containsExactly("up/down");
        }
    }

    @Test
    void read_ofSilentServer_timesOutAsUnreachable() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             DistributionClient client = new DistributionClient(RegistrySettings.of(
                     URI.create("http://127.0.0.1:" + silent.getLocalPort()), "x")
                     .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)))) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(5_000); // accept, never answer
                } catch (IOException | InterruptedException e) {
                    // test over
                }
            });
            assertThatThrownBy(client::ping).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE));
            acceptor.interrupt();
        }
    }

    @Test
    void blob_redirectedToAnotherHost_isFollowedWithoutAuthorization() throws IOException {
        List<String> registryAuth = new CopyOnWriteArrayList<>();
        List<String> storageAuth = new CopyOnWriteArrayList<>();
        byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
        HttpServer storage = server();
        storage.createContext("/bucket/", exchange -> {
            storageAuth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(200, content.length);
            exchange.getResponseBody().write(content);
            exchange.close();
        });
        HttpServer registry = server();
        registry.createContext("/v2/", exchange -> {
            registryAuth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            // "localhost" is another host than the configured 127.0.0.1, as object storage would be
            exchange.getResponseHeaders().add("Location",
                    "http://localhost:" + storage.getAddress().getPort() + "/bucket/blob?sig=abc");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        try (DistributionClient client = new DistributionClient(RegistrySettings.of(
                URI.create("http://127.0.0.1:" + registry.getAddress().getPort()), "x").withCredentials("u", "p"))) {
            byte[] blob = client.blob("some/repo", TestPusher.sha256(content), content.length);

            assertThat(blob).isEqualTo(content);
            assertThat(registryAuth).containsExactly("Basic dTpw");
            assertThat(storageAuth).containsExactly("null");
        } finally {
            registry.stop(0);
            storage.stop(0);
        }
    }

    @Test
    void manifest_withoutDigestHeader_usesSha256OfTheExactBody() throws IOException {
        byte[] body = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                + "b".repeat(64) + "\",\"size\":7},\"layers\":[]}  \n").getBytes(StandardCharsets.UTF_8);
        HttpServer registry = server();
        registry.createContext("/v2/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        try (DistributionClient client = new DistributionClient(RegistrySettings.of(
                URI.create("http://127.0.0.1:" + registry.getAddress().getPort()), "x"))) {
            assertThat(client.manifest("a/b", "v1").digest()).isEqualTo(TestPusher.sha256(body));
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void serverError_withErrorBody_isBadResponseCarryingTheRegistryMessage() throws IOException {
        byte[] body = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"storage backend exploded\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        HttpServer registry = server();
        registry.createContext("/v2/", exchange -> {
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        try (DistributionClient client = new DistributionClient(RegistrySettings.of(
                URI.create("http://127.0.0.1:" + registry.getAddress().getPort()), "x"))) {
            assertThatThrownBy(() -> client.tags("a/b")).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                assertThat(e.getMessage()).contains("storage backend exploded").contains("500");
            });
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void manifest_withFullAcceptList_readsOciIndexThatDistributionHidesOtherwise() {
        try (LocalRegistry registry = LocalRegistry.start();
             DistributionClient client = new DistributionClient(RegistrySettings.of(registry.url(), "x"))) {
            TestPusher.Index index = new TestPusher(registry).pushOciIndex("acc/ept", "1",
                    List.of(TestPusher.Arch.AMD64, TestPusher.Arch.ARM64), true);

            Manifest manifest = client.manifest("acc/ept", "1");

            assertThat(manifest).isInstanceOfSatisfying(Manifest.Index.class, i -> {
                assertThat(i.digest()).isEqualTo(index.digest());
                assertThat(i.mediaType()).isEqualTo(TestPusher.OCI_INDEX);
                assertThat(i.entries()).hasSize(3);
                assertThat(i.platformEntries()).extracting(e -> e.descriptor().digest())
                        .containsExactlyElementsOf(index.platforms().stream().map(TestPusher.Image::digest).toList());
            });
        }
    }

    private static HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
        return server;
    }

    @Test
    void configBlobOverTheLimit_isTooLarge_whileASmallerOneReadsVerified() {
        try (LocalRegistry registry = LocalRegistry.start();
             DistributionClient client = new DistributionClient(RegistrySettings.of(registry.url(), "x")
                     .withLimits(RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES, 4096, 100))) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image big = pusher.pushOciImage("limits/app", "big", TestPusher.Arch.AMD64,
                    Map.of("org.example.notes", "x".repeat(8192)));
            TestPusher.Image small = pusher.pushOciImage("limits/app", "small", TestPusher.Arch.AMD64, Map.of());

            assertThatThrownBy(() -> client.blob("limits/app", big.config().digest(), big.config().size()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE);
                        assertThat(e.getMessage()).contains("4096").contains("registry.max-config-bytes");
                    });
            assertThat(TestPusher.sha256(client.blob("limits/app", small.config().digest(), small.config().size())))
                    .isEqualTo(small.config().digest());
            assertThat(client.manifest("limits/app", "big").digest()).isEqualTo(big.digest());
        }
    }

    @Test
    void manifestOverTheLimit_ofARealRegistry_isTooLarge() {
        try (LocalRegistry registry = LocalRegistry.start();
             DistributionClient client = new DistributionClient(RegistrySettings.of(registry.url(), "x")
                     .withLimits(1024, RegistrySettings.DEFAULT_MAX_CONFIG_BYTES, 100))) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image small = pusher.pushOciImage("limits/app", "small", TestPusher.Arch.AMD64, Map.of());
            String oci = "application/vnd.oci.image.manifest.v1+json";
            byte[] annotated = ("{\"schemaVersion\":2,\"mediaType\":\"" + oci + "\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + small.config().digest()
                    + "\",\"size\":" + small.config().size() + "},\"layers\":[],\"annotations\":{\"note\":\""
                    + "x".repeat(2000) + "\"}}").getBytes(StandardCharsets.UTF_8);
            pusher.pushManifest("limits/app", "annotated", oci, annotated);

            assertThatThrownBy(() -> client.manifest("limits/app", "annotated"))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE);
                        assertThat(e.getMessage()).contains("1024").contains("registry.max-manifest-bytes");
                    });
            assertThat(client.manifest("limits/app", "small").digest()).isEqualTo(small.digest());
        }
    }
}
