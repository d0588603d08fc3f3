package dev.imagecatalog.runner;

import java.time.Duration;
import java.util.Map;

/**
 * Configuration of runs ({@code runs.*}).
 *
 * @param enabled   {@code runs.enabled} (env {@code RUNS_ENABLED}): {@code false} makes the service read-only
 * @param namespace {@code runs.namespace} (env {@code RUNS_NAMESPACE}): where runs are created and listed
 * @param ttl       {@code runs.ttl} (env {@code RUNS_TTL}): finished runs older than this are deleted by the sweep
 */
public record RunSettings(boolean enabled, String namespace, Duration ttl) {

    /** Default of {@code runs.ttl}. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** Rejects nonsense early so a typo in the config fails at start, not at the first launch. */
    public RunSettings {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("runs.namespace must not be empty");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("runs.ttl must be a positive duration, e.g. PT1H");
        }
    }

    /**
     * Default of {@code runs.namespace}: the namespace the service runs in (downward-API env {@code POD_NAMESPACE}),
     * else {@code default}.
     *
     * @param env the process environment ({@code System.getenv()})
     */
    public static String defaultNamespace(Map<String, String> env) {
        String own = env.get("POD_NAMESPACE");
        return own == null || own.isBlank() ? "default" : own.trim();
    }
}
