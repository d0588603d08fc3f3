package dev.imagecatalog.catalog;

import java.util.List;

/**
 * Search across the registry, grouped by repository.
 *
 * @param query      what was searched
 * @param groups     one group per repository with a match
 * @param truncated  whether the search stopped before the last repository (too many hits): repositories after the
 *                   last group were not searched
 * @param repository the one repository searched, {@code null} when all were
 */
public record SearchResult(String query, List<Group> groups, boolean truncated, String repository) {

    /** A search of every repository. */
    public SearchResult(String query, List<Group> groups, boolean truncated) {
        this(query, groups, truncated, null);
    }

    /** Matching tags in all groups (listed or not). */
    public int hitCount() {
        return groups.stream().mapToInt(Group::hitCount).sum();
    }

    /**
     * The matches in one repository.
     *
     * @param repository  repository name
     * @param nameMatches whether the repository's name matched
     * @param hits        the first matching tags (in tag name order); at most a few per repository unless one
     *                    repository was searched
     * @param hitCount    how many of its tags match in all ({@code hits} may list fewer)
     */
    public record Group(String repository, boolean nameMatches, List<Hit> hits, int hitCount) {

        /** Matching tags not listed in {@code hits}. */
        public int more() {
            return hitCount - hits.size();
        }
    }

    /**
     * One matching tag.
     *
     * @param tag    tag name
     * @param digest the tag's manifest digest
     * @param reason what matched: {@code tag}, {@code digest} or {@code label key=value}
     */
    public record Hit(String tag, String digest, String reason) {
    }
}
