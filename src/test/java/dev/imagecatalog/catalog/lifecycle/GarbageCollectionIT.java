package dev.imagecatalog.catalog.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.index.IndexUpdater;
import dev.imagecatalog.catalog.index.RegistryIndex;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.Untag;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The preview's bytes against the registry's own garbage collector: push, crawl the index, preview, delete through
 * the adapter, stop the registry, run {@code docker-registry garbage-collect} (never {@code --delete-untagged}) and
 * compare with the blob data files that disappeared from its storage.
 */
class GarbageCollectionIT {

    @Test
    void imageUniqueToItsRepository_freesExactlyItsManifestConfigAndLayers() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image image = pusher.pushOciImage("gc/unique", "v1", Arch.AMD64, Map.of());
            pusher.pushOciImage("gc/unique", "v2", Arch.AMD64, Map.of());
            pusher.pushOciImage("gc/other", "v1", Arch.AMD64, Map.of());

            Collected gc = deleteAndCollect(registry, "gc/unique", "v1", DeletionMode.IMAGE);

            assertThat(gc.preview().tags()).containsExactly("v1");
            assertThat(gc.preview().freedBytes())
                    .isEqualTo(image.manifestSize() + image.size())
                    .isEqualTo(gc.removedBytes());
            assertThat(gc.preview().sharedBytes()).isZero();
            assertThat(gc.preview().freedBlobs()).containsExactlyInAnyOrderElementsOf(gc.removed().keySet());
        }
    }

    @Test
    void imageSharingLayersWithAnotherRepository_freesOnlyWhatIsItsOwn_theSharedLayersStay() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image base = pusher.pushOciImage("gc/base", "v1", Arch.AMD64, Map.of());
            TestPusher.Image app = pusher.pushOciImageOnTopOf("gc/app", "v1", base);

            Collected gc = deleteAndCollect(registry, "gc/app", "v1", DeletionMode.IMAGE);

            long shared = base.layers().stream().mapToLong(TestPusher.Blob::size).sum();
            assertThat(gc.preview().sharedBytes()).isEqualTo(shared);
            assertThat(gc.preview().freedBytes())
                    .isEqualTo(app.manifestSize() + app.size() - shared)
                    .isEqualTo(gc.removedBytes());
            assertThat(gc.after()).containsKeys(base.layers().stream().map(TestPusher.Blob::digest)
                    .toArray(String[]::new));
        }
    }

    @Test
    void multiPlatformIndex_withAttestationAndCosignSignature_goesWithItsChildrenAndSidecar() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Index index = pusher.pushOciIndex("gc/multi", "v1", List.of(Arch.AMD64, Arch.ARM64), true);
            TestPusher.Image signature = pusher.pushCosignSignature("gc/multi", index.digest());
            pusher.pushOciImage("gc/multi", "kept", Arch.AMD64, Map.of());

            Collected gc = deleteAndCollect(registry, "gc/multi", "v1", DeletionMode.IMAGE);

            DeletionPreview preview = gc.preview();
            assertThat(preview.tags()).containsExactlyInAnyOrder("v1", signature.tag());
            assertThat(preview.sidecars()).containsExactly(signature.tag());
            assertThat(preview.children()).containsExactlyElementsOf(
                    index.platforms().stream().map(TestPusher.Image::digest).toList());
            assertThat(preview.attestations()).containsExactly(index.attestation().digest());
            assertThat(preview.manifests()).first().isEqualTo(index.digest());
            assertThat(preview.freedBytes()).isEqualTo(gc.removedBytes());
            assertThat(preview.freedBlobs()).containsExactlyInAnyOrderElementsOf(gc.removed().keySet());
            assertThat(gc.removed()).containsKeys(index.digest(), signature.digest(), index.attestation().digest());
            assertThat(gc.tagsAfter()).containsExactly("kept");
        }
    }

    @Test
    void digestWithTwoTags_deletedAsImage_bothTagsGoAndItsBlobsAreFreed() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image image = pusher.pushOciImage("gc/two", "v1", Arch.AMD64, Map.of());
            pusher.tag("gc/two", image.digest(), image.mediaType(), "v2");
            pusher.pushOciImage("gc/two", "kept", Arch.AMD64, Map.of());

            Collected gc = deleteAndCollect(registry, "gc/two", "v1", DeletionMode.IMAGE);

            assertThat(gc.preview().tags()).containsExactlyInAnyOrder("v1", "v2");
            assertThat(gc.preview().freedBytes()).isEqualTo(image.manifestSize() + image.size())
                    .isEqualTo(gc.removedBytes());
            assertThat(gc.tagsAfter()).containsExactly("kept");
        }
    }

    @Test
    void digestWithTwoTags_untaggedOn28_theOtherTagStillResolves_andGcFreesOnlyTheThrowAwayManifest() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image image = pusher.pushOciImage("gc/two", "v1", Arch.AMD64, Map.of());
            pusher.tag("gc/two", image.digest(), image.mediaType(), "v2");

            Collected gc = deleteAndCollect(registry, "gc/two", "v1", DeletionMode.UNTAG);

            assertThat(gc.outcome().technique()).isEqualTo(Untag.Technique.THROW_AWAY_MANIFEST);
            assertThat(gc.preview().tags()).containsExactly("v1");
            assertThat(gc.preview().leavesUntagged()).isFalse();
            assertThat(gc.preview().freedBytes()).isZero();
            assertThat(gc.v2After()).isEqualTo(image.digest());
            // none of the image's blobs go; only the throw-away manifest and the {} config it brought
            assertThat(gc.removed()).doesNotContainKeys(image.digest(), image.config().digest(),
                    image.layers().get(0).digest(), image.layers().get(1).digest());
            assertThat(gc.removed().keySet()).isEqualTo(Set.of(gc.outcome().deleted().getFirst(),
                    Untag.EMPTY_CONFIG_DIGEST));
            assertThat(gc.preview().throwAwayBytes()).isEqualTo(gc.removedBytes());
        }
    }

    /** What one delete and one collection did. */
    private record Collected(DeletionPreview preview, DeletionOutcome outcome, Map<String, Long> removed,
                             Map<String, Long> after, List<String> tagsAfter, String v2After) {

        long removedBytes() {
            return removed.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static Collected deleteAndCollect(LocalRegistry registry, String repository, String tag,
                                              DeletionMode mode) {
        RegistrySettings settings = RegistrySettings.of(registry.url(), registry.hostPort());
        try (DistributionClient client = new DistributionClient(settings)) {
            RegistryIndex index = new RegistryIndex();
            new IndexUpdater(client, index, IndexSettings.defaults(), 4).crawl();
            Deletions deletions = new Deletions(index, client);
            DeletionPreview preview = deletions.preview(repository, tag, mode).orElseThrow();
            Map<String, Long> before = registry.blobData();

            DeletionOutcome outcome = deletions.apply(preview);
            List<String> tagsAfter = client.tags(repository);
            String v2After = mode == DeletionMode.UNTAG ? client.manifestDigest(repository, "v2").orElseThrow() : null;
            // an untag on 2.8 writes blobs (the throw-away manifest, the {} config): they are on disk now
            Map<String, Long> stored = new TreeMap<>(before);
            stored.putAll(registry.blobData());

            registry.stop();
            registry.garbageCollect();
            Map<String, Long> after = registry.blobData();
            registry.restart();
            Map<String, Long> removed = new TreeMap<>(stored);
            removed.keySet().removeAll(after.keySet());
            return new Collected(preview, outcome, removed, after, tagsAfter, v2After);
        }
    }
}
