package dev.imagecatalog.auth;

import java.util.Objects;

/**
 * One Kubernetes permission the catalog asks about before acting for a user, in SubjectAccessReview terms.
 *
 * @param verb        e.g. {@code create}
 * @param resource    e.g. {@code pods}
 * @param subresource e.g. {@code log}, {@code null} for none
 * @param namespace   the namespace, {@code null} for a cluster-scoped resource
 * @param group       the API group, {@code ""} for the core group
 * @param name        one object's name, {@code null} for any
 */
public record Permission(String verb, String resource, String subresource, String namespace, String group,
                         String name) {

    /**
     * The API group of the catalog's virtual resources: no API server serves it, but RBAC evaluates rules for any
     * group and resource, so ordinary Roles and bindings grant them (e.g. who may delete from a repository).
     */
    public static final String CATALOG_GROUP = "imagecatalog.dev";

    /** Requires verb and resource; a {@code null} group is the core group. */
    public Permission {
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(resource, "resource");
        group = group == null ? "" : group;
    }

    /** A permission in the core group on any object. */
    public Permission(String verb, String resource, String subresource, String namespace) {
        this(verb, resource, subresource, namespace, "", null);
    }

    /** {@code delete repositories.imagecatalog.dev <repository>}: deleting and untagging images of one repository. */
    public static Permission deleteRepository(String repository) {
        return new Permission("delete", "repositories", null, null, CATALOG_GROUP, repository);
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
               + (group.isEmpty() ? "" : "." + group) + (name == null ? "" : " \"" + name + "\"")
               + (namespace == null ? " (cluster-wide)" : " in namespace " + namespace);
    }
}
