package dev.imagecatalog.runner;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.cluster.Taint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run that waits for its node gets the fix the catalog can name from the figures it has: the scheduler says
 * "Insufficient memory", the page says "needs 9Gi memory; kind-worker has 8Gi allocatable".
 */
class SchedulingFixTest {

    private static final long GI = 1L << 30;
    private static final Taint CONTROL_PLANE = new Taint("node-role.kubernetes.io/control-plane", null, "NoSchedule");

    @Test
    void aRequestLargerThanTheNodesAllocatable_namesBothFigures_andTheLargestRequestThatFits() {
        List<String> fixes = SchedulingFix.of(run(new Resources(null, null, "9Gi", null), List.of()),
                                              node("kind-worker", "8Gi", List.of(), true, false), amount(0, 0),
                                              "linux/amd64");

        assertThat(fixes).containsExactly("Needs 9Gi memory; kind-worker has 8Gi allocatable: run the image again "
                                          + "with a memory request of at most 8Gi, or on a node with more memory.");
    }

    @Test
    void aRequestLargerThanWhatIsFree_namesTheFreeMemory_andWhatThePodsThereTake() {
        List<String> fixes = SchedulingFix.of(run(new Resources("500m", null, "2Gi", null), List.of()),
                                              node("kind-worker", "8Gi", List.of(), true, false),
                                              amount(1, 6.5 * GI), null);

        assertThat(fixes).containsExactly("Needs 2Gi memory; kind-worker has 1.5Gi free (8Gi allocatable, 6.5Gi "
                                          + "requested by its pods): the run starts when pods there end, or run the "
                                          + "image again with a smaller request or on another node.");
    }

    @Test
    void cpuShortOfAllocatable_isNamedInCores() {
        List<String> fixes = SchedulingFix.of(run(new Resources("3", null, null, null), List.of()),
                                              node("kind-worker", "8Gi", List.of(), true, false), amount(0, 0), null);

        assertThat(fixes).containsExactly("Needs 3 CPU; kind-worker has 2 CPU allocatable: run the image again with a "
                                          + "CPU request of at most 2, or on a node with more CPU.");
    }

    @Test
    void aNodeThatIsGone_cordonedOrNotReady_isSaid_withTheCommandThatHelps() {
        RunDetail run = run(Resources.NONE, List.of());
        assertThat(SchedulingFix.of(run, null, null, null)).singleElement().asString()
                .startsWith("Node kind-worker no longer exists");
        assertThat(SchedulingFix.of(run, node("kind-worker", "8Gi", List.of(), false, true), amount(0, 0), null))
                .containsExactly("kind-worker is not Ready: the run starts when the node recovers, or stop it and run "
                                 + "the image on another node.",
                                 "kind-worker is cordoned: uncordon it (kubectl uncordon kind-worker) or run the image "
                                 + "again on another node.");
    }

    @Test
    void aTaintTheRunDoesNotTolerate_isNamed_aToleratedOneIsNot() {
        Taint gpu = new Taint("gpu", "true", "NoSchedule");
        Node node = node("kind-worker", "8Gi", List.of(CONTROL_PLANE, gpu), true, false);

        List<String> fixes = SchedulingFix.of(run(Resources.NONE, List.of(CONTROL_PLANE)), node, amount(0, 0), null);

        assertThat(fixes).containsExactly("kind-worker has the taint gpu=true:NoSchedule, which the run does not "
                                          + "tolerate (added after the launch): remove it (kubectl taint nodes "
                                          + "kind-worker gpu:NoSchedule-) or run the image again (the Run form then "
                                          + "offers to tolerate them).");
        assertThat(SchedulingFix.of(run(Resources.NONE, List.of(CONTROL_PLANE, gpu)), node, amount(0, 0), null))
                .isEmpty();
    }

    @Test
    void anImageOfAnotherPlatform_isNamed() {
        assertThat(SchedulingFix.of(run(Resources.NONE, List.of()), node("kind-worker", "8Gi", List.of(), true, false),
                                    amount(0, 0), "linux/arm64"))
                .containsExactly("The image is linux/arm64; kind-worker is linux/amd64: run the image again on a linux/arm64 node.");
    }

    @Test
    void aRunThatFitsAReadyNode_getsNoFix_theSchedulerMayJustNotHavePlacedItYet() {
        assertThat(SchedulingFix.of(run(new Resources("1", null, "1Gi", null), List.of()),
                                    node("kind-worker", "8Gi", List.of(), true, false), amount(0.5, GI), "linux/amd64"))
                .isEmpty();
        // free capacity unknown (the pods could not be read): only what the allocatable alone proves is said
        assertThat(SchedulingFix.of(run(new Resources(null, null, "7Gi", null), List.of()),
                                    node("kind-worker", "8Gi", List.of(), true, false), null, null)).isEmpty();
    }

    private static Capacity.Amount amount(double cores, double bytes) {
        return new Capacity.Amount(BigDecimal.valueOf(cores), BigDecimal.valueOf(bytes));
    }

    private static Node node(String name, String memory, List<Taint> taints, boolean ready, boolean cordoned) {
        return new Node(name, name, ready, List.of(), "linux", "amd64", "v1.36.1", "2", memory, taints, cordoned,
                        Set.of());
    }

    private static RunDetail run(Resources resources, List<Taint> tolerations) {
        Run run = new Run("app-x1y2z", "runs", "kind-worker", "localhost:5001/app@sha256:1", "app", "v1", "Pending",
                          null, "Unschedulable", "0/3 nodes are available", null, 0,
                          Instant.parse("2026-12-02T10:00:00Z"), null, "alice");
        return new RunDetail(run, List.of(), List.of(), Map.of(), "Never", resources, List.of(), tolerations, List.of());
    }
}
