package dev.imagecatalog.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.Permission;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The adapter's translation of nodes against the Fabric8 mock API server. */
class KubernetesClusterTest {

    private static MockKubernetes k8s;

    @BeforeAll
    static void start() {
        k8s = MockKubernetes.withNodes(Map.of(MockKubernetes.AMD64_WORKER,
                                              List.of("localhost:5001/a@sha256:1111", "localhost:5001/a:1.0")));
    }

    @AfterAll
    static void stop() {
        k8s.close();
    }

    @Test
    void nodes_mapsEveryField() {
        List<Node> nodes = k8s.cluster().nodes();

        assertThat(nodes).extracting(Node::name)
                .containsExactly(MockKubernetes.CONTROL_PLANE, MockKubernetes.AMD64_WORKER, MockKubernetes.ARM64_WORKER);
        Node cp = nodes.getFirst();
        assertThat(cp.roles()).containsExactly("control-plane");
        assertThat(cp.taints()).containsExactly(new Taint(MockKubernetes.CONTROL_PLANE_TAINT, null, "NoSchedule"));
        assertThat(cp.ready()).isTrue();
        assertThat(cp.os()).isEqualTo("linux");
        assertThat(cp.architecture()).isEqualTo("amd64");
        assertThat(cp.kubeletVersion()).isEqualTo("v1.36.1");
        assertThat(cp.cpu()).isEqualTo("4");
        assertThat(cp.memory()).isEqualTo("8025424Ki");
        assertThat(cp.unschedulable()).isFalse();
        assertThat(cp.hostname()).isEqualTo(MockKubernetes.CONTROL_PLANE);
        Node amd = nodes.get(1);
        assertThat(amd.roles()).isEmpty();
        assertThat(amd.taints()).isEmpty();
        assertThat(amd.images()).containsExactlyInAnyOrder("localhost:5001/a@sha256:1111", "localhost:5001/a:1.0");
        assertThat(nodes.get(2).architecture()).isEqualTo("arm64");
    }

    @Test
    void scheduledPods_sendTheSchedulersFieldSelector_andReadEveryPage() {
        // The mock ignores fieldSelector, limit and continue: it answers these three pages only to the exact
        // requests a paged, filtered list sends (anything else falls through to its CRUD store, which holds no pod).
        String selector = "fieldSelector=spec.nodeName%21%3D%2Cstatus.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed";
        try (MockKubernetes k = MockKubernetes.empty()) {
            k.server().expect().get().withPath("/api/v1/pods?" + selector + "&limit=2")
                    .andReturn(200, podPage("c1", pod("a", "n1", "Running"), pod("b", "n2", "Pending"))).once();
            k.server().expect().get().withPath("/api/v1/pods?continue=c1&" + selector + "&limit=2")
                    .andReturn(200, podPage("c2", pod("c", "n1", "Running"), pod("d", "n1", "Running"))).once();
            k.server().expect().get().withPath("/api/v1/pods?continue=c2&" + selector + "&limit=2")
                    .andReturn(200, podPage(null, pod("e", "n2", "Running"))).once();
            k.takeRequests();

            List<PodRequests> pods = new KubernetesCluster(k.apiClient(), 2).scheduledPods();

            assertThat(pods).extracting(PodRequests::name).containsExactly("a", "b", "c", "d", "e");
            assertThat(pods).extracting(PodRequests::node).containsExactly("n1", "n2", "n1", "n1", "n2");
            assertThat(k.takeRequests()).containsExactly(
                    "GET /api/v1/pods?" + selector + "&limit=2",
                    "GET /api/v1/pods?continue=c1&" + selector + "&limit=2",
                    "GET /api/v1/pods?continue=c2&" + selector + "&limit=2");
        }
    }

    @Test
    void scheduledPods_leaveOutUnboundAndFinishedPods_evenWhenTheServerIgnoresTheSelector() {
        try (MockKubernetes k = MockKubernetes.empty()) {
            k.server().expect().get().withPath("/api/v1/pods?fieldSelector=spec.nodeName%21%3D%2Cstatus.phase%21%3D"
                                               + "Succeeded%2Cstatus.phase%21%3DFailed&limit=500")
                    .andReturn(200, podPage(null, pod("bound", "n1", "Running"), pod("unbound", null, "Pending"),
                                            pod("done", "n1", "Succeeded"), pod("failed", "n1", "Failed")))
                    .once();

            assertThat(k.cluster().scheduledPods()).extracting(PodRequests::name).containsExactly("bound");
        }
    }

