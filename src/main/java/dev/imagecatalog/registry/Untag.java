package dev.imagecatalog.registry;

/**
 * What an untag did: the tag is gone, the manifest it pointed at and its other tags stay.
 *
 * @param repository        repository
 * @param tag               the tag removed
 * @param technique         how the registry was made to forget the tag
 * @param throwAwayDigest   for {@link Technique#THROW_AWAY_MANIFEST}: the digest of the manifest pushed onto the tag
 *                          and deleted at once (its bytes and the 2-byte {@code {}} config stay on disk until garbage
 *                          collection frees them); {@code null} otherwise
 * @param throwAwayBytes    byte count of that manifest, 0 for {@link Technique#TAG_DELETE}
 */
public record Untag(String repository, String tag, Technique technique, String throwAwayDigest,
                    long throwAwayBytes) {

    /** Digest of the 2-byte {@code {}} config the throw-away manifest names. */
    public static final String EMPTY_CONFIG_DIGEST = ThrowAwayManifest.EMPTY_CONFIG_DIGEST;
    /** Byte count of the 2-byte {@code {}} config. */
    public static final long EMPTY_CONFIG_BYTES = ThrowAwayManifest.EMPTY_CONFIG.length;
    /** Byte count of every throw-away manifest (the nonce is a UUID: always the same length). */
    public static final long THROW_AWAY_MANIFEST_BYTES = ThrowAwayManifest.create().length;

    /** How a tag is removed without removing its manifest. */
    public enum Technique {
        /** {@code DELETE /v2/<name>/manifests/<tag>}: OCI distribution-spec 1.1, Distribution 3. */
        TAG_DELETE,
        /**
         * Distribution 2.8 refuses a tag DELETE (400 DIGEST_INVALID): the tag is pointed at a unique throw-away
         * manifest, which is then deleted by digest; the old manifest keeps its other tags.
         */
        THROW_AWAY_MANIFEST
    }
}
