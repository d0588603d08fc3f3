package dev.imagecatalog;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import dev.imagecatalog.auth.AddressSet;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.lifecycle.DeleteSettings;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.index.RestartSettings;
import dev.imagecatalog.catalog.lifecycle.RetentionRule;
import dev.imagecatalog.catalog.lifecycle.RetentionSettings;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.EnvironmentVariables;
import io.helidon.config.spi.ConfigSource;

/**
 * Loads the application configuration with the layering of the configuration contract:
 * environment variables &gt; system properties &gt; optional file ({@code CATALOG_CONFIG}, default
 * {@value #DEFAULT_FILE}) &gt; classpath {@code application.yaml}.
 *
 * <p>Environment variables follow Helidon's mapping ({@code REGISTRY_URL} → {@code registry.url},
 * {@code FOO__BAR} → {@code foo-bar}); the contract's names that Helidon would map elsewhere
 * ({@code REGISTRY_PULL_HOST} would become {@code registry.pull.host}) are mapped explicitly.
 */
public final class AppConfig {

    /** Environment variable naming the external configuration file. */
    public static final String CONFIG_FILE_ENV = "CATALOG_CONFIG";
    /** Where the Helm chart mounts its ConfigMap's {@code application.yaml}. */
    public static final String DEFAULT_FILE = "/etc/catalog/application.yaml";

    /**
     * Contract names whose automatic mapping would miss the key: a single {@code _} becomes {@code .},
     * so dashed keys need an explicit entry.
     */
    private static final Map<String, String> EXPLICIT_ENV = Map.ofEntries(
            Map.entry("REGISTRY_PULL_HOST", "registry.pull-host"),
            Map.entry("REGISTRY_CONNECT_TIMEOUT", "registry.connect-timeout"),
            Map.entry("REGISTRY_READ_TIMEOUT", "registry.read-timeout"),
            // deadlines, read limits and trust (issue 8)
            Map.entry("REGISTRY_CALL_DEADLINE", "registry.call-deadline"),
            Map.entry("REGISTRY_REQUEST_DEADLINE", "registry.request-deadline"),
            Map.entry("REGISTRY_MAX_MANIFEST_BYTES", "registry.max-manifest-bytes"),
            Map.entry("REGISTRY_MAX_CONFIG_BYTES", "registry.max-config-bytes"),
            Map.entry("REGISTRY_MAX_PAGES", "registry.max-pages"),
            Map.entry("REGISTRY_MAX_LISTING_NAMES", "registry.max-listing-names"),
            Map.entry("REGISTRY_LISTING_DEADLINE", "registry.listing-deadline"),
            Map.entry("REGISTRY_TOKEN_REALM_ALLOWED_HOSTS", "registry.token-realm-allowed-hosts"),
            // the index (issue 7)
            Map.entry("REGISTRY_MAX_PLATFORMS", "registry.max-platforms"),
            Map.entry("REGISTRY_RECONCILE_INTERVAL", "registry.reconcile-interval"),
            Map.entry("REGISTRY_RECONCILE_ROUNDS", "registry.reconcile-rounds"),
            Map.entry("REGISTRY_EVENTS_PEERS_SERVICE", "registry.events.peers-service"),
            Map.entry("REGISTRY_EVENTS_MAX_PENDING", "registry.events.max-pending"),
            // restarts without a crawl (issue 18)
            Map.entry("INDEX_PEER_TIMEOUT", "index.peer-timeout"),
            Map.entry("INDEX_MAX_COPY_BYTES", "index.max-copy-bytes"),
            // sign-in and guards (issue 9)
            Map.entry("AUTH_SESSION_KEY", "auth.session-key"),
            Map.entry("AUTH_SESSION_TTL", "auth.session-ttl"),
            Map.entry("AUTH_PROXY_TRUSTED_ADDRESSES", "auth.proxy.trusted-addresses"),
            Map.entry("AUTH_PROXY_USER_HEADER", "auth.proxy.user-header"),
            Map.entry("AUTH_PROXY_GROUPS_HEADER", "auth.proxy.groups-header"),
            Map.entry("SERVER_ALLOWED_HOSTS", "server.allowed-hosts"),
            Map.entry("RUNS_ALLOW_TAINTED_NODES", "runs.allow-tainted-nodes"),
            Map.entry("RUNS_POD_SECURITY", "runs.pod-security"));

    private AppConfig() {
    }

