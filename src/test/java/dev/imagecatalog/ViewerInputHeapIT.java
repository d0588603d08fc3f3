package dev.imagecatalog;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.ServiceProcess;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's heap finding, end to end: one anonymous client sending listings, home pages and searches with distinct
 * 8,000-character filters for 30 s at {@code -Xmx256m} (it killed the service within 30 s when kept listings were
 * weighed by rows, so an empty result with a huge key weighed 1). The service stays up and answers, and what it
 * retains after a full collection stays far below the heap: every cache keyed by the viewer's input is bounded by
 * the bytes of its keys and values.
 */
class ViewerInputHeapIT {

    private static final Duration LOAD = Duration.ofSeconds(30);
    private static final int CLIENTS = 4;
    private static final int FILTER_CHARS = 8_000;
    /** Kept listings (16 MiB) + kept pages (32 MiB) + the rest of a small service, with room for the collector. */
    private static final long RETAINED_LIMIT_BYTES = 120L * 1024 * 1024;
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    @Test
    void distinctLongFilters_for30Seconds_at256m_serviceStaysUp_andRetainedHeapStaysBounded() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            for (int i = 0; i < 5; i++) {
                pusher.pushOciImage("heap/app-" + i, "v1", Arch.AMD64, Map.of());
            }
            try (ServiceProcess service = ServiceProcess.start(List.of("-Xmx256m"), Map.of(
                    "REGISTRY_URL", registry.url().toString(),
                    "REGISTRY_PULL_HOST", registry.hostPort(),
                    "RUNS_ENABLED", "false"))) {
                service.awaitIndexed(Duration.ofSeconds(60));

                Load load = load(service.url());

                assertThat(service.isAlive()).as("alive after the load; log tail:%n%s", service.logTail(30)).isTrue();
                assertThat(service.log()).doesNotContain("OutOfMemoryError");
                assertThat(load.ok()).as("the load was answered (%s)", load).isGreaterThan(1_000);
                assertThat(load.failed()).as("every request answered 200 (%s)", load).isZero();
                assertThat(service.get("/observe/health/live").statusCode()).isEqualTo(200);
                assertThat(service.json("/api/repositories?q=heap/app-3").path("repositories")
                        .findValuesAsText("name")).containsExactly("heap/app-3");
                long retained = retainedAfterFullGc(service.pid());
                System.out.printf("ViewerInputHeapIT: %s; retained after a full GC: %,d bytes%n", load, retained);
                assertThat(retained).as("heap retained after a full GC, bytes").isLessThan(RETAINED_LIMIT_BYTES);
            }
        }
    }

    private record Load(long ok, long failed) {
    }

    /** {@value #CLIENTS} clients, each request with a filter no one sent before, for {@link #LOAD}. */
    private static Load load(URI base) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        AtomicLong sequence = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + LOAD.toNanos();
        String[] paths = {"/api/repositories?q=", "/?q=", "/search?q=", "/api/repositories?sort=size&q="};
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long n = sequence.incrementAndGet();
                        String path = paths[(int) (n % paths.length)] + filter(n);
                        try {
                            HttpResponse<Void> res = http.send(HttpRequest.newBuilder(base.resolve(path))
                                    .timeout(Duration.ofSeconds(10)).GET().build(),
                                    HttpResponse.BodyHandlers.discarding());
                            (res.statusCode() == 200 ? ok : failed).incrementAndGet();
                        } catch (IOException e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get(LOAD.toSeconds() + 30, TimeUnit.SECONDS);
            }
        }
        return new Load(ok.get(), failed.get());
    }

    /** {@value #FILTER_CHARS} URL-safe characters, distinct per {@code n}, matching no repository. */
    private static String filter(long n) {
        String prefix = "zz" + n + "-";
        return prefix + "x".repeat(FILTER_CHARS - prefix.length());
    }

    /** The child's used heap after a full collection, read with {@code jcmd} (JDK tooling, no agent). */
    private static long retainedAfterFullGc(long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(pid), "GC.run");
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        Matcher m = USED.matcher(info);
        assertThat(m.find()).as("jcmd GC.heap_info output:%n%s", info).isTrue();
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
