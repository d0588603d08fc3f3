package dev.imagecatalog.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.imagecatalog.testing.SeededRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness seeds a real registry whose answers match what it pushed (checked with the JDK client only). */
class HarnessSmokeIT {

    @Test
    void seededRegistry_servesEveryPushedManifestUnderItsDigest() throws Exception {
        try (SeededRegistry seeded = SeededRegistry.start()) {
            HttpClient http = HttpClient.newHttpClient();
            for (var image : java.util.List.of(seeded.amd64Only(), seeded.arm64Only(), seeded.dockerSingle(),
                    seeded.labelled(), seeded.helmChart(), seeded.artifact(), seeded.signature())) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(seeded.registry().url()
                                + "/v2/" + image.repository() + "/manifests/" + image.tag()))
                        .header("Accept", image.mediaType()).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).as(image.repository()).isEqualTo(200);
                assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(image.digest());
            }
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(seeded.registry().url()
                            + "/v2/broken/partial/manifests/" + seeded.partialIndex().missing().getFirst().digest()))
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(seeded.registry().countRequests("GET", "/v2/oci/amd64-only/manifests/")).isEqualTo(1);
        }
    }

    @Test
    void tokenRegistry_acceptsPushesWithTokensFromTheTokenServer() throws Exception {
        try (var tokens = dev.imagecatalog.testing.TokenServer.start("alice", "s3cret");
             var registry = dev.imagecatalog.testing.LocalRegistry.startWithTokenAuth(tokens)) {
            var pushed = new dev.imagecatalog.testing.TestPusher(registry).pushOciImage("secure/app", "v1",
                    dev.imagecatalog.testing.TestPusher.Arch.AMD64, java.util.Map.of());
            HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(registry.url() + "/v2/secure/app/manifests/v1")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .startsWith("Bearer ").contains("scope=\"repository:secure/app:pull\"");
            assertThat(pushed.digest()).startsWith("sha256:");
            var oci = dev.imagecatalog.testing.OciImages.push(registry, "secure/skopeo", "1", "linux", "amd64", java.util.Map.of());
            assertThat(oci.digest()).startsWith("sha256:");
        }
    }

    @Test
    void basicRegistry_acceptsPushesWithCredentials() {
        try (var registry = dev.imagecatalog.testing.LocalRegistry.startWithBasicAuth("bob", "pw")) {
            var pushed = new dev.imagecatalog.testing.TestPusher(registry).pushOciImage("b/app", "v1",
                    dev.imagecatalog.testing.TestPusher.Arch.AMD64, java.util.Map.of());
            assertThat(pushed.digest()).startsWith("sha256:");
        }
    }
}
