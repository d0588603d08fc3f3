package dev.imagecatalog.web.runs;

import java.util.List;

import dev.imagecatalog.runner.NodeChoice;

/** Which node the Run form (and the pre-flight API) suggests: the one the user chose, else the best preferred. */
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
}
