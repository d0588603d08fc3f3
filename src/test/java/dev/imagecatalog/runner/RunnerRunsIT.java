package dev.imagecatalog.runner;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.cluster.RunEvent;
import dev.imagecatalog.testing.TestPusher;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.imagecatalog.runner.RunnerFixture.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs after launch, against the mock Kubernetes API: listing with container state and scheduling messages, details
 * with events, log tail and follow, stop, and the TTL sweep. Pod status and events are written with the Fabric8
 * client the way kubelet and scheduler would.
 */
class RunnerRunsIT {

    @RegisterExtension
    static final RunnerFixture f = new RunnerFixture();

    private static Run launch(String node) {
        TestPusher.Image pushed = f.seeded.amd64Only();
        return f.runner().launch(LaunchRequest.of(pushed.repository(), pushed.tag(), node));
    }

    @Test
    void runs_listOnlyOurPodsInTheRunsNamespace_withRepositoryAndTag() {
        Run ours = launch(MockKubernetes.AMD64_WORKER);
        createPod(NAMESPACE, "someone-elses", Map.of("app", "other"));
        createPod("elsewhere", "ours-elsewhere", Map.of("app.kubernetes.io/managed-by", "catalog"));

        List<Run> runs = f.runner().runs();

        assertThat(runs).extracting(Run::name).containsExactly(ours.name());
        Run run = runs.getFirst();
        assertThat(run.namespace()).isEqualTo(NAMESPACE);
        assertThat(run.node()).isEqualTo(MockKubernetes.AMD64_WORKER);
        assertThat(run.image()).isEqualTo(ours.image());
        assertThat(run.repository()).isEqualTo("oci/amd64-only");
        assertThat(run.tag()).isEqualTo("1.0");
        assertThat(run.phase()).isEqualTo("Pending");
        assertThat(run.created()).isNotNull();
    }

    @Test
    void runs_pendingPod_showsTheLatestSchedulingEventMessage() {
        Run run = launch(MockKubernetes.AMD64_WORKER);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        event(run.name(), "e1", "FailedScheduling", "Warning", "0/3 nodes are available: old message.",
              now.minusSeconds(60));
        event(run.name(), "e2", "FailedScheduling", "Warning",
              "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector.",
              now);

        Run listed = f.runner().runs().getFirst();

        assertThat(listed.phase()).isEqualTo("Pending");
        assertThat(listed.message()).isEqualTo(
                "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector.");
    }

    @Test
    void runs_showContainerStateReasonAndExitCode() {
        Run pulling = launch(MockKubernetes.AMD64_WORKER);
        Run oom = launch(MockKubernetes.AMD64_WORKER);
        Run looping = launch(MockKubernetes.AMD64_WORKER);
        Instant finished = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        bind(pulling.name());
        event(pulling.name(), "s", "Scheduled", "Normal", "Successfully assigned runs/x to worker-amd64", finished);
        setStatus(pulling.name(), "Pending", new ContainerStatusBuilder().withName("run").withImage("i")
                .withImageID("").withReady(false).withRestartCount(0)
                .withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image").endWaiting().endState().build());
        setStatus(oom.name(), "Failed", terminated("OOMKilled", 137, finished));
        setStatus(looping.name(), "Running", new ContainerStatusBuilder().withName("run").withImage("i")
                .withImageID("").withReady(false).withRestartCount(4)
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                .withNewLastState().withNewTerminated().withReason("Error").withExitCode(3).endTerminated()
                .endLastState().build());

        Map<String, Run> runs = new java.util.HashMap<>();
        f.runner().runs().forEach(r -> runs.put(r.name(), r));

        assertThat(runs.get(pulling.name())).extracting(Run::state, Run::reason, Run::message, Run::exitCode)
                .containsExactly("waiting", "ImagePullBackOff", "Back-off pulling image", null);
        assertThat(runs.get(oom.name())).extracting(Run::phase, Run::state, Run::reason, Run::exitCode, Run::finished)
                .containsExactly("Failed", "terminated", "OOMKilled", 137, finished);
        assertThat(runs.get(oom.name()).done()).isTrue();
        assertThat(runs.get(looping.name()))
                .extracting(Run::state, Run::reason, Run::exitCode, Run::restarts, Run::message)
                .containsExactly("waiting", "CrashLoopBackOff", 3, 4, "last attempt: Error");
    }

    @Test
    void run_readsBackTheLaunchOptionsAndEventsOldestFirst() {
        TestPusher.Index index = f.seeded.multiArch();
        Run run = f.runner().launch(new LaunchRequest(index.repository(), index.tag(), null,
                                                      MockKubernetes.ARM64_WORKER, List.of("sh", "-c"),
                                                      List.of("echo hi"), Map.of("A", "1"), "Always",
                                                      new Resources("250m", null, null, "1Gi")));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        event(run.name(), "late", "Pulling", "Normal", "Pulling image", now);
        event(run.name(), "early", "Scheduled", "Normal", "Successfully assigned runs/x to worker-arm64",
              now.minusSeconds(5));
        event("another-pod", "other", "Scheduled", "Normal", "not ours", now);

        RunDetail detail = f.runner().run(run.name());

        assertThat(detail.run().name()).isEqualTo(run.name());
        assertThat(detail.command()).containsExactly("sh", "-c");
        assertThat(detail.args()).containsExactly("echo hi");
        assertThat(detail.env()).containsExactly(Map.entry("A", "1"));
        assertThat(detail.restartPolicy()).isEqualTo("Always");
        assertThat(detail.resources()).isEqualTo(new Resources("250m", null, null, "1Gi"));
        assertThat(detail.events()).extracting(RunEvent::reason, RunEvent::lastSeen)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Scheduled", now.minusSeconds(5)),
                                 org.assertj.core.groups.Tuple.tuple("Pulling", now));
    }

