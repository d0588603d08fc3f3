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
}
