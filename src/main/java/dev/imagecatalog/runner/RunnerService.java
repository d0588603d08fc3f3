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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.Cluster;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.PodPlan;
import dev.imagecatalog.cluster.PodRequests;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.cluster.Taint;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;

/** The {@link Runner}: validates launches against the catalog and the nodes, then talks to the {@link Cluster}. */
final class RunnerService implements Runner {

    // Distribution's repository-name grammar: lower-case path components separated by '/'.
    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
    private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> RESTART_POLICIES = Set.of("Never", "OnFailure", "Always");
    private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_NAME = 63;
    // Launch input limits (README "Security model"): generous for real use, small enough that no single request
    // can make a pod spec the API server refuses (~1.5 MB) or blow up memory. The 1 MiB body cap bounds the total.
    /** Items of {@code command}, and of {@code args}. */
    static final int MAX_ITEMS = 64;
    /** Characters of one command or args item (a whole {@code sh -c} script fits). */
    static final int MAX_ITEM = 16 * 1024;
    /** Environment variables. */
    static final int MAX_ENV = 128;
    /** Characters of an environment variable name (the longest name Kubernetes itself accepts is a DNS name). */
    static final int MAX_ENV_NAME = 253;
    /** Characters of an environment variable value. */
    static final int MAX_ENV_VALUE = 32 * 1024;
    private static final int MAX_REPOSITORY = 255;
    private static final int MAX_TAG = 128;
    private static final int MAX_DIGEST = 7 + 128;
    private static final int MAX_DNS_NAME = 253;
    private static final int MAX_QUANTITY = 64;
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

    RunnerService(Catalog catalog, Cluster cluster, RunSettings settings) {
        this(catalog, cluster, settings, randomSuffixes(), Clock.systemUTC());
    }

    /**
     * With a cluster created on first use, and never while runs are disabled: a read-only catalog then loads no
     * Kubernetes client at all, and every cluster call answers {@link RunsDisabledException}.
     */
    RunnerService(Catalog catalog, Supplier<Cluster> clusterFactory, RunSettings settings) {
        this.catalog = Objects.requireNonNull(catalog);
        this.clusterFactory = Objects.requireNonNull(clusterFactory);
        this.lazy = true;
        this.settings = Objects.requireNonNull(settings);
        this.suffixes = randomSuffixes();
        this.clock = Clock.systemUTC();
        this.watcher = watcher(settings, WATCH_POLL);
    }