    /**
     * The configuration of the running process: real environment, system properties, the file named by
     * {@code CATALOG_CONFIG} (default {@value #DEFAULT_FILE}) when it exists, classpath defaults.
     *
     * @return the layered configuration
     */
    public static Config load() {
        Map<String, String> env = System.getenv();
        return load(env, Path.of(env.getOrDefault(CONFIG_FILE_ENV, DEFAULT_FILE)));
    }

    /**
     * The configuration as it would be with the given external file and no environment variables:
     * lets a test prove that a file (e.g. the Helm chart's ConfigMap) loads with the expected values.
     *
     * @param externalFile the optional external {@code application.yaml}; ignored when it does not exist
     * @return the layered configuration
     */
    public static Config load(Path externalFile) {
        return load(Map.of(), externalFile);
    }

    /**
     * The configuration for an explicit environment and external file.
     *
     * @param env          environment variables (highest priority)
     * @param externalFile the optional external {@code application.yaml}; ignored when it does not exist
     * @return the layered configuration
     */
    public static Config load(Map<String, String> env, Path externalFile) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(externalFile, "externalFile");
        List<Supplier<? extends ConfigSource>> sources = List.of(
                ConfigSources.create(environment(env)).name("environment-variables"),
                ConfigSources.systemProperties(),
                ConfigSources.file(externalFile).optional(),
                ConfigSources.classpath("application.yaml"),
                // lowest layer: defaults that depend on the environment rather than on a file
                ConfigSources.create(environmentDefaults(env)).name("environment-defaults"));
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                // values such as passwords are taken literally, "${...}" included
                .disableValueResolving()
                .sources(sources)
                .build();
    }

    /**
     * Maps the {@code registry} node to the adapter's settings; missing keys take the documented defaults.
     *
     * @param config the root configuration
     * @return the registry settings
     * @throws IllegalArgumentException when a value is invalid (e.g. {@code registry.url} not an http(s) URL)
     */
    public static RegistrySettings registrySettings(Config config) {
        Config registry = config.get("registry");
        return new RegistrySettings(
                URI.create(registry.get("url").asString().orElse("http://kind-registry:5000")),
                registry.get("pull-host").asString().orElse("localhost:5001"),
                registry.get("username").asString().orElse(null),
                registry.get("password").asString().orElse(null),
                registry.get("connect-timeout").as(Duration.class).orElse(RegistrySettings.DEFAULT_CONNECT_TIMEOUT),
                registry.get("read-timeout").as(Duration.class).orElse(RegistrySettings.DEFAULT_READ_TIMEOUT),
                registry.get("concurrency").asInt().orElse(RegistrySettings.DEFAULT_CONCURRENCY),
                registry.get("call-deadline").as(Duration.class).orElse(RegistrySettings.DEFAULT_CALL_DEADLINE),
                registry.get("request-deadline").as(Duration.class)
                        .orElse(RegistrySettings.DEFAULT_REQUEST_DEADLINE),
                registry.get("max-manifest-bytes").asInt().orElse(RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES),
                registry.get("max-config-bytes").asInt().orElse(RegistrySettings.DEFAULT_MAX_CONFIG_BYTES),
                registry.get("max-pages").asInt().orElse(RegistrySettings.DEFAULT_MAX_PAGES),
                registry.get("max-listing-names").asInt().orElse(RegistrySettings.DEFAULT_MAX_LISTING_NAMES),
                registry.get("listing-deadline").as(Duration.class).orElse(RegistrySettings.DEFAULT_LISTING_DEADLINE),
                list(registry.get("token-realm-allowed-hosts")),
                list(registry.get("repositories")));
    }

    /**
     * A list setting given either as a YAML list or as one comma-separated value (how an environment variable such
     * as {@code REGISTRY_REPOSITORIES=team-a/app,team-b/db} carries it).
     */
    static List<String> list(Config node) {
        if (!node.exists()) {
            return List.of();
        }
        if (node.isLeaf()) {
            return node.asString().map(v -> Arrays.stream(v.split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        }
        return node.asList(String.class).orElse(List.of()).stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Maps the index keys of the {@code registry} node: {@code max-platforms}, {@code reconcile-interval},
     * {@code reconcile-rounds}, {@code events.token} (env {@code REGISTRY_EVENTS_TOKEN}), {@code events.peers}
     * (list of base URLs), {@code events.peers-service} (a headless Service's DNS name) and
     * {@code events.peers-port} (default: {@code server.port}).
     *
     * @param config the root configuration
     * @return the index settings
     * @throws IllegalArgumentException when a value is invalid
     */
    public static IndexSettings indexSettings(Config config) {
        Config registry = config.get("registry");
        Config events = registry.get("events");
        // a YAML list, or one comma-separated value (REGISTRY_EVENTS_PEERS=http://a:8080,http://b:8080)
        List<String> listed = events.get("peers").isLeaf()
                ? events.get("peers").asString().map(v -> List.of(v.split(","))).orElse(List.of())
                : events.get("peers").asList(String.class).orElse(List.of());
        List<URI> peers = listed.stream().filter(p -> !p.isBlank()).map(p -> URI.create(p.strip())).toList();
        return new IndexSettings(
                registry.get("max-platforms").asInt().orElse(IndexSettings.DEFAULT_MAX_PLATFORMS),
                registry.get("reconcile-interval").as(Duration.class).orElse(IndexSettings.DEFAULT_RECONCILE_INTERVAL),
                registry.get("reconcile-rounds").asInt().orElse(IndexSettings.DEFAULT_RECONCILE_ROUNDS),
                IndexSettings.DEFAULT_DETAIL_CACHE_BYTES,
                events.get("token").asString().orElse(null),
                peers,
                events.get("peers-service").asString().orElse(null),
                events.get("peers-port").asInt().orElse(config.get("server.port").asInt().orElse(8080)),
                events.get("max-pending").asInt().orElse(IndexSettings.DEFAULT_EVENTS_MAX_PENDING));
    }

    /**
     * Maps the {@code index} node: {@code index.snapshot.path} (none), {@code index.snapshot.interval} (PT5M),
     * {@code index.peer-timeout} (PT30S), {@code index.max-copy-bytes} (1 GiB).
     *
     * @param config the root configuration
     * @return how a starting replica gets its index
     */
    public static RestartSettings restartSettings(Config config) {
        Config index = config.get("index");
        return new RestartSettings(
                index.get("snapshot.path").asString().filter(p -> !p.isBlank()).map(Path::of).orElse(null),
                index.get("snapshot.interval").as(Duration.class).orElse(RestartSettings.DEFAULT_SNAPSHOT_INTERVAL),
                index.get("peer-timeout").as(Duration.class).orElse(RestartSettings.DEFAULT_PEER_TIMEOUT),
                index.get("max-copy-bytes").asLong().orElse(RestartSettings.DEFAULT_MAX_COPY_BYTES));
    }

    /**
     * Maps the {@code runs} node to the runner's settings: {@code runs.enabled} (default {@code true}),
     * {@code runs.namespace} (default: env {@code POD_NAMESPACE}, else {@code default}), {@code runs.ttl} (PT1H).
     *
     * @param config the root configuration
     * @return the run settings
     * @throws IllegalArgumentException when a value is invalid (empty namespace, non-positive TTL)
     */
    public static RunSettings runSettings(Config config) {
        Config runs = config.get("runs");
        return new RunSettings(
                runs.get("enabled").asBoolean().orElse(true),
                runs.get("namespace").asString().orElse("default"),
                runs.get("ttl").as(Duration.class).orElse(RunSettings.DEFAULT_TTL),
                runs.get("allow-tainted-nodes").asBoolean().orElse(false),
                runs.get("pod-security").asString().orElse(RunSettings.BASELINE));
    }

    /**
     * Maps {@code registry.delete.enabled} (env {@code REGISTRY_DELETE_ENABLED}, default {@code false}) to the delete
     * settings: whether the Untag and Delete image actions and their API exist.
     *
     * @param config the root configuration
     * @return the delete settings
     */
    public static DeleteSettings deleteSettings(Config config) {
        return new DeleteSettings(config.get("registry").get("delete").get("enabled").asBoolean().orElse(false));
    }

    /**
     * Maps {@code auth.*} and {@code server.allowed-hosts} to the sign-in settings: {@code auth.mode} (default
     * kubernetes), {@code auth.browse} ({@code anonymous} or {@code authenticated}), {@code auth.session-key},
     * {@code auth.session-ttl}, {@code auth.proxy.{trusted-addresses,user-header,groups-header}}; lists may be YAML
     * lists or comma-separated strings.
     *
     * @throws IllegalArgumentException for an unknown mode or browse value, a bad address, proxy mode without
     *                                  trusted addresses
     */
    public static AuthSettings authSettings(Config config) {
        Config auth = config.get("auth");
        String browse = auth.get("browse").asString().orElse("anonymous").trim().toLowerCase(Locale.ROOT);
        if (!browse.equals("anonymous") && !browse.equals("authenticated")) {
            throw new IllegalArgumentException("auth.browse must be anonymous or authenticated, got \"" + browse + "\"");
        }
        return new AuthSettings(
                AuthMode.parse(auth.get("mode").asString().orElse("kubernetes")),
                browse.equals("authenticated"),
                auth.get("proxy.user-header").asString().orElse(null),
                auth.get("proxy.groups-header").asString().orElse(null),
                AddressSet.parse(list(auth.get("proxy.trusted-addresses"))),
                auth.get("session-ttl").as(Duration.class).orElse(AuthSettings.DEFAULT_SESSION_TTL),
                auth.get("session-key").asString().orElse(null),
                list(config.get("server.allowed-hosts")));
    }

    /** The keys a retention rule may have (a misspelt keep key must not silently delete what it meant to keep). */
    private static final List<String> RETENTION_RULE_KEYS =
            List.of("repositories", "keepLast", "keepTags", "keepYoungerThan");

    /**
     * Maps {@code retention.*}: {@code rules} (a list of {@code {repositories, keepLast, keepTags, keepYoungerThan}}),
     * {@code schedule} (ISO-8601 interval, absent or {@code off}: never), {@code lease-name}, the Lease's namespace
     * (env {@code POD_NAMESPACE}, else {@code default}) and {@code registry.delete.enabled}.
     *
     * @throws IllegalArgumentException for an unknown rule key, a bad glob, regular expression or duration
     */
    public static RetentionSettings retentionSettings(Config config) {
        Config retention = config.get("retention");
        List<RetentionRule> rules = new java.util.ArrayList<>();
        for (Config rule : retention.get("rules").asNodeList().orElse(List.of())) {
            String where = "retention.rules[" + rule.name() + "]";
            for (Config key : rule.asNodeList().orElse(List.of())) {
                if (!RETENTION_RULE_KEYS.contains(key.name())) {
                    throw new IllegalArgumentException(where + " has an unknown key \"" + key.name() + "\"; a rule"
                            + " has " + String.join(", ", RETENTION_RULE_KEYS));
                }
            }
            Integer keepLast;
            try {
                keepLast = rule.get("keepLast").asInt().map(Integer::valueOf).orElse(null);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + ".keepLast must be a whole number");
            }
            rules.add(RetentionRule.parse(rule.get("repositories").asString().orElse(null), keepLast,
                    rule.get("keepTags").asString().orElse(null),
                    rule.get("keepYoungerThan").asString().orElse(null)));
        }
        String schedule = retention.get("schedule").asString().map(String::strip).orElse("");
        Duration interval = null;
        if (!schedule.isEmpty() && !schedule.equalsIgnoreCase("off")) {
            try {
                interval = Duration.parse(schedule);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("retention.schedule must be an ISO-8601 interval such as PT6H, or"
                        + " off; got \"" + schedule + "\"");
            }
        }
        return new RetentionSettings(rules, interval,
                retention.get("lease-name").asString().orElse(RetentionSettings.DEFAULT_LEASE_NAME),
                config.get("retention.lease-namespace").asString().orElse("default"),
                config.get("registry.delete.enabled").asBoolean().orElse(false));
    }

    /** Whether the external file exists, for a start-up log line. */
    static boolean exists(Path externalFile) {
        return Files.isRegularFile(externalFile);
    }

    /** Helidon's own environment mapping plus the explicit contract names. */
    static Map<String, String> environment(Map<String, String> env) {
        Map<String, String> result = new HashMap<>(EnvironmentVariables.expand(env));
        EXPLICIT_ENV.forEach((name, key) -> {
            String value = env.get(name);
            if (value != null) {
                // drop Helidon's automatic reading (REGISTRY_EVENTS_PEERS_SERVICE → registry.events.peers.service
                // would turn registry.events.peers into an object and hide REGISTRY_EVENTS_PEERS)
                EnvironmentVariables.expand(Map.of(name, value)).keySet().stream()
                        .filter(k -> !k.equals(key) && !env.containsKey(k)).forEach(result::remove);
                result.put(key, value);
            }
        });
        return result;
    }

    /**
     * {@code runs.namespace} and the retention Lease's namespace default to the pod's namespace (downward API), else
     * {@code default}.
     */
    static Map<String, String> environmentDefaults(Map<String, String> env) {
        String namespace = env.get("POD_NAMESPACE");
        String ns = namespace == null || namespace.isBlank() ? "default" : namespace;
        return Map.of("runs.namespace", ns, "retention.lease-namespace", ns);
    }
}
