package dev.imagecatalog.runner;

import java.util.Locale;

/** The pre-flight's answer for one node, best first (the Run form orders its choices by it). */
public enum Verdict {
    /** The run can start there now. */
    READY,
    /** The run can be launched there but will stay Pending until something changes (e.g. capacity frees up). */
    WAIT,
    /** The run cannot be launched there (platform, policy, node state, or larger than the node). */
    CANNOT;

    /** {@code ready}, {@code wait}, {@code cannot}: the API's and the page's word. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
