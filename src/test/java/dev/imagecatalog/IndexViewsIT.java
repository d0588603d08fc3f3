package dev.imagecatalog;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.Http;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestPusher.Blob;
import dev.imagecatalog.testing.TestResources;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the index makes possible, against a real registry whose content the test pushed itself: per-repository
 * tag counts, sizes (distinct blobs) and platforms, the registry's distinct total, sorting by size, bytes unique to
 * a repository vs shared, bytes a manifest delete frees, search by digest prefix / label / tag, paging and tags
 * grouped by digest. Every expected number is computed here from the bytes pushed.
 */
@ServerTest
class IndexViewsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalRegistry registry;
    private static RegistryCatalog catalog;
    private static Blob sharedInA;
    private static TestPusher.Image a1;
    private static TestPusher.Image a2;
    private static TestPusher.Image b1;
    private static TestPusher.Index c1;
    private static List<TestPusher.Image> many;

    private final URI server;

    IndexViewsIT(URI server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        registry = LocalRegistry.start();
        TestPusher pusher = new TestPusher(registry);
        byte[] shared = TestPusher.random(40_000);
        sharedInA = pusher.pushBlob("acct/a", shared, TestPusher.OCI_LAYER);
        Blob sharedInB = pusher.pushBlob("acct/b", shared, TestPusher.OCI_LAYER);
        a1 = pusher.pushOciImageWithLayers("acct/a", "1", Arch.AMD64, Map.of(),
                List.of(sharedInA, pusher.pushBlob("acct/a", TestPusher.random(3_000), TestPusher.OCI_LAYER)));
        a2 = pusher.pushOciImageWithLayers("acct/a", "2", Arch.ARM64, Map.of("team", "ocelot-blue"),
                List.of(sharedInA, pusher.pushBlob("acct/a", TestPusher.random(5_000), TestPusher.OCI_LAYER)));
        pusher.tag("acct/a", a2.digest(), a2.mediaType(), "latest");
        b1 = pusher.pushOciImageWithLayers("acct/b", "1", Arch.AMD64, Map.of(),
                List.of(sharedInB, pusher.pushBlob("acct/b", TestPusher.random(1_000), TestPusher.OCI_LAYER)));
        c1 = pusher.pushOciIndex("acct/c", "multi", List.of(Arch.AMD64, Arch.ARM64), true);
        Blob small = pusher.pushBlob("acct/many", TestPusher.random(100), TestPusher.OCI_LAYER);
        many = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            many.add(pusher.pushOciImageWithLayers("acct/many", String.format("t%03d", i), Arch.AMD64, Map.of(),
                    List.of(small)));
        }
        pusher.tag("acct/many", many.getFirst().digest(), many.getFirst().mediaType(), "stable");
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()));
        catalog.crawl();
        ReadOnlyApp.setup(builder, catalog);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(catalog, registry);
    }

    @Test
    void apiRepositories_countTagsSizesAndPlatforms_andTheRegistryTotalCountsSharedBlobsOnce() throws Exception {
        JsonNode doc = json("/api/repositories");
        Map<String, JsonNode> byName = new HashMap<>();
        doc.get("repositories").forEach(r -> byName.put(r.get("name").asText(), r));

        long sizeA = sharedInA.size() + ownBytes(a1) + ownBytes(a2);
        long sizeB = b1.size();
        // the attestation's config and in-toto layer are stored too, though it is no platform
        long sizeC = c1.platforms().stream().mapToLong(TestPusher.Image::size).sum() + c1.attestation().size();
        assertThat(byName.get("acct/a").get("tagCount").asInt()).isEqualTo(3);
        assertThat(byName.get("acct/a").get("size").asLong()).isEqualTo(sizeA);
        assertThat(byName.get("acct/b").get("size").asLong()).isEqualTo(sizeB);
        assertThat(byName.get("acct/c").get("size").asLong()).isEqualTo(sizeC);
        assertThat(byName.get("acct/c").get("platforms").toString()).contains("linux/amd64").contains("linux/arm64/v8");
        assertThat(byName.get("acct/a").get("newestCreated").asText())
                .isEqualTo((a1.created().isAfter(a2.created()) ? a1 : a2).created().toString());

        long manyBytes = many.getFirst().layers().getFirst().size()
                + many.stream().mapToLong(i -> i.config().size()).sum();
        JsonNode total = doc.get("total");
        assertThat(total.get("repositories").asInt()).isEqualTo(4);
        assertThat(total.get("tags").asLong()).isEqualTo(3 + 1 + 1 + 106);
        // the shared layer is in acct/a and acct/b but counted once
        assertThat(total.get("size").asLong()).isEqualTo(sizeA + sizeB - sharedInA.size() + sizeC + manyBytes);
    }

    @Test
    void homePage_sortedBySize_listsTheLargestRepositoryFirst() throws Exception {
        List<String> expected = Stream.of("acct/a", "acct/b", "acct/c", "acct/many")
                .sorted((x, y) -> Long.compare(sizeOf(y), sizeOf(x))).toList();

        List<String> api = new ArrayList<>();
        json("/api/repositories?sort=size").get("repositories").forEach(r -> api.add(r.get("name").asText()));
        assertThat(api).containsExactlyElementsOf(expected);

        String page = get("/?sort=size").body();
        Matcher m = Pattern.compile("<th scope=\"row\"><a href=\"/repositories/([^\"]+)\">").matcher(page);
        List<String> shown = new ArrayList<>();
        while (m.find()) {
            shown.add(m.group(1));
        }
        assertThat(shown).containsExactlyElementsOf(expected);
        assertThat(page).contains("id=\"registry-total\"").contains("4 repositories").contains("111 tags");
        assertThat(get("/?sort=bogus").statusCode()).isEqualTo(400);
    }

    @Test
    void repositoryPage_showsBytesUniqueToItAndSharedWithOthers() throws Exception {
        long unique = ownBytes(a1) + ownBytes(a2);
        String page = get("/repositories/acct/a").body();
        assertThat(page).contains("id=\"storage\"").contains(String.format("%,d bytes", unique))
                .contains(String.format("%,d bytes", sharedInA.size()));
    }

    @Test
    void tagPage_showsTheBytesADeleteWouldFree_blobsNoOtherManifestUses() throws Exception {
        // a:1's manifest, own layer and config; the shared layer stays (a:2 and b:1 use it)
        assertThat(get("/repositories/acct/a/tags/1").body()).contains("id=\"freed\"")
                .contains(String.format("%,d bytes", ownBytes(a1) + a1.manifestSize()));
        // "latest" and "2" are one manifest: deleting it frees its own blobs once
        assertThat(get("/repositories/acct/a/tags/latest").body())
                .contains(String.format("%,d bytes", ownBytes(a2) + a2.manifestSize()));
        assertThat(catalog.freedByDelete("acct/b", b1.digest())).isEqualTo(ownBytes(b1) + b1.manifestSize());
        // an index: itself, its children and its attestation, with all their blobs
        long manifests = c1.manifestSize() + c1.attestation().manifestSize()
                + c1.platforms().stream().mapToLong(TestPusher.Image::manifestSize).sum();
        long blobs = c1.platforms().stream().mapToLong(TestPusher.Image::size).sum() + c1.attestation().size();
        assertThat(catalog.freedByDelete("acct/c", c1.digest())).isEqualTo(blobs + manifests);
    }

    @Test
    void search_findsDigestPrefixesLabelsAndTags_groupedByRepository() throws Exception {
        String prefix = a1.digest().substring(0, "sha256:".length() + 8);
        JsonNode byDigest = json("/api/search?q=" + enc(prefix));
        assertThat(byDigest.get("groups")).hasSize(1);
        assertThat(byDigest.get("groups").get(0).get("repository").asText()).isEqualTo("acct/a");
        assertThat(byDigest.get("groups").get(0).get("hits").get(0).get("tag").asText()).isEqualTo("1");

        JsonNode byLabel = json("/api/search?q=ocelot");
        List<String> labelled = new ArrayList<>();
        byLabel.get("groups").get(0).get("hits").forEach(h -> labelled.add(h.get("tag").asText()));
        assertThat(labelled).containsExactly("2", "latest");

        String page = get("/search?q=stable").body();
        assertThat(page).contains("data-repository=\"acct/many\"").contains(">stable</a>")
                .doesNotContain("data-repository=\"acct/a\"");
        assertThat(get("/").body()).contains("action=\"/search\"");
        assertThat(get("/api/search").statusCode()).isEqualTo(400);
    }

    @Test
    void repositoryPage_pagesAHundredDigestsAtATime_andGroupsTagsOfTheSameDigest() throws Exception {
        String first = get("/repositories/acct/many?sort=name").body();
        String second = get("/repositories/acct/many?sort=name&page=2").body();
        // "stable" and t000 are one manifest: one row ("stable = t000", first in name order), not two
        assertThat(tagLinks(first)).hasSize(100).startsWith("stable", "t001").endsWith("t099").doesNotContain("t000");
        assertThat(first).contains("class=\"aliases small\">= <a href=\"/repositories/acct/many/tags/t000\">t000</a>");
        assertThat(tagLinks(second)).containsExactly("t100", "t101", "t102", "t103", "t104");
        assertThat(first).contains("rel=\"next\"").contains("106 tags");

        String filtered = get("/repositories/acct/many?sort=name&tag=t10").body();
        assertThat(tagLinks(filtered)).containsExactly("t100", "t101", "t102", "t103", "t104");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static long ownBytes(TestPusher.Image image) {
        return image.size() - sharedInA.size();
    }

    private static long sizeOf(String repository) {
        return catalog.overview("", dev.imagecatalog.catalog.RepositorySort.NAME).repositories().stream()
                .filter(r -> r.name().equals(repository)).findFirst().orElseThrow().size();
    }

    private static List<String> tagLinks(String html) {
        Matcher m = Pattern.compile("<a class=\"tag-name\" href=\"/repositories/acct/many/tags/([^\"]+)\"").matcher(html);
        List<String> tags = new ArrayList<>();
        while (m.find()) {
            tags.add(m.group(1));
        }
        return tags;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void compressedAnswers_inflateToTheSameDocument_whenTheClientAcceptsGzip() throws Exception {
        for (String path : List.of("/api/repositories", "/", "/repositories/acct/many")) {
            HttpResponse<byte[]> plain = HTTP.send(HttpRequest.newBuilder(server.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> gzip = HTTP.send(HttpRequest.newBuilder(server.resolve(path))
                    .header("Accept-Encoding", "gzip, deflate").build(), HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> refused = HTTP.send(HttpRequest.newBuilder(server.resolve(path))
                    .header("Accept-Encoding", "*, gzip;q=0").build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(plain.headers().firstValue("Content-Encoding")).as(path).isEmpty();
            assertThat(gzip.headers().firstValue("Content-Encoding")).as(path).contains("gzip");
            assertThat(gzip.headers().firstValue("Vary")).as(path).contains("Accept-Encoding");
            assertThat(gzip.body().length).as(path).isLessThan(plain.body().length);
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))) {
                assertThat(in.readAllBytes()).as(path).isEqualTo(plain.body());
            }
            assertThat(refused.headers().firstValue("Content-Encoding")).as(path).isEmpty();
            assertThat(refused.body()).as(path).isEqualTo(plain.body());
        }
    }

    private JsonNode json(String path) {
        return Http.json(server, path);
    }

    private HttpResponse<String> get(String path) {
        return Http.get(server, path);
    }
}
