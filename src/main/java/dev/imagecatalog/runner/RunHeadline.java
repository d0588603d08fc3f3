package dev.imagecatalog.runner;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dev.imagecatalog.cluster.Run;

/**
 * The one sentence a run's page opens with: what the run is doing now and, when it is stuck, why — in words, not
 * in Kubernetes' phase/state/reason triple (a Pending pod showed an empty state and "—").
 *
 * <p>The sentence is {@code lead}, then the time {@code since} (when known), then {@code rest}: the page shows the
 * time relative with the exact one on hover, so it needs the parts; {@link #text()} is the whole sentence.
 *
 * @param lead    e.g. {@code Waiting for the scheduler}, {@code Cannot be scheduled: 0/3 nodes are available: …},
 *                {@code Cannot pull the image: …}, {@code Running since}, {@code Exited 1 after 4s}
 * @param since   the time the sentence ends on ({@code Running since …}), {@code null} for none
 * @param rest    what follows the time, e.g. {@code , restarted 2 times}; {@code ""} for nothing
 * @param tone    {@code wait}, {@code problem}, {@code ok} or {@code done} (for the page's colour)
 * @param started whether the container has started at least once (a log can exist)
 * @param fix     what would let a run that waits for a node start, in sentences ({@link SchedulingFix});
 *                {@code ""} when nothing can be named
 */
public record RunHeadline(String lead, Instant since, String rest, String tone, boolean started, String fix) {

    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
                                                                                Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Null parts made empty. */
    public RunHeadline {
        rest = rest == null ? "" : rest;
        fix = fix == null ? "" : fix;
    }

    /** A headline that is one sentence, without a time or a fix. */
    public RunHeadline(String text, String tone, boolean started) {
        this(text, null, "", tone, started, "");
    }

    /** The whole sentence, the time written exactly: {@code Running since 2026-12-02 10:00:04 UTC}. */
    public String text() {
        return lead + (since == null ? "" : " " + EXACT.format(since)) + rest;
    }

    /** The same headline with what would let the run be scheduled ({@code ""}: nothing known). */
    public RunHeadline withFix(String fix) {
        return new RunHeadline(lead, since, rest, tone, started, fix);
    }

    /** The headline of a run as the cluster last reported it, at {@code now}. */
    public static RunHeadline of(Run run, Instant now) {
        String reason = run.reason() == null ? "" : run.reason();
        String message = run.message() == null || run.message().isBlank() ? "" : run.message().strip();
        boolean started = run.restarts() > 0 || "running".equals(run.state()) || "terminated".equals(run.state());
        if ("Terminating".equals(reason)) {
            return new RunHeadline("Stopping: the kubelet is ending the container", "wait", started);
        }
        if (run.done() || "terminated".equals(run.state())) {
            return ended(run, reason, message);
        }
        if ("running".equals(run.state())) {
            String restarts = run.restarts() > 0 ? ", restarted " + run.restarts()
                    + (run.restarts() == 1 ? " time" : " times") : "";
            return run.started() == null ? new RunHeadline("Running" + restarts, "ok", true)
                    : new RunHeadline("Running since", run.started(), restarts, "ok", true, "");
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
            return new RunHeadline("Crashing and restarting, " + run.restarts()
                                   + (run.restarts() == 1 ? " restart" : " restarts") + " so far"
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
        return new RunHeadline(run.phase() == null || "Unknown".equals(run.phase())
                ? "State unknown: the node stopped reporting on the pod" : "In phase " + run.phase(), "wait", started);
    }

    /** {@code Exited 1 after 4s}, {@code Exited 137 after 2m 3s: killed for using more memory than its limit}. */
    private static RunHeadline ended(Run run, String reason, String message) {
        boolean ok = run.exitCode() != null && run.exitCode() == 0;
        Instant from = run.started() != null ? run.started() : run.created();
        String after = from == null || run.finished() == null ? ""
                : " after " + duration(Duration.between(from, run.finished()));
        String why = switch (reason) {
            case "", "Error", "Completed" -> message.isEmpty() || ok ? "" : ": " + message;
            case "OOMKilled" -> ": killed for using more memory than its limit";
            default -> ": " + reason + (message.isEmpty() ? "" : ", " + message);
        };
        String lead = run.exitCode() == null ? "Ended" + after : "Exited " + run.exitCode() + after;
        return new RunHeadline(lead + why, ok ? "done" : "problem", true);
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
