package dev.imagecatalog.cluster;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.TreeSet;

import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.catalog.lifecycle.PodUse;
import dev.imagecatalog.auth.Permission;

import io.kubernetes.client.custom.Quantity;
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
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1SeccompProfile;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1TokenReview;
import io.kubernetes.client.openapi.models.V1TokenReviewSpec;
import io.kubernetes.client.openapi.models.V1UserInfo;

/** Pure translation between client-java models and the cluster domain, for {@link KubernetesCluster}. */
final class KubernetesMapping {

    /** Container name of every run. */
    static final String CONTAINER = "run";
    private static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    private static final String ROLE_PREFIX = "node-role.kubernetes.io/";

    private KubernetesMapping() {
    }


    static V1Pod pod(PodPlan plan) {
        V1Container container = new V1Container()
                .name(CONTAINER)
                .image(plan.image())
                .imagePullPolicy("IfNotPresent")
                .securityContext(securityContext(plan.runAsNonRoot()));
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

    /**
     * What every run gets: no privilege escalation, the runtime's default seccomp profile, no capabilities; with
     * {@code runs.pod-security=restricted} also {@code runAsNonRoot} (Pod Security "restricted").
     */
    static V1SecurityContext securityContext(boolean runAsNonRoot) {
        V1SecurityContext context = new V1SecurityContext()
                .allowPrivilegeEscalation(false)
                .privileged(false)
                .seccompProfile(new V1SeccompProfile().type("RuntimeDefault"))
                .capabilities(new V1Capabilities().drop(new ArrayList<>(List.of("ALL"))));
        if (runAsNonRoot) {
            context.runAsNonRoot(true);
        }
        return context;
    }

    private static void putQuantity(Map<String, Quantity> map, String key, String value) {
        if (value != null) {
            map.put(key, new Quantity(value));
        }
    }


    /** The TokenReview to create for a bearer token. */
    static V1TokenReview tokenReview(String token) {
        return new V1TokenReview().apiVersion("authentication.k8s.io/v1").kind("TokenReview")
                .spec(new V1TokenReviewSpec().token(token));
    }

    /** The user of an answered TokenReview; empty unless {@code status.authenticated} and a user name. */
    static Optional<Identity> identity(V1TokenReview review) {
        var status = review == null ? null : review.getStatus();
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            return Optional.empty();
        }
        V1UserInfo user = status.getUser();
        if (user.getUsername() == null || user.getUsername().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Identity(user.getUsername(), nullToEmpty(user.getGroups())));
    }

    /** The SubjectAccessReview asking whether a user (with groups) has a permission (on one object, if named). */
    static V1SubjectAccessReview accessReview(Identity identity, Permission permission) {
        return new V1SubjectAccessReview().apiVersion("authorization.k8s.io/v1").kind("SubjectAccessReview")
                .spec(new V1SubjectAccessReviewSpec()
                              .user(identity.user())
                              .groups(new ArrayList<>(identity.groups()))
                              .resourceAttributes(new V1ResourceAttributes()
                                                          .group(permission.group())
                                                          .verb(permission.verb())
                                                          .resource(permission.resource())
                                                          .subresource(permission.subresource())
                                                          .namespace(permission.namespace())
                                                          .name(permission.name())));
    }

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

    /** A bound pod's requests per container (the scheduler's view of what it takes from its node). */
    static PodRequests podRequests(V1Pod pod) {
        V1PodSpec spec = pod.getSpec();
        List<ContainerRequests> containers = nullToEmpty(spec.getContainers()).stream()
                .map(c -> requests(c.getResources(), false)).toList();
        List<ContainerRequests> init = nullToEmpty(spec.getInitContainers()).stream()
                .map(c -> requests(c.getResources(), "Always".equals(c.getRestartPolicy()))).toList();
        Map<String, Quantity> overhead = spec.getOverhead();
        return new PodRequests(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), spec.getNodeName(),
                               containers, init,
                               overhead == null || overhead.isEmpty() ? null
                                       : new ContainerRequests(quantity(overhead.get("cpu")),
                                                               quantity(overhead.get("memory")), false));
    }

    private static ContainerRequests requests(V1ResourceRequirements r, boolean sidecar) {
        Map<String, Quantity> req = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
        return new ContainerRequests(quantity(req.get("cpu")), quantity(req.get("memory")), sidecar);
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
        Instant started = null;
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
                started = instant(s.getRunning().getStartedAt());
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
                       finished,
                       annotations.get(PodPlan.LAUNCHED_BY),
                       started);
    }

    /** {@code [scheme://][name@]sha256:<hex>}: an image ID or a digest-pinned reference. */
    private static final Pattern DIGEST_REFERENCE = Pattern.compile(
            "(?:[a-z][a-z0-9+.-]*://)?(?:([^@\\s]+)@)?(sha256:[a-f0-9]{64})");

    /**
     * The digests a pod's containers and init containers use, each with the pod (and the repository its reference
     * names): every container status's {@code imageID} ({@code docker-pullable://host/repo@sha256:…},
     * {@code host/repo@sha256:…} or a bare {@code sha256:…}) and every spec image pinned by digest — so a Pending
     * pod that has pulled nothing yet counts too.
     */
    static Map<String, Set<PodUse>> imageUses(V1Pod pod) {
        Map<String, Set<PodUse>> uses = new LinkedHashMap<>();
        V1ObjectMeta meta = pod.getMetadata();
        if (meta == null) {
            return uses;
        }
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        List<String> references = new ArrayList<>();
        if (pod.getSpec() != null) {
            nullToEmpty(pod.getSpec().getContainers()).forEach(c -> references.add(c.getImage()));
            nullToEmpty(pod.getSpec().getInitContainers()).forEach(c -> references.add(c.getImage()));
        }
        if (pod.getStatus() != null) {
            nullToEmpty(pod.getStatus().getContainerStatuses()).forEach(c -> references.add(c.getImageID()));
            nullToEmpty(pod.getStatus().getInitContainerStatuses()).forEach(c -> references.add(c.getImageID()));
        }
        for (String reference : references) {
            Matcher m = reference == null ? null : DIGEST_REFERENCE.matcher(reference.trim());
            if (m != null && m.matches()) {
                uses.computeIfAbsent(m.group(2), d -> new java.util.LinkedHashSet<>())
                        .add(new PodUse(meta.getNamespace(), meta.getName(), node == null || node.isEmpty() ? null
                                : node, m.group(1)));
            }
        }
        return uses;
    }

    static String phase(V1Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
    }

    /** Pod name → message of its latest scheduler event (the reason a Pending pod is not placed). */
    static Map<String, String> latestSchedulingMessages(List<CoreV1Event> events) {
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

    static RunEvent event(CoreV1Event e) {
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

    static Resources resources(V1ResourceRequirements r) {
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

    static <T> List<T> nullToEmpty(List<T> c) {
        return c == null ? List.of() : c;
    }
}
