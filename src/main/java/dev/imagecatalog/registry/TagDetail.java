package dev.imagecatalog.registry;

import java.util.List;

/**
 * A tag with the detail of each of its platforms ({@code GET /api/repositories/<name>/tags/<tag>}).
 *
 * @param repository repository name
 * @param summary    the tag as listed
 * @param platforms  detail per platform, same order as {@code summary.platforms()}
 * @param chart      what a Helm chart's config says (name, version…); {@code null} for anything else or when its
 *                   config could not be read
 */
public record TagDetail(String repository, TagSummary summary, List<PlatformDetail> platforms, ChartConfig chart) {

    /** A tag that is no Helm chart (or whose chart config is unknown). */
    public TagDetail(String repository, TagSummary summary, List<PlatformDetail> platforms) {
        this(repository, summary, platforms, null);
    }
}
