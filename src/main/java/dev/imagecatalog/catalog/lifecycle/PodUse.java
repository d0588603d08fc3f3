package dev.imagecatalog.catalog.lifecycle;

/**
 * A pod in the cluster that uses an image: a container's {@code imageID} names the digest, or its image reference is
 * pinned to it.
 *
 * @param namespace the pod's namespace
 * @param pod       its name
 * @param node      the node it is bound to, {@code null} while unscheduled
 */
public record PodUse(String namespace, String pod, String node) {
}
