package dev.imagecatalog.runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.Cluster;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.PodPlan;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.cluster.Taint;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;

import com.github.benmanes.caffeine.cache.Ticker;

/** The {@link Runner}: validates launches against the catalog and the nodes, then talks to the {@link Cluster}. */
final class RunnerService implements Runner {

    private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_NAME = 63;
    /** One watch call lasts this long before it is renewed (the API server ends it). */
    private static final Duration WATCH_TIMEOUT = Duration.ofMinutes(5);
    /** The fallback's listing interval when the watch cannot be started. */
    private static final Duration WATCH_POLL = Duration.ofSeconds(3);
    /** The fallback polls this long before the watch is tried again. */
    private static final Duration WATCH_RETRY = Duration.ofMinutes(1);
    /** Catalog look-ups per pre-flight to learn the layers of the images nodes hold (the estimate's bound). */
    private static final int MAX_IMAGE_LOOKUPS = 16;

    private final Catalog catalog;
    private final Supplier<Cluster> clusterFactory;
    private final boolean lazy;
    private volatile Cluster cluster;
    private final RunSettings settings;
    private final Supplier<String> suffixes;
    private final Clock clock;
    private final RunWatcher watcher;
    private final Preflight preflight;
    private final NodeLoads loads;

    RunnerService(Catalog catalog, Cluster cluster, RunSettings settings) {
        this(catalog, cluster, settings, randomSuffixes(), Clock.systemUTC());
    }

    /**
     * With a cluster created on first use, and never while runs are disabled: a read-only catalog then loads no
     * Kubernetes client at all, and every cluster call answers {@link RunsDisabledException}.
     */
    RunnerService(Catalog catalog, Supplier<Cluster> clusterFactory, RunSettings settings) {
        this(catalog, null, clusterFactory, settings, randomSuffixes(), Clock.systemUTC(), WATCH_POLL,
             Ticker.systemTicker());
    }

    /** For tests: fixed name suffixes (to force collisions) and a fixed clock (for the sweep). */
    RunnerService(Catalog catalog, Cluster cluster, RunSettings settings, Supplier<String> suffixes, Clock clock) {
        this(catalog, cluster, () -> cluster, settings, suffixes, clock, WATCH_POLL, Ticker.systemTicker());
    }

    /** For tests: polls this often when the watch cannot be started (the mock serves no plain-HTTP watches). */
    RunnerService(Catalog catalog, Cluster cluster, RunSettings settings, Duration pollInterval) {
        this(catalog, cluster, () -> cluster, settings, randomSuffixes(), Clock.systemUTC(), pollInterval,
             Ticker.systemTicker());
    }

    /** For tests: the kept node figures age by this ticker ({@link NodeLoads}). */
    RunnerService(Catalog catalog, Cluster cluster, RunSettings settings, Ticker ticker) {
        this(catalog, cluster, () -> cluster, settings, randomSuffixes(), Clock.systemUTC(), WATCH_POLL, ticker);
    }

    /** @param cluster the cluster, or {@code null} for one created on first use by {@code clusterFactory} */
    private RunnerService(Catalog catalog, Cluster cluster, Supplier<Cluster> clusterFactory, RunSettings settings,
                          Supplier<String> suffixes, Clock clock, Duration pollInterval, Ticker ticker) {
        this.catalog = Objects.requireNonNull(catalog);
        this.cluster = cluster;
        this.clusterFactory = Objects.requireNonNull(clusterFactory);
        this.lazy = cluster == null;
        this.settings = Objects.requireNonNull(settings);
        this.suffixes = suffixes;
        this.clock = clock;
        this.watcher = watcher(settings, pollInterval);
        this.preflight = new Preflight(catalog, settings);
        this.loads = new NodeLoads(this::cluster, ticker);
    }

    private RunWatcher watcher(RunSettings settings, Duration pollInterval) {
        return new RunWatcher(this::cluster, settings.namespace(), WATCH_TIMEOUT, pollInterval, WATCH_RETRY);
    }

    /** The shared watcher (tests read its mode). */
    RunWatcher watcher() {
        return watcher;
    }

    @Override
    public AutoCloseable onRunsChanged(Runnable listener) {
        if (lazy && !settings.enabled()) {
            // a read-only catalog without a cluster client: nothing will change that it could see
            cluster();
        }
        return watcher.subscribe(listener);
    }

