package dev.imagecatalog.runner;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.testing.TestPusher;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pre-flight per node against the mock Kubernetes API (three nodes: tainted amd64 control plane, amd64 worker
 * holding {@code oci/amd64-only} by digest, arm64 worker) and the real seeded registry: verdicts and their order,
 * free capacity from the pods already on a node, the run's requests, taints, and the pull estimate. Pods on nodes are
 * written with the Fabric8 client the way the scheduler and kubelet would leave them ({@code spec.nodeName},
 * {@code status.phase}).
 */
class RunnerPreflightIT {

    @RegisterExtension
    static final RunnerFixture f = new RunnerFixture();

    private static List<NodeChoice> preflight(RunnerService runner, TestPusher.Image image, Resources requests) {
        return runner.preflight(image.repository(), image.tag(), requests);
    }

    private static NodeChoice on(List<NodeChoice> choices, String node) {
        return choices.stream().filter(c -> c.node().name().equals(node)).findFirst().orElseThrow();
    }

    private static Resources memory(String request) {
        return new Resources(null, null, request, null);
    }

    /** A pod bound to a node, as the scheduler leaves it, with one app container per memory request. */
    private static void podOn(String node, String namespace, String name, String phase, List<String> memory,
                              List<String> initMemory) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withPhase(phase).endStatus();
        for (int i = 0; i < memory.size(); i++) {
            b.editSpec().addToContainers(container("c" + i, memory.get(i))).endSpec();
        }
        for (int i = 0; i < initMemory.size(); i++) {
            b.editSpec().addToInitContainers(container("i" + i, initMemory.get(i))).endSpec();
        }
        f.k8s.fabric8().pods().inNamespace(namespace).resource(b.build()).create();
    }

    private static Container container(String name, String memory) {
        return new ContainerBuilder().withName(name).withImage("busybox")
                .withNewResources().addToRequests("memory", new Quantity(memory))
                .addToRequests("cpu", new Quantity("100m")).endResources().build();
    }

    @Test
    void preflight_amd64Image_readyOnTheCachedWorkerFirst_taintedAndWrongPlatformCannot() {
        List<NodeChoice> c = preflight(f.runner(), f.seeded.amd64Only(), Resources.NONE);

        assertThat(c).extracting(x -> x.node().name(), NodeChoice::verdict).containsExactly(
                org.assertj.core.groups.Tuple.tuple(MockKubernetes.AMD64_WORKER, Verdict.READY),
                org.assertj.core.groups.Tuple.tuple(MockKubernetes.CONTROL_PLANE, Verdict.CANNOT),
                org.assertj.core.groups.Tuple.tuple(MockKubernetes.ARM64_WORKER, Verdict.CANNOT));
        NodeChoice worker = c.getFirst();
        assertThat(worker.preferred()).isTrue();
        assertThat(worker.platform().digest()).isEqualTo(f.seeded.amd64Only().digest());
        assertThat(worker.pull()).isEqualTo(new PullEstimate(0, PullEstimate.Basis.CACHED));
        assertThat(worker.fits()).isTrue();
        assertThat(worker.freeCpu()).isEqualTo("4");
        assertThat(worker.freeMemory()).isEqualTo("7.6Gi");
        assertThat(worker.reasons()).contains("the image is cached here: nothing to pull");
        NodeChoice cp = c.get(1);
        assertThat(cp.reasons()).contains("tainted (node-role.kubernetes.io/control-plane:NoSchedule); "
                                          + "runs.allow-tainted-nodes is off");
        assertThat(cp.pull()).isEqualTo(new PullEstimate(f.seeded.amd64Only().size(), PullEstimate.Basis.FULL_SIZE));
        assertThat(c.get(2).reasons()).containsExactly("arm64 node; image has linux/amd64 only");
        assertThat(c.get(2).pull()).isNull();
    }

    @Test
    void preflight_podsOnTheNodeTakeMemory_runWaits_sayingWhatItNeedsAndWhatIsFree() {
        // 8025424Ki allocatable; running pods take 7000Mi (two containers) and an init container larger than them
        // counts instead of their sum; finished pods and pods on other nodes take nothing
        podOn(MockKubernetes.AMD64_WORKER, "team-a", "busy", "Running", List.of("4000Mi", "2000Mi"), List.of("1Gi"));
        podOn(MockKubernetes.AMD64_WORKER, "team-b", "init-heavy", "Pending", List.of("100Mi"), List.of("1000Mi"));
        podOn(MockKubernetes.AMD64_WORKER, "team-b", "done", "Succeeded", List.of("7Gi"), List.of());
        podOn(MockKubernetes.ARM64_WORKER, "team-b", "elsewhere", "Running", List.of("7Gi"), List.of());

        NodeChoice worker = on(preflight(f.runner(), f.seeded.amd64Only(), memory("1Gi")), MockKubernetes.AMD64_WORKER);

        // 8025424Ki - 7000Mi = 857424Ki = 837.3Mi
        assertThat(worker.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(worker.selectable()).isTrue();
        assertThat(worker.preferred()).isFalse();
        assertThat(worker.fits()).isFalse();
        assertThat(worker.freeMemory()).isEqualTo("837Mi");
        assertThat(worker.freeCpu()).isEqualTo("3700m");
        assertThat(worker.reasons()).contains("does not fit: needs 1Gi, 837Mi free",
                                              "the run would stay Pending until other pods on the node finish");

        NodeChoice small = on(preflight(f.runner(), f.seeded.amd64Only(), memory("800Mi")), MockKubernetes.AMD64_WORKER);
        assertThat(small.verdict()).isEqualTo(Verdict.READY);
        assertThat(small.reasons()).contains("fits (3700m CPU, 837Mi memory free)");
    }

    @Test
    void preflight_requestLargerThanTheNode_cannot_andLaunchIsRefused() {
        TestPusher.Image image = f.seeded.amd64Only();
        NodeChoice worker = on(preflight(f.runner(), image, memory("16Gi")), MockKubernetes.AMD64_WORKER);

        assertThat(worker.verdict()).isEqualTo(Verdict.CANNOT);
        assertThat(worker.reason()).isEqualTo("never fits: needs 16Gi, 7.6Gi allocatable on the whole node");
        assertThatThrownBy(() -> f.runner().launch(new LaunchRequest(image.repository(), image.tag(), null,
                MockKubernetes.AMD64_WORKER, List.of(), List.of(), Map.of(), null, memory("16Gi"))))
                .isInstanceOf(LaunchException.class).hasMessageContaining("never fits");
        assertThat(f.pods()).isEmpty();
    }

    @Test
    void preflight_indexWhoseArm64ChildWasDeleted_cannotRunOnArm64_becauseItIsMissing_andLaunchIsRefused() {
        // broken/partial:1 was pushed with amd64 and arm64 children, then the arm64 manifest deleted by digest
        TestPusher.Index partial = f.seeded.partialIndex();
        List<NodeChoice> c = f.runner().preflight(partial.repository(), partial.tag(), Resources.NONE);

        NodeChoice arm64 = on(c, MockKubernetes.ARM64_WORKER);
        assertThat(arm64.verdict()).isEqualTo(Verdict.CANNOT);
        assertThat(arm64.selectable()).isFalse();
        assertThat(arm64.reason()).isEqualTo("the arm64 image is missing from the registry");
        assertThat(arm64.platform()).isNull();
        NodeChoice amd64 = on(c, MockKubernetes.AMD64_WORKER);
        assertThat(amd64.verdict()).isEqualTo(Verdict.READY);
        assertThat(amd64.platform().digest()).isEqualTo(partial.platforms().getFirst().digest());
        assertThatThrownBy(() -> f.runner().launch(new LaunchRequest(partial.repository(), partial.tag(), null,
                MockKubernetes.ARM64_WORKER, List.of(), List.of(), Map.of(), null, Resources.NONE)))
                .isInstanceOf(LaunchException.class).hasMessageContaining("the arm64 image is missing from the registry");
        assertThat(f.pods()).isEmpty();
    }

    @Test
    void launch_onANodeWhereTheRunWaits_createsThePod() {
        podOn(MockKubernetes.AMD64_WORKER, "team-a", "busy", "Running", List.of("7500Mi"), List.of());
        TestPusher.Image image = f.seeded.amd64Only();

        f.runner().launch(new LaunchRequest(image.repository(), image.tag(), null, MockKubernetes.AMD64_WORKER,
                                            List.of(), List.of(), Map.of(), null, memory("1Gi")));

        assertThat(f.pods()).hasSize(1);
    }

    @Test
    void preflight_taintedNodesAllowed_taintedNodeIsReadyButNeverPreferred() {
        List<NodeChoice> c = preflight(f.runnerAllowingTaintedNodes(), f.seeded.amd64Only(), Resources.NONE);

        NodeChoice cp = on(c, MockKubernetes.CONTROL_PLANE);
        assertThat(cp.verdict()).isEqualTo(Verdict.READY);
        assertThat(cp.preferred()).isFalse();
        assertThat(cp.reasons()).anyMatch(r -> r.startsWith("tainted (node-role.kubernetes.io/control-plane:NoSchedule)"
                                                            + ": running there needs your confirmation"));
        assertThat(c.getFirst().node().name()).isEqualTo(MockKubernetes.AMD64_WORKER);
    }

    @Test
    void preflight_pullEstimate_leavesOutLayersTheNodeHoldsThroughAnotherCatalogImage() {
        TestPusher.Image base = f.seeded.amd64Only();
        TestPusher.Image derived = new TestPusher(f.seeded.registry()).pushOciImageOnTopOf("derived/app", "1", base);
        long shared = base.layers().stream().mapToLong(TestPusher.Blob::size).sum();

        List<NodeChoice> c = preflight(f.runner(), derived, Resources.NONE);

        // the amd64 worker holds oci/amd64-only by digest: its two layers are not pulled again
        assertThat(on(c, MockKubernetes.AMD64_WORKER).pull())
                .isEqualTo(new PullEstimate(derived.size() - shared, PullEstimate.Basis.SHARED_LAYERS));
        assertThat(on(c, MockKubernetes.AMD64_WORKER).cached()).isFalse();
        assertThat(on(c, MockKubernetes.AMD64_WORKER).reasons())
                .anyMatch(r -> r.contains("(estimate: layers the node holds through other catalog images left out)"));
        // the control plane holds nothing: the full compressed size
        assertThat(on(c, MockKubernetes.CONTROL_PLANE).pull())
                .isEqualTo(new PullEstimate(derived.size(), PullEstimate.Basis.FULL_SIZE));
    }

    @Test
    void preflight_badQuantity_isALaunchException() {
        TestPusher.Image image = f.seeded.amd64Only();
        assertThatThrownBy(() -> f.runner().preflight(image.repository(), image.tag(), memory("lots")))
                .isInstanceOf(LaunchException.class).hasMessageContaining("\"lots\" is not a Kubernetes quantity");
    }

    @Test
    void preflight_indexOnTheArm64Worker_pullsTheArm64ChildDigest() {
        TestPusher.Index index = f.seeded.multiArch();
        TagDetail detail = f.catalog.tag(index.repository(), index.tag());

        List<NodeChoice> c = f.runner().nodeChoices(detail, Resources.NONE);

        String arm = index.platforms().stream().filter(p -> p.arch().architecture().equals("arm64")).findFirst()
                .orElseThrow().digest();
        assertThat(on(c, MockKubernetes.ARM64_WORKER).platform().digest()).isEqualTo(arm);
        assertThat(on(c, MockKubernetes.ARM64_WORKER).verdict()).isEqualTo(Verdict.READY);
    }

    /** The pod lists the runner sent since the last call (cluster-wide, the pre-flight's). */
    private static long podLists(List<String> requests) {
        return requests.stream().filter(r -> r.startsWith("GET /api/v1/pods?")).count();
    }

    private static long nodeLists(List<String> requests) {
        return requests.stream().filter(r -> r.startsWith("GET /api/v1/nodes")).count();
    }

    private static RunnerService runnerWithTicker(AtomicLong nanos) {
        return new RunnerService(f.catalog, f.k8s.cluster(), new RunSettings(true, RunnerFixture.NAMESPACE,
                java.time.Duration.ofHours(1)), nanos::get);
    }

    @Test
    void preflight_secondViewerWithinTheCachePeriod_listsNoPods_andAfterItOneListRenewsTheFigures() {
        AtomicLong nanos = new AtomicLong();
        RunnerService runner = runnerWithTicker(nanos);
        TestPusher.Image image = f.seeded.amd64Only();
        f.k8s.takeRequests();

        preflight(runner, image, memory("1Gi"));
        podOn(MockKubernetes.AMD64_WORKER, "team-a", "later", "Running", List.of("7500Mi"), List.of());
        NodeChoice second = on(preflight(runner, image, memory("2Gi")), MockKubernetes.AMD64_WORKER);

        List<String> sent = f.k8s.takeRequests();
        assertThat(podLists(sent)).isEqualTo(1);
        assertThat(nodeLists(sent)).isEqualTo(1);
        // the kept figures: the pod created meanwhile is not counted yet
        assertThat(second.verdict()).isEqualTo(Verdict.READY);

        // older than the oldest figures a view is shown: this viewer waits for one fresh read
        nanos.addAndGet(NodeLoads.MAX_AGE.plusSeconds(1).toNanos());
        NodeChoice third = on(preflight(runner, image, memory("2Gi")), MockKubernetes.AMD64_WORKER);
        assertThat(third.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(podLists(f.k8s.takeRequests())).isEqualTo(1);
    }

    @Test
    void preflight_tenViewersAtOnce_shareOneListOfPods() throws Exception {
        RunnerService runner = runnerWithTicker(new AtomicLong());
        TestPusher.Image image = f.seeded.amd64Only();
        f.k8s.takeRequests();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<List<NodeChoice>>> answers = new java.util.ArrayList<>();
        try (var viewers = java.util.concurrent.Executors.newFixedThreadPool(10)) {
            for (int i = 0; i < 10; i++) {
                String request = (i + 1) + "00Mi";
                answers.add(viewers.submit(() -> {
                    start.await();
                    return preflight(runner, image, memory(request));
                }));
            }
            start.countDown();
            for (var answer : answers) {
                assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasSize(3);
            }
        }

        assertThat(podLists(f.k8s.takeRequests())).isEqualTo(1);
    }

    @Test
    void preflight_afterALaunchOnThisReplica_countsTheNewRunAtOnce() {
        RunnerService runner = runnerWithTicker(new AtomicLong());
        TestPusher.Image image = f.seeded.amd64Only();
        assertThat(on(preflight(runner, image, memory("7000Mi")), MockKubernetes.AMD64_WORKER).verdict())
                .isEqualTo(Verdict.READY);

        runner.launch(new LaunchRequest(image.repository(), image.tag(), null, MockKubernetes.AMD64_WORKER,
                                        List.of(), List.of(), Map.of(), null, memory("1Gi")));
        // the mock never schedules: the pod is bound and Running as the kubelet would leave it
        f.k8s.fabric8().pods().inNamespace(RunnerFixture.NAMESPACE).list().getItems().forEach(p -> {
            p.getSpec().setNodeName(MockKubernetes.AMD64_WORKER);
            p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").build());
            f.k8s.fabric8().pods().inNamespace(RunnerFixture.NAMESPACE).resource(p).update();
        });

        assertThat(on(preflight(runner, image, memory("7000Mi")), MockKubernetes.AMD64_WORKER).verdict())
                .isEqualTo(Verdict.WAIT);
    }
}
