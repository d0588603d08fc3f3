package dev.imagecatalog.cluster;

import java.util.List;

/**
 * A pod the scheduler counts against its node's allocatable resources: what its containers request.
 *
 * @param namespace      pod namespace
 * @param name           pod name
 * @param node           the node it is bound to ({@code spec.nodeName})
 * @param containers     requests of the app containers
 * @param initContainers requests of the init containers, in order
 * @param overhead       the RuntimeClass overhead ({@code spec.overhead}), {@code null} when none
 */
public record PodRequests(String namespace,
                          String name,
                          String node,
                          List<ContainerRequests> containers,
                          List<ContainerRequests> initContainers,
                          ContainerRequests overhead) {

    /** Defensive copies: the record crosses threads. */
    public PodRequests {
        containers = List.copyOf(containers);
        initContainers = List.copyOf(initContainers);
    }
}
