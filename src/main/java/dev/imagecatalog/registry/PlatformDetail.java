package dev.imagecatalog.registry;

import java.util.List;
import java.util.Map;

/**
 * Everything the tag page shows about one platform's image.
 *
 * @param image   the platform image (platform, digest, size, created)
 * @param layers  the manifest's layers, in order
 * @param history the config's history
 * @param labels  the config's labels ({@code config.Labels}), empty if none
 * @param defaults what it runs by default (from the config), {@code null} when the config could not be read
 */
public record PlatformDetail(PlatformImage image, List<Layer> layers, List<HistoryEntry> history,
                             Map<String, String> labels, RunDefaults defaults) {
}
