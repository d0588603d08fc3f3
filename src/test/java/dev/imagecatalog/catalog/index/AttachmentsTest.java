package dev.imagecatalog.catalog.index;

import java.util.List;
import java.util.Map;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.MediaTypes;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.TagSummary;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Folding from a snapshot alone: cosign's suffixed sidecar tags and the OCI 1.1 fallback tag {@code sha256-<hex>}
 * (an index of referrer artifacts, as cosign and oras push it to a registry without the referrers API) attach to
 * the manifest they name; a sidecar naming a digest no tag reaches is orphaned.
 */
class AttachmentsTest {

    private static final String SUBJECT = digest('a');
    private static final String GONE = digest('b');

    @Test
    void fallbackTagAndSuffixedSidecars_foldUnderTheirSubject_andAnOrphanIsMarked() {
        Layer sbomLayer = new Layer(digest('1'), 300, "application/spdx+json");
        IndexedManifest.Image sbomArtifact = artifact(digest('2'), sbomLayer, null);
        IndexedManifest.Index fallback = new IndexedManifest.Index(digest('3'), MediaTypes.OCI_INDEX, List.of(),
                List.of(sbomArtifact.digest()), false, 200);
        Layer payload = new Layer(digest('4'), 250, "application/vnd.dev.cosign.simplesigning.v1+json");
        IndexedManifest.Image orphanSig = artifact(digest('5'), payload,
                new IndexedManifest.LayerNote(payload.digest(), null, true, null, null));
        Layer envelope = new Layer(digest('6'), 900, "application/vnd.dsse.envelope.v1+json");
        IndexedManifest.Image att = artifact(digest('7'), envelope,
                new IndexedManifest.LayerNote(envelope.digest(), "https://slsa.dev/provenance/v1", false, null, null));
        IndexedManifest.Image subject = artifact(SUBJECT, new Layer(digest('8'), 1000,
                "application/vnd.oci.image.layer.v1.tar+gzip"), null);

        String fallbackTag = SUBJECT.replace(':', '-');
        String attTag = fallbackTag + ".att";
        String orphanTag = GONE.replace(':', '-') + ".sig";
        RepositorySnapshot snapshot = new RepositorySnapshot("r", List.of(
                tag("1.0", subject), tag(fallbackTag, fallback), tag(attTag, att), tag(orphanTag, orphanSig)),
                Map.of(SUBJECT, subject, fallback.digest(), fallback, sbomArtifact.digest(), sbomArtifact,
                        att.digest(), att, orphanSig.digest(), orphanSig));
        Attachments a = snapshot.attachments();

        TagSummary shown = snapshot.tag("1.0");
        assertThat(a.toTag(shown)).extracting(Attached::kind, Attached::digest, Attached::source, Attached::tag,
                        Attached::predicateType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Attached.Kind.SBOM, sbomLayer.digest(), Attached.Source.TAG,
                                fallbackTag, null),
                        org.assertj.core.groups.Tuple.tuple(Attached.Kind.ATTESTATION, envelope.digest(),
                                Attached.Source.TAG, attTag, "https://slsa.dev/provenance/v1"));
        assertThat(a.kinds(shown)).containsExactly(Attached.Kind.SBOM, Attached.Kind.ATTESTATION);
        assertThat(a.sidecar(fallbackTag).subject()).isEqualTo(SUBJECT);
        assertThat(a.sidecar(fallbackTag).orphaned()).isFalse();
        assertThat(a.sidecar(orphanTag).orphaned()).isTrue();
        assertThat(a.sidecar(orphanTag).size()).isEqualTo(250 + 2);
        assertThat(a.sidecar("1.0")).isNull();
        assertThat(snapshot.shownTagCount()).isEqualTo(1);
        assertThat(a.document(sbomLayer.digest()).format()).isEqualTo("SPDX");
        assertThat(a.document(digest('8'))).as("an image layer is no attached document").isNull();
    }

    @Test
    void onlyDigestNamedTags_areSidecars() {
        String hex = "c".repeat(64);
        assertThat(Attachments.sidecarSubject("sha256-" + hex + ".sig")).isEqualTo("sha256:" + hex);
        assertThat(Attachments.sidecarSubject("sha256-" + hex)).isEqualTo("sha256:" + hex);
        assertThat(Attachments.isSidecar("v1.sig")).isFalse();
        assertThat(Attachments.isSidecar("sha256-" + hex + ".txt")).isFalse();
        assertThat(Attachments.isSidecar("sha256-abc.sig")).isFalse();
    }

    private static IndexedManifest.Image artifact(String digest, Layer layer, IndexedManifest.LayerNote note) {
        return new IndexedManifest.Image(digest, MediaTypes.OCI_MANIFEST, ArtifactKind.ARTIFACT,
                new Layer(digest('0'), 2, "application/vnd.oci.empty.v1+json"), List.of(layer), null, null, Map.of(),
                true, 400, note == null ? List.of() : List.of(note));
    }

    private static TagSummary tag(String name, IndexedManifest m) {
        List<PlatformImage> platforms = List.of();
        return new TagSummary(name, m.digest(), m.mediaType(), null, null, ArtifactKind.ARTIFACT, platforms);
    }

    private static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }
}
