package dev.imagecatalog.cluster;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * What the runner needs from Kubernetes; {@link KubernetesCluster} is the one adapter.
 * Every method throws {@link ClusterException} for API faults.
 */
public interface Cluster {

    /** All nodes, sorted by name. */
    List<Node> nodes();

    /**
     * Every pod bound to a node that the scheduler still counts against it (not Succeeded or Failed), in all
     * namespaces, with its requests: what is already taken of each node's allocatable CPU and memory. Asks the API
     * server for only those pods (a field selector), a page at a time, so a large cluster is never one huge answer.
     */
    List<PodRequests> scheduledPods();

    /** Creates the pod exactly as planned; CONFLICT if the name is taken. Returns the run as created. */
    Run create(PodPlan plan);

    /** Pods in the namespace carrying {@link PodPlan#SELECTOR}, newest first, Pending ones with their scheduling message. */
    List<Run> runs(String namespace);

    /**
     * Watches our pods in the namespace and calls {@code onChange} for every added, changed or deleted one, blocking
     * until the API server ends the watch (after about {@code timeout}) or the thread is interrupted.
     *
     * @throws ClusterException when the watch cannot be started (e.g. RBAC without {@code watch}, or an API server
     *                          that does not serve watches over plain HTTP)
     */
    void watchRuns(String namespace, java.time.Duration timeout, Runnable onChange);

    /** One of our pods with details and events; empty if absent or not labelled as ours. */
    Optional<RunDetail> run(String namespace, String name);

    /** The last {@code tailLines} lines of the pod's log ({@code null}: all). */
    default String log(String namespace, String name, Integer tailLines) {
        return log(namespace, name, tailLines, false);
    }

    /**
     * The last {@code tailLines} lines of the log of the pod's current container, or with {@code previous} of the
     * container that ended before the last restart.
     */
    String log(String namespace, String name, Integer tailLines, boolean previous);

    /**
     * Opens a followed log stream (no read timeout); the caller must close it, closing ends the HTTP call.
     *
     * @param tailLines lines of history to start with, {@code null}: all
     */
    InputStream followLog(String namespace, String name, Integer tailLines);

    /** Deletes a pod; NOT_FOUND if it is gone. */
    void delete(String namespace, String name);
}
