package dev.imagecatalog.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.kubernetes.client.openapi.ApiClient;

/**
 * A Fabric8 Kubernetes mock API server in CRUD mode (plus expectations, answered first) on 127.0.0.1 over HTTP,
 * seeded with the three nodes of the issue: a NoSchedule-tainted amd64 control plane, an amd64 worker and an arm64
 * worker, each with {@code status.images}. Tests drive it with the Fabric8 client ({@link #fabric8()}) and point
 * client-java at it ({@link #apiClient()}).
 *
 * <p>It also answers {@code TokenReview} and {@code SubjectAccessReview} like an API server with RBAC would:
 * {@link #addUser} makes a token known, {@link #grant} gives a user or group ({@code group:<name>}) one
 * permission; everything else is unauthenticated or denied. {@link #ADMIN_TOKEN} is a user allowed everything.
 */
public final class MockKubernetes implements AutoCloseable {

    /** The control-plane node (amd64, tainted NoSchedule). */
    public static final String CONTROL_PLANE = "cp-amd64";
    /** The amd64 worker. */
    public static final String AMD64_WORKER = "worker-amd64";
    /** The arm64 worker. */
    public static final String ARM64_WORKER = "worker-arm64";
    /** Taint key of the control plane. */
    public static final String CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";

    /** Token of {@link #ADMIN}, a user the mock's RBAC allows everything. */
    public static final String ADMIN_TOKEN = "admin-token";
    /** User name of {@link #ADMIN_TOKEN}. */
    public static final String ADMIN = "system:serviceaccount:catalog-runs:admin";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient fabric8;
    private final Map<String, JsonNode> users = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> grants = new ConcurrentHashMap<>();
    private final AtomicInteger accessReviews = new AtomicInteger();

