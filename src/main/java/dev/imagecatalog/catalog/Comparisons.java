package dev.imagecatalog.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import dev.imagecatalog.catalog.Comparison.FieldChange;
import dev.imagecatalog.catalog.Comparison.HistoryChanges;
import dev.imagecatalog.catalog.Comparison.LayerChanges;
import dev.imagecatalog.catalog.Comparison.Only;
import dev.imagecatalog.catalog.Comparison.PlatformChange;
import dev.imagecatalog.catalog.Comparison.Side;
import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.RunDefaults;
import dev.imagecatalog.registry.TagDetail;

/**
 * Compares two tags' details, as {@code regctl manifest diff} or diffoci do on the command line: platforms matched by
 * os / architecture / variant (an index's attestation manifests are not platforms, {@link TagDetail} leaves them
 * out), layers by digest, the config fields that decide what runs, and the build history.
 */
final class Comparisons {

    private Comparisons() {
    }

    /** The comparison of {@code from} with {@code to}. */
    static Comparison of(TagDetail from, TagDetail to) {
        Map<Platform, PlatformDetail> before = byPlatform(from);
        Map<Platform, PlatformDetail> after = byPlatform(to);
        List<PlatformChange> platforms = new ArrayList<>();
        for (Map.Entry<Platform, PlatformDetail> e : after.entrySet()) {
            PlatformDetail old = before.get(e.getKey());
            platforms.add(old == null ? onlyOne(e.getKey(), e.getValue(), Only.TO) : both(e.getKey(), old, e.getValue()));
        }
        for (Map.Entry<Platform, PlatformDetail> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                platforms.add(onlyOne(e.getKey(), e.getValue(), Only.FROM));
            }
        }
        return new Comparison(side(from), side(to), platforms);
    }

    private static Side side(TagDetail detail) {
        return new Side(detail.repository(), detail.summary().name(), detail.summary().digest(),
                detail.summary().kind());
    }

    /** Platforms in the tag's order; a variant left blank is no variant (an index may write {@code ""}). */
    private static Map<Platform, PlatformDetail> byPlatform(TagDetail detail) {
        Map<Platform, PlatformDetail> map = new LinkedHashMap<>();
        for (PlatformDetail p : detail.platforms()) {
            map.putIfAbsent(key(p.image().platform()), p);
        }
        return map;
    }

    private static Platform key(Platform p) {
        String variant = p.variant() == null || p.variant().isBlank() ? null : p.variant();
        return new Platform(p.os(), p.architecture(), variant);
    }

    private static PlatformChange both(Platform platform, PlatformDetail from, PlatformDetail to) {
        boolean configKnown = from.defaults() != null && to.defaults() != null;
        return new PlatformChange(platform, null, from.image(), to.image(), to.image().size() - from.image().size(),
                layers(from.layers(), to.layers()), configKnown,
                configKnown ? config(from, to) : Map.of(), history(from.history(), to.history()));
    }

    /** A platform one side lacks: its layers all added (or removed), its size the delta; no config to compare. */
    private static PlatformChange onlyOne(Platform platform, PlatformDetail present, Only only) {
        boolean added = only == Only.TO;
        LayerChanges layers = added ? layers(List.of(), present.layers()) : layers(present.layers(), List.of());
        return new PlatformChange(platform, only, added ? null : present.image(), added ? present.image() : null,
                added ? present.image().size() : -present.image().size(), layers, false, Map.of(),
                new HistoryChanges(List.of(), List.of()));
    }

    /** Multiset difference by digest: each occurrence in one list pairs with at most one in the other. */
    static LayerChanges layers(List<Layer> from, List<Layer> to) {
        Map<String, Integer> unpaired = counts(from, Layer::digest);
        List<Layer> shared = new ArrayList<>();
        List<Layer> added = new ArrayList<>();
        for (Layer layer : to) {
            (take(unpaired, layer.digest()) ? shared : added).add(layer);
        }
        Map<String, Integer> sharedCounts = counts(shared, Layer::digest);
        List<Layer> removed = new ArrayList<>();
        for (Layer layer : from) {
            if (!take(sharedCounts, layer.digest())) {
                removed.add(layer);
            }
        }
        return new LayerChanges(shared, added, removed);
    }

    /** Multiset difference of history steps by what they did (instruction, comment, empty layer), not by date. */
    static HistoryChanges history(List<HistoryEntry> from, List<HistoryEntry> to) {
        Map<List<Object>, Integer> unpaired = counts(from, Comparisons::step);
        List<HistoryEntry> added = new ArrayList<>();
        List<HistoryEntry> matched = new ArrayList<>();
        for (HistoryEntry h : to) {
            (take(unpaired, step(h)) ? matched : added).add(h);
        }
        Map<List<Object>, Integer> matchedCounts = counts(matched, Comparisons::step);
        List<HistoryEntry> removed = new ArrayList<>();
        for (HistoryEntry h : from) {
            if (!take(matchedCounts, step(h))) {
                removed.add(h);
            }
        }
        return new HistoryChanges(added, removed);
    }

    private static List<Object> step(HistoryEntry h) {
        return java.util.Arrays.asList(h.createdBy(), h.comment(), h.emptyLayer());
    }

    private static <T, K> Map<K, Integer> counts(List<T> items, Function<T, K> key) {
        Map<K, Integer> counts = new HashMap<>();
        for (T item : items) {
            counts.merge(key.apply(item), 1, Integer::sum);
        }
        return counts;
    }

    /** Takes one occurrence of {@code key}; false when none is left. */
    private static <K> boolean take(Map<K, Integer> counts, K key) {
        Integer n = counts.get(key);
        if (n == null || n == 0) {
            return false;
        }
        counts.put(key, n - 1);
        return true;
    }

    /** The fields that differ, in the order {@code docker inspect} shows them. */
    static Map<String, FieldChange> config(PlatformDetail from, PlatformDetail to) {
        RunDefaults a = from.defaults();
        RunDefaults b = to.defaults();
        Map<String, FieldChange> changes = new LinkedHashMap<>();
        field(changes, "Entrypoint", a.entrypoint(), b.entrypoint());
        field(changes, "Cmd", a.cmd(), b.cmd());
        mapField(changes, "Env", a.envMap(), b.envMap());
        // a set of ports: the order a config lists them in means nothing
        field(changes, "ExposedPorts", List.copyOf(new TreeSet<>(a.exposedPorts())),
                List.copyOf(new TreeSet<>(b.exposedPorts())));
        field(changes, "User", blankIsNull(a.user()), blankIsNull(b.user()));
        field(changes, "WorkingDir", blankIsNull(a.workingDir()), blankIsNull(b.workingDir()));
        mapField(changes, "Labels", labels(from), labels(to));
        return changes;
    }

    private static void field(Map<String, FieldChange> changes, String name, Object from, Object to) {
        if (!Objects.equals(from, to)) {
            changes.put(name, new FieldChange(from, to));
        }
    }

    /**
     * Only the keys whose values differ, each side with its value (a key it lacks is left out): a changed variable
     * reads at a glance, where two whole lists of forty variables would hide it.
     */
    private static void mapField(Map<String, FieldChange> changes, String name, Map<String, String> from,
                                 Map<String, String> to) {
        Map<String, String> before = new TreeMap<>();
        Map<String, String> after = new TreeMap<>();
        TreeSet<String> keys = new TreeSet<>(from.keySet());
        keys.addAll(to.keySet());
        for (String key : keys) {
            if (!Objects.equals(from.get(key), to.get(key)) || from.containsKey(key) != to.containsKey(key)) {
                if (from.containsKey(key)) {
                    before.put(key, from.get(key));
                }
                if (to.containsKey(key)) {
                    after.put(key, to.get(key));
                }
            }
        }
        if (!before.isEmpty() || !after.isEmpty()) {
            changes.put(name, new FieldChange(before, after));
        }
    }

    private static Map<String, String> labels(PlatformDetail p) {
        return p.labels() == null ? Map.of() : p.labels();
    }

    private static String blankIsNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
