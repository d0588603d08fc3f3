package dev.imagecatalog.catalog.index;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import dev.imagecatalog.registry.TagSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The index copy format: what is written is what is read back, and a copy that is corrupt, truncated, too large or
 * of another version is refused whole.
 */
class IndexFormatTest {

    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path dir;

    @Test
    void roundTrip_givesBackEveryRepositoryWithItsTagsAndManifests() throws Exception {
        RegistryIndex index = sample(new Random(7), 30, 5);

        IndexFormat.Loaded loaded = IndexFormat.read(new ByteArrayInputStream(IndexFormat.toBytes(index)), 1 << 30);

        assertThat(loaded.repositories()).hasSize(30);
        for (RepositorySnapshot copy : loaded.repositories()) {
            RepositorySnapshot original = index.get(copy.name());
            assertThat(copy.tags()).isEqualTo(original.tags());
            assertThat(copy.manifests()).isEqualTo(original.manifests());
            assertThat(copy.size()).isEqualTo(original.size());
            assertThat(copy.platforms()).isEqualTo(original.platforms());
            assertThat(copy.referrers()).as("referrers of " + copy.name()).isEqualTo(original.referrers())
                    .isNotEmpty();
        }
        // what pages derive from the copy: missing platforms, badges and the signer
        RepositorySnapshot first = loaded.repositories().stream().filter(c -> c.name().endsWith("app-0"))
                .findFirst().orElseThrow();
        assertThat(first.tag("multi").missing()).extracting(p -> p.platform().architecture()).containsExactly("s390x");
        assertThat(first.attachments().kinds(first.tags().getFirst()))
                .isEqualTo(index.get(first.name()).attachments().kinds(index.get(first.name()).tags().getFirst()))
                .isNotEmpty();
        RegistryIndex loadedIndex = new RegistryIndex();
        loadedIndex.load(loaded.repositories(), RegistryIndex.SOURCE_PEER);
        assertThat(loadedIndex.status().ready()).isTrue();
        assertThat(loadedIndex.status().source()).isEqualTo("peer");
        assertThat(loadedIndex.status().tags()).isEqualTo(index.status().tags());
        assertThat(loadedIndex.names()).isEqualTo(index.names());
    }

    @Test
    void oneChangedByte_isRefusedWhole() {
        byte[] bytes = IndexFormat.toBytes(sample(new Random(1), 5, 3));
        String text = new String(bytes, StandardCharsets.UTF_8);
        // a size in a repository line, still valid JSON: only the checksum tells
        int at = text.indexOf("\"bytes\":") + "\"bytes\":".length();
        bytes[at] = (byte) (bytes[at] == '9' ? '8' : '9');

        assertThatThrownBy(() -> IndexFormat.read(new ByteArrayInputStream(bytes), 1 << 30))
                .isInstanceOf(IndexFormat.Invalid.class).hasMessageContaining("checksum");
    }

