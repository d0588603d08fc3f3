package dev.imagecatalog.catalog.index;

import java.util.Locale;

/**
 * One document attached to an image: a signature, an SBOM or an attestation — a layer of a cosign sidecar
 * manifest, of a buildx attestation manifest inside the image's index, or of a referrer the registry lists.
 *
 * @param kind          what it is
 * @param digest        the document's (layer's) digest
 * @param size          its size in bytes
 * @param mediaType     its media type (e.g. {@code text/spdx+json}, {@code application/vnd.dsse.envelope.v1+json})
 * @param predicateType the in-toto predicate type, or {@code null}
 * @param source        where it was found
 * @param manifest      the manifest holding it (sidecar, attestation manifest or referrer)
 * @param tag           the sidecar tag naming it, or {@code null} (inside an index, or a referrer)
 * @param identity      for a keyless signature: the identity its certificate names, else {@code null}
 * @param issuer        for a keyless signature: the OIDC issuer its certificate names, else {@code null}
 */
public record Attached(Kind kind, String digest, long size, String mediaType, String predicateType, Source source,
                       String manifest, String tag, String identity, String issuer) {

    /** What an attached document is. */
    public enum Kind {
        /** A signature (attached, not verified). */
        SIGNATURE,
        /** A software bill of materials (SPDX or CycloneDX), plain or as an in-toto predicate. */
        SBOM,
        /** Any other in-toto attestation (provenance, vulnerability scan, …). */
        ATTESTATION;

        /** The API's name: {@code signature}, {@code sbom}, {@code attestation}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where an attached document was found. */
    public enum Source {
        /** A cosign sidecar tag ({@code sha256-<hex>.sig/.att/.sbom}, or the OCI 1.1 fallback {@code sha256-<hex>}). */
        TAG,
        /** An attestation manifest inside the image's index (buildx). */
        INDEX,
        /** The registry's referrers API. */
        REFERRERS;

        /** The API's name: {@code tag}, {@code index}, {@code referrers}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code SPDX} or {@code CycloneDX} for an SBOM (from its media type or predicate type), else {@code null}. */
    public String format() {
        String named = ((mediaType == null ? "" : mediaType) + " " + (predicateType == null ? "" : predicateType))
                .toLowerCase(Locale.ROOT);
        if (named.contains("spdx")) {
            return "SPDX";
        }
        if (named.contains("cyclonedx")) {
            return "CycloneDX";
        }
        return null;
    }

    /** Whether its document is JSON (served as {@code application/json}; anything else as {@code text/plain}). */
    public boolean json() {
        return mediaType != null && (mediaType.endsWith("+json") || mediaType.endsWith("/json"));
    }
}
