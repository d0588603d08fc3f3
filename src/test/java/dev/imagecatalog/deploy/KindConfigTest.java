package dev.imagecatalog.deploy;

import io.kubernetes.client.openapi.models.V1Service;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kind-config.yaml agrees with the chart and the scripts: the NodePort the chart uses is published on the
 * host's loopback, and containerd reads registry hosts from the directory kind-registry.sh writes hosts.toml to.
 */
class KindConfigTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kindConfig() throws IOException {
        return new Yaml().load(Files.readString(Path.of("kind-config.yaml")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void cluster_hasOneControlPlaneAndTwoWorkers() throws IOException {
        Map<String, Object> config = kindConfig();

        assertThat(config).containsEntry("kind", "Cluster").containsEntry("apiVersion", "kind.x-k8s.io/v1alpha4");
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) config.get("nodes");
        assertThat(nodes).extracting(n -> n.get("role")).containsExactly("control-plane", "worker", "worker");
    }

    @Test
    @SuppressWarnings("unchecked")
    void chartNodePort_isPublishedOnLoopback() throws IOException {
        int nodePort = RenderedChart.withDefaults().named(V1Service.class, "catalog").getSpec().getPorts().getFirst().getNodePort();
        Map<String, Object> controlPlane = ((List<Map<String, Object>>) kindConfig().get("nodes")).getFirst();

        assertThat((List<Map<String, Object>>) controlPlane.get("extraPortMappings")).singleElement().satisfies(m -> {
            assertThat(m).containsEntry("containerPort", nodePort);
            assertThat(m).containsEntry("hostPort", nodePort);
            assertThat(m).containsEntry("listenAddress", "127.0.0.1");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void containerd_readsRegistryHostsFromTheDirectoryTheScriptWrites() throws IOException {
        List<String> patches = (List<String>) kindConfig().get("containerdConfigPatches");
        String script = Files.readString(Path.of("scripts/kind-registry.sh"));

        assertThat(patches).singleElement().asString()
                .contains("[plugins.\"io.containerd.grpc.v1.cri\".registry]")
                .contains("config_path = \"/etc/containerd/certs.d\"");
        assertThat(script).contains("registry_dir=\"/etc/containerd/certs.d/localhost:$REGISTRY_PORT\"");
    }
}
