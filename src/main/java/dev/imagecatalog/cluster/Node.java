package dev.imagecatalog.cluster;

import java.util.List;
import java.util.Set;

/**
 * A cluster node as the nodes page and {@code GET /api/nodes} show it.
 *
 * @param name           node name (also its {@code kubernetes.io/hostname} label on every distribution we target)
 * @param hostname       value of the node's {@code kubernetes.io/hostname} label (falls back to the name)
 * @param ready          whether the {@code Ready} condition is {@code True}
 * @param roles          roles from {@code node-role.kubernetes.io/<role>} labels, sorted
 * @param os             {@code status.nodeInfo.operatingSystem}, e.g. {@code linux}
 * @param architecture   {@code status.nodeInfo.architecture}, e.g. {@code amd64}
 * @param kubeletVersion e.g. {@code v1.36.1}
 * @param cpu            allocatable CPU as the API prints it, e.g. {@code 4} or {@code 3500m}
 * @param memory         allocatable memory as the API prints it, e.g. {@code 8025424Ki}
 * @param taints         the node's taints, in API order
 * @param unschedulable  whether the node is cordoned ({@code spec.unschedulable})
 * @param images         every name of every image the node holds ({@code status.images[].names})
 */
public record Node(String name,
                   String hostname,
                   boolean ready,
                   List<String> roles,
                   String os,
                   String architecture,
                   String kubeletVersion,
                   String cpu,
                   String memory,
                   List<Taint> taints,
                   boolean unschedulable,
                   Set<String> images) {

    /** Defensive copies: the record is shared between requests. */
    public Node {
        roles = List.copyOf(roles);
        taints = List.copyOf(taints);
        images = Set.copyOf(images);
    }

    /** {@code linux/amd64}. */
    public String platform() {
        return os + "/" + architecture;
    }
}
