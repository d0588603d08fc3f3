package dev.imagecatalog.web.http;

import java.util.LinkedHashMap;
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

    /**
     * This frame without sign-in: no sign-in link, and {@code signInOff} saying why (the sign-in page shows it
     * instead of its form). For a process with no cluster configured, whose TokenReviews could not be asked.
     *
     * @param frame the frame to change
     * @param why   why sign-in is unavailable and how to make it available
     */
    static PageFrame withoutSignIn(PageFrame frame, String why) {
        return new PageFrame() {
            @Override
            public Map<String, Object> current() {
                return withoutSignIn(frame.current(), why);
            }

            @Override
            public Map<String, Object> nobody() {
                return withoutSignIn(frame.nobody(), why);
            }
        };
    }

    private static Map<String, Object> withoutSignIn(Map<String, Object> auth, String why) {
        Map<String, Object> changed = new LinkedHashMap<>(auth);
        changed.put("signIn", false);
        changed.put("signInOff", why);
        return changed;
    }
}
