package dev.imagecatalog.runner;

import java.util.List;
import java.util.Map;

import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.testing.TestPusher;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.imagecatalog.runner.RunnerFixture.NAMESPACE;
import static dev.imagecatalog.runner.RunnerFixture.PULL_HOST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs that do not pull explain why: the kubelet's {@code ErrImagePull}/{@code ImagePullBackOff} is written into the
 * mock's pod status with the Fabric8 client, the registry is the real seeded one (manifests deleted for real).
 */
class RunnerDiagnosisIT {

    @RegisterExtension
    static final RunnerFixture f = new RunnerFixture();

    /** What the kubelet reports while it cannot pull. */
    private static Run pullFails(String name, String reason, String message) {
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Pending").withContainerStatuses(
                        new ContainerStatusBuilder().withName("run").withImage(p.getSpec().getContainers().getFirst()
                                        .getImage()).withImageID("").withReady(false).withRestartCount(0)
                                .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting()
                                .endState().build()).build())
                .build());
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).edit(p -> new PodBuilder(p).editSpec()
                .withNodeName(p.getSpec().getNodeSelector().get("kubernetes.io/hostname")).endSpec().build());
        return f.runner().run(name).run();
    }

    private static Diagnosis diagnose(Run run) {
        return f.runner().diagnose(run).orElseThrow();
    }

    @Test
    void deletedManifest_saysItIsNoLongerInTheRegistry_andWhatToDo() {
        TestPusher pusher = new TestPusher(f.seeded.registry());
        TestPusher.Image image = pusher.pushOciImage("diag/deleted", "1", TestPusher.Arch.AMD64, Map.of());
        Run run = f.runner().launch(LaunchRequest.of(image.repository(), image.tag(), MockKubernetes.AMD64_WORKER));
        pusher.deleteManifest(image.repository(), image.digest());

        Diagnosis d = diagnose(pullFails(run.name(), "ImagePullBackOff", "Back-off pulling image \"" + run.image()
                                                                          + "\""));

        assertThat(d.summary()).isEqualTo("the image diag/deleted@" + image.digest().substring(0, 19)
                                          + "… is no longer in the registry");
        assertThat(d.checks()).anySatisfy(c -> {
            assertThat(c.question()).isEqualTo("Is the manifest still in the registry?");
            assertThat(c.ok()).isFalse();
            assertThat(c.todo()).isEqualTo("push the image again, or run a tag that exists now");
        });
    }

    @Test
    void unreachableRegistry_pointsAtTheHostsTomlOfKind() {
        TestPusher.Image image = f.seeded.amd64Only();
        Run run = f.runner().launch(LaunchRequest.of(image.repository(), image.tag(), MockKubernetes.AMD64_WORKER));

        Diagnosis d = diagnose(pullFails(run.name(), "ErrImagePull", "failed to resolve reference \"" + run.image()
                + "\": dial tcp [::1]:5001: connect: connection refused"));

        assertThat(d.summary()).startsWith("the node cannot reach the registry at " + PULL_HOST + ": in kind, "
                                           + "containerd on every node needs /etc/containerd/certs.d/" + PULL_HOST
                                           + "/hosts.toml");
        assertThat(d.checks()).extracting(Diagnosis.Check::question, Diagnosis.Check::ok).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Can the node reach " + PULL_HOST + "?", false),
                org.assertj.core.groups.Tuple.tuple("Is the manifest still in the registry?", true),
                org.assertj.core.groups.Tuple.tuple("Does it hold the node's platform (linux/amd64)?", true));
    }

    @Test
    void imagePresentForTheNode_sendsToTheKubeletMessage() {
        TestPusher.Image image = f.seeded.amd64Only();
        Run run = f.runner().launch(LaunchRequest.of(image.repository(), image.tag(), MockKubernetes.AMD64_WORKER));

        Diagnosis d = diagnose(pullFails(run.name(), "ErrImagePull", "rpc error: code = Unknown desc = 401 Unauthorized"));

        assertThat(d.summary()).isEqualTo("the registry has the image for this node; the kubelet's message is the best "
                                          + "clue: rpc error: code = Unknown desc = 401 Unauthorized");
        assertThat(d.checks().getFirst().ok()).isNull();
    }

    @Test
    void runFromAnotherPullHost_saysTheHostChanged() {
        TestPusher.Image image = f.seeded.amd64Only();
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).resource(new PodBuilder()
                .withNewMetadata().withName("old-host").withLabels(Map.of("app.kubernetes.io/managed-by", "catalog"))
                .withAnnotations(Map.of("imagecatalog.dev/repository", image.repository())).endMetadata()
                .withNewSpec().withNodeSelector(Map.of("kubernetes.io/hostname", MockKubernetes.AMD64_WORKER))
                .addNewContainer().withName("run").withImage("registry.old:5000/" + image.repository() + "@"
                                                              + image.digest()).endContainer().endSpec()
                .build()).create();

        Diagnosis d = diagnose(pullFails("old-host", "ErrImagePull", "lookup registry.old: no such host"));

        assertThat(d.summary()).isEqualTo("the run names registry host registry.old:5000, but registry.pull-host is now "
                                          + PULL_HOST);
    }

    @Test
    void imageWithoutTheNodesPlatform_saysSo() {
        TestPusher.Image image = f.seeded.amd64Only();
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).resource(new PodBuilder()
                .withNewMetadata().withName("wrong-arch").withLabels(Map.of("app.kubernetes.io/managed-by", "catalog"))
                .endMetadata()
                .withNewSpec().withNodeSelector(Map.of("kubernetes.io/hostname", MockKubernetes.ARM64_WORKER))
                .addNewContainer().withName("run").withImage(PULL_HOST + "/" + image.repository() + "@"
                                                              + image.digest()).endContainer().endSpec()
                .build()).create();

        Diagnosis d = diagnose(pullFails("wrong-arch", "ErrImagePull", "no match for platform in manifest: not found"));

        assertThat(d.summary()).isEqualTo("the image has no linux/arm64 platform for node " + MockKubernetes.ARM64_WORKER);
        assertThat(d.checks().getLast().answer()).isEqualTo("no: the image has linux/amd64");
    }

    @Test
    void notPulling_hasNoDiagnosis_andTheDetailStillLoads() {
        TestPusher.Image image = f.seeded.amd64Only();
        Run run = f.runner().launch(LaunchRequest.of(image.repository(), image.tag(), MockKubernetes.AMD64_WORKER));

        RunDetail detail = f.runner().run(run.name());

        assertThat(f.runner().diagnose(detail.run())).isEmpty();
        assertThat(List.of(detail.run().phase())).containsExactly("Pending");
    }
}
