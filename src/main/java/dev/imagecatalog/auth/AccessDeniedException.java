package dev.imagecatalog.auth;

/** The cluster does not let this user do what they asked; nothing was done. Answered 403. */
public final class AccessDeniedException extends RuntimeException {

    private final transient Permission permission;

    /** For a user without a permission. */
    public AccessDeniedException(Identity identity, Permission permission) {
        super(identity.user() + " may not " + permission.describe()
              + " (ask a cluster administrator for a RoleBinding that grants it)");
        this.permission = permission;
    }

    /** The missing permission. */
    public Permission permission() {
        return permission;
    }
}
