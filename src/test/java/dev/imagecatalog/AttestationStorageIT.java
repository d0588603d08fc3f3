package dev.imagecatalog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.Storage;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestPusher.Blob;
import dev.imagecatalog.testing.TestResources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Storage counts every blob the registry stores for a buildx-shaped image: an index of two platforms, each with an
 * attestation manifest whose layers are an in-toto SBOM and provenance. The attestations' configs and layers count
 * in the repository's {@code size}, the registry total and the unique/shared figures; a delete frees them and every
 * manifest's own bytes; yet attestations are no platform (neither listed nor runnable). Every expected number is
 * computed here from the bytes the test pushed to a real registry.
 */
@ServerTest
class AttestationStorageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalRegistry registry;
    private static RegistryCatalog catalog;
    private static TestPusher.Index app;
    private static TestPusher.Image base;
    private static Blob shared;

    private final URI server;

    AttestationStorageIT(URI server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        registry = LocalRegistry.start();
        TestPusher pusher = new TestPusher(registry);
        app = pusher.pushBuildxIndex("buildx/app", "1.0", List.of(Arch.AMD64, Arch.ARM64), 60_000);
        // another repository built on the amd64 image's first layer: that layer is shared, the rest of app unique
        TestPusher.Image amd64 = app.platforms().getFirst();
        shared = amd64.layers().getFirst();
        base = pusher.pushOciImageOnTopOf("buildx/base", "1", amd64);
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()));
        catalog.crawl();
        ReadOnlyApp.setup(builder, catalog);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(catalog, registry);
    }

    @Test
    void repositorySizeAndRegistryTotal_countTheAttestationsConfigsAndLayers() throws Exception {
        JsonNode doc = json("/api/repositories");
        Map<String, JsonNode> byName = new HashMap<>();
        doc.get("repositories").forEach(r -> byName.put(r.get("name").asText(), r));

        long attestationBytes = app.attestations().stream().mapToLong(TestPusher.Image::size).sum();
        assertThat(attestationBytes).as("the SBOMs are tens of KB").isGreaterThan(2 * 60_000);
        assertThat(byName.get("buildx/app").get("size").asLong()).isEqualTo(appSize());
        assertThat(byName.get("buildx/base").get("size").asLong()).isEqualTo(distinct(base));
        // the layer buildx/base shares with the amd64 image counts once
        assertThat(doc.get("total").get("size").asLong()).isEqualTo(appSize() + distinct(base)
                - baseLayersAlsoInApp());
    }

    @Test
    void uniqueAndShared_countTheAttestationsBlobs() throws Exception {
        long sharedBytes = baseLayersAlsoInApp();
        assertThat(sharedBytes).isEqualTo(shared.size() + app.platforms().getFirst().layers().get(1).size());
        assertThat(catalog.storage("buildx/app")).isEqualTo(new Storage(appSize(), appSize() - sharedBytes,
                sharedBytes));

        String page = get("/repositories/buildx/app").body();
        assertThat(page).contains("id=\"storage\"")
                .contains(String.format("%,d bytes", appSize() - sharedBytes))
                .contains(String.format("%,d bytes", sharedBytes));
    }

    @Test
    void attestations_areNoPlatform_neitherListedNorRunnable() throws Exception {
        JsonNode repo = null;
        for (JsonNode r : json("/api/repositories").get("repositories")) {
            if (r.get("name").asText().equals("buildx/app")) {
                repo = r;
            }
        }
        assertThat(repo).isNotNull();
        List<String> platforms = new ArrayList<>();
        repo.get("platforms").forEach(p -> platforms.add(p.asText()));
        assertThat(platforms).containsExactly("linux/amd64", "linux/arm64/v8");

        JsonNode tag = json("/api/repositories/buildx/app/tags").get("tags").get(0);
        List<String> digests = new ArrayList<>();
        tag.get("platforms").forEach(p -> digests.add(p.get("digest").asText()));
        assertThat(digests).containsExactlyElementsOf(app.platforms().stream().map(TestPusher.Image::digest).toList());
        assertThat(tag.get("runnable").asBoolean()).isTrue();
        assertThat(tag.get("size").isNull()).isTrue();
    }

    @Test
    void deletingTheIndex_freesItsUnsharedBlobsAndEveryManifestItStandsFor() throws Exception {
        long manifests = app.manifestSize()
                + Stream.concat(app.platforms().stream(), app.attestations().stream())
                        .mapToLong(TestPusher.Image::manifestSize).sum();
        long expected = appSize() - baseLayersAlsoInApp() + manifests;
        assertThat(catalog.freedByDelete("buildx/app", app.digest())).isEqualTo(expected);
        assertThat(get("/repositories/buildx/app/tags/1.0").body()).contains("id=\"freed\"")
                .contains(String.format("%,d bytes", expected));
    }

    @Test
    void anUnreadableAttestation_leavesTheImageListedAndRunnable_onlyItsBytesUncounted() {
        try (LocalRegistry own = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(own);
            TestPusher.Image child = pusher.pushOciImage("odd/app", "amd64", Arch.AMD64, Map.of());
            // an attestation manifest over registry.max-manifest-bytes (1 KiB here): too large to read
            String oci = TestPusher.OCI_MANIFEST;
            byte[] attestation = ("{\"schemaVersion\":2,\"mediaType\":\"" + oci + "\",\"config\":{\"mediaType\":\""
                    + TestPusher.OCI_CONFIG + "\",\"digest\":\"" + child.config().digest() + "\",\"size\":"
                    + child.config().size() + "},\"layers\":[],\"annotations\":{\"note\":\"" + "x".repeat(2000)
                    + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String attestationDigest = pusher.pushManifest("odd/app", TestPusher.sha256(attestation), oci, attestation);
            byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestPusher.OCI_INDEX + "\",\"manifests\":["
                    + "{\"mediaType\":\"" + oci + "\",\"digest\":\"" + child.digest() + "\",\"size\":"
                    + child.manifestSize() + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                    + "{\"mediaType\":\"" + oci + "\",\"digest\":\"" + attestationDigest + "\",\"size\":"
                    + attestation.length + ",\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"},"
                    + "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\","
                    + "\"vnd.docker.reference.digest\":\"" + child.digest() + "\"}}]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            pusher.pushManifest("odd/app", "1", TestPusher.OCI_INDEX, index);

            try (RegistryCatalog odd = RegistryCatalog.create(RegistrySettings.of(own.url(), own.hostPort())
                    .withLimits(1024, RegistrySettings.DEFAULT_MAX_CONFIG_BYTES, 100))) {
                odd.crawl();
                var tag = odd.tags("odd/app").stream().filter(t -> t.name().equals("1")).findFirst().orElseThrow();
                assertThat(tag.error()).isNull();
                assertThat(tag.runnable()).isTrue();
                assertThat(tag.platforms()).extracting(p -> p.digest()).containsExactly(child.digest());
                assertThat(odd.storage("odd/app").total()).isEqualTo(child.size());
            }
        }
    }

    // ---- expected values, from the pushed bytes ---------------------------------------------------------------

    /** Distinct configs and layers of the index: both platforms and both attestations. */
    private static long appSize() {
        Map<String, Long> blobs = new HashMap<>();
        Stream.concat(app.platforms().stream(), app.attestations().stream()).forEach(i -> blobsOf(i, blobs));
        return blobs.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long distinct(TestPusher.Image image) {
        Map<String, Long> blobs = new HashMap<>();
        blobsOf(image, blobs);
        return blobs.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Bytes of buildx/base's blobs that buildx/app references too (the amd64 layers it was built on). */
    private static long baseLayersAlsoInApp() {
        Map<String, Long> inApp = new HashMap<>();
        Stream.concat(app.platforms().stream(), app.attestations().stream()).forEach(i -> blobsOf(i, inApp));
        Map<String, Long> inBase = new HashMap<>();
        blobsOf(base, inBase);
        return inBase.entrySet().stream().filter(e -> inApp.containsKey(e.getKey())).mapToLong(Map.Entry::getValue)
                .sum();
    }

    private static void blobsOf(TestPusher.Image image, Map<String, Long> into) {
        into.put(image.config().digest(), image.config().size());
        image.layers().forEach(l -> into.put(l.digest(), l.size()));
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> res = get(path);
        assertThat(res.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