    private MockKubernetes() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                                          new KubernetesMixedDispatcher(responses), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        fabric8 = server.createClient();
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(201, req -> tokenReview(req.getUtf8Body())).always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReply(201, req -> accessReview(req.getUtf8Body())).always();
        addUser(ADMIN_TOKEN, ADMIN, "system:serviceaccounts");
        grant(ADMIN, "*", "*", null);
    }

    /** Makes a bearer token known as a user with groups. */
    public MockKubernetes addUser(String token, String user, String... groups) {
        ObjectNode info = JSON.createObjectNode().put("username", user).put("uid", "uid-" + user);
        for (String g : groups) {
            info.withArray("groups").add(g);
        }
        users.put(token, info);
        return this;
    }

    /**
     * Allows a subject (a user name, or {@code group:<name>}) one permission: verb ({@code *} for all), resource with
     * optional {@code /subresource} ({@code *} for all), namespace ({@code null}: any, as a ClusterRoleBinding).
     */
    public MockKubernetes grant(String subject, String verb, String resource, String namespace) {
        grants.computeIfAbsent(subject, k -> ConcurrentHashMap.newKeySet())
                .add(verb + " " + resource + " " + (namespace == null ? "*" : namespace));
        return this;
    }

    /** How many SubjectAccessReviews were asked so far. */
    public int accessReviews() {
        return accessReviews.get();
    }

    private String tokenReview(String body) {
        try {
            ObjectNode review = (ObjectNode) JSON.readTree(body);
            JsonNode user = users.get(review.path("spec").path("token").asText());
            ObjectNode status = review.putObject("status").put("authenticated", user != null);
            if (user != null) {
                status.set("user", user);
                status.putArray("audiences").add("https://kubernetes.default.svc");
            } else {
                status.put("error", "invalid bearer token");
            }
            return review.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String accessReview(String body) {
        accessReviews.incrementAndGet();
        try {
            ObjectNode review = (ObjectNode) JSON.readTree(body);
            JsonNode spec = review.path("spec");
            JsonNode attributes = spec.path("resourceAttributes");
            String resource = attributes.path("resource").asText()
                    + (attributes.path("subresource").asText("").isEmpty() ? "" : "/" + attributes.path("subresource").asText());
            String namespace = attributes.path("namespace").asText("");
            java.util.List<String> subjects = new java.util.ArrayList<>();
            subjects.add(spec.path("user").asText());
            spec.path("groups").forEach(g -> subjects.add("group:" + g.asText()));
            boolean allowed = subjects.stream().map(grants::get).filter(java.util.Objects::nonNull)
                    .flatMap(Set::stream).anyMatch(rule -> matches(rule, attributes.path("verb").asText(), resource,
                                                                    namespace));
            review.putObject("status").put("allowed", allowed).put("reason", allowed ? "granted by test" : "");
            return review.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(String rule, String verb, String resource, String namespace) {
        String[] parts = rule.split(" ");
        return (parts[0].equals("*") || parts[0].equals(verb)) && (parts[1].equals("*") || parts[1].equals(resource))
               && (parts[2].equals("*") || parts[2].equals(namespace));
    }

    /** Starts an empty mock API server. */
    public static MockKubernetes empty() {
        return new MockKubernetes();
    }

    /**
     * Starts a mock API server with the three nodes; {@code imagesByNode} sets each node's {@code status.images}
     * names (one image entry per name), missing nodes hold none.
     */
    public static MockKubernetes withNodes(Map<String, List<String>> imagesByNode) {
        MockKubernetes k = new MockKubernetes();
        k.addNode(CONTROL_PLANE, "amd64", true, true, false, imagesByNode.getOrDefault(CONTROL_PLANE, List.of()));
        k.addNode(AMD64_WORKER, "amd64", true, false, false, imagesByNode.getOrDefault(AMD64_WORKER, List.of()));
        k.addNode(ARM64_WORKER, "arm64", true, false, false, imagesByNode.getOrDefault(ARM64_WORKER, List.of()));
        return k;
    }

    /** Creates a node with the Fabric8 client, as a kubelet would report it. */
    public void addNode(String name, String arch, boolean ready, boolean controlPlane, boolean unschedulable,
                        List<String> images) {
        NodeBuilder b = new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", arch)
                .endMetadata()
                .withNewSpec()
                .withUnschedulable(unschedulable)
                .endSpec()
                .withNewStatus()
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .withNewNodeInfo()
                .withOperatingSystem("linux")
                .withArchitecture(arch)
                .withKubeletVersion("v1.36.1")
                .withKubeProxyVersion("")
                .withMachineID("m-" + name)
                .withSystemUUID("u-" + name)
                .withBootID("b-" + name)
                .withKernelVersion("6.12.0")
                .withOsImage("Debian GNU/Linux 13")
                .withContainerRuntimeVersion("containerd://2.1.4")
                .endNodeInfo()
                .addToAllocatable("cpu", new Quantity("4"))
                .addToAllocatable("memory", new Quantity("8025424Ki"))
                .addToAllocatable("pods", new Quantity("110"))
                .endStatus();
        if (controlPlane) {
            b.editMetadata().addToLabels(CONTROL_PLANE_TAINT, "").endMetadata()
                    .editSpec().addNewTaint().withKey(CONTROL_PLANE_TAINT).withEffect("NoSchedule").endTaint()
                    .endSpec();
        }
        for (String image : images) {
            b.editStatus().addNewImage().withNames(image).withSizeBytes(1234L).endImage().endStatus();
        }
        fabric8.nodes().resource(b.build()).create();
    }

    /** The Fabric8 client (to seed and inspect the mock). */
    public NamespacedKubernetesClient fabric8() {
        return fabric8;
    }

    /** Writes a kubeconfig naming this mock (no credentials) to {@code file}, for code that reads one. */
    public Path writeKubeconfig(Path file) {
        String url = server.url("/");
        try {
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster:
                        server: %s
                    contexts:
                    - name: mock
                      context:
                        cluster: mock
                        user: nobody
                    current-context: mock
                    users:
                    - name: nobody
                      user: {}
                    """.formatted(url.substring(0, url.length() - 1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The mock server (for expectations: answered before CRUD). */
    public KubernetesMockServer server() {
        return server;
    }

    /**
     * Every request received since the last call (or since the start), oldest first, as {@code METHOD /path?query}
     * with the query as sent (still URL-encoded): the mock ignores field selectors and paging, so tests assert what
     * the code asked for.
     */
    public List<String> takeRequests() {
        List<String> out = new java.util.ArrayList<>();
        try {
            for (var r = server.takeRequest(0, TimeUnit.MILLISECONDS); r != null;
                 r = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
                out.add(r.getMethod() + " " + r.getPath());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** A client-java client pointed at the mock, with finite timeouts. */
    public ApiClient apiClient() {
        String url = server.url("/");
        ApiClient client = new ApiClient().setBasePath(url.substring(0, url.length() - 1));
        client.setConnectTimeout((int) Duration.ofSeconds(5).toMillis());
        client.setReadTimeout((int) Duration.ofSeconds(10).toMillis());
        return client;
    }

    /** The adapter under test, over {@link #apiClient()}. */
    public KubernetesCluster cluster() {
        return new KubernetesCluster(apiClient());
    }

    @Override
    public void close() {
        fabric8.close();
        server.destroy();
    }
}
