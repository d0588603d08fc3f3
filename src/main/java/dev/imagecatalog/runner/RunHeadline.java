package dev.imagecatalog.runner;

import java.time.Duration;
import java.time.Instant;

import dev.imagecatalog.cluster.Run;

/**
 * The one sentence a run's page opens with: what the run is doing now and, when it is stuck, why — in words, not
 * in Kubernetes' phase/state/reason triple (a Pending pod showed an empty state and "—").
 *
 * @param text    e.g. {@code Waiting for the scheduler}, {@code Cannot be scheduled: 0/3 nodes are available: …},
 *                {@code Cannot pull the image: …}, {@code Running}, {@code Exited 1 after 4s}
 * @param tone    {@code wait}, {@code problem}, {@code ok} or {@code done} (for the page's colour)
 * @param started whether the container has started at least once (a log can exist)
 */
public record RunHeadline(String text, String tone, boolean started) {

    /** The headline of a run as the cluster last reported it, at {@code now}. */
    public static RunHeadline of(Run run, Instant now) {
        String reason = run.reason() == null ? "" : run.reason();
        String message = run.message() == null || run.message().isBlank() ? "" : run.message().strip();
        boolean started = run.restarts() > 0 || "running".equals(run.state()) || "terminated".equals(run.state());
        if ("Terminating".equals(reason)) {
            return new RunHeadline("Stopping: the kubelet is ending the container", "wait", started);
        }
        if (run.done() || "terminated".equals(run.state())) {
            String code = run.exitCode() == null ? "" : " " + run.exitCode();
            String after = run.created() == null || run.finished() == null ? ""
                    : " after " + duration(Duration.between(run.created(), run.finished()));
            boolean ok = run.exitCode() != null && run.exitCode() == 0;
            return new RunHeadline("Exited" + code + after + (reason.isEmpty() || ok ? "" : " (" + reason + ")"),
                                   ok ? "done" : "problem", true);
        }
        if ("running".equals(run.state())) {
            return new RunHeadline("Running" + (run.restarts() > 0 ? ", restarted " + run.restarts()
                    + (run.restarts() == 1 ? " time" : " times") : ""), "ok", true);
        }
        if ("Unschedulable".equals(reason)) {
            return new RunHeadline("Cannot be scheduled" + (message.isEmpty() ? "" : ": " + message), "problem",
                                   started);
        }
        if ("ErrImagePull".equals(reason) || "ImagePullBackOff".equals(reason)) {
            return new RunHeadline("Cannot pull the image" + (message.isEmpty() ? "" : ": " + message), "problem",
                                   started);
        }
        if ("CrashLoopBackOff".equals(reason)) {
            return new RunHeadline("Crashing and restarting (" + run.restarts() + " restarts so far)"
                                   + (message.isEmpty() ? "" : ": " + message), "problem", true);
        }
        if ("waiting".equals(run.state())) {
            String since = run.created() == null ? "" : " (" + duration(Duration.between(run.created(), now)) + ")";
            return new RunHeadline(("ContainerCreating".equals(reason) || "PodInitializing".equals(reason)
                    ? "Pulling the image and starting the container" : "Waiting to start"
                      + (reason.isEmpty() ? "" : ": " + reason)) + since, "wait", started);
        }
        if (run.node() == null || "Pending".equals(run.phase())) {
            return new RunHeadline("Waiting for the scheduler" + (message.isEmpty() ? "" : ": " + message), "wait",
                                   started);
        }
        return new RunHeadline(run.phase() == null ? "Unknown state" : run.phase(), "wait", started);
    }

    /** {@code 4s}, {@code 3m 5s}, {@code 2h 1m}. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
}
