package dev.imagecatalog.web.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.Comparison;
import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.web.http.Formats;

/**
 * The compare page's model: what {@link Comparison} says, formatted. The records are public because FreeMarker reads
 * them reflectively.
 */
public final class CompareViews {

    private CompareViews() {
    }

    /**
     * A side of the comparison as the page names it.
     *
     * @param repository  repository
     * @param tag         tag
     * @param href        the tag's page
     * @param digest      manifest digest
     * @param shortDigest its short form
     */
    public record SideView(String repository, String tag, String href, String digest, String shortDigest) {
    }

    /**
     * One platform's change.
     *
     * @param platform    e.g. {@code linux/amd64}
     * @param id          the card's element id (the summary links to it)
     * @param only        {@code from}, {@code to}, or empty when both sides have it
     * @param fromSize    size of the {@code from} image, empty when it lacks the platform
     * @param toSize      size of the {@code to} image, empty when it lacks the platform
     * @param delta       signed size change, e.g. {@code +1.2 KiB}
     * @param deltaExact  the change in exact bytes
     * @param trend       {@code grew}, {@code shrank} or {@code same}
     * @param counts      e.g. {@code 2 shared, 1 added, 1 removed}
     * @param layers      every layer with its status, shared and added in {@code to}'s order, then removed
     * @param configKnown whether both configs were read
     * @param config      the config values that differ
     * @param added       history steps added
     * @param removed     history steps removed
     */
    public record PlatformView(String platform, String id, String only, String fromSize, String toSize, String delta,
                               String deltaExact, String trend, String counts, List<LayerRow> layers,
                               boolean configKnown, List<ConfigRow> config, List<Views.HistoryView> added,
                               List<Views.HistoryView> removed) {
    }

    /**
     * A layer row.
     *
     * @param status      {@code shared}, {@code added} or {@code removed}
     * @param digest      digest
     * @param shortDigest short form
     * @param size        size with its bar
     */
    public record LayerRow(String status, String digest, String shortDigest, Views.Size size) {
    }

    /**
     * A config difference; {@code Env} and {@code Labels} have one row per variable or label that differs.
     *
     * @param field config field
     * @param key   variable or label name, empty for the other fields
     * @param from  value before, {@code unset} when absent
     * @param to    value after
     */
    public record ConfigRow(String field, String key, String from, String to) {
    }

    static SideView side(Comparison.Side s) {
        return new SideView(s.repository(), s.tag(), Links.tag(s.repository(), s.tag()), s.digest(),
                Formats.shortDigest(s.digest()));
    }

    static List<PlatformView> platforms(Comparison c) {
        List<PlatformView> views = new ArrayList<>();
        for (Comparison.PlatformChange p : c.platforms()) {
            views.add(platform(p, views.size()));
        }
        return views;
    }

    private static PlatformView platform(Comparison.PlatformChange p, int index) {
        Comparison.LayerChanges l = p.layers();
        long largest = 0;
        for (List<Layer> list : List.of(l.shared(), l.added(), l.removed())) {
            for (Layer layer : list) {
                largest = Math.max(largest, layer.size());
            }
        }
        List<LayerRow> rows = new ArrayList<>();
        rows(rows, "shared", l.shared(), largest);
        rows(rows, "added", l.added(), largest);
        rows(rows, "removed", l.removed(), largest);
        String counts = l.shared().size() + " shared, " + l.added().size() + " added, " + l.removed().size()
                        + " removed";
        return new PlatformView(p.platform().toString(), "platform-" + index,
                p.only() == null ? "" : p.only().name().toLowerCase(java.util.Locale.ROOT),
                p.from() == null ? "" : Formats.size(p.from().size()), p.to() == null ? "" : Formats.size(p.to().size()),
                delta(p.sizeDelta()), (p.sizeDelta() > 0 ? "+" : "") + Formats.exactBytes(p.sizeDelta()),
                p.sizeDelta() > 0 ? "grew" : p.sizeDelta() < 0 ? "shrank" : "same", counts, rows, p.configKnown(),
                config(p.config()), history(p.history().added()), history(p.history().removed()));
    }

    private static void rows(List<LayerRow> rows, String status, List<Layer> layers, long largest) {
        for (Layer layer : layers) {
            rows.add(new LayerRow(status, layer.digest(), Formats.shortDigest(layer.digest()),
                    Views.Size.of(layer.size(), largest)));
        }
    }

    /** {@code +1.2 KiB}, {@code −300 B} (a real minus sign), {@code no change}. */
    static String delta(long bytes) {
        if (bytes == 0) {
            return "no change";
        }
        return (bytes > 0 ? "+" : "\u2212") + Formats.size(Math.abs(bytes));
    }

    private static List<ConfigRow> config(Map<String, Comparison.FieldChange> changes) {
        List<ConfigRow> rows = new ArrayList<>();
        changes.forEach((field, change) -> {
            if (change.from() instanceof Map<?, ?> from && change.to() instanceof Map<?, ?> to) {
                java.util.TreeSet<String> keys = new java.util.TreeSet<>();
                from.keySet().forEach(k -> keys.add(String.valueOf(k)));
                to.keySet().forEach(k -> keys.add(String.valueOf(k)));
                for (String key : keys) {
                    rows.add(new ConfigRow(field, key, value(from, key), value(to, key)));
                }
            } else {
                rows.add(new ConfigRow(field, "", text(change.from()), text(change.to())));
            }
        });
        return rows;
    }

    private static String value(Map<?, ?> map, String key) {
        return map.containsKey(key) ? text(map.get(key)) : "unset";
    }

    private static String text(Object value) {
        if (value == null) {
            return "unset";
        }
        if (value instanceof List<?> list) {
            // an item with a space is quoted, as the tag page writes a command: ["sh","-c","a b"] reads sh -c "a b"
            return list.isEmpty() ? "unset" : String.join(" ", list.stream().map(String::valueOf)
                    .map(a -> a.isEmpty() || a.matches(".*\\s.*") ? "\"" + a + "\"" : a).toList());
        }
        return String.valueOf(value);
    }

    private static List<Views.HistoryView> history(List<HistoryEntry> steps) {
        return steps.stream().map(Views::history).toList();
    }
}
