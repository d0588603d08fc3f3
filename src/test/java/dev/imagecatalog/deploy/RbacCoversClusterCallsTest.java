package dev.imagecatalog.deploy;

import dev.imagecatalog.auth.AuthMode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In every mode the chart can be installed in, its RBAC grants exactly the Kubernetes API calls the service makes in
 * that mode: cluster-scoped calls by the ClusterRole, namespaced calls by the Role in the runs namespace, and no
 * ClusterRole or Role at all when the mode calls nothing of their kind. The calls are read from the adapter's source
 * (the {@code CoreV1Api} method names, and the {@code AuthenticationV1Api}/{@code AuthorizationV1Api} review calls
 * of the sign-in), so a new call without a matching rule fails here, not with a 403 in a cluster, and a rule no code
 * needs any more — in any mode — fails here too (least privilege).
 *
 * <p>Which calls a mode makes follows from who calls the adapter:
 * <ul>
 *     <li>{@code CoreV1Api} calls are the runner's ({@code Cluster}); a read-only catalog ({@code runs.enabled=false})
 *     never creates its cluster client ({@code runner.LazyClusterTest}).</li>
 *     <li>A TokenReview only with {@code auth.mode=kubernetes}: only a bearer token or the sign-in form asks for one;
 *     proxy mode believes its proxy's headers, none has nobody to sign in.</li>
 *     <li>A SubjectAccessReview when there is a user to ask about ({@code kubernetes}, {@code proxy}) and something
 *     to ask about: runs (every run route refuses first when runs are disabled) or deletes. With {@code none} the
 *     demo user is allowed without asking ({@code AccessPolicy.allows}).</li>
 *     <li>{@code registry.delete.enabled}: the in-use check of image deletes (issue 14) lists pods in every
 *     namespace ({@code KubernetesCluster.byDigest}, the same call as the runner's {@code scheduledPods}).</li>
 *     <li>The chart's {@code repository-deleter} ClusterRole is for people, not for the service: it is bound to
 *     nobody, so it is not counted as the service's.</li>
 *     <li>{@code retention.schedule} with deletes enabled: the replicas elect the one applying it with the library's
 *     {@code LeaseLock} (read from the adapter's source: a {@code new LeaseLock(} there means get, create and update
 *     on {@code coordination.k8s.io} leases) in the release namespace.</li>
 * </ul>
 */
class RbacCoversClusterCallsTest {

    private static final Path CLUSTER_SOURCES = Path.of("src/main/java/dev/imagecatalog/cluster");
    private static final Pattern API_CALL =
            Pattern.compile("\\bapi\\.(read|list|create|delete|patch|replace)(Namespaced)?([A-Z]\\w*?)(Log)?\\(");
    private static final Map<String, String> VERBS = Map.of(
            "read", "get", "list", "list", "create", "create", "delete", "delete", "patch", "patch",
            "replace", "update");
    /** client-java kind → API resource; a kind missing here fails the test until it is added. */
    private static final Map<String, String> RESOURCES = Map.of("Pod", "pods", "Node", "nodes", "Event", "events",
            "PodForAllNamespaces", "pods");
    /** A list call turned into a watch ({@code api.listNamespacedPod(…)….watch(true)}): needs {@code watch}. */
    private static final Pattern WATCH_CALL =
            Pattern.compile("\\bapi\\.list(Namespaced)?([A-Z]\\w*?)\\([^;]*?\\.watch\\(true\\)");
    /** Calls of AuthenticationV1Api / AuthorizationV1Api (the sign-in's reviews), always cluster-scoped creates. */
    private static final Pattern REVIEW_CALL =
            Pattern.compile("\\b(authentication|authorization)\\.create(TokenReview|SubjectAccessReview)\\(");
    private static final String TOKEN_REVIEW = "create authentication.k8s.io/tokenreviews";
    private static final String ACCESS_REVIEW = "create authorization.k8s.io/subjectaccessreviews";
    private static final Map<String, String> REVIEWS = Map.of(
            "TokenReview", TOKEN_REVIEW, "SubjectAccessReview", ACCESS_REVIEW);
    /** The library's Lease lock (leader election of the retention schedule): what it calls on the API server. */
    private static final Pattern LEASE_LOCK = Pattern.compile("\\bnew LeaseLock\\(");
    private static final Set<String> LEASE_LOCK_CALLS = Set.of("get coordination.k8s.io/leases",
            "create coordination.k8s.io/leases", "update coordination.k8s.io/leases");
    /** The Lease calls found in the adapter's source. */
    private static final Set<String> LEASE_CALLS = new TreeSet<>();
    /** The in-use check of image deletes (issue 14): which digests the pods of every namespace run. */
    private static final String DELETE_IN_USE_CHECK = "list pods";

    /** The runner's calls (CoreV1Api), by scope. */
    private static final Set<String> RUNNER_CLUSTER_SCOPED = new TreeSet<>();
    private static final Set<String> RUNNER_NAMESPACED = new TreeSet<>();
    /** The sign-in's review calls. */
    private static final Set<String> REVIEW_CALLS = new TreeSet<>();

    /** One way to install the chart. */
    record Mode(boolean runs, AuthMode auth, boolean deletes, boolean schedule) {

        Map<String, Object> values() {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("runs.enabled", runs);
            values.put("auth.mode", auth.name().toLowerCase(Locale.ROOT));
            values.put("registry.delete.enabled", deletes);
            if (schedule) {
                values.put("retention.schedule", "PT6H");
            }
            if (auth == AuthMode.PROXY) {
                values.put("auth.proxy.trustedAddresses[0]", "10.0.0.1");
            }
            return values;
        }

        /** What the service calls cluster-wide in this mode. */
        Set<String> clusterScopedCalls() {
            Set<String> calls = new TreeSet<>();
            if (runs) {
                calls.addAll(RUNNER_CLUSTER_SCOPED);
            }
            if (deletes) {
                calls.add(DELETE_IN_USE_CHECK);
            }
            if (auth == AuthMode.KUBERNETES) {
                calls.add(TOKEN_REVIEW);
            }
            if (auth != AuthMode.NONE && (runs || deletes)) {
                calls.add(ACCESS_REVIEW);
            }
            return calls;
        }

        /** What the service calls in the runs namespace in this mode. */
        Set<String> namespacedCalls() {
            return runs ? RUNNER_NAMESPACED : Set.of();
        }

        /** What the service calls in the release namespace for the retention schedule's Lease in this mode. */
        Set<String> leaseCalls() {
            return schedule && deletes ? LEASE_CALLS : Set.of();
        }
    }

    @BeforeAll
    static void readTheAdaptersCalls() throws IOException {
        try (Stream<Path> sources = Files.list(CLUSTER_SOURCES)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(source);
                if (LEASE_LOCK.matcher(text).find()) {
                    LEASE_CALLS.addAll(LEASE_LOCK_CALLS);
                }
                Matcher review = REVIEW_CALL.matcher(text);
                while (review.find()) {
                    REVIEW_CALLS.add(REVIEWS.get(review.group(2)));
                }
                Matcher watch = WATCH_CALL.matcher(text);
                while (watch.find()) {
                    String resource = RESOURCES.get(watch.group(2));
                    assertThat(resource).as("resource of %s in %s", watch.group(), source).isNotNull();
                    (watch.group(1) != null ? RUNNER_NAMESPACED : RUNNER_CLUSTER_SCOPED).add("watch " + resource);
                }
                Matcher call = API_CALL.matcher(text);
                while (call.find()) {
                    String resource = RESOURCES.get(call.group(3));
                    assertThat(resource).as("resource of %s in %s", call.group(), source).isNotNull();
                    if (call.group(4) != null) {
                        resource += "/" + call.group(4).toLowerCase(Locale.ROOT);
                    }
                    String permission = VERBS.get(call.group(1)) + " " + resource;
                    (call.group(2) != null ? RUNNER_NAMESPACED : RUNNER_CLUSTER_SCOPED).add(permission);
                }
            }
        }
    }

    /** Every combination: runs on/off × every sign-in mode × image deletes on/off. */
    static Stream<Mode> modes() {
        List<Mode> modes = new ArrayList<>();
        for (boolean runs : List.of(true, false)) {
            for (AuthMode auth : AuthMode.values()) {
                for (boolean deletes : List.of(false, true)) {
                    modes.add(new Mode(runs, auth, deletes, false));
                    modes.add(new Mode(runs, auth, deletes, true));
                }
            }
        }
        return modes.stream();
    }

    @Test
    void theAdapterWasRead_andItsCallsAreTheOnesTheModesAreBuiltOn() {
        assertThat(RUNNER_NAMESPACED).contains("create pods", "watch pods", "get pods/log");
        assertThat(RUNNER_CLUSTER_SCOPED).contains("list nodes", "list pods");
        assertThat(REVIEW_CALLS).containsExactlyInAnyOrder(TOKEN_REVIEW, ACCESS_REVIEW);
        assertThat(LEASE_CALLS).isEqualTo(LEASE_LOCK_CALLS);
    }

    @Test
    void theModesRendered_areEveryAuthModeTheChartAccepts() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(RenderedChart.CHART.resolve("values.schema.json").toFile());
        List<String> chartModes = StreamSupport.stream(
                schema.at("/properties/auth/properties/mode/enum").spliterator(), false).map(JsonNode::asText).toList();

        assertThat(chartModes).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(AuthMode.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList());
    }

    @ParameterizedTest
    @MethodSource("modes")
    void chartRbac_grantsExactlyTheCallsOfTheMode(Mode mode) {
        RenderedChart chart = RenderedChart.withSet(mode.values());

        List<V1ClusterRole> services = serviceClusterRoles(chart);
        assertThat(granted(services)).as("ClusterRole of %s", mode)
                .isEqualTo(mode.clusterScopedCalls());
        List<V1Role> leaseRoles = chart.all(V1Role.class).stream().filter(r -> r.getRules().stream()
                .anyMatch(rule -> rule.getApiGroups().contains("coordination.k8s.io"))).toList();
        List<V1Role> runRoles = chart.all(V1Role.class).stream().filter(r -> !leaseRoles.contains(r)).toList();
        assertThat(granted(runRoles)).as("Role of %s", mode).isEqualTo(mode.namespacedCalls());
        assertThat(granted(leaseRoles)).as("Lease Role of %s", mode).isEqualTo(mode.leaseCalls());
        // the Lease lives in the release namespace, and only there
        assertThat(leaseRoles).allSatisfy(r -> assertThat(r.getMetadata().getNamespace())
                .isEqualTo(RenderedChart.NAMESPACE));
        // no empty role is rendered, and each role is bound (only) to the service's account
        assertThat(services).hasSize(mode.clusterScopedCalls().isEmpty() ? 0 : 1);
        assertThat(runRoles).hasSize(mode.namespacedCalls().isEmpty() ? 0 : 1);
        assertThat(leaseRoles).hasSize(mode.leaseCalls().isEmpty() ? 0 : 1);
        assertThat(chart.all(V1ClusterRoleBinding.class)).hasSameSizeAs(services);
        assertThat(chart.all(V1RoleBinding.class)).hasSameSizeAs(chart.all(V1Role.class));
    }

    /** The ClusterRoles a binding of the chart names (the service's; the deleter role for people is unbound). */
    private static List<V1ClusterRole> serviceClusterRoles(RenderedChart chart) {
        Set<String> bound = new TreeSet<>();
        chart.all(io.kubernetes.client.openapi.models.V1ClusterRoleBinding.class)
                .forEach(b -> bound.add(b.getRoleRef().getName()));
        return chart.all(V1ClusterRole.class).stream().filter(r -> bound.contains(r.getMetadata().getName())).toList();
    }

    private static Set<String> granted(List<? extends io.kubernetes.client.common.KubernetesObject> roles) {
        Set<String> granted = new TreeSet<>();
        for (var role : roles) {
            List<V1PolicyRule> rules = role instanceof V1ClusterRole clusterRole ? clusterRole.getRules()
                    : ((V1Role) role).getRules();
            for (V1PolicyRule rule : rules) {
                assertThat(rule.getApiGroups()).hasSize(1);
                String group = rule.getApiGroups().getFirst();
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        granted.add(verb + " " + (group.isEmpty() ? "" : group + "/") + resource);
                    }
                }
            }
        }
        return granted;
    }
}
