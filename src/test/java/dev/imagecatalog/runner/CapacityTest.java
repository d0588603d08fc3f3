package dev.imagecatalog.runner;

import java.math.BigDecimal;
import java.util.List;

import dev.imagecatalog.cluster.ContainerRequests;
import dev.imagecatalog.cluster.PodRequests;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pre-flight's resource arithmetic: effective pod requests, free capacity, fit messages, quantity formatting. */
class CapacityTest {

    private static ContainerRequests c(String cpu, String memory) {
        return new ContainerRequests(cpu, memory, false);
    }

    private static ContainerRequests sidecar(String cpu, String memory) {
        return new ContainerRequests(cpu, memory, true);
    }

    private static PodRequests pod(List<ContainerRequests> containers, List<ContainerRequests> init) {
        return new PodRequests("ns", "p", "n", containers, init, null);
    }

    @Test
    void effective_sumsAppContainers() {
        Capacity.Amount a = Capacity.effective(pod(List.of(c("250m", "64Mi"), c("0.5", "128Mi")), List.of()));

        assertThat(a.cpu()).isEqualByComparingTo("0.75");
        assertThat(a.memory()).isEqualByComparingTo(BigDecimal.valueOf(192L << 20));
    }

    @Test
    void effective_largestInitContainerWins_whenItExceedsTheSumOfAppContainers() {
        // init containers run one after another: the largest counts, not their sum
        PodRequests p = pod(List.of(c("100m", "64Mi"), c("100m", "64Mi")), List.of(c("1", "32Mi"), c("500m", "1Gi")));

        Capacity.Amount a = Capacity.effective(p);

        assertThat(a.cpu()).isEqualByComparingTo("1");           // max(init 1, sum 0.2)
        assertThat(a.memory()).isEqualByComparingTo(BigDecimal.valueOf(1L << 30)); // max(init 1Gi, sum 128Mi)
    }

    @Test
    void effective_sidecarInitContainersAddToAppsAndToLaterInitSteps() {
        PodRequests p = pod(List.of(c("200m", "100Mi")),
                            List.of(sidecar("100m", "50Mi"), c("400m", "10Mi")));

        Capacity.Amount a = Capacity.effective(p);

        // apps + sidecar = 300m / 150Mi; init step 2 = 400m + sidecar 100m = 500m / 60Mi
        assertThat(a.cpu()).isEqualByComparingTo("0.5");
        assertThat(a.memory()).isEqualByComparingTo(BigDecimal.valueOf(150L << 20));
    }

    @Test
    void effective_unsetRequestsCountAsZero_andOverheadIsAdded() {
        PodRequests p = new PodRequests("ns", "p", "n", List.of(c(null, null), c("100m", null)), List.of(),
                                        c("50m", "20Mi"));

        Capacity.Amount a = Capacity.effective(p);

        assertThat(a.cpu()).isEqualByComparingTo("0.15");
        assertThat(a.memory()).isEqualByComparingTo(BigDecimal.valueOf(20L << 20));
    }

    @Test
    void fit_subtractsThePodsOnTheNodeFromAllocatable() {
        List<PodRequests> pods = List.of(pod(List.of(c("1500m", "1Gi")), List.of()),
                                         pod(List.of(c("500m", "724Mi")), List.of()));

        Fit fit = Capacity.fit("1", "256Mi", "4", "2Gi", pods);

        assertThat(fit.fits()).isTrue();
        assertThat(fit.freeCpu()).isEqualTo("2");
        assertThat(fit.freeMemory()).isEqualTo("300Mi");
        assertThat(fit.message()).isEqualTo("fits (2 CPU, 300Mi memory free)");
    }

    @Test
    void fit_tooLittleFreeMemory_saysWhatIsNeededAndWhatIsFree() {
        Fit fit = Capacity.fit(null, "512Mi", "4", "2Gi", List.of(pod(List.of(c(null, "1748Mi")), List.of())));

        assertThat(fit.fits()).isFalse();
        assertThat(fit.everFits()).isTrue();
        assertThat(fit.message()).isEqualTo("does not fit: needs 512Mi, 300Mi free");
    }

    @Test
    void fit_tooLittleCpuAndMemory_namesBoth() {
        Fit fit = Capacity.fit("3", "3Gi", "4", "4Gi", List.of(pod(List.of(c("2500m", "2Gi")), List.of())));

        assertThat(fit.message()).isEqualTo("does not fit: needs 3 CPU, 1500m CPU and 3Gi, 2Gi free");
    }

    @Test
    void fit_largerThanTheWholeNode_neverFits() {
        Fit fit = Capacity.fit(null, "16Gi", "4", "8025424Ki", List.of());

        assertThat(fit.fits()).isFalse();
        assertThat(fit.everFits()).isFalse();
        assertThat(fit.message()).isEqualTo("never fits: needs 16Gi, 7.6Gi allocatable on the whole node");
    }

    @Test
    void fit_noRequests_fitsAndSaysSo() {
        Fit fit = Capacity.fit(null, null, "4", "8Gi", List.of());

        assertThat(fit.fits()).isTrue();
        assertThat(fit.message()).startsWith("fits (the run requests no CPU or memory;");
    }

    @Test
    void fit_podsUnknown_capacityUnknown_butTheNodeSizeStillCounts() {
        assertThat(Capacity.fit("1", null, "4", "8Gi", (Capacity.Amount) null).fits()).isNull();
        assertThat(Capacity.fit("8", null, "4", "8Gi", (Capacity.Amount) null).everFits()).isFalse();
    }

    @Test
    void fit_overcommittedNode_showsZeroFree() {
        Fit fit = Capacity.fit("100m", null, "1", "1Gi", List.of(pod(List.of(c("2", "2Gi")), List.of())));

        assertThat(fit.freeCpu()).isEqualTo("0");
        assertThat(fit.freeMemory()).isEqualTo("0");
        assertThat(fit.fits()).isFalse();
    }

    @Test
    void fit_badQuantity_isALaunchException() {
        assertThatThrownBy(() -> Capacity.fit("lots", null, "4", "8Gi", List.of()))
                .isInstanceOf(LaunchException.class).hasMessageContaining("\"lots\" is not a Kubernetes quantity");
    }

    @Test
    void formatting_roundsDown_soFreeIsNeverOverstated() {
        assertThat(Capacity.cpu(new BigDecimal("1.9999"))).isEqualTo("1999m");
        assertThat(Capacity.cpu(new BigDecimal("2.000"))).isEqualTo("2");
        assertThat(Capacity.memory(BigDecimal.valueOf((1L << 30) * 2 - 1))).isEqualTo("1.9Gi");
        assertThat(Capacity.memory(BigDecimal.valueOf(1536L << 10))).isEqualTo("1Mi");
        assertThat(Capacity.memory(BigDecimal.valueOf(2048))).isEqualTo("2Ki");
        assertThat(Capacity.memory(BigDecimal.valueOf(999))).isEqualTo("999");
    }
}
