package dev.imagecatalog.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.TagSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository page's default order: newest first, ties latest then SemVer descending, unknown dates last. */
class TagOrderTest {

    private static final Instant T = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void newestFirst_unknownDatesLast() {
        List<String> order = sorted(tag("old", T.minusSeconds(86_400)), tag("undated", null), tag("new", T),
                tag("mid", T.minusSeconds(3_600)));
        assertThat(order).containsExactly("new", "mid", "old", "undated");
    }

    @Test
    void sameTime_putsLatestFirst_thenSemverHighestFirst_thenNames() {
        List<String> order = sorted(tag("main", T), tag("v2.9.1", T), tag("2.10.0-rc.1", T), tag("latest", T),
                tag("v2.10.0", T), tag("2.10.0-rc.2", T), tag("1", T), tag("2.10.0-alpha", T), tag("edge", T),
                tag("2.10", T));
        // 2.10 reads as 2.10.0 (same precedence as v2.10.0: then by name, "2.10" < "v2.10.0")
        assertThat(order).containsExactly("latest", "2.10", "v2.10.0", "2.10.0-rc.2", "2.10.0-rc.1", "2.10.0-alpha",
                "v2.9.1", "1", "edge", "main");
    }

    @Test
    void undatedTags_keepTheTieOrderAmongThemselves() {
        assertThat(sorted(tag("b", null), tag("1.0.0", null), tag("latest", null), tag("a", null)))
                .containsExactly("latest", "1.0.0", "a", "b");
    }

    private static List<String> sorted(TagSummary... tags) {
        List<TagSummary> list = new ArrayList<>(List.of(tags));
        list.sort(TagOrder.NEWEST);
        return list.stream().map(TagSummary::name).toList();
    }

    private static TagSummary tag(String name, Instant created) {
        return new TagSummary(name, "sha256:" + name, "application/vnd.oci.image.manifest.v1+json", 1L, created,
                ArtifactKind.IMAGE, List.of());
    }
}
