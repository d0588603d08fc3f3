package dev.imagecatalog.web;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.RepositorySort;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The catalog's JSON API, registered under {@code /api}.
 * <ul>
 *     <li>{@code curl 'localhost:8080/api/repositories?q=team&sort=size'} → {@code {"repositories":[{"name":"team-a/app",
 *     "tagCount","size","newestCreated","platforms"}],"total":{"repositories","tags","size"}}}</li>
 *     <li>{@code curl localhost:8080/api/repositories/team-a/app/tags} → {@code {"repository":…,"tags":[…]}}</li>
 *     <li>{@code curl localhost:8080/api/repositories/team-a/app/tags/v1} → the tag with layers, history, labels</li>
 * </ul>
 * Errors answer {@code {"error":"…"}} with the matching status (see {@link ErrorHandling}).
 */
public final class CatalogApi implements HttpService {

    private static final String PREFIX = "/repositories/";

    private final Catalog catalog;

    /**
     * @param catalog the catalog use cases
     */
    public CatalogApi(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/repositories", this::repositories)
                .get("/repositories/*", this::repositoryPath);
    }

    private void repositories(ServerRequest req, ServerResponse res) {
        String q = req.query().first("q").orElse("").trim();
        send(res, Status.OK_200, ApiJson.repositories(catalog.overview(q, sort(req))));
    }

    private void repositoryPath(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().path();
        RepositoryPath target = RepositoryPath.parse(path.substring(path.indexOf(PREFIX) + PREFIX.length()), true);
        if (target.tagList()) {
            send(res, Status.OK_200, ApiJson.tags(target.repository(), catalog.tags(target.repository())));
        } else if (target.tag() != null) {
            send(res, Status.OK_200, ApiJson.detail(catalog.tag(target.repository(), target.tag())));
        } else {
            throw WebException.notFound("No such endpoint: use /api/repositories/" + target.repository()
                    + "/tags or /api/repositories/" + target.repository() + "/tags/<tag>.");
        }
    }

    /** {@code ?sort=name|size|newest|tags}; 400 for anything else. */
    static RepositorySort sort(ServerRequest req) {
        String value = req.query().first("sort").orElse("");
        RepositorySort sort = RepositorySort.parse(value);
        if (sort == null) {
            throw WebException.badRequest("Unknown sort \"" + value + "\": use name, size, newest or tags.");
        }
        return sort;
    }

    /** Writes a JSON document with a status. */
    static void send(ServerResponse res, Status status, Object document) {
        res.status(status);
        res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json"));
        res.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        res.send(ApiJson.write(document));
    }
}
