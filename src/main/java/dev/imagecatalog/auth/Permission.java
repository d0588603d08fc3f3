package dev.imagecatalog.auth;

import java.util.Objects;

/**
 * One Kubernetes permission the catalog asks about before acting for a user, in SubjectAccessReview terms
 * (core API group).
 *
 * @param verb        e.g. {@code create}
 * @param resource    e.g. {@code pods}
 * @param subresource e.g. {@code log}, {@code null} for none
 * @param namespace   the namespace, {@code null} for a cluster-scoped resource
 */
public record Permission(String verb, String resource, String subresource, String namespace) {

    /** Requires verb and resource. */
    public Permission {
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(resource, "resource");
    }

    /** {@code list nodes} (the nodes page, the Run form's node choices). */
    public static Permission listNodes() {
        return new Permission("list", "nodes", null, null);
    }

    /** {@code create pods} in the runs namespace (launch). */
    public static Permission createPods(String namespace) {
        return new Permission("create", "pods", null, namespace);
    }

    /** {@code delete pods} in the runs namespace (stop). */
    public static Permission deletePods(String namespace) {
        return new Permission("delete", "pods", null, namespace);
    }

    /** {@code list pods} in the runs namespace (runs list). */
    public static Permission listPods(String namespace) {
        return new Permission("list", "pods", null, namespace);
    }

    /** {@code get pods} in the runs namespace (one run). */
    public static Permission getPods(String namespace) {
        return new Permission("get", "pods", null, namespace);
    }

    /** {@code get pods/log} in the runs namespace (logs, followed or not). */
    public static Permission getLogs(String namespace) {
        return new Permission("get", "pods", "log", namespace);
    }

    /** As a person reads it: {@code create pods in namespace runs}, {@code get pods/log in namespace runs}. */
    public String describe() {
        return verb + " " + resource + (subresource == null ? "" : "/" + subresource)
               + (namespace == null ? " (cluster-wide)" : " in namespace " + namespace);
    }
}
