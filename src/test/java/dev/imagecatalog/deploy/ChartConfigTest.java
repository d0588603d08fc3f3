package dev.imagecatalog.deploy;

import dev.imagecatalog.AppConfig;
import dev.imagecatalog.catalog.lifecycle.RetentionRule;
import dev.imagecatalog.catalog.lifecycle.RetentionSettings;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.registry.RegistrySettings;
import io.helidon.config.Config;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's ConfigMap, loaded the way the service loads its configuration ({@link AppConfig}) from where the
 * Deployment mounts it, with the environment the Deployment gives the container.
 */
class ChartConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaults_loadInTheService_withTheContractDefaults() throws IOException {
        Config config = loadAsDeployed(RenderedChart.withDefaults(), Map.of());

        assertThat(config.get("server.port").asInt().get()).isEqualTo(8080);
        assertThat(config.get("server.max-payload-size").asLong().get()).isEqualTo(1_048_576L);
        assertThat(config.get("server.connection-options.tcp-no-delay").asBoolean().get()).isTrue();
        assertThat(config.get("registry.url").asString().get()).isEqualTo("http://kind-registry:5000");
        assertThat(config.get("registry.pull-host").asString().get()).isEqualTo("localhost:5001");
        assertThat(config.get("registry.tag-ttl").exists()).as("removed: unused since the index").isFalse();
        assertThat(config.get("registry.connect-timeout").as(Duration.class).get()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.get("registry.read-timeout").as(Duration.class).get()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get("registry.concurrency").asInt().get()).isEqualTo(16);
        assertThat(config.get("registry.username").exists()).isFalse();
        RegistrySettings settings = AppConfig.registrySettings(config);
        assertThat(settings.callDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.requestDeadline()).isEqualTo(Duration.ofSeconds(25));
        assertThat(settings.maxManifestBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(settings.maxConfigBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(settings.maxPages()).isEqualTo(10_000);
        assertThat(settings.repositoriesConfigured()).isFalse();
        assertThat(config.get("runs.enabled").asBoolean().get()).isTrue();
        assertThat(config.get("runs.namespace").asString().get()).isEqualTo(RenderedChart.NAMESPACE);
        assertThat(config.get("runs.ttl").as(Duration.class).get()).isEqualTo(Duration.ofHours(1));
        // issue 9: Kubernetes sign-in, a session key from the chart's Secret, the Service's names allowed
        AuthSettings auth = AppConfig.authSettings(config);
        assertThat(auth.mode()).isEqualTo(AuthMode.KUBERNETES);
        assertThat(auth.browseAuthenticated()).isFalse();
        assertThat(auth.sessionKey()).hasSize(48);
        assertThat(auth.allowedHosts()).containsExactly("catalog", "catalog." + RenderedChart.NAMESPACE,
                "catalog." + RenderedChart.NAMESPACE + ".svc", "catalog." + RenderedChart.NAMESPACE + ".svc.cluster.local");
        RunSettings runs = AppConfig.runSettings(config);
        assertThat(runs.allowTaintedNodes()).isFalse();
        assertThat(runs.podSecurity()).isEqualTo(RunSettings.BASELINE);
        IndexSettings index = AppConfig.indexSettings(config);
        assertThat(index.maxPlatforms()).isEqualTo(IndexSettings.DEFAULT_MAX_PLATFORMS);
        assertThat(index.reconcileInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(index.reconcileRounds()).isEqualTo(3);
        // no Secret named: the events endpoint does not exist
        assertThat(index.eventsToken()).isNull();
        assertThat(index.peersService()).isEqualTo("catalog-peers." + RenderedChart.NAMESPACE + ".svc.cluster.local");
        assertThat(index.peersPort()).isEqualTo(8080);
    }

    @Test
    void authAndRunsValues_loadInTheService() throws IOException {
        Config config = loadAsDeployed(RenderedChart.withSet(Map.of("auth.mode", "proxy", "auth.browse", "authenticated",
                "auth.proxy.trustedAddresses[0]", "10.0.0.0/8", "server.allowedHosts[0]", "catalog-control-plane",
                "runs.allowTaintedNodes", true, "runs.podSecurity.enforce", "restricted")), Map.of());

        AuthSettings auth = AppConfig.authSettings(config);
        assertThat(auth.mode()).isEqualTo(AuthMode.PROXY);
        assertThat(auth.browseAuthenticated()).isTrue();
        assertThat(auth.trustedProxies().contains(java.net.InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(auth.userHeader()).isEqualTo("X-Forwarded-User");
        assertThat(auth.allowedHosts()).contains("catalog-control-plane");
        RunSettings runs = AppConfig.runSettings(config);
        assertThat(runs.allowTaintedNodes()).isTrue();
        assertThat(runs.runAsNonRoot()).isTrue();
    }

    @Test
    void separateRunsValues_loadInTheService_withTheirValues_andCredentialsFromTheSecretEnv() throws IOException {
        // what the kubelet would put into REGISTRY_USERNAME / REGISTRY_PASSWORD from the Secret
        Config config = loadAsDeployed(RenderedChart.withValuesFile("values-separate-runs.yaml"),
                Map.of("user", "robot", "token", "s3cr3t-${not-resolved}", "events-token", "ev3nts-t0ken"));

        assertThat(config.get("registry.url").asString().get()).isEqualTo("https://registry.example.test:5443");
        assertThat(config.get("registry.pull-host").asString().get()).isEqualTo("registry.example.test:5443");
        assertThat(config.get("registry.username").asString().get()).isEqualTo("robot");
        assertThat(config.get("registry.password").asString().get()).isEqualTo("s3cr3t-${not-resolved}");
        assertThat(config.get("runs.namespace").asString().get()).isEqualTo("catalog-runs");
        assertThat(config.get("runs.ttl").as(Duration.class).get()).isEqualTo(Duration.ofHours(2));
        IndexSettings index = AppConfig.indexSettings(config);
        // REGISTRY_EVENTS_TOKEN from the Secret reaches registry.events.token
        assertThat(index.eventsToken()).isEqualTo("ev3nts-t0ken");
        assertThat(index.reconcileInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void configuredRepositoriesAndRealmHosts_loadInTheServiceAsLists() throws IOException {
        Config config = loadAsDeployed(RenderedChart.withSet(Map.of(
                "registry.repositories[0]", "team-a/app",
                "registry.repositories[1]", "team-b/db",
                "registry.tokenRealmAllowedHosts[0]", "auth.internal",
                "registry.requestDeadline", "PT10S")), Map.of());
        RegistrySettings settings = AppConfig.registrySettings(config);

        assertThat(settings.repositories()).containsExactly("team-a/app", "team-b/db");
        assertThat(settings.tokenRealmAllowedHosts()).containsExactly("auth.internal");
        assertThat(settings.requestDeadline()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void retentionValues_loadInTheService_asRulesAScheduleAndTheLeaseOfTheRelease() throws IOException {
        Config config = loadAsDeployed(RenderedChart.withValuesFile("values-retention.yaml"), Map.of());

        RetentionSettings retention = AppConfig.retentionSettings(config);
        assertThat(retention.rules()).hasSize(2);
        RetentionRule first = retention.rules().getFirst();
        assertThat(first.repositories()).isEqualTo("team-a/*");
        assertThat(first.keepLast()).isEqualTo(10);
        assertThat(first.keepTags().matcher("v1.2.3").matches()).isTrue();
        assertThat(first.keepTags().matcher("v1x2x3").matches()).isFalse();
        assertThat(first.keepYoungerThan()).isEqualTo(Duration.ofDays(30));
        assertThat(retention.ruleFor("team-b/deep/app")).isSameAs(retention.rules().get(1));
        assertThat(retention.schedule()).isEqualTo(Duration.ofHours(6));
        assertThat(retention.deletesEnabled()).isTrue();
        assertThat(retention.leaseName()).isEqualTo("catalog-retention");
        assertThat(retention.leaseNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        assertThat(AppConfig.retentionSettings(loadAsDeployed(RenderedChart.withDefaults(), Map.of())).rules())
                .isEmpty();
    }

    @Test
    void runsDisabled_loadsAsReadOnly() throws IOException {
        Config config = loadAsDeployed(RenderedChart.withSet(Map.of("runs.enabled", false)), Map.of());

        assertThat(config.get("runs.enabled").asBoolean().get()).isFalse();
    }

    @Test
    void sessionKey_fromAnExistingSecret_loadsInTheService() throws IOException {
        String key = "k".repeat(40);
        Config config = loadAsDeployed(RenderedChart.withSet(Map.of("auth.sessionKey.existingSecret", "gitops-session",
                "auth.sessionKey.existingSecretKey", "key")), Map.of("key", key));

        assertThat(AppConfig.authSettings(config).sessionKey()).isEqualTo(key);
    }

    /**
     * Writes the ConfigMap's file where the Deployment mounts it (below a temporary root) and loads it with the
     * environment the Deployment declares: plain values, POD_NAMESPACE as the downward API resolves it, and
     * Secret references resolved from {@code secretData}.
     */
    private Config loadAsDeployed(RenderedChart chart, Map<String, String> secretData) throws IOException {
        V1ConfigMap configMap = chart.one(V1ConfigMap.class);
        V1Container container = chart.one(V1Deployment.class).getSpec().getTemplate().getSpec().getContainers()
                .getFirst();
        Map<String, String> env = new HashMap<>();
        for (V1EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                env.put(variable.getName(), variable.getValue());
            } else if (variable.getValueFrom().getFieldRef() != null) {
                assertThat(variable.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
                env.put(variable.getName(), RenderedChart.NAMESPACE);
            } else if (variable.getValueFrom().getSecretKeyRef().getName().equals("catalog-session")) {
                // the chart's own Secret: the generated session key
                env.put(variable.getName(), new String(chart.one(io.kubernetes.client.openapi.models.V1Secret.class)
                        .getData().get(variable.getValueFrom().getSecretKeyRef().getKey()),
                        java.nio.charset.StandardCharsets.UTF_8));
            } else {
                String key = variable.getValueFrom().getSecretKeyRef().getKey();
                assertThat(secretData).as("secret key %s", key).containsKey(key);
                env.put(variable.getName(), secretData.get(key));
            }
        }
        V1VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("config")).findFirst().orElseThrow();
        // the chart mounts the file where the service looks for it by default
        assertThat(env.get(AppConfig.CONFIG_FILE_ENV)).isEqualTo(AppConfig.DEFAULT_FILE);
        Path file = Path.of(env.get(AppConfig.CONFIG_FILE_ENV));
        assertThat(file.getParent()).isEqualTo(Path.of(mount.getMountPath()));
        Path mounted = dir.resolve(file.toString().substring(1));
        Files.createDirectories(mounted.getParent());
        Files.writeString(mounted, configMap.getData().get(file.getFileName().toString()));
        return AppConfig.load(env, mounted);
    }
}
