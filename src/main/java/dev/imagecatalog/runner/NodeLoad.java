package dev.imagecatalog.runner;

/**
 * A node's allocatable CPU and memory and what the pods on it already request, in whole units (rounded up, as the
 * scheduler counts them): what the Run form needs to judge other requests in the browser.
 *
 * @param allocatableMilliCpu allocatable CPU in millicores
 * @param allocatableMemory   allocatable memory in bytes
 * @param requestedMilliCpu   CPU requested by the pods on the node, millicores; {@code null} when they cannot be read
 * @param requestedMemory     memory requested by the pods on the node, bytes; {@code null} when they cannot be read
 */
public record NodeLoad(long allocatableMilliCpu, long allocatableMemory, Long requestedMilliCpu, Long requestedMemory) {
}
