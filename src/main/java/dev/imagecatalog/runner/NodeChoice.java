package dev.imagecatalog.runner;

import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.registry.PlatformImage;

/**
 * One node as offered in the Run form for one image.
 *
 * @param node       the node
 * @param selectable whether the image can be launched there
 * @param reason     why not, e.g. {@code arm64 node; image has linux/amd64 only}, {@code NotReady},
 *                   {@code unschedulable (cordoned)}; {@code null} when selectable
 * @param platform   the image's platform that would run there, {@code null} if none fits
 * @param cached     whether the node already holds that platform's image (or the tag) — "cached here"
 * @param tainted    whether the node has a taint that repels pods (running there needs an acknowledgement)
 */
public record NodeChoice(Node node, boolean selectable, String reason, PlatformImage platform, boolean cached,
                         boolean tainted) {

    /** Whether the Run form may preselect it: selectable, untainted, not a control plane. */
    public boolean preferred() {
        return selectable && !tainted && !node.roles().contains("control-plane") && !node.roles().contains("master");
    }
}