    @Test
    void truncatedCopy_isRefusedAtAnyLength() {
        byte[] bytes = IndexFormat.toBytes(sample(new Random(2), 5, 3));
        for (int length : new int[] {0, 10, bytes.length / 3, bytes.length / 2, bytes.length - 2}) {
            byte[] cut = java.util.Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> IndexFormat.read(new ByteArrayInputStream(cut), 1 << 30))
                    .as("cut at %d of %d bytes", length, bytes.length)
                    .isInstanceOf(IndexFormat.Invalid.class);
        }
    }

    @Test
    void otherFormatVersion_isRefused() {
        String text = new String(IndexFormat.toBytes(sample(new Random(3), 2, 2)), StandardCharsets.UTF_8)
                .replace("\"version\":" + IndexFormat.VERSION, "\"version\":" + (IndexFormat.VERSION + 1));

        assertThatThrownBy(() -> IndexFormat.read(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1 << 30))
                .isInstanceOf(IndexFormat.Invalid.class).hasMessageContaining("version");
    }

    @Test
    void garbage_isRefused() {
        byte[] html = "<html><body>502 Bad Gateway</body></html>\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> IndexFormat.read(new ByteArrayInputStream(html), 1 << 30))
                .isInstanceOf(IndexFormat.Invalid.class);
    }

    @Test
    void copyLargerThanTheBound_isRefused() {
        byte[] bytes = IndexFormat.toBytes(sample(new Random(4), 20, 5));

        assertThatThrownBy(() -> IndexFormat.read(new ByteArrayInputStream(bytes), bytes.length / 2))
                .isInstanceOf(IndexFormat.Invalid.class).hasMessageContaining("larger than");
    }

    @Test
    void snapshotFile_roundTripsAndReplacesTheOldOneAtomically() throws IOException {
        Path file = dir.resolve("sub/index.snapshot");
        SnapshotFile snapshot = new SnapshotFile(file, 1 << 30);
        snapshot.write(sample(new Random(5), 3, 2));
        RegistryIndex second = sample(new Random(6), 4, 2);

        snapshot.write(second);

        IndexFormat.Loaded loaded = snapshot.read().orElseThrow();
        assertThat(loaded.repositories()).extracting(RepositorySnapshot::name)
                .containsExactlyInAnyOrderElementsOf(second.names());
        // no temporary file left beside it
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void snapshotFile_missingCorruptOrTruncated_isIgnored() throws IOException {
        Path file = dir.resolve("index.snapshot");
        SnapshotFile snapshot = new SnapshotFile(file, 1 << 30);
        assertThat(snapshot.read()).isEmpty();

        snapshot.write(sample(new Random(8), 3, 2));
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 40));
        assertThat(snapshot.read()).isEmpty();

        Files.write(file, new byte[] {0, 1, 2, '\n'});
        assertThat(snapshot.read()).isEmpty();
    }

    /**
     * An index the way the crawl builds one: single images, a multi-platform index with a child per platform, a
     * cosign signature tag, and a tag that could not be read.
     */
    static RegistryIndex sample(Random random, int repositories, int tagsPerRepository) {
        RegistryIndex index = new RegistryIndex();
        for (int r = 0; r < repositories; r++) {
            String repository = "team-" + (r % 3) + "/app-" + r;
            RepositoryReader reader = new RepositoryReader(null, repository, null);
            List<TagSummary> tags = new ArrayList<>();
            List<IndexedManifest.Child> children = new ArrayList<>();
            for (int t = 0; t < tagsPerRepository; t++) {
                IndexedManifest.Image image = image(random, t % 2 == 0 ? "amd64" : "arm64");
                reader.manifests.put(image.digest(), image);
                tags.add(reader.summary("1." + t, image));
                children.add(new IndexedManifest.Child(image.digest(),
                        Names.platform(new Platform("linux", t % 2 == 0 ? "amd64" : "arm64", t == 1 ? "v8" : null))));
            }
            // every other index lists a platform whose manifest the registry no longer has
            List<IndexedManifest.Child> missing = r % 2 == 0 ? List.of(new IndexedManifest.Child(digest(random),
                    Names.platform(new Platform("linux", "s390x", null)))) : List.of();
            IndexedManifest.Index multi = new IndexedManifest.Index(digest(random), Names.intern(OCI_INDEX),
                    List.copyOf(children), List.of(), r % 2 == 0, 900, missing);
            reader.manifests.put(multi.digest(), multi);
            tags.add(reader.summary("multi", multi));
            IndexedManifest.Image first = (IndexedManifest.Image) reader.manifests.get(tags.getFirst().digest());
            // a cosign signature whose layer names the signer, and an attestation the referrers API lists
            IndexedManifest.Image signature = artifact(random, new IndexedManifest.LayerNote(null, null, true,
                    "dev@example.com", "https://token.actions.githubusercontent.com"));
            reader.manifests.put(signature.digest(), signature);
            tags.add(reader.summary("sha256-" + first.digest().substring(7) + ".sig", signature));
            IndexedManifest.Image attestation = artifact(random, new IndexedManifest.LayerNote(null,
                    "https://slsa.dev/provenance/v1", false, null, null));
            reader.manifests.put(attestation.digest(), attestation);
            tags.add(TagSummary.failed("broken", digest(random), "manifest larger than 4 MiB"));
            index.put(reader.snapshot(tags, Map.of(first.digest(), List.of(attestation.digest()))));
        }
        return index;
    }

    private static IndexedManifest.Image image(Random random, String architecture) {
        Layer config = Names.layer(digest(random), 1_000 + random.nextInt(5_000), OCI_CONFIG);
        List<Layer> layers = List.of(Names.layer(digest(random), random.nextInt(50_000_000), OCI_LAYER));
        Map<String, String> labels = new HashMap<>();
        labels.put(Names.intern("org.opencontainers.image.version"), "1." + random.nextInt(9));
        return new IndexedManifest.Image(digest(random), Names.intern(OCI_MANIFEST), ArtifactKind.IMAGE, config,
                layers, Names.platform(new Platform("linux", architecture, null)),
                Instant.ofEpochSecond(1_700_000_000L + random.nextInt(10_000_000)), Map.copyOf(labels),
                random.nextBoolean(), 500 + random.nextInt(1_000));
    }

    /** A signature or attestation manifest whose one layer carries {@code note} (its layer digest filled in). */
    private static IndexedManifest.Image artifact(Random random, IndexedManifest.LayerNote note) {
        Layer layer = Names.layer(digest(random), 300 + random.nextInt(3_000), "application/vnd.dsse.envelope.v1+json");
        return new IndexedManifest.Image(digest(random), Names.intern(OCI_MANIFEST), ArtifactKind.SIGNATURE,
                Names.layer(digest(random), 233, OCI_CONFIG), List.of(layer), null, null, Map.of(), true, 700,
                List.of(new IndexedManifest.LayerNote(layer.digest(), note.predicateType(), note.signature(),
                        note.identity(), note.issuer())));
    }

    private static String digest(Random random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "sha256:" + HexFormat.of().formatHex(bytes);
    }
}
