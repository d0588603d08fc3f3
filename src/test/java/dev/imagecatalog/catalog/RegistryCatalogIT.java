package dev.imagecatalog.catalog;

import java.util.List;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog against a real registry seeded with every shape; expectations come from what the harness pushed. */
class RegistryCatalogIT {

    private static SeededRegistry seeded;
    private static RegistryCatalog catalog;

    @BeforeAll
    static void seed() {
        seeded = SeededRegistry.start();
        catalog = RegistryCatalog.create(RegistrySettings.of(seeded.registry().url(), "localhost:5001"));
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(catalog, seeded);
    }

    @Test
    void repositories_listEverySeededRepositorySorted() {
        assertThat(catalog.repositories(null)).containsExactlyElementsOf(seeded.repositories());
    }

    @Test
    void repositories_withQuery_filterBySubstringIgnoringCase() {
        assertThat(catalog.repositories("MULTI")).containsExactly("multi/app", "multi/docker-list");
        assertThat(catalog.repositories("nothing-matches")).isEmpty();
    }

    @Test
    void tags_ofOciIndex_listOnePlatformPerChildWithoutAttestation() {
        assertIndexListed(seeded.multiArch());
    }

    @Test
    void tags_ofDockerManifestList_listOnePlatformPerChildWithoutAttestation() {
        assertIndexListed(seeded.dockerList());
    }

    private static void assertIndexListed(TestPusher.Index pushed) {
        TagSummary tag = single(catalog.tags(pushed.repository()));
        assertThat(tag.name()).isEqualTo(pushed.tag());
        assertThat(tag.digest()).isEqualTo(pushed.digest());
        assertThat(tag.mediaType()).isEqualTo(pushed.mediaType());
        assertThat(tag.kind()).isEqualTo(ArtifactKind.INDEX);
        assertThat(tag.size()).isNull();
        assertThat(tag.runnable()).isTrue();
        assertThat(tag.platforms()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            TestPusher.Image child = pushed.platforms().get(i);
            PlatformImage platform = tag.platforms().get(i);
            assertThat(platform.digest()).isEqualTo(child.digest());
            assertThat(platform.size()).isEqualTo(child.config().size()
                    + child.layers().stream().mapToLong(TestPusher.Blob::size).sum());
            assertThat(platform.platform()).isEqualTo(platform(child.arch()));
            assertThat(platform.created()).isEqualTo(child.created());
        }
        assertThat(tag.platforms()).extracting(PlatformImage::digest).doesNotContain(pushed.attestation().digest());
        assertThat(tag.created()).isEqualTo(pushed.platforms().stream().map(TestPusher.Image::created)
                .max(java.util.Comparator.naturalOrder()).orElseThrow());
    }

    @Test
    void tags_ofIndexWithMissingChild_listThePresentPlatform_andTheMissingOneApart() {
        TestPusher.Index pushed = seeded.partialIndex();
        TagSummary tag = single(catalog.tags(pushed.repository()));
        assertThat(tag.digest()).isEqualTo(pushed.digest());
        assertThat(tag.platforms()).extracting(PlatformImage::digest)
                .containsExactly(pushed.platforms().getFirst().digest());
        assertThat(tag.platforms().getFirst().platform()).isEqualTo(new Platform("linux", "amd64", null));
        // the arm64 child the index names answers 404: kept as missing, not dropped
        assertThat(tag.missing()).extracting(PlatformImage::digest)
                .containsExactly(pushed.missing().getFirst().digest());
        assertThat(tag.missing().getFirst().platform()).isEqualTo(new Platform("linux", "arm64", "v8"));
        assertThat(tag.runnable()).isTrue();
    }

    @Test
    void tags_ofOciSingleCopiedBySkopeo_haveOnePlatformFromConfigWithTheTagDigest() {
        for (TestPusher.Image pushed : List.of(seeded.amd64Only(), seeded.arm64Only())) {
            assertSingleListed(pushed);
        }
    }

    @Test
    void tags_ofDockerV2Single_haveOnePlatformFromConfigWithTheTagDigest() {
        assertSingleListed(seeded.dockerSingle());
    }

    @Test
    void tags_ofRepositoryWithSlashesAndVariant_readPlatformVariantFromConfig() {
        assertSingleListed(seeded.nested());
        TagSummary labelled = catalog.tags("team-a/app").stream().filter(t -> t.name().equals("v1")).findFirst()
                .orElseThrow();
        assertThat(labelled.platforms().getFirst().platform()).isEqualTo(new Platform("linux", "arm64", "v8"));
    }

    private static void assertSingleListed(TestPusher.Image pushed) {
        TagSummary tag = catalog.tags(pushed.repository()).stream().filter(t -> t.name().equals(pushed.tag()))
                .findFirst().orElseThrow();
        long expectedSize = pushed.config().size() + pushed.layers().stream().mapToLong(TestPusher.Blob::size).sum();
        assertThat(tag.digest()).isEqualTo(pushed.digest());
        assertThat(tag.mediaType()).isEqualTo(pushed.mediaType());
        assertThat(tag.kind()).isEqualTo(ArtifactKind.IMAGE);
        assertThat(tag.size()).isEqualTo(expectedSize);
        assertThat(tag.created()).isEqualTo(pushed.created());
        assertThat(tag.runnable()).isTrue();
        assertThat(tag.platforms()).containsExactly(
                new PlatformImage(platform(pushed.arch()), pushed.digest(), expectedSize, pushed.created()));
    }

