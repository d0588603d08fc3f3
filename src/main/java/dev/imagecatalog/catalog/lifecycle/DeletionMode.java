package dev.imagecatalog.catalog.lifecycle;

import java.util.Locale;
import java.util.Optional;

/** What a delete on a tag removes. */
public enum DeletionMode {
    /** This tag only; the manifest and its other tags stay. */
    UNTAG,
    /**
     * The manifest by digest: every tag of it in the repository, an index's children and attestations that nothing
     * kept references, and the cosign sidecars naming it.
     */
    IMAGE;

    /** {@code untag} or {@code image} (the API's spelling), empty for anything else. */
    public static Optional<DeletionMode> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "untag" -> Optional.of(UNTAG);
            case "image" -> Optional.of(IMAGE);
            default -> Optional.empty();
        };
    }

    /** The API's spelling. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