    /** The cluster; a lazy one is created on first use (a failure is not kept: the next call tries again). */
    private Cluster cluster() {
        Cluster current = cluster;
        if (current != null) {
            return current;
        }
        if (lazy && !settings.enabled()) {
            throw new RunsDisabledException(settings.offReason());
        }
        synchronized (this) {
            if (cluster == null) {
                cluster = Objects.requireNonNull(clusterFactory.get(), "cluster");
            }
            return cluster;
        }
    }

    @Override
    public RunSettings settings() {
        return settings;
    }

    @Override
    public List<Node> nodes() {
        return cluster().nodes();
    }

    @Override
    public List<NodeChoice> nodeChoices(TagDetail image) {
        return nodeChoices(image, Resources.NONE);
    }

    @Override
    public List<NodeChoice> nodeChoices(TagDetail image, Resources requests) {
        LaunchValidation.checkPair("cpu", requests.cpuRequest(), requests.cpuLimit());
        LaunchValidation.checkPair("memory", requests.memoryRequest(), requests.memoryLimit());
        // the figures every viewer shares (at most one read of the cluster per period), not a list per call
        NodeLoads.Snapshot snapshot = loads.get();
        LayerKnowledge layers = new LayerKnowledge(catalog, MAX_IMAGE_LOOKUPS);
        List<NodeChoice> out = new ArrayList<>();
        for (Node node : snapshot.nodes()) {
            out.add(preflight.choice(image, node, requests, snapshot.requestedOn(node.name()), layers));
        }
        out.sort(Preflight.BEST_FIRST);
        return out;
    }

    @Override
    public List<NodeChoice> preflight(String repository, String tag, Resources requests) {
        LaunchValidation.checkLength("repository", repository, LaunchValidation.MAX_REPOSITORY);
        LaunchValidation.checkLength("tag", tag, LaunchValidation.MAX_TAG);
        LaunchValidation.checkLength("cpuRequest", requests.cpuRequest(), LaunchValidation.MAX_QUANTITY);
        LaunchValidation.checkLength("memoryRequest", requests.memoryRequest(), LaunchValidation.MAX_QUANTITY);
        return nodeChoices(catalog.tag(repository, tag), requests);
    }

    @Override
    public void check(LaunchRequest request) {
        LaunchValidation.validateShape(request);
    }

    @Override
    public Run launch(LaunchRequest request, LaunchOptions options) {
        if (!settings.enabled()) {
            throw new RunsDisabledException(settings.offReason());
        }
        LaunchValidation.validateShape(request);
        TagDetail image = resolve(request);
        if (!image.summary().runnable()) {
            throw new LaunchException(describe(request) + " is a " + image.summary().kind().label()
                                      + ", not a runnable image");
        }
        Node node = cluster().nodes().stream()
                .filter(n -> n.name().equals(request.node()))
                .findFirst()
                .orElseThrow(() -> LaunchException.field("node", "unknown node \"" + request.node() + "\""));
        NodeChoice choice = preflight.choice(image, node, request.resources());
        if (!choice.selectable()) {
            throw LaunchException.field("node", "cannot run " + describe(request) + " on node \"" + node.name()
                                                + "\": " + choice.reason());
        }
        if (choice.tainted() && !options.acceptTaints()) {
            throw LaunchException.field("acceptTaints", "node \"" + node.name() + "\" is tainted (" + Preflight.taints(node)
                                                        + "): confirm with acceptTaints (the form's checkbox) to run "
                                                        + "there anyway");
        }
        PodPlan plan = plan(request, image, node, choice.platform(), options.launchedBy());
        try {
            Run created = create(plan);
            // the launching viewer's next pre-flight counts the new pod
            loads.invalidate();
            return created;
        } catch (ClusterException e) {
            if (e.kind() == ClusterException.Kind.INVALID) {
                // The API found something our checks missed: still the user's input, still nothing created.
                throw new LaunchException("Kubernetes rejected the run: " + e.apiMessage());
            }
            throw e;
        }
    }

    private Run create(PodPlan plan) {
        try {
            return cluster().create(plan);
        } catch (ClusterException e) {
            if (e.kind() != ClusterException.Kind.CONFLICT) {
                throw e;
            }
            // 36^5 names per image: a collision is rare, two in a row means something else is wrong.
            return cluster().create(plan.withName(podName(plan.annotations().get(PodPlan.REPOSITORY))));
        }
    }

