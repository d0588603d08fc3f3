package dev.imagecatalog.runner;

/**
 * How much a node would download to start the image: nothing when it holds the image already, else the compressed
 * size of the layers it does not hold (known from the catalog images the node reports), else the full compressed
 * size. Always an estimate: containerd may share layers with images the catalog does not know.
 *
 * @param bytes compressed bytes to pull
 * @param basis how the number was found
 */
public record PullEstimate(long bytes, Basis basis) {

    /** How a pull estimate was found. */
    public enum Basis {
        /** The node already holds this image: nothing to pull. */
        CACHED,
        /** Layers the node holds (through other catalog images) are left out. */
        SHARED_LAYERS,
        /** Nothing known about the node's layers: the image's full compressed size. */
        FULL_SIZE
    }
}
