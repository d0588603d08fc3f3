package dev.imagecatalog.cluster;

import java.time.Instant;

/**
 * A run: one of the catalog's pods, as the runs page and {@code GET /api/runs} show it.
 *
 * @param name       pod name
 * @param namespace  pod namespace
 * @param node       node the pod runs on ({@code spec.nodeName}), else the node it is pinned to, else {@code null}
 * @param image      container image reference
 * @param repository repository (from our annotation), {@code null} if absent
 * @param tag        tag (from our annotation), {@code null} if absent
 * @param phase      pod phase: {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed}, {@code Unknown}
 * @param state      container state: {@code waiting}, {@code running}, {@code terminated}, or {@code null} before
 *                   the container exists
 * @param reason     why it is in that state: a container reason ({@code ImagePullBackOff}, {@code ErrImagePull},
 *                   {@code CrashLoopBackOff}, {@code OOMKilled}, {@code Completed}, {@code Error}…), else the pod's
 *                   reason ({@code Unschedulable}, {@code Evicted}…), else {@code null}
 * @param message    detail: for a Pending pod not yet placed on a node the latest scheduling event message (why
 *                   it waits), else the container or pod
 *                   message; {@code null} if none
 * @param exitCode   exit code of the (last) terminated container, {@code null} if it never terminated
 * @param restarts   container restart count
 * @param created    creation time (UTC)
 * @param finished   when the container terminated, {@code null} while not terminated
 * @param launchedBy who started it (our {@code imagecatalog.dev/launched-by} annotation), {@code null} if unknown
 * @param started    when the running container started ({@code state.running.startedAt}), {@code null} while it
 *                   does not run
 */
public record Run(String name,
                  String namespace,
                  String node,
                  String image,
                  String repository,
                  String tag,
                  String phase,
                  String state,
                  String reason,
                  String message,
                  Integer exitCode,
                  int restarts,
                  Instant created,
                  Instant finished,
                  String launchedBy,
                  Instant started) {

    /** A run whose container start time is unknown. */
    public Run(String name, String namespace, String node, String image, String repository, String tag, String phase,
               String state, String reason, String message, Integer exitCode, int restarts, Instant created,
               Instant finished, String launchedBy) {
        this(name, namespace, node, image, repository, tag, phase, state, reason, message, exitCode, restarts, created,
             finished, launchedBy, null);
    }

    /** Whether the pod is over ({@code Succeeded} or {@code Failed}): it will not run again. */
    public boolean done() {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
