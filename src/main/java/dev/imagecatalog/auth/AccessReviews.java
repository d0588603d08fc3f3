package dev.imagecatalog.auth;

import java.util.Optional;

/**
 * The cluster's answers about users: implemented by the Kubernetes adapter with a {@code TokenReview} and a
 * {@code SubjectAccessReview}, so the cluster's own RBAC is the only source of permissions.
 */
public interface AccessReviews {

    /**
     * Who a bearer token belongs to.
     *
     * @param token a Kubernetes bearer token (never logged)
     * @return the identity, empty when the API server does not accept the token
     */
    Optional<Identity> authenticate(String token);

    /**
     * Whether the cluster lets the user (with their groups) do something.
     *
     * @return the API server's decision
     */
    boolean allowed(Identity identity, Permission permission);
}
