package dev.imagecatalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.cluster.KubernetesCluster;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.RunSweeper;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.web.CatalogApi;
import dev.imagecatalog.web.CatalogPages;
import dev.imagecatalog.web.ErrorHandling;
import dev.imagecatalog.web.RegistryHealthCheck;
import dev.imagecatalog.web.RequestDeadlineFilter;
import dev.imagecatalog.web.RunApi;
import dev.imagecatalog.web.RunPages;
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

/**
 * Starts the catalog: configuration, the registry adapter, the cluster adapter and runner (with its TTL sweeper),
 * pages, JSON API and observability endpoints.
 */
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
        RunSettings runs = AppConfig.runSettings(config);
        RegistryCatalog catalog = RegistryCatalog.create(settings);
        // does not fail without a cluster: calls then answer UNREACHABLE (the catalog keeps working)
        Runner runner = Runner.create(catalog,
                KubernetesCluster.fromEnvironment(Duration.ofSeconds(5), Duration.ofSeconds(30)), runs);
        RunSweeper sweeper = runs.enabled() ? RunSweeper.start(runner) : null;
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .update(builder -> setup(builder, catalog, runner, settings.requestDeadline()))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            if (sweeper != null) {
                sweeper.close();
            }
            catalog.close();
        }));
        LOGGER.info(() -> "Image catalog on http://localhost:" + server.port() + "/ reading " + settings.url()
                + " (config file " + file + (AppConfig.exists(Path.of(file)) ? "" : ", absent") + "); runs "
                + (runs.enabled() ? "enabled in namespace " + runs.namespace() : "disabled (read-only)"));
    }

    /**
     * Everything but the port: observability feature and routing. Tests call it with their own catalog and runner.
     *
     * @param server  the server builder
     * @param catalog the catalog to serve
     * @param runner  the runner (its settings decide whether the Run form and Stop buttons exist)
     */
    static void setup(WebServerConfig.Builder server, Catalog catalog, Runner runner) {
        setup(server, catalog, runner, RegistrySettings.DEFAULT_REQUEST_DEADLINE);
    }

    /**
     * {@link #setup(WebServerConfig.Builder, Catalog, Runner)} with the deadline of each page or API request.
     *
     * @param server          the server builder
     * @param catalog         the catalog to serve
     * @param runner          the runner
     * @param requestDeadline how long one request may wait for the registry ({@code registry.request-deadline})
     */
    static void setup(WebServerConfig.Builder server, Catalog catalog, Runner runner, Duration requestDeadline) {
        server.featuresDiscoverServices(false)
                .addFeature(observe(catalog))
                .routing(routing -> routing(routing, catalog, runner, requestDeadline));
    }

    /**
     * The routes: pages, {@code /api}, {@code /static}, and the error mapping.
     *
     * @param routing the routing builder
     * @param catalog the catalog to serve
     * @param runner  the runner
     */
    static void routing(HttpRouting.Builder routing, Catalog catalog, Runner runner) {
        routing(routing, catalog, runner, RegistrySettings.DEFAULT_REQUEST_DEADLINE);
    }

    /**
     * The routes, each request waiting at most {@code requestDeadline} for the registry (then 504).
     *
     * @param routing         the routing builder
     * @param catalog         the catalog to serve
     * @param runner          the runner
     * @param requestDeadline how long one request may wait for the registry
     */
    static void routing(HttpRouting.Builder routing, Catalog catalog, Runner runner, Duration requestDeadline) {
        Templates templates = new Templates();
        routing.addFilter(new RequestDeadlineFilter(requestDeadline));
        ErrorHandling.register(routing, templates);
        CatalogPages catalogPages = new CatalogPages(catalog, templates, runner);
        routing.register("/static", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                        .location("static")
                        .build()))
                .register("/api", new RunApi(runner))
                .register("/api", new CatalogApi(catalog))
                .register(new RunPages(runner, templates, catalogPages))
                .register(catalogPages);
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
