package dev.imagecatalog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.auth.AddressSet;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.lifecycle.DeleteSettings;
import dev.imagecatalog.catalog.lifecycle.Deleter;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.SignIn;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;
import dev.imagecatalog.web.access.Guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delete API over a real socket, against a real registry with deletes on and the Fabric8 mock cluster (its pods
 * say which digests run): the preview's fields, a delete that leaves the index without the tag at once, 409 for a
 * moved tag, 403 without the permission or with deletes off, and the registry's own refusal as a clear message.
 */
class DeletionWebIT {

    private static final String PULL_HOST = "localhost:5001";
    private static final String ALICE = "alice@example.com";
    private static final String ALICE_TOKEN = "alice-token";
    private static final String BOB_TOKEN = "bob-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuthSettings AUTH = new AuthSettings(AuthMode.KUBERNETES, false, null, null,
            AddressSet.none(), null, "deletion-web-it-session-key-0123456789abcdef", List.of());

    private static LocalRegistry registry;
    private static TestPusher pusher;
    private static RegistryCatalog catalog;
    private static MockKubernetes k8s;
    private static WebServer server;
    private static WebServer disabled;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestPusher.Index multi;
    private static TestPusher.Image sidecar;
    private static TestPusher.Image twoTags;
    private static TestPusher.Image gone;
    private static TestPusher.Image moved;
    private static TestPusher.Image guarded;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        pusher = new TestPusher(registry);
        multi = pusher.pushOciIndex("team/multi", "v1", List.of(TestPusher.Arch.AMD64, TestPusher.Arch.ARM64), true);
        sidecar = pusher.pushOciImage("team/multi", "sha256-" + multi.digest().substring(7) + ".sig",
                TestPusher.Arch.AMD64, Map.of("role", "signature"));
        twoTags = pusher.pushOciImage("team/two", "a", TestPusher.Arch.AMD64, Map.of());
        pusher.tag("team/two", twoTags.digest(), twoTags.mediaType(), "b");
        gone = pusher.pushOciImage("team/gone", "v1", TestPusher.Arch.AMD64, Map.of());
        moved = pusher.pushOciImage("team/moved", "v1", TestPusher.Arch.AMD64, Map.of("n", "1"));
        guarded = pusher.pushOciImage("team/guarded", "v1", TestPusher.Arch.AMD64, Map.of());
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), PULL_HOST));
        catalog.crawl();
        k8s = MockKubernetes.withNodes(Map.of());
        k8s.addUser(ALICE_TOKEN, ALICE, "platform").grant(ALICE, "delete", "repositories", null)
                .addUser(BOB_TOKEN, "bob@example.com", "developers");
        Runner runner = Runner.create(catalog, k8s.cluster(), new RunSettings(true, "runs", Duration.ofHours(1)));
        Deleter deleter = new Deleter(new DeleteSettings(true), catalog.deletions(), catalog.index(), k8s.cluster(),
                PULL_HOST, catalog::reread);
        server = WebServer.builder().host("127.0.0.1").port(0).update(b -> Main.setup(b, catalog, runner,
                Guard.create(AUTH, k8s.cluster()), RegistrySettings.DEFAULT_REQUEST_DEADLINE, deleter)).build().start();
        disabled = WebServer.builder().host("127.0.0.1").port(0).update(b -> Main.setup(b, catalog, runner,
                Guard.create(AUTH, k8s.cluster()))).build().start();
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(server, disabled, k8s, catalog, registry);
    }

    @Test
    void preview_namesTagsChildrenSidecars_thePodsUsingAPlatform_andTheBytes() throws Exception {
        String child = multi.platforms().getFirst().digest();
        pod("web-1", "team-a", "worker-1", "docker-pullable://" + PULL_HOST + "/team/multi@" + child);
        // the same digest pulled from another repository of the registry: deleting team/multi does not touch it
        pod("other-1", "team-b", "worker-2", PULL_HOST + "/team/copy@" + child);
        // Pending, nothing pulled yet, but pinned to the index by its spec
        pendingPinned("starting-1", "team-c", PULL_HOST + "/team/multi@" + multi.digest());
        // finished pods hold nothing
        pod("done-1", "team-d", "worker-1", PULL_HOST + "/team/multi@" + child, "Succeeded");

        HttpResponse<String> res = send(server, "GET", "/api/repositories/team/multi/tags/v1/deletion?mode=image",
                ALICE_TOKEN);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode p = JSON.readTree(res.body());
        assertThat(p.get("repository").asText()).isEqualTo("team/multi");
        assertThat(p.get("tag").asText()).isEqualTo("v1");
        assertThat(p.get("digest").asText()).isEqualTo(multi.digest());
        assertThat(p.get("mode").asText()).isEqualTo("image");
        assertThat(texts(p.get("tags"))).containsExactlyInAnyOrder("v1", sidecar.tag());
        assertThat(texts(p.get("children"))).containsExactlyInAnyOrderElementsOf(
                multi.platforms().stream().map(TestPusher.Image::digest).toList());
        assertThat(texts(p.get("attestations"))).containsExactly(multi.attestation().digest());
        assertThat(texts(p.get("sidecars"))).containsExactly(sidecar.tag());
        assertThat(p.get("inUse")).hasSize(2);
        assertThat(p.get("inUse").get(0).get("namespace").asText()).isEqualTo("team-a");
        assertThat(p.get("inUse").get(0).get("pod").asText()).isEqualTo("web-1");
        assertThat(p.get("inUse").get(0).get("node").asText()).isEqualTo("worker-1");
        assertThat(p.get("inUse").get(1).get("pod").asText()).isEqualTo("starting-1");
        assertThat(p.get("inUse").get(1).get("node").isNull()).isTrue();
        assertThat(p.get("freedBytes").asLong()).isPositive();
        assertThat(p.has("sharedBytes")).isTrue();
        assertThat(p.get("throwAwayBytes").asLong()).isZero();
    }

    @Test
    void untag_leavesTheOtherTagOfTheDigest_andTheIndexShowsItAtOnce() throws Exception {
        JsonNode preview = JSON.readTree(send(server, "GET",
                "/api/repositories/team/two/tags/a/deletion?mode=untag", ALICE_TOKEN).body());
        assertThat(texts(preview.get("tags"))).containsExactly("a");
        assertThat(preview.get("freedBytes").asLong()).isZero();

        HttpResponse<String> res = send(server, "DELETE", "/api/repositories/team/two/tags/a?mode=untag&digest="
                + twoTags.digest(), ALICE_TOKEN);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode outcome = JSON.readTree(res.body());
        assertThat(texts(outcome.get("deleted").get("tags"))).containsExactly("a");
        // Distribution 2.8 cannot delete a tag alone
        assertThat(outcome.get("technique").asText()).isEqualTo("throw-away-manifest");
        assertThat(tags("team/two")).containsExactly("b");
        assertThat(registryDigest("team/two", "b")).isEqualTo(twoTags.digest());
        assertThat(registryStatus("team/two", "a")).isEqualTo(404);
    }

    @Test
    void deleteImage_removesTheTagFromTheRegistryAndFromTheIndexAtOnce() throws Exception {
        long previewed = JSON.readTree(send(server, "GET", "/api/repositories/team/gone/tags/v1/deletion?mode=image",
                ALICE_TOKEN).body()).get("freedBytes").asLong();

        HttpResponse<String> res = send(server, "DELETE", "/api/repositories/team/gone/tags/v1?mode=image&digest="
                + gone.digest(), ALICE_TOKEN);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode outcome = JSON.readTree(res.body());
        assertThat(texts(outcome.get("deleted").get("manifests"))).containsExactly(gone.digest());
        assertThat(outcome.get("freedBytes").asLong()).isEqualTo(previewed).isPositive();
        assertThat(outcome.get("technique").asText()).isEqualTo("manifest-delete");
        assertThat(registryStatus("team/gone", "v1")).isEqualTo(404);
        // no event, no reconcile: the service re-read the repository itself
        assertThat(tags("team/gone")).doesNotContain("v1");
        assertThat(send(server, "GET", "/api/repositories/team/gone/tags/v1/deletion?mode=image", ALICE_TOKEN)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aTagMovedSinceThePreview_is409_andNothingIsDeleted() throws Exception {
        TestPusher.Image now = pusher.pushOciImage("team/moved", "v1", TestPusher.Arch.AMD64, Map.of("n", "2"));

        HttpResponse<String> res = send(server, "DELETE", "/api/repositories/team/moved/tags/v1?mode=image&digest="
                + moved.digest(), ALICE_TOKEN);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(409);
        assertThat(JSON.readTree(res.body()).get("error").asText()).contains(now.digest(), moved.digest(),
                "nothing was deleted");
        assertThat(registryDigest("team/moved", "v1")).isEqualTo(now.digest());
    }

    @Test
    void withoutThePermission_is403NamingIt_andNothingIsDeleted() throws Exception {
        HttpResponse<String> res = send(server, "DELETE", "/api/repositories/team/guarded/tags/v1?mode=image&digest="
                + guarded.digest(), BOB_TOKEN);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(403);
        assertThat(JSON.readTree(res.body()).get("error").asText())
                .contains("delete repositories.imagecatalog.dev \"team/guarded\"");
        assertThat(send(server, "GET", "/api/repositories/team/guarded/tags/v1/deletion?mode=image", BOB_TOKEN)
                .statusCode()).isEqualTo(403);
        assertThat(send(server, "DELETE", "/api/repositories/team/guarded/tags/v1?mode=image&digest="
                + guarded.digest(), null).statusCode()).isEqualTo(401);
        assertThat(registryDigest("team/guarded", "v1")).isEqualTo(guarded.digest());
    }

    @Test
    void crossSiteDelete_isRefused_andNothingIsDeleted() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(server, "/api/repositories/team/guarded/tags/v1?mode=image"
                        + "&digest=" + guarded.digest()))
                .header("Authorization", "Bearer " + ALICE_TOKEN).header("Sec-Fetch-Site", "cross-site")
                .DELETE().build();

        assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        assertThat(registryDigest("team/guarded", "v1")).isEqualTo(guarded.digest());
    }

    @Test
    void badModeOrDigest_is400WithTheReason() throws Exception {
        HttpResponse<String> mode = send(server, "GET", "/api/repositories/team/guarded/tags/v1/deletion?mode=all",
                ALICE_TOKEN);
        HttpResponse<String> digest = send(server, "DELETE", "/api/repositories/team/guarded/tags/v1?mode=image",
                ALICE_TOKEN);

        assertThat(mode.statusCode()).isEqualTo(400);
        assertThat(mode.body()).contains("mode must be untag or image");
        assertThat(digest.statusCode()).isEqualTo(400);
        assertThat(digest.body()).contains("digest must be the digest the preview showed");
    }

    @Test
    void deletesDisabled_apiIs403SayingHowToEnable_andTheTagPageHasNoButtons() throws Exception {
        HttpResponse<String> preview = send(disabled, "GET", "/api/repositories/team/guarded/tags/v1/deletion"
                + "?mode=image", ALICE_TOKEN);
        HttpResponse<String> delete = send(disabled, "DELETE", "/api/repositories/team/guarded/tags/v1?mode=image"
                + "&digest=" + guarded.digest(), ALICE_TOKEN);

        assertThat(preview.statusCode()).isEqualTo(403);
        assertThat(preview.body()).contains("registry.delete.enabled", "REGISTRY_DELETE_ENABLED");
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(registryDigest("team/guarded", "v1")).isEqualTo(guarded.digest());
        assertThat(send(disabled, "GET", "/repositories/team/guarded/tags/v1", ALICE_TOKEN).body())
                .doesNotContain("id=\"delete-image\"", "id=\"untag\"", "sign-in-to-delete");
        // the enabled server shows an anonymous visitor the sign-in prompt instead of buttons
        String anonymous = send(server, "GET", "/repositories/team/guarded/tags/v1", null).body();
        assertThat(anonymous).contains("id=\"sign-in-to-delete\"").doesNotContain("id=\"delete-image\"");
        assertThat(send(server, "GET", "/repositories/team/guarded/tags/v1", ALICE_TOKEN).body())
                .contains("id=\"delete-image\"", "/repositories/team/guarded/tags/v1/delete?mode=image",
                        "id=\"untag\"");
    }

    @Test
    void aRegistryWithDeletesOff_isAClearRefusal_notA500() throws Exception {
        try (LocalRegistry off = LocalRegistry.startWithDeletesDisabled();
             RegistryCatalog offCatalog = RegistryCatalog.create(RegistrySettings.of(off.url(), PULL_HOST))) {
            TestPusher.Image image = new TestPusher(off).pushOciImage("team/kept", "v1", TestPusher.Arch.AMD64,
                    Map.of());
            offCatalog.crawl();
            Deleter deleter = new Deleter(new DeleteSettings(true), offCatalog.deletions(), offCatalog.index(),
                    k8s.cluster(), PULL_HOST, offCatalog::reread);
            Runner runner = Runner.create(offCatalog, k8s.cluster(), new RunSettings(false, "runs",
                    Duration.ofHours(1)));
            WebServer offServer = WebServer.builder().host("127.0.0.1").port(0).update(b -> Main.setup(b, offCatalog,
                    runner, Guard.create(AUTH, k8s.cluster()), RegistrySettings.DEFAULT_REQUEST_DEADLINE, deleter))
                    .build().start();
            try {
                HttpResponse<String> res = send(offServer, "DELETE", "/api/repositories/team/kept/tags/v1?mode=image"
                        + "&digest=" + image.digest(), ALICE_TOKEN);

                assertThat(res.statusCode()).isEqualTo(502);
                assertThat(JSON.readTree(res.body()).get("error").asText()).contains("storage.delete.enabled");
            } finally {
                offServer.stop();
            }
        }
    }

    @Test
    void confirmForm_afterTheTagMoved_is409Page_andNothingIsDeleted() throws Exception {
        TestPusher.Image before = pusher.pushOciImage("team/moved-page", "v1", TestPusher.Arch.AMD64, Map.of("n", "1"));
        catalog.reread("team/moved-page");
        String cookie = SignIn.session(uri(server, "/"), ALICE_TOKEN);
        HttpResponse<String> preview = page(server, "/repositories/team/moved-page/tags/v1/delete?mode=image", cookie);
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        assertThat(preview.body()).contains("name=\"digest\" value=\"" + before.digest() + "\"");
        TestPusher.Image now = pusher.pushOciImage("team/moved-page", "v1", TestPusher.Arch.AMD64, Map.of("n", "2"));

        HttpResponse<String> res = confirm(server, "/repositories/team/moved-page/tags/v1/delete", cookie,
                csrf(preview.body()), before.digest(), "image");

        assertThat(res.statusCode()).isEqualTo(409);
        assertThat(res.body()).contains("The tag moved", "nothing was deleted");
        assertThat(registryDigest("team/moved-page", "v1")).isEqualTo(now.digest());
    }

    @Test
    void confirmForm_deletes_andShowsWhatWent() throws Exception {
        TestPusher.Image image = pusher.pushOciImage("team/page-gone", "v1", TestPusher.Arch.AMD64, Map.of());
        catalog.reread("team/page-gone");
        String cookie = SignIn.session(uri(server, "/"), ALICE_TOKEN);
        HttpResponse<String> preview = page(server, "/repositories/team/page-gone/tags/v1/delete?mode=image", cookie);

        HttpResponse<String> res = confirm(server, "/repositories/team/page-gone/tags/v1/delete", cookie,
                csrf(preview.body()), image.digest(), "image");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).contains("id=\"deletion-result\"", "id=\"deleted-freed\"");
        assertThat(registryStatus("team/page-gone", "v1")).isEqualTo(404);
        // without the form's token nothing happens
        assertThat(confirm(server, "/repositories/team/guarded/tags/v1/delete", cookie, "", guarded.digest(), "image")
                .statusCode()).isEqualTo(403);
        assertThat(registryDigest("team/guarded", "v1")).isEqualTo(guarded.digest());
    }

    @Test
    void previewPage_withoutThePermission_is403NamingIt() throws Exception {
        String cookie = SignIn.session(uri(server, "/"), BOB_TOKEN);

        HttpResponse<String> res = page(server, "/repositories/team/guarded/tags/v1/delete?mode=image", cookie);

        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("delete repositories.imagecatalog.dev");
    }

    @Test
    void tagsNamedDeleteOrDeletion_remainTheCatalogs() throws Exception {
        pusher.pushOciImage("team/words", "deletion", TestPusher.Arch.AMD64, Map.of());
        pusher.pushOciImage("team/words", "delete", TestPusher.Arch.AMD64, Map.of());
        catalog.reread("team/words");

        assertThat(send(server, "GET", "/api/repositories/team/words/tags/deletion", null).statusCode()).isEqualTo(200);
        assertThat(send(server, "GET", "/repositories/team/words/tags/delete", null).statusCode()).isEqualTo(200);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static void pod(String name, String namespace, String node, String imageId) {
        pod(name, namespace, node, imageId, "Running");
    }

    /** A pod whose container status names a digest, as the kubelet reports it. */
    private static void pod(String name, String namespace, String node, String imageId, String phase) {
        k8s.fabric8().pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata().withNewSpec().withNodeName(node).addNewContainer()
                .withName("app").withImage("something:latest").endContainer().endSpec().build()).create();
        k8s.fabric8().pods().inNamespace(namespace).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase(phase).withContainerStatuses(new ContainerStatusBuilder()
                        .withName("app").withImage("something:latest").withImageID(imageId).withReady(true)
                        .withRestartCount(0).build()).build()).build());
    }

    /** A pod not scheduled yet whose spec pins the image by digest. */
    private static void pendingPinned(String name, String namespace, String image) {
        k8s.fabric8().pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata().withNewSpec().addNewInitContainer().withName("init")
                .withImage(image).endInitContainer().addNewContainer().withName("app").withImage("busybox")
                .endContainer().endSpec().withNewStatus().withPhase("Pending").endStatus().build()).create();
    }

    private static HttpResponse<String> page(WebServer target, String path, String cookie) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(target, path)).header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> confirm(WebServer target, String path, String cookie, String csrf,
                                                String digest, String mode) throws Exception {
        String form = "csrf=" + java.net.URLEncoder.encode(csrf, java.nio.charset.StandardCharsets.UTF_8)
                      + "&digest=" + java.net.URLEncoder.encode(digest, java.nio.charset.StandardCharsets.UTF_8)
                      + "&mode=" + mode;
        return HTTP.send(HttpRequest.newBuilder(uri(target, path)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as(html).isTrue();
        return m.group(1);
    }

    private static List<String> tags(String repository) throws Exception {
        HttpResponse<String> res = send(server, "GET", "/api/repositories/" + repository + "/tags", null);
        if (res.statusCode() == 404) {
            return List.of();
        }
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        JSON.readTree(res.body()).get("tags").forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    private static String registryDigest(String repository, String tag) throws Exception {
        HttpResponse<Void> res = HTTP.send(registryHead(repository, tag), HttpResponse.BodyHandlers.discarding());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    private static int registryStatus(String repository, String tag) throws Exception {
        return HTTP.send(registryHead(repository, tag), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpRequest registryHead(String repository, String tag) {
        return HttpRequest.newBuilder(registry.url().resolve("/v2/" + repository + "/manifests/" + tag))
                .header("Accept", TestPusher.OCI_MANIFEST + ", " + TestPusher.OCI_INDEX)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
    }

    private static HttpResponse<String> send(WebServer target, String method, String path, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target, path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(WebServer target, String path) {
        return URI.create("http://127.0.0.1:" + target.port() + path);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
