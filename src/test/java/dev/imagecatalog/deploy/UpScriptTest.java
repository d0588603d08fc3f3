package dev.imagecatalog.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/up.sh} run against recording stand-ins for docker, kind, kubectl, helm and skopeo: what it
 * would do to a Docker host, in which order, with which configuration — and that a second run only upgrades.
 */
class UpScriptTest {

    private static final List<String> STUBS = List.of("docker", "kind", "kubectl", "helm", "skopeo");
    private static final String ROOT = Path.of("").toAbsolutePath().toString();

    @TempDir
    Path sandbox;

    private StubbedTools tools;
    private Path envFile;
    private Map<String, String> environment;

    @BeforeEach
    void setUp() throws IOException {
        tools = StubbedTools.create(sandbox, STUBS);
        envFile = sandbox.resolve("dot-env");
        environment = Map.of("ENV_FILE", envFile.toString());
    }

    @Test
    void up_onAFreshHost_createsEverythingInOrder() throws Exception {
        StubbedTools.Run run = tools.run("scripts/up.sh", environment);

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<String> calls = tools.calls();
        String tag = imageTag(calls);
        assertThat(calls).containsSubsequence(
                "docker network create kind",
                call(calls, "docker run -d --name kind-minio"),
                call(calls, "minio/mc:"),
                call(calls, "mb --ignore-existing minio/registry"),
                call(calls, "admin policy create minio registry-registry"),
                call(calls, "admin user add minio registry"),
                call(calls, "docker run -d --name kind-registry"),
                "kind create cluster --name catalog --config " + ROOT + "/kind-config.yaml --wait 120s",
                call(calls, "docker exec -i catalog-control-plane cp /dev/stdin"),
                call(calls, "docker exec -i catalog-worker cp /dev/stdin"),
                call(calls, "docker exec -i catalog-worker2 cp /dev/stdin"),
                call(calls, "kubectl --context kind-catalog apply -f -"),
                "docker build --build-arg VERSION=" + tag + " -t localhost:5001/catalog:" + tag + " " + ROOT,
                "docker push localhost:5001/catalog:" + tag,
                call(calls, "helm upgrade --install catalog " + ROOT + "/chart"),
                "kubectl --context kind-catalog --namespace catalog rollout status deployment/catalog --timeout 180s",
                call(calls, "docker pull --quiet busybox:1.37.0"),
                call(calls, "skopeo copy --all"),
                call(calls, "kind: ServiceAccount"),
                "kubectl --context kind-catalog --namespace catalog create token demo --duration 8h");
        assertThat(tag).startsWith(projectVersion());
        assertThat(run.output()).contains("http://localhost:30080");
    }

