package dev.imagecatalog.auth;

/**
 * Tells the other replicas that a session was signed out, so a copy of its cookie is refused everywhere, not only
 * where the sign-out happened. The message is the signed-out cookie itself: every replica holds the session key, so
 * it verifies the signature and refuses that session from then on; whoever holds a cookie may sign it out, so the
 * message needs no credential of its own.
 */
@FunctionalInterface
public interface SignOutPeers {

    /** One replica (or peers unknown): nobody to tell. */
    SignOutPeers NONE = cookie -> { };

    /** Sends the signed-out session's cookie value to every other replica, in the background. */
    void signedOut(String cookie);
}
