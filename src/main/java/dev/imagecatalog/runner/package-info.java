/**
 * Runner use cases: run a catalog image as a pod on a chosen node, then list, follow, stop and sweep runs.
 *
 * <p>Wiring (in {@code Main}):
 * <pre>{@code
 * Cluster cluster = KubernetesCluster.fromEnvironment(Duration.ofSeconds(5), Duration.ofSeconds(30));
 * RunSettings settings = new RunSettings(enabled, namespace, ttl);   // runs.enabled / runs.namespace / runs.ttl
 * Runner runner = Runner.create(catalog, cluster, settings);
 * RunSweeper sweeper = RunSweeper.start(runner);                      // close() at shutdown
 * }</pre>
 * Errors to map in the web layer: {@link dev.imagecatalog.runner.LaunchException} → 400,
 * {@link dev.imagecatalog.runner.RunsDisabledException} → 403, {@link dev.imagecatalog.cluster.ClusterException} by
 * kind (NOT_FOUND 404, CONFLICT 409, INVALID 400, FORBIDDEN/FAILED 502, UNREACHABLE 503).
 */
package dev.imagecatalog.runner;
