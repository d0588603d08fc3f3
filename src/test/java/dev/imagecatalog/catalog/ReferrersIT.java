package dev.imagecatalog.catalog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.index.Attached;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.HostileRegistry;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestPusher.Blob;
import dev.imagecatalog.testing.TestResources;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A registry that serves the OCI 1.1 referrers API: a real registry (Distribution 2.8 stores the referrer
 * manifests, pushed untagged by digest) behind a front that answers {@code GET /v2/<name>/referrers/<digest>} with
 * the index a referrers-serving registry would build and passes every other request through. The referrers'
 * documents are attached to their subject with source {@code referrers}.
 */
class ReferrersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPO = "ref/app";
    private static final String BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private static final String SPDX = "application/spdx+json";

    @Test
    void servedReferrers_areAttachedToTheirSubject() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image image = pusher.pushOciImage(REPO, "1.0", Arch.AMD64, Map.of());
            Referrer bundle = pushReferrer(pusher, image.digest(), BUNDLE, "{\"mediaType\":\"" + BUNDLE + "\"}");
            Referrer sbom = pushReferrer(pusher, image.digest(), SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}");
            String referrers = JSON.writeValueAsString(Map.of("schemaVersion", 2,
                    "mediaType", TestPusher.OCI_INDEX, "manifests", List.of(bundle.descriptor(), sbom.descriptor())));
            String empty = "{\"schemaVersion\":2,\"mediaType\":\"" + TestPusher.OCI_INDEX + "\",\"manifests\":[]}";
            HostileRegistry front = HostileRegistry.start(req -> {
                if (req.path().startsWith("/v2/" + REPO + "/referrers/")) {
                    boolean subject = req.path().endsWith(image.digest());
                    return HostileRegistry.Answer.bytes(200, TestPusher.OCI_INDEX,
                            (subject ? referrers : empty).getBytes(StandardCharsets.UTF_8));
                }
                return forward(http, registry.url(), req);
            });
            try (RegistryCatalog catalog = RegistryCatalog.create(RegistrySettings.of(front.url(), "localhost:5001"))) {
                catalog.crawl();
                List<Attached> attached = catalog.attachments(REPO).toTag(catalog.tags(REPO).getFirst());
                assertThat(attached).extracting(Attached::kind, Attached::digest, Attached::size,
                                Attached::mediaType, Attached::source, Attached::manifest)
                        .containsExactlyInAnyOrder(
                                tuple(Attached.Kind.SIGNATURE, bundle.layer().digest(), bundle.layer().size(), BUNDLE,
                                        Attached.Source.REFERRERS, bundle.digest()),
                                tuple(Attached.Kind.SBOM, sbom.layer().digest(), sbom.layer().size(), SPDX,
                                        Attached.Source.REFERRERS, sbom.digest()));
                // re-reads keep asking a registry that serves it (one request per tagged manifest)
                catalog.reread(REPO);
                assertThat(front.count("GET", "/v2/" + REPO + "/referrers/")).isEqualTo(2);
            } finally {
                TestResources.closeAll(front);
            }
        }
    }

    private record Referrer(String digest, long size, Blob layer, String artifactType) {
        Map<String, Object> descriptor() {
            return Map.of("mediaType", TestPusher.OCI_MANIFEST, "digest", digest, "size", size,
                    "artifactType", artifactType);
        }
    }

    /** An OCI 1.1 artifact naming {@code subject}: the empty config, one layer, pushed by digest (untagged). */
    private static Referrer pushReferrer(TestPusher pusher, String subject, String type, String document)
            throws Exception {
        Blob config = pusher.pushBlob(REPO, "{}".getBytes(StandardCharsets.UTF_8), TestPusher.OCI_EMPTY);
        Blob layer = pusher.pushBlob(REPO, document.getBytes(StandardCharsets.UTF_8), type);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", TestPusher.OCI_MANIFEST);
        manifest.put("artifactType", type);
        manifest.put("config", Map.of("mediaType", TestPusher.OCI_EMPTY, "digest", config.digest(), "size", 2));
        manifest.put("layers", List.of(Map.of("mediaType", type, "digest", layer.digest(), "size", layer.size())));
        manifest.put("subject", Map.of("mediaType", TestPusher.OCI_MANIFEST, "digest", subject, "size", 1));
        byte[] body = JSON.writeValueAsBytes(manifest);
        String digest = "sha256:" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(body));
        pusher.pushManifest(REPO, digest, TestPusher.OCI_MANIFEST, body);
        return new Referrer(digest, body.length, layer, type);
    }

    /** Passes a request to the real registry and its answer back (status, body, the headers the client reads). */
    private static HostileRegistry.Answer forward(HttpClient http, URI registry, HostileRegistry.Request req) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(registry.resolve(req.target()))
                    .method(req.method(), HttpRequest.BodyPublishers.noBody());
            String accept = req.headers().get("accept");
            if (accept != null) {
                b.header("Accept", accept);
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            HostileRegistry.Answer answer = HostileRegistry.Answer.bytes(r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse("application/octet-stream"), r.body());
            for (String h : List.of("Docker-Content-Digest", "Link")) {
                String value = r.headers().firstValue(h).orElse(null);
                if (value != null) {
                    answer = answer.header(h, value);
                }
            }
            return answer;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
