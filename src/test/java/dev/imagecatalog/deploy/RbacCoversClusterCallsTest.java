package dev.imagecatalog.deploy;

import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's RBAC grants exactly the Kubernetes API calls the cluster adapter makes: cluster-scoped calls by
 * the ClusterRole, namespaced calls by the Role in the runs namespace. The calls are read from the adapter's
 * source (the {@code CoreV1Api} method names, and the {@code AuthenticationV1Api}/{@code AuthorizationV1Api} review
 * calls of the sign-in), so a new call without a matching rule fails here, not with a 403
 * in a cluster, and a rule no code needs any more fails here too (least privilege).
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
    private static final Map<String, String> REVIEWS = Map.of(
            "TokenReview", "authentication.k8s.io/tokenreviews",
            "SubjectAccessReview", "authorization.k8s.io/subjectaccessreviews");

    @Test
    void chartRbac_grantsExactlyTheClusterCalls() throws IOException {
        Set<String> clusterScoped = new TreeSet<>();
        Set<String> namespaced = new TreeSet<>();
        try (Stream<Path> sources = Files.list(CLUSTER_SOURCES)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher review = REVIEW_CALL.matcher(Files.readString(source));
                while (review.find()) {
                    clusterScoped.add("create " + REVIEWS.get(review.group(2)));
                }
                Matcher watch = WATCH_CALL.matcher(Files.readString(source));
                while (watch.find()) {
                    String resource = RESOURCES.get(watch.group(2));
                    assertThat(resource).as("resource of %s in %s", watch.group(), source).isNotNull();
                    (watch.group(1) != null ? namespaced : clusterScoped).add("watch " + resource);
                }
                Matcher call = API_CALL.matcher(Files.readString(source));
                while (call.find()) {
                    String resource = RESOURCES.get(call.group(3));
                    assertThat(resource).as("resource of %s in %s", call.group(), source).isNotNull();
                    if (call.group(4) != null) {
                        resource += "/" + call.group(4).toLowerCase(Locale.ROOT);
                    }
                    String permission = VERBS.get(call.group(1)) + " " + resource;
                    (call.group(2) != null ? namespaced : clusterScoped).add(permission);
                }
            }
        }
        RenderedChart chart = RenderedChart.withDefaults();

        // the adapter really was read: it creates pods and lists nodes
        assertThat(namespaced).contains("create pods", "watch pods");
        assertThat(clusterScoped).contains("list nodes", "list pods", "create authentication.k8s.io/tokenreviews",
                "create authorization.k8s.io/subjectaccessreviews");
        assertThat(granted(chart.one(V1ClusterRole.class).getRules())).isEqualTo(clusterScoped);
        assertThat(granted(chart.one(V1Role.class).getRules())).isEqualTo(namespaced);
    }

    private static Set<String> granted(Iterable<V1PolicyRule> rules) {
        Set<String> granted = new TreeSet<>();
        for (V1PolicyRule rule : rules) {
            assertThat(rule.getApiGroups()).hasSize(1);
            String group = rule.getApiGroups().getFirst();
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    granted.add(verb + " " + (group.isEmpty() ? "" : group + "/") + resource);
                }
            }
        }
        return granted;
    }
}
