package dev.imagecatalog;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.imagecatalog.auth.AddressSet;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.cluster.KubernetesCluster;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.RunForms;
import dev.imagecatalog.testing.SignIn;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.web.access.Guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.helidon.webserver.WebServer;
import io.kubernetes.client.openapi.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.imagecatalog.testing.RunForms.form;
import static dev.imagecatalog.testing.RunForms.radio;
import static dev.imagecatalog.testing.RunForms.tagPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner's pages and JSON API over a real socket: a real seeded registry read through the real catalog, the
 * Fabric8 mock Kubernetes API (CRUD, three nodes) behind the real cluster adapter. What was created is checked with
 * the Fabric8 client, independent of the code under test. A second server with runs disabled proves read-only mode.
 */
class RunWebIT {

    static final String PULL_HOST = "localhost:5001";
    static final String NAMESPACE = "runs";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SeededRegistry seeded;
    private static RegistryCatalog catalog;
    private static MockKubernetes k8s;
    private static WebServer server;
    private static WebServer readOnly;
    private static WebServer noCluster;
    private static HttpClient http;
    /** Kubernetes sign-in with a session key shared by the test's servers (as replicas share the chart's Secret). */
    static final AuthSettings AUTH = new AuthSettings(AuthMode.KUBERNETES, false, null, null, AddressSet.none(), null,
            "run-web-it-session-key-0123456789abcdef", List.of());
    private static String session;

    @BeforeAll
    static void start() {
        seeded = SeededRegistry.start();
        catalog = RegistryCatalog.create(RegistrySettings.of(seeded.registry().url(), PULL_HOST));
        k8s = MockKubernetes.withNodes(Map.of(MockKubernetes.AMD64_WORKER,
                List.of(PULL_HOST + "/" + seeded.amd64Only().repository() + "@" + seeded.amd64Only().digest())));
        server = start(true);
        readOnly = start(false);
        // runs enabled, but the Kubernetes API is not there (nothing listens on port 9 of the loopback)
        KubernetesCluster away = new KubernetesCluster(new ApiClient().setBasePath("http://127.0.0.1:9"));
        Runner unreachable = Runner.create(catalog, away, new RunSettings(true, NAMESPACE, Duration.ofHours(1)));
        noCluster = WebServer.builder().host("127.0.0.1").port(0)
                .update(builder -> Main.setup(builder, catalog, unreachable, Guard.create(AUTH, away))).build().start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // signed in as the mock's admin; the three servers share the session key, so all accept the cookie
        session = SignIn.session(URI.create("http://127.0.0.1:" + server.port()), MockKubernetes.ADMIN_TOKEN);
    }

