package dev.imagecatalog.registry;

/** What a tag points at; only images (single or multi-platform) can be run. */
public enum ArtifactKind {
    /** A single-platform container image (OCI or Docker v2 schema 2). */
    IMAGE("image", true),
    /** An OCI image index or Docker manifest list. */
    INDEX("multi-platform image", true),
    /** A Helm chart pushed as OCI artifact (config {@code application/vnd.cncf.helm.config.v1+json}). */
    HELM_CHART("Helm chart", false),
    /**
     * A cosign signature, attestation or SBOM tag ({@code sha256-….sig/.att/.sbom}); also an index's attestation
     * manifest (buildx provenance / SBOM, {@code unknown/unknown}), which the index keeps for storage only.
     */
    SIGNATURE("signature / attestation", false),
    /** Any other OCI artifact ({@code artifactType} or an empty/unknown config). */
    ARTIFACT("OCI artifact", false),
    /** A legacy Docker schema 1 manifest: listed, not supported. */
    SCHEMA1("schema 1 (unsupported)", false);

    private final String label;
    private final boolean runnable;

    ArtifactKind(String label, boolean runnable) {
        this.label = label;
        this.runnable = runnable;
    }

    /** Human-readable name for pages. */
    public String label() {
        return label;
    }

    /** Whether a pod can run it. */
    public boolean runnable() {
        return runnable;
    }
}
