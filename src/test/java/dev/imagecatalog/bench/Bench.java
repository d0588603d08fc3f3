package dev.imagecatalog.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 7's benchmark in one run (see {@code scripts/bench.sh}, which builds the jar and the class path and passes
 * the parameters as {@code key=value} arguments). Figures that need an endpoint this build lacks ({@code /api/status},
 * {@code POST /api/registry/events}) are reported as "n/a: endpoint missing" rather than guessed.
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bench-" + UUID.randomUUID();
    private static final Duration INDEX_TIMEOUT = Duration.ofMinutes(15);

    private final Map<String, String> params;
    private final Results results;
    private final Path work;

    private Bench(Map<String, String> params, Path work) {
        this.params = params;
        this.work = work;
        this.results = new Results(params);
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code key=value}: repos, tags, bigTags, wrkSeconds, wrkConnections, reconcile, jar, out, label,
     *             jvmOptions, coldRounds, shape ({@code simple}: one tiny shared layer per repository, single-platform
     *             images; {@code realistic}: see {@link RealisticSeeder}), rows ({@code all}, or {@code crawl}: the
     *             seed, the cold index and the restart rows only), concurrency (the service's {@code REGISTRY_CONCURRENCY}, or
     *             {@code default} to leave the service's own; several, comma-separated, give a cold index row each,
     *             the first is used for every other row)
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> params = new HashMap<>(Map.of("repos", "500", "tags", "10", "bigTags", "3000",
                "wrkSeconds", "10", "wrkConnections", "32", "reconcile", "PT20S", "jar", "target/catalog.jar",
                "out", "bench/RESULTS.md", "label", "", "jvmOptions", "-Xmx384m -XX:+UseG1GC"));
        params.put("coldRounds", "3");
        params.put("shape", "simple");
        params.put("rows", "all");
        params.put("concurrency", "default");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1 || !params.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("unknown parameter " + arg + "; known: " + params.keySet());
            }
            params.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path work = Files.createTempDirectory("catalog-bench-");
        Bench bench = new Bench(params, work);
        try {
            bench.run();
        } finally {
            Path out = Path.of(params.get("out"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, bench.results.markdown(), StandardCharsets.UTF_8);
            System.out.println(bench.results.markdown());
            System.out.println("(written to " + out + "; logs in " + work + ")");
        }
    }

    private int param(String name) {
        return Integer.parseInt(params.get(name));
    }

    private List<String> jvmOptions() {
        return List.of(params.get("jvmOptions").trim().split("\\s+"));
    }

    /** The cold crawl's registry requests and its median time from process start (for the restart rows). */
    private long coldRequests;
    private Duration coldFromStart;

    private void run() throws Exception {
        int repos = param("repos");
        int tags = param("tags");
        int bigTags = param("bigTags");
        Path jar = Path.of(params.get("jar"));
        boolean all = params.get("rows").equals("all");
        if (!all && !params.get("rows").equals("crawl")) {
            throw new IllegalArgumentException("rows is all or crawl, not " + params.get("rows"));
        }
        long baselineHeap = all ? baselineHeap(jar) : 0;

        int portA = LocalRegistry.freePort();
        int portB = LocalRegistry.freePort();
        String catalogConfig = "catalog:\n  maxentries: 1000\n";
        try (LocalRegistry registry = LocalRegistry.startWithConfig(catalogConfig)) {
            TestPusher pusher = new TestPusher(registry);
            log("seeding " + repos + " × " + tags + " (" + params.get("shape") + " shape) + one repository of "
                    + bigTags + " tags");
            long seedStart = System.nanoTime();
            long seedRequests = seed(pusher, repos, tags, bigTags);
            Duration seedTime = Duration.ofNanos(System.nanoTime() - seedStart);
            results.note("Seeding: " + seedRequests + " push requests in " + secs(seedTime) + " (32 in flight).");
            // notifications only from now on: the seed's thousands of events are never delivered
            registry.reconfigure(catalogConfig + notifications(portA));
            RegistryLog registryLog = new RegistryLog(registry.url(), registry.logFile());
            long totalTags = (long) repos * tags + bigTags;

            Map<String, String> envA = serviceEnv(registry, Optional.of("http://127.0.0.1:" + portB),
                    params.get("reconcile"));
            Map<String, String> envB = serviceEnv(registry, Optional.empty(), params.get("reconcile"));
            Map<String, String> envDefault = serviceEnv(registry, Optional.empty(), null);

            Floor.Result floor = coldIndex(jar, registry, registryLog, envDefault);
            if (!all) {
                restarts(jar, registryLog, envDefault);
                return;
            }
            try (Service a = Service.start(jar, jvmOptions(), portA, envA, work.resolve("service-a.log"))) {
                Duration ready = a.awaitReady(Duration.ofMinutes(2));
                results.row("Start to ready (`/observe/health/ready` 200)", millis(ready), "—", "");
                awaitIndexed(a);
                reconcile(a, registryLog, floor);
                apiListing(a, registryLog, floor);
                try (Service b = Service.start(jar, jvmOptions(), portB, envB, work.resolve("service-b.log"))) {
                    b.awaitReady(Duration.ofMinutes(2));
                    awaitIndexed(b);
                    // both have seen the repository before the push
                    a.get("/api/repositories/" + Seeder.repository(0) + "/tags");
                    b.get("/api/repositories/" + Seeder.repository(0) + "/tags");
                    pushToVisible(pusher, a, b);
                }
            }
            // views are measured on an instance as installed (reconcile every 5 minutes), not on A, whose
            // 20-second reconcile (there to measure one) would load the registry and the cores during the runs
            try (Service c = Service.start(jar, jvmOptions(), LocalRegistry.freePort(), envDefault,
                    work.resolve("service-c.log"))) {
                c.awaitReady(Duration.ofMinutes(2));
                awaitIndexed(c);
                warmPages(c);
                bigRepositoryPage(c);
                heap(c, baselineHeap, totalTags + 1);
            }
            restarts(jar, registryLog, envDefault);
        }
    }

    /**
     * Issue 18: a replica that starts from a live peer's copy, then one that starts from the snapshot the first wrote
     * on SIGTERM (nothing changed in between), each from process start to {@code ready} and to {@code caughtUp},
     * with the registry requests it made (nothing else talks to the registry meanwhile: 5-minute reconciles).
     */
    private void restarts(Path jar, RegistryLog registryLog, Map<String, String> env) throws Exception {
        Path snapshot = work.resolve("index.snapshot");
        Files.deleteIfExists(snapshot);
        int portPeer = LocalRegistry.freePort();
        Map<String, String> peerEnv = new HashMap<>(env);
        peerEnv.put("INDEX_SNAPSHOT_PATH", snapshot.toString());
        try (Service peer = Service.start(jar, jvmOptions(), portPeer, peerEnv, work.resolve("service-peer.log"))) {
            peer.awaitReady(Duration.ofMinutes(2));
            awaitIndexed(peer);
            Map<String, String> copyEnv = new HashMap<>(env);
            copyEnv.put("REGISTRY_EVENTS_PEERS", "http://127.0.0.1:" + portPeer);
            restartRow("Restart from a live peer's copy", jar, registryLog, copyEnv, "service-from-peer.log",
                    "ready ≤ 5 s; ≤ 0.1× cold requests", 0.1, false);
        } // SIGTERM: the peer writes its snapshot
        Map<String, String> snapshotEnv = new HashMap<>(env);
        snapshotEnv.put("INDEX_SNAPSHOT_PATH", snapshot.toString());
        restartRow("Restart from the snapshot, nothing changed (catch-up: catalog, tag lists, a HEAD per tag)", jar,
                registryLog, snapshotEnv, "service-from-snapshot.log",
                "ready ≤ 5 s; ≤ 0.5× cold requests and time; no manifest GET", 0.5, true);
    }

    /** {@code /api/status}, empty while the process does not listen yet (polled from process start). */
    private static Optional<JsonNode> listeningStatus(Service s) throws InterruptedException {
        try {
            return s.status();
        } catch (IOException notYet) {
            return Optional.empty();
        }
    }

    private void restartRow(String what, Path jar, RegistryLog registryLog, Map<String, String> env, String logName,
                            String goal, double requestGoal, boolean timeGoal) throws Exception {
        long before = registryLog.count();
        long manifestGetsBefore = registryLog.count("GET", "/manifests/");
        try (Service s = Service.start(jar, jvmOptions(), LocalRegistry.freePort(), env, work.resolve(logName))) {
            Duration[] ready = new Duration[1];
            waitFor(INDEX_TIMEOUT, () -> {
                if (listeningStatus(s).map(st -> st.path("ready").asBoolean(false)).orElse(false)) {
                    ready[0] = s.sinceStart();
                    return true;
                }
                return false;
            });
            waitFor(INDEX_TIMEOUT, () -> listeningStatus(s).map(st -> st.hasNonNull("caughtUp")).orElse(false));
            Duration caughtUp = s.sinceStart();
            JsonNode status = s.status().orElseThrow();
            long requests = registryLog.count() - before;
            long manifestGets = registryLog.count("GET", "/manifests/") - manifestGetsBefore;
            boolean met = ready[0] != null && ready[0].toMillis() <= 5000
                    && requests <= coldRequests * requestGoal
                    && (!timeGoal || caughtUp.toMillis() <= coldFromStart.toMillis() * 0.5)
                    && (!timeGoal || manifestGets == 0);
            results.row(what + " (source `" + status.path("source").asText() + "`)",
                    "ready " + (ready[0] == null ? "n/a" : millis(ready[0])) + ", caught up " + millis(caughtUp)
                            + " from process start; " + requests + " registry requests (" + manifestGets
                            + " manifest GETs; " + status.path("tags").asLong() + " tags)",
                    goal, ratio(requests, coldRequests) + " requests, " + ratio(caughtUp.toMillis(),
                            coldFromStart.toMillis()) + " time of the cold index from start; "
                            + (met ? "met" : "NOT met"));
        }
    }

    /**
     * Seeds the registry in the asked shape; the big repository is always the simple shape (its row measures a page
     * of thousands of tags, not their shape). Returns the registry requests the seed made.
     */
    private long seed(TestPusher pusher, int repos, int tags, int bigTags) throws Exception {
        if (params.get("shape").equals("simple")) {
            return new Seeder(pusher, 32).seed(repos, tags, bigTags);
        }
        if (!params.get("shape").equals("realistic")) {
            throw new IllegalArgumentException("shape is simple or realistic, not " + params.get("shape"));
        }
        RealisticSeeder realistic = new RealisticSeeder(pusher, 32);
        long requests = new Seeder(pusher, 32).seed(0, 0, bigTags) + realistic.seed(repos, tags);
        results.note("Realistic shape: " + String.format(Locale.ROOT, "%.1f MiB", realistic.bytes() / 1024.0 / 1024.0)
                + " of layers pushed (sizes log-uniform 0.5–400 KB; every fifth repository multi-platform with"
                + " attestations).");
        return requests;
    }

    /** Heap after GC of the service over an empty registry: what is subtracted before dividing by tags. */
    private long baselineHeap(Path jar) throws Exception {
        try (LocalRegistry empty = LocalRegistry.start();
             Service s = Service.start(jar, jvmOptions(), LocalRegistry.freePort(), serviceEnv(empty, Optional.empty(), null),
                     work.resolve("service-baseline.log"))) {
            s.awaitReady(Duration.ofMinutes(2));
            s.get("/");
            s.get("/api/repositories");
            long heap = s.heapAfterGc();
            results.note("Baseline heap after GC (service over an empty registry, same JVM options): "
                    + mib(heap) + ".");
            return heap;
        }
    }

    private Map<String, String> serviceEnv(LocalRegistry registry, Optional<String> peers, String reconcile) {
        Map<String, String> env = new HashMap<>();
        env.put("REGISTRY_URL", registry.url().toString());
        env.put("REGISTRY_EVENTS_TOKEN", TOKEN);
        env.put("RUNS_ENABLED", "false");
        // "default": the concurrency the service is installed with, which the cold index row is about
        String concurrency = concurrencies().getFirst();
        if (!concurrency.equals("default")) {
            env.put("REGISTRY_CONCURRENCY", concurrency);
        }
        if (reconcile != null) {
            env.put("REGISTRY_RECONCILE_INTERVAL", reconcile);
        }
        peers.ifPresent(p -> env.put("REGISTRY_EVENTS_PEERS", p));
        return env;
    }

    /** Distribution notifications to instance A, with the bearer token, as docker-registry/config.yml wires them. */
    private static String notifications(int portA) {
        return "notifications:\n  events:\n    includereferences: true\n  endpoints:\n"
                + "    - name: catalog\n      url: http://127.0.0.1:" + portA + "/api/registry/events\n"
                + "      headers:\n        Authorization: [\"Bearer " + TOKEN + "\"]\n"
                + "      timeout: 2s\n      threshold: 5\n      backoff: 1s\n"
                + "      ignoredmediatypes:\n        - application/octet-stream\n"
                + "      ignore:\n        actions:\n          - pull\n";
    }

    /**
     * Cold index build against the floor, in {@code coldRounds} alternating rounds (the floor in a fresh JVM, then a
     * fresh service process): one run of each swings by ±15 % on a shared 2-core machine, so the medians are
     * compared. Both are cold — each JVM compiles its own hot code while the registry answers on the same two
     * cores — and both are timed from their first request: the service's first crawl as it reports it
     * ({@code crawlStarted} → {@code crawlFinished}). The ratio to a warm floor and the time from process start
     * (JVM start included) are shown beside it.
     *
     * @return the floor round with the median time (the reference for the other rows)
     */
    private Floor.Result coldIndex(Path jar, LocalRegistry registry, RegistryLog registryLog, Map<String, String> env)
            throws Exception {
        int rounds = param("coldRounds");
        if (rounds < 1) {
            throw new IllegalArgumentException("coldRounds must be at least 1, got " + rounds);
        }
        List<String> concurrencies = concurrencies();
        List<Floor.Result> floors = new ArrayList<>();
        Map<String, Cold> colds = new java.util.LinkedHashMap<>();
        concurrencies.forEach(c -> colds.put(c, new Cold()));
        long floorRequests = 0;
        for (int round = 1; round <= rounds; round++) {
            log("cold index round " + round + " of " + rounds + ": floor (bare client in a fresh JVM, 16 in flight)");
            long before = registryLog.count();
            Floor.Result floor = Floor.inFreshProcess(registry.url(), 16);
            floorRequests = registryLog.count() - before;
            floors.add(floor);
            for (String concurrency : concurrencies) {
                log("cold index round " + round + " of " + rounds + ": a fresh service process, registry concurrency "
                        + concurrency);
                Map<String, String> serviceEnv = new HashMap<>(env);
                serviceEnv.remove("REGISTRY_CONCURRENCY");
                if (!concurrency.equals("default")) {
                    serviceEnv.put("REGISTRY_CONCURRENCY", concurrency);
                }
                Cold cold = colds.get(concurrency);
                long beforeStart = registryLog.count();
                try (Service s = Service.start(jar, jvmOptions(), LocalRegistry.freePort(), serviceEnv,
                        work.resolve("service-cold-" + round + "-" + concurrency + ".log"))) {
                    s.awaitReady(Duration.ofMinutes(2));
                    awaitIndexed(s);
                    cold.fromStart.add(s.sinceStart());
                    cold.cpu.add(s.cpu());
                    cold.requests = registryLog.count() - beforeStart;
                    cold.status = s.status().orElseThrow();
                    cold.crawls.add(Duration.between(Instant.parse(cold.status.path("crawlStarted").asText()),
                            Instant.parse(cold.status.path("crawlFinished").asText())));
                }
            }
        }
        log("floor in this (warm) JVM: one listing to warm up, one measured");
        new Floor(registry.url(), 16).run();
        Floor.Result warmFloor = new Floor(registry.url(), 16).run();
        List<Floor.Result> byTime = new ArrayList<>(floors);
        byTime.sort(java.util.Comparator.comparing(Floor.Result::time));
        Floor.Result median = byTime.get(byTime.size() / 2);
        Cold first = colds.get(concurrencies.getFirst());
        coldRequests = first.requests;
        coldFromStart = median(first.fromStart);
        results.row("Floor: bare JDK client listing everything (16 in flight), a fresh JVM each round",
                median.requests() + " requests (" + floorRequests + " in the registry log); median "
                        + secs(median.time()) + " of " + rounds + " (" + list(floors.stream().map(Floor.Result::time)
                        .toList()) + ")", "reference", "");
        results.row("Floor, warm: the same client's second listing in one JVM (JIT done)",
                warmFloor.requests() + " requests, " + secs(warmFloor.time()), "—", "");
        Duration floorCpu = median(floors.stream().map(Floor.Result::cpu).toList());
        for (Map.Entry<String, Cold> e : colds.entrySet()) {
            Cold cold = e.getValue();
            String at = e.getKey().equals("default") ? "the service's default registry concurrency"
                    : "registry concurrency " + e.getKey();
            Duration crawl = median(cold.crawls);
            Duration cpu = median(cold.cpu);
            results.row("Cold index build at " + at + " (first crawl, `crawlStarted` → `crawlFinished`; fresh"
                            + " process each round)",
                    "median " + secs(crawl) + " of " + rounds + " (" + list(cold.crawls) + "); from process start"
                            + " (JVM start included): median " + secs(median(cold.fromStart)) + "; " + cold.requests
                            + " registry requests (" + cold.status.path("repositories").asLong() + " repositories, "
                            + cold.status.path("tags").asLong() + " tags)",
                    "≤ 1.1× floor", ratio(cold.requests, median.requests()) + " requests, "
                            + ratio(crawl.toMillis(), median.time().toMillis()) + " time, "
                            + (crawl.toMillis() <= median.time().toMillis() * 1.1 ? "met" : "NOT met")
                            + " (against the warm floor: " + ratio(crawl.toMillis(), warmFloor.time().toMillis())
                            + "; from process start: " + ratio(median(cold.fromStart).toMillis(),
                            median.time().toMillis()) + ")");
            results.row("CPU per registry request at " + at + " (whole process from its start to the end of the"
                            + " listing: JVM start, JIT, GC included)",
                    "floor: median " + secs(floorCpu) + ", " + perRequest(floorCpu, median.requests())
                            + "; service: median " + secs(cpu) + ", " + perRequest(cpu, cold.requests),
                    "—", ratio(cpu.toMillis() * Math.max(1, median.requests()),
                            floorCpu.toMillis() * Math.max(1, cold.requests)) + " the floor's CPU per request");
        }
        return median;
    }

    /** The cold index rounds of one registry concurrency. */
    private static final class Cold {
        final List<Duration> crawls = new ArrayList<>();
        final List<Duration> fromStart = new ArrayList<>();
        final List<Duration> cpu = new ArrayList<>();
        long requests;
        JsonNode status;
    }

    /** {@code concurrency}: one value or several, comma-separated ({@code default,16}); the first is used elsewhere. */
    private List<String> concurrencies() {
        List<String> values = java.util.Arrays.stream(params.get("concurrency").split(",")).map(String::strip)
                .filter(v -> !v.isEmpty()).toList();
        for (String v : values) {
            if (!v.equals("default") && !v.matches("[1-9][0-9]*")) {
                throw new IllegalArgumentException("concurrency is default or a number, not " + v);
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("concurrency is empty");
        }
        return values;
    }

    private static String perRequest(Duration cpu, long requests) {
        return String.format(Locale.ROOT, "%.2f ms per request", cpu.toNanos() / 1e6 / Math.max(1, requests));
    }

    private static Duration median(List<Duration> values) {
        List<Duration> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String list(List<Duration> values) {
        return String.join(", ", values.stream().map(Bench::secs).toList());
    }

    private static void awaitIndexed(Service s) throws Exception {
        waitFor(INDEX_TIMEOUT, () -> {
            JsonNode st = s.status().orElseThrow();
            return st.path("indexed").asLong(-1) == st.path("repositories").asLong(-2) && st.path("ready").asBoolean(true);
        });
    }

    private void reconcile(Service a, RegistryLog registryLog, Floor.Result floor) throws Exception {
        Duration interval = Duration.parse(params.get("reconcile"));
        Duration bound = interval.multipliedBy(3).plusSeconds(30);
        String first = a.status().orElseThrow().path("lastReconcile").asText("");
        if (!waitFor(bound, () -> !a.status().orElseThrow().path("lastReconcile").asText("").equals(first))) {
            results.row("Reconcile with nothing changed: registry requests", "n/a: lastReconcile did not change in "
                    + bound.toSeconds() + " s (is REGISTRY_RECONCILE_INTERVAL honoured?)", "≤ 0.3× floor", "");
            return;
        }
        String second = a.status().orElseThrow().path("lastReconcile").asText("");
        long start = registryLog.count();
        long t0 = System.nanoTime();
        if (!waitFor(bound, () -> !a.status().orElseThrow().path("lastReconcile").asText("").equals(second))) {
            results.row("Reconcile with nothing changed: registry requests", "n/a: only one reconcile seen",
                    "≤ 0.3× floor", "");
            return;
        }
        long requests = registryLog.count() - start;
        results.row("Reconcile with nothing changed (requests between two `lastReconcile` changes)",
                requests + " registry requests (interval " + interval + ", window " + millis(Duration.ofNanos(System.nanoTime() - t0)) + ")",
                "≤ 0.3× floor", ratio(requests, floor.requests()));
    }

    /** What a client listing everything through the service costs: repositories, then every tag list, 16 in flight. */
    private void apiListing(Service a, RegistryLog registryLog, Floor.Result floor) throws Exception {
        long before = registryLog.count();
        long start = System.nanoTime();
        JsonNode repositories = JSON.readTree(a.get("/api/repositories").body()).get("repositories");
        Semaphore inFlight = new Semaphore(16);
        List<String> failures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> work = new ArrayList<>();
            for (JsonNode repository : repositories) {
                work.add(threads.submit(() -> {
                    inFlight.acquire();
                    try {
                        return a.get("/api/repositories/" + repository.get("name").asText() + "/tags").statusCode();
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<Integer> f : work) {
                if (f.get() != 200) {
                    failures.add(String.valueOf(f.get()));
                }
            }
        }
        Duration time = Duration.ofNanos(System.nanoTime() - start);
        long requests = registryLog.count() - before;
        results.row("Full listing through the API (`/api/repositories` + every tag list, 16 in flight)",
                secs(time) + ", " + requests + " registry requests" + (failures.isEmpty() ? "" : ", non-200: " + failures),
                "—", ratio(requests, floor.requests()) + " requests, " + ratio(time.toMillis(), floor.time().toMillis())
                        + " time");
    }

    private void pushToVisible(TestPusher pusher, Service a, Service b) throws Exception {
        // the route takes POST only: without the token it answers 401 when it exists, 404 when it does not
        HttpResponse<String> events = a.post("/api/registry/events");
        boolean eventsEndpoint = events.statusCode() != 404;
        String repository = Seeder.repository(0);
        String tag = "pushed-" + Instant.now().getEpochSecond();
        Seeder seeder = new Seeder(pusher, 1);
        String layer = seeder.layer(repository);
        seeder.pushTag(repository, tag, layer);
        long pushed = System.nanoTime();
        Duration bound = Duration.ofSeconds(30);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Duration> onA = threads.submit(() -> visible(a, repository, tag, pushed, bound));
            Future<Duration> onB = threads.submit(() -> visible(b, repository, tag, pushed, bound));
            String note = eventsEndpoint ? "" : " (n/a: endpoint missing — `POST /api/registry/events`; seen after the tag-list TTL)";
            results.row("Push → visible in `GET /api/repositories/<repo>/tags` (instance receiving the events)",
                    onA.get() == null ? "not visible within " + bound.toSeconds() + " s" : millis(onA.get()) + note,
                    "≤ 1 s", verdict(onA.get(), Duration.ofSeconds(1)));
            results.row("Push → visible on a second instance (`REGISTRY_EVENTS_PEERS` forwarding)",
                    onB.get() == null ? "not visible within " + bound.toSeconds() + " s" : millis(onB.get())
                            + (eventsEndpoint ? "" : " (n/a: no peer forwarding on this build; seen after the TTL)"),
                    "≤ 2 s", verdict(onB.get(), Duration.ofSeconds(2)));
        }
    }

    private static Duration visible(Service s, String repository, String tag, long pushed, Duration bound)
            throws Exception {
        long deadline = pushed + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (s.get("/api/repositories/" + repository + "/tags").body().contains("\"" + tag + "\"")) {
                return Duration.ofNanos(System.nanoTime() - pushed);
            }
            Thread.sleep(10);
        }
        return null;
    }

    /**
     * Warm views under wrk, each against the health endpoint loaded the same way: once as they are (identity) and
     * once with {@code Accept-Encoding: gzip}, as browsers and {@code curl --compressed} ask.
     */
    private void warmPages(Service a) throws Exception {
        if (!Wrk.available()) {
            results.row("Warm pages (wrk)", "n/a: wrk not installed (`sudo apt-get install -y wrk`)", "", "");
            return;
        }
        Wrk wrk = new Wrk(2, param("wrkConnections"), param("wrkSeconds"));
        String repositoryPage = "/repositories/" + Seeder.repository(1);
        Map<String, String> pages = new java.util.LinkedHashMap<>();
        pages.put("`/observe/health/live` (reference)", "/observe/health/live");
        pages.put("home page `/`", "/");
        pages.put("repository page `" + repositoryPage + "` (" + param("tags") + " tags)", repositoryPage);
        pages.put("`/api/repositories`", "/api/repositories");
        for (String header : java.util.Arrays.asList(null, "Accept-Encoding: gzip")) {
            String encoding = header == null ? "identity" : "gzip";
            Wrk.Result health = null;
            for (Map.Entry<String, String> page : pages.entrySet()) {
                a.get(page.getValue());
                Wrk.Result r = wrk.run(a.uri(page.getValue()), header);
                if (health == null) {
                    health = r;
                }
                results.row("wrk " + page.getKey() + ", " + encoding, String.format(Locale.ROOT,
                        "%.0f req/s, p50 %.2f ms, p99 %.2f ms%s", r.requestsPerSecond(), r.p50(), r.p99(),
                        r.errors() > 0 ? ", " + r.errors() + " non-2xx" : ""), goal(page.getValue()),
                        verdict(page.getValue(), r, r.requestsPerSecond() / health.requestsPerSecond()));
            }
        }
        results.note("wrk: 2 threads, " + param("wrkConnections") + " connections, 3 s of warm-up then "
                + param("wrkSeconds") + " s measured per URL, on the same machine (and cores) as the service and the"
                + " registry, against an instance with the default reconcile interval; each ratio is to the health"
                + " endpoint loaded with the same headers. Other processes on the machine (e.g. builds) are not"
                + " stopped, so compare runs on a quiet machine.");
    }

    private static String goal(String path) {
        if (path.startsWith("/repositories/")) {
            return "p50 ≤ 5 ms and ≥ 0.25× health req/s";
        }
        return path.startsWith("/api/") ? "≥ 0.5× health req/s" : "—";
    }

    private static String verdict(String path, Wrk.Result r, double share) {
        String ratio = String.format(Locale.ROOT, "%.2f× health", share);
        if (path.startsWith("/repositories/")) {
            return ratio + ", " + (r.p50() <= 5 && share >= 0.25 ? "met" : "NOT met");
        }
        if (path.startsWith("/api/")) {
            return ratio + ", " + (share >= 0.5 ? "met" : "NOT met");
        }
        return ratio;
    }

    /** The 3,000-tag repository page: right after a view, and after today's tag-list TTL (10 s) has passed. */
    private void bigRepositoryPage(Service a) throws Exception {
        String path = "/repositories/" + Seeder.BIG;
        a.get(path);
        List<Long> warm = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = a.get(path);
            warm.add((System.nanoTime() - t) / 1_000_000);
            bytes = r.body().getBytes(StandardCharsets.UTF_8).length;
        }
        warm.sort(null);
        Thread.sleep(11_000);
        long t = System.nanoTime();
        a.get(path);
        long afterTtl = (System.nanoTime() - t) / 1_000_000;
        long worst = Math.max(warm.getLast(), afterTtl);
        results.row("Repository page of " + param("bigTags") + " tags (client-measured over loopback)",
                "median " + warm.get(2) + " ms right after a view; " + afterTtl + " ms 11 s later; page " + (bytes / 1024)
                        + " KiB",
                "≤ 100 ms at any time", worst <= 100 ? "met" : "NOT met (worst " + worst + " ms)");
    }

    private void heap(Service a, long baseline, long seededTags) throws Exception {
        long used = a.heapAfterGc();
        Optional<JsonNode> status = a.status();
        long tags = status.map(s -> s.path("tags").asLong(seededTags)).orElse(seededTags);
        long perTag = (used - baseline) / Math.max(1, tags);
        results.row("Heap after GC per indexed tag ((used − baseline) / tags)",
                mib(used) + " used, " + perTag + " B/tag over " + tags + " tags"
                        + (status.isPresent() ? "" : " (n/a as an index figure: this build holds caches, not an index)"),
                "< 2 KB/tag", status.isEmpty() ? "n/a (no index)" : perTag < 2048 ? "met" : "NOT met");
    }

    // ---- small helpers -------------------------------------------------------------------------------------------

    /** A condition that may throw; polled every 200 ms. */
    private interface Check {
        boolean test() throws Exception;
    }

    private static boolean waitFor(Duration bound, Check check) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.test()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private static String verdict(Duration measured, Duration goal) {
        return measured != null && measured.compareTo(goal) <= 0 ? "met" : "NOT met";
    }

    private static String ratio(long value, long floor) {
        return String.format(Locale.ROOT, "%.2f×", floor == 0 ? 0.0 : (double) value / floor);
    }

    private static String secs(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
    }

    private static void log(String message) {
        System.out.println("[bench] " + message);
    }
}
