package dev.imagecatalog.catalog;

import java.util.List;

import dev.imagecatalog.catalog.index.IndexStatus;

/**
 * The home page: repositories (filtered and sorted) and the registry's totals.
 *
 * @param repositories      the repositories matching the filter, in the requested order
 * @param totalRepositories repositories in the registry
 * @param totalTags         tags in the registry (indexed so far)
 * @param totalSize         distinct bytes across the registry (a blob shared by many images counted once)
 * @param status            the index's progress
 */
public record Overview(List<RepositoryInfo> repositories, int totalRepositories, long totalTags, long totalSize,
                       IndexStatus status) {
}
