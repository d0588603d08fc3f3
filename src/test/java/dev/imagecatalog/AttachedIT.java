package dev.imagecatalog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.CosignSidecars;
import dev.imagecatalog.testing.CosignSidecars.Sidecar;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestResources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Signatures, SBOMs and attestations belong to their image (issue 16), against a real registry (Distribution 2.8:
 * no referrers API) holding an image signed, attested and given an SBOM the cosign way (sidecar tags with cosign's
 * manifests, media types and annotations, pushed here), a buildx index with attestation manifests, and a sidecar
 * whose image was deleted. Every expected digest and size is what the test pushed.
 */
@ServerTest
class AttachedIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String REPO = "signed/app";
    private static final String IDENTITY = "dev@example.com";
    private static final String ISSUER = "https://accounts.example.com";
    private static final String SLSA = "https://slsa.dev/provenance/v1";
    private static final String VULN = "https://cosign.sigstore.dev/attestation/vuln/v1";

    private static LocalRegistry registry;
    private static RegistryCatalog catalog;
    private static TestPusher.Image signed;
    private static TestPusher.Image plain;
    private static TestPusher.Index buildx;
    private static Sidecar sig;
    private static Sidecar att;
    private static Sidecar sbom;
    private static Sidecar orphan;
    private static byte[] spdx;
    private static final String BIG_REPO = "big/app";
    private static Sidecar bigSbom;
    private static TestPusher.Image fallbackSubject;
    private static TestPusher.Blob fallbackSbom;
    private static String fallbackArtifact;

    private final URI server;

    AttachedIT(URI server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        registry = LocalRegistry.start();
        TestPusher pusher = new TestPusher(registry);
        CosignSidecars cosign = new CosignSidecars(pusher);
        signed = pusher.pushOciImage(REPO, "1.0", Arch.AMD64, Map.of());
        plain = pusher.pushOciImage(REPO, "plain", Arch.ARM64, Map.of());
        sig = cosign.sign(REPO, signed.digest(), CosignSidecars.fulcioLikeCertificate(IDENTITY, ISSUER));
        att = cosign.attest(REPO, signed.digest(), List.of(SLSA, VULN));
        spdx = "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"<script>alert(1)</script>\"}".getBytes(StandardCharsets.UTF_8);
        sbom = cosign.sbom(REPO, signed.digest(), CosignSidecars.SPDX, spdx);
        // an image signed and then deleted: its signature stays behind
        TestPusher.Image gone = pusher.pushOciImage(REPO, "gone", Arch.AMD64, Map.of("gone", "yes"));
        orphan = cosign.sign(REPO, gone.digest(), null);
        pusher.deleteManifest(REPO, gone.digest());
        buildx = pusher.pushBuildxIndex("buildx/app", "1.0", List.of(Arch.AMD64, Arch.ARM64), 2_000);
        // OCI 1.1's fallback for a registry without referrers API: an index tagged sha256-<hex> listing the artifacts
        fallbackSubject = pusher.pushOciImage("fallback/app", "1.0", Arch.AMD64, Map.of());
        TestPusher.Blob empty = pusher.pushBlob("fallback/app", "{}".getBytes(StandardCharsets.UTF_8),
                TestPusher.OCI_EMPTY);
        fallbackSbom = pusher.pushBlob("fallback/app", "{\"bomFormat\":\"CycloneDX\"}".getBytes(StandardCharsets.UTF_8),
                CosignSidecars.CYCLONEDX);
        byte[] artifact = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestPusher.OCI_MANIFEST + "\",\"artifactType\":\""
                + CosignSidecars.CYCLONEDX + "\",\"config\":{\"mediaType\":\"" + TestPusher.OCI_EMPTY + "\",\"digest\":\""
                + empty.digest() + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + CosignSidecars.CYCLONEDX
                + "\",\"digest\":\"" + fallbackSbom.digest() + "\",\"size\":" + fallbackSbom.size() + "}],"
                + "\"subject\":{\"mediaType\":\"" + TestPusher.OCI_MANIFEST + "\",\"digest\":\"" + fallbackSubject.digest()
                + "\",\"size\":" + fallbackSubject.manifestSize() + "}}").getBytes(StandardCharsets.UTF_8);
        fallbackArtifact = pusher.pushManifest("fallback/app", TestPusher.sha256(artifact), TestPusher.OCI_MANIFEST,
                artifact);
        byte[] fallbackIndex = ("{\"schemaVersion\":2,\"mediaType\":\"" + TestPusher.OCI_INDEX + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + TestPusher.OCI_MANIFEST + "\",\"artifactType\":\"" + CosignSidecars.CYCLONEDX
                + "\",\"digest\":\"" + fallbackArtifact + "\",\"size\":" + artifact.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        pusher.pushManifest("fallback/app", fallbackSubject.digest().replace(':', '-'), TestPusher.OCI_INDEX,
                fallbackIndex);
        // an SBOM one byte over the download cap (real ones of large images run to megabytes)
        TestPusher.Image big = pusher.pushOciImage(BIG_REPO, "1.0", Arch.AMD64, Map.of());
        String prefix = "{\"spdxVersion\":\"SPDX-2.3\",\"comment\":\"";
        bigSbom = cosign.sbom(BIG_REPO, big.digest(), CosignSidecars.SPDX, (prefix
                + "x".repeat(1024 * 1024 + 1 - prefix.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8));
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()));
        catalog.crawl();
        ReadOnlyApp.setup(builder, catalog);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(catalog, registry);
    }

    @Test
    void tagsList_namesTheKindsAttachedToEachTag_andEachSidecarsSubject() throws Exception {
        Map<String, JsonNode> tags = byName(json("/api/repositories/" + REPO + "/tags").get("tags"));
        assertThat(texts(tags.get("1.0").get("attached"))).containsExactly("signature", "sbom", "attestation");
        assertThat(texts(tags.get("plain").get("attached"))).isEmpty();
        assertThat(tags.get("1.0").get("sidecarOf").isNull()).isTrue();
        for (Sidecar s : List.of(sig, att, sbom)) {
            assertThat(tags.get(s.tag()).get("sidecarOf").asText()).as(s.tag()).isEqualTo(signed.digest());
            assertThat(tags.get(s.tag()).get("orphaned").asBoolean()).as(s.tag()).isFalse();
        }
        assertThat(tags.get(orphan.tag()).get("sidecarOf").asText()).isNotEqualTo(signed.digest());
        assertThat(tags.get(orphan.tag()).get("orphaned").asBoolean()).isTrue();
        assertThat(tags).doesNotContainKey("gone");
    }

    @Test
    void tagDocument_listsEachAttachedDocument_withDigestSizeMediaTypeAndPredicate() throws Exception {
        JsonNode attached = json("/api/repositories/" + REPO + "/tags/1.0").get("attached");
        List<JsonNode> all = new ArrayList<>();
        attached.forEach(all::add);
        assertThat(all).extracting(a -> a.get("kind").asText(), a -> a.get("digest").asText(),
                        a -> a.get("size").asLong(), a -> a.get("mediaType").asText(),
                        a -> a.get("predicateType").isNull() ? null : a.get("predicateType").asText(),
                        a -> a.get("source").asText())
                .containsExactlyInAnyOrder(
                        tuple("signature", sig.layers().get(0).digest(), sig.layers().get(0).size(),
                                CosignSidecars.SIMPLE_SIGNING, null, "tag"),
                        tuple("sbom", sbom.layers().get(0).digest(), (long) spdx.length, CosignSidecars.SPDX, null,
                                "tag"),
                        tuple("attestation", att.layers().get(0).digest(), att.layers().get(0).size(),
                                CosignSidecars.DSSE, SLSA, "tag"),
                        tuple("attestation", att.layers().get(1).digest(), att.layers().get(1).size(),
                                CosignSidecars.DSSE, VULN, "tag"));
        JsonNode signature = all.stream().filter(a -> a.get("kind").asText().equals("signature")).findFirst()
                .orElseThrow();
        assertThat(signature.get("identity").asText()).isEqualTo(IDENTITY);
        assertThat(signature.get("issuer").asText()).isEqualTo(ISSUER);
        assertThat(signature.get("tag").asText()).isEqualTo(sig.tag());
        assertThat(all.stream().filter(a -> a.get("kind").asText().equals("sbom")).findFirst().orElseThrow()
                .get("format").asText()).isEqualTo("SPDX");
        assertThat(json("/api/repositories/" + REPO + "/tags/plain").get("attached")).isEmpty();
    }

    @Test
    void buildxIndex_attachesItsAttestationManifests_asSbomAndProvenance() throws Exception {
        JsonNode attached = json("/api/repositories/buildx/app/tags/1.0").get("attached");
        List<JsonNode> all = new ArrayList<>();
        attached.forEach(all::add);
        List<Object[]> expected = new ArrayList<>();
        for (TestPusher.Image a : buildx.attestations()) {
            expected.add(new Object[] {"sbom", a.layers().get(0).digest(), a.layers().get(0).size(),
                    "https://spdx.dev/Document", "index", a.digest()});
            expected.add(new Object[] {"attestation", a.layers().get(1).digest(), a.layers().get(1).size(),
                    "https://slsa.dev/provenance/v0.2", "index", a.digest()});
        }
        assertThat(all).extracting(a -> new Object[] {a.get("kind").asText(), a.get("digest").asText(),
                        a.get("size").asLong(), a.get("predicateType").asText(), a.get("source").asText(),
                        a.get("manifest").asText()})
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyInAnyOrderElementsOf(expected);
        Map<String, JsonNode> tags = byName(json("/api/repositories/buildx/app/tags").get("tags"));
        assertThat(texts(tags.get("1.0").get("attached"))).containsExactly("sbom", "attestation");
    }

    @Test
    void repositoryPage_foldsSidecars_showsBadges_andListsTheOrphan() throws Exception {
        String page = get("/repositories/" + REPO).body();
        assertThat(page).contains(">signed<", ">SBOM<", ">attested<", "signatures are not verified")
                .contains("id=\"tag-count\">2 tags")
                .doesNotContain("href=\"/repositories/" + REPO + "/tags/" + sig.tag() + "\"")
                .doesNotContain("href=\"/repositories/" + REPO + "/tags/" + att.tag() + "\"");
        // the orphan is listed (with its size) even while the sidecars are folded
        String orphans = page.substring(page.indexOf("id=\"orphans\""));
        long orphanSize = catalog.attachments(REPO).sidecar(orphan.tag()).size();
        assertThat(orphanSize).isEqualTo(orphan.layers().get(0).size() + configSize(orphan));
        assertThat(orphans).contains(orphan.tag(), "orphaned", dev.imagecatalog.web.http.Formats.size(orphanSize));

        String shown = get("/repositories/" + REPO + "?sidecars=show").body();
        assertThat(shown).contains("href=\"/repositories/" + REPO + "/tags/" + sig.tag() + "\"",
                "href=\"/repositories/" + REPO + "/tags/" + sbom.tag() + "\"", "Hide them", "id=\"tag-count\">6 tags");
        // filtering and sorting keep them shown
        assertThat(shown).contains("<input type=\"hidden\" name=\"sidecars\" value=\"show\">",
                "?sort=name&amp;sidecars=show\"", "?sort=size&amp;sidecars=show\"");
        assertThat(page).doesNotContain("name=\"sidecars\"", "&amp;sidecars=show\"");
        JsonNode listing = json("/api/repositories");
        for (JsonNode r : listing.get("repositories")) {
            if (r.get("name").asText().equals(REPO)) {
                assertThat(r.get("tagCount").asInt()).as("sidecars are not counted").isEqualTo(2);
            }
        }
    }

    @Test
    void tagPage_listsWhatIsAttached_withDownloadLinks() throws Exception {
        String page = get("/repositories/" + REPO + "/tags/1.0").body();
        String section = page.substring(page.indexOf("id=\"attached\""));
        assertThat(section).contains(IDENTITY, ISSUER, SLSA, VULN, "SPDX", "not verified",
                "/api/repositories/" + REPO + "/attached/" + sbom.layers().get(0).digest());
        String sidecarPage = get("/repositories/" + REPO + "/tags/" + orphan.tag()).body();
        assertThat(sidecarPage).contains("id=\"sidecar-of\"", "orphaned");
    }

    @Test
    void download_servesOnlyAttachedDocuments_asAttachments_neverAsHtml() throws Exception {
        HttpResponse<byte[]> doc = HTTP.send(HttpRequest.newBuilder(server.resolve("/api/repositories/" + REPO
                + "/attached/" + sbom.layers().get(0).digest())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.body()).isEqualTo(spdx);
        assertThat(doc.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(doc.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
        assertThat(doc.headers().firstValue("X-Content-Type-Options").orElseThrow()).isEqualTo("nosniff");

        // an image layer of this repository is no attached document; nor is a document of another repository
        assertThat(get("/api/repositories/" + REPO + "/attached/" + signed.layers().get(0).digest()).statusCode())
                .isEqualTo(404);
        assertThat(get("/api/repositories/buildx/app/attached/" + sbom.layers().get(0).digest()).statusCode())
                .isEqualTo(404);
        HttpResponse<String> bad = get("/api/repositories/" + REPO + "/attached/not-a-digest");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("not a digest");
    }

    @Test
    void documentOverTheCap_isRefusedWith413_andThePageGivesTheCommandThatFetchesIt() throws Exception {
        String digest = bigSbom.layers().get(0).digest();
        assertThat(bigSbom.layers().get(0).size()).isEqualTo(1024 * 1024 + 1);

        HttpResponse<String> refused = get("/api/repositories/" + BIG_REPO + "/attached/" + digest);
        String page = get("/repositories/" + BIG_REPO + "/tags/1.0").body();

        // the limit is this service's: no 502 (that would blame the registry), and the way around it is named
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("1048577 bytes", "oras blob fetch", BIG_REPO + "@" + digest);
        String section = page.substring(page.indexOf("id=\"attached\""));
        assertThat(section).contains("attached-too-large", "oras blob fetch --output " + digest.replace(':', '-')
                        + ".json " + registry.hostPort() + "/" + BIG_REPO + "@" + digest)
                .doesNotContain("/api/repositories/" + BIG_REPO + "/attached/" + digest);
    }

    @Test
    void search_leavesSidecarTagsOut() throws Exception {
        String page = get("/search?q=" + signed.digest().substring(7, 19)).body();
        assertThat(page).contains(">1.0<").doesNotContain(sig.tag());
    }

    @Test
    void fallbackTag_ofAnOci11Registry_foldsItsArtifactsUnderTheSubject() throws Exception {
        Map<String, JsonNode> tags = byName(json("/api/repositories/fallback/app/tags").get("tags"));
        String fallbackTag = fallbackSubject.digest().replace(':', '-');
        assertThat(tags.get(fallbackTag).get("sidecarOf").asText()).isEqualTo(fallbackSubject.digest());
        assertThat(texts(tags.get("1.0").get("attached"))).containsExactly("sbom");
        JsonNode only = json("/api/repositories/fallback/app/tags/1.0").get("attached").get(0);
        assertThat(only.get("digest").asText()).isEqualTo(fallbackSbom.digest());
        assertThat(only.get("format").asText()).isEqualTo("CycloneDX");
        assertThat(only.get("manifest").asText()).isEqualTo(fallbackArtifact);
        assertThat(only.get("tag").asText()).isEqualTo(fallbackTag);
    }

    @Test
    void referrersApi_isAskedOncePerRepository_andItsNotFoundRemembered() {
        // Distribution 2.8 answers 404: the first read of each repository asked once; re-reads ask no more
        catalog.reconcile();
        catalog.reread(REPO);
        catalog.reread(REPO);
        assertThat(registry.countRequests("GET", "/v2/" + REPO + "/referrers/")).isEqualTo(1);
        assertThat(registry.countRequests("GET", "/v2/buildx/app/referrers/")).isEqualTo(1);
    }

    private static long configSize(Sidecar s) throws Exception {
        // cosign's config: the manifest's config descriptor (read back from the registry)
        HttpResponse<String> m = HTTP.send(HttpRequest.newBuilder(registry.url().resolve("/v2/" + REPO
                        + "/manifests/" + s.digest())).header("Accept", TestPusher.OCI_MANIFEST).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(m.body()).get("config").get("size").asLong();
    }

    private static Map<String, JsonNode> byName(JsonNode tags) {
        Map<String, JsonNode> out = new HashMap<>();
        tags.forEach(t -> out.put(t.get("name").asText(), t));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> res = get(path);
        assertThat(res.statusCode()).as(path + ": " + res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }
}
