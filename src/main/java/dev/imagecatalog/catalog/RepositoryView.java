package dev.imagecatalog.catalog;

import java.util.List;

import dev.imagecatalog.catalog.index.Attachments;
import dev.imagecatalog.registry.TagSummary;

/**
 * Everything a repository's page shows of the catalog, answered by one call ({@link Catalog#repositoryView}).
 *
 * @param name    the repository
 * @param tags    its tags
 * @param storage     its unique and shared bytes; {@code null} without an index
 * @param attachments which tags are cosign sidecars and what is attached to each manifest
 */
public record RepositoryView(String name, List<TagSummary> tags, Storage storage, Attachments attachments) {

    /** A repository without anything attached known. */
    public RepositoryView(String name, List<TagSummary> tags, Storage storage) {
        this(name, tags, storage, Attachments.none());
    }
}
