package dev.imagecatalog.web.runs;

import java.util.List;

import dev.imagecatalog.runner.NodeChoice;
import dev.imagecatalog.runner.NodeLoad;
import dev.imagecatalog.web.http.Formats;

/**
 * Which node the Run form (and the pre-flight API) suggests — the one the user chose, else the best preferred — and
 * why, in words: the form preselected a node without saying what made it the best. The Run form's script repeats
 * {@link #because} when typed requests change the verdicts ({@code static/catalog.js}): keep the two in step.
 */
final class Preselection {

    private Preselection() {
    }

    /**
     * The node to preselect: {@code chosen} when the user already picked one, else the first preferred choice (the
     * choices come best first; a tainted node or a control plane is never suggested: running there is a deliberate
     * choice); {@code null} when none qualifies.
     */
    static String of(List<NodeChoice> choices, String chosen) {
        if (chosen != null && !chosen.isEmpty()) {
            return chosen;
        }
        return choices.stream().filter(NodeChoice::preferred).findFirst().map(c -> c.node().name()).orElse(null);
    }

    /**
     * Why {@link #of} picks what it picks, as the end of "Preselected kind-worker: …": {@code ready to run; the
     * image is already cached there}, {@code …; the smallest download (≈ 12.0 MiB)}, {@code …; the most free memory
     * (7.6Gi)}, {@code …; the only ready node that is neither tainted nor a control plane},
     * {@code …; the first by name of 2 equally suited nodes}; {@code your choice}; or, when nothing is preselected,
     * why not.
     */
    static String because(List<NodeChoice> choices, String chosen) {
        if (chosen != null && !chosen.isEmpty()) {
            return "your choice";
        }
        List<NodeChoice> candidates = choices.stream().filter(NodeChoice::preferred).toList();
        if (candidates.isEmpty()) {
            return choices.stream().anyMatch(NodeChoice::selectable)
                    ? "no node is preselected: none is ready to run and free of taints and the control-plane role; "
                      + "choose one below"
                    : "no node is preselected: none can run this image now";
        }
        NodeChoice best = candidates.getFirst();
        String why;
        if (best.cached() && candidates.stream().anyMatch(c -> !c.cached())) {
            why = "the image is already cached there";
        } else if (best.pull() != null && candidates.stream().anyMatch(
                c -> c.pull() != null && c.pull().bytes() > best.pull().bytes())) {
            why = "the smallest download (≈ " + Formats.size(best.pull().bytes()) + ")";
        } else if (freeMemory(best) >= 0 && candidates.stream().anyMatch(c -> freeMemory(c) < freeMemory(best))) {
            why = "the most free memory (" + best.freeMemory() + ")";
        } else if (candidates.size() == 1) {
            why = "the only ready node that is neither tainted nor a control plane";
        } else {
            why = "the first by name of " + candidates.size() + " equally suited nodes";
        }
        return "ready to run; " + why;
    }

    /** Free memory in bytes as the scheduler counts it, -1 when unknown. */
    static long freeMemory(NodeChoice c) {
        NodeLoad load = c.fit().load();
        return load == null || load.requestedMemory() == null ? -1
                : Math.max(0, load.allocatableMemory() - load.requestedMemory());
    }
}
