package dev.imagecatalog.registry;

/**
 * An OS / architecture / variant triple, as in an OCI index entry or an image config.
 *
 * @param os           e.g. {@code linux}
 * @param architecture e.g. {@code amd64}, {@code arm64}
 * @param variant      e.g. {@code v8}; {@code null} when the image does not say
 */
public record Platform(String os, String architecture, String variant) {

    /** {@code linux/arm64/v8}, or {@code linux/amd64} without a variant. */
    @Override
    public String toString() {
        return variant == null || variant.isBlank() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
    }
}