    @Test
    void scheduledPods_aServerRepeatingItsContinueToken_isAFault_notAnEndlessList() {
        try (MockKubernetes k = MockKubernetes.empty()) {
            k.server().expect().get().withPath("/api/v1/pods?fieldSelector=spec.nodeName%21%3D%2Cstatus.phase%21%3D"
                                               + "Succeeded%2Cstatus.phase%21%3DFailed&limit=1")
                    .andReturn(200, podPage("again", pod("a", "n1", "Running"))).once();
            k.server().expect().get().withPath("/api/v1/pods?continue=again&fieldSelector=spec.nodeName%21%3D%2C"
                                               + "status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed&limit=1")
                    .andReturn(200, podPage("again", pod("b", "n1", "Running"))).always();

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KubernetesCluster(k.apiClient(), 1)
                            .scheduledPods())
                    .isInstanceOfSatisfying(ClusterException.class,
                                            e -> assertThat(e.getMessage()).contains("repeated a continue token"));
        }
    }

    @Test
    void byDigest_readsEveryPageOfAllPods_andMapsImageIdsAndPinnedImagesToThePodsUsingThem() {
        String a = "sha256:" + "a".repeat(64);
        String b = "sha256:" + "b".repeat(64);
        String c = "sha256:" + "c".repeat(64);
        String d = "sha256:" + "d".repeat(64);
        try (MockKubernetes k = MockKubernetes.empty()) {
            // no field selector: Pending pods count (they are about to pull); limit/continue as scheduledPods pages
            k.server().expect().get().withPath("/api/v1/pods?limit=2")
                    .andReturn(200, podPage("c1",
                            podWithImages("web", "n1", "Running", "busybox",
                                    "docker-pullable://localhost:5001/team/app@" + a),
                            podWithImages("job", "n2", "Succeeded", "busybox", "localhost:5001/team/app@" + b)))
                    .once();
            k.server().expect().get().withPath("/api/v1/pods?continue=c1&limit=2")
                    .andReturn(200, podPage(null,
                            podWithImages("pending", null, "Pending", "localhost:5001/team/app@" + c, null),
                            podWithImages("bare", "n1", "Running", "busybox", d)))
                    .once();
            k.takeRequests();

            Map<String, List<dev.imagecatalog.catalog.lifecycle.PodUse>> uses =
                    new KubernetesCluster(k.apiClient(), 2).byDigest();

            assertThat(uses.keySet()).containsExactlyInAnyOrder(a, c, d);
            assertThat(uses.get(a)).containsExactly(
                    new dev.imagecatalog.catalog.lifecycle.PodUse("ns", "web", "n1", "localhost:5001/team/app"));
            assertThat(uses.get(c)).containsExactly(
                    new dev.imagecatalog.catalog.lifecycle.PodUse("ns", "pending", null, "localhost:5001/team/app"));
            assertThat(uses.get(d)).containsExactly(new dev.imagecatalog.catalog.lifecycle.PodUse("ns", "bare", "n1"));
            assertThat(k.takeRequests()).containsExactly("GET /api/v1/pods?limit=2",
                    "GET /api/v1/pods?continue=c1&limit=2");
        }
    }

    /** A pod with one container of {@code image} whose status reports {@code imageId} (none when null). */
    private static String podWithImages(String name, String node, String phase, String image, String imageId) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\"},\"spec\":{"
               + (node == null ? "" : "\"nodeName\":\"" + node + "\",")
               + "\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]},\"status\":{\"phase\":\""
               + phase + "\"" + (imageId == null ? "" : ",\"containerStatuses\":[{\"name\":\"c\",\"image\":\""
               + image + "\",\"imageID\":\"" + imageId + "\",\"ready\":true,\"restartCount\":0}]") + "}}";
    }

    /** A PodList page as the API server answers it, with a continue token when more follow. */
    private static String podPage(String next, String... pods) {
        return "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\""
               + (next == null ? "" : ",\"continue\":\"" + next + "\"") + "},\"items\":[" + String.join(",", pods)
               + "]}";
    }

    private static String pod(String name, String node, String phase) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\"},\"spec\":{"
               + (node == null ? "" : "\"nodeName\":\"" + node + "\",")
               + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"resources\":{\"requests\":"
               + "{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]},\"status\":{\"phase\":\"" + phase + "\"}}";
    }

    @Test
    void apiDown_isUnreachable_withAMessage() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        io.kubernetes.client.openapi.ApiClient client = new io.kubernetes.client.openapi.ApiClient()
                .setBasePath("http://127.0.0.1:" + port);
        client.setConnectTimeout(2000);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KubernetesCluster(client).nodes())
                .isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ClusterException.Kind.UNREACHABLE);
                    assertThat(e.getMessage()).startsWith("the Kubernetes API at http://127.0.0.1:" + port + " cannot be reached");
                });
    }

    @Test
    void forbiddenNodeList_namesTheMissingPermission() {
        try (MockKubernetes k = MockKubernetes.empty()) {
            k.server().expect().get().withPath("/api/v1/nodes")
                    .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                    + "\"message\":\"nodes is forbidden\",\"reason\":\"Forbidden\",\"code\":403}")
                    .always();

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> k.cluster().nodes())
                    .isInstanceOfSatisfying(ClusterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClusterException.Kind.FORBIDDEN);
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.getMessage())
                                .isEqualTo("the catalog's service account may not list nodes (nodes is forbidden)");
                    });
        }
    }

    @Test
    void fromKubeconfig_usesItsServerAndToken(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String url = k8s.server().url("/");
        java.nio.file.Path kubeconfig = dir.resolve("config");
        java.nio.file.Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                users:
                - name: catalog
                  user:
                    token: s3cret-token
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: catalog
                current-context: mock
                """.formatted(url.substring(0, url.length() - 1)));

        List<Node> nodes = KubernetesCluster.fromKubeconfig(kubeconfig, java.time.Duration.ofSeconds(2),
                                                            java.time.Duration.ofSeconds(5)).nodes();

        assertThat(nodes).hasSize(3);
        // the recorded queue holds every request since start; the newest is ours
        io.fabric8.mockwebserver.http.RecordedRequest request = null;
        for (var r = k8s.server().takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS); r != null;
                r = k8s.server().takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            request = r;
        }
        assertThat(request).isNotNull();
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer s3cret-token");
    }

    @Test
    void logTail_hasAReadTimeout_butLogFollowHasNone() throws Exception {
        try (MockKubernetes k = MockKubernetes.empty()) {
            k.fabric8().pods().inNamespace("runs").resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata().withName("slow").addToLabels(PodPlan.MANAGED_BY, PodPlan.MANAGER).endMetadata()
                    .withNewSpec().addNewContainer().withName("run").withImage("x").endContainer().endSpec()
                    .build()).create();
            k.server().expect().get().delay(3, java.util.concurrent.TimeUnit.SECONDS)
                    .withPath("/api/v1/namespaces/runs/pods/slow/log?container=run&tailLines=5")
                    .andReturn(200, "late\n").always();
            k.server().expect().get().delay(3, java.util.concurrent.TimeUnit.SECONDS)
                    .withPath("/api/v1/namespaces/runs/pods/slow/log?container=run&follow=true&tailLines=5")
                    .andReturn(200, "late\n").always();
            io.kubernetes.client.openapi.ApiClient client = k.apiClient();
            client.setReadTimeout(1000);
            KubernetesCluster cluster = new KubernetesCluster(client);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.log("runs", "slow", 5))
                    .isInstanceOfSatisfying(ClusterException.class,
                                            e -> assertThat(e.kind()).isEqualTo(ClusterException.Kind.UNREACHABLE));
            try (java.io.InputStream in = cluster.followLog("runs", "slow", 5)) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("late\n");
            }
        }
    }

    @Test
    void tokenReview_givesTheUserAndGroups_orNothingForATokenTheServerRejects() {
        k8s.addUser("adapter-token", "adapter-user", "g1", "g2");

        assertThat(k8s.cluster().authenticate("adapter-token"))
                .contains(new Identity("adapter-user", List.of("g1", "g2")));
        assertThat(k8s.cluster().authenticate("unknown-token")).isEmpty();
    }

    @Test
    void subjectAccessReview_asksForTheUserWithTheirGroups_verbResourceSubresourceAndNamespace() {
        k8s.grant("group:log-readers", "get", "pods/log", "runs");
        var member = new Identity("someone", List.of("log-readers"));
        var outsider = new Identity("someone", List.of());

        assertThat(k8s.cluster().allowed(member, Permission.getLogs("runs"))).isTrue();
        assertThat(k8s.cluster().allowed(member, Permission.getPods("runs"))).isFalse();
        assertThat(k8s.cluster().allowed(member, Permission.getLogs("other"))).isFalse();
        assertThat(k8s.cluster().allowed(outsider, Permission.getLogs("runs"))).isFalse();
    }

    @Test
    void fromEnvironment_nothingConfigured_isAClearError_andBuildsNoClient(@TempDir Path home) {
        // client-java would fall back to http://localhost:8080 — often the catalog's own port — and a sign-in would
        // answer "404 tokenreviews not found": no client is built, so nothing is dialled
        assertThatThrownBy(() -> KubernetesCluster.fromEnvironment(Map.of(), home, home.resolve("no-token"),
                Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.kind())
                        .isEqualTo(ClusterException.Kind.UNREACHABLE))
                .hasMessageContaining("no Kubernetes cluster configured").hasMessageContaining("KUBECONFIG")
                .hasMessageContaining("RUNS_ENABLED=false");
        // KUBECONFIG naming files that do not exist is said as such, not replaced by a default
        String missing = home.resolve("gone.yaml").toString();
        assertThatThrownBy(() -> KubernetesCluster.fromEnvironment(Map.of("KUBECONFIG", missing), home,
                home.resolve("no-token"), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("KUBECONFIG names no readable file").hasMessageContaining(missing);
    }

    @Test
    void fromEnvironment_usesTheFirstReadableKubeconfigOfTheList(@TempDir Path home) throws Exception {
        Path config = k8s.writeKubeconfig(home.resolve("kind.yaml"));
        String list = home.resolve("absent.yaml") + java.io.File.pathSeparator + config;
        Cluster cluster = KubernetesCluster.fromEnvironment(Map.of("KUBECONFIG", list), home,
                home.resolve("no-token"), Duration.ofSeconds(2), Duration.ofSeconds(5));
        assertThat(cluster.nodes()).extracting(Node::name).contains(MockKubernetes.AMD64_WORKER);
    }
}
