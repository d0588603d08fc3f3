package dev.imagecatalog.registry;


import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import dev.imagecatalog.testing.HostileRegistry;
import dev.imagecatalog.testing.HostileRegistry.Answer;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter against registries that lie, loop, stall or point elsewhere ({@link HostileRegistry}): nothing they
 * say makes it send credentials to another host, follow another origin, run forever, read without bound, or accept
 * content that does not match its digest; every such answer is a {@link RegistryException} with a reason.
 */
class DistributionClientHostileIT {

    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String DIGEST_A = "sha256:" + "a".repeat(64);

    // ---- 1. pagination links stay on the registry's origin -----------------------------------------------------

    @Test
    void catalog_linkToAnotherHost_isRefusedAndTheOtherHostNeverAsked() {
        try (HostileRegistry foreign = HostileRegistry.start(r -> Answer.json(200, "{\"repositories\":[\"evil\"]}"));
             HostileRegistry registry = HostileRegistry.start(r -> Answer.json(200, "{\"repositories\":[\"a\"]}")
                     .header("Link", "<http://localhost:" + foreign.port() + "/v2/_catalog?last=a&n=100>; rel=\"next\""));
             DistributionClient client = client(registry, s -> s.withCredentials("u", "p"))) {
            assertThatThrownBy(client::catalog).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                assertThat(e.getMessage()).contains("http://localhost:" + foreign.port()).contains("not followed");
            });
            assertThat(registry.requests()).singleElement().satisfies(r ->
                    assertThat(r.authorization()).isEqualTo("Basic dTpw"));
            assertThat(foreign.requests()).isEmpty();
        }
    }

    @Test
    void tags_linkToAnotherPortOfTheSameHost_isRefused() {
        try (HostileRegistry foreign = HostileRegistry.start(r -> Answer.json(200, "{\"tags\":[\"x\"]}"));
             HostileRegistry registry = HostileRegistry.start(r -> Answer.json(200, "{\"tags\":[\"v1\"]}")
                     .header("Link", "<http://127.0.0.1:" + foreign.port() + "/v2/r/tags/list?last=v1>; rel=next"));
             DistributionClient client = client(registry, s -> s.withCredentials("u", "p"))) {
            assertThatThrownBy(() -> client.tags("r")).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE));
            assertThat(foreign.requests()).isEmpty();
        }
    }

    @Test
    void catalog_unparsableLink_isABadResponseNotACrash() {
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.json(200, "{\"repositories\":[\"a\"]}")
                .header("Link", "<http://a b/v2/_catalog?last=a>; rel=\"next\""));
             DistributionClient client = client(registry, s -> s)) {
            assertThatThrownBy(client::catalog).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                assertThat(e.getMessage()).contains("invalid pagination link");
            });
        }
    }

    // ---- 2./3. token realms and their redirects ----------------------------------------------------------------

    @Test
    void relativeRealm_isAskedOnTheRegistryItselfWithTheCredentials() {
        try (HostileRegistry registry = HostileRegistry.start(bearerRegistry("/token", null));
             DistributionClient client = client(registry, s -> s.withCredentials("u", "p"))) {
            client.ping();

            assertThat(registry.requests()).filteredOn(r -> r.path().equals("/token")).singleElement()
                    .satisfies(r -> assertThat(r.authorization()).isEqualTo("Basic dTpw"));
            assertThat(registry.requests()).last().satisfies(r -> assertThat(r.authorization()).isEqualTo("Bearer t"));
        }
    }

    @Test
    void plainHttpRealmOnAnotherHost_getsNoCredentials_unlessThatHostIsAllowed() {
        try (HostileRegistry foreign = HostileRegistry.start(r -> Answer.json(200, "{\"token\":\"t\"}"));
             HostileRegistry registry = HostileRegistry.start(
                     bearerRegistry("http://localhost:" + foreign.port() + "/token", null))) {
            try (DistributionClient client = client(registry, s -> s.withCredentials("u", "p"))) {
                assertThatThrownBy(client::ping).isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                    assertThat(e.getMessage()).contains("http://localhost:" + foreign.port() + "/token");
                });
                assertThat(foreign.requests()).isEmpty();
            }
            try (DistributionClient client = client(registry, s -> s.withCredentials("u", "p")
                    .withTokenRealmAllowedHosts(List.of("localhost")))) {
                client.ping();
                assertThat(foreign.requests()).singleElement()
                        .satisfies(r -> assertThat(r.authorization()).isEqualTo("Basic dTpw"));
            }
        }
    }

    @Test
    void realmWithASpace_isARegistryErrorNamingIt() {
        try (HostileRegistry registry = HostileRegistry.start(bearerRegistry("http://auth host/token", null));
             DistributionClient client = client(registry, s -> s.withCredentials("u", "p"))) {
            assertThatThrownBy(client::ping).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                assertThat(e.getMessage()).contains("http://auth host/token");
            });
        }
    }

    @Test
    void tokenEndpointRedirectingToAnotherHost_isFollowedWithoutTheCredentials() {
        try (HostileRegistry foreign = HostileRegistry.start(r -> Answer.json(200, "{\"token\":\"t\"}"));
             HostileRegistry registry = HostileRegistry.start(
                     bearerRegistry("/token", "http://localhost:" + foreign.port() + "/issue"));
             DistributionClient client = client(registry, s -> s.withCredentials("u", "p"))) {
            client.ping();

            assertThat(registry.requests()).filteredOn(r -> r.path().equals("/token")).singleElement()
                    .satisfies(r -> assertThat(r.authorization()).isEqualTo("Basic dTpw"));
            assertThat(foreign.requests()).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/issue");
                assertThat(r.authorization()).isNull();
            });
        }
    }

    @Test
    void tokenAnswerOfMegabytes_isTooLarge_notKeptAsAToken() {
        // a token is kept per scope: a token server answering megabytes would fill the heap one repository at a time
        String huge = "{\"token\":\"" + "t".repeat(1024 * 1024) + "\"}";
        try (HostileRegistry registry = HostileRegistry.start(r -> r.path().equals("/token")
                ? Answer.json(200, huge) : bearerRegistry("/token", null).apply(r));
             DistributionClient client = client(registry, s -> s)) {
            assertThatThrownBy(client::ping).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE));
        }
    }

    /** /v2/ wants a Bearer token from {@code realm}; /token issues "t" or redirects to {@code tokenRedirect}. */
    private static java.util.function.Function<HostileRegistry.Request, Answer> bearerRegistry(String realm,
                                                                                               String tokenRedirect) {
        return r -> {
            if (r.path().equals("/token")) {
                return tokenRedirect == null ? Answer.json(200, "{\"token\":\"t\"}")
                        : Answer.json(302, "{}").header("Location", tokenRedirect);
            }
            if ("Bearer t".equals(r.authorization())) {
                return Answer.json(200, "{}");
            }
            return Answer.json(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}")
                    .header("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"hostile\"");
        };
    }

    // ---- 4. read limits ----------------------------------------------------------------------------------------

    @Test
    void manifest_overTheLimit_isTooLarge_withoutReadingTheRestOfTheBody() {
        // announces 100 MB and would send it one byte per millisecond: only refusing up front ends this quickly
        byte[] head = manifest(DIGEST_A, List.of()).getBytes(StandardCharsets.UTF_8);
        try (HostileRegistry registry = HostileRegistry.start(r -> new Answer(200,
                Map.of("Content-Type", OCI_MANIFEST, "Content-Length", "100000000"), head, Duration.ofMillis(1)));
             DistributionClient client = client(registry, s -> s.withLimits(2048, 2048, 100))) {
            assertThatThrownBy(() -> client.manifest("a/b", "v1")).isInstanceOfSatisfying(RegistryException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE);
                        assertThat(e.getMessage()).contains("2048").contains("registry.max-manifest-bytes");
                    });
            await(() -> registry.closedWhileTrickling() == 1, "the connection to be closed");
        }
    }

    // ---- 5. total deadline of a call ---------------------------------------------------------------------------

    @Test
    void registryTricklingOneBytePerSecond_failsWithTimeoutAtTheCallDeadline_andTheConnectionIsClosed() {
        byte[] body = manifest(DIGEST_A, List.of()).getBytes(StandardCharsets.UTF_8);
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.bytes(200, OCI_MANIFEST, body)
                .trickled(Duration.ofSeconds(1)));
             DistributionClient client = client(registry, s -> s.withDeadlines(Duration.ofSeconds(2),
                     Duration.ofSeconds(60)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.manifest("a/b", "v1")).isInstanceOfSatisfying(RegistryException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.TIMEOUT);
                        assertThat(e.getMessage()).contains("registry.call-deadline");
                    });
            // behavioural bound: the deadline (2 s) ends the call, not the 30 s read timeout nor the whole body
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
            await(() -> registry.closedWhileTrickling() == 1, "the trickling connection to be closed");
        }
    }

    // ---- 6. listings that never end ------------------------------------------------------------------------------

    @Test
    void catalog_linkingBackToItself_endsAfterOnePage() {
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.json(200, "{\"repositories\":[\"a\",\"b\"]}")
                .header("Link", "</v2/_catalog?n=100>; rel=\"next\""));
             DistributionClient client = client(registry, s -> s)) {
            assertThat(client.catalog()).containsExactly("a", "b");
            assertThat(registry.count("GET", "/v2/_catalog")).isEqualTo(1);
        }
    }

    @Test
    void tags_pagesRepeatingTheSameNamesUnderNewLinks_endAtTheFirstPageAddingNothing_deduplicated() {
        AtomicInteger page = new AtomicInteger();
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.json(200,
                        "{\"tags\":[\"v1\",\"v2\",\"v1\"]}")
                .header("Link", "</v2/r/tags/list?last=p" + page.incrementAndGet() + ">; rel=\"next\""));
             DistributionClient client = client(registry, s -> s)) {
            assertThat(client.tags("r")).containsExactly("v1", "v2");
            assertThat(registry.count("GET", "/v2/r/tags/list")).isEqualTo(2);
        }
    }

    @Test
    void catalog_growingForever_stopsAtMaxPagesWithAnError() {
        AtomicInteger page = new AtomicInteger();
        try (HostileRegistry registry = HostileRegistry.start(r -> {
            int n = page.incrementAndGet();
            return Answer.json(200, "{\"repositories\":[\"r" + n + "\"]}")
                    .header("Link", "</v2/_catalog?last=r" + n + "&n=100>; rel=\"next\"");
        });
             DistributionClient client = client(registry, s -> s.withLimits(4096, 4096, 5))) {
            assertThatThrownBy(client::catalog).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                assertThat(e.getMessage()).contains("5 pages").contains("registry.max-pages");
            });
            assertThat(registry.count("GET", "/v2/_catalog")).isEqualTo(5);
        }
    }

    // ---- 7. identical loads in flight are shared -----------------------------------------------------------------

    @Test
    void concurrentIdenticalCalls_shareOneRequest_resultAndFailureAlike() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> catalogBody = new AtomicReference<>("{\"repositories\":[\"a\"]}");
        try (HostileRegistry registry = HostileRegistry.start(r -> {
            await(release);
            return r.path().startsWith("/v2/_catalog") ? Answer.json(200, catalogBody.get())
                    : Answer.json(500, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"boom\"}]}");
        });
             DistributionClient client = client(registry, s -> s)) {
            List<Object> results = concurrently(10, client::catalog, registry, "/v2/_catalog", release);
            assertThat(results).hasSize(10).allSatisfy(r -> assertThat(r).isEqualTo(List.of("a")));
            assertThat(registry.count("GET", "/v2/_catalog")).isEqualTo(1);

            CountDownLatch second = new CountDownLatch(1);
            String digest = "sha256:" + "c".repeat(64);
            try (HostileRegistry failing = HostileRegistry.start(r -> {
                await(second);
                return Answer.json(500, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"boom\"}]}");
            });
                 DistributionClient failingClient = client(failing, s -> s)) {
                List<Object> failures = concurrently(10, () -> failingClient.manifest("a/b", digest), failing,
                        "/v2/a/b/manifests/", second);
                assertThat(failures).hasSize(10).allSatisfy(f -> assertThat(f)
                        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage()).contains("boom")));
                assertThat(failing.count("GET", "/v2/a/b/manifests/")).isEqualTo(1);
            }
        }
    }

    /** Runs {@code call} on n virtual threads; releases the server once one request arrived and all n are waiting. */
    private static List<Object> concurrently(int n, java.util.function.Supplier<Object> call, HostileRegistry server,
                                             String prefix, CountDownLatch release) throws InterruptedException {
        List<Object> results = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    results.add(call.get());
                } catch (RuntimeException e) {
                    results.add(e);
                }
            }));
        }
        await(() -> server.count("GET", prefix) == 1
                && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING), "all callers waiting");
        release.countDown();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(10));
        }
        return results;
    }

    // ---- 8. verified content ---------------------------------------------------------------------------------------

    @Test
    void manifestByTag_whoseDigestHeaderDisagreesWithTheBytes_isADigestMismatchNamingBoth() {
        byte[] body = manifest(DIGEST_A, List.of()).getBytes(StandardCharsets.UTF_8);
        String claimed = "sha256:" + "b".repeat(64);
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.bytes(200, OCI_MANIFEST, body)
                .header("Docker-Content-Digest", claimed));
             DistributionClient client = client(registry, s -> s)) {
            assertThatThrownBy(() -> client.manifest("a/b", "v1")).isInstanceOfSatisfying(RegistryException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH);
                        assertThat(e.getMessage()).contains(claimed).contains(TestPusher.sha256(body));
                    });
        }
    }

    @Test
    void manifestByTag_withMatchingHeader_isListedUnderTheComputedDigest() {
        byte[] body = manifest(DIGEST_A, List.of()).getBytes(StandardCharsets.UTF_8);
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.bytes(200, OCI_MANIFEST, body)
                .header("Docker-Content-Digest", TestPusher.sha256(body)));
             DistributionClient client = client(registry, s -> s)) {
            assertThat(client.manifest("a/b", "v1").digest()).isEqualTo(TestPusher.sha256(body));
        }
    }

    @Test
    void bogusDigestHeader_onGetOrHead_isRefusedBeforeAnythingUsesIt() {
        byte[] body = manifest(DIGEST_A, List.of()).getBytes(StandardCharsets.UTF_8);
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.bytes(200, OCI_MANIFEST, body)
                .header("Docker-Content-Digest", "not-a-digest/../../x"));
             DistributionClient client = client(registry, s -> s)) {
            assertThatThrownBy(() -> client.manifest("a/b", "v1")).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
            assertThatThrownBy(() -> client.manifestDigest("a/b", "v1"))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH);
                        assertThat(e.getMessage()).contains("not-a-digest/../../x");
                    });
        }
    }

    @Test
    void manifestAndBlobByDigest_whoseBytesHashElsewhere_areDigestMismatches() {
        byte[] body = manifest(DIGEST_A, List.of()).getBytes(StandardCharsets.UTF_8);
        String asked = "sha256:" + "d".repeat(64);
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.bytes(200, OCI_MANIFEST, body)
                .header("Docker-Content-Digest", asked));
             DistributionClient client = client(registry, s -> s)) {
            assertThatThrownBy(() -> client.manifest("a/b", asked)).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
            assertThatThrownBy(() -> client.blob("a/b", asked, body.length)).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
        }
    }

    @Test
    void manifestNamingAnInvalidChildDigest_isABadResponse() {
        byte[] body = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"not-a-digest/../../x\","
                + "\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.bytes(200,
                "application/vnd.oci.image.index.v1+json", body));
             DistributionClient client = client(registry, s -> s)) {
            assertThatThrownBy(() -> client.manifest("a/b", "v1")).isInstanceOfSatisfying(RegistryException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                        assertThat(e.getMessage()).contains("invalid digest");
                    });
        }
    }

    // ---- 10. registries that do not list their repositories ------------------------------------------------------

    @Test
    void configuredRepositories_areListedWithoutAskingCatalog() {
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.json(404, "{}"));
             DistributionClient client = client(registry, s -> s.withRepositories(List.of("team/b", "team/a")))) {
            assertThat(client.repositoriesConfigured()).isTrue();
            assertThat(client.catalog()).containsExactly("team/b", "team/a");
            assertThat(registry.requests()).isEmpty();
        }
    }

    @Test
    void catalogRefused_withoutConfiguredRepositories_saysToConfigureThem() {
        for (int status : new int[] {401, 403, 404}) {
            try (HostileRegistry registry = HostileRegistry.start(r -> r.path().equals("/v2/_catalog")
                    ? Answer.json(status, "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"no catalog here\"}]}")
                    : Answer.json(200, "{}"));
                 DistributionClient client = client(registry, s -> s)) {
                assertThat(client.repositoriesConfigured()).isFalse();
                assertThatThrownBy(client::catalog).isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isNotEqualTo(RegistryException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("no catalog here").contains("registry.repositories");
                });
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static DistributionClient client(HostileRegistry registry,
                                             java.util.function.UnaryOperator<RegistrySettings> settings) {
        return new DistributionClient(settings.apply(RegistrySettings.of(registry.url(), "x")));
    }

    private static String manifest(String configDigest, List<String> layers) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configDigest + "\",\"size\":7},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                    + "\"digest\":\"").append(layers.get(i)).append("\",\"size\":1}");
        }
        return json.append("]}").toString();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits (up to 10 s) for a condition other threads make true; fails naming it otherwise. */
    static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

}