    /** For tests: fixed name suffixes (to force collisions) and a fixed clock (for the sweep). */
    RunnerService(Catalog catalog, Cluster cluster, RunSettings settings, Supplier<String> suffixes, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog);
        this.cluster = Objects.requireNonNull(cluster);
        this.clusterFactory = () -> cluster;
        this.lazy = false;
        this.settings = Objects.requireNonNull(settings);
        this.suffixes = suffixes;
        this.clock = clock;
        this.watcher = watcher(settings, WATCH_POLL);
    }

    /** For tests: polls this often when the watch cannot be started (the mock serves no plain-HTTP watches). */
    RunnerService(Catalog catalog, Cluster cluster, RunSettings settings, Duration pollInterval) {
        this.catalog = Objects.requireNonNull(catalog);
        this.cluster = Objects.requireNonNull(cluster);
        this.clusterFactory = () -> cluster;
        this.lazy = false;
        this.settings = Objects.requireNonNull(settings);
        this.suffixes = randomSuffixes();
        this.clock = Clock.systemUTC();
        this.watcher = watcher(settings, pollInterval);
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
            throw new RunsDisabledException();
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
        checkPair("cpu", requests.cpuRequest(), requests.cpuLimit());
        checkPair("memory", requests.memoryRequest(), requests.memoryLimit());
        List<Node> nodes = cluster().nodes();
        Map<String, List<PodRequests>> podsByNode;
        try {
            podsByNode = cluster().scheduledPods().stream()
                    .collect(Collectors.groupingBy(PodRequests::node));
        } catch (ClusterException e) {
            // the verdicts stay useful without it: each node then says its free capacity is unknown
            podsByNode = null;
        }
        LayerKnowledge layers = new LayerKnowledge(catalog, MAX_IMAGE_LOOKUPS);
        List<NodeChoice> out = new ArrayList<>();
        for (Node node : nodes) {
            List<PodRequests> pods = podsByNode == null ? null : podsByNode.getOrDefault(node.name(), List.of());
            out.add(choice(image, node, requests, pods, layers));
        }
        out.sort(BEST_FIRST);
        return out;
    }

    @Override
    public List<NodeChoice> preflight(String repository, String tag, Resources requests) {
        checkLength("repository", repository, MAX_REPOSITORY);
        checkLength("tag", tag, MAX_TAG);
        checkLength("cpuRequest", requests.cpuRequest(), MAX_QUANTITY);
        checkLength("memoryRequest", requests.memoryRequest(), MAX_QUANTITY);
        return nodeChoices(catalog.tag(repository, tag), requests);
    }

    /** Ready before wait before cannot; then the preselectable, the cached, the smaller pull, the name. */
    private static final Comparator<NodeChoice> BEST_FIRST = Comparator
            .comparing(NodeChoice::verdict)
            .thenComparing(c -> !c.preferred())
            .thenComparing(c -> !c.cached())
            .thenComparing(c -> c.pull() == null ? Long.MAX_VALUE : c.pull().bytes())
            .thenComparing(c -> c.node().name());

    /** The verdict for launch: node state, platform, policy and the node's size, without reading its pods. */
    private NodeChoice choice(TagDetail image, Node node, Resources requests) {
        return choice(image, node, requests, null, null);
    }

    /**
     * The pre-flight for one node.
     *
     * @param pods   pods already on the node, {@code null} when unknown (capacity then unknown)
     * @param layers what the catalog knows about the node's layers, {@code null} to skip the pull estimate
     */
    private NodeChoice choice(TagDetail image, Node node, Resources requests, List<PodRequests> pods,
                              LayerKnowledge layers) {
        List<PlatformImage> platforms = image.summary().platforms();
        PlatformImage fit = platforms.stream()
                .filter(p -> node.os().equals(p.platform().os()) && node.architecture().equals(p.platform().architecture()))
                .findFirst()
                .orElse(null);
        boolean cached = fit != null && isCached(image, fit, node);
        boolean tainted = tainted(node);
        Fit capacity = Capacity.fit(requests.cpuRequest(), requests.memoryRequest(), node.cpu(), node.memory(), pods);
        List<String> reasons = new ArrayList<>();
        String reason = null;
        Verdict verdict = Verdict.READY;
        if (!image.summary().runnable()) {
            reason = "a " + image.summary().kind().label() + " cannot be run";
            reasons.add(reason);
        } else if (fit == null) {
            boolean sameOs = platforms.stream().anyMatch(p -> node.os().equals(p.platform().os()));
            String platformList = platforms.stream().map(p -> p.platform().toString()).distinct()
                    .collect(Collectors.joining(", "));
            reason = (sameOs ? node.architecture() : node.platform()) + " node; image has " + platformList + " only";
            reasons.add(reason);
        } else {
            reasons.add("runs the " + fit.platform() + " image " + shortDigest(fit.digest()));
            if (!node.ready()) {
                reason = "NotReady";
                reasons.add("the node is not Ready: the catalog does not start runs there until it recovers");
            } else if (node.unschedulable()) {
                reason = "unschedulable (cordoned)";
                reasons.add("the node is cordoned (unschedulable): no new pods start there");
            }
            if (tainted && !settings.allowTaintedNodes()) {
                String policy = "tainted (" + taints(node) + "); runs.allow-tainted-nodes is off";
                reason = reason == null ? policy : reason;
                reasons.add(policy);
            } else if (tainted) {
                reasons.add("tainted (" + taints(node) + "): running there needs your confirmation, the run then "
                            + "tolerates these taints");
            }
            if (!capacity.everFits()) {
                reason = reason == null ? capacity.message() : reason;
            }
            reasons.add(capacity.message());
            verdict = reason != null ? Verdict.CANNOT : Boolean.FALSE.equals(capacity.fits()) ? Verdict.WAIT
                    : Verdict.READY;
            if (verdict == Verdict.WAIT) {
                reasons.add("the run would stay Pending until other pods on the node finish");
            }
        }
        PullEstimate pull = fit == null ? null : pullEstimate(image, fit, node, cached, layers);
        if (pull != null) {
            reasons.add(switch (pull.basis()) {
                case CACHED -> "the image is cached here: nothing to pull";
                case SHARED_LAYERS -> "pulls about " + bytes(pull.bytes())
                                      + " (estimate: layers the node holds through other catalog images left out)";
                case FULL_SIZE -> "pulls about " + bytes(pull.bytes()) + " (estimate: the full compressed size)";
            });
        }
        if (verdict == Verdict.READY && !image.summary().runnable()) {
            verdict = Verdict.CANNOT;
        }
        if (fit == null) {
            verdict = Verdict.CANNOT;
        }
        return new NodeChoice(node, verdict != Verdict.CANNOT, reason, fit, cached, tainted, verdict, reasons,
                              capacity, pull);
    }

    /**
     * Nothing when cached; else the image's size minus the layers the node holds through catalog images it reports
     * (same registry, same digests); else the full size.
     */
    private PullEstimate pullEstimate(TagDetail image, PlatformImage fit, Node node, boolean cached,
                                      LayerKnowledge layers) {
        if (cached) {
            return new PullEstimate(0, PullEstimate.Basis.CACHED);
        }
        if (layers != null) {
            Set<String> held = layers.heldBy(node);
            List<dev.imagecatalog.registry.Layer> mine = image.platforms().stream()
                    .filter(p -> p.image().digest().equals(fit.digest()))
                    .findFirst().map(dev.imagecatalog.registry.PlatformDetail::layers).orElse(List.of());
            long shared = mine.stream().filter(l -> held.contains(l.digest()))
                    .mapToLong(dev.imagecatalog.registry.Layer::size).sum();
            if (shared > 0) {
                return new PullEstimate(Math.max(0, fit.size() - shared), PullEstimate.Basis.SHARED_LAYERS);
            }
        }
        return new PullEstimate(fit.size(), PullEstimate.Basis.FULL_SIZE);
    }

    private static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) + "…" : digest;
    }

    /** Bytes for a sentence: {@code 12.3 MB} (decimal units, as registries and docker print sizes). */
    private static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static boolean tainted(Node node) {
        return node.taints().stream().anyMatch(Taint::repels);
    }

    private static String taints(Node node) {
        return node.taints().stream().filter(Taint::repels).map(t -> t.key() + ":" + t.effect())
                .collect(Collectors.joining(", "));
    }

    // containerd lists an image under every name it was pulled by: repo@digest (manifest or index) and repo:tag.
    private boolean isCached(TagDetail image, PlatformImage fit, Node node) {
        String base = catalog.pullHost() + "/" + image.repository();
        return node.images().contains(base + "@" + fit.digest())
                || node.images().contains(base + "@" + image.summary().digest())
                || node.images().contains(base + ":" + image.summary().name());
    }

    @Override
    public void check(LaunchRequest request) {
        validateShape(request);
    }

    @Override
    public Run launch(LaunchRequest request, LaunchOptions options) {
        if (!settings.enabled()) {
            throw new RunsDisabledException();
        }
        validateShape(request);
        TagDetail image = resolve(request);
        if (!image.summary().runnable()) {
            throw new LaunchException(describe(request) + " is a " + image.summary().kind().label()
                                      + ", not a runnable image");
        }
        Node node = cluster().nodes().stream()
                .filter(n -> n.name().equals(request.node()))
                .findFirst()
                .orElseThrow(() -> LaunchException.field("node", "unknown node \"" + request.node() + "\""));
        NodeChoice choice = choice(image, node, request.resources());
        if (!choice.selectable()) {
            throw LaunchException.field("node", "cannot run " + describe(request) + " on node \"" + node.name()
                                                + "\": " + choice.reason());
        }
        if (choice.tainted() && !options.acceptTaints()) {
            throw LaunchException.field("acceptTaints", "node \"" + node.name() + "\" is tainted (" + taints(node)
                                                        + "): confirm with acceptTaints (the form's checkbox) to run "
                                                        + "there anyway");
        }
        PodPlan plan = plan(request, image, node, choice.platform(), options.launchedBy());
        try {
            return create(plan);
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

    /**
     * Checks every field and reports every fault at once (field → reason, in request order), so a form can show
     * each next to its field; nothing is sent anywhere before all of them pass.
     */
    private void validateShape(LaunchRequest r) {
        Map<String, String> errors = new LinkedHashMap<>();
        // lengths first: the messages quote the value, and the patterns should never see megabytes
        check(errors, "repository", () -> {
            checkLength("repository", r.repository(), MAX_REPOSITORY);
            if (blank(r.repository())) {
                throw new LaunchException("repository is required");
            }
            if (!REPOSITORY.matcher(r.repository()).matches()) {
                throw new LaunchException("\"" + r.repository() + "\" is not a valid repository name");
            }
        });
        check(errors, "tag", () -> {
            checkLength("tag", r.tag(), MAX_TAG);
            checkLength("digest", r.digest(), MAX_DIGEST);
            if (blank(r.tag()) == blank(r.digest())) {
                throw new LaunchException("give exactly one of tag and digest");
            }
            if (!blank(r.tag()) && !TAG.matcher(r.tag()).matches()) {
                throw new LaunchException("\"" + r.tag() + "\" is not a valid tag");
            }
        });
        check(errors, "digest", () -> {
            if (!blank(r.digest()) && r.digest().length() <= MAX_DIGEST && !DIGEST.matcher(r.digest()).matches()) {
                throw new LaunchException("\"" + r.digest() + "\" is not a valid digest (sha256:<64 hex>)");
            }
        });
        check(errors, "node", () -> {
            checkLength("node", r.node(), MAX_DNS_NAME);
            if (blank(r.node())) {
                throw new LaunchException("node is required");
            }
        });
        check(errors, "restartPolicy", () -> {
            checkLength("restartPolicy", r.restartPolicy(), MAX_TAG);
            if (r.restartPolicy() != null && !r.restartPolicy().isBlank()
                && !RESTART_POLICIES.contains(r.restartPolicy())) {
                throw new LaunchException("restart policy \"" + r.restartPolicy()
                                          + "\" must be Never, OnFailure or Always");
            }
        });
        check(errors, "command", () -> checkItems("command", r.command()));
        check(errors, "args", () -> checkItems("args", r.args()));
        check(errors, "env", () -> checkEnv(r.env()));
        Resources res = r.resources();
        check(errors, "resources.cpuRequest", () -> checkQuantity("resources.cpuRequest", "cpu request", res.cpuRequest()));
        check(errors, "resources.cpuLimit", () -> checkQuantity("resources.cpuLimit", "cpu limit", res.cpuLimit()));
        check(errors, "resources.memoryRequest", () -> checkQuantity("resources.memoryRequest", "memory request", res.memoryRequest()));
        check(errors, "resources.memoryLimit", () -> checkQuantity("resources.memoryLimit", "memory limit", res.memoryLimit()));
        if (!errors.containsKey("resources.cpuRequest") && !errors.containsKey("resources.cpuLimit")) {
            check(errors, "resources.cpuRequest", () -> checkPair("cpu", res.cpuRequest(), res.cpuLimit()));
        }
        if (!errors.containsKey("resources.memoryRequest") && !errors.containsKey("resources.memoryLimit")) {
            check(errors, "resources.memoryRequest", () -> checkPair("memory", res.memoryRequest(), res.memoryLimit()));
        }
        if (errors.size() == 1) {
            throw new LaunchException(errors.values().iterator().next(), errors);
        }
        if (!errors.isEmpty()) {
            throw new LaunchException(errors.size() + " fields are not valid: " + String.join("; ", errors.values()),
                                      errors);
        }
    }

    private static void check(Map<String, String> errors, String field, Runnable check) {
        try {
            check.run();
        } catch (LaunchException e) {
            errors.putIfAbsent(field, e.getMessage());
        }
    }

    private static void checkQuantity(String field, String what, String value) {
        checkLength(field, value, MAX_QUANTITY);
        if (value != null) {
            Quantities.parse(what, value);
        }
    }

    private static void checkEnv(Map<String, String> env) {
        if (env.size() > MAX_ENV) {
            throw new LaunchException("env: at most " + MAX_ENV + " environment variables, got " + env.size());
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name != null && name.length() > MAX_ENV_NAME) {
                throw new LaunchException("env: a variable name is " + name.length() + " characters long, at most "
                                          + MAX_ENV_NAME + " (\"" + name.substring(0, 40) + "…\")");
            }
            if (name == null || !C_IDENTIFIER.matcher(name).matches()) {
                throw new LaunchException("environment variable name \"" + name
                                          + "\" must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)");
            }
            String value = e.getValue();
            if (value != null && value.length() > MAX_ENV_VALUE) {
                throw new LaunchException("env: the value of " + name + " is " + value.length()
                                          + " characters long, at most " + MAX_ENV_VALUE);
            }
            if (value != null && value.indexOf('\0') >= 0) {
                throw new LaunchException("environment variable " + name + " contains a NUL character");
            }
        }
    }

    /** A single-line field longer than any valid value: refused without quoting it back. */
    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new LaunchException(field + " is " + value.length() + " characters long, at most " + max);
        }
    }

    private static void checkItems(String what, List<String> items) {
        if (items.size() > MAX_ITEMS) {
            throw new LaunchException(what + ": at most " + MAX_ITEMS + " items, got " + items.size());
        }
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            if (item == null || item.indexOf('\0') >= 0) {
                throw new LaunchException(what + " items must be text without NUL characters");
            }
            if (item.length() > MAX_ITEM) {
                throw new LaunchException(what + "[" + i + "] is " + item.length() + " characters long, at most "
                                          + MAX_ITEM);
            }
        }
    }

    private static void checkPair(String resource, String request, String limit) {
        var req = request == null ? null : Quantities.parse(resource + " request", request);
        var lim = limit == null ? null : Quantities.parse(resource + " limit", limit);
        if (req != null && lim != null && req.compareTo(lim) > 0) {
            throw new LaunchException(resource + " request " + request + " is larger than its limit " + limit);
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
            throw new RunsDisabledException();
        }
        checkName(name);
        cluster().delete(settings.namespace(), name);
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
