package dev.imagecatalog.auth;

import java.util.Optional;
import java.util.function.Supplier;

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

    /**
     * Reviews by an adapter created on first use: a catalog browsed anonymously never creates it.
     *
     * @param reviews the adapter's factory (called on every review; make it return one shared instance)
     * @return reviews that delegate to it
     */
    static AccessReviews deferred(Supplier<? extends AccessReviews> reviews) {
        return new AccessReviews() {
            @Override
            public Optional<Identity> authenticate(String token) {
                return reviews.get().authenticate(token);
            }

            @Override
            public boolean allowed(Identity identity, Permission permission) {
                return reviews.get().allowed(identity, permission);
            }
        };
    }
}
