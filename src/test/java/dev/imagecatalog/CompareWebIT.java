package dev.imagecatalog;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.Http;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestPusher.Blob;
import dev.imagecatalog.testing.TestPusher.Image;
import dev.imagecatalog.testing.TestResources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compare two tags against a real registry: two multi-platform indexes (amd64 + arm64/v8, each with buildx-style
 * attestation manifests, which are not platforms) pushed with chosen layers — one repeated, shared ones, added and
 * removed ones — and chosen configs and history. What the API and the page say is checked against what the test
 * computes from what it pushed; across repositories; and every bad input answers 4xx with a reason.
 */
class CompareWebIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPO = "compare/app";
    private static final String OTHER = "compare/other";

    private static LocalRegistry registry;
    private static RegistryCatalog catalog;
    private static WebServer server;
    private static URI base;
    private static TestPusher.Index v1;
    private static TestPusher.Index v2;
    private static Image single;

    @BeforeAll
    static void seed() {
        registry = LocalRegistry.start();
        TestPusher pusher = new TestPusher(registry);
        Blob base1 = layer(pusher, REPO, 3000);
        Blob dup = layer(pusher, REPO, 700);
        Blob base2 = layer(pusher, REPO, 2500);
        Blob app1 = layer(pusher, REPO, 1200);
        Blob app2 = layer(pusher, REPO, 4100);
        Blob arm1 = layer(pusher, REPO, 1800);
        Blob arm2 = layer(pusher, REPO, 900);
        Blob arm3 = layer(pusher, REPO, 1600);
        List<String> oldHistory = List.of("ADD base.tar /", "ENV PATH=/usr/bin:/bin", "COPY app /app");
        List<String> newHistory = List.of("ADD base.tar /", "ENV PATH=/usr/bin:/bin", "COPY app /app",
                "RUN apk add curl", "USER app");
        Map<String, Object> sameRun = Map.of("Cmd", List.of("/app"));
        Image amdFrom = pusher.pushOciImageOf(REPO, null, Arch.AMD64, List.of(base1, dup, base2, app1),
                Map.of("stage", "one"), sameRun, oldHistory);
        Image armFrom = pusher.pushOciImageOf(REPO, null, Arch.ARM64, List.of(arm1, arm2),
                Map.of("version", "1", "gone", "x"), Map.of(
                        "Entrypoint", List.of("/bin/sh", "-c"), "Cmd", List.of("run v1"),
                        "Env", List.of("PATH=/usr/bin:/bin", "MODE=old", "DROPPED=1"),
                        "ExposedPorts", Map.of("8080/tcp", Map.of())), oldHistory);
        // the repeated layer: once in v1, twice in v2 — shared once, added once
        Image amdTo = pusher.pushOciImageOf(REPO, null, Arch.AMD64, List.of(base1, dup, dup, base2, app2),
                Map.of("stage", "one"), sameRun, newHistory);
        Image armTo = pusher.pushOciImageOf(REPO, null, Arch.ARM64, List.of(arm1, arm3),
                Map.of("version", "2", "new", "y", "note", "<script>alert(1)</script>"), Map.of(
                        "Entrypoint", List.of("/entry"), "Cmd", List.of("run v2"),
                        "Env", List.of("PATH=/usr/bin:/bin", "MODE=new", "ADDED=2"),
                        "ExposedPorts", Map.of("8080/tcp", Map.of(), "9090/tcp", Map.of()),
                        "User", "app", "WorkingDir", "/srv"), newHistory);
        v1 = pusher.pushOciIndexOf(REPO, "v1", List.of(amdFrom, armFrom), true);
        v2 = pusher.pushOciIndexOf(REPO, "v2", List.of(amdTo, armTo), true);
        // another repository: amd64 only, its own layer
        Blob otherLayer = layer(pusher, OTHER, 2222);
        single = pusher.pushOciImageOf(OTHER, "1.0", Arch.AMD64, List.of(otherLayer), Map.of("stage", "one"),
                sameRun, oldHistory);
        pusher.pushHelmChart(OTHER, "chart");
        // a repository whose own name ends in /compare keeps its page
        pusher.pushOciImage("odd/compare", "1", Arch.AMD64, Map.of());
        // and a tag named compare is a tag
        pusher.pushOciImage(REPO, "compare", Arch.AMD64, Map.of());
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), "localhost:5001"));
        catalog.crawl();
        server = WebServer.builder().host("127.0.0.1").port(0)
                .update(builder -> ReadOnlyApp.setup(builder, catalog)).build().start();
        base = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(server, catalog, registry);
    }

    private static Blob layer(TestPusher pusher, String repository, int size) {
        return pusher.pushBlob(repository, TestPusher.random(size), TestPusher.OCI_LAYER);
    }

    @Test
    void api_comparesEachPlatform_asComputedFromWhatWasPushed() throws Exception {
        JsonNode doc = Http.json(base, "/api/repositories/" + REPO + "/compare?from=v1&to=v2");

        assertThat(doc.at("/from/repository").asText()).isEqualTo(REPO);
        assertThat(doc.at("/from/tag").asText()).isEqualTo("v1");
        assertThat(doc.at("/from/digest").asText()).isEqualTo(v1.digest());
        assertThat(doc.at("/to/digest").asText()).isEqualTo(v2.digest());
        // the attestation manifests (unknown/unknown) are not platforms
        assertThat(doc.get("platforms")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Image from = v1.platforms().get(i);
            Image to = v2.platforms().get(i);
            JsonNode p = platform(doc, to.arch().toString());
            assertThat(p.get("only").isNull()).isTrue();
            assertThat(p.get("fromDigest").asText()).isEqualTo(from.digest());
            assertThat(p.get("toDigest").asText()).isEqualTo(to.digest());
            assertThat(p.get("sizeDelta").asLong()).isEqualTo(to.size() - from.size());
            Expected layers = expected(from.layers(), to.layers());
            assertThat(layers(p.at("/layers/shared"))).containsExactlyInAnyOrderElementsOf(layers.shared());
            assertThat(layers(p.at("/layers/added"))).containsExactlyInAnyOrderElementsOf(layers.added());
            assertThat(layers(p.at("/layers/removed"))).containsExactlyInAnyOrderElementsOf(layers.removed());
            assertThat(p.at("/history/added").findValuesAsText("createdBy"))
                    .containsExactly("RUN apk add curl", "USER app");
            assertThat(p.at("/history/removed")).isEmpty();
            assertThat(p.get("configKnown").asBoolean()).isTrue();
        }
        // the repeated layer: once in v1, twice in v2
        JsonNode amd = platform(doc, "linux/amd64");
        String dup = v2.platforms().getFirst().layers().get(1).digest();
        assertThat(layers(amd.at("/layers/shared"))).filteredOn(l -> l.startsWith(dup)).hasSize(1);
        assertThat(layers(amd.at("/layers/added"))).filteredOn(l -> l.startsWith(dup)).hasSize(1);
        assertThat(amd.get("config").size()).as("same run settings and labels").isZero();

        JsonNode config = platform(doc, "linux/arm64/v8").get("config");
        assertThat(fieldNames(config)).containsExactly("Entrypoint", "Cmd", "Env", "ExposedPorts", "User",
                "WorkingDir", "Labels");
        assertThat(JSON.convertValue(config.get("Entrypoint"), Map.class))
                .isEqualTo(Map.of("from", List.of("/bin/sh", "-c"), "to", List.of("/entry")));
        assertThat(JSON.convertValue(config.get("Cmd"), Map.class))
                .isEqualTo(Map.of("from", List.of("run v1"), "to", List.of("run v2")));
        // per variable: only those that differ, each side with what it sets
        assertThat(JSON.convertValue(config.get("Env"), Map.class)).isEqualTo(Map.of(
                "from", Map.of("MODE", "old", "DROPPED", "1"), "to", Map.of("MODE", "new", "ADDED", "2")));
        assertThat(JSON.convertValue(config.get("ExposedPorts"), Map.class))
                .isEqualTo(Map.of("from", List.of("8080/tcp"), "to", List.of("8080/tcp", "9090/tcp")));
        assertThat(config.at("/User/from").isNull()).isTrue();
        assertThat(config.at("/User/to").asText()).isEqualTo("app");
        assertThat(config.at("/WorkingDir/to").asText()).isEqualTo("/srv");
        assertThat(JSON.convertValue(config.get("Labels"), Map.class)).isEqualTo(Map.of(
                "from", Map.of("version", "1", "gone", "x"),
                "to", Map.of("version", "2", "new", "y", "note", "<script>alert(1)</script>")));
    }

    @Test
    void page_showsTheSameComparison_andTheTagPageOffersIt() {
        HttpResponse<String> res = Http.get(base, "/repositories/" + REPO + "/compare?from=v1&to=v2");
        assertThat(res.statusCode()).isEqualTo(200);
        String page = res.body();
        for (int i = 0; i < 2; i++) {
            Image from = v1.platforms().get(i);
            Image to = v2.platforms().get(i);
            assertThat(page).contains("data-platform=\"" + to.arch() + "\"");
            Expected layers = expected(from.layers(), to.layers());
            for (String d : layers.added()) {
                assertThat(page).contains("data-status=\"added\" data-digest=\"" + d.substring(0, d.indexOf(' ')));
            }
            for (String d : layers.removed()) {
                assertThat(page).contains("data-status=\"removed\" data-digest=\"" + d.substring(0, d.indexOf(' ')));
            }
        }
        assertThat(count(page, "data-status=\"shared\"")).isEqualTo(
                expected(v1.platforms().get(0).layers(), v2.platforms().get(0).layers()).shared().size()
                + expected(v1.platforms().get(1).layers(), v2.platforms().get(1).layers()).shared().size());
        assertThat(page).contains("data-field=\"Env\" data-key=\"MODE\"").contains("<code>old</code>")
                .contains("<code>new</code>").contains("data-field=\"Entrypoint\"")
                .contains("<code>/bin/sh -c</code>").contains("RUN apk add curl")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");

        String tagPage = Http.get(base, "/repositories/" + REPO + "/tags/v1").body();
        assertThat(tagPage).contains("id=\"compare-with\"")
                .contains("action=\"/repositories/" + REPO + "/compare\"")
                .contains("<option value=\"v2\">v2</option>")
                .doesNotContain("<option value=\"v1\">");
    }

    @Test
    void acrossRepositories_aPlatformOnOneSideIsReportedAsSuch() throws Exception {
        JsonNode doc = Http.json(base, "/api/repositories/" + OTHER + "/compare?from=1.0&to=v2&toRepository=" + REPO);
        assertThat(doc.at("/from/repository").asText()).isEqualTo(OTHER);
        assertThat(doc.at("/to/repository").asText()).isEqualTo(REPO);
        JsonNode amd = platform(doc, "linux/amd64");
        Image to = v2.platforms().getFirst();
        assertThat(amd.get("only").isNull()).isTrue();
        assertThat(amd.get("sizeDelta").asLong()).isEqualTo(to.size() - single.size());
        Expected layers = expected(single.layers(), to.layers());
        assertThat(layers(amd.at("/layers/added"))).containsExactlyInAnyOrderElementsOf(layers.added());
        assertThat(layers(amd.at("/layers/removed"))).containsExactlyInAnyOrderElementsOf(layers.removed());
        JsonNode arm = platform(doc, "linux/arm64/v8");
        Image armTo = v2.platforms().get(1);
        assertThat(arm.get("only").asText()).isEqualTo("to");
        assertThat(arm.get("fromDigest").isNull()).isTrue();
        assertThat(arm.get("sizeDelta").asLong()).isEqualTo(armTo.size());
        assertThat(layers(arm.at("/layers/added")))
                .containsExactlyInAnyOrderElementsOf(expected(List.of(), armTo.layers()).added());

        HttpResponse<String> page = Http.get(base, "/repositories/" + OTHER + "/compare?from=1.0&to=v2&toRepository="
                + REPO);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("only in to").contains("href=\"/repositories/" + REPO + "/tags/v2\"");
    }

    @Test
    void badInput_answers4xxWithAReason_onTheApiAndThePage() {
        String api = "/api/repositories/" + REPO + "/compare";
        String page = "/repositories/" + REPO + "/compare";
        for (String prefix : List.of(api, page)) {
            expect(prefix + "?from=v1", 400, "to is missing");
            expect(prefix + "?to=v2", 400, "from is missing");
            expect(prefix + "?from=v1&to=no%20such", 400, "not a valid tag name");
            expect(prefix + "?from=v1&to=v2&toRepository=Upper/Case", 400, "not a valid repository name");
            expect(prefix + "?from=v1&to=v9", 404, "\"to\" tag " + REPO + ":v9");
            expect(prefix + "?from=v0&to=v2", 404, "\"from\" tag " + REPO + ":v0");
            expect(prefix + "?from=v1&to=v2&toRepository=no/such", 404, "\"to\" tag no/such:v2");
            expect(prefix + "?from=v1&to=chart&toRepository=" + OTHER, 400, "not an image");
        }
        expect("/api/repositories/No_Such/compare?from=a&to=b", 400, "not a valid repository name");
        // the page of a repository literally named …/compare is still its page
        HttpResponse<String> odd = Http.get(base, "/repositories/odd/compare");
        assertThat(odd.statusCode()).isEqualTo(200);
        assertThat(odd.body()).contains("id=\"tag-count\"");
        HttpResponse<String> tagNamedCompare = Http.get(base, "/repositories/" + REPO + "/tags/compare");
        assertThat(tagNamedCompare.statusCode()).isEqualTo(200);
        assertThat(tagNamedCompare.body()).contains("id=\"compare-with\"");
        assertThat(Http.json(base, "/api/repositories/" + REPO + "/tags/compare").get("name").asText())
                .isEqualTo("compare");
    }

    @Test
    void registryDown_answersAMessage_notA500() {
        RegistryCatalog cold = RegistryCatalog.create(RegistrySettings.of(registry.url(), "localhost:5001"));
        WebServer coldServer = WebServer.builder().host("127.0.0.1").port(0)
                .update(builder -> ReadOnlyApp.setup(builder, cold)).build().start();
        URI coldBase = URI.create("http://127.0.0.1:" + coldServer.port());
        int port = registry.port();
        try {
            registry.stop();
            for (String path : List.of("/api/repositories/", "/repositories/")) {
                HttpResponse<String> res = Http.get(coldBase, path + REPO + "/compare?from=v1&to=v2");
                assertThat(res.statusCode()).as(path + ": " + res.body()).isBetween(502, 504);
                // the registry's fault in a sentence (it names the connection's failure), no stack trace
                assertThat(res.body()).contains("cannot reach the registry").doesNotContain("at java.")
                        .doesNotContain("at dev.imagecatalog");
            }
        } finally {
            TestResources.closeAll(coldServer, cold);
            registry.restart();
            assertThat(registry.port()).isEqualTo(port);
        }
    }

    // ---- what the test computes from what it pushed -----------------------------------------------------------

    /** Layers as {@code "<digest> <size>"}, counted: shared = min of both counts, the rest added or removed. */
    private record Expected(List<String> shared, List<String> added, List<String> removed) {
    }

    private static Expected expected(List<Blob> from, List<Blob> to) {
        Map<String, Integer> before = counts(from);
        Map<String, Integer> after = counts(to);
        List<String> shared = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Map<String, Integer> all = new LinkedHashMap<>(before);
        after.forEach((k, v) -> all.merge(k, 0, Integer::sum));
        for (String key : all.keySet()) {
            int a = before.getOrDefault(key, 0);
            int b = after.getOrDefault(key, 0);
            for (int i = 0; i < Math.min(a, b); i++) {
                shared.add(key);
            }
            for (int i = 0; i < b - Math.min(a, b); i++) {
                added.add(key);
            }
            for (int i = 0; i < a - Math.min(a, b); i++) {
                removed.add(key);
            }
        }
        return new Expected(shared, added, removed);
    }

    private static Map<String, Integer> counts(List<Blob> layers) {
        Map<String, Integer> counts = new HashMap<>();
        layers.forEach(l -> counts.merge(l.digest() + " " + l.size(), 1, Integer::sum));
        return counts;
    }

    private static List<String> layers(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(l -> out.add(l.get("digest").asText() + " " + l.get("size").asLong()));
        return out;
    }

    private static JsonNode platform(JsonNode doc, String platform) {
        for (JsonNode p : doc.get("platforms")) {
            if (p.get("platform").asText().equals(platform)) {
                return p;
            }
        }
        throw new AssertionError("no platform " + platform + " in " + doc);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void expect(String path, int status, String reason) {
        HttpResponse<String> res = Http.get(base, path);
        assertThat(res.statusCode()).as(path + ": " + res.body()).isEqualTo(status);
        assertThat(res.body().replace("&quot;", "\"").replace("&#34;", "\"").replace("\\\"", "\"")).as(path).contains(reason);
    }
}
