package dev.imagecatalog.catalog;

import java.time.Instant;
import java.util.List;

/**
 * One repository on the home page and in {@code GET /api/repositories}, as the index knows it.
 *
 * @param name          repository name
 * @param indexed       whether it is indexed yet (else the other fields are empty: the first crawl is on its way)
 * @param tagCount      number of tags
 * @param size          bytes of the distinct blobs (configs and layers, index children and attestations included) its
 *                      tags reference
 * @param newestCreated newest creation time of its tags, {@code null} when unknown
 * @param platforms     platforms of its images, e.g. {@code linux/amd64} (attestations are none)
 */
public record RepositoryInfo(String name, boolean indexed, int tagCount, long size, Instant newestCreated,
                             List<String> platforms) {
}
