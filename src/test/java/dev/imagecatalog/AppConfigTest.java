package dev.imagecatalog;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.lifecycle.RetentionSettings;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration layering and the exact environment variable names of the configuration contract. */
class AppConfigTest {

    @TempDir
    Path dir;

    private Path absent() {
        return dir.resolve("absent.yaml");
    }

    @Test
    void load_withoutOverrides_usesClasspathDefaults() {
        Config config = AppConfig.load(Map.of(), absent());
        assertThat(config.get("server.port").asInt().get()).isEqualTo(8080);
        RegistrySettings settings = AppConfig.registrySettings(config);
        assertThat(settings.url()).isEqualTo(URI.create("http://kind-registry:5000"));
        assertThat(settings.pullHost()).isEqualTo("localhost:5001");
        assertThat(settings.username()).isNull();
        assertThat(settings.password()).isNull();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxListingNames()).isEqualTo(500_000);
        assertThat(settings.listingDeadline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.concurrency()).isEqualTo(16);
        assertThat(settings.callDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.requestDeadline()).isEqualTo(Duration.ofSeconds(25));
        assertThat(settings.maxManifestBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(settings.maxConfigBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(settings.maxPages()).isEqualTo(10_000);
        assertThat(settings.tokenRealmAllowedHosts()).isEmpty();
        assertThat(settings.repositories()).isEmpty();
        assertThat(settings.repositoriesConfigured()).isFalse();
        assertThat(config.get("runs.enabled").asBoolean().get()).isTrue();
        assertThat(config.get("runs.namespace").asString().get()).isEqualTo("default");
        assertThat(config.get("runs.ttl").as(Duration.class).get()).isEqualTo(Duration.ofHours(1));
        assertThat(AppConfig.runSettings(config)).isEqualTo(new RunSettings(true, "default", Duration.ofHours(1)));
    }

    @Test
    void load_hardeningEnvironmentNames_mapToTheirKeys_listsCommaSeparated() {
        Map<String, String> env = Map.of(
                "REGISTRY_CALL_DEADLINE", "PT7S",
                "REGISTRY_REQUEST_DEADLINE", "PT6S",
                "REGISTRY_MAX_MANIFEST_BYTES", "2048",
                "REGISTRY_MAX_CONFIG_BYTES", "4096",
                "REGISTRY_MAX_PAGES", "50",
                "REGISTRY_TOKEN_REALM_ALLOWED_HOSTS", "Auth.Internal, other.internal",
                "REGISTRY_REPOSITORIES", "team-a/app, team-b/db");
        RegistrySettings settings = AppConfig.registrySettings(AppConfig.load(env, absent()));

        assertThat(settings.callDeadline()).isEqualTo(Duration.ofSeconds(7));
        assertThat(settings.requestDeadline()).isEqualTo(Duration.ofSeconds(6));
        assertThat(settings.maxManifestBytes()).isEqualTo(2048);
        assertThat(settings.maxConfigBytes()).isEqualTo(4096);
        assertThat(settings.maxPages()).isEqualTo(50);
        assertThat(settings.tokenRealmAllowedHosts()).containsExactly("auth.internal", "other.internal");
        assertThat(settings.repositories()).containsExactly("team-a/app", "team-b/db");
        assertThat(settings.repositoriesConfigured()).isTrue();
    }

    @Test
    void load_repositoriesAsYamlList_andInvalidNamesRefusedAtStart() throws Exception {
        Path file = dir.resolve("lists.yaml");
        java.nio.file.Files.writeString(file, "registry:\n  repositories:\n    - team-a/app\n    - team-b/db\n");
        assertThat(AppConfig.registrySettings(AppConfig.load(Map.of(), file)).repositories())
                .containsExactly("team-a/app", "team-b/db");

        java.nio.file.Files.writeString(file, "registry:\n  repositories: [\"../etc\", ok/name]\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AppConfig.registrySettings(AppConfig.load(Map.of(), file)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registry.repositories")
                .hasMessageContaining("../etc");
    }

    @Test
    void retentionSettings_offByDefault_andABadRegexDurationOrKeyIsAClearStartupError() throws Exception {
        RetentionSettings none = AppConfig.retentionSettings(AppConfig.load(Map.of(), absent()));
        assertThat(none.rules()).isEmpty();
        assertThat(none.schedule()).isNull();
        assertThat(none.deletesEnabled()).isFalse();
        RetentionSettings env = AppConfig.retentionSettings(AppConfig.load(Map.of("RETENTION_SCHEDULE", "PT6H",
                "REGISTRY_DELETE_ENABLED", "true", "POD_NAMESPACE", "tools"), absent()));
        assertThat(env.schedule()).isEqualTo(java.time.Duration.ofHours(6));
        assertThat(env.deletesEnabled()).isTrue();
        assertThat(env.leaseNamespace()).isEqualTo("tools");

        Path file = dir.resolve("retention.yaml");
        java.nio.file.Files.writeString(file, "retention:\n  rules:\n    - repositories: team-a/*\n"
                + "      keepTags: \"^(latest\"\n");
        assertThatThrownBy(() -> AppConfig.retentionSettings(AppConfig.load(Map.of(), file)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepTags")
                .hasMessageContaining("team-a/*").hasMessageContaining("not a valid regular expression");
        java.nio.file.Files.writeString(file, "retention:\n  rules:\n    - repositories: team-a/*\n"
                + "      keepYoungerThan: 30d\n");
        assertThatThrownBy(() -> AppConfig.retentionSettings(AppConfig.load(Map.of(), file)))
                .hasMessageContaining("keepYoungerThan").hasMessageContaining("P30D");
        // a misspelt key would otherwise keep nothing and delete everything
        java.nio.file.Files.writeString(file, "retention:\n  rules:\n    - repositories: team-a/*\n"
                + "      keeplast: 3\n      keepTags: latest\n");
        assertThatThrownBy(() -> AppConfig.retentionSettings(AppConfig.load(Map.of(), file)))
                .hasMessageContaining("unknown key \"keeplast\"");
        java.nio.file.Files.writeString(file, "retention:\n  schedule: every 6 hours\n");
        assertThatThrownBy(() -> AppConfig.retentionSettings(AppConfig.load(Map.of(), file)))
                .hasMessageContaining("retention.schedule").hasMessageContaining("PT6H");
    }

    @Test
    void load_contractEnvironmentNames_mapToTheirKeys() {
        Map<String, String> env = Map.of(
                "SERVER_PORT", "9090",
                "REGISTRY_URL", "http://127.0.0.1:5555",
                "REGISTRY_PULL_HOST", "registry.example:443",
                "REGISTRY_USERNAME", "alice",
                "REGISTRY_PASSWORD", "pa${ss}word",
                "REGISTRY_LISTING_DEADLINE", "PT2M",
                "RUNS_ENABLED", "false",
                "RUNS_NAMESPACE", "runs",
                "RUNS_TTL", "PT5M");
        Config config = AppConfig.load(env, absent());
        assertThat(config.get("server.port").asInt().get()).isEqualTo(9090);
        RegistrySettings settings = AppConfig.registrySettings(config);
        assertThat(settings.url()).isEqualTo(URI.create("http://127.0.0.1:5555"));
        assertThat(settings.pullHost()).isEqualTo("registry.example:443");
        assertThat(settings.username()).isEqualTo("alice");
        assertThat(settings.password()).isEqualTo("pa${ss}word");
        assertThat(settings.listingDeadline()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.get("runs.enabled").asBoolean().get()).isFalse();
        assertThat(config.get("runs.namespace").asString().get()).isEqualTo("runs");
        assertThat(config.get("runs.ttl").as(Duration.class).get()).isEqualTo(Duration.ofMinutes(5));
        assertThat(AppConfig.runSettings(config)).isEqualTo(new RunSettings(false, "runs", Duration.ofMinutes(5)));
    }

    @Test
    void authSettings_defaultToKubernetesSignIn_andTheirEnvironmentNamesMap() throws Exception {
        AuthSettings defaults = AppConfig.authSettings(AppConfig.load(Map.of(), absent()));
        assertThat(defaults.mode()).isEqualTo(AuthMode.KUBERNETES);
        assertThat(defaults.browseAuthenticated()).isFalse();
        assertThat(defaults.allowedHosts()).isEmpty();
        assertThat(defaults.sessionKey()).isNull();
        assertThat(AppConfig.runSettings(AppConfig.load(Map.of(), absent())).allowTaintedNodes()).isFalse();

        Config config = AppConfig.load(Map.of("AUTH_MODE", "proxy", "AUTH_BROWSE", "authenticated",
                "AUTH_SESSION_KEY", "k".repeat(40), "AUTH_SESSION_TTL", "PT1H",
                "AUTH_PROXY_TRUSTED_ADDRESSES", "10.0.0.0/8, 127.0.0.1", "AUTH_PROXY_USER_HEADER", "X-Auth-User",
                "SERVER_ALLOWED_HOSTS", "catalog.example, catalog-control-plane",
                "RUNS_ALLOW_TAINTED_NODES", "true", "RUNS_POD_SECURITY", "restricted"), absent());
        AuthSettings auth = AppConfig.authSettings(config);
        assertThat(auth.mode()).isEqualTo(AuthMode.PROXY);
        assertThat(auth.browseAuthenticated()).isTrue();
        assertThat(auth.sessionKey()).isEqualTo("k".repeat(40));
        assertThat(auth.sessionTtl()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(auth.trustedProxies().contains(java.net.InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(auth.userHeader()).isEqualTo("X-Auth-User");
        assertThat(auth.allowedHosts()).containsExactly("catalog.example", "catalog-control-plane");
        assertThat(AppConfig.runSettings(config).allowTaintedNodes()).isTrue();
        assertThat(AppConfig.runSettings(config).runAsNonRoot()).isTrue();
        assertThatThrownBy(() -> AppConfig.authSettings(AppConfig.load(Map.of("AUTH_BROWSE", "sometimes"), absent())))
                .hasMessageContaining("auth.browse");
    }

    @Test
    void indexSettings_defaultsWithoutAnEventsEndpoint_andTheirEnvironmentNames() {
        IndexSettings defaults = AppConfig.indexSettings(AppConfig.load(Map.of(), absent()));
        assertThat(defaults.eventsToken()).isNull();
        assertThat(defaults.maxPlatforms()).isEqualTo(64);
        assertThat(defaults.reconcileInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.reconcileRounds()).isEqualTo(3);
        assertThat(defaults.peers()).isEmpty();
        assertThat(defaults.peersService()).isNull();

        IndexSettings set = AppConfig.indexSettings(AppConfig.load(Map.of(
                "REGISTRY_EVENTS_TOKEN", "t0k3n",
                "REGISTRY_EVENTS_PEERS", "http://10.0.0.2:8080, http://10.0.0.3:8080",
                "REGISTRY_EVENTS_PEERS_SERVICE", "catalog-peers.catalog.svc",
                "REGISTRY_MAX_PLATFORMS", "5",
                "REGISTRY_RECONCILE_INTERVAL", "PT1M",
                "REGISTRY_RECONCILE_ROUNDS", "1",
                "SERVER_PORT", "9090"), absent()));
        assertThat(set.eventsToken()).isEqualTo("t0k3n");
        assertThat(set.peers()).containsExactly(URI.create("http://10.0.0.2:8080"), URI.create("http://10.0.0.3:8080"));
        assertThat(set.peersService()).isEqualTo("catalog-peers.catalog.svc");
        assertThat(set.peersPort()).isEqualTo(9090);
        assertThat(set.maxPlatforms()).isEqualTo(5);
        assertThat(set.reconcileInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(set.reconcileRounds()).isEqualTo(1);
        assertThat(set.toString()).doesNotContain("t0k3n");
    }

    @Test
    void load_podNamespace_isTheRunsNamespaceDefault_belowEveryOtherLayer() throws IOException {
        assertThat(AppConfig.load(Map.of("POD_NAMESPACE", "catalog"), absent()).get("runs.namespace").asString().get())
                .isEqualTo("catalog");
        Path file = Files.writeString(dir.resolve("application.yaml"), "runs:\n  namespace: from-file\n");
        assertThat(AppConfig.load(Map.of("POD_NAMESPACE", "catalog"), file).get("runs.namespace").asString().get())
                .isEqualTo("from-file");
    }

    @Test
    void deleteSettings_offByDefault_onWithRegistryDeleteEnabled() {
        assertThat(AppConfig.deleteSettings(AppConfig.load(Map.of(), absent())).enabled()).isFalse();
        assertThat(AppConfig.deleteSettings(AppConfig.load(Map.of("REGISTRY_DELETE_ENABLED", "true"), absent()))
                .enabled()).isTrue();
    }

    @Test
    void load_externalFile_overridesClasspath_andEnvironmentOverridesFile() throws IOException {
        Path file = Files.writeString(dir.resolve("application.yaml"), """
                registry:
                  url: http://from-file:5000
                  pull-host: file-host:5001
                  concurrency: 3
                """);
        Config fromFile = AppConfig.load(Map.of(), file);
        assertThat(AppConfig.registrySettings(fromFile).url()).isEqualTo(URI.create("http://from-file:5000"));
        assertThat(AppConfig.registrySettings(fromFile).pullHost()).isEqualTo("file-host:5001");
        assertThat(AppConfig.registrySettings(fromFile).concurrency()).isEqualTo(3);
        // keys the file does not set keep the classpath defaults
        assertThat(AppConfig.registrySettings(fromFile).readTimeout()).isEqualTo(Duration.ofSeconds(30));

        Config withEnv = AppConfig.load(Map.of("REGISTRY_PULL_HOST", "env-host:1"), file);
        assertThat(AppConfig.registrySettings(withEnv).pullHost()).isEqualTo("env-host:1");
        assertThat(AppConfig.registrySettings(withEnv).url()).isEqualTo(URI.create("http://from-file:5000"));
    }

    @Test
    void load_systemProperties_overrideFile_butNotEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("application.yaml"), "registry:\n  pull-host: file-host:5001\n");
        System.setProperty("registry.pull-host", "sysprop-host:2");
        try {
            assertThat(AppConfig.registrySettings(AppConfig.load(Map.of(), file)).pullHost()).isEqualTo("sysprop-host:2");
            assertThat(AppConfig.registrySettings(AppConfig.load(Map.of("REGISTRY_PULL_HOST", "env-host:3"), file))
                    .pullHost()).isEqualTo("env-host:3");
        } finally {
            System.clearProperty("registry.pull-host");
        }
    }

    @Test
    void load_externalFileOnly_ignoresTheProcessEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("application.yaml"), "server:\n  port: 7070\n");
        assertThat(AppConfig.load(file).get("server.port").asInt().get()).isEqualTo(7070);
    }

    @Test
    void restartSettings_noSnapshotByDefault_andEveryKeyFromTheEnvironment() {
        dev.imagecatalog.catalog.index.RestartSettings none = AppConfig.restartSettings(AppConfig.load(Map.of(), absent()));
        assertThat(none).isEqualTo(dev.imagecatalog.catalog.index.RestartSettings.defaults());

        dev.imagecatalog.catalog.index.RestartSettings env = AppConfig.restartSettings(AppConfig.load(Map.of(
                "INDEX_SNAPSHOT_PATH", "/var/lib/catalog/index.snapshot", "INDEX_SNAPSHOT_INTERVAL", "PT1M",
                "INDEX_PEER_TIMEOUT", "PT3S", "INDEX_MAX_COPY_BYTES", "1000"), absent()));
        assertThat(env.snapshotPath()).isEqualTo(java.nio.file.Path.of("/var/lib/catalog/index.snapshot"));
        assertThat(env.snapshotInterval()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(env.peerTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(env.maxCopyBytes()).isEqualTo(1000);
    }
}
