package dev.imagecatalog.web.runs;

import java.util.List;
import java.util.Set;

import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.runner.Fit;
import dev.imagecatalog.runner.NodeChoice;
import dev.imagecatalog.runner.NodeLoad;
import dev.imagecatalog.runner.PullEstimate;
import dev.imagecatalog.runner.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Run form says why it preselects a node: what sets the best apart from the other candidates. */
class PreselectionTest {

    private static final long GI = 1L << 30;

    @Test
    void theCachedNode_isPreselectedBecauseTheImageIsThere() {
        List<NodeChoice> choices = List.of(choice("b", true, 0, 2 * GI, false), choice("a", false, 5_000_000, 6 * GI, false));

        assertThat(Preselection.of(choices, null)).isEqualTo("b");
        assertThat(Preselection.because(choices, null)).isEqualTo("ready to run; the image is already cached there");
    }

    @Test
    void aSmallerDownload_orMoreFreeMemory_orTheOnlyCandidate_orTheName_saysWhich() {
        assertThat(Preselection.because(List.of(choice("a", false, 1_048_576, GI, false),
                                                choice("b", false, 3_000_000, 6 * GI, false)), null))
                .isEqualTo("ready to run; the smallest download (≈ 1.0 MiB)");
        assertThat(Preselection.because(List.of(choice("b", false, 1000, 7 * GI + GI / 2, false),
                                                choice("a", false, 1000, GI, false)), null))
                .isEqualTo("ready to run; the most free memory (7.5Gi)");
        assertThat(Preselection.because(List.of(choice("a", false, 1000, GI, false),
                                                choice("cp", false, 1000, GI, true)), null))
                .isEqualTo("ready to run; the only ready node that is neither tainted nor a control plane");
        assertThat(Preselection.because(List.of(choice("a", false, 1000, GI, false),
                                                choice("b", false, 1000, GI, false)), null))
                .isEqualTo("ready to run; the first by name of 2 equally suited nodes");
    }

    @Test
    void theUsersChoice_isSaidAsSuch_andNoCandidate_saysWhyNothingIsPreselected() {
        List<NodeChoice> onlyControlPlane = List.of(choice("cp", false, 1000, GI, true));

        assertThat(Preselection.because(onlyControlPlane, "cp")).isEqualTo("your choice");
        assertThat(Preselection.of(onlyControlPlane, null)).isNull();
        assertThat(Preselection.because(onlyControlPlane, null)).startsWith("no node is preselected: none is ready");
    }

    private static NodeChoice choice(String name, boolean cached, long pull, long freeMemory, boolean controlPlane) {
        Node node = new Node(name, name, true, controlPlane ? List.of("control-plane") : List.of(), "linux", "amd64",
                             "v1.36.1", "4", "8Gi", List.of(), false, Set.of());
        long allocatable = 8 * GI;
        Fit fit = new Fit(true, true, "4", dev.imagecatalog.web.runs.PreselectionTest.memory(freeMemory), "fits",
                          new NodeLoad(4000, allocatable, 0L, allocatable - freeMemory));
        return new NodeChoice(node, true, null, null, cached, false, Verdict.READY, List.of(), fit,
                              new PullEstimate(cached ? 0 : pull, cached ? PullEstimate.Basis.CACHED
                                      : PullEstimate.Basis.FULL_SIZE), false, 0);
    }

    /** How the pre-flight writes free memory (one decimal in Gi). */
    private static String memory(long bytes) {
        return java.math.BigDecimal.valueOf(bytes).divide(java.math.BigDecimal.valueOf(GI), 1,
                java.math.RoundingMode.FLOOR).stripTrailingZeros().toPlainString() + "Gi";
    }
}
