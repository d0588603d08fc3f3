package dev.imagecatalog.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.ImageConfig;

/**
 * Bounds what a tag page keeps and shows of an image config: each label value and history text to
 * {@value #TEXT} characters, and all of them together to {@value #TOTAL} per image. A config may legally carry
 * megabytes of labels; kept whole, ten concurrent views of such tags render (and hold) tens of MB each and exhaust
 * a 256 MB heap. What is cut says so, with the original length.
 */
final class DetailLimits {

    /** Characters of one label value or one history text kept. */
    static final int TEXT = 4096;
    /** Characters of all labels and history texts of one image kept. */
    static final int TOTAL = 64 * 1024;

    private DetailLimits() {
    }

    /** {@code config} with its labels and history bounded (the same instance when nothing is over a limit). */
    static ImageConfig bound(ImageConfig config) {
        if (size(config) <= TOTAL && config.labels().values().stream().allMatch(DetailLimits::fits)
                && config.history().stream().allMatch(h -> fits(h.createdBy()) && fits(h.comment()))) {
            return config;
        }
        int[] budget = {TOTAL};
        Map<String, String> labels = new LinkedHashMap<>();
        int skippedLabels = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(config.labels()).entrySet()) {
            String key = cut(e.getKey(), budget);
            if (key == null) {
                skippedLabels++;
                continue;
            }
            labels.put(key, e.getValue() == null ? null : cutOrNote(e.getValue(), budget));
        }
        if (skippedLabels > 0) {
            labels.put("…", skippedLabels + " more labels not shown (" + TOTAL + " characters shown per image)");
        }
        List<HistoryEntry> history = new ArrayList<>();
        for (HistoryEntry h : config.history()) {
            if (budget[0] <= 0) {
                history.add(new HistoryEntry(null, (config.history().size() - history.size())
                        + " more history steps not shown (" + TOTAL + " characters shown per image)", null, true));
                break;
            }
            history.add(new HistoryEntry(h.created(), h.createdBy() == null ? null : cutOrNote(h.createdBy(), budget),
                    h.comment() == null ? null : cutOrNote(h.comment(), budget), h.emptyLayer()));
        }
        // the run defaults stay whole: the Run form starts from them, and a cut command would run something else
        return new ImageConfig(config.created(), config.platform(), labels, List.copyOf(history), config.defaults());
    }

    private static boolean fits(String s) {
        return s == null || s.length() <= TEXT;
    }

    private static long size(ImageConfig config) {
        long n = 0;
        for (Map.Entry<String, String> e : config.labels().entrySet()) {
            n += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
        }
        for (HistoryEntry h : config.history()) {
            n += (h.createdBy() == null ? 0 : h.createdBy().length()) + (h.comment() == null ? 0 : h.comment().length());
        }
        return n;
    }

    /** The text within both limits, or {@code null} when the budget is spent. */
    private static String cut(String s, int[] budget) {
        if (budget[0] <= 0) {
            return null;
        }
        String kept = s.length() <= Math.min(TEXT, budget[0]) ? s : s.substring(0, Math.min(TEXT, budget[0]));
        budget[0] -= kept.length();
        return kept;
    }

    /** The text within both limits, with a note of its length when cut. */
    private static String cutOrNote(String s, int[] budget) {
        String kept = cut(s, budget);
        if (kept == null) {
            return "… (" + s.length() + " characters, not shown)";
        }
        return kept.length() == s.length() ? s : kept + "… (" + s.length() + " characters, cut)";
    }
}
