package dev.imagecatalog.catalog;

import java.util.List;
import java.util.function.Consumer;

import dev.imagecatalog.catalog.index.Attachments;
import dev.imagecatalog.catalog.index.IndexChange;
import dev.imagecatalog.catalog.index.IndexStatus;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;

/**
 * Use cases of the catalog: what the pages and the JSON API ask of the registry.
 * All methods throw {@link RegistryException} for registry faults. The methods with a default body are what the
 * index makes possible; a catalog without an index (a test double) does not offer them.
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

    /**
     * Whether {@link #repositories} lists the configured {@code registry.repositories} rather than what the
     * registry's {@code _catalog} reports (pages say so).
     */
    default boolean repositoriesConfigured() {
        return false;
    }

    /** Host nodes pull from ({@code registry.pull-host}), e.g. {@code localhost:5001}. */
    String pullHost();

    /** Repositories with their counts and sizes, filtered by {@code q} and sorted, plus the registry's totals. */
    default Overview overview(String q, RepositorySort sort) {
        throw new UnsupportedOperationException("this catalog keeps no index");
    }

    /** Unique and shared bytes of a repository; NOT_FOUND if unknown. */
    default Storage storage(String repository) {
        throw new UnsupportedOperationException("this catalog keeps no index");
    }

    /**
     * Bytes a delete of the manifest {@code digest} of this repository would free after garbage collection: the
     * manifest itself, an index's children and attestations, and their configs and layers no other tag references.
     */
    default long freedByDelete(String repository, String digest) {
        throw new UnsupportedOperationException("this catalog keeps no index");
    }

    /** A repository's page in one call: its tags and, with an index, its storage. NOT_FOUND if unknown. */
    default RepositoryView repositoryView(String repository) {
        List<TagSummary> tags = tags(repository);
        Storage storage;
        try {
            storage = storage(repository);
        } catch (UnsupportedOperationException noIndex) {
            storage = null;
        }
        return new RepositoryView(repository, tags, storage);
    }

    /** A tag's page in one call: its detail, pull host, whether its platforms were cut, and what a delete frees. */
    default TagView tagView(String repository, String tag) {
        TagDetail detail = tag(repository, tag);
        String digest = detail.summary().digest();
        Long freed;
        try {
            freed = freedByDelete(repository, digest);
        } catch (UnsupportedOperationException noIndex) {
            freed = null;
        }
        return new TagView(detail, pullHost(), platformsCapped(repository, digest), freed);
    }

    /**
     * What changed from {@code fromRepository:fromTag} to {@code toRepository:toTag}, per platform (see
     * {@link Comparison}). NOT_FOUND naming the side when a repository or tag is unknown.
     */
    default Comparison compare(String fromRepository, String fromTag, String toRepository, String toTag) {
        return Comparisons.of(comparedSide("from", fromRepository, fromTag), comparedSide("to", toRepository, toTag));
    }

    private TagDetail comparedSide(String side, String repository, String tag) {
        try {
            return tag(repository, tag);
        } catch (RegistryException e) {
            throw new RegistryException(e.kind(), "Cannot read the \"" + side + "\" tag " + repository + ":" + tag
                    + ": " + e.getMessage(), e);
        }
    }

    /** Which tags of a repository are cosign sidecars and what is attached to each manifest (from the index). */
    default Attachments attachments(String repository) {
        return Attachments.none();
    }

    /**
     * The bytes of a document attached to a manifest of this repository (an SBOM, an attestation, a signature
     * payload), at most {@code maxBytes}: NOT_FOUND when no manifest of the repository has it attached, TOO_LARGE
     * beyond the cap.
     */
    default AttachedDocument attachedDocument(String repository, String digest, int maxBytes) {
        throw new RegistryException(RegistryException.Kind.NOT_FOUND, "Nothing is attached as " + digest);
    }

    /** Whether an index tag lists more platforms than were read ({@code registry.max-platforms}). */
    default boolean platformsCapped(String repository, String digest) {
        return false;
    }

    /**
     * Repository names, tag names, digest prefixes and label values matching {@code q}, grouped by repository: the
     * first few tags of each repository listed, all of them counted.
     */
    default SearchResult search(String q) {
        throw new UnsupportedOperationException("this catalog keeps no index");
    }

    /**
     * The matches of {@code q} in one repository, every matching tag listed (up to the search's limit);
     * NOT_FOUND when the repository is unknown.
     */
    default SearchResult search(String q, String repository) {
        throw new UnsupportedOperationException("this catalog keeps no index");
    }

    /** The index's progress and freshness. */
    default IndexStatus status() {
        throw new UnsupportedOperationException("this catalog keeps no index");
    }

    /** Subscribes to changes of the index (closing the handle unsubscribes). */
    default AutoCloseable subscribe(Consumer<IndexChange> subscriber) {
        return () -> { };
    }
}
