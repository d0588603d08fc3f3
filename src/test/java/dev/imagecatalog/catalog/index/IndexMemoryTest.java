package dev.imagecatalog.catalog.index;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.TagSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heap retained per indexed tag, measured (heap used after GC, before and after building an index of 20,000 tags
 * the way {@link IndexUpdater} builds entries: interned digests, media types, layer descriptors and platforms).
 * Each tag is its own image (manifest, config and one layer of its own, plus one of 20 shared base layers per
 * repository) with two small labels: the common case, and the worst for sharing. The goal of issue 7 is under
 * 2 KB per tag; the figure is printed for the benchmark.
 */
class IndexMemoryTest {

    private static final int REPOSITORIES = 200;
    private static final int TAGS_PER_REPOSITORY = 100;
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    @Test
    void indexedTag_retainsLessThanTwoKilobytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Random random = new Random(42);
        long before = usedAfterGc(memory);

        RegistryIndex index = build(random);

        long after = usedAfterGc(memory);
        long tags = index.status().tags();
        long perTag = (after - before) / tags;
        System.out.printf("index: %d tags, %d manifests, %d bytes retained per tag%n", tags,
                index.status().manifests(), perTag);
        assertThat(tags).isEqualTo((long) REPOSITORIES * TAGS_PER_REPOSITORY);
        assertThat(perTag).isPositive().isLessThan(2048);
        // keep the index reachable until measured
        assertThat(index.names()).hasSize(REPOSITORIES);
    }

    /**
     * Loading a copy (a peer's or the snapshot) from a file: the loaded index retains what a crawled one does, and
     * the loader holds one repository's line at a time besides the snapshots it builds — no second copy of the
     * index. The peak of the heap pools during the load (garbage included, so an upper bound) is printed for the
     * README.
     */
    @Test
    void loadingACopy_retainsLessThanTwoKilobytesPerTag(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        java.nio.file.Path file = dir.resolve("index.snapshot");
        new SnapshotFile(file, Long.MAX_VALUE).write(build(new Random(42)));
        long before = usedAfterGc(memory);
        List<java.lang.management.MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP).toList();
        heap.forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);

        RegistryIndex loaded = new RegistryIndex();
        loaded.load(new SnapshotFile(file, Long.MAX_VALUE).read().orElseThrow().repositories(),
                RegistryIndex.SOURCE_SNAPSHOT);

        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long after = usedAfterGc(memory);
        long tags = loaded.status().tags();
        System.out.printf("loaded copy: %d tags, %d bytes on disk, %d bytes retained per tag, peak %d bytes per tag"
                + " over the heap before the load (garbage included)%n", tags, java.nio.file.Files.size(file),
                (after - before) / tags, (peak - before) / tags);
        assertThat(tags).isEqualTo((long) REPOSITORIES * TAGS_PER_REPOSITORY);
        assertThat((after - before) / tags).isPositive().isLessThan(2048);
        assertThat(loaded.names()).hasSize(REPOSITORIES);
    }

    private static RegistryIndex build(Random random) {
        RegistryIndex index = new RegistryIndex();
        List<String> baseLayers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            baseLayers.add(digest(random));
        }
        for (int r = 0; r < REPOSITORIES; r++) {
            String repository = "team-" + (r % 17) + "/service-" + r;
            List<TagSummary> tags = new ArrayList<>();
            Map<String, IndexedManifest> manifests = new HashMap<>();
            for (int t = 0; t < TAGS_PER_REPOSITORY; t++) {
                Layer config = Names.layer(digest(random), 1_000 + random.nextInt(5_000), OCI_CONFIG);
                List<Layer> layers = List.of(
                        Names.layer(baseLayers.get(random.nextInt(baseLayers.size())), 30_000_000, OCI_LAYER),
                        Names.layer(digest(random), random.nextInt(50_000_000), OCI_LAYER));
                Platform platform = Names.platform(new Platform("linux", "amd64", null));
                Instant created = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(10_000_000));
                Map<String, String> labels = Map.of(Names.intern("org.opencontainers.image.version"), "1.2." + t,
                        Names.intern("org.opencontainers.image.source"), "https://git.example.com/" + repository);
                IndexedManifest.Image image = new IndexedManifest.Image(digest(random),
                        Names.intern(OCI_MANIFEST), ArtifactKind.IMAGE, config, layers, platform, created, labels, true,
                        500 + random.nextInt(1_000));
                manifests.put(image.digest(), image);
                tags.add(new TagSummary("1.2." + t, image.digest(), image.mediaType(), image.size(),
                        created, ArtifactKind.IMAGE,
                        List.of(new PlatformImage(platform, image.digest(), image.size(), created))));
            }
            index.put(new RepositorySnapshot(repository, tags, manifests));
        }
        return index;
    }

    private static String digest(Random random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "sha256:" + HexFormat.of().formatHex(bytes);
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
