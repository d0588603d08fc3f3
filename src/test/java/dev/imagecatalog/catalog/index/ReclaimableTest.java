package dev.imagecatalog.catalog.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.MediaTypes;
import dev.imagecatalog.registry.TagSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReclaimableTest {

    private static final String OCI = MediaTypes.OCI_MANIFEST;

    @Test
    void deletedManifest_countsItsOwnBytesConfigAndLayers_butNotABlobAnIndexedManifestStillReferences() {
        Layer shared = layer("shared", 1000);
        IndexedManifest.Image kept = image("kept", 300, layer("kept-config", 20), shared);
        IndexedManifest.Image gone = image("gone", 400, layer("gone-config", 30), shared, layer("own", 500));
        Reclaimable reclaimable = new Reclaimable();

        reclaimable.deleted("r", List.of(gone), List.of(snapshot("r", kept)));

        assertThat(reclaimable.bytes()).isEqualTo(400 + 30 + 500);
        assertThat(reclaimable.blobs()).isEqualTo(3);
    }

    @Test
    void blobOfAManifestStillLinked_isNotCounted_untilThatManifestIsDeletedToo() {
        Layer shared = layer("shared", 1000);
        IndexedManifest.Image untagged = image("untagged", 300, layer("u-config", 20), shared);
        IndexedManifest.Image gone = image("gone", 400, layer("gone-config", 30), shared);
        Reclaimable reclaimable = new Reclaimable();
        reclaimable.stillLinked("r", List.of(untagged));

        reclaimable.deleted("r", List.of(gone), List.of());
        assertThat(reclaimable.bytes()).isEqualTo(400 + 30);
        assertThat(reclaimable.linked("r", untagged.digest())).isTrue();
        assertThat(reclaimable.linked("other", untagged.digest())).isFalse();

        assertThat(reclaimable.deletedLinked("r", untagged.digest(), List.of())).isTrue();
        assertThat(reclaimable.bytes()).isEqualTo(400 + 30 + 300 + 20 + 1000);
        assertThat(reclaimable.linked("r", untagged.digest())).isFalse();
    }

    @Test
    void linkedManifestTaggedAgain_isForgottenAsLinked() {
        IndexedManifest.Image untagged = image("untagged", 300, layer("u-config", 20), layer("u-layer", 50));
        Reclaimable reclaimable = new Reclaimable();
        reclaimable.stillLinked("r", List.of(untagged));

        reclaimable.referenced(null, snapshot("r", untagged));

        assertThat(reclaimable.linked("r", untagged.digest())).isFalse();
    }

    @Test
    void blobReferencedAgainByANewSnapshot_leavesTheFigure() {
        Layer own = layer("own", 500);
        IndexedManifest.Image gone = image("gone", 400, layer("gone-config", 30), own);
        Reclaimable reclaimable = new Reclaimable();
        reclaimable.deleted("r", List.of(gone), List.of());

        reclaimable.referenced(null, snapshot("other", image("new", 200, layer("new-config", 10), own)));

        assertThat(reclaimable.bytes()).isEqualTo(400 + 30);
    }

    @Test
    void oneBlobFoundGone_dropsItAndEveryEarlierEntryManifestsIncluded_askingAHandfulOfHeads() {
        Reclaimable reclaimable = new Reclaimable();
        List<IndexedManifest.Image> deleted = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            IndexedManifest.Image m = image("m" + i, 100, layer("c" + i, 10), layer("l" + i, 1000));
            deleted.add(m);
            reclaimable.deleted("r", List.of(m), List.of());
        }
        // a collection ran after the first 40 deletions: their configs and layers are gone, the later ones are not
        Set<String> gone = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) {
            gone.add(digest("c" + i));
            gone.add(digest("l" + i));
        }
        List<String> asked = new ArrayList<>();

        reclaimable.collected((repository, digest) -> {
            asked.add(digest);
            return !gone.contains(digest);
        });

        assertThat(reclaimable.bytes()).isEqualTo(24 * (100 + 10 + 1000));
        assertThat(asked).hasSizeLessThanOrEqualTo(9);
    }

    @Test
    void newestBlobFoundGone_dropsEverythingWithOneHead() {
        Reclaimable reclaimable = new Reclaimable();
        reclaimable.deleted("r", List.of(image("a", 100, layer("ca", 10))), List.of());
        reclaimable.deleted("r", List.of(image("b", 100, layer("cb", 10))), List.of());
        List<String> asked = new ArrayList<>();

        reclaimable.collected((repository, digest) -> asked.add(digest) && false);

        assertThat(reclaimable.bytes()).isZero();
        assertThat(asked).containsExactly(digest("cb"));
    }

    @Test
    void manifestDeletedWithOthersInOneBatch_leavesWithThem_evenWhenNoBlobOfItsOwnCanBeAskedAbout() {
        // two manifests deleted together whose blobs are the same: the second adds only its own bytes, which no blob
        // HEAD can check; it goes with the batch's blobs once those are found gone (a reconcile reads repositories in
        // parallel, so such a batch may well be the newest)
        Reclaimable reclaimable = new Reclaimable();
        IndexedManifest.Image first = image("first", 100, layer("cfg", 10), layer("shared", 50));
        IndexedManifest.Image second = image("second", 120, layer("cfg", 10), layer("shared", 50));
        reclaimable.deleted("r", List.of(first, second), List.of());
        assertThat(reclaimable.bytes()).isEqualTo(100 + 10 + 50 + 120);

        reclaimable.collected((repository, digest) -> false);

        assertThat(reclaimable.bytes()).isZero();
        assertThat(reclaimable.blobs()).isZero();
    }

    @Test
    void nothingCollectedYet_keepsEverything() {
        Reclaimable reclaimable = new Reclaimable();
        reclaimable.deleted("r", List.of(image("a", 100, layer("ca", 10))), List.of());
        reclaimable.deleted("r", List.of(image("b", 100, layer("cb", 10))), List.of());

        reclaimable.collected((repository, digest) -> true);

        assertThat(reclaimable.bytes()).isEqualTo(220);
    }

    @Test
    void beyondTheCap_blobsAreLeftOutAndSaidSo() {
        Reclaimable reclaimable = new Reclaimable(2);

        reclaimable.deleted("r", List.of(image("a", 100, layer("ca", 10), layer("la", 1000))), List.of());

        assertThat(reclaimable.blobs()).isEqualTo(2);
        assertThat(reclaimable.bytes()).isEqualTo(110);
        assertThat(reclaimable.capped()).isTrue();
    }

    private static String digest(String name) {
        return "sha256:" + name;
    }

    private static Layer layer(String name, long size) {
        return new Layer(digest(name), size, "application/vnd.oci.image.layer.v1.tar+gzip");
    }

    private static IndexedManifest.Image image(String name, long bytes, Layer config, Layer... layers) {
        return new IndexedManifest.Image(digest(name), OCI, ArtifactKind.IMAGE, config, List.of(layers), null, null,
                Map.of(), true, bytes);
    }

    private static RepositorySnapshot snapshot(String repository, IndexedManifest.Image manifest) {
        return new RepositorySnapshot(repository, List.of(new TagSummary("t", manifest.digest(), OCI, 0L, null,
                ArtifactKind.IMAGE, List.of())), Map.of(manifest.digest(), manifest));
    }
}
