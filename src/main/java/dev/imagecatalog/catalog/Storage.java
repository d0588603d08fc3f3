package dev.imagecatalog.catalog;

/**
 * Exact storage of a repository, from the index (blobs are content-addressed, so sharing is known exactly).
 *
 * @param total  bytes of the distinct configs and layers its tags reference (index children and attestation manifests
 *               included, as in {@link RepositoryInfo#size()}; the manifests' own bytes are not counted)
 * @param unique bytes of those no other repository references
 * @param shared bytes of those other repositories reference too
 */
public record Storage(long total, long unique, long shared) {
}
