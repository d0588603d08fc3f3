package dev.imagecatalog;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.catalog.RegistryCatalog;
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
 * Issue 17 items 7–10 against a real registry the test fills itself: a repository of 300 tags (creation dates
 * spread over two years, pairs sharing a time, {@code latest} on the newest release, one image without a date) —
 * its default order, the pager above and below, and dates that tell months apart; an index whose arm64 child was
 * deleted by digest (page and API say "missing"); a Helm chart whose version is not its tag (config shown, the
 * pull command takes the version); a label value on a dozen tags (search lists a few, counts all, links to the rest).
 */
@ServerTest
class TagPagesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Releases 1.0.0 … 1.296.0; pairs (1.2k.0, 1.2k+1.0) share a creation time. */
    private static final int RELEASES = 297;
    private static final String MANY = "big/app";

    private static LocalRegistry registry;
    private static RegistryCatalog catalog;
    private static Instant now;
    /** Creation time per tag of {@link #MANY} (the undated one absent). */
    private static final Map<String, Instant> created = new LinkedHashMap<>();
    private static TestPusher.Index dangling;
    private static TestPusher.Index comesBack;
    private static TestPusher pusher;
    private static TestPusher.Image chart;

    private final URI server;

    TagPagesIT(URI server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder builder) {
        registry = LocalRegistry.start();
        pusher = new TestPusher(registry);
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Blob> layers = List.of(pusher.pushBlob(MANY, TestPusher.random(300), TestPusher.OCI_LAYER));
        for (int i = 0; i < RELEASES; i++) {
            // newest pair two days old, then a pair every five days: the oldest about two years back
            Instant at = now.minus(Duration.ofDays(2 + 5L * ((RELEASES - 1) / 2 - i / 2)));
            String tag = "1." + i + ".0";
            pusher.pushOciImageCreatedAt(MANY, tag, Arch.AMD64, layers, at);
            created.put(tag, at);
        }
        Instant newest = now.minus(Duration.ofHours(3));
        TestPusher.Image release = pusher.pushOciImageCreatedAt(MANY, "2.0.0", Arch.AMD64, layers, newest);
        pusher.tag(MANY, release.digest(), release.mediaType(), "latest");
        created.put("2.0.0", newest);
        created.put("latest", newest);
        pusher.pushOciImageCreatedAt(MANY, "undated", Arch.AMD64, layers, null);

        // pushed with both children, then the arm64 child deleted by digest through the registry API
        dangling = pusher.pushIndexWithMissingChild("gone/app", "1.0", List.of(Arch.AMD64), List.of(Arch.ARM64));
        comesBack = pusher.pushIndexWithMissingChild("gone/back", "1.0", List.of(Arch.AMD64), List.of(Arch.ARM64));

        chart = pusher.pushHelmChart("charts/demo", "stable", Map.of("apiVersion", "v2", "name", "demo",
                "version", "0.3.1", "appVersion", "2.4.0", "description", "A demo <chart> for tests"));

        for (int i = 0; i < 12; i++) {
            pusher.pushOciImage("labels/many", "v" + i, Arch.AMD64, Map.of("team", "ocelot-x"));
        }
        pusher.pushOciImage("labels/few", "only", Arch.AMD64, Map.of("team", "ocelot-x"));
        pusher.pushOciImage("labels/few", "other", Arch.AMD64, Map.of("team", "lynx"));

        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()));
        catalog.crawl();
        ReadOnlyApp.setup(builder, catalog);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(catalog, registry);
    }

    // ---- item 8: 300 tags ----------------------------------------------------------------------------------

    @Test
    void repositoryPage_opensWithLatestAndTheNewestReleases_undatedLast() throws Exception {
        List<String> expected = new ArrayList<>();
        expected.add("latest"); // "latest = 2.0.0": one row, latest carries it
        for (int i = RELEASES - 1; i >= 0; i--) {
            expected.add("1." + i + ".0"); // same time: the higher version first
        }
        expected.add("undated");

        List<String> shown = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            shown.addAll(tagLinks(get("/repositories/" + MANY + "?page=" + page).body()));
        }
        assertThat(shown).containsExactlyElementsOf(expected);
        String first = get("/repositories/" + MANY).body();
        assertThat(first).contains("class=\"aliases small\">= <a href=\"/repositories/big/app/tags/2.0.0\">2.0.0</a>");
        assertThat(tagLinks(first)).startsWith("latest", "1.296.0", "1.295.0", "1.294.0");
        // the name order is still there when asked for
        assertThat(tagLinks(get("/repositories/" + MANY + "?sort=name").body())).startsWith("1.0.0", "1.1.0", "1.10.0");
    }

    @Test
    void repositoryPage_hasThePagerAboveAndBelowTheTable() throws Exception {
        String first = get("/repositories/" + MANY).body();
        int top = first.indexOf("id=\"pager-top\"");
        int table = first.indexOf("<table class=\"tags\"");
        int bottom = first.indexOf("id=\"pager-bottom\"");
        assertThat(top).isPositive().isLessThan(table);
        assertThat(bottom).isGreaterThan(table);
        for (String pager : List.of(first.substring(top, table), first.substring(bottom))) {
            assertThat(pager).contains("Page 1 of 3")
                    .contains("href=\"/repositories/big/app?sort=created&amp;page=2\"");
        }
        String last = get("/repositories/" + MANY + "?page=3").body();
        assertThat(last.substring(last.indexOf("id=\"pager-top\""), last.indexOf("<table class=\"tags\"")))
                .contains("Page 3 of 3").contains("rel=\"prev\"").doesNotContain("rel=\"next\"");
    }

    @Test
    void repositoryPage_datesAreRelativeForWeeks_thenMonthAndYear_exactTimeOnHover() throws Exception {
        Map<String, String[]> cells = createdCells(get("/repositories/" + MANY).body());
        Instant latest = created.get("latest");
        assertThat(cells.get("latest")).containsExactly(latest.toString(), exact(latest), "3 hours ago");
        assertThat(cells.get("1.296.0")[2]).isEqualTo("2 days ago");
        assertThat(cells.get("1.292.0")[2]).isEqualTo("12 days ago");
        // 1.286.0 is 27 days old, 1.284.0 32: past four weeks the month shows
        assertThat(cells.get("1.286.0")[2]).isEqualTo("27 days ago");
        assertThat(cells.get("1.284.0")[2]).isEqualTo(monthYear(created.get("1.284.0")));
        Map<String, String[]> older = createdCells(get("/repositories/" + MANY + "?page=3").body());
        Instant oldest = created.get("1.0.0");
        assertThat(older.get("1.0.0")).containsExactly(oldest.toString(), exact(oldest), monthYear(oldest));
        assertThat(older.get("undated")).isNull(); // no date: a dash, no <time>
        // two years of tags no longer all read "2 years ago": page 2 spans many distinct months
        Map<String, String[]> middle = createdCells(get("/repositories/" + MANY + "?page=2").body());
        assertThat(middle.values().stream().map(c -> c[2]).distinct().count()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void apiTags_areByNameUnlessAskedByCreated_whichIsThePageOrder() throws Exception {
        List<String> byName = names(json("/api/repositories/" + MANY + "/tags"));
        assertThat(byName).hasSize(RELEASES + 3).isSorted();
        List<String> byCreated = names(json("/api/repositories/" + MANY + "/tags?sort=created"));
        assertThat(byCreated).startsWith("latest", "2.0.0", "1.296.0", "1.295.0").endsWith("1.1.0", "1.0.0", "undated");
        assertThat(get("/api/repositories/" + MANY + "/tags?sort=bogus").statusCode()).isEqualTo(400);
    }

    // ---- item 9: a dangling index child -------------------------------------------------------------------

    @Test
    void danglingChild_isShownAsMissingFromTheRegistry_onRepositoryAndTagPage() throws Exception {
        // the registry itself no longer has it
        String arm64 = dangling.missing().getFirst().digest();
        HttpResponse<String> gone = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url()
                + "/v2/gone/app/manifests/" + arm64)).header("Accept", TestPusher.OCI_MANIFEST).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(gone.statusCode()).isEqualTo(404);

        String page = get("/repositories/gone/app").body();
        assertThat(page).contains("linux/amd64</td>")
                .containsPattern("linux/arm64/v8 <span class=\"badge badge-warn platform-missing\"[^>]*>missing from the registry</span>");
        String tag = get("/repositories/gone/app/tags/1.0").body();
        assertThat(tag).contains("id=\"platforms-missing\"")
                .containsPattern("data-platform=\"linux/arm64/v8\"><strong>linux/arm64/v8</strong> <span class=\"badge badge-warn\">missing from the registry</span>")
                .contains(arm64.substring(0, "sha256:".length() + 12));
    }

    @Test
    void danglingChild_isInTheApiWithMissingTrue() throws Exception {
        JsonNode listed = json("/api/repositories/gone/app/tags").get("tags").get(0);
        assertThat(listed.get("runnable").asBoolean()).isTrue(); // amd64 still runs
        JsonNode platforms = listed.get("platforms");
        assertThat(platforms).hasSize(2);
        assertThat(platforms.get(0).get("architecture").asText()).isEqualTo("amd64");
        assertThat(platforms.get(0).get("missing").asBoolean()).isFalse();
        assertThat(platforms.get(0).get("size").asLong()).isEqualTo(dangling.platforms().getFirst().size());
        assertThat(platforms.get(1).get("architecture").asText()).isEqualTo("arm64");
        assertThat(platforms.get(1).get("variant").asText()).isEqualTo("v8");
        assertThat(platforms.get(1).get("digest").asText()).isEqualTo(dangling.missing().getFirst().digest());
        assertThat(platforms.get(1).get("missing").asBoolean()).isTrue();
        assertThat(platforms.get(1).get("size").isNull()).isTrue();

        JsonNode detail = json("/api/repositories/gone/app/tags/1.0");
        assertThat(detail.get("platforms")).hasSize(2);
        assertThat(detail.get("platforms").get(1).get("missing").asBoolean()).isTrue();
        assertThat(detail.get("platforms").get(1).get("architecture").asText()).isEqualTo("arm64");
        assertThat(detail.get("platforms").get(0).get("layers")).isNotEmpty();
    }

    @Test
    void danglingChild_pushedAgain_isPresentAfterTheNextReconcile() throws Exception {
        JsonNode before = json("/api/repositories/gone/back/tags").get("tags").get(0).get("platforms");
        assertThat(before.get(1).get("missing").asBoolean()).isTrue();

        pusher.pushAgain(comesBack.missing().getFirst());
        catalog.reconcile();

        JsonNode after = json("/api/repositories/gone/back/tags").get("tags").get(0).get("platforms");
        assertThat(after).hasSize(2);
        assertThat(after.get(1).get("architecture").asText()).isEqualTo("arm64");
        assertThat(after.get(1).get("missing").asBoolean()).isFalse();
        assertThat(after.get(1).get("size").asLong()).isEqualTo(comesBack.missing().getFirst().size());
        assertThat(get("/repositories/gone/back").body()).doesNotContain("missing from the registry");
    }

    // ---- item 10: Helm chart ------------------------------------------------------------------------------

    @Test
    void helmChart_showsNameVersionAppVersionDescription_andPullsByChartVersion() throws Exception {
        String page = get("/repositories/charts/demo/tags/stable").body();
        assertThat(page).contains("id=\"chart-name\"><code>demo</code>")
                .contains("id=\"chart-version\"><code>0.3.1</code>")
                .contains("id=\"chart-app-version\"><code>2.4.0</code>")
                .contains("id=\"chart-description\">A demo &lt;chart&gt; for tests")
                .contains("helm pull oci://" + registry.hostPort() + "/charts/demo --version 0.3.1")
                .doesNotContain("--version stable")
                .doesNotContain("has no platform images");

        JsonNode doc = json("/api/repositories/charts/demo/tags/stable");
        assertThat(doc.get("kind").asText()).isEqualTo("helm-chart");
        assertThat(doc.get("chart").get("name").asText()).isEqualTo("demo");
        assertThat(doc.get("chart").get("version").asText()).isEqualTo("0.3.1");
        assertThat(doc.get("chart").get("appVersion").asText()).isEqualTo("2.4.0");
        assertThat(doc.get("chart").get("description").asText()).isEqualTo("A demo <chart> for tests");
        assertThat(json("/api/repositories/gone/app/tags/1.0").get("chart").isNull()).isTrue();
        assertThat(chart.tag()).isEqualTo("stable");
    }

    // ---- item 7: search grouped -------------------------------------------------------------------------------

    @Test
    void search_listsAFewTagsPerRepository_countsThemAll_andLinksToTheRest() throws Exception {
        String page = get("/search?q=ocelot-x").body();
        assertThat(page).contains("2 repositories, 13 tags for &#8220;ocelot-x&#8221;");
        String many = group(page, "labels/many");
        assertThat(hitLinks(many)).containsExactly("v0", "v1", "v10", "v11", "v2");
        assertThat(many).contains(">12 tags</span>")
                .contains("<a href=\"/search?q=ocelot-x&amp;repository=labels%2Fmany\">and 7 more in labels/many</a>");
        String few = group(page, "labels/few");
        assertThat(hitLinks(few)).containsExactly("only");
        assertThat(few).contains(">1 tag</span>").doesNotContain("more in");

        String all = get("/search?q=ocelot-x&repository=labels%2Fmany").body();
        assertThat(hitLinks(group(all, "labels/many"))).hasSize(12);
        assertThat(all).contains("1 repository, 12 tags for &#8220;ocelot-x&#8221; in labels/many")
                .doesNotContain("data-repository=\"labels/few\"").doesNotContain("more in");
    }

    @Test
    void apiSearch_groupsCarryTheirHitCount_andOneRepositoryListsEveryHit() throws Exception {
        JsonNode doc = json("/api/search?q=ocelot-x");
        JsonNode many = doc.get("groups").get(0);
        assertThat(many.get("repository").asText()).isEqualTo("labels/few");
        assertThat(many.get("hitCount").asInt()).isEqualTo(1);
        JsonNode second = doc.get("groups").get(1);
        assertThat(second.get("repository").asText()).isEqualTo("labels/many");
        assertThat(second.get("hits")).hasSize(5);
        assertThat(second.get("hitCount").asInt()).isEqualTo(12);
        assertThat(doc.get("truncated").asBoolean()).isFalse();

        JsonNode one = json("/api/search?q=ocelot-x&repository=" + URLEncoder.encode("labels/many", StandardCharsets.UTF_8));
        assertThat(one.get("repository").asText()).isEqualTo("labels/many");
        assertThat(one.get("groups")).hasSize(1);
        assertThat(one.get("groups").get(0).get("hits")).hasSize(12);
        assertThat(one.get("groups").get(0).get("hitCount").asInt()).isEqualTo(12);
        assertThat(get("/api/search?q=ocelot-x&repository=no/such").statusCode()).isEqualTo(404);
        assertThat(get("/api/search?q=ocelot-x&repository=..%2Fbad").statusCode()).isEqualTo(400);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> res = get(path);
        assertThat(res.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private static List<String> names(JsonNode tags) {
        List<String> names = new ArrayList<>();
        tags.get("tags").forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    private static List<String> tagLinks(String html) {
        Matcher m = Pattern.compile("<a class=\"tag-name\" href=\"/repositories/big/app/tags/([^\"]+)\"").matcher(html);
        List<String> tags = new ArrayList<>();
        while (m.find()) {
            tags.add(m.group(1));
        }
        return tags;
    }

    /** Per tag of the page: its Created cell's datetime, title and text (tags without a date absent). */
    private static Map<String, String[]> createdCells(String html) {
        Map<String, String[]> cells = new LinkedHashMap<>();
        Matcher m = Pattern.compile("href=\"/repositories/big/app/tags/([^\"]+)\" title=[\\s\\S]*?<td class=\"created\">"
                + "(?:<time datetime=\"([^\"]+)\" title=\"([^\"]+)\">([^<]+)</time>|<span)").matcher(html);
        while (m.find()) {
            if (m.group(2) != null) {
                cells.put(m.group(1), new String[] {m.group(2), m.group(3), m.group(4)});
            }
        }
        return cells;
    }

    private static String exact(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        return String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d UTC", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
    }

    private static String monthYear(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        return t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " " + t.getYear();
    }

    private static String group(String html, String repository) {
        int start = html.indexOf("data-repository=\"" + repository + "\"");
        assertThat(start).as(repository).isPositive();
        int end = html.indexOf("</section>", start);
        return html.substring(start, end);
    }

    private static List<String> hitLinks(String group) {
        Matcher m = Pattern.compile("<li><a class=\"tag-name\" href=\"[^\"]+/tags/([^\"]+)\">").matcher(group);
        List<String> tags = new ArrayList<>();
        while (m.find()) {
            tags.add(m.group(1));
        }
        return List.copyOf(new LinkedHashSet<>(tags));
    }
}
