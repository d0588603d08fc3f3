package dev.imagecatalog.catalog;

import java.util.List;

import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;

/**
 * Use cases of the catalog: what the pages and the JSON API ask of the registry.
 * All methods throw {@link RegistryException} for registry faults.
 */
public interface Catalog {

    /** All repository names (every catalog page followed), sorted, filtered by case-insensitive substring {@code q} (null/blank: all). */
    List<String> repositories(String q);

    /** Every tag of a repository with its summary; NOT_FOUND if the repository does not exist. */
    List<TagSummary> tags(String repository);

    /** One tag with layers, history and labels per platform; NOT_FOUND if unknown. */
    TagDetail tag(String repository, String tag);

    /** One image by manifest digest (for runs by digest); NOT_FOUND if unknown. */
    TagDetail digest(String repository, String digest);

    /**
     * Whether the registry holds this manifest now (asked, not remembered: a deleted manifest stays in caches keyed
     * by digest). Throws RegistryException for faults other than NOT_FOUND.
     */
    default boolean manifestExists(String repository, String digest) {
        try {
            digest(repository, digest);
            return true;
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** Cheap reachability check for readiness ({@code GET /v2/}); throws RegistryException when not ready. */
    void ping();

    /** Host nodes pull from ({@code registry.pull-host}), e.g. {@code localhost:5001}. */
    String pullHost();
}
