package dev.imagecatalog.runner;

import java.time.Duration;
import java.util.Map;

/**
 * Configuration of runs ({@code runs.*}).
 *
 * @param enabled   {@code runs.enabled} (env {@code RUNS_ENABLED}): {@code false} makes the service read-only
 * @param namespace {@code runs.namespace} (env {@code RUNS_NAMESPACE}): where runs are created and listed
 * @param ttl       {@code runs.ttl} (env {@code RUNS_TTL}): finished runs older than this are deleted by the sweep
 * @param allowTaintedNodes {@code runs.allow-tainted-nodes} (env {@code RUNS_ALLOW_TAINTED_NODES}, default false):
 *                  whether a user may run on a tainted node at all (and then only with {@code acceptTaints})
 * @param podSecurity {@code runs.pod-security} (env {@code RUNS_POD_SECURITY}): {@code baseline} (default, images may
 *                  run as root) or {@code restricted} ({@code runAsNonRoot})
 * @param noCluster why no cluster is configured for this process ({@link #withoutCluster}), empty when one is:
 *                  runs are then off whatever {@code runs.enabled} says
 */
public record RunSettings(boolean enabled, String namespace, Duration ttl, boolean allowTaintedNodes,
                          String podSecurity, String noCluster) {

    /** Default of {@code runs.ttl}. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** Default of {@code runs.pod-security}. */
    public static final String BASELINE = "baseline";
    /** The stricter value of {@code runs.pod-security}. */
    public static final String RESTRICTED = "restricted";

    /** Without tainted nodes, baseline pod security (the defaults). */
    public RunSettings(boolean enabled, String namespace, Duration ttl) {
        this(enabled, namespace, ttl, false, BASELINE);
    }

    /** With a cluster configured. */
    public RunSettings(boolean enabled, String namespace, Duration ttl, boolean allowTaintedNodes,
                       String podSecurity) {
        this(enabled, namespace, ttl, allowTaintedNodes, podSecurity, "");
    }

    /**
     * These settings for a process without a cluster: runs off, and {@code why} said where a run could start.
     *
     * @param why what is missing and how to configure it
     */
    public RunSettings withoutCluster(String why) {
        return new RunSettings(enabled, namespace, ttl, allowTaintedNodes, podSecurity, why);
    }

    /** Whether runs are on: {@code runs.enabled} and a cluster configured. */
    @Override
    public boolean enabled() {
        return enabled && noCluster.isEmpty();
    }

    /**
     * Why runs are off, for the pages ({@code ""} when they are on): a read-only configuration first (it would be off
     * with a cluster too), else the missing cluster.
     */
    public String offReason() {
        if (!enabled) {
            return "this catalog is read-only (runs.enabled=false)";
        }
        return noCluster;
    }

    /** Rejects nonsense early so a typo in the config fails at start, not at the first launch. */
    public RunSettings {
        noCluster = noCluster == null ? "" : noCluster.trim();
        podSecurity = podSecurity == null || podSecurity.isBlank() ? BASELINE : podSecurity.trim();
        if (!BASELINE.equals(podSecurity) && !RESTRICTED.equals(podSecurity)) {
            throw new IllegalArgumentException("runs.pod-security must be baseline or restricted, got \""
                                               + podSecurity + "\"");
        }
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("runs.namespace must not be empty");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("runs.ttl must be a positive duration, e.g. PT1H");
        }
    }

    /** Whether pods must run as non-root ({@code restricted}). */
    public boolean runAsNonRoot() {
        return RESTRICTED.equals(podSecurity);
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