    private static WebServer start(boolean enabled) {
        Runner runner = Runner.create(catalog, k8s.cluster(), new RunSettings(enabled, NAMESPACE, Duration.ofHours(1)));
        return WebServer.builder().host("127.0.0.1").port(0)
                .update(builder -> Main.setup(builder, catalog, runner, Guard.create(AUTH, k8s.cluster())))
                .build().start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {
                () -> server.stop(), () -> readOnly.stop(), () -> noCluster.stop(), () -> k8s.close(), () -> catalog.close(),
                () -> seeded.close()}) {
            try {
                c.close();
            } catch (Exception | Error e) {
                // keep stopping the rest
            }
        }
    }

    @AfterEach
    void deletePods() {
        k8s.fabric8().pods().inNamespace(NAMESPACE).list().getItems().forEach(
                p -> k8s.fabric8().pods().inNamespace(NAMESPACE).withName(p.getMetadata().getName()).delete());
    }

    // ---- nodes -----------------------------------------------------------------------------------------------

    @Test
    void apiNodes_listTheThreeNodesWithTheirShape() throws Exception {
        HttpResponse<String> res = get(server, "/api/nodes");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode nodes = JSON.readTree(res.body()).get("nodes");
        assertThat(nodes).hasSize(3);
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        nodes.forEach(n -> byName.put(n.get("name").asText(), n));
        assertThat(byName.keySet()).containsExactly(MockKubernetes.CONTROL_PLANE, MockKubernetes.AMD64_WORKER,
                MockKubernetes.ARM64_WORKER);
        JsonNode cp = byName.get(MockKubernetes.CONTROL_PLANE);
        assertThat(cp.get("ready").asBoolean()).isTrue();
        assertThat(cp.get("os").asText()).isEqualTo("linux");
        assertThat(cp.get("architecture").asText()).isEqualTo("amd64");
        assertThat(cp.get("kubeletVersion").asText()).isEqualTo("v1.36.1");
        assertThat(cp.get("cpu").asText()).isEqualTo("4");
        assertThat(cp.get("memory").asText()).isEqualTo("8025424Ki");
        assertThat(cp.get("unschedulable").asBoolean()).isFalse();
        assertThat(cp.get("roles")).extracting(JsonNode::asText).containsExactly("control-plane");
        assertThat(cp.get("taints").get(0).get("key").asText()).isEqualTo(MockKubernetes.CONTROL_PLANE_TAINT);
        assertThat(cp.get("taints").get(0).get("effect").asText()).isEqualTo("NoSchedule");
        assertThat(byName.get(MockKubernetes.ARM64_WORKER).get("architecture").asText()).isEqualTo("arm64");
        assertThat(byName.get(MockKubernetes.ARM64_WORKER).get("taints")).isEmpty();
    }

    @Test
    void nodesPage_showsEveryNodeWithTaints() throws Exception {
        HttpResponse<String> res = get(server, "/nodes");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("data-node=\"" + MockKubernetes.CONTROL_PLANE + "\"",
                        "data-node=\"" + MockKubernetes.AMD64_WORKER + "\"", "data-node=\"" + MockKubernetes.ARM64_WORKER + "\"")
                .contains(MockKubernetes.CONTROL_PLANE_TAINT + ":NoSchedule")
                .contains("linux/arm64", "v1.36.1", "8025424Ki")
                .contains("href=\"/nodes\"", "href=\"/runs\"");
    }

    // ---- pre-flight ------------------------------------------------------------------------------------------

    @Test
    void apiPreflight_answersEveryNodeBestFirst_withVerdictReasonsCapacityAndPull() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        HttpResponse<String> res = get(server, "/api/repositories/" + image.repository() + "/tags/" + image.tag()
                                               + "/nodes?cpuRequest=500m&memoryRequest=512Mi");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode doc = JSON.readTree(res.body());
        assertThat(doc.get("preselected").asText()).isEqualTo(MockKubernetes.AMD64_WORKER);
        assertThat(doc.get("requests").get("memoryRequest").asText()).isEqualTo("512Mi");
        JsonNode nodes = doc.get("nodes");
        assertThat(nodes).extracting(n -> n.get("name").asText() + ":" + n.get("verdict").asText()).containsExactly(
                MockKubernetes.AMD64_WORKER + ":ready", MockKubernetes.CONTROL_PLANE + ":cannot",
                MockKubernetes.ARM64_WORKER + ":cannot");
        JsonNode worker = nodes.get(0);
        assertThat(worker.get("platformDigest").asText()).isEqualTo(image.digest());
        assertThat(worker.get("fits").asBoolean()).isTrue();
        assertThat(worker.get("free").get("cpu").asText()).isEqualTo("4");
        assertThat(worker.get("free").get("memory").asText()).isEqualTo("7.6Gi");
        assertThat(worker.get("cached").asBoolean()).isTrue();
        assertThat(worker.get("pullBytes").asLong()).isZero();
        assertThat(worker.get("pullEstimate").asText()).isEqualTo("cached");
        assertThat(worker.get("reasons")).extracting(JsonNode::asText).contains("fits (4 CPU, 7.6Gi memory free)");
        JsonNode cp = nodes.get(1);
        assertThat(cp.get("tainted").asBoolean()).isTrue();
        assertThat(cp.get("preferred").asBoolean()).isFalse();
        assertThat(cp.get("pullEstimate").asText()).isEqualTo("full-size");
        assertThat(cp.get("pullBytes").asLong()).isEqualTo(image.size());
        assertThat(nodes.get(2).get("platformDigest").isNull()).isTrue();
    }

    @Test
    void apiPreflight_badQuantity_is400_unknownTag_404_andTheTagRouteStillAnswers() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        String base = "/api/repositories/" + image.repository() + "/tags/";

        HttpResponse<String> bad = get(server, base + image.tag() + "/nodes?memoryRequest=lots");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asText()).contains("\"lots\" is not a Kubernetes quantity");
        assertThat(get(server, base + "missing/nodes").statusCode()).isEqualTo(404);
        HttpResponse<String> tag = get(server, base + image.tag());
        assertThat(tag.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(tag.body()).get("digest").asText()).isEqualTo(image.digest());
    }

    @Test
    void apiPreflight_needsAUserAllowedToListNodes() throws Exception {
        k8s.addUser("preflight-no-nodes-token", "preflight-no-nodes");
        TestPusher.Image image = seeded.amd64Only();
        String path = "/api/repositories/" + image.repository() + "/tags/" + image.tag() + "/nodes";

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri(server, path)).GET().build(),
                                                   HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> denied = http.send(HttpRequest.newBuilder(uri(server, path))
                                                        .header("Authorization", "Bearer preflight-no-nodes-token")
                                                        .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(denied.body()).get("error").asText()).contains("list nodes");
    }

    @Test
    void tagPage_runForm_showsVerdictsBestFirst_andPreselectsTheReadyWorker() throws Exception {
        HttpResponse<String> res = get(server, tagPath(seeded.amd64Only()));

        assertThat(res.statusCode()).isEqualTo(200);
        String page = res.body();
        assertThat(radio(page, MockKubernetes.AMD64_WORKER)).contains("checked");
        assertThat(radio(page, MockKubernetes.CONTROL_PLANE)).doesNotContain("checked");
        assertThat(page.indexOf("data-node=\"" + MockKubernetes.AMD64_WORKER + "\" data-verdict=\"ready\""))
                .isPositive()
                .isLessThan(page.indexOf("data-node=\"" + MockKubernetes.CONTROL_PLANE + "\" data-verdict=\"cannot\""));
        assertThat(page).contains("ready to run", "cannot run", "the image is cached here: nothing to pull",
                                  "arm64 node; image has linux/amd64 only");
    }

    @Test
    void runPage_pendingAndUnschedulable_saysSoInItsFirstLine_andAsksForNoLog() throws Exception {
        String name = launchViaApi();
        String message = "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node "
                         + "affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful.";
        k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Pending").addNewCondition().withType("PodScheduled")
                        .withStatus("False").withReason("Unschedulable").withMessage(message).endCondition().build())
                .build());
        k8s.takeRequests();

        String page = get(server, "/runs/" + name).body();

        assertThat(page).contains("id=\"run-headline\"", "Cannot be scheduled: " + message.replace("'", "&#39;"))
                .doesNotContain("(Unschedulable)")
                .contains("No log yet: the container has not started");
        assertThat(k8s.takeRequests()).as("requests the API server received for the page")
                .noneMatch(r -> r.contains("/pods/" + name + "/log"));
        // the page's script keeps the first line current from the API
        JsonNode api = JSON.readTree(get(server, "/api/runs/" + name).body());
        assertThat(api.get("headline").get("text").asText()).isEqualTo("Cannot be scheduled: " + message);
        assertThat(api.get("headline").get("tone").asText()).isEqualTo("problem");
        // the runs list says the same in its State column, not an empty container state
        String list = get(server, "/runs").body();
        String row = list.substring(list.indexOf("data-run=\"" + name + "\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).contains("class=\"run-state run-state-problem\"",
                "Cannot be scheduled: " + message.replace("'", "&#39;")).doesNotContain("(Unschedulable)");
    }

    @Test
    void runsList_pendingWithoutACondition_saysWaitingForTheScheduler() throws Exception {
        String name = launchViaApi();
        k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Pending").build()).build());

        String list = get(server, "/runs").body();
        String row = list.substring(list.indexOf("data-run=\"" + name + "\""));
        row = row.substring(0, row.indexOf("</tr>"));

        assertThat(row).contains("class=\"run-state run-state-wait\"");
        assertThat(row.replaceAll("<[^>]+>", " ")).containsPattern("Waiting for the scheduler|Pulling the image");
    }

    @Test
    void runPageAndApi_imagePullBackOff_showTheDiagnosis_andRestartedRunOffersThePreviousLog() throws Exception {
        String name = launchViaApi();
        k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
                        .withName("run").withImage("x").withImageID("").withReady(false).withRestartCount(2)
                        .withNewState().withNewWaiting().withReason("ImagePullBackOff")
                        .withMessage("dial tcp [::1]:5001: connect: connection refused").endWaiting().endState().build())
                        .build()).build());
        k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).edit(p -> new PodBuilder(p).editSpec()
                .withNodeName(MockKubernetes.AMD64_WORKER).endSpec().build());
        k8s.server().expect().get().withPath("/api/v1/namespaces/runs/pods/" + name
                                             + "/log?container=run&previous=true&tailLines=200")
                .andReturn(200, "previous attempt said <b>bye</b>\n").always();

        JsonNode api = JSON.readTree(get(server, "/api/runs/" + name).body());
        HttpResponse<String> page = get(server, "/runs/" + name);

        assertThat(api.get("previousLog").asBoolean()).isTrue();
        assertThat(api.get("diagnosis").get("summary").asText())
                .startsWith("the node cannot reach the registry at " + PULL_HOST);
        assertThat(api.get("diagnosis").get("checks")).extracting(c -> c.get("question").asText())
                .contains("Is the manifest still in the registry?");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"diagnosis\"", "Why the image does not pull", "hosts.toml",
                                         "Log of the previous container", "previous attempt said &lt;b&gt;bye&lt;/b&gt;");
        HttpResponse<String> previous = get(server, "/api/runs/" + name + "/logs?previous=true&tail=200");
        assertThat(previous.body()).isEqualTo("previous attempt said <b>bye</b>\n");
        assertThat(get(server, "/api/runs/" + name + "/logs?previous=true&follow=true").statusCode()).isEqualTo(400);
    }

    // ---- image defaults --------------------------------------------------------------------------------------

    private static TestPusher.Image pushServer() {
        return new TestPusher(seeded.registry()).pushOciImageWithRunConfig("defaults/server", "1",
                TestPusher.Arch.AMD64, Map.of("Entrypoint", List.of("/bin/server"), "Cmd", List.of("--port", "8080"),
                        "Env", List.of("PATH=/bin", "MODE=prod"), "ExposedPorts", Map.of("8080/tcp", Map.of()),
                        "User", "1000:1000", "WorkingDir", "/srv", "StopSignal", "SIGINT"));
    }

    @Test
    void tagPageAndApi_showWhatRunsByDefault_andTheRunFormStartsFromIt() throws Exception {
        TestPusher.Image image = pushServer();

        JsonNode defaults = JSON.readTree(get(server, "/api/repositories/defaults/server/tags/1").body()).get("defaults");
        String page = get(server, tagPath(image)).body();

        assertThat(defaults.get("Entrypoint")).extracting(JsonNode::asText).containsExactly("/bin/server");
        assertThat(defaults.get("Cmd")).extracting(JsonNode::asText).containsExactly("--port", "8080");
        assertThat(defaults.get("Env")).extracting(JsonNode::asText).containsExactly("PATH=/bin", "MODE=prod");
        assertThat(defaults.get("ExposedPorts")).extracting(JsonNode::asText).containsExactly("8080/tcp");
        assertThat(defaults.get("User").asText()).isEqualTo("1000:1000");
        assertThat(defaults.get("WorkingDir").asText()).isEqualTo("/srv");
        assertThat(defaults.get("StopSignal").asText()).isEqualTo("SIGINT");
        assertThat(page).contains("What runs by default", "<code class=\"default-command\">/bin/server --port 8080</code>",
                "<code>1000:1000</code>", "<code>8080/tcp</code>", "<code>SIGINT</code>")
                .contains(">/bin/server</textarea>", ">--port\n8080</textarea>")
                .contains("The image sets: <code>PATH=/bin</code>, <code>MODE=prod</code>");
    }

    @Test
    void runPageAndApi_showWhatTheRunChangedAgainstTheImagesDefaults() throws Exception {
        TestPusher.Image image = pushServer();
        HttpResponse<String> launched = postJson(server, "/api/runs", Map.of("repository", image.repository(),
                "tag", image.tag(), "node", MockKubernetes.AMD64_WORKER, "command", List.of("/bin/server"),
                "args", List.of("--port", "9090"), "env", Map.of("MODE", "debug", "EXTRA", "1", "PATH", "/bin")));
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        String name = JSON.readTree(launched.body()).get("name").asText();

        JsonNode changes = JSON.readTree(get(server, "/api/runs/" + name).body()).get("changes");
        String page = get(server, "/runs/" + name).body();

        assertThat(changes.get("commandOverridden").asBoolean()).isFalse();
        assertThat(changes.get("argsOverridden").asBoolean()).isTrue();
        assertThat(changes.get("env")).extracting(e -> e.get("name").asText() + ":" + e.get("imageValue").asText()
                                                       + ">" + e.get("value").asText())
                .containsExactlyInAnyOrder("MODE:prod>debug", "EXTRA:null>1");
        assertThat(page).contains("Changed from the image's defaults", "Args overridden",
                "Changed <code>MODE</code>: <code>prod</code> &#8594; <code>debug</code>", "Added <code>EXTRA=1</code>")
                .doesNotContain("Command overridden");
    }

    // ---- launch through the API ------------------------------------------------------------------------------

    @Test
    void apiLaunch_createsExactlyThePodByDigestOnTheNode_andAnswers201() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        HttpResponse<String> res = postJson(server, "/api/runs", Map.of(
                "repository", image.repository(), "tag", image.tag(), "node", MockKubernetes.AMD64_WORKER,
                "command", List.of("sh", "-c"), "args", List.of("echo hi"), "env", Map.of("GREETING", "hello"),
                "restartPolicy", "OnFailure", "resources", Map.of("cpuRequest", "100m", "memoryLimit", "64Mi")));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(res.body());
        String name = body.get("name").asText();
        assertThat(res.headers().firstValue("Location")).hasValue("/api/runs/" + name);
        assertThat(body.get("namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(body.get("node").asText()).isEqualTo(MockKubernetes.AMD64_WORKER);
        String expectedImage = PULL_HOST + "/" + image.repository() + "@" + image.digest();
        assertThat(body.get("image").asText()).isEqualTo(expectedImage);

        List<Pod> pods = pods();
        assertThat(pods).hasSize(1);
        Pod pod = pods.getFirst();
        assertThat(pod.getMetadata().getName()).isEqualTo(name);
        assertThat(pod.getSpec().getNodeSelector())
                .containsEntry("kubernetes.io/hostname", MockKubernetes.AMD64_WORKER);
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("OnFailure");
        Container c = pod.getSpec().getContainers().getFirst();
        assertThat(c.getImage()).isEqualTo(expectedImage);
        assertThat(c.getCommand()).containsExactly("sh", "-c");
        assertThat(c.getArgs()).containsExactly("echo hi");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("GREETING");
            assertThat(e.getValue()).isEqualTo("hello");
        });
        assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("64Mi");
    }

    @Test
    void launchedRun_isListedByTheApiAndTheRunsPage_andHasADetailPage() throws Exception {
        String name = launchViaApi();

        JsonNode runs = JSON.readTree(get(server, "/api/runs").body()).get("runs");
        assertThat(runs).hasSize(1);
        JsonNode run = runs.get(0);
        assertThat(run.get("name").asText()).isEqualTo(name);
        assertThat(run.get("node").asText()).isEqualTo(MockKubernetes.AMD64_WORKER);
        assertThat(run.get("repository").asText()).isEqualTo(seeded.amd64Only().repository());
        assertThat(run.get("tag").asText()).isEqualTo(seeded.amd64Only().tag());
        assertThat(run.get("phase").asText()).isEqualTo("Pending");
        assertThat(run.has("state")).isTrue();
        assertThat(run.has("reason")).isTrue();
        assertThat(run.has("exitCode")).isTrue();
        assertThat(run.get("created").asText()).isNotEmpty();

        JsonNode one = JSON.readTree(get(server, "/api/runs/" + name).body());
        assertThat(one.get("name").asText()).isEqualTo(name);
        assertThat(one.get("events").isArray()).isTrue();

        String page = get(server, "/runs").body();
        assertThat(page).contains("href=\"/runs/" + name + "\"", MockKubernetes.AMD64_WORKER, "Pending",
                "action=\"/runs/" + name + "/stop\"");

        HttpResponse<String> detail = get(server, "/runs/" + name);
        assertThat(detail.statusCode()).isEqualTo(200);
        assertThat(detail.body()).contains(name, seeded.amd64Only().digest(), "/static/runs.js", "id=\"log\"");
    }

    @Test
    void apiLaunch_invalidInputs_answer400WithAReason_andCreateNothing() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        List<String> bodies = List.of(
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"" + image.tag() + "\"}",
                "{\"repository\":\"no/such-repo\",\"tag\":\"1.0\",\"node\":\"" + MockKubernetes.AMD64_WORKER + "\"}",
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"no-such-tag\",\"node\":\"" + MockKubernetes.AMD64_WORKER + "\"}",
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"" + image.tag() + "\",\"node\":\"" + MockKubernetes.ARM64_WORKER + "\"}",
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"" + image.tag() + "\",\"node\":\"no-such-node\"}",
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"" + image.tag() + "\",\"digest\":\"" + image.digest() + "\",\"node\":\"" + MockKubernetes.AMD64_WORKER + "\"}",
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"" + image.tag() + "\",\"node\":\"" + MockKubernetes.AMD64_WORKER + "\",\"env\":{\"1BAD\":\"x\"}}",
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"" + image.tag() + "\",\"node\":\"" + MockKubernetes.AMD64_WORKER + "\",\"restartPolicy\":\"Sometimes\"}",
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"" + image.tag() + "\",\"node\":\"" + MockKubernetes.AMD64_WORKER + "\",\"resources\":{\"cpuRequest\":\"lots\"}}",
                "{\"repository\":\"" + image.repository() + "\",\"tag\":\"" + image.tag() + "\",\"node\":\"" + MockKubernetes.AMD64_WORKER + "\",\"nodeName\":\"x\"}",
                "{\"repository\":\"" + image.repository() + "\",\"command\":\"not a list\"}",
                "{\"repository\":\"" + seeded.helmChart().repository() + "\",\"tag\":\"" + seeded.helmChart().tag() + "\",\"node\":\"" + MockKubernetes.AMD64_WORKER + "\"}",
                "not json",
                "");
        for (String body : bodies) {
            HttpResponse<String> res = send(server, HttpRequest.newBuilder(uri(server, "/api/runs"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(res.statusCode()).as(body + " → " + res.body()).isEqualTo(400);
            assertThat(JSON.readTree(res.body()).get("error").asText()).as(body).isNotBlank();
            assertThat(res.body()).doesNotContain("Exception", "\tat ");
        }
        assertThat(pods()).isEmpty();
    }

    @Test
    void apiLaunch_notJson_isRefused_andCreatesNothing() throws Exception {
        HttpResponse<String> res = send(server, HttpRequest.newBuilder(uri(server, "/api/runs"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(launchBody())));
        assertThat(res.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(res.body()).get("error").asText()).contains("application/json");
        assertThat(pods()).isEmpty();
    }

    @Test
    void apiLaunch_crossSite_isForbidden_andCreatesNothing() throws Exception {
        HttpResponse<String> foreignOrigin = send(server, HttpRequest.newBuilder(uri(server, "/api/runs"))
                .header("Content-Type", "application/json").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(launchBody())));
        assertThat(foreignOrigin.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(foreignOrigin.body()).get("error").asText()).contains("Cross-site");

        HttpResponse<String> crossSite = send(server, HttpRequest.newBuilder(uri(server, "/api/runs"))
                .header("Content-Type", "application/json").header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(launchBody())));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(pods()).isEmpty();

        // the same request from the page's own origin is accepted
        HttpResponse<String> sameOrigin = send(server, HttpRequest.newBuilder(uri(server, "/api/runs"))
                .header("Content-Type", "application/json").header("Origin", "http://127.0.0.1:" + server.port())
                .header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString(launchBody())));
        assertThat(sameOrigin.statusCode()).as(sameOrigin.body()).isEqualTo(201);
        assertThat(pods()).hasSize(1);
    }

    @Test
    void apiDelete_removesThePod_andAnswers204() throws Exception {
        String name = launchViaApi();
        HttpResponse<String> crossSite = send(server, HttpRequest.newBuilder(uri(server, "/api/runs/" + name))
                .header("Origin", "https://evil.example").DELETE());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(pods()).hasSize(1);

        HttpResponse<String> res = send(server, HttpRequest.newBuilder(uri(server, "/api/runs/" + name)).DELETE());
        assertThat(res.statusCode()).isEqualTo(204);
        assertThat(pods()).isEmpty();
        assertThat(get(server, "/api/runs/" + name).statusCode()).isEqualTo(404);
        assertThat(send(server, HttpRequest.newBuilder(uri(server, "/api/runs/" + name)).DELETE()).statusCode())
                .isEqualTo(404);
    }

    // ---- the Run form ----------------------------------------------------------------------------------------

    @Test
    void tagPage_offersTheRunForm_withUnsuitableNodesDisabledAndTheCachedNodeMarked() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        HttpResponse<String> res = get(server, tagPath(image));
        String body = res.body();
        assertThat(body).contains("action=\"" + tagPath(seeded.amd64Only()) + "\"", "name=\"csrf\"");
        assertThat(radio(body, MockKubernetes.ARM64_WORKER)).contains("disabled");
        assertThat(body).contains("arm64 node; image has linux/amd64 only");
        assertThat(radio(body, MockKubernetes.AMD64_WORKER)).doesNotContain("disabled").contains("checked");
        assertThat(body).contains("cached here");
        // the form's token belongs to the signed-in session the request carried: no new cookie
        assertThat(res.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(token(body)).isNotBlank();
    }

    @Test
    void formPost_withoutOrWithAWrongToken_isForbidden_andCreatesNothing() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        String token = token(get(server, tagPath(image)).body());
        Map<String, String> form = form(image, MockKubernetes.AMD64_WORKER);

        HttpResponse<String> noToken = postForm(server, "/runs", form, session);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("security token");

        form.put("csrf", token);
        HttpResponse<String> noCookie = postForm(server, "/runs", form, null);
        assertThat(noCookie.statusCode()).isEqualTo(403);

        form.put("csrf", "A".repeat(43));
        HttpResponse<String> wrong = postForm(server, "/runs", form, session);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("does not match").doesNotContain("\tat ");
        assertThat(pods()).isEmpty();
    }

    @Test
    void formPost_withThePagesToken_createsThePod_andRedirectsToTheRun() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        String token = token(get(server, tagPath(image)).body());
        Map<String, String> form = form(image, MockKubernetes.AMD64_WORKER);
        form.put("csrf", token);
        form.put("command", "sh\r\n-c\r\n");
        form.put("args", "echo one two\r\n");
        form.put("env", "A=1\r\nB=x=y\r\n");
        form.put("restartPolicy", "Never");
        form.put("memoryLimit", "128Mi");

        HttpResponse<String> res = postForm(server, "/runs", form, session);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(303);
        List<Pod> pods = pods();
        assertThat(pods).hasSize(1);
        String name = pods.getFirst().getMetadata().getName();
        assertThat(res.headers().firstValue("Location")).hasValue("/runs/" + name);
        Container c = pods.getFirst().getSpec().getContainers().getFirst();
        assertThat(c.getCommand()).containsExactly("sh", "-c");
        assertThat(c.getArgs()).containsExactly("echo one two");
        assertThat(c.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).contains("A=1", "B=x=y");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("128Mi");
        assertThat(pods.getFirst().getSpec().getNodeSelector())
                .containsEntry("kubernetes.io/hostname", MockKubernetes.AMD64_WORKER);
    }

    @Test
    void formPost_invalidValues_showTheFormAgainWith400AndTheReason_andCreateNothing() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        String token = token(get(server, tagPath(image)).body());
        Map<String, String> form = form(image, MockKubernetes.ARM64_WORKER);
        form.put("csrf", token);
        form.put("args", "<kept>");

        HttpResponse<String> res = postForm(server, "/runs", form, session);

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("action=\"" + tagPath(image) + "\"", "Not started", "arm64")
                .contains("&lt;kept&gt;").doesNotContain("<kept>");
        Map<String, String> badEnv = form(image, MockKubernetes.AMD64_WORKER);
        badEnv.put("csrf", token);
        badEnv.put("env", "NO_EQUALS_SIGN");
        HttpResponse<String> env = postForm(server, "/runs", badEnv, session);
        assertThat(env.statusCode()).isEqualTo(400);
        assertThat(env.body()).contains("NAME=value");
        assertThat(pods()).isEmpty();
    }

    @Test
    void formPost_toTheTagPage_reportsEveryBadFieldNextToIt_keepsTheValues_andTheAddress() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        String token = token(get(server, tagPath(image)).body());
        Map<String, String> form = form(image, MockKubernetes.AMD64_WORKER);
        form.put("csrf", token);
        form.put("env", "NO_EQUALS_SIGN");
        form.put("cpuRequest", "lots");
        form.put("memoryRequest", "512Mi");
        form.put("memoryLimit", "256Mi");
        form.put("restartPolicy", "Sometimes");

        HttpResponse<String> res = postForm(server, tagPath(image), form, session);

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.uri().getPath()).isEqualTo(tagPath(image));
        assertThat(res.body()).contains("Not started", "4 fields need a change",
                "id=\"run-env-error\" role=\"alert\">environment line &quot;NO_EQUALS_SIGN&quot; is not NAME=value",
                "id=\"run-cpu-request-error\" role=\"alert\">cpu request &quot;lots&quot; is not a Kubernetes quantity",
                "id=\"run-memory-request-error\" role=\"alert\">memory request 512Mi is larger than its limit 256Mi",
                "id=\"run-restart-error\" role=\"alert\">restart policy &quot;Sometimes&quot;",
                "value=\"lots\"", ">NO_EQUALS_SIGN</textarea>");
        assertThat(pods()).isEmpty();

        form.put("csrf", token(res.body()));
        form.put("env", "A=1");
        form.put("cpuRequest", "100m");
        form.put("memoryLimit", "1Gi");
        form.put("restartPolicy", "Never");
        HttpResponse<String> ok = postForm(server, tagPath(image), form, session);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/runs/"));
        assertThat(pods()).hasSize(1);
    }

    @Test
    void apiLaunch_namesEveryBadFieldAtOnce() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        HttpResponse<String> res = postJson(server, "/api/runs", Map.of("repository", image.repository(),
                "tag", image.tag(), "node", "", "env", Map.of("1BAD", "x"),
                "resources", Map.of("cpuRequest", "2", "cpuLimit", "1", "memoryLimit", "lots")));

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode doc = JSON.readTree(res.body());
        assertThat(doc.get("error").asText()).startsWith("4 fields are not valid: ");
        Map<String, String> fields = new LinkedHashMap<>();
        doc.get("fields").fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
        assertThat(fields).containsOnlyKeys("node", "env", "resources.cpuRequest", "resources.memoryLimit");
        assertThat(fields.get("resources.cpuRequest")).isEqualTo("cpu request 2 is larger than its limit 1");
        assertThat(fields.get("node")).isEqualTo("node is required");
        assertThat(pods()).isEmpty();
    }

    @Test
    void stopForm_asksForConfirmationFirst_thenDeletesThePod_andTheListSaysWhatWasStopped() throws Exception {
        String name = launchViaApi();
        String page = get(server, "/runs").body();
        String token = token(page);
        assertThat(page).contains("class=\"inline-form stop-form\" data-run=\"" + name + "\"");

        HttpResponse<String> noToken = postForm(server, "/runs/" + name + "/stop", Map.of(), session);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(pods()).hasSize(1);

        // without JavaScript: the first POST answers a confirmation page, nothing is deleted yet
        HttpResponse<String> ask = postForm(server, "/runs/" + name + "/stop", Map.of("csrf", token), session);
        assertThat(ask.statusCode()).isEqualTo(200);
        assertThat(ask.body()).contains("id=\"stop-confirm\"", "Stop <code>" + name + "</code>?",
                                        "name=\"confirm\" value=\"yes\"", "cannot be undone");
        assertThat(pods()).hasSize(1);

        HttpResponse<String> res = postForm(server, "/runs/" + name + "/stop",
                                            Map.of("csrf", token(ask.body()), "confirm", "yes"), session);
        assertThat(res.statusCode()).isEqualTo(303);
        assertThat(res.headers().firstValue("Location")).hasValue("/runs?stopped=" + name);
        assertThat(pods()).isEmpty();
        assertThat(get(server, "/runs?stopped=" + name).body()).contains("id=\"stopped-notice\"",
                                                                          "Stopped <code>" + name + "</code>");
    }

    @Test
    void runsListAndApi_filterByRepositoryAndNode() throws Exception {
        String amd = launchViaApi();
        TestPusher.Index index = seeded.multiArch();
        HttpResponse<String> launched = postJson(server, "/api/runs", Map.of("repository", index.repository(),
                "tag", index.tag(), "node", MockKubernetes.ARM64_WORKER));
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        String arm = JSON.readTree(launched.body()).get("name").asText();

        JsonNode byRepo = JSON.readTree(get(server, "/api/runs?repository=" + index.repository()).body()).get("runs");
        String byNode = get(server, "/runs?node=" + MockKubernetes.AMD64_WORKER).body();

        assertThat(byRepo).extracting(r -> r.get("name").asText()).containsExactly(arm);
        assertThat(byNode).contains("data-run=\"" + amd + "\"").doesNotContain("data-run=\"" + arm + "\"")
                .contains("<option value=\"" + MockKubernetes.AMD64_WORKER + "\" selected>", "Show all 2");
        assertThat(get(server, "/runs").body()).contains("<noscript><meta http-equiv=\"refresh\"",
                                                         "id=\"runs-list\"");
    }

    @Test
    void apiRunsWatch_sendsChangedWhenARunChanges_pollingWhereTheClusterServesNoWatch() throws Exception {
        // The Fabric8 mock serves watches over WebSocket only: the shared watcher falls back to listing (every 3 s).
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = http.sendAsync(
                HttpRequest.newBuilder(uri(server, "/api/runs?watch=true")).header("Cookie", session).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> res = stream.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        Thread reader = Thread.ofVirtual().start(() -> res.body().forEach(lines::add));
        try {
            assertThat(lines.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("event:watching");
            String name = launchViaApi();
            // the kubelet keeps restarting it: each restart is a change the list shows (whenever the fallback's
            // first listing happened, a later restart differs from it)
            String line = null;
            for (int restarts = 1; restarts <= 15 && !"event:changed".equals(line); restarts++) {
                int count = restarts;
                k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                        .withStatus(new PodStatusBuilder().withPhase("Running").withContainerStatuses(
                                new ContainerStatusBuilder().withName("run").withImage("x").withImageID("")
                                        .withReady(true).withRestartCount(count).withNewState().withNewRunning()
                                        .endRunning().endState().build()).build()).build());
                do {
                    line = lines.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                } while (line != null && !line.equals("event:changed"));
            }
            assertThat(line).isEqualTo("event:changed");
        } finally {
            reader.interrupt();
            res.body().close();
        }
    }

    // ---- read-only -------------------------------------------------------------------------------------------

    @Test
    void readOnly_hasNoRunFormNoStopButton_andRefusesEveryChange() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        String name = launchViaApi();

        String tagPage = get(readOnly, tagPath(image)).body();
        assertThat(tagPage).contains(image.digest()).doesNotContain("action=\"" + tagPath(image) + "\"", "id=\"run-form\"");
        assertThat(postForm(readOnly, tagPath(image), form(image, MockKubernetes.AMD64_WORKER), session).statusCode())
                .isEqualTo(403);
        // the run pages refuse before asking the cluster anything (a read-only catalog has no cluster client and its
        // service account no SubjectAccessReview); the run stays as it was
        HttpResponse<String> runsPage = get(readOnly, "/runs");
        assertThat(runsPage.statusCode()).isEqualTo(403);
        assertThat(runsPage.body()).doesNotContain("/stop\"").contains("read-only");

        HttpResponse<String> post = postJson(readOnly, "/api/runs", JSON.readValue(launchBody(), Map.class));
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(post.body()).get("error").asText()).contains("read-only");
        assertThat(send(readOnly, HttpRequest.newBuilder(uri(readOnly, "/api/runs/" + name)).DELETE()).statusCode())
                .isEqualTo(403);
        HttpResponse<String> form = postForm(readOnly, "/runs", form(image, MockKubernetes.AMD64_WORKER), session);
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(form.body()).contains("read-only");
        assertThat(postForm(readOnly, "/runs/" + name + "/stop", Map.of(), session).statusCode()).isEqualTo(403);

        assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactly(name);
        assertThat(get(readOnly, "/api/runs/" + name).statusCode()).isEqualTo(403);
    }

    // ---- cluster faults --------------------------------------------------------------------------------------

    @Test
    void unreachableCluster_answers503WithAMessage_andTheTagPageStillRenders() throws Exception {
        HttpResponse<String> api = get(noCluster, "/api/nodes");
        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(api.body()).get("error").asText()).isNotBlank();
        HttpResponse<String> page = get(noCluster, "/runs");
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.body()).contains("Kubernetes unavailable").doesNotContain("\tat ", "Exception");
        HttpResponse<String> launch = postJson(noCluster, "/api/runs", JSON.readValue(launchBody(), Map.class));
        assertThat(launch.statusCode()).as(launch.body()).isEqualTo(503);
        assertThat(JSON.readTree(launch.body()).get("error").asText()).isNotBlank();

        TestPusher.Image image = seeded.amd64Only();
        HttpResponse<String> tag = get(noCluster, tagPath(image));
        assertThat(tag.statusCode()).isEqualTo(200);
        assertThat(tag.body()).contains(image.digest(), "nodes cannot be read right now")
                .doesNotContain("action=\"/runs\"");
        assertThat(pods()).isEmpty();
    }

    @Test
    void launchForbiddenByRbac_answers502WithTheMissingPermission_inTheApiAndTheForm() throws Exception {
        k8s.server().expect().post().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods")
                .andReturn(403, """
                        {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,
                         "message":"pods is forbidden: User \\"system:serviceaccount:catalog:catalog\\" cannot create resource \\"pods\\" in API group \\"\\" in the namespace \\"runs\\""}
                        """).times(2);

        HttpResponse<String> api = postJson(server, "/api/runs", JSON.readValue(launchBody(), Map.class));
        assertThat(api.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(api.body()).get("error").asText())
                .startsWith("the catalog's service account may not create pods in runs");

        TestPusher.Image image = seeded.amd64Only();
        String token = token(get(server, tagPath(image)).body());
        Map<String, String> form = form(image, MockKubernetes.AMD64_WORKER);
        form.put("csrf", token);
        HttpResponse<String> page = postForm(server, "/runs", form, session);
        assertThat(page.statusCode()).isEqualTo(502);
        assertThat(page.body()).contains("Kubernetes refused the call", "may not create pods in runs")
                .doesNotContain("\tat ");
        assertThat(pods()).isEmpty();
    }

    // ---- logs ------------------------------------------------------------------------------------------------

    @Test
    void logs_tail_isPlainText() throws Exception {
        String name = launchViaApi();
        k8s.server().expect().get()
                .withPath("/api/v1/namespaces/runs/pods/" + name + "/log?container=run&tailLines=2")
                .andReturn(200, "second line\n<third> line\n").always();

        HttpResponse<String> res = get(server, "/api/runs/" + name + "/logs?tail=2");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(res.body()).isEqualTo("second line\n<third> line\n");

        assertThat(get(server, "/api/runs/" + name + "/logs?tail=zero").statusCode()).isEqualTo(400);
        assertThat(get(server, "/api/runs/no-such-run/logs").statusCode()).isEqualTo(404);
    }

    @Test
    void logs_follow_streamsEveryLineAsAServerSentEvent_thenEnd() throws Exception {
        String name = launchViaApi();
        k8s.server().expect().get()
                .withPath("/api/v1/namespaces/runs/pods/" + name + "/log?container=run&follow=true&tailLines=10")
                .andReturn(200, "one\ntwo\nthree\n").always();

        HttpResponse<String> res = send(server, HttpRequest.newBuilder(
                uri(server, "/api/runs/" + name + "/logs?follow=true&tail=10")).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(20)).GET());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> data = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (String line : res.body().split("\n")) {
            if (line.startsWith("data:")) {
                data.add(line.substring(5).strip());
            } else if (line.startsWith("event:")) {
                events.add(line.substring(6).strip());
            }
        }
        assertThat(data).startsWith("one", "two", "three");
        assertThat(events).containsExactly("end");
    }

    @Test
    void runPage_escapesThePodsMessageAndEnvironment() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        HttpResponse<String> launched = postJson(server, "/api/runs", Map.of("repository", image.repository(),
                "tag", image.tag(), "node", MockKubernetes.AMD64_WORKER, "env", Map.of("EVIL", "<script>alert(1)</script>")));
        String name = JSON.readTree(launched.body()).get("name").asText();
        k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
                        .withMessage("<img src=x onerror=alert(2)>").build()).build());

        String page = get(server, "/runs/" + name).body();

        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;")
                .doesNotContain("<script>alert(1)</script>", "<img src=x");
    }

    @Test
    void runsPage_pendingRun_showsTheSchedulingMessageEscaped() throws Exception {
        String name = launchViaApi();
        k8s.fabric8().v1().events().inNamespace(NAMESPACE).resource(new EventBuilder()
                .withNewMetadata().withName(name + ".sched").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(name).withNamespace(NAMESPACE).endInvolvedObject()
                .withReason("FailedScheduling").withType("Warning")
                .withMessage("0/3 nodes are available: 1 Insufficient memory <b>x</b>.")
                .withNewSource().withComponent("default-scheduler").endSource()
                .withLastTimestamp(java.time.Instant.now().toString()).withCount(1).build()).create();
        try {
            String page = get(server, "/runs").body();
            assertThat(page).contains("0/3 nodes are available: 1 Insufficient memory &lt;b&gt;x&lt;/b&gt;.")
                    .doesNotContain("<b>x</b>");
            String detail = get(server, "/runs/" + name).body();
            assertThat(detail).contains("FailedScheduling", "default-scheduler");
        } finally {
            k8s.fabric8().v1().events().inNamespace(NAMESPACE).delete();
        }
    }

    @Test
    void runPage_unknownRun_is404Page() throws Exception {
        HttpResponse<String> res = get(server, "/runs/no-such-run");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(res.body()).doesNotContain("\tat ");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static List<Pod> pods() {
        return k8s.fabric8().pods().inNamespace(NAMESPACE).list().getItems();
    }

    private static String launchBody() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        return JSON.writeValueAsString(Map.of("repository", image.repository(), "tag", image.tag(),
                "node", MockKubernetes.AMD64_WORKER));
    }

    private static String launchViaApi() throws Exception {
        HttpResponse<String> res = send(server, HttpRequest.newBuilder(uri(server, "/api/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(launchBody())));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return JSON.readTree(res.body()).get("name").asText();
    }


    static String token(String page) {
        return RunForms.csrfToken(page);
    }

    private static URI uri(WebServer target, String path) {
        return URI.create("http://127.0.0.1:" + target.port() + path);
    }

    private static HttpResponse<String> get(WebServer target, String path) throws Exception {
        return send(target, HttpRequest.newBuilder(uri(target, path)).GET());
    }

    private static HttpResponse<String> postJson(WebServer target, String path, Map<?, ?> body) throws Exception {
        return send(target, HttpRequest.newBuilder(uri(target, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private static HttpResponse<String> postForm(WebServer target, String path, Map<String, String> form,
                                                 String cookie) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target, path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends as the signed-in admin (the session cookie). */
    private static HttpResponse<String> send(WebServer target, HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Cookie", session).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
