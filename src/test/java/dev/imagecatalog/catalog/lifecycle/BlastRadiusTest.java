package dev.imagecatalog.catalog.lifecycle;

import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.index.IndexedManifest;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.MediaTypes;
import dev.imagecatalog.registry.TagSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The garbage collector's model applied to hand-built indexes (the real collector: GarbageCollectionIT). */
class BlastRadiusTest {

    private static final String OCI = MediaTypes.OCI_MANIFEST;

    @Test
    void theSameManifestInAnotherRepository_keepsItsBytesAndBlobs_becauseItsRevisionLinkThereRemains() {
        IndexedManifest.Image x = image("sha256:" + "1".repeat(64), 500, layer('a', 100), layer('b', 1000));
        RepositorySnapshot a = repo("a", Map.of("v1", x), x);
        RepositorySnapshot b = repo("b", Map.of("v1", x), x);

        DeletionPreview p = BlastRadius.preview(List.of(a, b), "a", "v1", DeletionMode.IMAGE).orElseThrow();

        assertThat(p.freedBytes()).isZero();
        assertThat(p.sharedBytes()).isEqualTo(500 + 100 + 1000);
    }

    @Test
    void anIndexChildAnotherKeptIndexLists_staysWithItsBlobs_theOtherChildGoes() {
        IndexedManifest.Image c1 = image("sha256:" + "c".repeat(64), 300, layer('d', 100), layer('e', 200));
        IndexedManifest.Image c2 = image("sha256:" + "f".repeat(64), 400, layer('7', 1000), layer('8', 2000));
        IndexedManifest.Index i = index("sha256:" + "9".repeat(64), 600, c1, c2);
        IndexedManifest.Index j = index("sha256:" + "6".repeat(64), 700, c1);
        RepositorySnapshot repo = repo("r", Map.of("v1", i, "v2", j), i, j, c1, c2);

        DeletionPreview p = BlastRadius.preview(List.of(repo), "r", "v1", DeletionMode.IMAGE).orElseThrow();

        assertThat(p.children()).containsExactly(c2.digest());
        assertThat(p.manifests()).containsExactly(i.digest(), c2.digest());
        assertThat(p.freedBytes()).isEqualTo(600 + 400 + 1000 + 2000);
        assertThat(p.tags()).containsExactly("v1");
    }

    @Test
    void untagOfTheLastTag_freesNothing_andSaysTheManifestStaysUntagged() {
        IndexedManifest.Image x = image("sha256:" + "1".repeat(64), 500, layer('a', 100), layer('b', 1000));
        RepositorySnapshot a = repo("a", Map.of("v1", x), x);

        DeletionPreview p = BlastRadius.preview(List.of(a), "a", "v1", DeletionMode.UNTAG).orElseThrow();

        assertThat(p.freedBytes()).isZero();
        assertThat(p.leavesUntagged()).isTrue();
        assertThat(p.manifests()).isEmpty();
        assertThat(BlastRadius.preview(List.of(a), "a", "nope", DeletionMode.UNTAG)).isEmpty();
    }

    @Test
    void sidecarTags_areNamedBySubjectDigest() {
        assertThat(BlastRadius.sidecarSubject("sha256-" + "a".repeat(64) + ".sig")).isEqualTo("sha256:" + "a".repeat(64));
        assertThat(BlastRadius.sidecarSubject("sha256-" + "a".repeat(64) + ".att")).isNotNull();
        assertThat(BlastRadius.sidecarSubject("sha256-" + "a".repeat(64) + ".sbom")).isNotNull();
        assertThat(BlastRadius.sidecarSubject("v1.sig")).isNull();
    }

    private static Layer layer(char c, long size) {
        return new Layer("sha256:" + String.valueOf(c).repeat(63) + "0", size, "application/octet-stream");
    }

    private static IndexedManifest.Image image(String digest, long bytes, Layer config, Layer layer) {
        return new IndexedManifest.Image(digest, OCI, ArtifactKind.IMAGE, config, List.of(layer), null, null,
                Map.of(), true, bytes);
    }

    private static IndexedManifest.Index index(String digest, long bytes, IndexedManifest.Image... children) {
        return new IndexedManifest.Index(digest, MediaTypes.OCI_INDEX, java.util.Arrays.stream(children)
                .map(c -> new IndexedManifest.Child(c.digest(), null)).toList(), List.of(), false, bytes);
    }

    private static RepositorySnapshot repo(String name, Map<String, IndexedManifest> tags,
                                           IndexedManifest... manifests) {
        List<TagSummary> summaries = tags.entrySet().stream().map(e -> new TagSummary(e.getKey(),
                e.getValue().digest(), e.getValue().mediaType(), 0L, null, ArtifactKind.IMAGE, List.of())).toList();
        Map<String, IndexedManifest> byDigest = new java.util.HashMap<>();
        for (IndexedManifest m : manifests) {
            byDigest.put(m.digest(), m);
        }
        return new RepositorySnapshot(name, summaries, byDigest);
    }
}
