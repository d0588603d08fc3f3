package dev.imagecatalog.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.testing.TestPusher;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.imagecatalog.runner.RunnerFixture.NAMESPACE;
import static dev.imagecatalog.runner.RunnerFixture.PULL_HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Launching against a real registry (through the real catalog) and the mock Kubernetes API: which nodes are
 * offered, the pod created field by field, collisions, read-only mode, invalid input, RBAC refusal.
 */
class RunnerLaunchIT {

    @RegisterExtension
    static final RunnerFixture f = new RunnerFixture();

    private static Map<String, NodeChoice> choices(String repository, String tag) {
        TagDetail image = f.catalog.tag(repository, tag);
        Map<String, NodeChoice> byNode = new LinkedHashMap<>();
        f.runner().nodeChoices(image).forEach(c -> byNode.put(c.node().name(), c));
        return byNode;
    }

    @Test
    void nodeChoices_amd64Image_offersAmd64NodesOnly_andMarksTheNodeHoldingIt() {
        TestPusher.Image pushed = f.seeded.amd64Only();
        Map<String, NodeChoice> c = choices(pushed.repository(), pushed.tag());

        // best first (the pre-flight's order, RunnerPreflightIT): the ready worker, then the nodes it cannot run on
        assertThat(c.keySet()).containsExactly(MockKubernetes.AMD64_WORKER, MockKubernetes.CONTROL_PLANE,
                                               MockKubernetes.ARM64_WORKER);
        // tainted: not selectable unless the operator allows tainted nodes (issue 9)
        assertThat(c.get(MockKubernetes.CONTROL_PLANE).selectable()).isFalse();
        assertThat(c.get(MockKubernetes.CONTROL_PLANE).tainted()).isTrue();
        assertThat(c.get(MockKubernetes.CONTROL_PLANE).reason())
                .isEqualTo("tainted (node-role.kubernetes.io/control-plane:NoSchedule); runs.allow-tainted-nodes is off");
        assertThat(c.get(MockKubernetes.CONTROL_PLANE).cached()).isFalse();
        assertThat(c.get(MockKubernetes.AMD64_WORKER).selectable()).isTrue();
        assertThat(c.get(MockKubernetes.AMD64_WORKER).cached()).isTrue();
        assertThat(c.get(MockKubernetes.AMD64_WORKER).platform().digest()).isEqualTo(pushed.digest());
        NodeChoice arm = c.get(MockKubernetes.ARM64_WORKER);
        assertThat(arm.selectable()).isFalse();
        assertThat(arm.reason()).isEqualTo("arm64 node; image has linux/amd64 only");
        assertThat(arm.platform()).isNull();
    }

    @Test
    void nodeChoices_arm64Image_offersTheArm64WorkerOnly() {
        TestPusher.Image pushed = f.seeded.arm64Only();
        Map<String, NodeChoice> c = choices(pushed.repository(), pushed.tag());

        assertThat(c.get(MockKubernetes.ARM64_WORKER).selectable()).isTrue();
        assertThat(c.get(MockKubernetes.ARM64_WORKER).cached()).isFalse();
        assertThat(c.get(MockKubernetes.CONTROL_PLANE).reason()).isEqualTo("amd64 node; image has linux/arm64 only");
        assertThat(c.get(MockKubernetes.AMD64_WORKER).reason()).isEqualTo("amd64 node; image has linux/arm64 only");
    }

