package dev.imagecatalog.runner;

import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.Cluster;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;

/**
 * Use cases of runs: run a catalog image on a chosen node, then list, follow, stop and sweep runs.
 * Stateless: everything lives in Kubernetes, so replicas agree and restarts lose nothing.
 *
 * <p>Errors: {@link LaunchException} (400, nothing created), {@link RunsDisabledException} (403),
 * {@link ClusterException} (by kind: NOT_FOUND 404, FORBIDDEN/FAILED 502, UNREACHABLE 503),
 * {@link RegistryException} from the catalog (UNREACHABLE 503…).
 */
public interface Runner {

    /** The runner over a catalog (image resolution, pull host) and a cluster. */
    static Runner create(Catalog catalog, Cluster cluster, RunSettings settings) {
        return new RunnerService(catalog, cluster, settings);
    }

    /**
     * The runner with a cluster adapter created on first use, and never when runs are disabled (a read-only catalog
     * loads no Kubernetes client; its run views answer {@link RunsDisabledException}).
     */
    static Runner create(Catalog catalog, Supplier<Cluster> cluster, RunSettings settings) {
        return new RunnerService(catalog, cluster, settings);
    }

    /** The settings in force (the web layer hides the Run form and Stop button when not enabled). */
    RunSettings settings();

    /** All nodes, sorted by name. */
    List<Node> nodes();

    /** Every node with whether this image can run there and why not, and whether it is cached there. */
    List<NodeChoice> nodeChoices(TagDetail image);

    /**
     * The pre-flight: every node with its verdict for this image and these requests (platform, node state, taints,
     * free capacity, pull estimate), best first.
     *
     * @throws LaunchException when a request is not a quantity
     */
    List<NodeChoice> nodeChoices(TagDetail image, Resources requests);

    /**
     * {@link #nodeChoices(TagDetail, Resources)} for a tag of the catalog.
     *
     * @throws RegistryException NOT_FOUND for an unknown tag
     */
    List<NodeChoice> preflight(String repository, String tag, Resources requests);

    /**
     * Checks the request's fields without asking the registry or the cluster.
     *
     * @throws LaunchException naming every bad field
     */
    void check(LaunchRequest request);

    /**
     * Validates the request completely, then creates exactly one pod.
     *
     * @return the created run (name, namespace, node, image…)
     * @throws LaunchException       for any invalid input (nothing created)
     * @throws RunsDisabledException when runs are disabled
     */
    default Run launch(LaunchRequest request) {
        return launch(request, LaunchOptions.NONE);
    }

    /**
     * Validates the request completely, then creates exactly one pod, recording who launched it.
     *
     * @throws LaunchException       for any invalid input, or a tainted node without acknowledgement (nothing created)
     * @throws RunsDisabledException when runs are disabled
     */
    Run launch(LaunchRequest request, LaunchOptions options);

    /**
     * Calls {@code listener} whenever one of the runs changes (added, new phase or state, stopped), from one watch
     * shared by every listener of this replica (polling where the cluster does not allow watching). The listener must
     * not block. Close the handle to stop listening.
     */
    AutoCloseable onRunsChanged(Runnable listener);

    /** The catalog's runs in the runs namespace, newest first. */
    List<Run> runs();

    /** One run with options and events; ClusterException NOT_FOUND if absent or not ours. */
    RunDetail run(String name);

    /** The last {@code tailLines} lines of a run's log ({@code null}: all). NOT_FOUND if not ours. */
    default String logs(String name, Integer tailLines) {
        return logs(name, tailLines, false);
    }

    /**
     * The last lines of a run's log; with {@code previous}, of the container before the last restart (the page
     * offers it when the restart count is above zero). NOT_FOUND if not ours.
     */
    String logs(String name, Integer tailLines, boolean previous);

    /**
     * Why the run's image does not pull, when its container waits with {@code ErrImagePull} or
     * {@code ImagePullBackOff}: the manifest, the node's platform in it, the pull host; empty otherwise.
     */
    java.util.Optional<Diagnosis> diagnose(Run run);

    /**
     * What the run changed against its image's defaults (command, args, env); empty when the image's config cannot
     * be read (e.g. the manifest is gone).
     */
    java.util.Optional<RunChanges> changes(RunDetail detail);

    /**
     * A run's page in one call: the run and its headline, the last {@code tailLines} of its log (and of the container
     * before its last restart) when {@code withLogs} — the viewer may read logs — and the container has started,
     * why it does not pull, and what it changed. A log that cannot be read is a note, not a failure.
     */
    default RunView runView(String name, int tailLines, boolean withLogs) {
        RunDetail detail = run(name);
        RunHeadline headline = RunHeadline.of(detail.run(), java.time.Instant.now());
        if (!headline.started() && !detail.run().done() && "Pending".equals(detail.run().phase())) {
            headline = headline.withFix(String.join(" ", schedulingFix(detail)));
        }
        String log = "";
        String note = "";
        String previous = "";
        if (withLogs && !headline.started()) {
            // a container that never started has no log: asking would only return the API server's refusal
            note = "No log yet: the container has not started (" + headline.text() + ").";
        } else if (withLogs) {
            try {
                log = logs(name, tailLines);
            } catch (ClusterException e) {
                // no log yet (container waiting, pod not scheduled…): say why instead of failing the page
                note = e.getMessage();
            }
            if (detail.run().restarts() > 0) {
                try {
                    previous = logs(name, tailLines, true);
                } catch (ClusterException e) {
                    previous = "(" + e.getMessage() + ")";
                }
            }
        }
        RunChanges changes = changes(detail).orElse(null);
        Reach reach = Reach.of(detail.run().namespace(), detail.run().name(),
                               changes == null ? List.of() : changes.image().exposedPorts(), detail.ports());
        return new RunView(detail, headline, log, note, previous, diagnose(detail.run()).orElse(null), changes,
                           reach);
    }

    /**
     * What would let a run that waits for its node start, one sentence each ({@link SchedulingFix}): the run's
     * requests against its node's allocatable and free capacity, the node gone, not Ready or cordoned, a taint the
     * run does not tolerate, another platform. Empty when nothing can be named or the cluster cannot be read.
     */
    default List<String> schedulingFix(RunDetail detail) {
        return List.of();
    }

    /**
     * Opens a followed log stream (UTF-8 bytes, no read timeout) of one of our runs; the caller must close it.
     * The web layer pumps it into SSE; closing it ends the HTTP call to the API server.
     */
    InputStream openLogStream(String name, Integer tailLines);

    /**
     * Follows a run's log, handing each line to {@code lines} until the container ends or the thread is interrupted;
     * the stream is always closed.
     */
    void followLogs(String name, Integer tailLines, Consumer<String> lines);

    /** Deletes one of our runs. NOT_FOUND if absent or not ours; RunsDisabledException when disabled. */
    void stop(String name);

    /** Deletes our finished (Succeeded/Failed) runs older than {@code runs.ttl}; returns their names. */
    List<String> sweep();
}
