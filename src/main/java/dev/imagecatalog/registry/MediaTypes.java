package dev.imagecatalog.registry;

import java.util.List;

/** Media types of the Distribution and OCI specifications that the catalog understands. */
public final class MediaTypes {

    /** OCI image manifest. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** OCI image index. */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** Docker image manifest v2 schema 2. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** Docker manifest list. */
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Docker schema 1, signed. */
    public static final String SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    /** Docker schema 1, unsigned. */
    public static final String SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    /** OCI image config. */
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** Docker image config. */
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    /** Helm chart config. */
    public static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    /** OCI empty descriptor (config of artifacts). */
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    /**
     * Accept list for manifest requests. Without the OCI and list types Distribution answers 404 for OCI manifests
     * or silently hands back one child of a list.
     */
    public static final List<String> MANIFEST_ACCEPT = List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST,
            SCHEMA1_SIGNED, SCHEMA1);

    private MediaTypes() {
    }

    /** Whether a config media type is that of a runnable container image. */
    static boolean isImageConfig(String mediaType) {
        return OCI_CONFIG.equals(mediaType) || DOCKER_CONFIG.equals(mediaType);
    }
}
