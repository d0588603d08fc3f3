package dev.imagecatalog;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.Locale;
import java.util.logging.Logger;

import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.auth.AccessReviews;
import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.index.PeerForwarder;
import dev.imagecatalog.catalog.lifecycle.DeleteSettings;
import dev.imagecatalog.catalog.lifecycle.Deleter;
import dev.imagecatalog.catalog.lifecycle.ImagesInUse;
import dev.imagecatalog.catalog.lifecycle.Retention;
import dev.imagecatalog.catalog.lifecycle.RetentionSchedule;
import dev.imagecatalog.catalog.lifecycle.RetentionSettings;
import dev.imagecatalog.cluster.Cluster;
import dev.imagecatalog.cluster.KubernetesLeaseElection;
import dev.imagecatalog.cluster.ClusterEnvironment;
import dev.imagecatalog.cluster.KubernetesCluster;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.RunSweeper;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.web.catalog.CatalogApi;
import dev.imagecatalog.web.catalog.CatalogPages;
import dev.imagecatalog.web.catalog.CompareApi;
import dev.imagecatalog.web.catalog.ComparePages;
import dev.imagecatalog.web.http.ErrorHandling;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.catalog.IndexApi;
import dev.imagecatalog.web.catalog.RegistryHealthCheck;
import dev.imagecatalog.web.http.PageFrame;
import dev.imagecatalog.web.http.RequestDeadlineFilter;
import dev.imagecatalog.web.http.RequestLimits;
import dev.imagecatalog.web.lifecycle.DeleteButtons;
import dev.imagecatalog.web.lifecycle.DeletionApi;
import dev.imagecatalog.web.lifecycle.DeletionPages;
import dev.imagecatalog.web.runs.RunApi;
import dev.imagecatalog.web.runs.RunForm;
import dev.imagecatalog.web.runs.RunPages;
import dev.imagecatalog.web.http.Templates;
import dev.imagecatalog.web.http.HeaderTimeout;
import dev.imagecatalog.web.lifecycle.RetentionApi;
import dev.imagecatalog.web.lifecycle.RetentionPages;

