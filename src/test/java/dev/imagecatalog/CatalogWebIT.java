package dev.imagecatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assembled application ({@link Main#setup}, read-only through {@link ReadOnlyApp}) over a real socket against a real registry seeded by the harness.
 * Expected digests and sizes come from what {@link SeededRegistry} pushed.
 */
@ServerTest
class CatalogWebIT {

    static final String PULL_HOST = "pull.example:5001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SeededRegistry seeded;
    private static RegistryCatalog catalog;
    private static TestPusher.Image small;
    private static TestPusher.Image big;
    private static TestPusher.Image ambiguous;

    private final WebClient client;

    CatalogWebIT(WebClient client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        seeded = SeededRegistry.start();
        // two tags of different sizes for the sort test, pushed before any request so the repository list is fixed
        TestPusher pusher = new TestPusher(seeded.registry());
        small = pusher.pushOciImage("sorting/app", "a-small", TestPusher.Arch.AMD64, Map.of());
        big = pusher.pushOciImage("sorting/app", "z-big", TestPusher.Arch.ARM64,
                Map.of("org.example.padding", "x".repeat(4096)));
        // a repository whose name looks like a tag route
        ambiguous = pusher.pushOciImage("ambig/tags/x", "v1", TestPusher.Arch.AMD64, Map.of());
        catalog = RegistryCatalog.create(RegistrySettings.of(seeded.registry().url(), PULL_HOST));
        ReadOnlyApp.setup(server, catalog);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(catalog, seeded);
    }

    // ---- pages ---------------------------------------------------------------------------------------------

    @Test
    void index_listsEveryRepositoryWithLinks() {
        ClientResponseTyped<String> res = get("/");
        assertThat(res.status()).isEqualTo(Status.OK_200);
        assertThat(res.headers().contentType().orElseThrow().text()).startsWith("text/html");
        for (String repository : seeded.repositories()) {
            assertThat(res.entity()).contains("href=\"/repositories/" + repository + "\"");
        }
        assertThat(res.entity()).contains(seeded.repositories().size() + 2 + " repositories");
    }

    @Test
    void index_withQuery_showsOnlyMatchingRepositories() {
        String body = get("/?q=multi").entity();
        assertThat(body).contains("href=\"/repositories/multi/app\"", "href=\"/repositories/multi/docker-list\"")
                .doesNotContain("href=\"/repositories/oci/amd64-only\"")
                .contains("value=\"multi\"");
    }

    @Test
    void index_withBadPage_answers400WithReason() {
        ClientResponseTyped<String> res = get("/?page=zero");
        assertThat(res.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(res.entity()).contains("Page must be a whole number");
    }

    @Test
    void repository_ofIndex_showsOneRowPerPlatformWithSizesAndDigests() {
        TestPusher.Index index = seeded.multiArch();
        ClientResponseTyped<String> res = get("/repositories/" + index.repository());
        assertThat(res.status()).isEqualTo(Status.OK_200);
        String body = res.entity();
        for (TestPusher.Image child : index.platforms()) {
            assertThat(body).contains("value=\"" + child.digest() + "\"")
                    .contains("title=\"" + exactBytes(child.size()) + "\"")
                    .contains(child.arch().toString());
        }
        assertThat(body).contains("rowspan=\"2\"").contains("value=\"" + index.digest() + "\"")
                .doesNotContain("unknown/unknown");
    }

    @Test
    void tagPage_ofAHelmChartOrAnArtifact_offersHelmOrOrasPull_notDockerPull() {
        TestPusher.Image chart = seeded.helmChart();
        TestPusher.Image sbom = seeded.artifact();

        String chartPage = get("/repositories/" + chart.repository() + "/tags/" + chart.tag()).entity();
        String sbomPage = get("/repositories/" + sbom.repository() + "/tags/" + sbom.tag()).entity();

        assertThat(chartPage).contains("helm pull oci://" + PULL_HOST + "/" + chart.repository() + " --version "
                                       + chart.tag(), "aria-label=\"Copy helm pull by tag\"")
                .doesNotContain("docker pull");
        assertThat(sbomPage).contains("oras pull " + PULL_HOST + "/" + sbom.repository() + ":" + sbom.tag(),
                                      "oras pull " + PULL_HOST + "/" + sbom.repository() + "@" + sbom.digest())
                .doesNotContain("docker pull");
    }

    @Test
    void repository_ofArtifacts_marksThemNotRunnable() {
        String chart = get("/repositories/" + seeded.helmChart().repository()).entity();
        assertThat(chart).contains("Helm chart").contains("not runnable");
        // a cosign sidecar folds under the image it signs; the toggle lists it (issue 16)
        String signed = get("/repositories/" + seeded.labelled().repository() + "?sidecars=show").entity();
        assertThat(signed).contains(seeded.signature().tag()).contains("signature / attestation")
                .contains("not runnable");
        assertThat(get("/repositories/" + seeded.labelled().repository()).entity())
                .doesNotContain(seeded.signature().tag() + "<").contains(">signed<");
    }

    @Test
    void repository_sortedBySize_putsTheLargestImageFirst() {
        TestPusher.Image larger = big.size() >= small.size() ? big : small;
        TestPusher.Image smaller = larger == big ? small : big;
        String bySize = get("/repositories/sorting/app?sort=size").entity();
        assertThat(bySize.indexOf(">" + larger.tag() + "<")).isLessThan(bySize.indexOf(">" + smaller.tag() + "<"));
        String byName = get("/repositories/sorting/app?sort=name").entity();
        assertThat(byName.indexOf(">a-small<")).isLessThan(byName.indexOf(">z-big<"));
    }

    @Test
    void repository_withUnknownSort_answers400() {
        ClientResponseTyped<String> res = get("/repositories/multi/app?sort=colour");
        assertThat(res.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(res.entity()).contains("Unknown sort");
    }

    @Test
    void repository_withSeveralSlashes_isFound() {
        TestPusher.Image nested = seeded.nested();
        ClientResponseTyped<String> res = get("/repositories/" + nested.repository());
        assertThat(res.status()).isEqualTo(Status.OK_200);
        assertThat(res.entity()).contains("value=\"" + nested.digest() + "\"");
    }

    @Test
    void tag_showsLayersHistoryLabelsAndPullCommands() {
        TestPusher.Image image = seeded.labelled();
        ClientResponseTyped<String> res = get("/repositories/" + image.repository() + "/tags/" + image.tag());
        assertThat(res.status()).isEqualTo(Status.OK_200);
        String body = res.entity();
        assertThat(body).contains("docker pull " + PULL_HOST + "/" + image.repository() + ":" + image.tag())
                .contains("docker pull " + PULL_HOST + "/" + image.repository() + "@" + image.digest());
        // media types carry <wbr> hints after . and + (they wrap there only); the text read is the same
        String text = body.replace("<wbr>", "");
        for (TestPusher.Blob layer : image.layers()) {
            assertThat(body).contains("value=\"" + layer.digest() + "\"");
            assertThat(text).contains(layer.mediaType())
                    .contains(exactBytes(layer.size()));
        }
        assertThat(body).contains("org.opencontainers.image.title");
    }

    @Test
    void tag_withScriptLabel_rendersItEscaped() {
        TestPusher.Image image = seeded.labelled();
        String body = get("/repositories/" + image.repository() + "/tags/" + image.tag()).entity();
        assertThat(body).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain(SeededRegistry.SCRIPT_LABEL_VALUE);
    }

    @Test
    void tag_ofIndex_showsEachPlatformWithItsPullByDigest() {
        TestPusher.Index index = seeded.dockerList();
        String body = get("/repositories/" + index.repository() + "/tags/" + index.tag()).entity();
        for (TestPusher.Image child : index.platforms()) {
            assertThat(body).contains("docker pull " + PULL_HOST + "/" + index.repository() + "@" + child.digest())
                    .contains(child.arch().toString());
        }
    }

    @Test
    void repository_whoseNameLooksLikeATagRoute_isShownWhenNoSuchTagExists() throws Exception {
        ClientResponseTyped<String> res = get("/repositories/" + ambiguous.repository());
        assertThat(res.status()).isEqualTo(Status.OK_200);
        assertThat(res.entity()).contains("value=\"" + ambiguous.digest() + "\"");
        JsonNode api = json("/api/repositories/" + ambiguous.repository() + "/tags", Status.OK_200);
        assertThat(api.get("repository").asText()).isEqualTo(ambiguous.repository());
        assertThat(api.get("tags").get(0).get("digest").asText()).isEqualTo(ambiguous.digest());
    }

    @Test
    void unknownRepository_answers404PageSayingWhat() {
        ClientResponseTyped<String> res = get("/repositories/no/such-repo");
        assertThat(res.status()).isEqualTo(Status.NOT_FOUND_404);
        assertThat(res.headers().contentType().orElseThrow().text()).startsWith("text/html");
        assertThat(res.entity()).contains("no/such-repo").doesNotContain("Exception").doesNotContain("at dev.");
    }

    @Test
    void unknownTag_answers404PageSayingWhat() {
        ClientResponseTyped<String> res = get("/repositories/multi/app/tags/nope");
        assertThat(res.status()).isEqualTo(Status.NOT_FOUND_404);
        assertThat(res.entity()).contains("nope").doesNotContain("Exception");
    }

    @Test
    void invalidRepositoryName_answers400() {
        ClientResponseTyped<String> res = get("/repositories/UPPER/Case");
        assertThat(res.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(res.entity()).contains("not a valid repository name");
    }

    @Test
    void unknownPath_answers404Page() {
        ClientResponseTyped<String> res = get("/no-such-page");
        assertThat(res.status()).isEqualTo(Status.NOT_FOUND_404);
        assertThat(res.headers().contentType().orElseThrow().text()).startsWith("text/html");
        assertThat(res.entity()).contains("Back to repositories");
    }

    @Test
    void staticStylesheet_isServed() {
        ClientResponseTyped<String> res = get("/static/catalog.css");
        assertThat(res.status()).isEqualTo(Status.OK_200);
        assertThat(res.entity()).contains(".bar");
    }

    // ---- JSON API ------------------------------------------------------------------------------------------

    @Test
    void apiRepositories_listsAllAndFilters() throws Exception {
        JsonNode all = json("/api/repositories", Status.OK_200);
        List<String> names = new ArrayList<>();
        all.get("repositories").forEach(r -> names.add(r.get("name").asText()));
        assertThat(names).containsAll(seeded.repositories());
        JsonNode filtered = json("/api/repositories?q=TEAM", Status.OK_200);
        assertThat(filtered.get("repositories")).hasSize(1);
        assertThat(filtered.get("repositories").get(0).get("name").asText()).isEqualTo("team-a/app");
    }

    @Test
    void apiTags_ofSingleImage_haveOnePlatformWhoseDigestIsTheTags() throws Exception {
        TestPusher.Image image = seeded.dockerSingle();
        JsonNode doc = json("/api/repositories/" + image.repository() + "/tags", Status.OK_200);
        assertThat(doc.get("repository").asText()).isEqualTo(image.repository());
        JsonNode tag = doc.get("tags").get(0);
        assertThat(tag.get("name").asText()).isEqualTo(image.tag());
        assertThat(tag.get("digest").asText()).isEqualTo(image.digest());
        assertThat(tag.get("mediaType").asText()).isEqualTo(image.mediaType());
        assertThat(tag.get("size").asLong()).isEqualTo(image.size());
        assertThat(tag.get("runnable").asBoolean()).isTrue();
        assertThat(tag.get("kind").asText()).isEqualTo("image");
        if (image.created() != null) {
            assertThat(java.time.Instant.parse(tag.get("created").asText())).isEqualTo(image.created());
        }
        JsonNode platforms = tag.get("platforms");
        assertThat(platforms).hasSize(1);
        JsonNode platform = platforms.get(0);
        assertThat(platform.get("os").asText()).isEqualTo(image.arch().os());
        assertThat(platform.get("architecture").asText()).isEqualTo(image.arch().architecture());
        assertThat(platform.has("variant")).isTrue();
        assertThat(platform.get("digest").asText()).isEqualTo(image.digest());
        assertThat(platform.get("size").asLong()).isEqualTo(image.size());
    }

    @Test
    void apiTags_ofIndex_haveNullSizeAndOnePlatformPerChild() throws Exception {
        TestPusher.Index index = seeded.multiArch();
        JsonNode tag = json("/api/repositories/" + index.repository() + "/tags", Status.OK_200).get("tags").get(0);
        assertThat(tag.get("digest").asText()).isEqualTo(index.digest());
        assertThat(tag.get("size").isNull()).isTrue();
        assertThat(tag.get("kind").asText()).isEqualTo("index");
        JsonNode platforms = tag.get("platforms");
        assertThat(platforms).hasSize(index.platforms().size());
        for (int i = 0; i < index.platforms().size(); i++) {
            TestPusher.Image child = index.platforms().get(i);
            assertThat(platforms.get(i).get("digest").asText()).isEqualTo(child.digest());
            assertThat(platforms.get(i).get("size").asLong()).isEqualTo(child.size());
            assertThat(platforms.get(i).get("architecture").asText()).isEqualTo(child.arch().architecture());
            assertThat(textOrNull(platforms.get(i).get("variant"))).isEqualTo(child.arch().variant());
        }
    }

    @Test
    void apiTag_ofSingleImage_hasLayersHistoryAndLabels() throws Exception {
        TestPusher.Image image = seeded.labelled();
        JsonNode doc = json("/api/repositories/" + image.repository() + "/tags/" + image.tag(), Status.OK_200);
        assertThat(doc.get("name").asText()).isEqualTo(image.tag());
        assertThat(doc.get("digest").asText()).isEqualTo(image.digest());
        JsonNode layers = doc.get("layers");
        assertThat(layers).hasSize(image.layers().size());
        for (int i = 0; i < image.layers().size(); i++) {
            assertThat(layers.get(i).get("digest").asText()).isEqualTo(image.layers().get(i).digest());
            assertThat(layers.get(i).get("size").asLong()).isEqualTo(image.layers().get(i).size());
            assertThat(layers.get(i).get("mediaType").asText()).isEqualTo(image.layers().get(i).mediaType());
        }
        assertThat(doc.get("history")).hasSize(image.historyCount());
        assertThat(doc.get("labels").get("org.example.note").asText()).isEqualTo(SeededRegistry.SCRIPT_LABEL_VALUE);
        assertThat(doc.get("platforms")).hasSize(1);
    }

    @Test
    void apiTag_ofIndex_carriesLayersPerPlatform() throws Exception {
        TestPusher.Index index = seeded.multiArch();
        JsonNode doc = json("/api/repositories/" + index.repository() + "/tags/" + index.tag(), Status.OK_200);
        assertThat(doc.get("layers")).isEmpty();
        JsonNode platforms = doc.get("platforms");
        assertThat(platforms).hasSize(index.platforms().size());
        for (int i = 0; i < index.platforms().size(); i++) {
            TestPusher.Image child = index.platforms().get(i);
            assertThat(platforms.get(i).get("digest").asText()).isEqualTo(child.digest());
            assertThat(platforms.get(i).get("layers")).hasSize(child.layers().size());
            assertThat(platforms.get(i).get("layers").get(0).get("digest").asText())
                    .isEqualTo(child.layers().getFirst().digest());
        }
    }

    @Test
    void apiUnknownRepository_answers404WithErrorMessage() throws Exception {
        JsonNode doc = json("/api/repositories/no/such-repo/tags", Status.NOT_FOUND_404);
        assertThat(doc.get("error").asText()).isNotBlank();
        JsonNode tag = json("/api/repositories/multi/app/tags/nope", Status.NOT_FOUND_404);
        assertThat(tag.get("error").asText()).contains("nope");
    }

    @Test
    void apiInvalidName_answers400WithErrorMessage() throws Exception {
        JsonNode doc = json("/api/repositories/Bad..Name/tags", Status.BAD_REQUEST_400);
        assertThat(doc.get("error").asText()).contains("not a valid repository name");
    }

    // ---- observability -------------------------------------------------------------------------------------

    @Test
    void readiness_includesRegistryCheckUp() throws Exception {
        JsonNode doc = json("/observe/health/ready", Status.OK_200);
        assertThat(doc.get("status").asText()).isEqualTo("UP");
        assertThat(doc.toString()).contains("registry").contains("reachable");
    }

    @Test
    void metrics_areServed() {
        ClientResponseTyped<String> res = client.get("/observe/metrics").header(HeaderNames.ACCEPT, "text/plain")
                .request(String.class);
        assertThat(res.status()).isEqualTo(Status.OK_200);
        assertThat(res.entity()).isNotBlank();
    }

    private ClientResponseTyped<String> get(String path) {
        return request(client, path);
    }

    /** GET with the query string passed as parameters (the client would otherwise encode the {@code ?}). */
    static ClientResponseTyped<String> request(WebClient client, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        var request = client.get(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                request.queryParam(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return request.request(String.class);
    }

    private JsonNode json(String path, Status expected) throws Exception {
        ClientResponseTyped<String> res = request(client, path);
        assertThat(res.status()).as(path).isEqualTo(expected);
        assertThat(res.headers().contentType().orElseThrow().text()).startsWith("application/json");
        return JSON.readTree(res.entity());
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    static String exactBytes(long bytes) {
        return String.format(Locale.ROOT, "%,d bytes", bytes);
    }
}
