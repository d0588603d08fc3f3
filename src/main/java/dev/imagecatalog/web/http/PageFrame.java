package dev.imagecatalog.web.http;

import java.util.Map;

/**
 * The viewer's part of every page's frame (sign-in link, user name, demo warning, sign-out token), supplied by the
 * access layer: the HTTP plumbing renders pages but does not know who is looking.
 */
public interface PageFrame {

    /** Nobody signed in, sign-in offered: what a page shows when no viewer is known. */
    PageFrame ANONYMOUS = new PageFrame() {
        @Override
        public Map<String, Object> current() {
            return nobody();
        }

        @Override
        public Map<String, Object> nobody() {
            return Map.of("user", "", "demo", false, "signIn", true, "token", "");
        }
    };

    /** The frame for the viewer of the request being answered on this thread. */
    Map<String, Object> current();

    /** The frame for no viewer (answers made outside a request's filters). */
    Map<String, Object> nobody();
}
