package dev.imagecatalog.cluster;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.imagecatalog.auth.AccessReviews;
import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.catalog.lifecycle.ImagesInUse;
import dev.imagecatalog.catalog.lifecycle.PodUse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthenticationV1Api;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1TokenReview;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Watch;
import com.google.gson.reflect.TypeToken;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The one adapter to the Kubernetes API ({@code io.kubernetes:client-java}): translates between API objects and the
 * cluster domain, and turns every {@link ApiException} into a {@link ClusterException} in one place. It also asks
 * the API server about users ({@code TokenReview}, {@code SubjectAccessReview}) for the sign-in.
 */
public final class KubernetesCluster implements Cluster, AccessReviews, ImagesInUse {

    private static final String CONTAINER = KubernetesMapping.CONTAINER;
    private static final Path SA_TOKEN = ClusterEnvironment.SA_TOKEN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOGGER = System.getLogger(KubernetesCluster.class.getName());

    /**
     * The pods the scheduler counts against a node's allocatable: bound to a node and not terminated (the selector
     * {@code kubectl describe node} uses for its "Allocated resources").
     */
    public static final String SCHEDULED_PODS = "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed";
    /** Pods per list call (kubectl's default chunk size). */
    static final int POD_PAGE = 500;

    private final CoreV1Api api;
    private final int podPage;
    private final AuthenticationV1Api authentication;
    private final AuthorizationV1Api authorization;
    private final OkHttpClient followHttp;
    /** How long after the API server should have ended a watch the call is given up. */
    private static final long WATCH_GRACE_SECONDS = 30;

    /**
     * Over a configured client (tests point it at a mock or k3s). Log follow uses a copy of its HTTP client without
     * read timeout (same connection pool, TLS and auth).
     */
    public KubernetesCluster(ApiClient client) {
        this(client, POD_PAGE);
    }

    /** For tests: lists pods {@code podPage} at a time. */
    KubernetesCluster(ApiClient client, int podPage) {
        if (podPage < 1) {
            throw new IllegalArgumentException("podPage must be positive");
        }
        this.podPage = podPage;
        this.api = new CoreV1Api(Objects.requireNonNull(client));
        this.authentication = new AuthenticationV1Api(client);
        this.authorization = new AuthorizationV1Api(client);
        this.followHttp = client.getHttpClient().newBuilder().readTimeout(Duration.ZERO).build();
    }

