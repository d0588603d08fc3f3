package dev.imagecatalog.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.cluster.KubernetesCluster;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.NodeChoice;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Issue 15's pre-flight row (see {@code scripts/bench.sh --only preflight}): the stand-in API (Fabric8 mock) holds
 * {@code nodes} nodes and {@code pods} pods, a real registry one image; {@code viewers} threads ask the runner's
 * pre-flight for that image back to back, each with other requests, for {@code seconds}. Measured: the answer
 * time (p50 warm: goal ≤ 20 ms) and the cluster-wide pod lists the API server received meanwhile (goal: at most one
 * per cache period, whatever the number of viewers). In process, through {@link Runner} and the real adapter: the
 * HTTP layer adds well under a millisecond (see the wrk rows). Writes its section into {@code out}, replacing the one
 * of an earlier run.
 */
public final class PreflightBench {

    /** Pods per page, as the adapter asks ({@code KubernetesCluster.POD_PAGE}). */
    private static final int PAGE = 500;
    /** The runner's cache period ({@code runner.NodeLoads.REFRESH}). */
    private static final Duration CACHE_PERIOD = Duration.ofSeconds(5);
    private static final String START = "<!-- preflight-bench:start -->";
    private static final String END = "<!-- preflight-bench:end -->";
    private static final String NAMESPACE = "runs";
    private static final String REPOSITORY = "bench/preflight";
    private static final String TAG = "1.0";

    private PreflightBench() {
    }

