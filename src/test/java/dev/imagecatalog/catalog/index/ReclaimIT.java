package dev.imagecatalog.catalog.index;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reclaimable figure against the registry's own garbage collector: manifests deleted by digest (the registry's
 * delete event, or a reconcile that finds the tags gone) make their unreferenced blobs reclaimable; the bytes equal the
 * blob data files {@code docker-registry garbage-collect} (never {@code --delete-untagged}) removes from disk; after
 * the collection a reconcile finds them gone and the figure is 0.
 */
class ReclaimIT {

    @Test
    void deletedByDigest_reclaimableBytesEqualWhatGarbageCollectionRemoves_andAReconcileAfterItDropsThemToZero() {
        try (LocalRegistry registry = LocalRegistry.start();
             Indexed indexed = Indexed.of(registry)) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image unique = pusher.pushOciImage("rc/unique", "v1", Arch.AMD64, Map.of());
            pusher.pushOciImage("rc/unique", "kept", Arch.AMD64, Map.of());
            TestPusher.Image base = pusher.pushOciImage("rc/base", "v1", Arch.AMD64, Map.of());
            TestPusher.Image app = pusher.pushOciImageOnTopOf("rc/app", "v1", base);
            TestPusher.Index multi = pusher.pushOciIndex("rc/multi", "v1", List.of(Arch.AMD64, Arch.ARM64), true);
            indexed.updater().crawl();
            assertThat(indexed.index().status().reclaimableBytes()).isZero();

            // one delete reaches the index as the registry's event, the others by a reconcile
            indexed.client().deleteManifest("rc/unique", unique.digest());
            indexed.deliver(deleteEvent("rc/unique", unique.digest()));
            long afterEvent = indexed.index().status().reclaimableBytes();
            assertThat(afterEvent).isEqualTo(unique.manifestSize() + unique.size());
            indexed.client().deleteManifest("rc/app", app.digest());
            indexed.client().deleteManifest("rc/multi", multi.digest());
            for (TestPusher.Image child : multi.platforms()) {
                indexed.client().deleteManifest("rc/multi", child.digest());
            }
            indexed.client().deleteManifest("rc/multi", multi.attestation().digest());
            indexed.updater().reconcile();
            long reclaimable = indexed.index().status().reclaimableBytes();

            Map<String, Long> removed = collect(registry);

            assertThat(reclaimable).isGreaterThan(afterEvent)
                    .isEqualTo(removed.values().stream().mapToLong(Long::longValue).sum());
            // the base's layers stay: rc/base still references them
            assertThat(removed).doesNotContainKeys(base.layers().stream().map(TestPusher.Blob::digest)
                    .toArray(String[]::new));
            assertThat(removed).containsKeys(unique.digest(), app.digest(), multi.digest());
            indexed.updater().reconcile();
            assertThat(indexed.index().status().reclaimableBytes()).isZero();
            assertThat(indexed.index().reclaimable().blobs()).isZero();
        }
    }

    @Test
    void tagRepointedToAnotherImage_isNotReclaimable_becauseTheCollectorKeepsTheStillLinkedManifest() {
        try (LocalRegistry registry = LocalRegistry.start();
             Indexed indexed = Indexed.of(registry)) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image old = pusher.pushOciImage("rc/moved", "latest", Arch.AMD64, Map.of());
            indexed.updater().crawl();
            TestPusher.Image now = pusher.pushOciImage("rc/moved", "latest", Arch.AMD64, Map.of());
            indexed.deliver(pushEvent("rc/moved", "latest", now.digest(), now.mediaType()));

            assertThat(indexed.index().get("rc/moved").tag("latest").digest()).isNotEqualTo(old.digest());
            assertThat(indexed.index().status().reclaimableBytes()).isZero();
            Map<String, Long> removed = collect(registry);
            assertThat(removed).isEmpty();
        }
    }

    @Test
    void deletedImageSharingLayersWithAnUntaggedButLinkedManifest_countsOnlyWhatTheCollectorRemoves() {
        try (LocalRegistry registry = LocalRegistry.start();
             Indexed indexed = Indexed.of(registry)) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image first = pusher.pushOciImage("rc/app", "v1", Arch.AMD64, Map.of());
            indexed.updater().crawl();
            // v1 pushed again on top of the first: the first stays linked without a tag and keeps its layers
            TestPusher.Image second = pusher.pushOciImageOnTopOf("rc/app", "v1", first);
            indexed.deliver(pushEvent("rc/app", "v1", second.digest(), second.mediaType()));
            indexed.client().deleteManifest("rc/app", second.digest());
            indexed.deliver(deleteEvent("rc/app", second.digest()));

            long reclaimable = indexed.index().status().reclaimableBytes();
            Map<String, Long> removed = collect(registry);

            assertThat(removed).doesNotContainKeys(first.digest(), first.config().digest(),
                    first.layers().get(0).digest(), first.layers().get(1).digest());
            assertThat(reclaimable).isEqualTo(removed.values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(second.manifestSize() + second.config().size() + second.layers().getLast().size());
        }
    }

    @Test
    void untaggedManifestDeletedLaterByDigest_becomesReclaimable_exactlyAsTheCollectorSees() {
        try (LocalRegistry registry = LocalRegistry.start();
             Indexed indexed = Indexed.of(registry)) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image first = pusher.pushOciImage("rc/app", "v1", Arch.AMD64, Map.of());
            indexed.updater().crawl();
            TestPusher.Image second = pusher.pushOciImageOnTopOf("rc/app", "v1", first);
            indexed.deliver(pushEvent("rc/app", "v1", second.digest(), second.mediaType()));
            assertThat(indexed.index().status().reclaimableBytes()).isZero();

            indexed.client().deleteManifest("rc/app", first.digest());
            indexed.deliver(deleteEvent("rc/app", first.digest()));

            long reclaimable = indexed.index().status().reclaimableBytes();
            Map<String, Long> removed = collect(registry);
            // its layers stay: v1 (the second image) is built on them
            assertThat(removed.keySet()).containsExactlyInAnyOrder(first.digest(), first.config().digest());
            assertThat(reclaimable).isEqualTo(first.manifestSize() + first.config().size());
        }
    }

    @Test
    void blobReferencedAgainByANewPush_leavesTheFigure_andTheCollectorKeepsIt() {
        try (LocalRegistry registry = LocalRegistry.start();
             Indexed indexed = Indexed.of(registry)) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image base = pusher.pushOciImage("rc/base", "v1", Arch.AMD64, Map.of());
            pusher.pushOciImage("rc/base", "kept", Arch.AMD64, Map.of());
            indexed.updater().crawl();
            indexed.client().deleteManifest("rc/base", base.digest());
            indexed.deliver(deleteEvent("rc/base", base.digest()));
            assertThat(indexed.index().status().reclaimableBytes()).isEqualTo(base.manifestSize() + base.size());

            // the base's layers are mounted into a new image: referenced again
            TestPusher.Image app = pusher.pushOciImageOnTopOf("rc/app", "v1", base);
            indexed.deliver(pushEvent("rc/app", "v1", app.digest(), app.mediaType()));

            long expected = base.manifestSize() + base.config().size();
            assertThat(indexed.index().status().reclaimableBytes()).isEqualTo(expected);
            Map<String, Long> removed = collect(registry);
            assertThat(removed.keySet()).containsExactlyInAnyOrder(base.digest(), base.config().digest());
            assertThat(removed.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(expected);
        }
    }

    /** Stops the registry, runs its garbage collection, restarts it; the blob data files that went. */
    private static Map<String, Long> collect(LocalRegistry registry) {
        Map<String, Long> before = registry.blobData();
        registry.stop();
        registry.garbageCollect();
        Map<String, Long> after = registry.blobData();
        registry.restart();
        Map<String, Long> removed = new TreeMap<>(before);
        removed.keySet().removeAll(after.keySet());
        return removed;
    }

    private static byte[] deleteEvent(String repository, String digest) {
        return ("{\"events\":[{\"action\":\"delete\",\"target\":{\"repository\":\"" + repository + "\",\"digest\":\""
                + digest + "\"}}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] pushEvent(String repository, String tag, String digest, String mediaType) {
        return ("{\"events\":[{\"action\":\"push\",\"target\":{\"repository\":\"" + repository + "\",\"tag\":\"" + tag
                + "\",\"digest\":\"" + digest + "\",\"mediaType\":\"" + mediaType + "\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** An index of the registry with its updater and event intake. */
    private record Indexed(DistributionClient client, RegistryIndex index, IndexUpdater updater, EventIntake events)
            implements AutoCloseable {

        static Indexed of(LocalRegistry registry) {
            DistributionClient client = new DistributionClient(RegistrySettings.of(registry.url(),
                    registry.hostPort()));
            RegistryIndex index = new RegistryIndex();
            IndexSettings settings = IndexSettings.defaults();
            IndexUpdater updater = new IndexUpdater(client, index, settings, 4);
            return new Indexed(client, index, updater,
                    new EventIntake(updater, index, new PeerForwarder(settings), 1000, 2));
        }

        /** Hands an envelope to the intake, as the registry's notification would, and waits until it is applied. */
        void deliver(byte[] envelope) {
            assertThat(events.accept(envelope, false)).isPositive();
            Instant end = Instant.now().plus(Duration.ofSeconds(20));
            while (!events.idle() && Instant.now().isBefore(end)) {
                sleep();
            }
            assertThat(events.idle()).isTrue();
        }

        private static void sleep() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            events.close();
            client.close();
        }
    }
}