    /**
     * The cluster this process is configured for: in a pod, its service account; else the first readable file of
     * {@code KUBECONFIG}; else {@code ~/.kube/config}. Nothing configured is a clear error, never a guess: client-java
     * would fall back to {@code http://localhost:8080} — often this catalog's own port, so a sign-in there answered
     * "404 tokenreviews not found".
     *
     * @throws ClusterException UNREACHABLE naming what is missing and how to configure it
     */
    public static KubernetesCluster fromEnvironment(Duration connectTimeout, Duration readTimeout) {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")), SA_TOKEN, connectTimeout,
                               readTimeout);
    }

    /** {@link #fromEnvironment(Duration, Duration)} over a given environment, home folder and token path (tests). */
    static KubernetesCluster fromEnvironment(Map<String, String> env, Path home, Path serviceAccountToken,
                                             Duration connectTimeout, Duration readTimeout) {
        if (ClusterEnvironment.inPod(env, serviceAccountToken)) {
            try {
                return withTimeouts(ClientBuilder.cluster(), connectTimeout, readTimeout);
            } catch (IOException | RuntimeException e) {
                throw new ClusterException(ClusterException.Kind.UNREACHABLE, 0,
                                           "cannot use this pod's service account: " + e.getMessage(), null, e);
            }
        }
        Optional<String> missing = ClusterEnvironment.missing(env, home, serviceAccountToken);
        if (missing.isPresent()) {
            throw new ClusterException(ClusterException.Kind.UNREACHABLE, 0, missing.get(), null, null);
        }
        return fromKubeconfig(kubeconfig(env, home).orElseThrow(), connectTimeout, readTimeout);
    }

    /** The kubeconfig file to use outside a pod ({@link ClusterEnvironment#kubeconfig}). */
    static Optional<Path> kubeconfig(Map<String, String> env, Path home) {
        return ClusterEnvironment.kubeconfig(env, home);
    }

    /**
     * From a kubeconfig file (what {@link #fromEnvironment} uses outside a pod, via {@code KUBECONFIG}).
     *
     * @throws ClusterException UNREACHABLE when the file cannot be read or parsed
     */
    public static KubernetesCluster fromKubeconfig(Path kubeconfig, Duration connectTimeout, Duration readTimeout) {
        try (var reader = Files.newBufferedReader(kubeconfig)) {
            io.kubernetes.client.util.KubeConfig config = io.kubernetes.client.util.KubeConfig.loadKubeConfig(reader);
            // relative certificate and key paths are relative to the file, as kubectl reads them
            config.setFile(kubeconfig.toFile());
            ClientBuilder builder = ClientBuilder.kubeconfig(config);
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
        return items.stream().map(KubernetesMapping::node).sorted(Comparator.comparing(Node::name)).toList();
    }

    @Override
    public List<PodRequests> scheduledPods() {
        // Only what the scheduler counts (bound to a node, not terminated), read in pages: on a cluster of 10,000 pods
        // an unfiltered, unpaged list is megabytes of JSON in one answer. The same filter is applied again in code
        // because a stand-in API server may ignore field selectors (the Fabric8 mock does).
        List<PodRequests> out = new ArrayList<>();
        forEachPod(SCHEDULED_PODS, p -> {
            if (p.getSpec() != null && p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty()
                && !terminated(p)) {
                out.add(KubernetesMapping.podRequests(p));
            }
        });
        return out;
    }

    /**
     * Every pod of the cluster not yet terminated, Pending ones included (a pod about to pull an image needs it as
     * much as a running one), read a page at a time: the digests their containers run or are pinned to.
     */
    @Override
    public Map<String, List<PodUse>> byDigest() {
        Map<String, Set<PodUse>> uses = new LinkedHashMap<>();
        forEachPod(null, p -> {
            if (!terminated(p)) {
                KubernetesMapping.imageUses(p).forEach((digest, pods) -> uses.computeIfAbsent(digest,
                        d -> new java.util.LinkedHashSet<>()).addAll(pods));
            }
        });
        Map<String, List<PodUse>> out = new LinkedHashMap<>();
        uses.forEach((digest, pods) -> out.put(digest, List.copyOf(pods)));
        return out;
    }

    private static boolean terminated(V1Pod p) {
        return "Succeeded".equals(KubernetesMapping.phase(p)) || "Failed".equals(KubernetesMapping.phase(p));
    }

    /** Lists pods in all namespaces a page at a time ({@code limit}/{@code continue}), optionally with a field selector. */
    private void forEachPod(String fieldSelector, java.util.function.Consumer<V1Pod> each) {
        String next = null;
        Set<String> seen = new HashSet<>();
        do {
            String token = next;
            V1PodList page = call(() -> api.listPodForAllNamespaces().fieldSelector(fieldSelector).limit(podPage)
                    ._continue(token).execute(), "list", "pods", null, null);
            page.getItems().forEach(each);
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
            if (next != null && !next.isEmpty() && !seen.add(next)) {
                // a server that hands out the same token again would keep us here for ever
                throw new ClusterException(ClusterException.Kind.FAILED, 0,
                                           "the Kubernetes API repeated a continue token while listing pods", null, null);
            }
        } while (next != null && !next.isEmpty());
    }

    @Override
    public Run create(PodPlan plan) {
        V1Pod created = call(() -> api.createNamespacedPod(plan.namespace(), KubernetesMapping.pod(plan)).execute(),
                             "create", "pods", plan.namespace(), plan.name());
        return KubernetesMapping.run(created, null);
    }

    @Override
    public List<Run> runs(String namespace) {
        List<V1Pod> pods = call(() -> api.listNamespacedPod(namespace).labelSelector(PodPlan.SELECTOR).execute()
                .getItems(), "list", "pods", namespace, null);
        Map<String, String> scheduling = Map.of();
        if (pods.stream().anyMatch(p -> "Pending".equals(KubernetesMapping.phase(p)))) {
            try {
                scheduling = KubernetesMapping.latestSchedulingMessages(events(namespace));
            } catch (ClusterException e) {
                // Best effort: without events the PodScheduled condition still says why a pod waits.
                scheduling = Map.of();
            }
        }
        List<Run> runs = new ArrayList<>();
        for (V1Pod pod : pods) {
            runs.add(KubernetesMapping.run(pod, scheduling.get(pod.getMetadata().getName())));
        }
        runs.sort(Comparator.comparing(Run::created, Comparator.nullsLast(Comparator.reverseOrder()))
                          .thenComparing(Run::name));
        return runs;
    }

    @Override
    public void watchRuns(String namespace, Duration timeout, Runnable onChange) {
        Call template = call(() -> api.listNamespacedPod(namespace).labelSelector(PodPlan.SELECTOR).watch(true)
                .timeoutSeconds((int) Math.max(1, timeout.toSeconds())).buildCall(null), "watch", "pods", namespace,
                             null);
        // the watch stays open for minutes: over the client without read timeout (same pool, TLS and auth)
        Call call = followHttp.newCall(template.request());
        // but not for ever: a half-open connection (the API server's end lost) would block the shared watch, and so
        // every replica's live runs page, for good; the server ends the watch at timeoutSeconds, we a little later
        call.timeout().timeout(Math.max(1, timeout.toSeconds()) + WATCH_GRACE_SECONDS, TimeUnit.SECONDS);
        Watch<V1Pod> watch;
        try {
            watch = Watch.createWatch(api.getApiClient(), call, new TypeToken<Watch.Response<V1Pod>>() { }.getType());
        } catch (ApiException e) {
            throw fault(e, server(), "watch", "pods", namespace, null);
        } catch (RuntimeException e) {
            throw new ClusterException(ClusterException.Kind.FAILED, 0, "cannot watch pods in " + namespace + ": "
                                                                        + e.getMessage(), null, e);
        }
        try (watch) {
            while (!Thread.currentThread().isInterrupted() && watch.hasNext()) {
                Watch.Response<V1Pod> event = watch.next();
                if ("ERROR".equals(event.type)) {
                    // e.g. 410 Gone (history compacted): end; the caller lists again and watches anew
                    return;
                }
                onChange.run();
            }
        } catch (IOException | RuntimeException e) {
            // the connection dropped or was closed: the watch is over, as when it times out
            LOGGER.log(System.Logger.Level.DEBUG, "pod watch in " + namespace + " ended: " + e.getMessage());
        }
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
        String scheduling = KubernetesMapping.latestSchedulingMessages(events).get(name);
        List<RunEvent> runEvents = events.stream()
                .map(KubernetesMapping::event)
                .sorted(Comparator.comparing(RunEvent::lastSeen, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        V1PodSpec spec = pod.getSpec();
        V1Container c = spec.getContainers().getFirst();
        Map<String, String> env = new LinkedHashMap<>();
        for (V1EnvVar v : KubernetesMapping.nullToEmpty(c.getEnv())) {
            if (v.getValueFrom() == null) {
                env.put(v.getName(), v.getValue() == null ? "" : v.getValue());
            }
        }
        return Optional.of(new RunDetail(KubernetesMapping.run(pod, scheduling),
                                         List.copyOf(KubernetesMapping.nullToEmpty(c.getCommand())),
                                         List.copyOf(KubernetesMapping.nullToEmpty(c.getArgs())),
                                         env,
                                         spec.getRestartPolicy(),
                                         KubernetesMapping.resources(c.getResources()),
                                         runEvents,
                                         KubernetesMapping.nullToEmpty(spec.getTolerations()).stream()
                                                 .map(t -> new Taint(t.getKey(), "Exists".equals(t.getOperator())
                                                         ? null : t.getValue(), t.getEffect())).toList(),
                                         KubernetesMapping.nullToEmpty(c.getPorts()).stream()
                                                 .filter(p -> p.getProtocol() == null || "TCP".equals(p.getProtocol()))
                                                 .map(p -> p.getContainerPort()).toList()));
    }

    @Override
    public String log(String namespace, String name, Integer tailLines, boolean previous) {
        requireOurs(namespace, name);
        String log = call(() -> api.readNamespacedPodLog(name, namespace).container(CONTAINER).tailLines(tailLines)
                .previous(previous ? Boolean.TRUE : null).execute(), "get", "pods/log", namespace, name);
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
            throw fault(new ApiException(e), server(), "get", "pods/log", namespace, name);
        }
        if (!response.isSuccessful()) {
            try (response) {
                String body = response.body() == null ? null : response.body().string();
                throw fault(new ApiException(response.code(), body), server(), "get", "pods/log", namespace, name);
            } catch (IOException e) {
                throw fault(new ApiException(e), server(), "get", "pods/log", namespace, name);
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

    @Override
    public Optional<Identity> authenticate(String token) {
        V1TokenReview review = call(() -> authentication.createTokenReview(KubernetesMapping.tokenReview(token))
                .execute(), "create", "tokenreviews", null, null);
        return KubernetesMapping.identity(review);
    }

    @Override
    public boolean allowed(Identity identity, Permission permission) {
        V1SubjectAccessReview review = call(() -> authorization.createSubjectAccessReview(
                KubernetesMapping.accessReview(identity, permission)).execute(), "create", "subjectaccessreviews",
                                            null, null);
        return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
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

    // ---- the one place API faults become domain errors ----

    /** One API call. */
    @FunctionalInterface
    private interface ApiCall<T> {
        T call() throws ApiException;
    }

    /** The API server's address, named in "cannot be reached" messages (client-java's default is localhost:8080). */
    private String server() {
        return api.getApiClient().getBasePath();
    }

    private <T> T call(ApiCall<T> call, String verb, String resource, String namespace, String name) {
        try {
            return call.call();
        } catch (ApiException e) {
            throw fault(e, server(), verb, resource, namespace, name);
        } catch (RuntimeException e) {
            // e.g. an answer the models cannot parse (client-java rejects unknown fields)
            throw new ClusterException(ClusterException.Kind.FAILED, 0,
                                       "unexpected answer from the Kubernetes API to " + verb + " " + resource + ": "
                                       + e.getMessage(), null, e);
        }
    }

    static ClusterException fault(ApiException e, String server, String verb, String resource, String namespace,
                                  String name) {
        int code = e.getCode();
        String apiMessage = apiMessage(e.getResponseBody());
        String where = namespace == null ? "" : " in " + namespace;
        String detail = apiMessage == null ? "" : " (" + apiMessage + ")";
        return switch (code) {
            case 0 -> new ClusterException(ClusterException.Kind.UNREACHABLE, 0,
                                           "the Kubernetes API at " + server
                                           + " cannot be reached: "
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
