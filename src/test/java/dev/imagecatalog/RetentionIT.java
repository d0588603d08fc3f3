package dev.imagecatalog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.imagecatalog.auth.AddressSet;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.lifecycle.ImagesInUse;
import dev.imagecatalog.catalog.lifecycle.Retention;
import dev.imagecatalog.catalog.lifecycle.RetentionRule;
import dev.imagecatalog.catalog.lifecycle.RetentionSettings;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.web.access.Guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention over real sockets against a real registry: the dry run, apply, re-push races and permissions, with the
 * Fabric8 mock answering SubjectAccessReviews and listing the cluster's pods (one runs an image retention must keep).
 */
class RetentionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "retention-it-session-key-0123456789abcdef";
    private static final String DELETER = "deleter-token";
    private static final String VIEWER = "viewer-token";

    private static LocalRegistry registry;
    private static DistributionClient client;
    private static MockKubernetes k8s;
    private static HttpClient http;

    private RegistryCatalog catalog;
    private WebServer server;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        client = new DistributionClient(RegistrySettings.of(registry.url(), registry.hostPort()));
        k8s = MockKubernetes.withNodes(Map.of());
        k8s.addUser(DELETER, "deleter").grant("deleter", "delete", "repositories", null)
                .addUser(VIEWER, "viewer");
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (k8s != null) {
            k8s.close();
        }
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
        if (catalog != null) {
            catalog.close();
        }
    }

    /** The images of one test's repository: what the rule keeps, what goes, a pod's, and a signature. */
    private record Pushed(TestPusher.Image keep, TestPusher.Image old1, TestPusher.Image old2,
                         TestPusher.Image used, TestPusher.Image signature) {
    }

    private static Pushed push(String repository) {
        TestPusher pusher = new TestPusher(registry);
        TestPusher.Image keep = pusher.pushOciImage(repository, "keep-1", Arch.AMD64, Map.of());
        pusher.tag(repository, keep.digest(), keep.mediaType(), "alias");
        TestPusher.Image old1 = pusher.pushOciImage(repository, "old-1", Arch.AMD64, Map.of());
        TestPusher.Image old2 = pusher.pushOciImage(repository, "old-2", Arch.ARM64, Map.of());
        TestPusher.Image used = pusher.pushOciImage(repository, "in-use", Arch.AMD64, Map.of());
        TestPusher.Image signature = pusher.pushCosignSignature(old1);
        return new Pushed(keep, old1, old2, used, signature);
    }

    private void serve(String prefix, Pushed pushed, boolean deletesEnabled) {
        serve(prefix, pushed, deletesEnabled, AuthMode.KUBERNETES);
    }

    private void serve(String prefix, Pushed pushed, boolean deletesEnabled, AuthMode mode) {
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()));
        catalog.crawl();
        // a pod in the stand-in cluster whose container status names the digest (as the kubelet reports it)
        String image = registry.hostPort() + "/" + pushed.used().repository();
        k8s.fabric8().pods().inNamespace("prod").withName("web-1").delete();
        k8s.fabric8().pods().inNamespace("prod").resource(new PodBuilder().withNewMetadata().withName("web-1")
                .withNamespace("prod").endMetadata().withNewSpec().withNodeName("worker-1").addNewContainer()
                .withName("web").withImage(image + ":" + pushed.used().tag()).endContainer().endSpec().build())
                .create();
        k8s.fabric8().pods().inNamespace("prod").withName("web-1").editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Running").withContainerStatuses(
                        new ContainerStatusBuilder().withName("web").withImage(image + ":" + pushed.used().tag())
                                .withImageID(image + "@" + pushed.used().digest()).withReady(true)
                                .withRestartCount(0).build()).build()).build());
        ImagesInUse pods = k8s.cluster();
        RetentionSettings settings = new RetentionSettings(
                List.of(RetentionRule.parse(prefix + "/*", null, "^keep-.*$", null)), null, "lease", "default",
                deletesEnabled);
        Retention retention = catalog.retention(pods, settings);
        AuthSettings auth = new AuthSettings(mode, false, null, null, AddressSet.none(), null, KEY, List.of());
        Runner runner = Runner.create(catalog, k8s.cluster(), new RunSettings(true, "runs", Duration.ofHours(1)));
        server = WebServer.builder().host("127.0.0.1").port(0)
                .update(b -> Main.setup(b, catalog, runner, Guard.create(auth, k8s.cluster()),
                        RegistrySettings.DEFAULT_REQUEST_DEADLINE, retention))
                .build().start();
    }

    @Test
    void theDryRunIsDeterministic_applyDeletesExactlyItsSet_andASecondApplyDeletesNothing() throws Exception {
        Pushed p = push("ret-a/app");
        serve("ret-a", p, true);

        HttpResponse<String> first = get("/api/retention", DELETER);
        HttpResponse<String> second = get("/api/retention", DELETER);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        JsonNode plan = JSON.readTree(first.body());
        JsonNode repo = plan.path("repositories").get(0);
        assertThat(repo.path("name").asText()).isEqualTo("ret-a/app");
        assertThat(reasons(repo.path("keep"))).containsEntry("keep-1", "matches keepTags")
                .containsEntry("alias", "digest also tagged keep-1 (kept)")
                .containsEntry("in-use", "in use by pod prod/web-1");
        String sig = p.signature().tag();
        assertThat(reasons(repo.path("delete"))).containsOnlyKeys("old-1", "old-2", sig)
                .containsEntry(sig, "cosign sidecar of deleted " + p.old1().digest());
        assertThat(plan.path("freedBytes").asLong()).isPositive();
        assertThat(plan.path("notPermitted")).isEmpty();

        HttpResponse<String> applied = apply(plan.path("plan").asText(), DELETER);

        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        JsonNode outcome = JSON.readTree(applied.body());
        Set<String> deleted = new HashSet<>();
        outcome.path("deleted").forEach(d -> deleted.add(d.path("repository").asText() + ":" + d.path("tag").asText()
                + "@" + d.path("digest").asText()));
        Set<String> planned = new HashSet<>();
        repo.path("delete").forEach(d -> planned.add("ret-a/app:" + d.path("tag").asText() + "@"
                + d.path("digest").asText()));
        assertThat(deleted).isEqualTo(planned);
        assertThat(outcome.path("freedBytes").asLong()).isEqualTo(plan.path("freedBytes").asLong());
        assertThat(client.tags("ret-a/app")).containsExactlyInAnyOrder("keep-1", "alias", "in-use");
        assertThat(digestOf("ret-a/app", "in-use")).contains(p.used().digest());

        JsonNode after = JSON.readTree(get("/api/retention", DELETER).body());
        assertThat(after.path("repositories").get(0).path("delete")).isEmpty();
        HttpResponse<String> again = apply(after.path("plan").asText(), DELETER);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("deleted")).isEmpty();
        assertThat(client.tags("ret-a/app")).containsExactlyInAnyOrder("keep-1", "alias", "in-use");
    }

    @Test
    void aTagPushedAgainBetweenDryRunAndApply_isNotDeleted_andTheAnswerIs409WithTheNewPlan() throws Exception {
        Pushed p = push("ret-b/app");
        serve("ret-b", p, true);
        JsonNode plan = JSON.readTree(get("/api/retention", DELETER).body());

        TestPusher.Image repushed = new TestPusher(registry).pushOciImage("ret-b/app", "old-1", Arch.ARM64, Map.of());
        HttpResponse<String> applied = apply(plan.path("plan").asText(), DELETER);

        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(409);
        JsonNode answer = JSON.readTree(applied.body());
        assertThat(answer.path("error").asText()).contains("ret-b/app").contains("nothing was deleted");
        assertThat(answer.path("plan").asText()).isNotEqualTo(plan.path("plan").asText());
        assertThat(answer.path("repositories").get(0).path("delete").toString()).contains(repushed.digest());
        assertThat(digestOf("ret-b/app", "old-1")).contains(repushed.digest());
        assertThat(digestOf("ret-b/app", "old-2")).contains(p.old2().digest());
        assertThat(client.tags("ret-b/app")).contains(p.signature().tag());
    }

    @Test
    void aUserWithoutTheDeletePermission_gets403NamingIt_andNothingIsDeleted() throws Exception {
        Pushed p = push("ret-c/app");
        serve("ret-c", p, true);
        JsonNode plan = JSON.readTree(get("/api/retention", VIEWER).body());
        assertThat(plan.path("notPermitted").toString()).contains("ret-c/app");

        HttpResponse<String> applied = apply(plan.path("plan").asText(), VIEWER);

        assertThat(applied.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(applied.body()).path("error").asText())
                .contains("delete repositories.imagecatalog.dev \"ret-c/app\"").contains("nothing was deleted");
        assertThat(client.tags("ret-c/app")).containsExactlyInAnyOrder("keep-1", "alias", "old-1", "old-2", "in-use",
                p.signature().tag());
    }

    @Test
    void withDeletesDisabled_theDryRunAndApplyAre403SayingHowToEnableThem_andThePageSaysSo() throws Exception {
        Pushed p = push("ret-d/app");
        serve("ret-d", p, false);

        HttpResponse<String> dryRun = get("/api/retention", DELETER);
        HttpResponse<String> applied = apply("anything", DELETER);
        HttpResponse<String> page = get("/retention", null);

        assertThat(dryRun.statusCode()).isEqualTo(403);
        assertThat(dryRun.body()).contains("registry.delete.enabled=true").contains("REGISTRY_DELETE_ENABLED");
        assertThat(applied.statusCode()).isEqualTo(403);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"retention-disabled\"").doesNotContain("retention-apply");
        assertThat(client.tags("ret-d/app")).hasSize(6);
    }

    @Test
    void thePage_showsWhatGoesAndStaysWithReasons_theFreedTotal_andWhereTheViewerMayNotDelete() throws Exception {
        Pushed p = push("ret-e/app");
        serve("ret-e", p, true);

        HttpResponse<String> page = get("/retention", VIEWER);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-repository=\"ret-e/app\"").contains("in use by pod prod/web-1")
                .contains("digest also tagged keep-1 (kept)").contains("retention-not-permitted")
                .contains("you may not delete here").containsPattern("[0-9.]+ (B|KiB|MiB)</strong> freed");
    }

    @Test
    void thePagesApplyButton_postsThePlanWithItsCsrfToken_andShowsWhatWent() throws Exception {
        Pushed p = push("ret-f/app");
        serve("ret-f", p, true, AuthMode.NONE);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
        String page = browser.send(HttpRequest.newBuilder(uri("/retention")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String token = field(page, "csrf");
        String plan = field(page, "plan");

        HttpResponse<String> forged = browser.send(HttpRequest.newBuilder(uri("/retention"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("plan=" + plan)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(client.tags("ret-f/app")).hasSize(6);

        HttpResponse<String> applied = browser.send(HttpRequest.newBuilder(uri("/retention"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + java.net.URLEncoder.encode(token,
                        java.nio.charset.StandardCharsets.UTF_8) + "&plan=" + plan)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(applied.body()).contains("id=\"retention-outcome\"").contains("ret-f/app:old-1")
                .contains("Deleted 3 tags");
        assertThat(client.tags("ret-f/app")).containsExactlyInAnyOrder("keep-1", "alias", "in-use");
    }

    private static String field(String html, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"")
                .matcher(html);
        assertThat(m.find()).as("form field %s", name).isTrue();
        return m.group(1);
    }

    private static Map<String, String> reasons(JsonNode decisions) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        decisions.forEach(d -> {
            out.put(d.path("tag").asText(), d.path("reason").asText());
            order.add(d.path("tag").asText());
        });
        assertThat(order).isSorted();
        return out;
    }

    private static Optional<String> digestOf(String repository, String tag) {
        try {
            return client.manifestDigest(repository, tag);
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> apply(String plan, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/api/retention/apply")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"plan\":\"" + plan + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
