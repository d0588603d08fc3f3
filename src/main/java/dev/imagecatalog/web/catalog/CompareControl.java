package dev.imagecatalog.web.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;

/**
 * The tag page's "Compare with…" form (template {@code compare-with.ftlh}): a GET to the compare page with this tag
 * as {@code from} and another image tag of the repository as {@code to}.
 */
final class CompareControl {

    /**
     * Tags offered, newest first: a repository may hold thousands, and a select of all of them would weigh more than
     * the rest of the page. Any other tag can be named in the compare page's own form.
     */
    static final int MAX_OPTIONS = 200;

    private CompareControl() {
    }

    /** The form's model: {@code action}, {@code tags} (other image tags) and {@code capped}; empty for none. */
    static Map<String, Object> of(Catalog catalog, TagDetail detail) {
        TagSummary self = detail.summary();
        if (self.kind() != ArtifactKind.IMAGE && self.kind() != ArtifactKind.INDEX) {
            return Map.of();
        }
        List<TagSummary> all;
        try {
            all = catalog.tags(detail.repository());
        } catch (RegistryException e) {
            // the page shows the tag without the form rather than failing over an extra
            return Map.of();
        }
        List<String> others = all.stream()
                .filter(t -> t.error() == null && !t.name().equals(self.name())
                             && (t.kind() == ArtifactKind.IMAGE || t.kind() == ArtifactKind.INDEX))
                .sorted(Comparator.comparing(TagSummary::created, Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(TagSummary::name))
                .map(TagSummary::name).toList();
        if (others.isEmpty()) {
            return Map.of();
        }
        return Map.of("action", ComparePages.href(detail.repository()),
                "tags", others.subList(0, Math.min(MAX_OPTIONS, others.size())),
                "capped", others.size() > MAX_OPTIONS, "total", others.size());
    }
}
