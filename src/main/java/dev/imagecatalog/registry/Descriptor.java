package dev.imagecatalog.registry;

/**
 * A content descriptor (config or child manifest reference).
 *
 * @param mediaType media type
 * @param digest    digest
 * @param size      size in bytes
 */
public record Descriptor(String mediaType, String digest, long size) {
}
