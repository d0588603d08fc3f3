package dev.imagecatalog.catalog;

import java.util.List;

import dev.imagecatalog.registry.TagSummary;

/**
 * Everything a repository's page shows of the catalog, answered by one call ({@link Catalog#repositoryView}).
 *
 * @param name    the repository
 * @param tags    its tags
 * @param storage its unique and shared bytes; {@code null} without an index
 */
public record RepositoryView(String name, List<TagSummary> tags, Storage storage) {
}
