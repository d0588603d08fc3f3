package dev.imagecatalog.cluster;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.util.ClientBuilder;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The one adapter to the Kubernetes API ({@code io.kubernetes:client-java}): translates between API objects and the
 * cluster domain, and turns every {@link ApiException} into a {@link ClusterException} in one place.
 */
public final class KubernetesCluster implements Cluster {

    /** Container name of every run. */
    static final String CONTAINER = "run";
    private static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    private static final String ROLE_PREFIX = "node-role.kubernetes.io/";
    private static final Path SA_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CoreV1Api api;
    private final OkHttpClient followHttp;

    /**
     * Over a configured client (tests point it at a mock or k3s). Log follow uses a copy of its HTTP client without
     * read timeout (same connection pool, TLS and auth).
     */
    public KubernetesCluster(ApiClient client) {
        this.api = new CoreV1Api(Objects.requireNonNull(client));
        this.followHttp = client.getHttpClient().newBuilder().readTimeout(Duration.ZERO).build();
    }

    /**
     * From the environment: the pod's service account when running in a cluster, else {@code KUBECONFIG} /
     * {@code ~/.kube/config} (client-java's {@code Config.defaultClient()} order).
     *
     * @param connectTimeout connect timeout of every call
     * @param readTimeout    read timeout of every call except log follow (which has none)
     * @throws ClusterException UNREACHABLE when no configuration can be loaded
     */
    public static KubernetesCluster fromEnvironment(Duration connectTimeout, Duration readTimeout) {
        try {
            boolean inPod = System.getenv("KUBERNETES_SERVICE_HOST") != null && Files.isReadable(SA_TOKEN);
            return withTimeouts(inPod ? ClientBuilder.cluster() : ClientBuilder.standard(), connectTimeout,
                                readTimeout);
        } catch (IOException | RuntimeException e) {
            throw new ClusterException(ClusterException.Kind.UNREACHABLE, 0,
                                       "no Kubernetes configuration (service account, KUBECONFIG or ~/.kube/config): "
                                       + e.getMessage(), null, e);
        }
    }

    /**
     * From a kubeconfig file (what {@link #fromEnvironment} uses outside a pod, via {@code KUBECONFIG}).
     *
     * @throws ClusterException UNREACHABLE when the file cannot be read or parsed
     */
    public static KubernetesCluster fromKubeconfig(Path kubeconfig, Duration connectTimeout, Duration readTimeout) {
        try (var reader = Files.newBufferedReader(kubeconfig)) {
            ClientBuilder builder = ClientBuilder.kubeconfig(io.kubernetes.client.util.KubeConfig.loadKubeConfig(reader));
            return withTimeouts(builder, connectTimeout, readTimeout);
        } catch (IOException | RuntimeException e) {
            throw new ClusterException(ClusterException.Kind.UNREACHABLE, 0,
                                       "cannot load kubeconfig " + kubeconfig + ": " + e.getMessage(), null, e);
        }
    }

    private static KubernetesCluster withTimeouts(ClientBuilder builder, Duration connectTimeout, Duration readTimeout) {
        ApiClient client = builder.setReadTimeout(readTimeout).build();
        client.setConnectTimeout((int) connectTimeout.toMillis());
        client.setWriteTimeout((int) readTimeout.toMillis());
        return new KubernetesCluster(client);
    }

    @Override
    public List<Node> nodes() {
        List<V1Node> items = call(() -> api.listNode().execute().getItems(), "list", "nodes", null, null);
        return items.stream().map(KubernetesCluster::node).sorted(Comparator.comparing(Node::name)).toList();
    }

    @Override
    public Run create(PodPlan plan) {
        V1Pod created = call(() -> api.createNamespacedPod(plan.namespace(), pod(plan)).execute(),
                             "create", "pods", plan.namespace(), plan.name());
        return run(created, null);
    }

    @Override
    public List<Run> runs(String namespace) {
        List<V1Pod> pods = call(() -> api.listNamespacedPod(namespace).labelSelector(PodPlan.SELECTOR).execute()
                .getItems(), "list", "pods", namespace, null);
        Map<String, String> scheduling = Map.of();
        if (pods.stream().anyMatch(p -> "Pending".equals(phase(p)))) {
            try {
                scheduling = latestSchedulingMessages(events(namespace));
            } catch (ClusterException e) {
                // Best effort: without events the PodScheduled condition still says why a pod waits.
                scheduling = Map.of();
            }
        }
        List<Run> runs = new ArrayList<>();
        for (V1Pod pod : pods) {
            runs.add(run(pod, scheduling.get(pod.getMetadata().getName())));
        }
        runs.sort(Comparator.comparing(Run::created, Comparator.nullsLast(Comparator.reverseOrder()))
                          .thenComparing(Run::name));
        return runs;
    }

