package dev.imagecatalog.runner;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.KubernetesCluster;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner against a real API server, scheduler and kubelet (k3s in Docker): list the node, run a small image
 * pinned by digest on it, see it reach Succeeded, read its log, delete it; a pod too big for the node stays Pending
 * with the scheduler's message; the sweep deletes a finished run after its TTL.
 *
 * <p>The test registry is not reachable from inside k3s, so the image is public ({@code docker.io/library/busybox});
 * the pull host is the catalog's, so a catalog describing that image stands in for the registry. Its digest is read
 * from k3s' own containerd after a pull, never hard-coded.
 */
@Testcontainers(disabledWithoutDocker = true)
class RunnerK3sIT {

    /** Kubernetes 1.36, the version client-java 27 is generated for. */
    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.36.2-k3s1"));

    private static final String REPOSITORY = "library/busybox";
    private static final String TAG = "1.37.0";
    private static final String NAMESPACE = "default";

    private static KubernetesCluster cluster;
    private static ApiClient client;
    private static Catalog catalog;
    private static String node;

    @BeforeAll
    static void connect() throws Exception {
        client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(K3S.getKubeConfigYaml())))
                .setReadTimeout(Duration.ofSeconds(30))
                .build();
        cluster = new KubernetesCluster(client);
        // The node has to exist and be Ready before anything is scheduled.
        List<Node> nodes = waitFor("a Ready node", () -> cluster.nodes(), n -> !n.isEmpty() && n.getFirst().ready(),
                                   Duration.ofMinutes(2));
        Node only = nodes.getFirst();
        node = only.name();
        String digest = pullAndReadDigest("docker.io/" + REPOSITORY + ":" + TAG);
        catalog = new PublicImageCatalog(REPOSITORY, TAG, digest, new Platform(only.os(), only.architecture(), null),
                                         true);
    }

    private static Runner runner(Duration ttl) {
        return Runner.create(catalog, cluster, new RunSettings(true, NAMESPACE, ttl));
    }

    @Test
    void nodes_listTheK3sServerNode() {
        List<Node> nodes = runner(Duration.ofHours(1)).nodes();

        assertThat(nodes).hasSize(1);
        Node n = nodes.getFirst();
        assertThat(n.ready()).isTrue();
        assertThat(n.roles()).contains("control-plane");
        assertThat(n.os()).isEqualTo("linux");
        assertThat(n.architecture()).isIn("amd64", "arm64");
        assertThat(n.kubeletVersion()).startsWith("v1.36.");
        assertThat(n.cpu()).isNotBlank();
        assertThat(n.memory()).isNotBlank();
    }

    @Test
    void launch_runsOnTheNode_succeeds_logsAndIsDeleted() throws Exception {
        Runner runner = runner(Duration.ofHours(1));
        assertThat(runner.nodeChoices(catalog.tag(REPOSITORY, TAG)))
                .singleElement().matches(NodeChoice::selectable);

        Run run = runner.launch(new LaunchRequest(REPOSITORY, TAG, null, node, List.of("sh", "-c"),
                                                  List.of("echo hello from $WHO; echo second line"),
                                                  Map.of("WHO", "k3s"), null,
                                                  new Resources("10m", "200m", "16Mi", "64Mi")));

        assertThat(run.image()).isEqualTo("docker.io/" + REPOSITORY + "@" + catalog.tag(REPOSITORY, TAG)
                .summary().digest());
        Run done = waitFor("run to finish", () -> find(runner, run.name()), r -> r != null && r.done(),
                           Duration.ofMinutes(3));
        assertThat(done.phase()).isEqualTo("Succeeded");
        assertThat(done.node()).isEqualTo(node);
        assertThat(done.exitCode()).isZero();
        assertThat(done.reason()).isEqualTo("Completed");
        assertThat(done.repository()).isEqualTo(REPOSITORY);
        assertThat(done.tag()).isEqualTo(TAG);

        assertThat(runner.logs(run.name(), 10)).isEqualTo("hello from k3s\nsecond line\n");
        List<String> lines = new ArrayList<>();
        runner.followLogs(run.name(), null, lines::add); // ends: the container has exited
        assertThat(lines).containsExactly("hello from k3s", "second line");

        RunDetail detail = runner.run(run.name());
        assertThat(detail.env()).containsEntry("WHO", "k3s");
        assertThat(detail.events()).extracting(e -> e.reason()).contains("Scheduled");

        runner.stop(run.name());
        waitFor("pod to be gone", () -> find(runner, run.name()), r -> r == null, Duration.ofMinutes(1));
    }

    @Test
    void stop_ofARunningRun_showsTerminatingUntilTheKubeletHasEndedIt() throws Exception {
        Runner runner = runner(Duration.ofHours(1));
        // sleep as PID 1 ignores SIGTERM, so the pod stays Terminating for its grace period
        Run run = runner.launch(new LaunchRequest(REPOSITORY, TAG, null, node, List.of("sleep", "3600"), List.of(),
                                                  Map.of(), null, null));
        Run running = waitFor("run to start", () -> find(runner, run.name()),
                              r -> r != null && "running".equals(r.state()), Duration.ofMinutes(3));
        assertThat(running.phase()).isEqualTo("Running");

        runner.stop(run.name());

        Run stopping = find(runner, run.name());
        assertThat(stopping).isNotNull();
        assertThat(stopping.reason()).isEqualTo("Terminating");
        waitFor("pod to be gone", () -> find(runner, run.name()), r -> r == null, Duration.ofMinutes(2));
    }

    @Test
    void launch_tooBigForWhatIsFree_preflightSaysWait_andTheRunShowsTheSchedulersMessage() throws Exception {
        Runner runner = runner(Duration.ofHours(1));
        // the whole allocatable memory: it would fit an empty node, but k3s' own pods (coredns…) request some of it
        String allocatable = cluster.nodes().getFirst().memory();
        Resources requests = new Resources(null, null, allocatable, null);

        NodeChoice choice = runner.nodeChoices(catalog.tag(REPOSITORY, TAG), requests).getFirst();
        assertThat(choice.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(choice.reasons()).anyMatch(r -> r.startsWith("does not fit: needs "));
        // larger than the node: the pre-flight says it can never run there, and launch refuses it
        NodeChoice never = runner.nodeChoices(catalog.tag(REPOSITORY, TAG), new Resources(null, null, "4000Gi", null))
                .getFirst();
        assertThat(never.verdict()).isEqualTo(Verdict.CANNOT);

        Run run = runner.launch(new LaunchRequest(REPOSITORY, TAG, null, node, List.of("true"), List.of(), Map.of(),
                                                  null, requests));

        Run pending = waitFor("scheduling message", () -> find(runner, run.name()),
                              r -> r != null && r.message() != null && r.message().contains("Insufficient memory"),
                              Duration.ofMinutes(1));
        assertThat(pending.phase()).isEqualTo("Pending");
        runner.stop(run.name());
    }

    @Test
    void scheduledPods_theApiServerFiltersOutFinishedAndUnboundPods_andPagesTheRest() throws Exception {
        // The Fabric8 mock ignores field selectors and paging: only a real API server proves what they select.
        CoreV1Api api = new CoreV1Api(client);
        String image = "docker.io/" + REPOSITORY + ":" + TAG;
        api.createNamespacedPod(NAMESPACE, plainPod("counted-done", node, null, image, "true")).execute();
        api.createNamespacedPod(NAMESPACE, plainPod("counted-nowhere", null, Map.of("example.invalid/none", "true"),
                                                    image, "sleep")).execute();
        api.createNamespacedPod(NAMESPACE, plainPod("counted-sleeper", node, null, image, "sleep")).execute();
        try {
            waitFor("the finished pod to succeed", () -> phase(api, "counted-done"), "Succeeded"::equals,
                    Duration.ofMinutes(2));
            waitFor("the sleeper to run", () -> phase(api, "counted-sleeper"), "Running"::equals, Duration.ofMinutes(2));
            assertThat(api.readNamespacedPod("counted-nowhere", NAMESPACE).execute().getSpec().getNodeName()).isNull();

            // the selector as the adapter sends it, without its own filter behind it: what the server answers
            List<String> selected = api.listPodForAllNamespaces().fieldSelector(KubernetesCluster.SCHEDULED_PODS)
                    .execute().getItems().stream().map(p -> p.getMetadata().getName()).toList();
            assertThat(selected).contains("counted-sleeper").doesNotContain("counted-done", "counted-nowhere");
            // a page of one leaves a continue token: the server honours limit with the selector
            var first = api.listPodForAllNamespaces().fieldSelector(KubernetesCluster.SCHEDULED_PODS).limit(1).execute();
            assertThat(first.getItems()).hasSize(1);
            assertThat(first.getMetadata().getContinue()).isNotBlank();
            // and the adapter, page by page (500 a page here: k3s' own pods and ours), reads the same kind
            assertThat(cluster.scheduledPods()).extracting(p -> p.name())
                    .contains("counted-sleeper").doesNotContain("counted-done", "counted-nowhere");
        } finally {
            for (String name : List.of("counted-done", "counted-nowhere", "counted-sleeper")) {
                api.deleteNamespacedPod(name, NAMESPACE).gracePeriodSeconds(0).execute();
            }
        }
    }

    private static String phase(CoreV1Api api, String name) {
        try {
            var status = api.readNamespacedPod(name, NAMESPACE).execute().getStatus();
            return status == null ? null : status.getPhase();
        } catch (io.kubernetes.client.openapi.ApiException e) {
            return null;
        }
    }

    /** A pod not made by the catalog, with a request; bound by the scheduler, or never (a selector no node has). */
    private static V1Pod plainPod(String name, String onNode, Map<String, String> nodeSelector, String image,
                                  String what) {
        V1Container container = new V1Container().name("c").image(image)
                .command("sleep".equals(what) ? List.of("sleep", "3600") : List.of("true"))
                .resources(new V1ResourceRequirements().requests(Map.of("memory", new Quantity("16Mi"))));
        V1PodSpec spec = new V1PodSpec().restartPolicy("Never").containers(List.of(container))
                .terminationGracePeriodSeconds(0L);
        if (onNode != null) {
            spec.nodeSelector(Map.of("kubernetes.io/hostname", onNode));
        }
        if (nodeSelector != null) {
            spec.nodeSelector(nodeSelector);
        }
        return new V1Pod().apiVersion("v1").kind("Pod").metadata(new V1ObjectMeta().name(name)).spec(spec);
    }

    @Test
    void runWatcher_watchesThePods_andTellsListenersOfANewRun() throws Exception {
        RunnerService runner = (RunnerService) runner(Duration.ofHours(1));
        java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
        try (AutoCloseable subscription = runner.onRunsChanged(changed::countDown)) {
            waitFor("the watch to start", () -> runner.watcher().mode(), m -> m == RunWatcher.Mode.WATCH,
                    Duration.ofSeconds(30));
            Run run = runner.launch(new LaunchRequest(REPOSITORY, TAG, null, node, List.of("true"), List.of(),
                                                      Map.of(), null, null));
            assertThat(changed.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            // a real API server serves the watch: no fallback to polling
            assertThat(runner.watcher().mode()).isEqualTo(RunWatcher.Mode.WATCH);
            runner.stop(run.name());
        }
    }

    @Test
    void launch_ofADigestMissingFromTheRegistry_showsThePullDiagnosis() throws Exception {
        // the catalog still lists the tag, but its manifest is gone from the registry (and docker.io never had it)
        String missing = "sha256:" + "0".repeat(64);
        Node only = cluster.nodes().getFirst();
        Catalog forgetful = new PublicImageCatalog(REPOSITORY, "gone", missing,
                                                   new Platform(only.os(), only.architecture(), null), false);
        Runner runner = Runner.create(forgetful, cluster, new RunSettings(true, NAMESPACE, Duration.ofHours(1)));

        Run run = runner.launch(new LaunchRequest(REPOSITORY, "gone", null, node, List.of("true"), List.of(), Map.of(),
                                                  null, null));
        Run failing = waitFor("the kubelet to give up pulling", () -> find(runner, run.name()),
                              r -> r != null && ("ErrImagePull".equals(r.reason())
                                                 || "ImagePullBackOff".equals(r.reason())), Duration.ofMinutes(2));

        Diagnosis d = runner.diagnose(failing).orElseThrow();
        assertThat(d.summary()).isEqualTo("the image " + REPOSITORY + "@sha256:000000000000… is no longer in the "
                                          + "registry");
        assertThat(d.checks()).anyMatch(c -> "Is the manifest still in the registry?".equals(c.question())
                                             && Boolean.FALSE.equals(c.ok()));
        runner.stop(run.name());
    }

    @Test
    void sweep_deletesAFinishedRunOnceItsTtlHasPassed() throws Exception {
        Runner runner = runner(Duration.ofSeconds(2));
        Run run = runner.launch(new LaunchRequest(REPOSITORY, TAG, null, node, List.of("true"), List.of(), Map.of(),
                                                  null, null));
        waitFor("run to finish", () -> find(runner, run.name()), r -> r != null && r.done(), Duration.ofMinutes(3));
        Thread.sleep(3_000);

        assertThat(runner.sweep()).contains(run.name());
        waitFor("pod to be gone", () -> find(runner, run.name()), r -> r == null, Duration.ofMinutes(1));
    }

    private static Run find(Runner runner, String name) {
        return runner.runs().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    private static <T> T waitFor(String what, Supplier<T> probe, Predicate<T> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
            }
            Thread.sleep(1_000);
            last = probe.get();
        }
        return last;
    }

    /** Pulls the image with k3s' containerd and returns its repo digest (an index digest for busybox). */
    private static String pullAndReadDigest(String reference) throws Exception {
        var pull = K3S.execInContainer("crictl", "pull", reference);
        assertThat(pull.getExitCode()).as(pull.getStderr()).isZero();
        var inspect = K3S.execInContainer("crictl", "inspecti", "-o", "json", reference);
        assertThat(inspect.getExitCode()).as(inspect.getStderr()).isZero();
        JsonNode repoDigests = new ObjectMapper().readTree(inspect.getStdout()).path("status").path("repoDigests");
        for (JsonNode d : repoDigests) {
            String text = d.asText();
            if (text.contains("@sha256:")) {
                return text.substring(text.indexOf('@') + 1);
            }
        }
        throw new AssertionError("no repo digest in " + inspect.getStdout());
    }

    /**
     * A catalog of one public image on Docker Hub (pull host {@code docker.io}): k3s cannot reach the test
     * registry, and the runner only needs the tag's digest, platforms and pull host from a catalog.
     */
    private record PublicImageCatalog(String repository, String tag, String digest, Platform platform,
                                      boolean manifestPresent) implements Catalog {

        @Override
        public boolean manifestExists(String repo, String d) {
            return manifestPresent && repository.equals(repo) && digest.equals(d);
        }

        @Override
        public List<String> repositories(String q) {
            return List.of(repository);
        }

        @Override
        public List<TagSummary> tags(String repo) {
            return List.of(summary());
        }

        @Override
        public TagDetail tag(String repo, String t) {
            if (!repository.equals(repo) || !tag.equals(t)) {
                throw new RegistryException(RegistryException.Kind.NOT_FOUND, repo + ":" + t + " not found");
            }
            return new TagDetail(repository, summary(), List.of());
        }

        @Override
        public TagDetail digest(String repo, String d) {
            if (!repository.equals(repo) || !digest.equals(d)) {
                throw new RegistryException(RegistryException.Kind.NOT_FOUND, repo + "@" + d + " not found");
            }
            return new TagDetail(repository, summary(), List.of());
        }

        @Override
        public void ping() {
        }

        @Override
        public String pullHost() {
            return "docker.io";
        }

        // The repo digest of a multi-platform image is its index; containerd picks the node's platform from it.
        private TagSummary summary() {
            return new TagSummary(tag, digest, "application/vnd.oci.image.index.v1+json", null, null, ArtifactKind.INDEX,
                                  List.of(new PlatformImage(platform, digest, 0, null)));
        }
    }
}
