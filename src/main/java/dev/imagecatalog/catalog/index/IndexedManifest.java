package dev.imagecatalog.catalog.index;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Platform;

/**
 * A manifest as the index keeps it: parsed fields only (never the body), digests and media types interned so
 * that a layer shared by many images costs one string. Immutable; keyed by digest inside a repository snapshot.
 */
public sealed interface IndexedManifest permits IndexedManifest.Image, IndexedManifest.Index {

    /** Manifest digest. */
    String digest();

    /** Manifest media type. */
    String mediaType();

    /**
     * Byte count of the manifest itself: Distribution stores a manifest as a blob, so garbage collection after a
     * delete frees these bytes along with the config and layers.
     */
    long bytes();

    /** Visits every blob this manifest references directly (config and layers of an image; none for an index). */
    void forEachBlob(Consumer<Layer> blob);

    /**
     * An image (or artifact) manifest with the fields of its config the pages need.
     *
     * @param digest         manifest digest
     * @param mediaType      manifest media type
     * @param kind           what it is when not named by a cosign tag ({@link ArtifactKind#IMAGE}, Helm chart, …)
     * @param config         the config blob (digest, size, media type); {@code null} for schema 1
     * @param layers         layers in order
     * @param platform       os/architecture/variant from the config ({@code null} for artifacts)
     * @param created        {@code created} of the config, or the manifest's created annotation for artifacts
     * @param labels         config labels, bounded for the index (long values shortened; see {@link Limits})
     * @param labelsComplete whether {@code labels} are all of them, unshortened
     * @param bytes          byte count of the manifest itself
     * @param notes          what its layers' annotations say of signatures and attestations (cosign's signature
     *                       and certificate, in-toto predicate types); empty for ordinary images
     */
    record Image(String digest, String mediaType, ArtifactKind kind, Layer config, List<Layer> layers,
                 Platform platform, Instant created, Map<String, String> labels, boolean labelsComplete,
                 long bytes, List<LayerNote> notes)
            implements IndexedManifest {

        /** A note names its layer by the descriptor's own digest instance: one string per layer, not two. */
        public Image {
            notes = notes.isEmpty() ? notes : sharingDigests(notes, layers);
        }

        private static List<LayerNote> sharingDigests(List<LayerNote> notes, List<Layer> layers) {
            List<LayerNote> shared = new ArrayList<>(notes.size());
            for (LayerNote n : notes) {
                String digest = n.layer();
                for (Layer l : layers) {
                    if (l.digest().equals(digest)) {
                        digest = l.digest();
                        break;
                    }
                }
                shared.add(digest == n.layer() ? n
                        : new LayerNote(digest, n.predicateType(), n.signature(), n.identity(), n.issuer()));
            }
            return List.copyOf(shared);
        }

        /** An image whose layers say nothing of signatures or attestations. */
        public Image(String digest, String mediaType, ArtifactKind kind, Layer config, List<Layer> layers,
                     Platform platform, Instant created, Map<String, String> labels, boolean labelsComplete,
                     long bytes) {
            this(digest, mediaType, kind, config, layers, platform, created, labels, labelsComplete, bytes,
                    List.of());
        }

        /** The note on layer {@code digest}, or {@code null}. */
        public LayerNote note(String layerDigest) {
            for (LayerNote n : notes) {
                if (n.layer().equals(layerDigest)) {
                    return n;
                }
            }
            return null;
        }

        /** Compressed size: config + layers (crane's rule). */
        public long size() {
            long size = config == null ? 0 : config.size();
            for (Layer layer : layers) {
                size += layer.size();
            }
            return size;
        }

        @Override
        public void forEachBlob(Consumer<Layer> blob) {
            if (config != null) {
                blob.accept(config);
            }
            layers.forEach(blob);
        }
    }

    /**
     * An OCI index or Docker manifest list; its platform children and attestations are separate {@link Image}
     * entries.
     *
     * @param digest       manifest digest
     * @param mediaType    manifest media type
     * @param children     the platform children read, in index order (attestations left out: they are no platform)
     * @param attestations digests of the entries read that are no platform (buildx's provenance and SBOM attestation
     *                     manifests, {@code unknown/unknown}): never listed or run, but their manifests, configs and
     *                     layers are stored like any image's, so storage counts them
     * @param capped       whether the index lists more platforms (or more attestations) than
     *                     {@code registry.max-platforms} (only that many read)
     * @param bytes        byte count of the index itself
     * @param missing      platform entries whose manifests the registry answered 404 for (deleted by digest, a
     *                     partial copy): kept apart from {@code children} so that storage and deletes never count
     *                     them, and kept at all so pages say the platform is missing instead of never listed
     */
    record Index(String digest, String mediaType, List<Child> children, List<String> attestations, boolean capped,
                 long bytes, List<Child> missing) implements IndexedManifest {

        /** Immutable. */
        public Index {
            missing = missing == null ? List.of() : List.copyOf(missing);
        }

        /** An index whose children were all found. */
        public Index(String digest, String mediaType, List<Child> children, List<String> attestations, boolean capped,
              long bytes) {
            this(digest, mediaType, children, attestations, capped, bytes, List.of());
        }

        @Override
        public void forEachBlob(Consumer<Layer> blob) {
            // an index references manifests, not blobs; its children carry the blobs
        }
    }

    /**
     * A platform entry of an index.
     *
     * @param digest   child manifest digest
     * @param platform the entry's platform, {@code null} when the entry names none (then the config's)
     */
    record Child(String digest, Platform platform) {
    }

    /**
     * What one layer's annotations say, kept only for layers that say something (values bounded to
     * {@link Limits#NOTE_VALUE} characters: annotations are input).
     *
     * @param layer         the layer digest
     * @param predicateType the in-toto predicate type ({@code predicateType} as cosign writes it,
     *                      {@code in-toto.io/predicate-type} as buildx does), or {@code null}
     * @param signature     whether it carries a cosign signature ({@code dev.cosignproject.cosign/signature})
     * @param identity      the signer's identity from the signing certificate (or an identity annotation), or
     *                      {@code null}
     * @param issuer        the OIDC issuer from the signing certificate (or an issuer annotation), or {@code null}
     */
    public record LayerNote(String layer, String predicateType, boolean signature, String identity, String issuer) {
    }

    /** Bounds on what the index keeps per manifest. */
    final class Limits {
        /** Labels kept per image for search and listing (a label may legally be megabytes long). */
        static final int LABEL_BYTES = 1024;
        /** Longest label value kept; longer values are cut and marked. */
        static final int LABEL_VALUE = 200;
        /** Longest annotation value kept in a {@link LayerNote}. */
        static final int NOTE_VALUE = 300;

        private Limits() {
        }
    }
}
