package dev.imagecatalog.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The parts of an image config blob the catalog shows.
 *
 * @param created  {@code created}, {@code null} if absent or unparsable
 * @param platform os / architecture / variant from the config ({@code null} parts when absent)
 * @param labels   {@code config.Labels}, empty if none
 * @param history  {@code history}, empty if none
 * @param defaults what the image runs by default ({@code config.Entrypoint}, {@code Cmd}, {@code Env}…)
 */
public record ImageConfig(Instant created, Platform platform, Map<String, String> labels,
                          List<HistoryEntry> history, RunDefaults defaults) {
}
