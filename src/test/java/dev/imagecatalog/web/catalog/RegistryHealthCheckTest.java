package dev.imagecatalog.web.catalog;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;

import io.helidon.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness reuses one registry probe per interval and refreshes it in the background, on a clock the test moves
 * (nothing is timed).
 */
class RegistryHealthCheckTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();

    @Test
    void manyChecksWithinTheInterval_probeTheRegistryOnce_thenAgainAfterIt() {
        // the background probe runs in the caller here, so the test sees its outcome without waiting
        RegistryHealthCheck check = new RegistryHealthCheck(catalog(), now::get, Runnable::run);

        for (int i = 0; i < 1000; i++) {
            assertThat(check.call().status()).isEqualTo(HealthCheckResponse.Status.UP);
            now.addAndGet(1_000_000); // 1 ms per check: 1 s in all
        }
        assertThat(pings).hasValue(1);

        now.addAndGet(RegistryHealthCheck.PROBE_INTERVAL.toNanos());
        down.set(true);
        // past the interval a check answers with the last probe (it never waits for the registry) and starts the next
        assertThat(check.call().status()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(pings).hasValue(2);
        HealthCheckResponse after = check.call();

        assertThat(pings).hasValue(2);
        assertThat(after.status()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(after.details()).containsEntry("state", "unreachable");
    }

    private Catalog catalog() {
        return new Catalog() {
            @Override
            public List<String> repositories(String q) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<TagSummary> tags(String repository) {
                throw new UnsupportedOperationException();
            }

            @Override
            public TagDetail tag(String repository, String tag) {
                throw new UnsupportedOperationException();
            }

            @Override
            public TagDetail digest(String repository, String digest) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void ping() {
                pings.incrementAndGet();
                if (down.get()) {
                    throw new RegistryException(RegistryException.Kind.UNREACHABLE, "registry stopped");
                }
            }

            @Override
            public String pullHost() {
                return "localhost:5001";
            }
        };
    }
}