    @Test
    void up_configuresMinioTheRegistryAndTheNodesFromDotEnv() throws Exception {
        tools.run("scripts/up.sh", environment);
        List<String> calls = tools.calls();
        Properties env = dotEnv();

        assertThat(call(calls, "docker run -d --name kind-minio"))
                .contains("--network kind --network-alias minio", "-p 127.0.0.1:9000:9000", "-p 127.0.0.1:9001:9001",
                        "-v kind-minio-data:/data", "quay.io/minio/minio:RELEASE.")
                .contains("  env MINIO_ROOT_PASSWORD=" + env.getProperty("MINIO_ROOT_PASSWORD"));
        // the bucket policy covers exactly the registry's bucket
        assertThat(call(calls, "admin policy create minio registry-registry"))
                .contains("\"arn:aws:s3:::registry\"", "\"arn:aws:s3:::registry/*\"")
                .doesNotContain("s3:*");
        assertThat(call(calls, "docker run -d --name kind-registry"))
                .contains("--network kind", "-p 127.0.0.1:5001:5000",
                        "-v " + ROOT + "/docker-registry/config.yml:/etc/docker/registry/config.yml:ro", "registry:2.8.3")
                .contains("  env REGISTRY_STORAGE_S3_ACCESSKEY=" + env.getProperty("REGISTRY_S3_ACCESS_KEY"),
                        "  env REGISTRY_STORAGE_S3_SECRETKEY=" + env.getProperty("REGISTRY_S3_SECRET_KEY"),
                        "  env REGISTRY_STORAGE_S3_BUCKET=" + env.getProperty("REGISTRY_BUCKET"),
                        "  env REGISTRY_HTTP_SECRET=" + env.getProperty("REGISTRY_HTTP_SECRET"));
        // the registry notifies the catalog's NodePort on the control-plane node with the token from .env
        String token = env.getProperty("REGISTRY_EVENTS_TOKEN");
        assertThat(token).isNotBlank();
        assertThat(call(calls, "docker run -d --name kind-registry"))
                .contains("-e REGISTRY_NOTIFICATIONS_ENDPOINTS", "  env REGISTRY_NOTIFICATIONS_ENDPOINTS=- name: catalog",
                        "url: http://catalog-control-plane:30080/api/registry/events", "- Bearer " + token);
        assertThat(call(calls, "docker run -d --name kind-registry").lines().findFirst().orElseThrow())
                .doesNotContain(token);
        // ... and the chart reads the same token from a Secret created from stdin (not the command line)
        assertThat(call(calls, "helm upgrade --install catalog"))
                .contains("registry.events.existingSecret=catalog-registry-events");
        assertThat(calls).filteredOn(c -> c.contains("create secret generic catalog-registry-events"))
                .singleElement().satisfies(c -> assertThat(c.lines().findFirst().orElseThrow()).doesNotContain(token));
        // secrets of long-running containers are passed by name, never on the command line
        assertThat(calls).filteredOn(c -> c.startsWith("docker run -d"))
                .allSatisfy(c -> assertThat(c.lines().findFirst().orElseThrow())
                        .doesNotContain(env.getProperty("MINIO_ROOT_PASSWORD"), env.getProperty("REGISTRY_S3_SECRET_KEY")));
        assertThat(calls).filteredOn(c -> c.startsWith("docker exec -i") && c.contains("hosts.toml"))
                .hasSize(3)
                .allSatisfy(c -> assertThat(c)
                        .contains("/etc/containerd/certs.d/localhost:5001/hosts.toml")
                        .endsWith("  | [host.\"http://kind-registry:5000\"]"));
        assertThat(call(calls, "kubectl --context kind-catalog apply -f -"))
                .contains("  | kind: ConfigMap", "  |   name: local-registry-hosting", "  |   namespace: kube-public",
                        "  |     host: \"localhost:5001\"");
        assertThat(call(calls, "helm upgrade --install catalog"))
                .contains("--kube-context kind-catalog", "--namespace catalog --create-namespace",
                        "--set image.repository=localhost:5001/catalog", "--set image.tag=" + imageTag(calls),
                        "--set registry.pullHost=localhost:5001");
        assertThat(call(calls, "helm upgrade --install catalog"))
                .contains("--set server.allowedHosts={catalog-control-plane,catalog-worker,catalog-worker2}");
        assertThat(Files.getPosixFilePermissions(envFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void up_createsADemoUserAllowedToRunPodsAndListNodes_andPrintsItsTimeLimitedToken() throws Exception {
        StubbedTools.Run run = tools.run("scripts/up.sh", environment);

        assertThat(run.exitCode()).as(run.output()).isZero();
        String rbac = call(tools.calls(), "kind: ServiceAccount");
        assertThat(rbac).startsWith("kubectl --context kind-catalog apply -f -")
                .contains("  | kind: ServiceAccount", "  |   name: demo", "  |   namespace: catalog")
                .contains("  |     resources: [\"pods\"]", "  |     verbs: [\"create\", \"get\", \"list\", \"delete\"]",
                        "  |     resources: [\"pods/log\"]")
                .contains("  | kind: RoleBinding", "  | kind: ClusterRoleBinding",
                        "  |     resources: [\"nodes\"]", "  |     verbs: [\"list\"]")
                .doesNotContain("\"*\"", "secrets");
        // Untag and Delete image: the chart's repository-deleter ClusterRole, bound to the demo user (deletes are on)
        assertThat(rbac).contains("  |   name: catalog-demo-repository-deleter",
                "  |   name: catalog-catalog-repository-deleter");
        assertThat(call(tools.calls(), "helm upgrade --install catalog")).contains("--set registry.delete.enabled=true");
        assertThat(run.output()).contains("sign in on http://localhost:30080/login", "stub-token-of-demo");
    }

    @Test
    void up_runAgain_keepsContainersAndClusterAndUpgradesTheRelease() throws Exception {
        assertThat(tools.run("scripts/up.sh", environment).exitCode()).isZero();
        tools.clearCalls();

        StubbedTools.Run again = tools.run("scripts/up.sh", environment);

        assertThat(again.exitCode()).as(again.output()).isZero();
        List<String> calls = tools.calls();
        assertThat(calls).noneMatch(c -> c.startsWith("docker run -d") || c.startsWith("docker rm")
                || c.startsWith("kind create") || c.startsWith("docker network create"));
        assertThat(calls).anyMatch(c -> c.startsWith("docker build"))
                .anyMatch(c -> c.startsWith("helm upgrade --install catalog"))
                // the bucket, policy and key are re-applied (idempotent), so a changed .env takes effect
                .anyMatch(c -> c.contains("mb --ignore-existing minio/registry"));
        assertThat(again.output()).contains("already running", "already exists");
    }

    @Test
    void up_afterTheRegistrySecretChanged_recreatesOnlyTheRegistry() throws Exception {
        assertThat(tools.run("scripts/up.sh", environment).exitCode()).isZero();
        Files.writeString(envFile, Files.readString(envFile)
                .replaceAll("(?m)^REGISTRY_S3_SECRET_KEY=.*$", "REGISTRY_S3_SECRET_KEY=rotated-secret"));
        tools.clearCalls();

        assertThat(tools.run("scripts/up.sh", environment).exitCode()).isZero();

        List<String> calls = tools.calls();
        assertThat(calls).filteredOn(c -> c.startsWith("docker run -d"))
                .singleElement().asString()
                .contains("--name kind-registry", "  env REGISTRY_STORAGE_S3_SECRETKEY=rotated-secret");
        assertThat(calls).contains("docker rm -f kind-registry");
    }

    @Test
    void up_withoutKindAndHelm_namesWhatIsMissing_andTouchesNothing() throws Exception {
        Path partial = sandbox.resolve("partial");
        StubbedTools withoutKind = StubbedTools.create(partial, List.of("docker", "kubectl"));

        StubbedTools.Run run = withoutKind.run("scripts/up.sh", environment);

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("missing prerequisites: kind helm", "kind.sigs.k8s.io", "helm.sh");
        assertThat(withoutKind.calls()).isEmpty();
    }

    @Test
    void down_removesClusterAndContainers_andPurgeAlsoTheData() throws Exception {
        assertThat(tools.run("scripts/up.sh", environment).exitCode()).isZero();
        tools.clearCalls();

        assertThat(tools.run("scripts/down.sh", environment).exitCode()).isZero();
        assertThat(tools.calls()).contains("kind delete cluster --name catalog", "docker rm -f kind-registry",
                "docker rm -f kind-minio").noneMatch(c -> c.startsWith("docker volume rm"));

        tools.clearCalls();
        StubbedTools.Run purge = tools.run("scripts/down.sh", environment, "--purge");
        assertThat(purge.exitCode()).as(purge.output()).isZero();
        assertThat(tools.calls()).contains("docker volume rm kind-minio-data", "docker network rm kind")
                .noneMatch(c -> c.startsWith("kind delete"));
    }

    private static String call(List<String> calls, String fragment) {
        return calls.stream().filter(c -> c.contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionError("no call containing '" + fragment + "' in\n" + String.join("\n", calls)));
    }

    private static String imageTag(List<String> calls) {
        Matcher matcher = Pattern.compile("docker push localhost:5001/catalog:(\\S+)").matcher(String.join("\n", calls));
        assertThat(matcher.find()).as("image pushed").isTrue();
        return matcher.group(1);
    }

    private static String projectVersion() throws IOException {
        Matcher matcher = Pattern.compile("<artifactId>catalog</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private Properties dotEnv() throws IOException {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(envFile)) {
            properties.load(reader);
        }
        return properties;
    }
}