    @Override
    public Optional<RunDetail> run(String namespace, String name) {
        Optional<V1Pod> found = ours(namespace, name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        V1Pod pod = found.get();
        List<CoreV1Event> events = events(namespace).stream()
                .filter(e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName())
                             && "Pod".equals(e.getInvolvedObject().getKind()))
                .toList();
        String scheduling = latestSchedulingMessages(events).get(name);
        List<RunEvent> runEvents = events.stream()
                .map(KubernetesCluster::event)
                .sorted(Comparator.comparing(RunEvent::lastSeen, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        V1PodSpec spec = pod.getSpec();
        V1Container c = spec.getContainers().getFirst();
        Map<String, String> env = new LinkedHashMap<>();
        for (V1EnvVar v : nullToEmpty(c.getEnv())) {
            if (v.getValueFrom() == null) {
                env.put(v.getName(), v.getValue() == null ? "" : v.getValue());
            }
        }
        return Optional.of(new RunDetail(run(pod, scheduling),
                                         List.copyOf(nullToEmpty(c.getCommand())),
                                         List.copyOf(nullToEmpty(c.getArgs())),
                                         env,
                                         spec.getRestartPolicy(),
                                         resources(c.getResources()),
                                         runEvents));
    }

    @Override
    public String log(String namespace, String name, Integer tailLines) {
        requireOurs(namespace, name);
        String log = call(() -> api.readNamespacedPodLog(name, namespace).container(CONTAINER).tailLines(tailLines)
                .execute(), "get", "pods/log", namespace, name);
        return log == null ? "" : log;
    }

    @Override
    public InputStream followLog(String namespace, String name, Integer tailLines) {
        requireOurs(namespace, name);
        Call template = call(() -> api.readNamespacedPodLog(name, namespace).container(CONTAINER).follow(true)
                .tailLines(tailLines).buildCall(null), "get", "pods/log", namespace, name);
        Response response;
        try {
            response = followHttp.newCall(template.request()).execute();
        } catch (IOException e) {
            throw fault(new ApiException(e), "get", "pods/log", namespace, name);
        }
        if (!response.isSuccessful()) {
            try (response) {
                String body = response.body() == null ? null : response.body().string();
                throw fault(new ApiException(response.code(), body), "get", "pods/log", namespace, name);
            } catch (IOException e) {
                throw fault(new ApiException(e), "get", "pods/log", namespace, name);
            }
        }
        // Closing the stream closes the response, which cancels the follow on the API server.
        return new FilterInputStream(response.body().byteStream()) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    response.close();
                }
            }
        };
    }

    @Override
    public void delete(String namespace, String name) {
        requireOurs(namespace, name);
        call(() -> api.deleteNamespacedPod(name, namespace).execute(), "delete", "pods", namespace, name);
    }

    private void requireOurs(String namespace, String name) {
        if (ours(namespace, name).isEmpty()) {
            throw notFound(namespace, name);
        }
    }

    // A pod without our label is treated as absent: the catalog never shows, reads or deletes other pods.
    private Optional<V1Pod> ours(String namespace, String name) {
        try {
            V1Pod pod = call(() -> api.readNamespacedPod(name, namespace).execute(), "get", "pods", namespace, name);
            Map<String, String> labels = pod.getMetadata().getLabels();
            return labels != null && PodPlan.MANAGER.equals(labels.get(PodPlan.MANAGED_BY))
                    ? Optional.of(pod) : Optional.empty();
        } catch (ClusterException e) {
            if (e.kind() == ClusterException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private List<CoreV1Event> events(String namespace) {
        return call(() -> api.listNamespacedEvent(namespace).execute().getItems(), "list", "events", namespace, null);
    }

    // ---- translation: plan → pod ----

    static V1Pod pod(PodPlan plan) {
        V1Container container = new V1Container()
                .name(CONTAINER)
                .image(plan.image())
                .imagePullPolicy("IfNotPresent")
                .securityContext(new V1SecurityContext().allowPrivilegeEscalation(false).privileged(false));
        if (!plan.command().isEmpty()) {
            container.command(new ArrayList<>(plan.command()));
        }
        if (!plan.args().isEmpty()) {
            container.args(new ArrayList<>(plan.args()));
        }
        if (!plan.env().isEmpty()) {
            List<V1EnvVar> env = new ArrayList<>();
            plan.env().forEach((k, v) -> env.add(new V1EnvVar().name(k).value(v)));
            container.env(env);
        }
        Resources r = plan.resources();
        if (r != null && !r.isEmpty()) {
            Map<String, Quantity> requests = new HashMap<>();
            Map<String, Quantity> limits = new HashMap<>();
            putQuantity(requests, "cpu", r.cpuRequest());
            putQuantity(requests, "memory", r.memoryRequest());
            putQuantity(limits, "cpu", r.cpuLimit());
            putQuantity(limits, "memory", r.memoryLimit());
            container.resources(new V1ResourceRequirements().requests(requests.isEmpty() ? null : requests)
                                        .limits(limits.isEmpty() ? null : limits));
        }
        List<V1Toleration> tolerations = plan.tolerations().stream()
                .map(t -> new V1Toleration().key(t.key())
                        .operator(t.value() == null || t.value().isEmpty() ? "Exists" : "Equal")
                        .value(t.value() == null || t.value().isEmpty() ? null : t.value())
                        .effect(t.effect()))
                .toList();
        V1PodSpec spec = new V1PodSpec()
                .nodeSelector(Map.of(HOSTNAME_LABEL, plan.node()))
                .restartPolicy(plan.restartPolicy())
                .automountServiceAccountToken(false)
                .enableServiceLinks(false)
                .hostNetwork(false)
                .hostPID(false)
                .hostIPC(false)
                .containers(List.of(container));
        if (!tolerations.isEmpty()) {
            spec.tolerations(new ArrayList<>(tolerations));
        }
        // The mock (and any strict API) rejects a POST without apiVersion/kind.
        return new V1Pod()
                .apiVersion("v1")
                .kind("Pod")
                .metadata(new V1ObjectMeta()
                                  .name(plan.name())
                                  .namespace(plan.namespace())
                                  .labels(new LinkedHashMap<>(plan.labels()))
                                  .annotations(new LinkedHashMap<>(plan.annotations())))
                .spec(spec);
    }

    private static void putQuantity(Map<String, Quantity> map, String key, String value) {
        if (value != null) {
            map.put(key, new Quantity(value));
        }
    }

    // ---- translation: API → domain ----

    static Node node(V1Node n) {
        V1ObjectMeta meta = n.getMetadata();
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        Set<String> roles = new TreeSet<>();
        labels.forEach((k, v) -> {
            if (k.startsWith(ROLE_PREFIX) && k.length() > ROLE_PREFIX.length()) {
                roles.add(k.substring(ROLE_PREFIX.length()));
            }
        });
        var status = n.getStatus();
        boolean ready = status != null && nullToEmpty(status.getConditions()).stream()
                .anyMatch((V1NodeCondition c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        var info = status == null ? null : status.getNodeInfo();
        String os = info != null && info.getOperatingSystem() != null ? info.getOperatingSystem()
                : labels.getOrDefault("kubernetes.io/os", "linux");
        String arch = info != null && info.getArchitecture() != null ? info.getArchitecture()
                : labels.getOrDefault("kubernetes.io/arch", "unknown");
        Map<String, Quantity> allocatable = status == null || status.getAllocatable() == null
                ? Map.of() : status.getAllocatable();
        List<Taint> taints = n.getSpec() == null ? List.of() : nullToEmpty(n.getSpec().getTaints()).stream()
                .map(t -> new Taint(t.getKey(), t.getValue(), t.getEffect()))
                .toList();
        Set<String> images = new TreeSet<>();
        if (status != null) {
            nullToEmpty(status.getImages()).forEach(i -> images.addAll(nullToEmpty(i.getNames())));
        }
        return new Node(meta.getName(),
                        labels.getOrDefault(HOSTNAME_LABEL, meta.getName()),
                        ready,
                        List.copyOf(roles),
                        os,
                        arch,
                        info == null ? null : info.getKubeletVersion(),
                        quantity(allocatable.get("cpu")),
                        quantity(allocatable.get("memory")),
                        taints,
                        n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable()),
                        images);
    }

    static Run run(V1Pod pod, String schedulingMessage) {
        V1ObjectMeta meta = pod.getMetadata();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        V1PodSpec spec = pod.getSpec();
        String node = spec.getNodeName() != null ? spec.getNodeName()
                : spec.getNodeSelector() == null ? null : spec.getNodeSelector().get(HOSTNAME_LABEL);
        String phase = phase(pod);
        String state = null;
        String reason = null;
        String message = null;
        Integer exitCode = null;
        int restarts = 0;
        Instant finished = null;
        var status = pod.getStatus();
        V1ContainerStatus cs = status == null ? null : nullToEmpty(status.getContainerStatuses()).stream()
                .findFirst().orElse(null);
        if (cs != null) {
            restarts = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
            V1ContainerState s = cs.getState();
            V1ContainerState last = cs.getLastState();
            if (s != null && s.getWaiting() != null) {
                state = "waiting";
                reason = s.getWaiting().getReason();
                message = s.getWaiting().getMessage();
            } else if (s != null && s.getRunning() != null) {
                state = "running";
            } else if (s != null && s.getTerminated() != null) {
                state = "terminated";
                reason = s.getTerminated().getReason();
                message = s.getTerminated().getMessage();
                exitCode = s.getTerminated().getExitCode();
                finished = instant(s.getTerminated().getFinishedAt());
            }
            // A crash loop shows why the previous attempt ended (OOMKilled, exit code).
            if (exitCode == null && last != null && last.getTerminated() != null) {
                exitCode = last.getTerminated().getExitCode();
                if (message == null && last.getTerminated().getReason() != null) {
                    message = "last attempt: " + last.getTerminated().getReason();
                }
            }
        }
        if (reason == null && status != null) {
            reason = status.getReason();
            message = message == null ? status.getMessage() : message;
            if (reason == null) {
                V1PodCondition scheduled = nullToEmpty(status.getConditions()).stream()
                        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                        .findFirst().orElse(null);
                if (scheduled != null) {
                    reason = scheduled.getReason();
                    message = message == null ? scheduled.getMessage() : message;
                }
            }
        }
        // Only while the pod is not placed: once bound, the container's state says more (e.g. ImagePullBackOff).
        if ("Pending".equals(phase) && spec.getNodeName() == null && schedulingMessage != null) {
            message = schedulingMessage;
        }
        if (meta.getDeletionTimestamp() != null) {
            // as kubectl shows it: stopped, waiting for the kubelet to end the container
            reason = "Terminating";
        }
        String image = spec.getContainers().isEmpty() ? null : spec.getContainers().getFirst().getImage();
        return new Run(meta.getName(),
                       meta.getNamespace(),
                       node,
                       image,
                       annotations.get(PodPlan.REPOSITORY),
                       annotations.get(PodPlan.TAG),
                       phase,
                       state,
                       reason,
                       message,
                       exitCode,
                       restarts,
                       instant(meta.getCreationTimestamp()),
                       finished);
    }

    private static String phase(V1Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
    }

    /** Pod name → message of its latest scheduler event (the reason a Pending pod is not placed). */
    private static Map<String, String> latestSchedulingMessages(List<CoreV1Event> events) {
        Map<String, CoreV1Event> latest = new HashMap<>();
        for (CoreV1Event e : events) {
            if (e.getInvolvedObject() == null || !"Pod".equals(e.getInvolvedObject().getKind())
                || !isScheduling(e)) {
                continue;
            }
            latest.merge(e.getInvolvedObject().getName(), e,
                         (a, b) -> Comparator.nullsFirst(Comparator.<Instant>naturalOrder())
                                           .compare(eventTime(a), eventTime(b)) >= 0 ? a : b);
        }
        Map<String, String> messages = new HashMap<>();
        latest.forEach((k, v) -> messages.put(k, v.getMessage()));
        return messages;
    }

    private static boolean isScheduling(CoreV1Event e) {
        String component = e.getSource() != null && e.getSource().getComponent() != null ? e.getSource().getComponent()
                : e.getReportingComponent();
        return "FailedScheduling".equals(e.getReason()) || "Scheduled".equals(e.getReason())
               || (component != null && component.contains("scheduler"));
    }

    private static RunEvent event(CoreV1Event e) {
        String source = e.getSource() != null && e.getSource().getComponent() != null ? e.getSource().getComponent()
                : e.getReportingComponent();
        int count = e.getCount() != null ? e.getCount()
                : e.getSeries() != null && e.getSeries().getCount() != null ? e.getSeries().getCount() : 1;
        return new RunEvent(e.getType(), e.getReason(), e.getMessage(), source, count, eventTime(e));
    }

    private static Instant eventTime(CoreV1Event e) {
        if (e.getLastTimestamp() != null) {
            return instant(e.getLastTimestamp());
        }
        if (e.getSeries() != null && e.getSeries().getLastObservedTime() != null) {
            return instant(e.getSeries().getLastObservedTime());
        }
        if (e.getEventTime() != null) {
            return instant(e.getEventTime());
        }
        if (e.getFirstTimestamp() != null) {
            return instant(e.getFirstTimestamp());
        }
        return e.getMetadata() == null ? null : instant(e.getMetadata().getCreationTimestamp());
    }

    private static Resources resources(V1ResourceRequirements r) {
        if (r == null) {
            return Resources.NONE;
        }
        Map<String, Quantity> req = r.getRequests() == null ? Map.of() : r.getRequests();
        Map<String, Quantity> lim = r.getLimits() == null ? Map.of() : r.getLimits();
        return new Resources(quantity(req.get("cpu")), quantity(lim.get("cpu")),
                             quantity(req.get("memory")), quantity(lim.get("memory")));
    }

    private static String quantity(Quantity q) {
        return q == null ? null : q.toSuffixedString();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static <T> Collection<T> nullToEmpty(Collection<T> c) {
        return c == null ? List.of() : c;
    }

    private static <T> List<T> nullToEmpty(List<T> c) {
        return c == null ? List.of() : c;
    }

    // ---- the one place API faults become domain errors ----

    /** One API call. */
    @FunctionalInterface
    private interface ApiCall<T> {
        T call() throws ApiException;
    }

    private static <T> T call(ApiCall<T> call, String verb, String resource, String namespace, String name) {
        try {
            return call.call();
        } catch (ApiException e) {
            throw fault(e, verb, resource, namespace, name);
        } catch (RuntimeException e) {
            // e.g. an answer the models cannot parse (client-java rejects unknown fields)
            throw new ClusterException(ClusterException.Kind.FAILED, 0,
                                       "unexpected answer from the Kubernetes API to " + verb + " " + resource + ": "
                                       + e.getMessage(), null, e);
        }
    }

    static ClusterException fault(ApiException e, String verb, String resource, String namespace, String name) {
        int code = e.getCode();
        String apiMessage = apiMessage(e.getResponseBody());
        String where = namespace == null ? "" : " in " + namespace;
        String detail = apiMessage == null ? "" : " (" + apiMessage + ")";
        return switch (code) {
            case 0 -> new ClusterException(ClusterException.Kind.UNREACHABLE, 0,
                                           "the Kubernetes API cannot be reached: "
                                           + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                                           null, e);
            case 403 -> new ClusterException(ClusterException.Kind.FORBIDDEN, code,
                                             "the catalog's service account may not " + verb + " " + resource + where
                                             + detail, apiMessage, e);
            case 404 -> new ClusterException(ClusterException.Kind.NOT_FOUND, code,
                                             (name == null ? resource : resource + " \"" + name + "\"")
                                             + " not found" + where, apiMessage, e);
            case 409 -> new ClusterException(ClusterException.Kind.CONFLICT, code,
                                             "the name \"" + name + "\" is already taken" + where, apiMessage, e);
            case 400, 422 -> new ClusterException(ClusterException.Kind.INVALID, code,
                                                  "Kubernetes rejected the request to " + verb + " " + resource
                                                  + detail, apiMessage, e);
            case 401 -> new ClusterException(ClusterException.Kind.FAILED, code,
                                             "the Kubernetes API did not accept the catalog's credentials" + detail,
                                             apiMessage, e);
            default -> new ClusterException(ClusterException.Kind.FAILED, code,
                                            "the Kubernetes API answered " + code + " to " + verb + " " + resource
                                            + where + detail, apiMessage, e);
        };
    }

    /** {@code message} of the API's Status body, else the body itself (shortened), else null. */
    private static String apiMessage(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode status = JSON.readTree(body);
            if (status != null && status.hasNonNull("message")) {
                return status.get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: fall back to the raw text
        }
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    private static ClusterException notFound(String namespace, String name) {
        return new ClusterException(ClusterException.Kind.NOT_FOUND, 404,
                                    "no run named \"" + name + "\" in namespace " + namespace, null, null);
    }
}
