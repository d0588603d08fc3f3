package dev.imagecatalog.runner;

import java.util.List;

import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.registry.PlatformImage;

/**
 * One node as offered in the Run form for one image, with the pre-flight's verdict.
 *
 * @param node       the node
 * @param selectable whether the image can be launched there (verdict ready or wait)
 * @param reason     why not, e.g. {@code arm64 node; image has linux/amd64 only}, {@code NotReady},
 *                   {@code unschedulable (cordoned)}; {@code null} when selectable
 * @param platform   the image's platform that would run there, {@code null} if none fits
 * @param cached     whether the node already holds that platform's image (or the tag) — "cached here"
 * @param tainted    whether the node has a taint that repels pods (running there needs an acknowledgement)
 * @param verdict    ready / wait / cannot
 * @param reasons    the verdict's reasons in plain words, most important first (platform, node state, taints,
 *                   capacity, pull)
 * @param fit        the run's requests against the node's free capacity
 * @param pull       what the node would download, {@code null} when no platform fits
 * @param blocked    whether something other than the requests makes the verdict {@code cannot} (platform, node
 *                   state, taint policy): other requests cannot change it
 * @param capacityReason where {@link Fit#message()} stands in {@code reasons} (the "would stay Pending" sentence
 *                   follows it when the verdict is wait); -1 when the requests were not judged
 */
public record NodeChoice(Node node, boolean selectable, String reason, PlatformImage platform, boolean cached,
                         boolean tainted, Verdict verdict, List<String> reasons, Fit fit,
                         PullEstimate pull, boolean blocked, int capacityReason) {

    /** Defensive copy. */
    public NodeChoice {
        reasons = List.copyOf(reasons);
    }

    /** Whether the Run form may preselect it: ready now, untainted, not a control plane. */
    public boolean preferred() {
        return verdict == Verdict.READY && !tainted && !node.roles().contains("control-plane")
               && !node.roles().contains("master");
    }

    /** Whether the run's requests fit into the node's free capacity now; {@code null} when unknown. */
    public Boolean fits() {
        return fit.fits();
    }

    /** Free CPU as a quantity, {@code null} when unknown. */
    public String freeCpu() {
        return fit.freeCpu();
    }

    /** Free memory as a quantity, {@code null} when unknown. */
    public String freeMemory() {
        return fit.freeMemory();
    }
}
