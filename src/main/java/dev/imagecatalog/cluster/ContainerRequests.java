package dev.imagecatalog.cluster;

/**
 * The CPU and memory requests of one container of a pod already on a node, as the API prints them.
 *
 * @param cpu     CPU request, e.g. {@code 250m}; {@code null} when unset
 * @param memory  memory request, e.g. {@code 64Mi}; {@code null} when unset
 * @param sidecar for an init container: whether it keeps running beside the app containers
 *                ({@code restartPolicy: Always}, a "native sidecar"), which changes how the scheduler sums it
 */
public record ContainerRequests(String cpu, String memory, boolean sidecar) {
}
