package dev.imagecatalog.registry;

import java.util.List;
import java.util.Map;

/** A parsed manifest as served by the registry: an image (or artifact) manifest, an index, or legacy schema 1. */
public sealed interface Manifest permits Manifest.Image, Manifest.Index, Manifest.Schema1 {

    /** Manifest digest. */
    String digest();

    /** Manifest media type. */
    String mediaType();

    /**
     * Byte count of the manifest as served: what the registry stores for it (Distribution keeps a manifest as a
     * blob, and garbage collection frees those bytes too).
     */
    long bytes();

    /**
     * OCI image manifest or Docker v2 schema 2 manifest (also used by OCI artifacts).
     *
     * @param digest       manifest digest
     * @param mediaType    manifest media type
     * @param config       config descriptor
     * @param layers       layers in order
     * @param artifactType {@code artifactType}, or {@code null}
     * @param annotations  manifest annotations, empty if none
     * @param bytes        byte count of the manifest
     * @param layerNotes   annotations of each layer, same order as {@code layers} (cosign's signature and
     *                     certificate, in-toto predicate types live there); empty maps when none
     */
    record Image(String digest, String mediaType, Descriptor config, List<Layer> layers, String artifactType,
                 Map<String, String> annotations, long bytes, List<Map<String, String>> layerNotes)
            implements Manifest {

        /** An image manifest whose layers carry no annotations. */
        public Image(String digest, String mediaType, Descriptor config, List<Layer> layers, String artifactType,
                     Map<String, String> annotations, long bytes) {
            this(digest, mediaType, config, layers, artifactType, annotations, bytes,
                    layers.stream().map(l -> Map.<String, String>of()).toList());
        }

        /** Annotations of layer {@code i} (empty when none). */
        public Map<String, String> layerAnnotations(int i) {
            return i < layerNotes.size() ? layerNotes.get(i) : Map.of();
        }

        /** Compressed size: config size + Σ layer sizes. */
        public long size() {
            return config.size() + layers.stream().mapToLong(Layer::size).sum();
        }
    }

    /**
     * OCI image index or Docker manifest list.
     *
     * @param digest    manifest digest
     * @param mediaType manifest media type
     * @param entries   entries in order (platforms and non-platform entries such as attestations)
     * @param bytes     byte count of the manifest
     */
    record Index(String digest, String mediaType, List<IndexEntry> entries, long bytes) implements Manifest {

        /** Entries that are real platforms (attestations and unknown/unknown left out). */
        public List<IndexEntry> platformEntries() {
            return entries.stream().filter(IndexEntry::isPlatform).toList();
        }

        /**
         * Entries that are not platforms (buildx's provenance and SBOM attestation manifests, other unknown/unknown
         * entries): not runnable, but stored in the registry like any manifest.
         */
        public List<IndexEntry> otherEntries() {
            return entries.stream().filter(e -> !e.isPlatform()).toList();
        }
    }

    /**
     * Legacy Docker schema 1 manifest: recognised and listed, not supported.
     *
     * @param digest       manifest digest
     * @param mediaType    manifest media type
     * @param architecture {@code architecture} field, or {@code null}
     * @param bytes        byte count of the manifest (signatures included)
     */
    record Schema1(String digest, String mediaType, String architecture, long bytes) implements Manifest {
    }

    /**
     * One entry of an index.
     *
     * @param descriptor  child manifest
     * @param platform    entry platform, or {@code null} when the entry has none
     * @param annotations entry annotations, empty if none
     */
    record IndexEntry(Descriptor descriptor, Platform platform, Map<String, String> annotations) {

        /** Whether this entry is a runnable platform, not an attestation or an unknown/unknown entry. */
        public boolean isPlatform() {
            if ("attestation-manifest".equals(annotations.get("vnd.docker.reference.type"))) {
                return false;
            }
            return platform == null
                    || !("unknown".equals(platform.os()) && "unknown".equals(platform.architecture()));
        }
    }
}
