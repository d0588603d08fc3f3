package dev.imagecatalog;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.testing.ConcurrentClients;
import dev.imagecatalog.testing.ConcurrentClients.Answer;
import dev.imagecatalog.testing.HostileRegistry;
import dev.imagecatalog.testing.HostileRegistry.Request;
import dev.imagecatalog.testing.ServiceProcess;
import dev.imagecatalog.testing.TestPusher;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8's "Done when", end to end: the real service in its own JVM at {@code -Xmx256m}, 10 concurrent clients for
 * a bounded time on every kind of page and API, against registries this test serves — a 100,000-repository catalog
 * whose pagination (and one tag list's) loops back, and a registry that trickles its answers a byte a second. The
 * service answers every request within its request deadline (plus a margin for a loaded 2-core machine) with 200 or
 * a clear 5xx message (never a 500, never a hang), stays live and ready, reads the catalog once for everyone, ends
 * the loops with deduplicated lists, leaves no registry connection open, and neither dies nor runs out of memory.
 * The large-config repositories under the same kind of load are {@link LargeConfigIT}.
 */
class RegistryResilienceIT {

    private static final int REPOSITORIES = 100_000;
    private static final int PAGE = 1000;
    private static final int CLIENTS = 10;
    private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(2);
    /** What a loaded 2-core machine (GC, other builds) may add to the deadline; beyond it an answer is too late. */
    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final Duration GIVE_UP = Duration.ofSeconds(15);
    private static final Duration LOAD = Duration.ofSeconds(8);
    private static final List<String> HUNDRED_K_PATHS = List.of("/", "/api/repositories", "/repositories/repo-04242",
            "/api/status", "/search?q=repo-0001", "/observe/health/live", "/observe/health/ready",
            "/repositories/loop/app", "/api/repositories/repo-99999/tags", "/?q=repo-5&page=3&sort=size",
            // listings of every repository in other orders and filters: each is kept for reuse, within a bound
            "/?sort=tags", "/api/repositories?sort=newest", "/?q=repo&sort=size", "/api/repositories?q=repo-&sort=tags");
    private static final Pattern LAST = Pattern.compile("[?&]last=([^&]*)");
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @Test
    void hundredThousandRepositories_withLoopingLinks_tenClients_answerInTime_catalogReadOnce_loopsDeduped() {
        TinyImage image = new TinyImage();
        List<String> loopTags = List.of("v1", "v2", "v3", "v4");
        try (HostileRegistry registry = HostileRegistry.start(r -> hundredThousand(r, image, loopTags));
             // nothing is slow here: a generous call deadline, so a machine busy with other work does not fail a page
             ServiceProcess service = start(registry, Duration.ofSeconds(10))) {
            service.awaitReady(Duration.ofSeconds(60));

            // ten clients while the crawl fills the index, then (crawl done) ten clients over the whole index: the
            // heap's peak is all 100k repositories indexed plus ten listings of them in flight
            List<Answer> whileCrawling = ConcurrentClients.run(service.url(), HUNDRED_K_PATHS, CLIENTS, LOAD,
                    GIVE_UP);
            assertAnsweredInTime(whileCrawling, service);
            assertThat(whileCrawling).as("200, or a clear 504 while the catalog is being read (not yet in the index)")
                    .allSatisfy(a -> assertThat(a.status()).as("%s", a).isIn(200, 504));
            service.awaitIndexed(Duration.ofSeconds(120));
            assertThat(json(service, "/api/status").path("indexed").asInt()).as("the first crawl indexed everything")
                    .isEqualTo(REPOSITORIES + 1);
            List<Answer> indexed = ConcurrentClients.run(service.url(), HUNDRED_K_PATHS, CLIENTS, LOAD, GIVE_UP);
            assertAnsweredInTime(indexed, service);
            assertThat(indexed).as("over the whole index everything answers 200 (no registry is slow here)")
                    .allSatisfy(a -> assertThat(a.status()).as("%s", a).isEqualTo(200));

            JsonNode listing = json(service, "/api/repositories?q=loop");
            assertThat(listing.path("total").path("repositories").asInt()).as("catalog deduplicated")
                    .isEqualTo(REPOSITORIES + 1);
            assertThat(listing.path("repositories").findValuesAsText("name")).containsExactly("loop/app");
            assertThat(json(service, "/api/repositories/loop/app/tags").path("tags").findValuesAsText("name"))
                    .as("the looping tag list, deduplicated").containsExactlyInAnyOrderElementsOf(loopTags);
            // one catalog read for the crawl and all clients: its pages once each, the looping link back not followed
            // beyond the one page that added nothing new
            assertThat(registry.count("GET", "/v2/_catalog")).as("catalog requests").isBetween(
                    (long) REPOSITORIES / PAGE, (long) REPOSITORIES / PAGE + 1);
            assertThat(registry.count("GET", "/v2/loop/app/tags/list")).as("looping tag list requests")
                    .isBetween(1L, 3L);
            assertHealthyAndNoOutOfMemory(service);
        }
    }

    @Test
    void tricklingRegistry_tenClients_answer504WithAReasonInTime_staysLiveAndReady_leavesNoConnectionOpen() {
        List<String> names = List.of("slow/a", "slow/b", "slow/c");
        try (HostileRegistry registry = HostileRegistry.start(r -> trickling(r, names));
             ServiceProcess service = start(registry, Duration.ofSeconds(6))) {
            service.awaitReady(Duration.ofSeconds(60));

            List<Answer> answers = ConcurrentClients.run(service.url(), List.of("/", "/api/repositories",
                    "/repositories/slow/a", "/api/status", "/search?q=slow", "/observe/health/live",
                    "/observe/health/ready", "/api/repositories/slow/b/tags", "/repositories/slow/c/tags/v1"),
                    CLIENTS, Duration.ofSeconds(10), GIVE_UP);

            assertAnsweredInTime(answers, service);
            List<Answer> slowOnes = answers.stream().filter(a -> a.path().contains("slow/")).toList();
            assertThat(slowOnes).as("what needs the trickling registry answers 504 with the reason").isNotEmpty()
                    .allSatisfy(a -> {
                        assertThat(a.status()).as("%s", a).isEqualTo(504);
                        // its own request deadline, or — when it joined a load another request had started seconds
                        // earlier (identical loads are shared) — that load's call deadline ending first
                        assertThat(a.body()).as("%s", a).containsAnyOf("registry.request-deadline",
                                                                       "registry.call-deadline");
                    });
            assertThat(answers).as("what the index or the quick /v2/ answers stays 200")
                    .filteredOn(a -> !a.path().contains("slow/"))
                    .allSatisfy(a -> assertThat(a.status()).as("%s", a).isEqualTo(200));
            // every trickling answer was given up by the service: none is still being sent
            await(() -> registry.tricklingNow() == 0, Duration.ofSeconds(10),
                    () -> registry.tricklingNow() + " trickling connections still open");
            assertThat(registry.closedWhileTrickling()).as("abandoned registry connections closed").isPositive();
            assertHealthyAndNoOutOfMemory(service);
        }
    }

    // ---- assertions ---------------------------------------------------------------------------------------------

    private static void assertAnsweredInTime(List<Answer> answers, ServiceProcess service) {
        String summary = "answers: " + ConcurrentClients.summary(answers);
        assertThat(service.isAlive()).as("service alive after the load; %s; log:%n%s", summary, service.logTail(60))
                .isTrue();
        assertThat(answers).as("the clients kept asking; " + summary).hasSizeGreaterThan(CLIENTS * 5);
        assertThat(answers).as("no hang, no 500, each answered within the deadline + margin; " + summary)
                .allSatisfy(a -> {
                    assertThat(a.status()).as("%s", a).isNotZero().isNotEqualTo(500);
                    assertThat(a.took()).as("%s", a).isLessThan(REQUEST_DEADLINE.plus(MARGIN));
                    if (a.status() >= 400) {
                        assertThat(a.path().startsWith("/api/") ? a.body() : a.type())
                                .as("a clear message: {\"error\"} on the API, the error page on pages; %s", a)
                                .contains(a.path().startsWith("/api/") ? "\"error\"" : "text/html");
                    }
                });
        assertThat(answers).as("liveness always 200; " + summary)
                .filteredOn(a -> a.path().equals("/observe/health/live"))
                .isNotEmpty().allSatisfy(a -> assertThat(a.status()).as("%s", a).isEqualTo(200));
        assertThat(answers).as("readiness 200 throughout (the registry's /v2/ answers); " + summary)
                .filteredOn(a -> a.path().equals("/observe/health/ready"))
                .isNotEmpty().allSatisfy(a -> assertThat(a.status()).as("%s", a).isEqualTo(200));
    }

    private static void assertHealthyAndNoOutOfMemory(ServiceProcess service) {
        try {
            assertThat(service.get("/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(service.get("/observe/health/ready").statusCode()).isEqualTo(200);
        } catch (java.io.IOException e) {
            throw new AssertionError("the service does not answer; log:\n" + service.log(), e);
        }
        assertThat(service.isAlive()).as("service alive; log:%n%s", service.logTail(60)).isTrue();
        assertThat(service.logLines()).as("no OutOfMemoryError in the service's output")
                .noneMatch(l -> l.contains("OutOfMemoryError"));
    }

    // ---- the service ------------------------------------------------------------------------------------------

    /**
     * The service at {@code -Xmx256m}, read-only, over {@code registry}, each request waiting at most
     * {@link #REQUEST_DEADLINE} for it and each registry call lasting at most {@code callDeadline}.
     */
    private static ServiceProcess start(HostileRegistry registry, Duration callDeadline) {
        return ServiceProcess.start(List.of("-Xmx256m"), Map.of(
                "REGISTRY_URL", registry.url().toString(),
                "REGISTRY_PULL_HOST", "localhost:5001",
                "RUNS_ENABLED", "false",
                "REGISTRY_CALL_DEADLINE", "PT" + callDeadline.toSeconds() + "S",
                "REGISTRY_REQUEST_DEADLINE", "PT" + REQUEST_DEADLINE.toSeconds() + "S"));
    }

    private static JsonNode json(ServiceProcess service, String path) {
        try {
            return service.json(path);
        } catch (java.io.IOException e) {
            throw new AssertionError(path + " failed; log:\n" + service.log(), e);
        }
    }

    // ---- the registries ---------------------------------------------------------------------------------------

    /**
     * {@value #REPOSITORIES} repositories {@code repo-00000…} plus {@code loop/app}, {@value #PAGE} a catalog page,
     * the last page linking back to the first; each repository has tag {@code v1} of one tiny image;
     * {@code loop/app}'s tag list pages v1,v2 → v3,v4 → v1,v2 again.
     */
    private static HostileRegistry.Answer hundredThousand(Request r, TinyImage image, List<String> loopTags) {
        String path = r.path();
        if (path.equals("/v2/")) {
            return HostileRegistry.Answer.json(200, "{}");
        }
        if (path.equals("/v2/_catalog")) {
            return CATALOG_PAGES.get(page(r.target(),
                    name -> Integer.parseInt(name.substring("repo-".length())) / PAGE + 1));
        }
        if (path.equals("/v2/loop/app/tags/list")) {
            int page = page(r.target(), last -> loopTags.indexOf(last) / 2 + 1) % 2;
            List<String> tags = loopTags.subList(page * 2, page * 2 + 2);
            return HostileRegistry.Answer.json(200, "{\"name\":\"loop/app\",\"tags\":" + array(tags) + "}")
                    .header("Link", "</v2/loop/app/tags/list?n=2&last=" + tags.getLast() + ">; rel=\"next\"");
        }
        if (path.endsWith("/tags/list")) {
            String name = path.substring("/v2/".length(), path.length() - "/tags/list".length());
            return HostileRegistry.Answer.json(200, "{\"name\":\"" + name + "\",\"tags\":[\"v1\"]}");
        }
        if (path.contains("/manifests/")) {
            return HostileRegistry.Answer.bytes(200, OCI_MANIFEST, image.manifest)
                    .header("Docker-Content-Digest", image.manifestDigest);
        }
        if (path.endsWith("/blobs/" + image.configDigest)) {
            return HostileRegistry.Answer.bytes(200, "application/octet-stream", image.config);
        }
        return notFound();
    }

    /** The catalog's pages, made once (the test shares the cores with the service). */
    private static final List<HostileRegistry.Answer> CATALOG_PAGES = catalogPages();

    private static List<HostileRegistry.Answer> catalogPages() {
        List<HostileRegistry.Answer> pages = new ArrayList<>();
        for (int page = 0; page < REPOSITORIES / PAGE; page++) {
            List<String> names = new ArrayList<>();
            if (page == 0) {
                names.add("loop/app");
            }
            for (int i = page * PAGE; i < (page + 1) * PAGE; i++) {
                names.add(String.format("repo-%05d", i));
            }
            // the last page links back to the first
            String next = page + 1 < REPOSITORIES / PAGE
                    ? "/v2/_catalog?n=" + PAGE + "&last=" + names.getLast()
                    : "/v2/_catalog?n=" + PAGE;
            pages.add(HostileRegistry.Answer.json(200, "{\"repositories\":" + array(names) + "}")
                    .header("Link", "<" + next + ">; rel=\"next\""));
        }
        return List.copyOf(pages);
    }

    /** {@code /v2/} and the catalog answer at once; tag lists, manifests and blobs trickle a byte a second. */
    private static HostileRegistry.Answer trickling(Request r, List<String> names) {
        if (r.path().equals("/v2/")) {
            return HostileRegistry.Answer.json(200, "{}");
        }
        if (r.path().equals("/v2/_catalog")) {
            return HostileRegistry.Answer.json(200, "{\"repositories\":" + array(names) + "}");
        }
        return HostileRegistry.Answer.json(200, "{\"name\":\"x\",\"tags\":[\"v1\"]}" + " ".repeat(1000))
                .trickled(Duration.ofSeconds(1));
    }

    private static HostileRegistry.Answer notFound() {
        return HostileRegistry.Answer.json(404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"unknown\"}]}");
    }

    /** The page a {@code last=} parameter asks for (0 without one). */
    private static int page(String target, java.util.function.ToIntFunction<String> pageAfter) {
        Matcher m = LAST.matcher(target);
        return m.find() ? pageAfter.applyAsInt(m.group(1)) : 0;
    }

    private static String array(List<String> names) {
        StringBuilder json = new StringBuilder("[");
        for (String n : names) {
            json.append(json.length() > 1 ? "," : "").append('"').append(n).append('"');
        }
        return json.append(']').toString();
    }

    /** One small OCI image shared by every repository: a config blob and a manifest naming it and one layer. */
    private static final class TinyImage {
        final byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-01T00:00:00Z\","
                + "\"config\":{\"Labels\":{\"team\":\"soak\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"history\":[{\"created_by\":\"soak\"}]}").getBytes(StandardCharsets.UTF_8);
        final String configDigest = TestPusher.sha256(config);
        final byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + "1".repeat(64)
                + "\",\"size\":1234}]}").getBytes(StandardCharsets.UTF_8);
        final String manifestDigest = TestPusher.sha256(manifest);
    }

    private static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out: " + what.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
