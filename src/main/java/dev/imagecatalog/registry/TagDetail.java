package dev.imagecatalog.registry;

import java.util.List;

/**
 * A tag with the detail of each of its platforms ({@code GET /api/repositories/<name>/tags/<tag>}).
 *
 * @param repository repository name
 * @param summary    the tag as listed
 * @param platforms  detail per platform, same order as {@code summary.platforms()}
 */
public record TagDetail(String repository, TagSummary summary, List<PlatformDetail> platforms) {
}
