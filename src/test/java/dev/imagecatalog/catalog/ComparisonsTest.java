package dev.imagecatalog.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RunDefaults;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of a comparison that the registry test does not reach: variants, repeats on the from side, dates. */
class ComparisonsTest {

    private static final Layer A = new Layer("sha256:" + "a".repeat(64), 10, "l");
    private static final Layer B = new Layer("sha256:" + "b".repeat(64), 20, "l");
    private static final Layer C = new Layer("sha256:" + "c".repeat(64), 30, "l");

    @Test
    void layers_removedTwiceWhenFromHasThemTwiceAndToNever_andSharedOnceWhenBothHaveThemOnce() {
        Comparison.LayerChanges changes = Comparisons.layers(List.of(A, B, A, C), List.of(C, A));
        assertThat(changes.shared()).containsExactly(C, A);
        assertThat(changes.added()).isEmpty();
        assertThat(changes.removed()).containsExactly(B, A);
        assertThat(changes.removedBytes()).isEqualTo(30);
    }

    @Test
    void history_sameInstructionRebuiltLater_isNotAdded_butARepeatedStepIs() {
        HistoryEntry run = new HistoryEntry(Instant.parse("2025-01-01T00:00:00Z"), "RUN make", null, false);
        HistoryEntry rebuilt = new HistoryEntry(Instant.parse("2025-06-01T00:00:00Z"), "RUN make", null, false);
        HistoryEntry env = new HistoryEntry(null, "ENV A=1", null, true);
        Comparison.HistoryChanges changes = Comparisons.history(List.of(run, env), List.of(rebuilt, rebuilt));
        assertThat(changes.added()).containsExactly(rebuilt);
        assertThat(changes.removed()).containsExactly(env);
    }

    @Test
    void platforms_matchWithABlankVariantAsNone_andOneSidedPlatformsCountWholeSizes() {
        TagDetail from = tag("v1", platform(new Platform("linux", "amd64", ""), 100, List.of(A)),
                platform(new Platform("linux", "arm", "v7"), 50, List.of(B)));
        TagDetail to = tag("v2", platform(new Platform("linux", "amd64", null), 130, List.of(A, C)),
                platform(new Platform("linux", "s390x", null), 70, List.of(C)));

        Comparison c = Comparisons.of(from, to);

        assertThat(c.platforms()).extracting(p -> p.platform().toString(), Comparison.PlatformChange::only)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("linux/amd64", null),
                        org.assertj.core.groups.Tuple.tuple("linux/s390x", Comparison.Only.TO),
                        org.assertj.core.groups.Tuple.tuple("linux/arm/v7", Comparison.Only.FROM));
        assertThat(c.platforms().get(0).sizeDelta()).isEqualTo(30);
        assertThat(c.platforms().get(0).layers().added()).containsExactly(C);
        assertThat(c.platforms().get(1).sizeDelta()).isEqualTo(70);
        assertThat(c.platforms().get(2).sizeDelta()).isEqualTo(-50);
        assertThat(c.platforms().get(2).layers().removed()).containsExactly(B);
    }

    @Test
    void config_portsInAnotherOrderAndAnEmptyUserAreTheSame_envIsComparedPerVariable() {
        RunDefaults a = new RunDefaults(List.of(), List.of("x"), List.of("PATH=/bin", "A=1"),
                List.of("80/tcp", "443/tcp"), "", null, null);
        RunDefaults b = new RunDefaults(List.of(), List.of("x"), List.of("A=2", "PATH=/bin"),
                List.of("443/tcp", "80/tcp"), null, null, "SIGINT");
        Map<String, Comparison.FieldChange> changes = Comparisons.config(detail(a, Map.of("k", "v")),
                detail(b, Map.of("k", "v")));
        // StopSignal is not among the compared fields
        assertThat(changes).containsOnlyKeys("Env");
        assertThat(changes.get("Env")).isEqualTo(new Comparison.FieldChange(Map.of("A", "1"), Map.of("A", "2")));
    }

    private static PlatformDetail detail(RunDefaults defaults, Map<String, String> labels) {
        return new PlatformDetail(new PlatformImage(new Platform("linux", "amd64", null), "sha256:x", 1, null),
                List.of(), List.of(), labels, defaults);
    }

    private static PlatformDetail platform(Platform platform, long size, List<Layer> layers) {
        return new PlatformDetail(new PlatformImage(platform, "sha256:" + platform.architecture(), size, null), layers,
                List.of(), Map.of(), RunDefaults.NONE);
    }

    private static TagDetail tag(String name, PlatformDetail... platforms) {
        List<PlatformDetail> list = List.of(platforms);
        TagSummary summary = new TagSummary(name, "sha256:" + name, "application/vnd.oci.image.index.v1+json", null,
                null, ArtifactKind.INDEX, list.stream().map(PlatformDetail::image).toList());
        return new TagDetail("team/app", summary, list);
    }
}
