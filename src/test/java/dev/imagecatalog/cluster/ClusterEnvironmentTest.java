package dev.imagecatalog.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.imagecatalog.runner.RunSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether a cluster is configured is known from the environment and files alone, before any client exists. */
class ClusterEnvironmentTest {

    @Test
    void missing_withNothingConfigured_saysWhatIsMissing_andHowToConfigureIt(@TempDir Path home) {
        assertThat(ClusterEnvironment.missing(Map.of(), home, home.resolve("no-token"))).hasValueSatisfying(why ->
                assertThat(why).startsWith("no Kubernetes cluster configured: ").contains("set KUBECONFIG"));
        assertThat(ClusterEnvironment.missing(Map.of("KUBECONFIG", "/nowhere/config"), home, home.resolve("no-token")))
                .hasValueSatisfying(why -> assertThat(why).contains("KUBECONFIG names no readable file (/nowhere/config)"));
    }

    @Test
    void missing_isEmpty_withAKubeconfigOrAServiceAccount(@TempDir Path home) throws Exception {
        Path token = Files.writeString(home.resolve("token"), "t");
        assertThat(ClusterEnvironment.missing(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home, token)).isEmpty();
        Files.createDirectories(home.resolve(".kube"));
        Files.writeString(home.resolve(".kube").resolve("config"), "apiVersion: v1\n");
        assertThat(ClusterEnvironment.missing(Map.of(), home, home.resolve("no-token"))).isEmpty();
    }

    @Test
    void runSettings_withoutCluster_turnRunsOff_andSayWhy() {
        RunSettings on = new RunSettings(true, "runs", RunSettings.DEFAULT_TTL);
        assertThat(on.offReason()).isEmpty();
        RunSettings off = on.withoutCluster("no Kubernetes cluster configured: x");
        assertThat(off.enabled()).isFalse();
        assertThat(off.offReason()).isEqualTo("no Kubernetes cluster configured: x");
        assertThat(new RunSettings(false, "runs", RunSettings.DEFAULT_TTL).offReason()).contains("runs.enabled=false");
        // a read-only catalog stays read-only for that reason, with or without a cluster
        assertThat(new RunSettings(false, "runs", RunSettings.DEFAULT_TTL).withoutCluster("no Kubernetes cluster")
                .offReason()).contains("runs.enabled=false");
    }
}
