package dev.imagecatalog.registry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.testing.HostileRegistry;
import dev.imagecatalog.testing.HostileRegistry.Answer;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bounds of the adapter that must hold whatever the registry answers ({@link HostileRegistry}): one whole listing
 * is capped in names, bytes and time (not only per page), exchanges in flight never exceed
 * {@code registry.concurrency} whoever makes them, and a config blob is read to the size its manifest declares.
 */
class DistributionClientBoundsHostileIT {

    private static final Pattern LAST = Pattern.compile("last=p(\\d+)");

    @Test
    void catalog_thatNeverEndsWithNewNames_isRefusedAtTheListingNameCap_notAfterMaxPages() {
        try (HostileRegistry registry = HostileRegistry.start(r -> endlessPage(r, 300, 8, Duration.ZERO));
             DistributionClient client = client(registry, s -> s.withListingBounds(1000, Duration.ofMinutes(1)))) {
            assertThatThrownBy(client::catalog).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE);
                assertThat(e.getMessage()).contains("1000 names").contains("registry.max-listing-names");
            });
            // 300 names a page: the 4th page crosses 1,000 names; max-pages (10,000) is never reached
            assertThat(registry.count("GET", "/v2/_catalog")).isEqualTo(4);
        }
    }

    @Test
    void tags_ofLongNames_areRefusedAtTheListingByteCap_beforeTheNameCap() {
        // 64 bytes a name on average for 1,000 names: 64,000 bytes; 300 names of 128 characters a page
        try (HostileRegistry registry = HostileRegistry.start(r -> endlessPage(r, 300, 128, Duration.ZERO));
             DistributionClient client = client(registry, s -> s.withListingBounds(1000, Duration.ofMinutes(1)))) {
            assertThatThrownBy(() -> client.tags("a/b")).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE);
                assertThat(e.getMessage()).contains("64000 bytes");
            });
            assertThat(registry.count("GET", "/v2/a/b/tags/list")).isEqualTo(2);
        }
    }

    @Test
    void catalog_whosePagesEachComeInTime_endsAtOneDeadlineForTheWholeListing() {
        // every page well within registry.call-deadline; together they would take max-pages × 150 ms
        try (HostileRegistry registry = HostileRegistry.start(r -> endlessPage(r, 10, 8, Duration.ofMillis(150)));
             DistributionClient client = client(registry, s -> s.withLimits(4 * 1024 * 1024, 4 * 1024 * 1024, 60)
                     .withListingBounds(100_000, Duration.ofSeconds(1)))) {
            assertThatThrownBy(client::catalog).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.TIMEOUT);
                assertThat(e.getMessage()).contains("registry.listing-deadline");
            });
            assertThat(registry.count("GET", "/v2/_catalog")).isLessThan(60);
        }
    }

    @Test
    void exchangesInFlight_neverExceedTheConcurrencySetting_whoeverMakesThem() throws InterruptedException {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (HostileRegistry registry = HostileRegistry.start(r -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            return Answer.json(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"unknown\"}]}");
        });
             DistributionClient client = client(registry, s -> s.withConcurrency(2))) {
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                // distinct loads (no sharing): manifests, tag lists, and the readiness ping, which took no permit
                Runnable call = switch (n % 3) {
                    case 0 -> () -> client.manifest("a/b", "sha256:" + Integer.toHexString(n).repeat(64));
                    case 1 -> () -> client.tags("r" + n);
                    default -> client::ping;
                };
                callers.add(Thread.ofVirtual().start(() -> {
                    try {
                        call.run();
                    } catch (RegistryException expected) {
                        // every answer is a 404: only the number in flight matters here
                    }
                }));
            }
            for (Thread t : callers) {
                t.join(Duration.ofSeconds(20));
            }
            // pings share one load while it is in flight: 4 manifests + 4 tag lists + at least one ping
            assertThat(registry.requests()).hasSizeGreaterThanOrEqualTo(9);
            assertThat(most.get()).isEqualTo(2);
        }
    }

    @Test
    void configBlob_longerThanTheManifestDeclares_isAMismatch_evenWhenItsDigestMatches() {
        byte[] body = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
        String digest = TestPusher.sha256(body);
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.bytes(200, "application/octet-stream", body));
             DistributionClient client = client(registry, s -> s)) {
            assertThatThrownBy(() -> client.blob("a/b", digest, 100)).isInstanceOfSatisfying(RegistryException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH);
                        assertThat(e.getMessage()).contains("more than the 100 bytes the manifest declares");
                    });
            assertThat(client.blob("a/b", digest, body.length)).isEqualTo(body);
        }
    }

    @Test
    void configBlob_shorterThanTheManifestDeclares_isAMismatch() {
        byte[] body = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
        String digest = TestPusher.sha256(body);
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.bytes(200, "application/octet-stream", body));
             DistributionClient client = client(registry, s -> s)) {
            assertThatThrownBy(() -> client.blob("a/b", digest, 6000)).isInstanceOfSatisfying(RegistryException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH);
                        assertThat(e.getMessage()).contains("sent 5000 bytes, the manifest declares 6000");
                    });
        }
    }

    @Test
    void configBlob_declaredBeyondMaxConfigBytes_isTooLarge_withoutAsking() {
        try (HostileRegistry registry = HostileRegistry.start(r -> Answer.json(200, "{}"));
             DistributionClient client = client(registry, s -> s.withLimits(4096, 4096, 100))) {
            assertThatThrownBy(() -> client.blob("a/b", "sha256:" + "a".repeat(64), 4097))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE);
                        assertThat(e.getMessage()).contains("registry.max-config-bytes");
                    });
            assertThat(registry.requests()).isEmpty();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /**
     * Page n of a list that never ends: {@code size} new names of {@code length} characters and a link to page
     * n + 1, sent after {@code delay}.
     */
    private static Answer endlessPage(HostileRegistry.Request r, int size, int length, Duration delay) {
        Matcher m = LAST.matcher(r.target());
        int page = m.find() ? Integer.parseInt(m.group(1)) : 0;
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < size; i++) {
            String name = "p" + page + "x" + i;
            names.append(i == 0 ? "" : ",").append('"').append(name).append("z".repeat(length - name.length()))
                    .append('"');
        }
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean catalog = r.path().equals("/v2/_catalog");
        return Answer.json(200, "{\"" + (catalog ? "repositories" : "tags") + "\":[" + names + "]}")
                .header("Link", "<" + r.path() + "?last=p" + (page + 1) + "&n=" + size + ">; rel=\"next\"");
    }

    private static DistributionClient client(HostileRegistry registry, UnaryOperator<RegistrySettings> settings) {
        return new DistributionClient(settings.apply(RegistrySettings.of(registry.url(), "x")));
    }
}
