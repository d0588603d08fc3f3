package dev.imagecatalog.deploy;

import dev.imagecatalog.testing.TestResources;

import com.github.dockerjava.api.DockerClient;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec;
import io.kubernetes.client.util.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart installed for real: the image built from the project's Dockerfile, loaded into k3s (a real API
 * server and kubelet), the release installed with helm-java and waited for, {@code helm test} run (readiness
 * through the Service, registry check included), the RBAC checked by the API server's own authorizer, and an
 * upgrade that changes the configuration rolling the pods, and a second release with the production-like values
 * (separate runs namespace with Pod Security labels, two replicas, credentials Secret, NetworkPolicy enforced by
 * k3s), and a third, read-only behind a proxy with its session key in a Secret of its own, whose account may only
 * ask SubjectAccessReviews. Needs a Docker host; skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartK3sIT {

    /** Same minor as client-java 27 and kind v0.32's node image. */
    private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.36.2-k3s1");
    private static final DockerImageName REGISTRY = DockerImageName.parse("registry:2.8.3");
    private static final String IMAGE = "catalog-it:test";
    private static final String NAMESPACE = "catalog";
    private static final String SERVICE_ACCOUNT = "system:serviceaccount:catalog:catalog";

    private static Network network;
    private static GenericContainer<?> registry;
    private static K3sContainer k3s;
    private static String kubeconfig;
    private static String registryUrl;
    private static String registryIp;
    private static ApiClient api;

    @BeforeAll
    static void startClusterAndLoadImage() throws Exception {
        network = Network.newNetwork();
        registry = new GenericContainer<>(REGISTRY).withNetwork(network).withExposedPorts(5000)
                .waitingFor(Wait.forHttp("/v2/").forStatusCode(200));
        registry.start();
        // Pods resolve names through k3s' CoreDNS, not Docker's: reach the registry by its network address.
        registryIp = registry.getContainerInfo().getNetworkSettings().getNetworks().values()
                .iterator().next().getIpAddress();
        registryUrl = "http://" + registryIp + ":5000";

        k3s = new K3sContainer(K3S).withNetwork(network);
        k3s.start();
        kubeconfig = k3s.getKubeConfigYaml();
        api = Config.fromConfig(new StringReader(kubeconfig));

        // The project's Dockerfile, built by the Docker host from the context its .dockerignore lets through
        // (the "!path" lines; listed explicitly so the result does not depend on docker-java's pattern matching).
        ImageFromDockerfile image = new ImageFromDockerfile(IMAGE, false)
                .withFileFromPath("Dockerfile", Path.of("Dockerfile"));
        for (String line : Files.readAllLines(Path.of(".dockerignore"))) {
            if (line.startsWith("!")) {
                String path = line.substring(1).replaceAll("/$", "");
                image.withFileFromPath(path, Path.of(path));
            }
        }
        String built = image.get();
        Path tar = Files.createTempFile("catalog-image", ".tar");
        DockerClient docker = DockerClientFactory.instance().client();
        try (InputStream saved = docker.saveImageCmd(built).exec()) {
            Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
        }
        k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/catalog.tar");
        Container.ExecResult imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/catalog.tar");
        assertThat(imported.getExitCode()).as(imported.getStderr()).isZero();
        Files.delete(tar);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(k3s, registry, network);
    }

    @Test
    @Order(1)
    void install_becomesReady_andHelmTestPasses() {
        Release installed = new Helm(RenderedChart.CHART).install()
                .withName("catalog").withNamespace(NAMESPACE).createNamespace()
                .withKubeConfigContents(kubeconfig)
                .set("image.repository", "catalog-it").set("image.tag", "test").set("image.pullPolicy", "Never")
                .set("registry.url", registryUrl)
                .waitReady().withTimeout(300)
                .call();

        assertThat(installed.getStatus()).isEqualTo("deployed");

        Release tested = Helm.test("catalog").withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig)
                .withTimeout(180).call();
        assertThat(tested.getStatus()).isEqualTo("deployed");
    }

    @Test
    @Order(2)
    void serviceAccount_mayDoWhatTheRunnerCalls_andNothingElse() throws Exception {
        assertThat(allowed("list", "", "nodes", null, null)).isTrue();
        assertThat(allowed("watch", "", "nodes", null, null)).isFalse();
        assertThat(allowed("create", "", "pods", null, NAMESPACE)).isTrue();
        assertThat(allowed("delete", "", "pods", null, NAMESPACE)).isTrue();
        assertThat(allowed("get", "", "pods", "log", NAMESPACE)).isTrue();
        assertThat(allowed("list", "", "events", null, NAMESPACE)).isTrue();
        // issue 10: the pre-flight lists pods on every node; the runs page's shared watch
        assertThat(allowed("list", "", "pods", null, "kube-system")).isTrue();
        assertThat(allowed("get", "", "pods", null, "kube-system")).isFalse();
        assertThat(allowed("watch", "", "pods", null, NAMESPACE)).isTrue();
        assertThat(allowed("watch", "", "pods", null, "kube-system")).isFalse();
        // sign-in: the system:auth-delegator pair, nothing else of those groups
        assertThat(allowed("create", "authentication.k8s.io", "tokenreviews", null, null)).isTrue();
        assertThat(allowed("create", "authorization.k8s.io", "subjectaccessreviews", null, null)).isTrue();
        assertThat(allowed("get", "authentication.k8s.io", "tokenreviews", null, null)).isFalse();

        assertThat(allowed("get", "", "secrets", null, NAMESPACE)).isFalse();
        assertThat(allowed("create", "", "pods", null, "default")).isFalse();
        assertThat(allowed("update", "", "pods", null, NAMESPACE)).isFalse();
        assertThat(allowed("create", "", "pods", "exec", NAMESPACE)).isFalse();
        assertThat(allowed("patch", "", "nodes", null, null)).isFalse();
        assertThat(allowed("create", "apps", "deployments", null, NAMESPACE)).isFalse();
    }

    @Test
    @Order(3)
    void upgrade_withChangedConfiguration_rollsThePods() throws Exception {
        AppsV1Api apps = new AppsV1Api(api);
        V1Deployment before = apps.readNamespacedDeployment("catalog", NAMESPACE).execute();
        byte[] sessionKey = new CoreV1Api(api).readNamespacedSecret("catalog-session", NAMESPACE).execute().getData()
                .get("session-key");

        Release upgraded = new Helm(RenderedChart.CHART).upgrade()
                .withName("catalog").withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig)
                .set("image.repository", "catalog-it").set("image.tag", "test").set("image.pullPolicy", "Never")
                .set("registry.url", registryUrl)
                .set("runs.ttl", "PT5M")
                .waitReady().withTimeout(300)
                .call();

        V1Deployment after = apps.readNamespacedDeployment("catalog", NAMESPACE).execute();
        assertThat(upgraded.getRevision()).isEqualTo("2");
        assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"))
                .isNotEqualTo(before.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"));
        assertThat(after.getMetadata().getGeneration()).isGreaterThan(before.getMetadata().getGeneration());
        assertThat(after.getStatus().getUpdatedReplicas()).isEqualTo(after.getSpec().getReplicas());
        // the session key survives the upgrade (lookup), so signed-in users stay signed in
        assertThat(new CoreV1Api(api).readNamespacedSecret("catalog-session", NAMESPACE).execute().getData()
                .get("session-key")).isEqualTo(sessionKey).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    @Order(4)
    void separateRunsNamespace_twoReplicas_credentialsAndNetworkPolicy_workOnARealCluster() throws Exception {
        String namespace = "catalog2";
        CoreV1Api core = new CoreV1Api(api);
        core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
        // the anonymous test registry ignores credentials; the pods must still start with the Secret's keys
        core.createNamespacedSecret(namespace, new V1Secret().metadata(new V1ObjectMeta().name("registry-credentials"))
                .putStringDataItem("user", "robot").putStringDataItem("token", "not-checked")).execute();
        // k3s enforces NetworkPolicy: allow exactly this cluster's API server (the node) and the test registry
        String nodeIp = k3s.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next()
                .getIpAddress();

        Release installed = new Helm(RenderedChart.CHART).install()
                .withName("catalog2").withNamespace(namespace)
                .withKubeConfigContents(kubeconfig)
                .withValuesFile(Path.of("src/test/resources/deploy/values-separate-runs.yaml"))
                .set("image.repository", "catalog-it").set("image.tag", "test").set("image.pullPolicy", "Never")
                .set("registry.url", registryUrl)
                .set("runs.namespace", "catalog2-runs")
                .set("service.nodePort", 30081)
                .set("networkPolicy.apiServer.cidrs", "{" + nodeIp + "/32}")
                .set("networkPolicy.registry.cidrs", "{" + registryIp + "/32}")
                .waitReady().withTimeout(300)
                .call();
        Release tested = Helm.test("catalog2").withNamespace(namespace).withKubeConfigContents(kubeconfig)
                .withTimeout(180).call();

        assertThat(installed.getStatus()).isEqualTo("deployed");
        assertThat(tested.getStatus()).isEqualTo("deployed");
        V1Deployment deployment = new AppsV1Api(api).readNamespacedDeployment("catalog2", namespace).execute();
        assertThat(deployment.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(core.readNamespace("catalog2-runs").execute().getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "baseline");
        assertThat(core.listNamespacedLimitRange("catalog2-runs").execute().getItems()).hasSize(1);
        assertThat(allowed("create", "", "pods", null, "catalog2-runs", "system:serviceaccount:catalog2:catalog2"))
                .isTrue();
        assertThat(allowed("create", "", "pods", null, namespace, "system:serviceaccount:catalog2:catalog2"))
                .isFalse();
    }

    @Test
    @Order(5)
    void readOnlyProxyRelease_withAGitOpsSessionKey_isGrantedOnlyAccessReviews_andStartsWithThatKey() throws Exception {
        String namespace = "catalog3";
        String account = "system:serviceaccount:catalog3:catalog3";
        CoreV1Api core = new CoreV1Api(api);
        core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
        // what a GitOps user creates once, outside the chart (where `lookup` would return nothing)
        core.createNamespacedSecret(namespace, new V1Secret().metadata(new V1ObjectMeta().name("gitops-session"))
                .putStringDataItem("key", "0123456789abcdef".repeat(3))).execute();

        Release installed = new Helm(RenderedChart.CHART).install()
                .withName("catalog3").withNamespace(namespace)
                .withKubeConfigContents(kubeconfig)
                .set("image.repository", "catalog-it").set("image.tag", "test").set("image.pullPolicy", "Never")
                .set("registry.url", registryUrl)
                .set("service.nodePort", 30082)
                .set("runs.enabled", false)
                .set("auth.mode", "proxy").set("auth.proxy.trustedAddresses[0]", "10.0.0.1")
                .set("auth.sessionKey.existingSecret", "gitops-session")
                .set("auth.sessionKey.existingSecretKey", "key")
                .waitReady().withTimeout(300)
                .call();
        Release tested = Helm.test("catalog3").withNamespace(namespace).withKubeConfigContents(kubeconfig)
                .withTimeout(180).call();

        // ready: the service started with the key of the existing Secret (a missing or short key fails its start)
        assertThat(installed.getStatus()).isEqualTo("deployed");
        assertThat(tested.getStatus()).isEqualTo("deployed");
        assertThat(core.listNamespacedSecret(namespace).execute().getItems())
                .extracting(secret -> secret.getMetadata().getName()).doesNotContain("catalog3-session");
        // read-only with an authenticating proxy: there is nothing to act on, so it asks the cluster nothing
        assertThat(allowed("create", "authorization.k8s.io", "subjectaccessreviews", null, null, account)).isFalse();
        assertThat(allowed("create", "authentication.k8s.io", "tokenreviews", null, null, account)).isFalse();
        assertThat(allowed("list", "", "nodes", null, null, account)).isFalse();
        assertThat(allowed("list", "", "pods", null, namespace, account)).isFalse();
        assertThat(allowed("list", "", "pods", null, "kube-system", account)).isFalse();
        assertThat(allowed("create", "", "pods", null, namespace, account)).isFalse();
        assertThat(allowed("get", "", "pods", "log", namespace, account)).isFalse();
    }

    private static boolean allowed(String verb, String group, String resource, String subresource, String namespace)
            throws Exception {
        return allowed(verb, group, resource, subresource, namespace, SERVICE_ACCOUNT);
    }

    private static boolean allowed(String verb, String group, String resource, String subresource, String namespace,
                                   String user) throws Exception {
        String accountNamespace = user.split(":")[2];
        V1SubjectAccessReview review = new V1SubjectAccessReview()
                .apiVersion("authorization.k8s.io/v1").kind("SubjectAccessReview")
                .spec(new V1SubjectAccessReviewSpec()
                        .user(user)
                        .addGroupsItem("system:serviceaccounts")
                        .addGroupsItem("system:serviceaccounts:" + accountNamespace)
                        .addGroupsItem("system:authenticated")
                        .resourceAttributes(new V1ResourceAttributes()
                                .verb(verb).group(group).resource(resource).subresource(subresource)
                                .namespace(namespace)));
        return new AuthorizationV1Api(api).createSubjectAccessReview(review).execute().getStatus().getAllowed();
    }
}