    /**
     * Runs the row.
     *
     * @param args {@code key=value}: nodes (100), pods (10000), viewers (10), seconds (60), out (bench/RESULTS.md)
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> params = new HashMap<>(Map.of("nodes", "100", "pods", "10000", "viewers", "10",
                                                          "seconds", "60", "out", "bench/RESULTS.md"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1 || !params.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("unknown parameter " + arg + "; known: " + params.keySet());
            }
            params.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int nodes = Integer.parseInt(params.get("nodes"));
        int pods = Integer.parseInt(params.get("pods"));
        int viewers = Integer.parseInt(params.get("viewers"));
        Duration window = Duration.ofSeconds(Long.parseLong(params.get("seconds")));
        List<String[]> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        try (LocalRegistry registry = LocalRegistry.start();
                MockKubernetes k8s = MockKubernetes.empty();
                RegistryCatalog catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), "localhost:5001"))) {
            new TestPusher(registry).pushOciImage(REPOSITORY, TAG, TestPusher.Arch.AMD64, Map.of());
            log("seeding " + nodes + " nodes and " + pods + " pods into the stand-in API");
            long seedStart = System.nanoTime();
            for (int i = 0; i < nodes; i++) {
                k8s.addNode(node(i), "amd64", true, false, false, List.of());
            }
            programPods(k8s, nodes, pods);
            int counted = pods;
            notes.add("Seeding: " + nodes + " nodes (4 CPU, 8025424Ki each) in the mock's store and " + pods
                      + " running pods (25m CPU, 48Mi each, in turn on every node) as its paged answer, in "
                      + secs(Duration.ofNanos(System.nanoTime() - seedStart)) + ".");

            // what every pre-flight call and tag page paid before: one list of every pod
            KubernetesCluster cluster = k8s.cluster();
            long[] lists = new long[3];
            for (int i = 0; i < lists.length; i++) {
                long t = System.nanoTime();
                int n = cluster.scheduledPods().size();
                lists[i] = System.nanoTime() - t;
                if (n != counted) {
                    throw new IllegalStateException("the adapter counted " + n + " pods, expected " + counted);
                }
            }
            Arrays.sort(lists);
            long listBytes = listBytes(k8s);
            rows.add(new String[] {"One cluster-wide pod list of " + pods + " pods (what every pre-flight call made "
                                   + "before the cache)", "median " + ms(lists[1]) + " of 3", "reference", ""});

            Runner runner = Runner.create(catalog, cluster, new RunSettings(true, NAMESPACE, Duration.ofHours(1)));
            k8s.takeRequests();
            long cold = System.nanoTime();
            List<NodeChoice> first = runner.preflight(REPOSITORY, TAG, Resources.NONE);
            cold = System.nanoTime() - cold;
            if (first.size() != nodes) {
                throw new IllegalStateException("pre-flight answered " + first.size() + " nodes, expected " + nodes);
            }
            rows.add(new String[] {"Pre-flight, first call (reads the nodes and every scheduled pod)", ms(cold), "—",
                                   ""});

            log(viewers + " viewers for " + window.toSeconds() + " s");
            k8s.takeRequests();
            Viewers measured = viewers(runner, viewers, window);
            List<String> sent = k8s.takeRequests();
            long podLists = sent.stream().filter(r -> r.startsWith("GET /api/v1/pods?") && !r.contains("continue="))
                    .count();
            long podPages = sent.stream().filter(r -> r.startsWith("GET /api/v1/pods?")).count();
            long nodeLists = sent.stream().filter(r -> r.startsWith("GET /api/v1/nodes")).count();
            double seconds = measured.elapsed().toNanos() / 1e9;
            long[] t = measured.nanos();
            long p50 = percentile(t, 50);
            rows.add(new String[] {"Pre-flight answer, warm, " + viewers + " concurrent viewers back to back ("
                                   + t.length + " answers in " + String.format(Locale.ROOT, "%.0f", seconds) + " s)",
                                   "p50 " + ms(p50) + ", p90 " + ms(percentile(t, 90)) + ", p99 "
                                   + ms(percentile(t, 99)) + ", max " + ms(t[t.length - 1]),
                                   "p50 ≤ 20 ms", p50 <= 20_000_000L ? "met" : "NOT met"});
            double periods = seconds / CACHE_PERIOD.toSeconds();
            long allowed = (long) Math.ceil(periods);
            rows.add(new String[] {"Cluster-wide pod lists while they viewed (cache period "
                                   + CACHE_PERIOD.toSeconds() + " s)",
                                   podLists + " lists (" + podPages + " requests; " + nodeLists + " node lists) = "
                                   + String.format(Locale.ROOT, "%.1f", podLists * 60 / seconds) + " per minute",
                                   "≤ 1 per cache period (≤ " + allowed + " in " + String.format(Locale.ROOT, "%.0f", seconds)
                                   + " s)", podLists <= allowed ? "met" : "NOT met"});
            notes.add("The stand-in API's store ignores fieldSelector, limit and continue, so the pods are its "
                      + "programmed answer to exactly the requests the adapter sends: the filtered list, " + PAGE
                      + " pods a page with continue tokens, as a real API server answers (tests assert the selector "
                      + "and paging sent; the k3s test proves the server's semantics). One list = "
                      + ((pods + PAGE - 1) / PAGE) + " requests, " + mib(listBytes) + " of JSON.");
            notes.add("In process: " + viewers + " threads call `Runner.preflight` (the handler of "
                      + "`GET /api/repositories/<name>/tags/<tag>/nodes`) with rotating CPU and memory requests and no "
                      + "pause; the stand-in API, the registry and the viewers share the machine's cores.");
        }
        write(Path.of(params.get("out")), section(params, rows, notes));
    }

    /**
     * Programs the stand-in API to answer the adapter's paged, filtered pod list as a real API server would: {@code pods}
     * pods bound to the nodes in turn, {@link #PAGE} a page, each page with the continue token of the next. Only the
     * exact requests the adapter should send match; anything else reaches the mock's empty pod store. Seeding 10,000
     * pods through the mock's CRUD store takes minutes here, and it would ignore the selector and paging anyway.
     */
    private static void programPods(MockKubernetes k8s, int nodes, int pods) {
        KubernetesSerialization json = new KubernetesSerialization();
        String selector = "fieldSelector=" + URLEncoder.encode(KubernetesCluster.SCHEDULED_PODS, StandardCharsets.UTF_8)
                          + "&limit=" + PAGE;
        int pages = (pods + PAGE - 1) / PAGE;
        for (int page = 0; page < pages; page++) {
            List<Pod> items = new ArrayList<>();
            for (int i = page * PAGE; i < Math.min(pods, (page + 1) * PAGE); i++) {
                items.add(pod(i, node(i % nodes)));
            }
            PodList list = new PodListBuilder().withNewMetadata().withResourceVersion("4711")
                    .withContinue(page + 1 < pages ? "page-" + (page + 1) : null).endMetadata()
                    .withItems(items).build();
            String path = "/api/v1/pods?" + (page == 0 ? "" : "continue=page-" + page + "&") + selector;
            k8s.server().expect().get().withPath(path).andReturn(200, json.asJson(list)).always();
        }
    }

