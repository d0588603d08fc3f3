package dev.imagecatalog;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.KubernetesCluster;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;

import io.helidon.webserver.WebServerConfig;
import io.kubernetes.client.openapi.ApiClient;

/** The assembled application for tests of the catalog alone: runs disabled over a cluster that is never reached. */
final class ReadOnlyApp {

    private ReadOnlyApp() {
    }

    /**
     * {@link Main#setup} with a read-only runner.
     *
     * @param server  the server builder
     * @param catalog the catalog to serve
     */
    static void setup(WebServerConfig.Builder server, Catalog catalog) {
        // nothing listens on port 9 of the loopback; with runs disabled only the nodes page would try it
        Runner readOnly = Runner.create(catalog,
                new KubernetesCluster(new ApiClient().setBasePath("http://127.0.0.1:9")),
                new RunSettings(false, "default", RunSettings.DEFAULT_TTL));
        Main.setup(server, catalog, readOnly);
    }
}
