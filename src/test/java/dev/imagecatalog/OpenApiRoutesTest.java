package dev.imagecatalog;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import dev.imagecatalog.auth.AccessReviews;
import dev.imagecatalog.auth.AddressSet;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.lifecycle.Deleter;
import dev.imagecatalog.catalog.lifecycle.ImagesInUse;
import dev.imagecatalog.catalog.lifecycle.RetentionSettings;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.http.Templates;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpSecurity;
import io.helidon.webserver.http.HttpService;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI description ({@code META-INF/openapi.yml}) names exactly the routes the service registers under
 * {@code /api}: the routes are taken from the real routing ({@link Main#routes}, what {@link Main#setup} installs),
 * built into a builder that records each method and path pattern instead of serving them — so a route added in
 * code and not described (or described and not there) fails here, without a hand-kept list of routes.
 */
class OpenApiRoutesTest {

    /**
     * The one place where description paths and code patterns differ: a repository name may contain {@code /}, so
     * everything below {@code /api/repositories/<name>} is one Helidon wildcard route per method, whose handlers
     * ({@code CatalogApi}, {@code RunApi}, {@code DeletionApi}) split the rest with {@code RepositoryPath}. Each
     * OpenAPI path listed here is served by that wildcard; that each really answers is shown by
     * {@code OpenApiSchemaIT}, which calls every one of them.
     */
    private static final Map<String, String> WILDCARD = Map.of(
            "/api/repositories/{name}/tags", "/api/repositories/*",
            "/api/repositories/{name}/tags/{tag}", "/api/repositories/*",
            "/api/repositories/{name}/tags/{tag}/nodes", "/api/repositories/*",
            "/api/repositories/{name}/tags/{tag}/deletion", "/api/repositories/*",
            "/api/repositories/{name}/compare", "/api/repositories/*",
            "/api/repositories/{name}/attached/{digest}", "/api/repositories/*");

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    @Test
    void everyApiRouteIsDescribed_andTheDescriptionNamesNoRouteThatDoesNotExist() {
        Set<String> registered = registeredApiRoutes();
        Set<String> described = describedRoutes();

        assertThat(registered).as("routes registered under /api (sanity: the recorder saw the real routing)")
                .contains("GET /api/status", "POST /api/runs", "DELETE /api/repositories/*",
                        "POST /api/sessions/signed-out");
        assertThat(new TreeSet<>(described)).as("described in META-INF/openapi.yml")
                .isEqualTo(new TreeSet<>(registered));
    }

    /** {@code "GET /api/status"}, …: every route below {@code /api} of the real routing. */
    private static Set<String> registeredApiRoutes() {
        Recorder recorder = new Recorder("", new ArrayList<>());
        AuthSettings auth = new AuthSettings(AuthMode.NONE, false, null, null, AddressSet.none(), null,
                "openapi-routes-test-session-key-0123456789", List.of());
        // never started: registering routes asks neither the registry nor a cluster
        try (RegistryCatalog catalog = RegistryCatalog.create(RegistrySettings.of(URI.create("http://127.0.0.1:9"),
                "localhost:5000"))) {
            Runner runner = Runner.create(catalog, () -> {
                throw new AssertionError("registering routes must not create the cluster adapter");
            }, new RunSettings(true, "runs", Duration.ofHours(1)));
            Guard guard = Guard.create(auth, AccessReviews.deferred(() -> {
                throw new AssertionError("registering routes must not review access");
            }));
            Main.routes(recorder, new Templates(true, Guard.FRAME), catalog, runner, guard,
                    RegistrySettings.DEFAULT_REQUEST_DEADLINE, Deleter.disabled(),
                    catalog.retention(ImagesInUse.NONE, RetentionSettings.none()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // a route whose pattern cannot be read could be below /api, unless its service sits under another prefix
        // (the static files' "any path" below /static)
        assertThat(recorder.unreadable).as("routes below / or /api registered without a readable path pattern")
                .allSatisfy(r -> assertThat(r).doesNotStartWith(" ").doesNotStartWith("/api"));
        Set<String> api = new TreeSet<>();
        for (String route : recorder.routes) {
            String path = route.substring(route.indexOf(' ') + 1);
            if (path.equals("/api") || path.startsWith("/api/")) {
                api.add(route);
            }
        }
        return api;
    }

    /** The description's operations as code patterns: {@code "GET /api/repositories/*"}, {@code "GET /api/status"}. */
    @SuppressWarnings("unchecked")
    private static Set<String> describedRoutes() {
        Map<String, Object> doc;
        try (InputStream in = OpenApiRoutesTest.class.getClassLoader().getResourceAsStream(Main.OPENAPI_FILE)) {
            assertThat(in).as(Main.OPENAPI_FILE + " on the classpath").isNotNull();
            doc = new Yaml().load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Set<String> routes = new TreeSet<>();
        ((Map<String, Map<String, Object>>) doc.get("paths")).forEach((path, item) -> {
            String pattern = WILDCARD.getOrDefault(path, path);
            item.keySet().stream().filter(HTTP_METHODS::contains)
                    .forEach(m -> routes.add(m.toUpperCase(Locale.ROOT) + " " + pattern));
        });
        return routes;
    }

    /**
     * A routing builder that records {@code METHOD /full/path/pattern} for each route instead of serving it.
     * Services registered under a prefix are walked with a recorder for that prefix, as Helidon does.
     */
    private static final class Recorder implements HttpRouting.Builder {

        private final String prefix;
        private final List<String> routes;
        private final List<String> unreadable = new ArrayList<>();

        Recorder(String prefix, List<String> routes) {
            this.prefix = prefix;
            this.routes = routes;
        }

        @Override
        public HttpRouting.Builder register(HttpService... services) {
            for (HttpService service : services) {
                service.routing(this);
            }
            return this;
        }

        @Override
        public HttpRouting.Builder register(String path, HttpService... services) {
            Recorder nested = new Recorder(prefix + path, routes);
            for (HttpService service : services) {
                service.routing(nested);
            }
            unreadable.addAll(nested.unreadable);
            return this;
        }

        @Override
        public HttpRouting.Builder route(Method method, String pathPattern, Handler handler) {
            routes.add(method.text() + " " + prefix + pathPattern);
            return this;
        }

        @Override
        public HttpRouting.Builder any(String pathPattern, Handler... handlers) {
            routes.add("ANY " + prefix + pathPattern);
            return this;
        }

        @Override
        public HttpRouting.Builder route(HttpRoute route) {
            unreadable.add(prefix + " " + route);
            return this;
        }

        @Override
        public HttpRouting.Builder route(Method method, PathMatcher pathMatcher, Handler handler) {
            unreadable.add(prefix + " " + pathMatcher);
            return this;
        }

        @Override
        public HttpRouting.Builder route(java.util.function.Predicate<Method> methodPredicate, PathMatcher pathMatcher,
                                         Handler handler) {
            unreadable.add(prefix + " " + pathMatcher);
            return this;
        }

        @Override
        public HttpRouting.Builder addFilter(Filter filter) {
            return this;
        }

        @Override
        public HttpRouting.Builder addFeature(Supplier<? extends HttpFeature> feature) {
            return this;
        }

        @Override
        public <T extends Throwable> HttpRouting.Builder error(Class<T> exceptionClass,
                                                               ErrorHandler<? super T> handler) {
            return this;
        }

        @Override
        public HttpRouting.Builder maxReRouteCount(int maxReRouteCount) {
            return this;
        }

        @Override
        public HttpRouting.Builder security(HttpSecurity security) {
            return this;
        }

        @Override
        public HttpRouting.Builder copy() {
            throw new UnsupportedOperationException("a recorder is not copied");
        }

        @Override
        public HttpRouting build() {
            throw new UnsupportedOperationException("a recorder builds nothing");
        }
    }
}