import io.helidon.common.LazyValue;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.openapi.OpenApiFeature;
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
    /** How long the cluster's answer to "which images do pods run" is shared by previews and retention's dry run. */
    private static final Duration IN_USE_KEPT = Duration.ofSeconds(5);
    /**
     * {@code -Dcatalog.training-run=true}: stop once the server listens. The image build runs the service so, with
     * {@code -XX:ArchiveClassesAtExit}, to archive the classes a start loads (Dockerfile); every pod then maps them
     * instead of parsing and verifying ~6,500 classes, which halves the CPU of a start.
     */
    static final String TRAINING_RUN = "catalog.training-run";
    /** The API description, a classpath resource (Helidon SE reads no annotations). */
    static final String OPENAPI_FILE = "META-INF/openapi.yml";

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
        // nothing configured is known at start, from files alone: runs, nodes and sign-in are left out and say why,
        // and no client ever dials a default address
        RunSettings configuredRuns = AppConfig.runSettings(config);
        RunSettings runs = ClusterEnvironment.missing().map(configuredRuns::withoutCluster).orElse(configuredRuns);
        AuthSettings auth = AppConfig.authSettings(config);
        // the index: a peer's copy, the snapshot or the first crawl in the background (started once the server
        // listens: a peer forwards the events that arrive during its copy here), then events and the periodic
        // reconcile keep it current
        RegistryCatalog catalog = RegistryCatalog.create(settings, AppConfig.indexSettings(config),
                AppConfig.restartSettings(config));
        // created on first use, so a read-only catalog browsed anonymously never loads the Kubernetes client;
        // without a cluster, calls answer UNREACHABLE (the catalog keeps working)
        // (typed by its interfaces: a lambda whose signature named KubernetesCluster would load it at start)
        Supplier<Cluster> cluster = LazyValue.<Cluster>create(
                () -> KubernetesCluster.fromEnvironment(Duration.ofSeconds(5), Duration.ofSeconds(30)));
        Runner runner = Runner.create(catalog, cluster, runs);
        // the same adapter answers TokenReviews and SubjectAccessReviews: the cluster's RBAC decides who may act
        Guard guard = Guard.create(auth, AccessReviews.deferred(() -> (AccessReviews) cluster.get()));
        // a sign-out is announced to the other replicas (the peers registry events are forwarded to)
        PeerForwarder peers = new PeerForwarder(catalog.indexSettings());
        guard.announceSignOutsTo(cookie -> peers.announce(Guard.PEER_SIGN_OUT, "text/plain",
                                                          cookie.getBytes(StandardCharsets.US_ASCII)));
        RunSweeper sweeper = runs.enabled() ? RunSweeper.start(runner) : null;
        DeleteSettings deletes = AppConfig.deleteSettings(config);
        // what pods run protects what a delete preview warns about and what retention keeps; asked of the same
        // lazily built cluster adapter
        ImagesInUse inUse = runs.enabled() || deletes.enabled()
                ? ImagesInUse.cached(() -> ((ImagesInUse) cluster.get()).byDigest(), IN_USE_KEPT) : ImagesInUse.NONE;
        Deleter deleter = new Deleter(deletes, catalog.deletions(), catalog.index(), inUse, settings.pullHost(),
                catalog::reread);
        RetentionSettings retentionSettings = AppConfig.retentionSettings(config);
        Retention retention = catalog.retention(inUse, retentionSettings);
        AutoCloseable retentionSchedule = retentionSchedule(retention);
        WebServer server = server(config.get("server"))
                .update(builder -> setup(builder, catalog, runner, guard, settings.requestDeadline(), deleter,
                                         retention))
                .build()
                .start();
        catalog.start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            if (sweeper != null) {
                sweeper.close();
            }
            try {
                retentionSchedule.close();
            } catch (Exception e) {
                LOGGER.warning(() -> "Stopping the retention schedule: " + e.getMessage());
            }
            catalog.close();
        }));
        LOGGER.info(() -> "Image catalog on http://localhost:" + server.port() + "/ reading " + settings.url()
                + " (config file " + file + (AppConfig.exists(Path.of(file)) ? "" : ", absent") + "); runs "
                + (runs.enabled() ? "enabled in namespace " + runs.namespace() : "off: " + runs.offReason())
                + "; deletes " + (deletes.enabled() ? "enabled" : "disabled")
                + "; sign-in " + auth.mode().name().toLowerCase(Locale.ROOT));
        if (Boolean.getBoolean(TRAINING_RUN)) {
            LOGGER.info("Training run: stopping now that the server listens");
            server.stop();
            System.exit(0);
        }
    }

    /**
     * With {@code retention.schedule} and deletes on: the replica holding the Lease applies retention every interval.
     */
    private static AutoCloseable retentionSchedule(Retention retention) {
        RetentionSettings s = retention.settings();
        if (s.schedule() == null || !s.deletesEnabled()) {
            return () -> { };
        }
        RetentionSchedule schedule = RetentionSchedule.of(retention, s.schedule());
        String identity = System.getenv().getOrDefault("HOSTNAME", "catalog-" + ProcessHandle.current().pid());
        KubernetesLeaseElection election = KubernetesLeaseElection.fromEnvironment(s.leaseNamespace(), s.leaseName(),
                identity, schedule::lead, schedule::follow);
        LOGGER.info(() -> "Retention every " + s.schedule() + " by the holder of Lease " + s.leaseNamespace() + "/"
                + s.leaseName() + " (this replica: " + identity + ")");
        return () -> {
            election.close();
            schedule.close();
        };
    }

    /**
     * A server builder with the {@code server} configuration applied, plus what Helidon has no key for: the timeout
     * of request headers ({@link HeaderTimeout}, which keeps the configured HTTP/1.1 settings).
     *
     * @param serverConfig the {@code server} configuration node
     * @return the builder, for {@link #setup} and the port
     */
    static WebServerConfig.Builder server(Config serverConfig) {
        WebServerConfig.Builder builder = WebServer.builder().config(serverConfig);
        HeaderTimeout.install(builder, serverConfig);
        return builder;
    }

    /**
     * Everything but the port: observability feature and routing. Tests call it with their own catalog and runner.
     *
     * @param server  the server builder
     * @param catalog the catalog to serve
     * @param runner  the runner (its settings decide whether the Run form and Stop buttons exist)
     * @param guard   Host allow-list, sign-in and permission checks
     */
    static void setup(WebServerConfig.Builder server, Catalog catalog, Runner runner, Guard guard) {
        setup(server, catalog, runner, guard, RegistrySettings.DEFAULT_REQUEST_DEADLINE);
    }

    /**
     * {@link #setup(WebServerConfig.Builder, Catalog, Runner, Guard)} with the deadline of each page or API request.
     *
     * @param server          the server builder
     * @param catalog         the catalog to serve
     * @param runner          the runner
     * @param guard           Host allow-list, sign-in and permission checks
     * @param requestDeadline how long one request may wait for the registry ({@code registry.request-deadline})
     */
    static void setup(WebServerConfig.Builder server, Catalog catalog, Runner runner, Guard guard,
                      Duration requestDeadline) {
        setup(server, catalog, runner, guard, requestDeadline, Deleter.disabled());
    }

    /** {@link #setup(WebServerConfig.Builder, Catalog, Runner, Guard, Duration)} with the delete use cases. */
    static void setup(WebServerConfig.Builder server, Catalog catalog, Runner runner, Guard guard,
                      Duration requestDeadline, Deleter deleter) {
        setup(server, catalog, runner, guard, requestDeadline, deleter, catalog instanceof RegistryCatalog indexed
                ? indexed.retention(ImagesInUse.NONE, RetentionSettings.none()) : null);
    }

    /** {@link #setup(WebServerConfig.Builder, Catalog, Runner, Guard, Duration)} with retention's page and API. */
    static void setup(WebServerConfig.Builder server, Catalog catalog, Runner runner, Guard guard,
                      Duration requestDeadline, Retention retention) {
        setup(server, catalog, runner, guard, requestDeadline, Deleter.disabled(), retention);
    }

    /**
     * {@link #setup(WebServerConfig.Builder, Catalog, Runner, Guard, Duration)} with the delete use cases and
     * retention's page and API.
     *
     * @param deleter   Untag and Delete image ({@link Deleter#disabled()}: no buttons, the API answers 403)
     * @param retention retention over the catalog's index, {@code null} for none (no routes)
     */
    static void setup(WebServerConfig.Builder server, Catalog catalog, Runner runner, Guard guard,
                      Duration requestDeadline, Deleter deleter, Retention retention) {
        // a read-only catalog's header leaves out the node and run pages: they could only answer 403; without a
        // cluster, sign-in too (the cluster reviews tokens) and its page says why
        String noCluster = runner.settings().noCluster();
        Templates templates = new Templates(runner.settings().enabled(), noCluster.isEmpty() ? Guard.FRAME
                : PageFrame.withoutSignIn(Guard.FRAME, noCluster));
        server.featuresDiscoverServices(false)
                .directHandlers(RequestLimits.directHandlers(templates, server.maxPayloadSize()))
                .addFeature(observe(catalog))
                .addFeature(openApi())
                .routing(routing -> routes(routing, templates, catalog, runner, guard, requestDeadline, deleter,
                                           retention));
    }

    /**
     * Every route of the service ({@link #setup} installs them; {@code OpenApiRoutesTest} enumerates them through a
     * recording builder to compare {@code /api} with {@value #OPENAPI_FILE}).
     */
    static void routes(HttpRouting.Builder routing, Templates templates, Catalog catalog, Runner runner, Guard guard,
                       Duration requestDeadline, Deleter deleter, Retention retention) {
        routing(routing, templates, catalog, runner, guard, requestDeadline, deleter);
        if (retention != null) {
            routing.register("/api", new RetentionApi(retention))
                    .register(new RetentionPages(retention, templates));
        }
    }

    /**
     * {@code GET /openapi}: the static description of {@code /api} ({@value #OPENAPI_FILE}), YAML or JSON by
     * {@code Accept}. A feature of the same routing, so the Guard's Host check and sign-in policy apply to it as to
     * any catalog read.
     */
    static OpenApiFeature openApi() {
        return OpenApiFeature.builder().staticFile(OPENAPI_FILE).build();
    }

    /**
     * The routes: pages, {@code /api}, {@code /static} and the error mapping, each request waiting at most
     * {@code requestDeadline} for the registry (then 504).
     *
     * @param routing         the routing builder
     * @param templates       the application's templates (one configuration and page cache for all)
     * @param catalog         the catalog to serve
     * @param runner          the runner
     * @param guard           the first filter of every request
     * @param requestDeadline how long one request may wait for the registry
     * @param deleter         the delete use cases
     */
    private static void routing(HttpRouting.Builder routing, Templates templates, Catalog catalog, Runner runner,
                                Guard guard, Duration requestDeadline, Deleter deleter) {
        routing.addFilter(new RequestDeadlineFilter(requestDeadline));
        ErrorHandling.register(routing, templates);
        RequestLimits.register(routing);
        guard.register(routing, templates);
        CatalogPages catalogPages = new CatalogPages(catalog, templates, new RunForm(runner),
                new DeleteButtons(deleter.settings()));
        routing.register("/static", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                        .location("static")
                        .build()))
                // the delete routes first: they take only their own addresses below /repositories and pass the rest on
                .register("/api", new DeletionApi(deleter))
                .register("/api", new RunApi(runner))
                .register("/api", new CompareApi(catalog))
                .register("/api", new CatalogApi(catalog))
                .register("/api", new IndexApi(catalog, catalog instanceof RegistryCatalog indexed ? indexed : null))
                .register(new DeletionPages(deleter, templates))
                .register(new RunPages(runner, templates, catalogPages))
                .register(new ComparePages(catalog, templates))
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
