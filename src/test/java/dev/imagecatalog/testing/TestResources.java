package dev.imagecatalog.testing;

import io.helidon.webserver.WebServer;

/** Ends what a test class started, in the order given, whatever failed to start. */
public final class TestResources {

    private TestResources() {
    }

    /**
     * Closes each resource that was started ({@code null} ones are skipped: their start failed or never came):
     * an {@link AutoCloseable} is closed, a {@link WebServer} stopped. Every one is tried; the first failure is
     * thrown afterwards with the others suppressed.
     *
     * @param resources registries, catalogs, browsers, mock clusters, servers…
     */
    public static void closeAll(Object... resources) {
        RuntimeException failure = null;
        for (Object resource : resources) {
            try {
                switch (resource) {
                    case null -> { }
                    case WebServer server -> server.stop();
                    case AutoCloseable closeable -> closeable.close();
                    default -> throw new IllegalArgumentException("cannot close a " + resource.getClass());
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
