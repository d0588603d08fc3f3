package dev.imagecatalog.cluster;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The adapter's translation of nodes against the Fabric8 mock API server. */
class KubernetesClusterTest {

    private static MockKubernetes k8s;

    @BeforeAll
    static void start() {
        k8s = MockKubernetes.withNodes(Map.of(MockKubernetes.AMD64_WORKER,
                                              List.of("localhost:5001/a@sha256:1111", "localhost:5001/a:1.0")));
    }

    @AfterAll
    static void stop() {
        k8s.close();
    }

    @Test
    void nodes_mapsEveryField() {
        List<Node> nodes = k8s.cluster().nodes();

        assertThat(nodes).extracting(Node::name)
                .containsExactly(MockKubernetes.CONTROL_PLANE, MockKubernetes.AMD64_WORKER, MockKubernetes.ARM64_WORKER);
        Node cp = nodes.getFirst();
        assertThat(cp.roles()).containsExactly("control-plane");
        assertThat(cp.taints()).containsExactly(new Taint(MockKubernetes.CONTROL_PLANE_TAINT, null, "NoSchedule"));
        assertThat(cp.ready()).isTrue();
        assertThat(cp.os()).isEqualTo("linux");
        assertThat(cp.architecture()).isEqualTo("amd64");
        assertThat(cp.kubeletVersion()).isEqualTo("v1.36.1");
        assertThat(cp.cpu()).isEqualTo("4");
        assertThat(cp.memory()).isEqualTo("8025424Ki");
        assertThat(cp.unschedulable()).isFalse();
        assertThat(cp.hostname()).isEqualTo(MockKubernetes.CONTROL_PLANE);
        Node amd = nodes.get(1);
        assertThat(amd.roles()).isEmpty();
        assertThat(amd.taints()).isEmpty();
        assertThat(amd.images()).containsExactlyInAnyOrder("localhost:5001/a@sha256:1111", "localhost:5001/a:1.0");
        assertThat(nodes.get(2).architecture()).isEqualTo("arm64");
    }
}
