package dev.imagecatalog.deploy;

import dev.imagecatalog.ReadOnlyApp;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.webserver.WebServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code docker-registry/config.yml} proven for real: images pushed (with skopeo, as {@code docker push} would)
 * into a registry running this file on S3 storage, then listed with their sizes by the catalog's registry adapter.
 * The images are first pushed by {@link TestPusher} to a plain local registry, so the expected digests and sizes are
 * computed from the pushed bytes, not by the code under test.
 */
class RegistryOnS3IT {

    private static LocalRegistry source;
    private static TestPusher pusher;
    private static S3RegistryServer registry;
    private static RegistryCatalog catalog;
    private static WebServer service;
    private static final String EVENTS_TOKEN = "s3-events-token";

    @BeforeAll
    static void start() throws Exception {
        source = LocalRegistry.start();
        pusher = new TestPusher(source);
        int servicePort = LocalRegistry.freePort();
        registry = S3RegistryServer.start(Map.of("REGISTRY_NOTIFICATIONS_ENDPOINTS",
                notificationEndpoints("http://127.0.0.1:" + servicePort, EVENTS_TOKEN)));
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), "localhost:5001"),
                IndexSettings.defaults().withEventsToken(EVENTS_TOKEN));
        service = WebServer.builder().host("127.0.0.1").port(servicePort)
                .update(builder -> ReadOnlyApp.setup(builder, catalog)).build().start();
    }

    /**
     * The notification endpoints exactly as scripts/registry-container.sh hands them to the registry container, with
     * the catalog's address and token of this test in place of the kind NodePort and .env's token.
     */
    static String notificationEndpoints(String catalogBase, String token) throws IOException {
        String script = Files.readString(Path.of("scripts/registry-container.sh"));
        Matcher m = Pattern.compile("REGISTRY_NOTIFICATIONS_ENDPOINTS=\"(.*?)\"", Pattern.DOTALL).matcher(script);
        assertThat(m.find()).as("registry-container.sh sets REGISTRY_NOTIFICATIONS_ENDPOINTS").isTrue();
        return m.group(1).replace("http://$KIND_CLUSTER_NAME-control-plane:30080", catalogBase)
                .replace("$REGISTRY_EVENTS_TOKEN", token);
    }

    @Test
    void notifications_asTheKindScriptConfiguresThem_reachTheCatalog_withItsToken() throws Exception {
        TestPusher.Image pushed = pusher.pushOciImage("demo/notified", "v1", Arch.AMD64, Map.of());

        copy("demo/notified:v1", false);

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (catalog.index().get("demo/notified") == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        // indexed by the event alone: no view asked for it
        assertThat(catalog.index().get("demo/notified")).as("registry log:%n%s", registry.log()).isNotNull();
        assertThat(catalog.index().get("demo/notified").tag("v1").digest()).isEqualTo(pushed.digest());
        assertThat(catalog.status().lastEvent()).isNotNull();
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(service, catalog, registry, source);
    }

    @Test
    void image_pushedThroughTheRegistry_landsInS3_andIsListedWithItsSize() throws Exception {
        TestPusher.Image pushed = pusher.pushDockerImage("demo/busybox", "1.37.0", Arch.AMD64, Map.of());

        copy("demo/busybox:1.37.0", false);

        assertThat(catalog.repositories(null)).contains("demo/busybox");
        assertThat(catalog.tags("demo/busybox")).singleElement().satisfies(tag -> {
            assertThat(tag.name()).isEqualTo("1.37.0");
            assertThat(tag.digest()).isEqualTo(pushed.digest());
            assertThat(tag.size()).isEqualTo(pushed.size());
            assertThat(tag.platforms()).singleElement().extracting(PlatformImage::size).isEqualTo(pushed.size());
        });
        // the bytes are in the bucket, where the registry's S3 driver keeps them
        for (TestPusher.Blob layer : pushed.layers()) {
            assertThat(registry.objectExists(blobKey(layer.digest()))).as(layer.digest()).isTrue();
        }
        assertThat(registry.objectExists(blobKey(pushed.config().digest()))).isTrue();
        assertThat(registry.objectExists(
                "docker/registry/v2/repositories/demo/busybox/_manifests/tags/1.37.0/current/link")).isTrue();
    }

    @Test
    void multiArchIndex_isListedWithOneSizePerPlatform() throws Exception {
        TestPusher.Index pushed = pusher.pushOciIndex("demo/alpine", "3.22", List.of(Arch.AMD64, Arch.ARM64), false);

        copy("demo/alpine:3.22", true);

        TagSummary tag = catalog.tags("demo/alpine").getFirst();
        assertThat(tag.digest()).isEqualTo(pushed.digest());
        assertThat(tag.platforms()).extracting(p -> p.platform().architecture(), PlatformImage::digest, PlatformImage::size)
                .containsExactlyElementsOf(pushed.platforms().stream()
                        .map(image -> tuple(image.arch().architecture(), image.digest(), image.size()))
                        .toList());
    }

    @Test
    void blobs_areServedByTheRegistry_notRedirectedToS3() throws Exception {
        TestPusher.Image pushed = pusher.pushOciImage("demo/redirect", "v1", Arch.AMD64, Map.of());
        copy("demo/redirect:v1", false);
        HttpClient noRedirects = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<byte[]> blob = noRedirects.send(HttpRequest.newBuilder(
                        registry.url().resolve("/v2/demo/redirect/blobs/" + pushed.layers().getFirst().digest())).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        // redirect.disable: true — a pre-signed MinIO URL would not be reachable from the host or the nodes
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(blob.headers().firstValue("Location")).isEmpty();
        assertThat(TestPusher.sha256(blob.body())).isEqualTo(pushed.layers().getFirst().digest());
    }

    @Test
    void manifests_canBeDeleted() throws Exception {
        TestPusher.Image pushed = pusher.pushOciImage("demo/deleted", "v1", Arch.AMD64, Map.of());
        copy("demo/deleted:v1", false);

        HttpResponse<Void> delete = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        registry.url().resolve("/v2/demo/deleted/manifests/" + pushed.digest())).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());

        // storage.delete.enabled: true (otherwise 405 UNSUPPORTED)
        assertThat(delete.statusCode()).isEqualTo(202);
    }

    /** Copies a tag from the source registry into the S3-backed one, keeping the manifest bytes (digests). */
    private static void copy(String reference, boolean all) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy",
                "--src-tls-verify=false", "--dest-tls-verify=false", "--preserve-digests", "--retry-times", "2"));
        if (all) {
            command.add("--all");
        }
        command.add("docker://" + source.hostPort() + "/" + reference);
        command.add("docker://" + registry.hostPort() + "/" + reference);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("skopeo copy %s:%n%s%nregistry log:%n%s", reference, output, registry.log())
                .isZero();
    }

    private static String blobKey(String digest) {
        String hex = digest.substring("sha256:".length());
        return "docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data";
    }
}
