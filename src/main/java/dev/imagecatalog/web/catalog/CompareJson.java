package dev.imagecatalog.web.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.imagecatalog.catalog.Comparison;
import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.web.http.Formats;

/**
 * {@code GET /api/repositories/<name>/compare?from=<tag>&to=<tag>[&toRepository=<name>]}:
 * <pre>
 * {"from":{"repository","tag","digest","kind"},"to":{…},
 *  "platforms":[{"platform":"linux/arm64/v8","os","architecture","variant","only":null|"from"|"to",
 *    "fromDigest","toDigest","fromSize","toSize","sizeDelta",
 *    "layers":{"shared":[{"digest","size"}],"added":[…],"removed":[…]},
 *    "configKnown":true,"config":{"&lt;field&gt;":{"from","to"}},
 *    "history":{"added":[{"created","createdBy","comment","emptyLayer"}],"removed":[…]}}]}
 * </pre>
 */
final class CompareJson {

    private CompareJson() {
    }

    /** The whole document. */
    record Document(SideDoc from, SideDoc to, List<PlatformDoc> platforms) {
    }

    /** One side: the tag and the manifest it points at. */
    record SideDoc(String repository, String tag, String digest, String kind) {
    }

    /** One platform's change; sizes are compressed bytes (config + layers), {@code null} on a side that lacks it. */
    record PlatformDoc(String platform, String os, String architecture, String variant, String only,
                       String fromDigest, String toDigest, Long fromSize, Long toSize, long sizeDelta,
                       LayersDoc layers, boolean configKnown, Map<String, Comparison.FieldChange> config,
                       HistoryDoc history) {
    }

    /** Layers by digest. */
    record LayersDoc(List<LayerDoc> shared, List<LayerDoc> added, List<LayerDoc> removed) {
    }

    /** A layer. */
    record LayerDoc(String digest, long size) {
    }

    /** History steps added and removed. */
    record HistoryDoc(List<ApiJson.HistoryDoc> added, List<ApiJson.HistoryDoc> removed) {
    }

    static Document of(Comparison c) {
        return new Document(side(c.from()), side(c.to()), c.platforms().stream().map(CompareJson::platform).toList());
    }

    private static SideDoc side(Comparison.Side s) {
        return new SideDoc(s.repository(), s.tag(), s.digest(), ApiJson.kind(s.kind()));
    }

    private static PlatformDoc platform(Comparison.PlatformChange p) {
        PlatformImage from = p.from();
        PlatformImage to = p.to();
        return new PlatformDoc(p.platform().toString(), p.platform().os(), p.platform().architecture(),
                p.platform().variant(), p.only() == null ? null : p.only().name().toLowerCase(Locale.ROOT),
                from == null ? null : from.digest(), to == null ? null : to.digest(),
                from == null ? null : from.size(), to == null ? null : to.size(), p.sizeDelta(),
                new LayersDoc(layers(p.layers().shared()), layers(p.layers().added()), layers(p.layers().removed())),
                p.configKnown(), p.config(),
                new HistoryDoc(history(p.history().added()), history(p.history().removed())));
    }

    private static List<LayerDoc> layers(List<Layer> layers) {
        return layers.stream().map(l -> new LayerDoc(l.digest(), l.size())).toList();
    }

    private static List<ApiJson.HistoryDoc> history(List<HistoryEntry> steps) {
        return steps.stream().map(h -> new ApiJson.HistoryDoc(Formats.rfc3339(h.created()), h.createdBy(),
                h.comment(), h.emptyLayer())).toList();
    }
}
