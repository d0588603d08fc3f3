package dev.imagecatalog.catalog.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.imagecatalog.registry.TagSummary;

/**
 * What changed in one repository between two snapshots, published to subscribers (the pages' "new tags" notice).
 *
 * @param repository repository name
 * @param added      tags that did not exist before
 * @param changed    tags that now point at another digest
 * @param removed    tags that no longer exist
 * @param created    whether the repository itself is new to the index
 * @param deleted    whether the repository left the registry's catalog
 */
public record IndexChange(String repository, List<String> added, List<String> changed, List<String> removed,
                          boolean created, boolean deleted) {

    /** The difference from {@code before} (null: unknown repository) to {@code after} (null: gone). */
    static IndexChange between(String repository, RepositorySnapshot before, RepositorySnapshot after) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<TagSummary> old = before == null ? List.of() : before.tags();
        List<TagSummary> now = after == null ? List.of() : after.tags();
        int i = 0;
        int j = 0;
        // both lists are sorted by name: one merge pass
        while (i < old.size() || j < now.size()) {
            int cmp = i == old.size() ? 1 : j == now.size() ? -1 : old.get(i).name().compareTo(now.get(j).name());
            if (cmp < 0) {
                removed.add(old.get(i++).name());
            } else if (cmp > 0) {
                added.add(now.get(j++).name());
            } else {
                if (!Objects.equals(old.get(i).digest(), now.get(j).digest())) {
                    changed.add(now.get(j).name());
                }
                i++;
                j++;
            }
        }
        return new IndexChange(repository, List.copyOf(added), List.copyOf(changed), List.copyOf(removed),
                before == null && after != null, before != null && after == null);
    }

    /** Whether anything changed. */
    public boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty() && !created && !deleted;
    }
}
