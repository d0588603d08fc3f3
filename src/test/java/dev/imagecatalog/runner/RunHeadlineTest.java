package dev.imagecatalog.runner;

import java.time.Instant;

import dev.imagecatalog.cluster.Run;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The run page's first sentence says what the run does now and why it is stuck, for every phase. */
class RunHeadlineTest {

    private static final Instant CREATED = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant NOW = CREATED.plusSeconds(75);

    @Test
    void pendingWithoutACondition_isWaitingForTheScheduler_andHasNoLog() {
        RunHeadline h = RunHeadline.of(run("Pending", null, null, null, null, 0, null), NOW);
        assertThat(h.text()).isEqualTo("Waiting for the scheduler");
        assertThat(h.tone()).isEqualTo("wait");
        assertThat(h.started()).isFalse();
    }

    @Test
    void unschedulable_saysSo_withTheSchedulersMessageWhole() {
        String message = "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node "
                         + "affinity/selector. preemption: 0/3 nodes are available";
        RunHeadline h = RunHeadline.of(run("Pending", null, "Unschedulable", message, null, 0, null), NOW);
        assertThat(h.text()).isEqualTo("Cannot be scheduled: " + message).doesNotContain("(Unschedulable)");
        assertThat(h.tone()).isEqualTo("problem");
        assertThat(h.started()).isFalse();
    }

    @Test
    void pulling_andPullFailures_readAsSentences() {
        assertThat(RunHeadline.of(run("Pending", "waiting", "ContainerCreating", null, null, 0, null), NOW).text())
                .isEqualTo("Pulling the image and starting the container (1m 15s)");
        RunHeadline pull = RunHeadline.of(run("Pending", "waiting", "ImagePullBackOff", "Back-off pulling image",
                null, 0, null), NOW);
        assertThat(pull.text()).isEqualTo("Cannot pull the image: Back-off pulling image");
        assertThat(pull.started()).isFalse();
    }

    @Test
    void runningAndExited_sayHowLong_andHowItEnded() {
        assertThat(RunHeadline.of(run("Running", "running", null, null, null, 0, null), NOW).text())
                .isEqualTo("Running");
        assertThat(RunHeadline.of(run("Running", "running", null, null, null, 2, null), NOW).text())
                .isEqualTo("Running, restarted 2 times");
        RunHeadline failed = RunHeadline.of(run("Failed", "terminated", "Error", null, 1, 0, CREATED.plusSeconds(4)),
                NOW);
        assertThat(failed.text()).isEqualTo("Exited 1 after 4s");
        assertThat(failed.tone()).isEqualTo("problem");
        assertThat(failed.started()).isTrue();
        assertThat(RunHeadline.of(run("Succeeded", "terminated", "Completed", null, 0, 0, CREATED.plusSeconds(190)),
                NOW).text()).isEqualTo("Exited 0 after 3m 10s");
    }

    @Test
    void running_saysSinceWhen_theTimeApartForThePageToShowItRelative() {
        Instant started = CREATED.plusSeconds(9);
        Run running = new Run("run-1", "runs", "kind-worker", "i", "a", "v1", "Running", "running", null, null, null,
                              1, CREATED, null, "alice", started);

        RunHeadline h = RunHeadline.of(running, NOW);

        assertThat(h.lead()).isEqualTo("Running since");
        assertThat(h.since()).isEqualTo(started);
        assertThat(h.rest()).isEqualTo(", restarted 1 time");
        assertThat(h.text()).isEqualTo("Running since 2026-12-02 10:00:09 UTC, restarted 1 time");
    }

    @Test
    void endings_readAsSentences_withoutBracketsOrKubernetesWords() {
        assertThat(RunHeadline.of(run("Failed", "terminated", "OOMKilled", null, 137, 0, CREATED.plusSeconds(123)),
                NOW).text()).isEqualTo("Exited 137 after 2m 3s: killed for using more memory than its limit");
        assertThat(RunHeadline.of(run("Failed", null, "Evicted", "The node was low on resource: memory.", null, 0,
                null), NOW).text()).isEqualTo("Ended: Evicted, The node was low on resource: memory.");
        assertThat(RunHeadline.of(run("Unknown", null, null, null, null, 0, null), NOW).text())
                .isEqualTo("State unknown: the node stopped reporting on the pod");
        assertThat(RunHeadline.of(run("Running", "waiting", "CrashLoopBackOff", "back-off 10s", 1, 3, null), NOW)
                .text()).isEqualTo("Crashing and restarting, 3 restarts so far: back-off 10s");
    }

    private static Run run(String phase, String state, String reason, String message, Integer exitCode, int restarts,
                           Instant finished) {
        return new Run("run-1", "runs", "kind-worker", "localhost:5001/a@sha256:1", "a", "v1", phase, state, reason,
                       message, exitCode, restarts, CREATED, finished, "alice");
    }
}
