package dev.imagecatalog.catalog.index;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.HostileRegistry;
import dev.imagecatalog.testing.HostileRegistry.Answer;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reconcile and an event racing for one repository: the catalog a reconcile read is older than what an event
 * indexed while it was being read, so it must not undo it; a later catalog read is newer and does. The registry is
 * a {@link HostileRegistry} that holds the reconcile's catalog answer until the event was applied.
 */
class ReconcileAndEventsIT {

    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final byte[] CONFIG = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
    private static final String CONFIG_DIGEST = TestPusher.sha256(CONFIG);
    private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + CONFIG_DIGEST
            + "\",\"size\":" + CONFIG.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1"
            + ".tar+gzip\",\"digest\":\"sha256:" + "b".repeat(64) + "\",\"size\":10}]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final String MANIFEST_DIGEST = TestPusher.sha256(MANIFEST);

    @Test
    void reconcile_whoseCatalogReadBeganBeforeAnEventIndexedARepository_keepsIt_andALaterReconcileDecides()
            throws InterruptedException {
        AtomicInteger catalogReads = new AtomicInteger();
        CountDownLatch secondCatalogAsked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (HostileRegistry registry = HostileRegistry.start(r -> {
            if (r.path().equals("/v2/_catalog")) {
                if (catalogReads.incrementAndGet() == 2) {
                    secondCatalogAsked.countDown();
                    await(release);
                }
                return Answer.json(200, "{\"repositories\":[\"a\"]}");
            }
            return answer(r.path());
        });
             RegistryCatalog catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), "x"),
                     IndexSettings.defaults().withEventsToken("t").withReconcile(Duration.ZERO, 1))) {
            catalog.crawl();
            assertThat(catalog.index().get("a")).isNotNull();

            Thread reconcile = Thread.ofVirtual().start(catalog::reconcile);
            await(secondCatalogAsked);
            catalog.events().accept(("{\"events\":[{\"action\":\"push\",\"target\":{\"repository\":\"b\","
                    + "\"tag\":\"v1\",\"digest\":\"" + MANIFEST_DIGEST + "\"}}]}").getBytes(StandardCharsets.UTF_8),
                    true);
            await(() -> catalog.index().get("b") != null, "the event's repository indexed");
            release.countDown();
            reconcile.join(Duration.ofSeconds(20));

            assertThat(catalog.index().get("b")).as("indexed by an event while the catalog was read").isNotNull();
            assertThat(catalog.index().get("b").tag("v1").digest()).isEqualTo(MANIFEST_DIGEST);

            // a catalog read begun after the event is newer knowledge: this registry does not list b
            catalog.reconcile();
            assertThat(catalog.index().get("b")).isNull();
        }
    }

    /** Repository a is empty; b has v1 → the manifest above. */
    private static Answer answer(String path) {
        if (path.equals("/v2/a/tags/list")) {
            return Answer.json(200, "{\"name\":\"a\",\"tags\":[]}");
        }
        if (path.equals("/v2/b/tags/list")) {
            return Answer.json(200, "{\"name\":\"b\",\"tags\":[\"v1\"]}");
        }
        if (path.equals("/v2/b/manifests/v1") || path.equals("/v2/b/manifests/" + MANIFEST_DIGEST)) {
            return Answer.bytes(200, OCI_MANIFEST, MANIFEST).header("Docker-Content-Digest", MANIFEST_DIGEST);
        }
        if (path.equals("/v2/b/blobs/" + CONFIG_DIGEST)) {
            return Answer.bytes(200, "application/octet-stream", CONFIG);
        }
        return Answer.json(404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"unknown\"}]}");
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

    private static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
