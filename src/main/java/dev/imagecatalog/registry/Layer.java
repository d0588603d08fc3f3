package dev.imagecatalog.registry;

/**
 * A layer descriptor of an image manifest.
 *
 * @param digest    blob digest
 * @param size      compressed size in bytes
 * @param mediaType layer media type
 */
public record Layer(String digest, long size, String mediaType) {
}
