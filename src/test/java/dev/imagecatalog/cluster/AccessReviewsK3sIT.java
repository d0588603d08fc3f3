package dev.imagecatalog.cluster;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.runs.RunApi;
import dev.imagecatalog.web.http.Templates;
import dev.imagecatalog.testing.TestResources;

import io.helidon.webserver.WebServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in against a real API server (k3s in Docker): two ServiceAccounts with real tokens ({@code TokenRequest}),
 * one bound by a RoleBinding to a Role that allows running pods in the namespace, one bound to nothing. The
 * adapter's {@code TokenReview} must name them, its {@code SubjectAccessReview} must follow the real RBAC, and the
 * web layer must let the first list runs and refuse the second with 403.
 */
@Testcontainers(disabledWithoutDocker = true)
class AccessReviewsK3sIT {

    /** Kubernetes 1.36, the version client-java 27 is generated for. */
    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.36.2-k3s1"));

    private static final String NAMESPACE = "default";

    private static KubernetesCluster cluster;
    private static String allowedToken;
    private static String deniedToken;
    private static RegistryCatalog catalog;
    private static WebServer server;

    @BeforeAll
    static void setUp() throws Exception {
        ApiClient admin = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(K3S.getKubeConfigYaml())))
                .setReadTimeout(Duration.ofSeconds(30)).build();
        cluster = new KubernetesCluster(admin);
        CoreV1Api core = new CoreV1Api(admin);
        RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(admin);
        for (String name : List.of("allowed", "denied")) {
            core.createNamespacedServiceAccount(NAMESPACE, new V1ServiceAccount().metadata(new V1ObjectMeta().name(name)))
                    .execute();
        }
        rbac.createNamespacedRole(NAMESPACE, new V1Role().metadata(new V1ObjectMeta().name("runner")).rules(List.of(
                new V1PolicyRule().apiGroups(List.of("")).resources(List.of("pods"))
                        .verbs(List.of("create", "get", "list", "delete")),
                new V1PolicyRule().apiGroups(List.of("")).resources(List.of("pods/log")).verbs(List.of("get")))))
                .execute();
        rbac.createNamespacedRoleBinding(NAMESPACE, new V1RoleBinding().metadata(new V1ObjectMeta().name("allowed-runs"))
                .roleRef(new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("Role").name("runner"))
                .subjects(List.of(new RbacV1Subject().kind("ServiceAccount").name("allowed").namespace(NAMESPACE))))
                .execute();
        allowedToken = token(core, "allowed");
        deniedToken = token(core, "denied");

        // the web layer over the same adapter: the runs list needs "list pods"
        catalog = RegistryCatalog.create(RegistrySettings.of(URI.create("http://127.0.0.1:9"), "localhost:5001"));
        Runner runner = Runner.create(catalog, cluster, new RunSettings(true, NAMESPACE, Duration.ofHours(1)));
        Guard guard = Guard.create(AuthSettings.kubernetes(), cluster);
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> {
            guard.register(r, new Templates());
            dev.imagecatalog.web.http.ErrorHandling.register(r, new Templates());
            r.register("/api", new RunApi(runner));
        }).build().start();
    }

    @AfterAll
    static void tearDown() {
        TestResources.closeAll(server, catalog);
    }

    private static String token(CoreV1Api core, String serviceAccount) throws Exception {
        return core.createNamespacedServiceAccountToken(serviceAccount, NAMESPACE, new AuthenticationV1TokenRequest()
                .spec(new V1TokenRequestSpec().expirationSeconds(600L))).execute().getStatus().getToken();
    }

    @Test
    void tokenReview_namesTheServiceAccountAndItsGroups_andRejectsAForgedToken() {
        Optional<Identity> allowed = cluster.authenticate(allowedToken);

        assertThat(allowed).hasValueSatisfying(i -> {
            assertThat(i.user()).isEqualTo("system:serviceaccount:default:allowed");
            assertThat(i.groups()).contains("system:serviceaccounts", "system:serviceaccounts:default");
        });
        assertThat(cluster.authenticate(allowedToken.substring(0, allowedToken.length() - 4) + "AAAA")).isEmpty();
    }

    @Test
    void subjectAccessReview_followsTheRealRbac() {
        Identity allowed = cluster.authenticate(allowedToken).orElseThrow();
        Identity denied = cluster.authenticate(deniedToken).orElseThrow();

        assertThat(cluster.allowed(allowed, Permission.createPods(NAMESPACE))).isTrue();
        assertThat(cluster.allowed(allowed, Permission.deletePods(NAMESPACE))).isTrue();
        assertThat(cluster.allowed(allowed, Permission.getLogs(NAMESPACE))).isTrue();
        assertThat(cluster.allowed(allowed, Permission.createPods("kube-system"))).isFalse();
        assertThat(cluster.allowed(allowed, Permission.listNodes())).isFalse();
        assertThat(cluster.allowed(denied, Permission.createPods(NAMESPACE))).isFalse();
        assertThat(cluster.allowed(denied, Permission.listPods(NAMESPACE))).isFalse();
    }

    @Test
    void runsApi_letsTheAllowedAccountList_andRefusesTheOtherWith403() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> allowed = http.send(request(allowedToken), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> denied = http.send(request(deniedToken), HttpResponse.BodyHandlers.ofString());

        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.body()).startsWith("{\"runs\":");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("system:serviceaccount:default:denied may not list pods in namespace default");
    }

    private static HttpRequest request(String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/runs"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build();
    }
}