    @Test
    void nodeChoices_twoPlatformIndex_offersEveryNodeWithItsPlatformsDigest() {
        TestPusher.Index index = f.seeded.multiArch();
        Map<String, NodeChoice> c = choices(index.repository(), index.tag());

        assertThat(c.values()).allMatch(n -> n.selectable() || n.tainted());
        String amdDigest = childDigest(index, "amd64");
        String armDigest = childDigest(index, "arm64");
        assertThat(c.get(MockKubernetes.CONTROL_PLANE).platform().digest()).isEqualTo(amdDigest);
        assertThat(c.get(MockKubernetes.AMD64_WORKER).platform().digest()).isEqualTo(amdDigest);
        assertThat(c.get(MockKubernetes.ARM64_WORKER).platform().digest()).isEqualTo(armDigest);
        // the arm64 worker holds multi/app:2.0 by tag
        assertThat(c.get(MockKubernetes.ARM64_WORKER).cached()).isTrue();
        assertThat(c.get(MockKubernetes.AMD64_WORKER).cached()).isFalse();
    }

    @Test
    void nodeChoices_notReadyAndCordonedNodes_areNotSelectable_withTheReason() {
        try (MockKubernetes k = MockKubernetes.empty()) {
            k.addNode("down", "amd64", false, false, false, List.of());
            k.addNode("cordoned", "amd64", true, false, true, List.of());
            Runner runner = Runner.create(f.catalog, k.cluster(),
                                          new RunSettings(true, NAMESPACE, java.time.Duration.ofHours(1)));
            TestPusher.Image pushed = f.seeded.amd64Only();
            List<NodeChoice> c = runner.nodeChoices(f.catalog.tag(pushed.repository(), pushed.tag()));

            assertThat(c).extracting(x -> x.node().name(), NodeChoice::selectable, NodeChoice::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("cordoned", false, "unschedulable (cordoned)"),
                                     org.assertj.core.groups.Tuple.tuple("down", false, "NotReady"));
            for (String node : List.of("down", "cordoned")) {
                assertThatThrownBy(() -> runner.launch(LaunchRequest.of(pushed.repository(), pushed.tag(), node)))
                        .isInstanceOf(LaunchException.class);
            }
            assertThat(k.fabric8().pods().inAnyNamespace().list().getItems()).isEmpty();
        }
    }