    private TagDetail resolve(LaunchRequest r) {
        try {
            return blank(r.tag()) ? catalog.digest(r.repository(), r.digest()) : catalog.tag(r.repository(), r.tag());
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                throw new LaunchException(describe(r) + " is not in the registry: " + e.getMessage());
            }
            throw e;
        }
    }

    private PodPlan plan(LaunchRequest r, TagDetail image, Node node, PlatformImage platform, String launchedBy) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PodPlan.MANAGED_BY, PodPlan.MANAGER);
        labels.put(PodPlan.REPOSITORY, labelValue(r.repository()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(PodPlan.REPOSITORY, r.repository());
        annotations.put(PodPlan.DIGEST, image.summary().digest());
        String tag = blank(r.tag()) ? image.summary().name() : r.tag();
        if (!blank(tag) && !tag.equals(image.summary().digest())) {
            labels.put(PodPlan.TAG, labelValue(tag));
            annotations.put(PodPlan.TAG, tag);
        }
        if (!blank(launchedBy)) {
            annotations.put(PodPlan.LAUNCHED_BY, launchedBy);
        }
        List<Taint> tolerations = node.taints().stream().filter(Taint::repels).toList();
        Map<String, String> env = new LinkedHashMap<>();
        r.env().forEach((k, v) -> env.put(k, v == null ? "" : v));
        String restart = blank(r.restartPolicy()) ? "Never" : r.restartPolicy();
        return new PodPlan(podName(r.repository()),
                           settings.namespace(),
                           catalog.pullHost() + "/" + r.repository() + "@" + platform.digest(),
                           node.hostname(),
                           labels,
                           annotations,
                           tolerations,
                           r.command(),
                           r.args(),
                           env,
                           restart,
                           r.resources(),
                           settings.runAsNonRoot());
    }

    private String podName(String repository) {
        return podName(repository, suffixes.get());
    }

    /** {@code <last path segment>-<suffix>}, a DNS-1123 label of at most 63 characters. */
    static String podName(String repository, String suffix) {
        String last = repository.substring(repository.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]+", "-")
                .replaceAll("-{2,}", "-");
        int room = MAX_NAME - 1 - suffix.length();
        if (last.length() > room) {
            last = last.substring(0, room);
        }
        last = last.replaceAll("^-+|-+$", "");
        return (last.isEmpty() ? "run" : last) + "-" + suffix;
    }

    /** A label value: at most 63 of {@code [A-Za-z0-9-_.]}, beginning and ending alphanumeric ('/' becomes '.'). */
    static String labelValue(String text) {
        String v = text.replace('/', '.').replaceAll("[^A-Za-z0-9._-]", "_");
        if (v.length() > MAX_NAME) {
            v = v.substring(0, MAX_NAME);
        }
        return v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    private static Supplier<String> randomSuffixes() {
        SecureRandom random = new SecureRandom();
        return () -> {
            StringBuilder sb = new StringBuilder(5);
            for (int i = 0; i < 5; i++) {
                sb.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
            }
            return sb.toString();
        };
    }

    private static String describe(LaunchRequest r) {
        return r.repository() + (blank(r.tag()) ? "@" + r.digest() : ":" + r.tag());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public List<Run> runs() {
        return cluster().runs(settings.namespace());
    }

    @Override
    public RunDetail run(String name) {
        checkName(name);
        return cluster().run(settings.namespace(), name)
                .orElseThrow(() -> new ClusterException(ClusterException.Kind.NOT_FOUND, 404,
                                                        "no run named \"" + name + "\" in namespace "
                                                        + settings.namespace(), null, null));
    }

    @Override
    public String logs(String name, Integer tailLines, boolean previous) {
        checkName(name);
        return cluster().log(settings.namespace(), name, tailLines, previous);
    }

    @Override
    public java.util.Optional<RunChanges> changes(RunDetail detail) {
        PullDiagnostics.Reference ref = detail.run().image() == null ? null
                : PullDiagnostics.Reference.parse(detail.run().image());
        if (ref == null) {
            return java.util.Optional.empty();
        }
        String repository = detail.run().repository() != null ? detail.run().repository() : ref.repository();
        try {
            return catalog.digest(repository, ref.digest()).platforms().stream()
                    .filter(p -> p.image().digest().equals(ref.digest()) && p.defaults() != null)
                    .findFirst()
                    .map(p -> RunChanges.of(p.defaults(), detail));
        } catch (RegistryException e) {
            // the image is gone or the registry away: the page shows the run's options without the comparison
            return java.util.Optional.empty();
        }
    }

    @Override
    public List<String> schedulingFix(RunDetail detail) {
        Run run = detail.run();
        if (run.node() == null) {
            return List.of();
        }
        NodeLoads.Snapshot snapshot;
        try {
            // the figures the pre-flight shares; the run waits unplaced, so its own requests are not among them
            snapshot = loads.get();
        } catch (ClusterException e) {
            return List.of();
        }
        Node node = snapshot.nodes().stream().filter(n -> n.hostname().equals(run.node())).findFirst()
                .or(() -> snapshot.nodes().stream().filter(n -> n.name().equals(run.node())).findFirst())
                .orElse(null);
        return SchedulingFix.of(detail, node, node == null ? null : snapshot.requestedOn(node.name()),
                                platform(run));
    }

    /** The platform of the run's image ({@code linux/arm64}), {@code null} when the catalog cannot tell. */
    private String platform(Run run) {
        PullDiagnostics.Reference ref = run.image() == null ? null : PullDiagnostics.Reference.parse(run.image());
        if (ref == null) {
            return null;
        }
        try {
            String repository = run.repository() != null ? run.repository() : ref.repository();
            return catalog.digest(repository, ref.digest()).platforms().stream()
                    .filter(p -> p.image().digest().equals(ref.digest()))
                    .map(p -> p.image().platform().os() + "/" + p.image().platform().architecture())
                    .findFirst().orElse(null);
        } catch (RegistryException e) {
            return null;
        }
    }

    @Override
    public java.util.Optional<Diagnosis> diagnose(Run run) {
        if (run.reason() == null || !PullDiagnostics.PULL_REASONS.contains(run.reason())) {
            return java.util.Optional.empty();
        }
        Node node;
        try {
            node = run.node() == null ? null : cluster().nodes().stream()
                    .filter(n -> n.name().equals(run.node()) || n.hostname().equals(run.node()))
                    .findFirst().orElse(null);
        } catch (ClusterException e) {
            // the other questions can still be answered
            node = null;
        }
        return new PullDiagnostics(catalog).diagnose(run, node);
    }

    @Override
    public InputStream openLogStream(String name, Integer tailLines) {
        checkName(name);
        return cluster().followLog(settings.namespace(), name, tailLines);
    }

    @Override
    public void followLogs(String name, Integer tailLines, Consumer<String> lines) {
        try (InputStream in = openLogStream(name, tailLines);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (!Thread.currentThread().isInterrupted() && (line = reader.readLine()) != null) {
                lines.accept(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("log stream of run " + name + " broke: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop(String name) {
        if (!settings.enabled()) {
            throw new RunsDisabledException(settings.offReason());
        }
        checkName(name);
        cluster().delete(settings.namespace(), name);
        loads.invalidate();
    }

    @Override
    public List<String> sweep() {
        if (!settings.enabled()) {
            // read-only deployments are not granted delete; nothing of ours is created there either
            return List.of();
        }
        Instant cutoff = clock.instant().minus(settings.ttl());
        List<String> deleted = new ArrayList<>();
        for (Run run : cluster().runs(settings.namespace())) {
            Instant end = run.finished() != null ? run.finished() : run.created();
            if (run.done() && end != null && end.isBefore(cutoff)) {
                try {
                    cluster().delete(settings.namespace(), run.name());
                    deleted.add(run.name());
                } catch (ClusterException e) {
                    if (e.kind() != ClusterException.Kind.NOT_FOUND) {
                        throw e;
                    }
                    // another replica's sweep got there first
                }
            }
        }
        return deleted;
    }

    // Names go into API paths: refuse anything that is not a pod name before it reaches a URL.
    private static void checkName(String name) {
        if (name == null || !name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            throw new ClusterException(ClusterException.Kind.NOT_FOUND, 404, "no run named \"" + name + "\"", null, null);
        }
    }
}