    @Test
    void run_unknownOrForeignPod_isNotFound() {
        createPod(NAMESPACE, "foreign", Map.of("app", "other"));

        for (String name : List.of("foreign", "missing", "../etc")) {
            assertThatThrownBy(() -> f.runner().run(name))
                    .isInstanceOfSatisfying(ClusterException.class,
                                            e -> assertThat(e.kind()).isEqualTo(ClusterException.Kind.NOT_FOUND));
        }
    }

    @Test
    void logs_returnTheTail() {
        Run run = launch(MockKubernetes.AMD64_WORKER);
        f.k8s.server().expect().get()
                .withPath("/api/v1/namespaces/runs/pods/" + run.name() + "/log?container=run&tailLines=2")
                .andReturn(200, "second line\nthird line\n").always();

        assertThat(f.runner().logs(run.name(), 2)).isEqualTo("second line\nthird line\n");
    }

    @Test
    void onRunsChanged_mockRefusesThePlainHttpWatch_fallsBackToPolling_andStillTellsOfANewRun() throws Exception {
        RunnerService runner = new RunnerService(f.catalog, f.k8s.cluster(),
                                                 new RunSettings(true, NAMESPACE, java.time.Duration.ofHours(1)),
                                                 java.time.Duration.ofMillis(200));
        java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
        try (AutoCloseable subscription = runner.onRunsChanged(changed::countDown)) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (runner.watcher().mode() != RunWatcher.Mode.POLL && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(runner.watcher().mode()).isEqualTo(RunWatcher.Mode.POLL);
            Thread.sleep(500); // the fallback's first listing, the one a change is told against

            launch(MockKubernetes.AMD64_WORKER);

            assertThat(changed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        // nobody listens any more: the watcher's thread ends
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (runner.watcher().mode() != RunWatcher.Mode.IDLE && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(runner.watcher().mode()).isEqualTo(RunWatcher.Mode.IDLE);
    }

    @Test
    void logs_previous_asksForTheContainerBeforeTheRestart() {
        Run run = launch(MockKubernetes.AMD64_WORKER);
        f.k8s.server().expect().get()
                .withPath("/api/v1/namespaces/runs/pods/" + run.name() + "/log?container=run&previous=true&tailLines=5")
                .andReturn(200, "crashed: out of cheese\n").always();
        f.k8s.server().expect().get()
                .withPath("/api/v1/namespaces/runs/pods/" + run.name() + "/log?container=run&tailLines=5")
                .andReturn(200, "starting again\n").always();

        assertThat(f.runner().logs(run.name(), 5, true)).isEqualTo("crashed: out of cheese\n");
        assertThat(f.runner().logs(run.name(), 5, false)).isEqualTo("starting again\n");
    }

    @Test
    void followLogs_handsEveryLineToTheConsumer_andEndsWithTheStream() throws Exception {
        Run run = launch(MockKubernetes.AMD64_WORKER);
        f.k8s.server().expect().get()
                .withPath("/api/v1/namespaces/runs/pods/" + run.name() + "/log?container=run&follow=true&tailLines=10")
                // plain body: the mock's andReturnChunked writes its own chunk framing into the body
                .andReturn(200, "one\ntwo\nthree\n").always();

        List<String> lines = new ArrayList<>();
        f.runner().followLogs(run.name(), 10, lines::add);
        assertThat(lines).containsExactly("one", "two", "three");

        try (InputStream in = f.runner().openLogStream(run.name(), 10)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one\ntwo\nthree\n");
        }
    }

    @Test
    void logs_ofAForeignPod_areNotFound() {
        createPod(NAMESPACE, "foreign", Map.of());

        assertThatThrownBy(() -> f.runner().logs("foreign", 10)).isInstanceOf(ClusterException.class)
                .hasMessageContaining("no run named");
        assertThatThrownBy(() -> f.runner().openLogStream("foreign", 10)).isInstanceOf(ClusterException.class);
    }

    @Test
    void stop_deletesOurPod_andRefusesOthers() {
        Run run = launch(MockKubernetes.AMD64_WORKER);
        createPod(NAMESPACE, "foreign", Map.of("app", "other"));

        f.runner().stop(run.name());

        assertThat(f.pods()).extracting(p -> p.getMetadata().getName()).containsExactly("foreign");
        assertThatThrownBy(() -> f.runner().stop("foreign"))
                .isInstanceOfSatisfying(ClusterException.class,
                                        e -> assertThat(e.kind()).isEqualTo(ClusterException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> f.runner().stop(run.name())).isInstanceOf(ClusterException.class);
        assertThat(f.pods()).extracting(p -> p.getMetadata().getName()).containsExactly("foreign");
    }

    @Test
    void sweep_deletesOnlyOurFinishedRunsOlderThanTheTtl() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Run oldSucceeded = launch(MockKubernetes.AMD64_WORKER);
        Run oldFailed = launch(MockKubernetes.AMD64_WORKER);
        Run recentFailed = launch(MockKubernetes.AMD64_WORKER);
        Run running = launch(MockKubernetes.AMD64_WORKER);
        createPod(NAMESPACE, "foreign-old", Map.of("app", "other"));
        setStatus(oldSucceeded.name(), "Succeeded", terminated("Completed", 0, now.minus(2, ChronoUnit.HOURS)));
        setStatus(oldFailed.name(), "Failed", terminated("Error", 1, now.minus(61, ChronoUnit.MINUTES)));
        setStatus(recentFailed.name(), "Failed", terminated("Error", 1, now.minus(10, ChronoUnit.MINUTES)));
        setStatus(running.name(), "Running", new ContainerStatusBuilder().withName("run").withImage("i")
                .withImageID("").withReady(true).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt(now.minus(3, ChronoUnit.HOURS).toString())
                .endRunning().endState().build());
        setStatus("foreign-old", "Succeeded", terminated("Completed", 0, now.minus(2, ChronoUnit.HOURS)));

        List<String> deleted = f.runner().sweep();

        assertThat(deleted).containsExactlyInAnyOrder(oldSucceeded.name(), oldFailed.name());
        assertThat(f.pods()).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder(recentFailed.name(), running.name(), "foreign-old");
        assertThat(f.runner().sweep()).isEmpty();
    }

    @Test
    void sweeper_runsTheSweepPeriodically() throws Exception {
        Run old = launch(MockKubernetes.AMD64_WORKER);
        setStatus(old.name(), "Succeeded", terminated("Completed", 0, Instant.now().minus(2, ChronoUnit.HOURS)
                .truncatedTo(ChronoUnit.SECONDS)));

        try (RunSweeper ignored = RunSweeper.start(f.runner(), java.time.Duration.ofMillis(100))) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!f.pods().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        assertThat(f.pods()).isEmpty();
    }

    private static ContainerStatus terminated(String reason, int exitCode, Instant finishedAt) {
        return new ContainerStatusBuilder().withName("run").withImage("i").withImageID("").withReady(false)
                .withRestartCount(0)
                .withNewState().withNewTerminated().withReason(reason).withExitCode(exitCode)
                .withFinishedAt(finishedAt.toString()).endTerminated().endState().build();
    }

    private static void setStatus(String name, String phase, ContainerStatus container) {
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase(phase).withContainerStatuses(container).build())
                .build());
    }

    /** What the scheduler's binding does: sets spec.nodeName. */
    private static void bind(String name) {
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).edit(p -> new PodBuilder(p).editSpec()
                .withNodeName(MockKubernetes.AMD64_WORKER).endSpec().build());
    }

    private static void createPod(String namespace, String name, Map<String, String> labels) {
        f.k8s.fabric8().pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("run").withImage("x").endContainer().endSpec()
                .build()).create();
    }

    private static void event(String pod, String name, String reason, String type, String message, Instant at) {
        f.k8s.fabric8().v1().events().inNamespace(NAMESPACE).resource(new EventBuilder()
                .withNewMetadata().withName(pod + "." + name).endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(pod).withNamespace(NAMESPACE).endInvolvedObject()
                .withReason(reason).withType(type).withMessage(message)
                .withNewSource().withComponent("Scheduled".equals(reason) || "FailedScheduling".equals(reason)
                                                       ? "default-scheduler" : "kubelet").endSource()
                .withLastTimestamp(at.toString())
                .withCount(1)
                .build()).create();
    }
}