    @Test
    void launch_indexOnArm64Worker_createsExactlyThePlannedPod() {
        TestPusher.Index index = f.seeded.multiArch();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GREETING", "hello world");
        env.put("EMPTY", "");
        env.put("_X1", "a=b");
        LaunchRequest request = new LaunchRequest(index.repository(), index.tag(), null, MockKubernetes.ARM64_WORKER,
                                                  List.of("/bin/sh", "-c"), List.of("echo $GREETING; sleep 1", "x y"),
                                                  env, "OnFailure", new Resources("100m", "500m", "64Mi", "128Mi"));

        Run run = f.runner().launch(request);

        List<Pod> pods = f.pods();
        assertThat(pods).hasSize(1);
        Pod pod = pods.getFirst();
        assertThat(run.name()).isEqualTo(pod.getMetadata().getName());
        assertThat(run.namespace()).isEqualTo(NAMESPACE);
        assertThat(run.node()).isEqualTo(MockKubernetes.ARM64_WORKER);
        String image = PULL_HOST + "/multi/app@" + childDigest(index, "arm64");
        assertThat(run.image()).isEqualTo(image);

        assertThat(pod.getMetadata().getName()).matches("app-[a-z0-9]{5}");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(pod.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "app.kubernetes.io/managed-by", "catalog",
                "imagecatalog.dev/repository", "multi.app",
                "imagecatalog.dev/tag", "2.0"));
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("imagecatalog.dev/repository", "multi/app")
                .containsEntry("imagecatalog.dev/tag", "2.0")
                .containsEntry("imagecatalog.dev/digest", index.digest());
        PodSpec spec = pod.getSpec();
        assertThat(spec.getNodeSelector()).containsExactly(Map.entry("kubernetes.io/hostname",
                                                                     MockKubernetes.ARM64_WORKER));
        assertThat(spec.getNodeName()).isNull();
        assertThat(spec.getTolerations()).isNullOrEmpty();
        assertThat(spec.getAutomountServiceAccountToken()).isFalse();
        assertThat(spec.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getVolumes()).isNullOrEmpty();
        assertThat(spec.getRestartPolicy()).isEqualTo("OnFailure");
        assertThat(spec.getContainers()).hasSize(1);
        Container c = spec.getContainers().getFirst();
        assertThat(c.getImage()).isEqualTo(image);
        assertThat(c.getCommand()).containsExactly("/bin/sh", "-c");
        assertThat(c.getArgs()).containsExactly("echo $GREETING; sleep 1", "x y");
        assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GREETING", "hello world"),
                org.assertj.core.groups.Tuple.tuple("EMPTY", ""),
                org.assertj.core.groups.Tuple.tuple("_X1", "a=b"));
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("100m"))
                .containsEntry("memory", new Quantity("64Mi"));
        assertThat(c.getResources().getLimits()).containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("128Mi"));
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(c.getVolumeMounts()).isNullOrEmpty();
    }

    @Test
    void launch_singleImage_defaultsToNeverAndTheImagesOwnCommand() {
        TestPusher.Image pushed = f.seeded.amd64Only();

        Run run = f.runner().launch(LaunchRequest.of(pushed.repository(), pushed.tag(), MockKubernetes.AMD64_WORKER));

        Pod pod = f.pods().getFirst();
        assertThat(run.image()).isEqualTo(PULL_HOST + "/oci/amd64-only@" + pushed.digest());
        assertThat(pod.getMetadata().getName()).matches("amd64-only-[a-z0-9]{5}");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        Container c = pod.getSpec().getContainers().getFirst();
        assertThat(c.getCommand()).isNullOrEmpty();
        assertThat(c.getArgs()).isNullOrEmpty();
        assertThat(c.getEnv()).isNullOrEmpty();
        assertThat(pod.getSpec().getTolerations()).isNullOrEmpty();
    }

    @Test
    void launch_onTaintedControlPlane_needsTheSettingAndTheAcknowledgement_thenToleratesThatNodesTaintsOnly() {
        TestPusher.Image pushed = f.seeded.amd64Only();
        LaunchRequest onControlPlane = LaunchRequest.of(pushed.repository(), pushed.tag(), MockKubernetes.CONTROL_PLANE);
        assertThatThrownBy(() -> f.runner().launch(onControlPlane, new LaunchOptions("u", true)))
                .isInstanceOf(LaunchException.class).hasMessageContaining("runs.allow-tainted-nodes is off");
        assertThatThrownBy(() -> f.runnerAllowingTaintedNodes().launch(onControlPlane, new LaunchOptions("u", false)))
                .isInstanceOf(LaunchException.class).hasMessageContaining("acceptTaints");
        assertThat(f.pods()).isEmpty();

        f.runnerAllowingTaintedNodes().launch(onControlPlane, new LaunchOptions("u", true));

        List<Toleration> tolerations = f.pods().getFirst().getSpec().getTolerations();
        assertThat(tolerations).hasSize(1);
        Toleration t = tolerations.getFirst();
        assertThat(t.getKey()).isEqualTo(MockKubernetes.CONTROL_PLANE_TAINT);
        assertThat(t.getOperator()).isEqualTo("Exists");
        assertThat(t.getEffect()).isEqualTo("NoSchedule");
        assertThat(f.pods().getFirst().getSpec().getNodeSelector())
                .containsExactly(Map.entry("kubernetes.io/hostname", MockKubernetes.CONTROL_PLANE));
    }

    @Test
    void launch_byDigestOfAnIndex_runsThePlatformManifestOfTheNode() {
        TestPusher.Index index = f.seeded.multiArch();
        LaunchRequest request = new LaunchRequest(index.repository(), null, index.digest(),
                                                  MockKubernetes.AMD64_WORKER, null, null, null, null, null);

        Run run = f.runner().launch(request);

        assertThat(run.image()).isEqualTo(PULL_HOST + "/multi/app@" + childDigest(index, "amd64"));
        assertThat(f.pods().getFirst().getMetadata().getAnnotations())
                .containsEntry("imagecatalog.dev/digest", index.digest());
    }

    @Test
    void launch_nameTaken_retriesOnceWithANewSuffix() {
        TestPusher.Image pushed = f.seeded.amd64Only();
        createForeignPod("amd64-only-aaaaa");

        Run run = f.runnerWithSuffixes("aaaaa", "bbbbb")
                .launch(LaunchRequest.of(pushed.repository(), pushed.tag(), MockKubernetes.AMD64_WORKER));

        assertThat(run.name()).isEqualTo("amd64-only-bbbbb");
        assertThat(f.pods()).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("amd64-only-aaaaa", "amd64-only-bbbbb");
    }

    @Test
    void launch_nameTakenTwice_failsWithConflict_andCreatesNothing() {
        TestPusher.Image pushed = f.seeded.amd64Only();
        createForeignPod("amd64-only-aaaaa");

        assertThatThrownBy(() -> f.runnerWithSuffixes("aaaaa", "aaaaa")
                .launch(LaunchRequest.of(pushed.repository(), pushed.tag(), MockKubernetes.AMD64_WORKER)))
                .isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ClusterException.Kind.CONFLICT);
                    assertThat(e.getMessage()).contains("amd64-only-aaaaa").contains("already taken");
                });
        assertThat(f.pods()).hasSize(1);
    }

    @Test
    void readOnly_launchAndStopAreRefused_andNothingIsCreated() {
        TestPusher.Image pushed = f.seeded.amd64Only();
        Runner readOnly = f.runner(false);

        assertThatThrownBy(() -> readOnly.launch(LaunchRequest.of(pushed.repository(), pushed.tag(),
                                                                  MockKubernetes.AMD64_WORKER)))
                .isInstanceOf(RunsDisabledException.class).hasMessageContaining("read-only");
        Run run = f.runner().launch(LaunchRequest.of(pushed.repository(), pushed.tag(), MockKubernetes.AMD64_WORKER));
        assertThatThrownBy(() -> readOnly.stop(run.name())).isInstanceOf(RunsDisabledException.class);
        assertThat(readOnly.sweep()).isEmpty();
        assertThat(f.pods()).extracting(p -> p.getMetadata().getName()).containsExactly(run.name());
    }

    static Stream<Arguments> invalidRequests() {
        String amd = "oci/amd64-only";
        String node = MockKubernetes.AMD64_WORKER;
        Resources none = Resources.NONE;
        return Stream.of(
                Arguments.of("unknown repository", req("nope/missing", "1.0", null, node, Map.of(), null, none),
                             "is not in the registry"),
                Arguments.of("unknown tag", req(amd, "9.9", null, node, Map.of(), null, none), "is not in the registry"),
                Arguments.of("unknown digest", req(amd, null, "sha256:" + "0".repeat(64), node, Map.of(), null, none),
                             "is not in the registry"),
                Arguments.of("bad repository name", req("Bad/../Name", "1.0", null, node, Map.of(), null, none),
                             "not a valid repository name"),
                Arguments.of("tag and digest", req(amd, "1.0", "sha256:" + "0".repeat(64), node, Map.of(), null, none),
                             "exactly one of tag and digest"),
                Arguments.of("neither tag nor digest", req(amd, null, null, node, Map.of(), null, none),
                             "exactly one of tag and digest"),
                Arguments.of("bad digest", req(amd, null, "md5:abc", node, Map.of(), null, none), "not a valid digest"),
                Arguments.of("architecture mismatch", req(amd, "1.0", null, MockKubernetes.ARM64_WORKER, Map.of(), null,
                                                          none), "arm64 node; image has linux/amd64 only"),
                Arguments.of("unknown node", req(amd, "1.0", null, "ghost", Map.of(), null, none), "unknown node"),
                Arguments.of("missing node", req(amd, "1.0", null, " ", Map.of(), null, none), "node is required"),
                Arguments.of("env name with dash", req(amd, "1.0", null, node, Map.of("BAD-NAME", "x"), null, none),
                             "C identifier"),
                Arguments.of("env name with digit first", req(amd, "1.0", null, node, Map.of("1X", "x"), null, none),
                             "C identifier"),
                Arguments.of("restart policy", req(amd, "1.0", null, node, Map.of(), "Sometimes", none),
                             "must be Never, OnFailure or Always"),
                Arguments.of("cpu quantity", req(amd, "1.0", null, node, Map.of(), null,
                                                 new Resources("lots", null, null, null)), "not a Kubernetes quantity"),
                Arguments.of("memory quantity", req(amd, "1.0", null, node, Map.of(), null,
                                                    new Resources(null, null, "64MB", null)), "not a Kubernetes quantity"),
                Arguments.of("negative quantity", req(amd, "1.0", null, node, Map.of(), null,
                                                      new Resources(null, "-1", null, null)), "not a Kubernetes quantity"),
                Arguments.of("request above limit", req(amd, "1.0", null, node, Map.of(), null,
                                                        new Resources(null, null, "1Gi", "512Mi")),
                             "larger than its limit"),
                Arguments.of("helm chart", req("charts/demo", "0.1.0", null, node, Map.of(), null, none),
                             "not a runnable image"),
                Arguments.of("OCI artifact", req("artifacts/sbom", "v1", null, node, Map.of(), null, none),
                             "not a runnable image"));
    }

    private static LaunchRequest req(String repo, String tag, String digest, String node, Map<String, String> env,
                                     String restart, Resources resources) {
        return new LaunchRequest(repo, tag, digest, node, List.of(), List.of(), env, restart, resources);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void launch_invalidInput_isRefusedWithAReason_andCreatesNoPod(String what, LaunchRequest request, String reason) {
        assertThatThrownBy(() -> f.runner().launch(request))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining(reason);
        assertThat(f.k8s.fabric8().pods().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void launch_forbiddenByRbac_saysWhichPermissionIsMissing() {
        try (MockKubernetes k = MockKubernetes.withNodes(Map.of())) {
            k.server().expect().post().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods")
                    .andReturn(403, """
                            {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,
                             "message":"pods is forbidden: User \\"system:serviceaccount:catalog:catalog\\" cannot create resource \\"pods\\" in API group \\"\\" in the namespace \\"runs\\""}
                            """).always();
            Runner runner = Runner.create(f.catalog, k.cluster(),
                                          new RunSettings(true, NAMESPACE, java.time.Duration.ofHours(1)));
            TestPusher.Image pushed = f.seeded.amd64Only();

            assertThatThrownBy(() -> runner.launch(LaunchRequest.of(pushed.repository(), pushed.tag(),
                                                                    MockKubernetes.AMD64_WORKER)))
                    .isInstanceOfSatisfying(ClusterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClusterException.Kind.FORBIDDEN);
                        assertThat(e.getMessage())
                                .startsWith("the catalog's service account may not create pods in runs")
                                .contains("cannot create resource");
                        assertThat(e.apiMessage()).startsWith("pods is forbidden");
                    });
            assertThat(k.fabric8().pods().inAnyNamespace().list().getItems()).isEmpty();
        }
    }

    private static void createForeignPod(String name) {
        f.k8s.fabric8().pods().inNamespace(NAMESPACE).resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app.kubernetes.io/managed-by", "catalog").endMetadata()
                .withNewSpec().addNewContainer().withName("run").withImage("x").endContainer().endSpec()
                .build()).create();
    }

    private static String childDigest(TestPusher.Index index, String arch) {
        return index.platforms().stream().filter(p -> p.arch().architecture().equals(arch)).findFirst()
                .orElseThrow().digest();
    }
}
