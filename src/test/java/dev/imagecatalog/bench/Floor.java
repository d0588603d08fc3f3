package dev.imagecatalog.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bare-client floor: only the requests a correct listing needs — catalog pages, one tag list per repository, one
 * manifest GET per tag, for an index one GET per child (platform images and attestation manifests), one config GET
 * per distinct config of an image (not of an attestation) — with a fixed number in flight.
 */
final class Floor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPT = String.join(", ", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");

    /** What one listing cost. */
    record Result(long requests, Duration time, int repositories, int tags, Duration cpu) {
    }

    private final URI registry;
    private final Semaphore inFlight;
    private final AtomicLong requests = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Floor(URI registry, int inFlight) {
        this.registry = registry;
        this.inFlight = new Semaphore(inFlight);
    }

    /**
     * Lists the registry once in this process and prints {@code floor <requests> <millis> <repositories> <tags>}.
     *
     * @param args the registry's URL and the requests in flight
     */
    public static void main(String[] args) throws Exception {
        Result r = new Floor(URI.create(args[0]), Integer.parseInt(args[1])).run();
        // the whole process's CPU (JVM start, JIT and GC included), as the service's is measured
        long cpu = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
        System.out.println("floor " + r.requests() + " " + r.time().toMillis() + " " + r.repositories() + " "
                + r.tags() + " " + cpu);
    }

    /**
     * The floor in a fresh JVM, as the service's first crawl runs in one: neither carries JIT-compiled code or
     * loaded classes over from an earlier listing. Timed like {@link #run()}, from its first request.
     */
    static Result inFreshProcess(URI registry, int inFlight) throws IOException, InterruptedException {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), Floor.class.getName(),
                registry.toString(), String.valueOf(inFlight)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the floor process failed: " + out);
        }
        String line = out.lines().filter(l -> l.startsWith("floor ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no result from the floor process: " + out));
        String[] f = line.split(" ");
        return new Result(Long.parseLong(f[1]), Duration.ofMillis(Long.parseLong(f[2])), Integer.parseInt(f[3]),
                Integer.parseInt(f[4]), Duration.ofMillis(Long.parseLong(f[5])));
    }

    /** Lists the whole registry once. */
    Result run() throws Exception {
        long start = System.nanoTime();
        List<String> repositories = catalog();
        Set<String> configs = ConcurrentHashMap.newKeySet();
        AtomicLong tagCount = new AtomicLong();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> work = new ArrayList<>();
            for (String repository : repositories) {
                work.add(threads.submit(() -> {
                    JsonNode tags = JSON.readTree(get("/v2/" + repository + "/tags/list", null)).get("tags");
                    List<Future<?>> manifests = new ArrayList<>();
                    for (JsonNode tag : tags) {
                        tagCount.incrementAndGet();
                        manifests.add(threads.submit(() -> {
                            JsonNode manifest = JSON.readTree(get("/v2/" + repository + "/manifests/" + tag.asText(), ACCEPT));
                            List<Future<?>> children = new ArrayList<>();
                            for (JsonNode child : manifest.path("manifests")) {
                                // an index: every child (a platform's sizes, an attestation's blobs), in parallel
                                children.add(threads.submit(() -> {
                                    JsonNode image = JSON.readTree(get("/v2/" + repository + "/manifests/"
                                            + child.path("digest").asText(), ACCEPT));
                                    boolean attestation = "attestation-manifest".equals(child.path("annotations")
                                            .path("vnd.docker.reference.type").asText());
                                    if (!attestation) {
                                        config(repository, image, configs);
                                    }
                                    return null;
                                }));
                            }
                            config(repository, manifest, configs);
                            for (Future<?> f : children) {
                                f.get();
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : manifests) {
                        f.get();
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        return new Result(requests.get(), Duration.ofNanos(System.nanoTime() - start), repositories.size(),
                (int) tagCount.get(), null);
    }

    /** A config is fetched once, whichever repository names it first (the platform and created date are in it). */
    private void config(String repository, JsonNode manifest, Set<String> configs) throws IOException,
            InterruptedException {
        String config = manifest.path("config").path("digest").asText();
        if (!config.isEmpty() && configs.add(config)) {
            get("/v2/" + repository + "/blobs/" + config, null);
        }
    }

    private List<String> catalog() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        String next = "/v2/_catalog?n=1000";
        for (int page = 0; next != null && page < 10_000; page++) {
            HttpResponse<String> response = send(next, null);
            JSON.readTree(response.body()).get("repositories").forEach(n -> names.add(n.asText()));
            next = response.headers().firstValue("Link")
                    .map(link -> link.substring(link.indexOf('<') + 1, link.indexOf('>')))
                    .orElse(null);
        }
        return names;
    }

    private String get(String path, String accept) throws IOException, InterruptedException {
        return send(path, accept).body();
    }

    private HttpResponse<String> send(String path, String accept) throws IOException, InterruptedException {
        inFlight.acquire();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(registry.resolve(path)).timeout(Duration.ofSeconds(30));
            if (accept != null) {
                request.header("Accept", accept);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            requests.incrementAndGet();
            if (response.statusCode() != 200) {
                throw new IOException("GET " + path + " → " + response.statusCode());
            }
            return response;
        } finally {
            inFlight.release();
        }
    }
}
