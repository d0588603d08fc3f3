package dev.imagecatalog.catalog.lifecycle;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.index.IndexUpdater;
import dev.imagecatalog.catalog.index.RegistryIndex;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole retention plan's bytes against the registry's own garbage collector: several manifests deleted at once
 * (an index with its attestation and cosign signature, an image sharing layers with another repository, a digest with
 * two tags), then {@code docker-registry garbage-collect} with the registry stopped, measured on disk.
 */
class RetentionGarbageCollectionIT {

    @Test
    void thePlansFreedBytes_areExactlyTheBlobDataTheCollectorRemoves_andWhatAPodUsesStays() {
        try (LocalRegistry registry = LocalRegistry.start();
             DistributionClient client = new DistributionClient(
                     RegistrySettings.of(registry.url(), registry.hostPort()))) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image base = pusher.pushOciImage("rgc/base", "v1", Arch.AMD64, Map.of());
            TestPusher.Index index = pusher.pushOciIndex("rgc/app", "old-index", List.of(Arch.AMD64, Arch.ARM64),
                    true);
            TestPusher.Image signature = pusher.pushCosignSignature("rgc/app", index.digest());
            TestPusher.Image onTop = pusher.pushOciImageOnTopOf("rgc/app", "old-shared", base);
            TestPusher.Image twoTags = pusher.pushOciImage("rgc/app", "old-a", Arch.AMD64, Map.of());
            pusher.tag("rgc/app", twoTags.digest(), twoTags.mediaType(), "old-b");
            TestPusher.Image used = pusher.pushOciIndex("rgc/app", "old-used", List.of(Arch.AMD64, Arch.ARM64),
                    false).platforms().getFirst();
            pusher.pushOciImage("rgc/app", "keep", Arch.AMD64, Map.of());

            RegistryIndex index0 = new RegistryIndex();
            IndexUpdater updater = new IndexUpdater(client, index0, IndexSettings.defaults(), 4);
            updater.crawl();
            RetentionSettings settings = new RetentionSettings(
                    List.of(RetentionRule.parse("rgc/app", null, "^keep$", null)), null, "l", "ns", true);
            // a pod runs one platform of "old-used": the whole index stays
            Retention retention = new Retention(index0, client, updater::refreshRepository,
                    () -> Map.of(used.digest(), List.of(new PodUse("prod", "web-1", "n1"))), settings,
                    Clock.systemUTC());
            RetentionPlan plan = retention.plan();
            Map<String, Long> before = registry.blobData();

            RetentionOutcome outcome = retention.apply(plan.id());

            assertThat(outcome.deleted()).extracting(RetentionOutcome.Deleted::tag).containsExactlyInAnyOrder(
                    "old-index", signature.tag(), "old-shared", "old-a", "old-b");
            assertThat(client.tags("rgc/app")).containsExactlyInAnyOrder("keep", "old-used");
            registry.stop();
            registry.garbageCollect();
            Map<String, Long> after = registry.blobData();
            registry.restart();
            Map<String, Long> removed = new TreeMap<>(before);
            removed.keySet().removeAll(after.keySet());
            long removedBytes = removed.values().stream().mapToLong(Long::longValue).sum();

            assertThat(plan.freedBytes()).isEqualTo(removedBytes).isEqualTo(outcome.freedBytes());
            assertThat(removed).containsKeys(index.digest(), signature.digest(), index.attestation().digest(),
                    onTop.digest(), twoTags.digest());
            assertThat(after).containsKeys(used.digest(), base.layers().getFirst().digest());
            assertThat(retention.apply(retention.plan().id()).deleted()).isEmpty();
        }
    }
}
