package dev.imagecatalog.web.catalog;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.web.http.Json;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Compare two tags, registered under {@code /api} before {@link CatalogApi} (it takes only compare addresses):
 * {@code curl 'localhost:8080/api/repositories/team-a/app/compare?from=v1&to=v2'} (and
 * {@code &toRepository=team-b/app} across repositories) → the document of {@link CompareJson}. 400 for a missing or
 * malformed name, 404 naming the side for an unknown repository or tag, 400 when a side is not an image.
 */
public final class CompareApi implements HttpService {

    private final Catalog catalog;

    /**
     * @param catalog the catalog use cases
     */
    public CompareApi(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/repositories/*", this::compare);
    }

    private void compare(ServerRequest req, ServerResponse res) {
        if (!CompareRequest.addresses(req)) {
            res.next();
            return;
        }
        Json.send(res, Status.OK_200, CompareJson.of(ComparePages.compare(catalog, CompareRequest.of(req))));
    }
}
