package dev.imagecatalog.catalog.lifecycle;

import java.util.List;

/**
 * The blast radius of a delete, computed from the index before anything happens.
 *
 * @param repository      repository
 * @param tag             the tag the delete starts from
 * @param digest          the manifest that tag points at (a later delete must find the tag still there)
 * @param mode            untag or image
 * @param tags            every tag of this repository that goes (untag: this one; image: every tag of a manifest
 *                        deleted, sidecar tags included)
 * @param children        index children deleted with their index (those no kept manifest references)
 * @param attestations    attestation manifests of the index deleted with it
 * @param sidecars        cosign sidecar tags ({@code sha256-<hex>.sig/.att/.sbom}) naming a deleted manifest
 * @param manifests       every manifest digest to delete in this repository, in the order to delete them (the
 *                        tagged manifest first); empty for an untag
 * @param freedBytes      bytes {@code registry garbage-collect} removes after the delete: every blob (layers, configs
 *                        and the manifests themselves) that no manifest left in any repository references
 * @param freedBlobs      digests of those blobs
 * @param sharedBytes     bytes of the deleted manifests' blobs that stay because something else references them
 * @param throwAwayBytes  untag on Distribution 2.8 only: bytes of the throw-away manifest (and of the 2-byte
 *                        {@code {}} config when nothing else uses it) that the untag writes and the next garbage
 *                        collection removes again; 0 for an image delete
 * @param leavesUntagged  untag of the manifest's last tag: the manifest stays stored (its revision link remains, so
 *                        garbage collection keeps it) but no tag reaches it any more — only "delete image" frees it
 * @param caveats         what makes the figures less than exact (unknown untagged manifests, capped indexes, tags
 *                        the index could not read, a kept index that lists the deleted manifest); empty when exact
 */
public record DeletionPreview(String repository, String tag, String digest, DeletionMode mode, List<String> tags,
                              List<String> children, List<String> attestations, List<String> sidecars,
                              List<String> manifests, long freedBytes, List<String> freedBlobs, long sharedBytes,
                              long throwAwayBytes, boolean leavesUntagged, List<String> caveats) {

    /** Copies the lists. */
    public DeletionPreview {
        tags = List.copyOf(tags);
        children = List.copyOf(children);
        attestations = List.copyOf(attestations);
        sidecars = List.copyOf(sidecars);
        manifests = List.copyOf(manifests);
        freedBlobs = List.copyOf(freedBlobs);
        caveats = List.copyOf(caveats);
    }
}