    @Test
    void tags_ofArtifacts_areListedWithTheirKindAndNotRunnable() {
        TagSummary chart = single(catalog.tags("charts/demo"));
        assertThat(chart.kind()).isEqualTo(ArtifactKind.HELM_CHART);
        assertThat(chart.digest()).isEqualTo(seeded.helmChart().digest());
        assertThat(chart.size()).isEqualTo(seeded.helmChart().size());
        assertThat(chart.runnable()).isFalse();

        TagSummary artifact = single(catalog.tags("artifacts/sbom"));
        assertThat(artifact.kind()).isEqualTo(ArtifactKind.ARTIFACT);
        assertThat(artifact.digest()).isEqualTo(seeded.artifact().digest());
        assertThat(artifact.runnable()).isFalse();

        TagSummary signature = catalog.tags("team-a/app").stream()
                .filter(t -> t.name().equals(seeded.signature().tag())).findFirst().orElseThrow();
        assertThat(signature.kind()).isEqualTo(ArtifactKind.SIGNATURE);
        assertThat(signature.digest()).isEqualTo(seeded.signature().digest());
        assertThat(signature.runnable()).isFalse();
        assertThat(signature.platforms()).isEmpty();
    }

    @Test
    void tags_ofSchema1_areListedAsUnsupported() {
        TagSummary legacy = single(catalog.tags("legacy/app"));
        assertThat(legacy.kind()).isEqualTo(ArtifactKind.SCHEMA1);
        assertThat(legacy.digest()).isEqualTo(seeded.schema1().digest());
        assertThat(legacy.runnable()).isFalse();
    }

    @Test
    void tag_ofSingleImage_hasLayersHistoryAndLabels() {
        TestPusher.Image pushed = seeded.labelled();
        TagDetail detail = catalog.tag("team-a/app", "v1");
        assertThat(detail.repository()).isEqualTo("team-a/app");
        assertThat(detail.summary().digest()).isEqualTo(pushed.digest());
        PlatformDetail platform = single(detail.platforms());
        assertThat(platform.layers()).extracting(l -> l.digest() + "/" + l.size() + "/" + l.mediaType())
                .containsExactlyElementsOf(pushed.layers().stream()
                        .map(b -> b.digest() + "/" + b.size() + "/" + b.mediaType()).toList());
        assertThat(platform.history()).hasSize(pushed.historyCount());
        assertThat(platform.history().get(1).emptyLayer()).isTrue();
        assertThat(platform.labels()).isEqualTo(pushed.labels());
        assertThat(platform.labels()).containsEntry("org.example.note", SeededRegistry.SCRIPT_LABEL_VALUE);
    }

    @Test
    void tag_ofIndex_hasOneDetailPerPlatform() {
        TestPusher.Index pushed = seeded.multiArch();
        TagDetail detail = catalog.tag(pushed.repository(), pushed.tag());
        assertThat(detail.platforms()).extracting(p -> p.image().digest())
                .containsExactlyElementsOf(pushed.platforms().stream().map(TestPusher.Image::digest).toList());
        assertThat(detail.platforms().get(1).layers()).hasSize(pushed.platforms().get(1).layers().size());
        assertThat(detail.platforms().get(0).labels()).isEqualTo(pushed.platforms().get(0).labels());
    }

    @Test
    void tag_ofSkopeoImage_hasUmociLabelsAndHistory() {
        TestPusher.Image pushed = seeded.amd64Only();
        PlatformDetail platform = single(catalog.tag(pushed.repository(), pushed.tag()).platforms());
        assertThat(platform.labels()).isEqualTo(pushed.labels());
        assertThat(platform.history()).hasSize(pushed.historyCount());
    }

    @Test
    void digest_ofIndexChild_findsThatPlatformImage() {
        TestPusher.Image child = seeded.multiArch().platforms().get(1);
        TagDetail detail = catalog.digest(child.repository(), child.digest());
        assertThat(detail.summary().kind()).isEqualTo(ArtifactKind.IMAGE);
        assertThat(detail.summary().digest()).isEqualTo(child.digest());
        assertThat(single(detail.summary().platforms()).platform()).isEqualTo(platform(child.arch()));
        assertThat(detail.summary().size()).isEqualTo(child.size());
    }

    @Test
    void digest_unknown_isNotFound() {
        String unknown = "sha256:" + "0".repeat(64);
        assertThatThrownBy(() -> catalog.digest("multi/app", unknown))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
    }

    @Test
    void tags_ofUnknownRepository_isNotFoundWithTheRegistryMessage() {
        assertThatThrownBy(() -> catalog.tags("no/such-repo"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("no/such-repo").contains("repository name not known to registry")
                            .contains("NAME_UNKNOWN");
                });
    }

    @Test
    void tag_unknown_isNotFoundWithTheRegistryMessage() {
        assertThatThrownBy(() -> catalog.tag("multi/app", "nope"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("manifest unknown");
                });
    }

    @Test
    void tags_ofInvalidName_isNotFoundWithoutAskingTheRegistry() {
        long before = seeded.registry().countRequests("GET", "/v2/");
        assertThatThrownBy(() -> catalog.tags("../../etc?x=1"))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
        // +1: countRequests' own marker request
        assertThat(seeded.registry().countRequests("GET", "/v2/")).isEqualTo(before + 1);
    }

    @Test
    void pullHost_isTheConfiguredOne() {
        assertThat(catalog.pullHost()).isEqualTo("localhost:5001");
    }

    private static Platform platform(TestPusher.Arch arch) {
        return new Platform(arch.os(), arch.architecture(), arch.variant());
    }

    private static <T> T single(List<T> list) {
        assertThat(list).hasSize(1);
        return list.getFirst();
    }
}
