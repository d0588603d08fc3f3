package dev.imagecatalog;

import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.cluster.KubernetesCluster;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.web.access.Guard;

import io.helidon.webserver.WebServerConfig;
import io.kubernetes.client.openapi.ApiClient;

/**
 * The assembled application for tests of the catalog alone: runs disabled over a cluster that is never reached.
 * As an instance it owns the registry process and the catalog reading it, and closes both.
 */
public final class ReadOnlyApp implements AutoCloseable {

    private final LocalRegistry registry;
    private final RegistryCatalog catalog;

    private ReadOnlyApp(LocalRegistry registry, RegistryCatalog catalog) {
        this.registry = registry;
        this.catalog = catalog;
    }

    /**
     * {@link Main#setup} with a read-only runner.
     *
     * @param server  the server builder
     * @param catalog the catalog to serve
     */
    public static void setup(WebServerConfig.Builder server, Catalog catalog) {
        setup(server, catalog, RegistrySettings.DEFAULT_REQUEST_DEADLINE);
    }

    /**
     * {@link Main#setup} with a read-only runner and this deadline per request.
     *
     * @param server          the server builder
     * @param catalog         the catalog to serve
     * @param requestDeadline how long one request may wait for the registry
     */
    public static void setup(WebServerConfig.Builder server, Catalog catalog, java.time.Duration requestDeadline) {
        // nothing listens on port 9 of the loopback; with runs disabled only the nodes page would try it
        KubernetesCluster unreachable = new KubernetesCluster(new ApiClient().setBasePath("http://127.0.0.1:9"));
        Runner readOnly = Runner.create(catalog, unreachable, new RunSettings(false, "default", RunSettings.DEFAULT_TTL));
        // the default sign-in (kubernetes); browsing the catalog needs none
        Main.setup(server, catalog, readOnly, Guard.create(AuthSettings.kubernetes(), unreachable), requestDeadline);
    }

    /** Serves a catalog of {@code registry} with default settings (anonymous, pull host localhost:5001). */
    static ReadOnlyApp serve(WebServerConfig.Builder server, LocalRegistry registry) {
        return serve(server, registry, RegistrySettings.of(registry.url(), "localhost:5001"));
    }

    /** Serves a catalog of {@code registry} read with {@code settings}. */
    static ReadOnlyApp serve(WebServerConfig.Builder server, LocalRegistry registry, RegistrySettings settings) {
        RegistryCatalog catalog = RegistryCatalog.create(settings);
        setup(server, catalog);
        return new ReadOnlyApp(registry, catalog);
    }

    /** Closes the catalog, then stops the registry and deletes its storage. */
    @Override
    public void close() {
        catalog.close();
        registry.close();
    }
}
