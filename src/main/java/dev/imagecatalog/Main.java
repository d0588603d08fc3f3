package dev.imagecatalog;

import java.nio.file.Path;
import java.util.logging.Logger;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.web.CatalogApi;
import dev.imagecatalog.web.CatalogPages;
import dev.imagecatalog.web.ErrorHandling;
import dev.imagecatalog.web.RegistryHealthCheck;
import dev.imagecatalog.web.Templates;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/** Starts the catalog: configuration, the registry adapter, pages, JSON API and observability endpoints. */
public final class Main {

    private static final Logger LOGGER = Logger.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * Starts the server.
     *
     * @param args ignored; configuration comes from the environment, system properties and files
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = AppConfig.load();
        Config.global(config);
        String file = System.getenv().getOrDefault(AppConfig.CONFIG_FILE_ENV, AppConfig.DEFAULT_FILE);
        RegistrySettings settings = AppConfig.registrySettings(config);
        RegistryCatalog catalog = RegistryCatalog.create(settings);
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .update(builder -> setup(builder, catalog))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(catalog::close));
        LOGGER.info(() -> "Image catalog on http://localhost:" + server.port() + "/ reading " + settings.url()
                + " (config file " + file + (AppConfig.exists(Path.of(file)) ? "" : ", absent") + ")");
    }

    /**
     * Everything but the port: observability feature and routing. Tests call it with their own catalog.
     *
     * @param server  the server builder
     * @param catalog the catalog to serve
     */
    static void setup(WebServerConfig.Builder server, Catalog catalog) {
        server.featuresDiscoverServices(false)
                .addFeature(observe(catalog))
                .routing(routing -> routing(routing, catalog));
    }

    /**
     * The routes: pages, {@code /api}, {@code /static}, and the error mapping.
     *
     * @param routing the routing builder
     * @param catalog the catalog to serve
     */
    static void routing(HttpRouting.Builder routing, Catalog catalog) {
        Templates templates = new Templates();
        ErrorHandling.register(routing, templates);
        routing.register("/static", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                        .location("static")
                        .build()))
                .register("/api", new CatalogApi(catalog))
                .register(new CatalogPages(catalog, templates));
    }

    /** {@code /observe/health} (liveness without the registry, readiness with it) and {@code /observe/metrics}. */
    static ObserveFeature observe(Catalog catalog) {
        return ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                        .details(true)
                        .useSystemServices(false)
                        .addCheck(new RegistryHealthCheck(catalog))
                        .build())
                .addObserver(MetricsObserver.create())
                .build();
    }
}
