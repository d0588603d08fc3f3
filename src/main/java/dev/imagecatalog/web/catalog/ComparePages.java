package dev.imagecatalog.web.catalog;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.Comparison;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.Templates;
import dev.imagecatalog.web.http.WebException;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The compare page, registered before {@link CatalogPages} (it takes only compare addresses):
 * {@code curl 'localhost:8080/repositories/team-a/app/compare?from=v1&to=v2[&toRepository=team-b/app]'} — per
 * platform the layers shared, added and removed with sizes, the size change, the config fields that differ and the
 * history steps added. The tag page's "Compare with…" form ({@link CompareControl}) leads here.
 */
public final class ComparePages implements HttpService {

    private final Catalog catalog;
    private final Templates templates;

    /**
     * @param catalog   the catalog use cases
     * @param templates the application's templates
     */
    public ComparePages(Catalog catalog, Templates templates) {
        this.catalog = catalog;
        this.templates = templates;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/repositories/*", this::page);
    }

    /** The comparison, 400 when a side is not an image (an artifact has no platforms to compare). */
    static Comparison compare(Catalog catalog, CompareRequest request) {
        Comparison c = catalog.compare(request.fromRepository(), request.from(), request.toRepository(), request.to());
        for (Comparison.Side side : java.util.List.of(c.from(), c.to())) {
            if (!side.image()) {
                throw WebException.badRequest(side.repository() + ":" + side.tag() + " is a "
                        + side.kind().label() + ", not an image: only images can be compared.");
            }
        }
        return c;
    }

    private void page(ServerRequest req, ServerResponse res) {
        if (!CompareRequest.addresses(req) || CompareRequest.bare(req) && wholePathIsRepository(req)) {
            res.next();
            return;
        }
        CompareRequest request = CompareRequest.of(req);
        Comparison c = compare(catalog, request);
        Map<String, Object> model = new LinkedHashMap<>();
        String from = c.from().repository() + ":" + c.from().tag();
        String to = c.to().repository() + ":" + c.to().tag();
        model.put("title", "Compare " + from + " \u2192 " + to);
        model.put("repository", request.fromRepository());
        model.put("repositoryHref", Links.repository(request.fromRepository()));
        model.put("from", CompareViews.side(c.from()));
        model.put("to", CompareViews.side(c.to()));
        model.put("sameRepository", request.fromRepository().equals(request.toRepository()));
        model.put("action", href(request.fromRepository()));
        model.put("toRepository", request.fromRepository().equals(request.toRepository()) ? ""
                : request.toRepository());
        model.put("swapHref", swapHref(request));
        model.put("platforms", CompareViews.platforms(c));
        Html.send(res, Status.OK_200, templates.render("compare.ftlh", model));
    }

    /** {@code /repositories/team-a/app/compare}. */
    static String href(String repository) {
        return Links.repository(repository) + CompareRequest.SUFFIX;
    }

    /** The same comparison the other way round (names and tags are URL-safe by their grammar). */
    private static String swapHref(CompareRequest r) {
        return href(r.toRepository()) + "?from=" + r.to() + "&to=" + r.from()
               + (r.toRepository().equals(r.fromRepository()) ? "" : "&toRepository=" + r.fromRepository());
    }

    /** Whether a repository is literally named by the whole path ({@code …/compare}): its page, not a compare. */
    private boolean wholePathIsRepository(ServerRequest req) {
        String path = req.path().absolute().path();
        String whole = path.substring(path.indexOf("/repositories/") + "/repositories/".length());
        if (!RepositoryPath.isRepositoryName(whole)) {
            return false;
        }
        try {
            catalog.tags(whole);
            return true;
        } catch (RegistryException e) {
            return false;
        }
    }
}
