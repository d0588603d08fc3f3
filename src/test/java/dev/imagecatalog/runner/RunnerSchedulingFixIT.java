package dev.imagecatalog.runner;

import java.util.List;

import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.testing.TestPusher;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.imagecatalog.runner.RunnerFixture.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's page view reads what the fix and the reach commands need from the pod itself (through the API server
 * stand-in): the tolerations the run was launched with, the ports its container declares.
 */
class RunnerSchedulingFixIT {

    @RegisterExtension
    static final RunnerFixture f = new RunnerFixture();

    @Test
    void aTaintAddedAfterTheLaunch_isNamed_theOneTheRunToleratesIsNot() {
        TestPusher.Image image = f.seeded.amd64Only();
        RunnerService runner = f.runnerAllowingTaintedNodes();
        Run run = runner.launch(LaunchRequest.of(image.repository(), image.tag(), MockKubernetes.CONTROL_PLANE),
                                new LaunchOptions("alice", true));
        List<Taint> before = f.k8s.fabric8().nodes().withName(MockKubernetes.CONTROL_PLANE).get().getSpec().getTaints();
        try {
            f.k8s.fabric8().nodes().withName(MockKubernetes.CONTROL_PLANE).edit(n -> new NodeBuilder(n).editSpec()
                    .addToTaints(new TaintBuilder().withKey("maintenance").withValue("soon").withEffect("NoSchedule")
                            .build()).endSpec().build());
            unschedulable(run.name());

            RunView view = runner.runView(run.name(), 10, false);

            assertThat(view.headline().lead()).startsWith("Cannot be scheduled: 0/3 nodes are available");
            assertThat(view.headline().fix()).isEqualTo(MockKubernetes.CONTROL_PLANE + " has the taint "
                    + "maintenance=soon:NoSchedule, which the run does not tolerate (added after the launch): remove it "
                    + "(kubectl taint nodes " + MockKubernetes.CONTROL_PLANE + " maintenance:NoSchedule-) or run the "
                    + "image again (the Run form then offers to tolerate them).");
        } finally {
            f.k8s.fabric8().nodes().withName(MockKubernetes.CONTROL_PLANE).edit(n -> new NodeBuilder(n).editSpec()
                    .withTaints(before).endSpec().build());
        }
    }

    @Test
    void theContainersDeclaredTcpPorts_getAPortForward() {
        TestPusher.Image image = f.seeded.amd64Only();
        RunnerService runner = f.runner();
        Run run = runner.launch(LaunchRequest.of(image.repository(), image.tag(), MockKubernetes.AMD64_WORKER));
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).withName(run.name()).edit(p -> new PodBuilder(p).editSpec()
                .editFirstContainer().withPorts(new ContainerPortBuilder().withContainerPort(9000).build(),
                        new ContainerPortBuilder().withContainerPort(5353).withProtocol("UDP").build())
                .endContainer().endSpec().build());

        RunView view = runner.runView(run.name(), 10, false);

        assertThat(view.reach().portForward())
                .containsExactly("kubectl port-forward -n runs pod/" + run.name() + " 9000:9000");
        // nothing is wrong with a run that fits a ready node: no fix is made up
        assertThat(view.headline().fix()).isEmpty();
    }

    private static void unschedulable(String name) {
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Pending").addNewCondition().withType("PodScheduled")
                        .withStatus("False").withReason("Unschedulable")
                        .withMessage("0/3 nodes are available: 1 node(s) had untolerated taint {maintenance: soon}.")
                        .endCondition().build()).build());
    }
}
