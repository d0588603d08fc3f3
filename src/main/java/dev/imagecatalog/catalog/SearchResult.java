package dev.imagecatalog.catalog;

import java.util.List;

/**
 * Search across the registry, grouped by repository.
 *
 * @param query     what was searched
 * @param groups    one group per repository with a match
 * @param truncated whether more hits existed than were returned
 */
public record SearchResult(String query, List<Group> groups, boolean truncated) {

    /**
     * The matches in one repository.
     *
     * @param repository  repository name
     * @param nameMatches whether the repository's name matched
     * @param hits        matching tags
     */
    public record Group(String repository, boolean nameMatches, List<Hit> hits) {
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
