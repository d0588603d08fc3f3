package dev.imagecatalog.catalog.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retention plans over hand-built indexes (against the real registry: RetentionIT). */
class RetentionPlannerTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    private final List<TagSummary> tags = new ArrayList<>();
    private final Map<String, IndexedManifest> manifests = new HashMap<>();

    @Test
    void keepLast_keepsTheNewestByCreationTime_andEveryOtherTagGoesWithTheRuleItFails() {
        for (int i = 1; i <= 4; i++) {
            tag("v" + i, image(digit(i), 100, layer((char) ('a' + i), 10 * i)), NOW.minus(Duration.ofDays(100 - i)));
        }

        RetentionPlan plan = plan(RetentionRule.parse("team-a/*", 2, null, null), Map.of());

        RetentionPlan.Repository r = plan.repositories().getFirst();
        assertThat(r.keep()).extracting(RetentionPlan.Decision::tag, RetentionPlan.Decision::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("v3", "among the newest 2"),
                        org.assertj.core.groups.Tuple.tuple("v4", "among the newest 2"));
        assertThat(r.delete()).extracting(RetentionPlan.Decision::tag).containsExactly("v1", "v2");
        assertThat(r.delete().getFirst().reason()).isEqualTo("not among the newest 2 (rule team-a/*)");
        // each deleted image: its manifest, config and layer (config and layer of the same size here)
        assertThat(plan.freedBytes()).isEqualTo((100 + 2 * 10) + (100 + 2 * 20));
    }

    @Test
    void aDigestAlsoTaggedWithAKeptTag_staysWithThatReason() {
        IndexedManifest.Image x = image(digit(1), 100, layer('a', 10));
        tag("v1.2.0", x, NOW.minus(Duration.ofDays(90)));
        tag("old", x, NOW.minus(Duration.ofDays(90)));

        RetentionPlan plan = plan(RetentionRule.parse("team-a/*", null, "^v[0-9.]+$", "P30D"), Map.of());

        RetentionPlan.Repository r = plan.repositories().getFirst();
        assertThat(r.delete()).isEmpty();
        assertThat(r.keep()).extracting(RetentionPlan.Decision::tag, RetentionPlan.Decision::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("old", "digest also tagged v1.2.0 (kept)"),
                        org.assertj.core.groups.Tuple.tuple("v1.2.0", "matches keepTags"));
        assertThat(plan.freedBytes()).isZero();
    }

    @Test
    void aPlatformAPodRuns_keepsItsIndex_andTheIndexKeepsItsChildren() {
        IndexedManifest.Image amd = image(digit(1), 100, layer('a', 10));
        IndexedManifest.Image arm = image(digit(2), 100, layer('b', 10));
        IndexedManifest.Index idx = index(digit(3), 50, amd, arm);
        tag("old", idx, NOW.minus(Duration.ofDays(90)));
        tag("new", image(digit(4), 10, layer('c', 1)), NOW);

        RetentionPlan plan = plan(RetentionRule.parse("team-a/*", 1, null, null),
                Map.of(arm.digest(), List.of(new PodUse("prod", "web-1", "node-a"))));

        RetentionPlan.Repository r = plan.repositories().getFirst();
        assertThat(r.delete()).isEmpty();
        assertThat(r.keep()).filteredOn(d -> d.tag().equals("old")).singleElement()
                .extracting(RetentionPlan.Decision::reason)
                .isEqualTo("in use by pod prod/web-1 (platform " + arm.digest() + ")");
    }

    @Test
    void aDeletedIndex_takesItsChildrenAndItsCosignSidecar_andTheyAreCountedOnce() {
        IndexedManifest.Image amd = image(digit(1), 100, layer('a', 10));
        IndexedManifest.Index idx = index(digit(3), 50, amd);
        IndexedManifest.Image sig = image(digit(5), 30, layer('s', 5));
        tag("old", idx, NOW.minus(Duration.ofDays(90)));
        tag("sha256-" + "3".repeat(64) + ".sig", sig, null);
        tag("new", image(digit(4), 10, layer('c', 1)), NOW);

        RetentionPlan plan = plan(RetentionRule.parse("team-a/*", 1, null, null), Map.of());

        RetentionPlan.Repository r = plan.repositories().getFirst();
        assertThat(r.delete()).extracting(RetentionPlan.Decision::tag, RetentionPlan.Decision::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("old", "not among the newest 1 (rule team-a/*)"),
                        org.assertj.core.groups.Tuple.tuple("sha256-" + "3".repeat(64) + ".sig",
                                "cosign sidecar of deleted " + idx.digest()));
        assertThat(r.groups()).extracting(RetentionPlan.Group::digest).containsExactly(idx.digest(), sig.digest());
        assertThat(r.groups().getFirst().members()).containsExactly(amd.digest());
        assertThat(plan.freedBytes()).isEqualTo(50 + (100 + 2 * 10) + (30 + 2 * 5));
    }

    @Test
    void theSamePlanTwice_hasTheSameId_andAnotherPlanAnother() {
        tag("v1", image(digit(1), 100, layer('a', 10)), NOW.minus(Duration.ofDays(2)));
        tag("v2", image(digit(2), 100, layer('b', 10)), NOW.minus(Duration.ofDays(1)));

        RetentionPlan a = plan(RetentionRule.parse("team-a/*", 1, null, null), Map.of());
        RetentionPlan b = plan(RetentionRule.parse("team-a/*", 1, null, null), Map.of());
        RetentionPlan c = plan(RetentionRule.parse("team-a/*", 2, null, null), Map.of());

        assertThat(a).isEqualTo(b);
        assertThat(a.id()).isEqualTo(b.id()).isNotEqualTo(c.id());
    }

    @Test
    void repositoriesNoRuleGoverns_areLeftOut_andGlobsStopAtSlashes() {
        tag("v1", image(digit(1), 100, layer('a', 10)), NOW.minus(Duration.ofDays(2)));

        assertThat(plan(RetentionRule.parse("team-b/*", 0, "x", null), Map.of()).repositories()).isEmpty();
        assertThat(RetentionRule.parse("team-a/*", 1, null, null).governs("team-a/sub/app")).isFalse();
        assertThat(RetentionRule.parse("team-a/**", 1, null, null).governs("team-a/sub/app")).isTrue();
    }

    @Test
    void aBadRegexOrDuration_orARuleKeepingNothing_isAClearError() {
        assertThatThrownBy(() -> RetentionRule.parse("a/*", null, "^(latest", null))
                .hasMessageContaining("keepTags").hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> RetentionRule.parse("a/*", null, null, "30 days"))
                .hasMessageContaining("keepYoungerThan").hasMessageContaining("P30D");
        assertThatThrownBy(() -> RetentionRule.parse("a/*", null, null, null)).hasMessageContaining("keeps nothing");
    }

    private RetentionPlan plan(RetentionRule rule, Map<String, List<PodUse>> inUse) {
        RepositorySnapshot repo = new RepositorySnapshot("team-a/app", tags, manifests);
        RetentionSettings settings = new RetentionSettings(List.of(rule), null, "l", "ns", true);
        return RetentionPlanner.plan(List.of(repo), settings, inUse, NOW);
    }

    private void tag(String name, IndexedManifest m, Instant created) {
        tags.add(new TagSummary(name, m.digest(), m.mediaType(), 0L, created, ArtifactKind.IMAGE, List.of()));
        manifests.put(m.digest(), m);
        if (m instanceof IndexedManifest.Index i) {
            i.children().forEach(c -> manifests.putIfAbsent(c.digest(), children.get(c.digest())));
        }
    }

    private final Map<String, IndexedManifest> children = new HashMap<>();

    private static String digit(int i) {
        return "sha256:" + String.valueOf(i).repeat(64);
    }

    private static Layer layer(char c, long size) {
        return new Layer("sha256:" + String.valueOf(c).repeat(63) + "0", size, "application/octet-stream");
    }

    private static IndexedManifest.Image image(String digest, long bytes, Layer layer) {
        // the config is the layer's twin with a different digest (both count)
        Layer config = new Layer(layer.digest().substring(0, 70) + "1", layer.size(), "application/json");
        return new IndexedManifest.Image(digest, MediaTypes.OCI_MANIFEST, ArtifactKind.IMAGE, config, List.of(layer),
                null, null, Map.of(), true, bytes);
    }

    private IndexedManifest.Index index(String digest, long bytes, IndexedManifest.Image... kids) {
        for (IndexedManifest.Image k : kids) {
            children.put(k.digest(), k);
        }
        return new IndexedManifest.Index(digest, MediaTypes.OCI_INDEX, java.util.Arrays.stream(kids)
                .map(c -> new IndexedManifest.Child(c.digest(), null)).toList(), List.of(), false, bytes);
    }
}
