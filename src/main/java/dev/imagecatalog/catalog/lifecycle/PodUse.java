package dev.imagecatalog.catalog.lifecycle;

/**
 * A pod in the cluster that uses an image: a container's {@code imageID} names the digest, or its image reference is
 * pinned to it.
 *
 * @param namespace the pod's namespace
 * @param pod       its name
 * @param node      the node it is bound to, {@code null} while unscheduled
 * @param reference the repository as the reference names it ({@code host/path}, e.g. {@code localhost:5001/team-a/app}),
 *                  {@code null} when it names none (a bare {@code sha256:…} image ID)
 */
public record PodUse(String namespace, String pod, String node, String reference) {

    /** A use whose reference names no repository. */
    public PodUse(String namespace, String pod, String node) {
        this(namespace, pod, node, null);
    }

    /**
     * Whether this use can be of {@code repository} in the registry pulled from {@code pullHost}: a reference naming
     * another repository on that host is not (the digest stays there); one naming no repository, or another host
     * (the same registry may be reached under other names), is counted.
     */
    public boolean mayUse(String pullHost, String repository) {
        if (reference == null || pullHost == null || pullHost.isEmpty()
            || !reference.startsWith(pullHost + "/")) {
            return true;
        }
        return reference.substring(pullHost.length() + 1).equals(repository);
    }
}
