package dev.imagecatalog.auth;

import java.util.List;
import java.util.Objects;

/**
 * A signed-in user as the cluster knows them: the name and groups of a TokenReview's status, or of a trusted
 * authenticating proxy's headers.
 *
 * @param user   user name, e.g. {@code system:serviceaccount:catalog-runs:demo} or {@code alice@example.com}
 * @param groups the user's groups, in the order reported
 */
public record Identity(String user, List<String> groups) {

    /** The user of {@code auth.mode=none}: nobody signed in, the catalog's own rights apply. */
    public static final Identity DEMO = new Identity("anonymous (auth.mode=none)", List.of());

    /** Requires a non-blank user; copies the groups. */
    public Identity {
        Objects.requireNonNull(user, "user");
        if (user.isBlank()) {
            throw new IllegalArgumentException("user must not be blank");
        }
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