    /** A pod as a Deployment's ReplicaSet leaves it on a node, with the fields a real API server sends (~2 KB). */
    private static Pod pod(int i, String node) {
        String app = "app-" + (i / 10);
        String time = "2026-12-01T10:00:00Z";
        return new PodBuilder()
                .withNewMetadata().withName(app + "-7d9c5b6f4-" + String.format(Locale.ROOT, "%05d", i))
                .withNamespace("team-" + (i % 25)).withUid(UUID.nameUUIDFromBytes(("pod" + i).getBytes()).toString())
                .withResourceVersion(String.valueOf(1000 + i)).withCreationTimestamp(time)
                .addToLabels("app.kubernetes.io/name", app).addToLabels("pod-template-hash", "7d9c5b6f4")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(app + "-7d9c5b6f4")
                .withUid(UUID.nameUUIDFromBytes(app.getBytes()).toString()).withController(true)
                .withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy("Always").withDnsPolicy("ClusterFirst")
                .withSchedulerName("default-scheduler").withServiceAccountName("default")
                .withTerminationGracePeriodSeconds(30L).withPriority(0)
                .addToContainers(new ContainerBuilder().withName("app")
                        .withImage("registry.example/" + app + ":1." + (i % 7)).withImagePullPolicy("IfNotPresent")
                        .addNewPort().withContainerPort(8080).withProtocol("TCP").withName("http").endPort()
                        .addNewEnv().withName("LOG_LEVEL").withValue("info").endEnv()
                        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.name").withApiVersion("v1").endFieldRef().endValueFrom().endEnv()
                        .withNewResources().addToRequests("cpu", new Quantity("25m"))
                        .addToRequests("memory", new Quantity("48Mi")).addToLimits("memory", new Quantity("128Mi"))
                        .endResources()
                        .addNewVolumeMount().withName("kube-api-access").withMountPath(
                                "/var/run/secrets/kubernetes.io/serviceaccount").withReadOnly(true).endVolumeMount()
                        .withTerminationMessagePath("/dev/termination-log").withTerminationMessagePolicy("File")
                        .build())
                .addNewVolume().withName("kube-api-access").withNewProjected().withDefaultMode(420)
                .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L)
                .endServiceAccountToken().endSource().endProjected().endVolume()
                .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(300L).endToleration()
                .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(300L).endToleration()
                .endSpec()
                .withNewStatus().withPhase("Running").withQosClass("Burstable").withHostIP("10.0.0." + (i % 250))
                .withPodIP("10.244." + (i % 250) + "." + (i / 250 % 250)).withStartTime(time)
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(time).endCondition()
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(time)
                .endCondition()
                .addNewContainerStatus().withName("app").withReady(true).withStarted(true).withRestartCount(0)
                .withImage("registry.example/" + app + ":1." + (i % 7))
                .withImageID("registry.example/" + app + "@sha256:" + "0".repeat(64))
                .withContainerID("containerd://" + "a".repeat(64))
                .withNewState().withNewRunning().withStartedAt(time).endRunning().endState().endContainerStatus()
                .endStatus().build();
    }

    /** Bytes of one full pod list, as the stand-in API answers it (all pages). */
    private static long listBytes(MockKubernetes k8s) throws Exception {
        // the same requests the adapter makes, read raw
        var client = k8s.apiClient();
        long total = 0;
        String next = null;
        do {
            var call = new io.kubernetes.client.openapi.apis.CoreV1Api(client).listPodForAllNamespaces()
                    .fieldSelector(KubernetesCluster.SCHEDULED_PODS).limit(PAGE)._continue(next).buildCall(null);
            try (var response = call.execute()) {
                byte[] body = response.body().bytes();
                total += body.length;
                var meta = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("metadata");
                next = meta.path("continue").asText("");
            }
        } while (!next.isEmpty());
        return total;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private record Viewers(long[] nanos, Duration elapsed) {
    }

    private static Viewers viewers(Runner runner, int viewers, Duration window) throws Exception {
        String[] cpu = {null, "100m", "500m", "1", "2"};
        String[] memory = {null, "64Mi", "512Mi", "1Gi", "2Gi", "3Gi"};
        long start = System.nanoTime();
        long deadline = start + window.toNanos();
        List<Future<long[]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(viewers)) {
            for (int v = 0; v < viewers; v++) {
                int viewer = v;
                results.add(pool.submit(() -> {
                    long[] times = new long[1024];
                    int n = 0;
                    // bounded by time and by count
                    while (System.nanoTime() < deadline && n < 5_000_000) {
                        Resources requests = new Resources(cpu[(viewer + n) % cpu.length], null,
                                                           memory[(viewer * 7 + n) % memory.length], null);
                        long t = System.nanoTime();
                        runner.preflight(REPOSITORY, TAG, requests);
                        if (n == times.length) {
                            times = Arrays.copyOf(times, n * 2);
                        }
                        times[n++] = System.nanoTime() - t;
                    }
                    return Arrays.copyOf(times, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : results) {
                all.add(f.get(window.toSeconds() + 120, TimeUnit.SECONDS));
            }
            long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Viewers(merged, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static long percentile(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String section(Map<String, String> params, List<String[]> rows, List<String> notes) {
        StringBuilder md = new StringBuilder(START).append('\n');
        md.append("## Pre-flight at cluster scale (issue 15)\n\n");
        md.append("Written by `scripts/bench.sh --only preflight` (`PreflightBench`); a full run writes it too.\n\n");
        md.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .substring(0, 16)).append(" UTC\n");
        md.append("- Parameters: ").append(params.get("nodes")).append(" nodes, ").append(params.get("pods"))
                .append(" pods, ").append(params.get("viewers")).append(" viewers, ").append(params.get("seconds"))
                .append(" s\n");
        md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs; load average at ")
                .append("the end: ").append(loadAverage()).append("; JDK ")
                .append(System.getProperty("java.runtime.version")).append("\n\n");
        md.append("| Figure | Measured | Goal | Against the goal |\n|---|---|---|---|\n");
        for (String[] r : rows) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        md.append('\n');
        notes.forEach(n -> md.append("- ").append(n).append('\n'));
        return md.append(END).append('\n').toString();
    }

    /** Replaces this row's section of an earlier run, or appends it. */
    private static void write(Path out, String section) throws IOException {
        String text = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "# Benchmark results\n\n";
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start >= 0 && end > start) {
            text = text.substring(0, start) + section + text.substring(end + END.length()).replaceFirst("^\n", "");
        } else {
            text = text + (text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, text, StandardCharsets.UTF_8);
        System.out.println(section);
        System.out.println("(written to " + out + ")");
    }

    private static String node(int i) {
        return String.format(Locale.ROOT, "node-%03d", i);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String ms(long nanos) {
        return nanos >= 100_000_000L ? (nanos / 1_000_000) + " ms"
                : String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static String secs(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static void log(String message) {
        System.out.println("[bench] " + message);
    }
}
