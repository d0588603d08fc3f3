package dev.imagecatalog.web.catalog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.Overview;
import dev.imagecatalog.catalog.RepositorySort;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.web.http.Encoded;
import dev.imagecatalog.web.http.Json;
import dev.imagecatalog.web.http.WebException;

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
 *     <li>{@code curl 'localhost:8080/api/repositories/team-a/app/tags?sort=created'} → {@code {"repository":…,"tags":[…]}}:
 *     by name unless {@code sort=created} (newest first, then {@code latest}, SemVer descending, name) or
 *     {@code sort=size} (largest first)</li>
 *     <li>{@code curl localhost:8080/api/repositories/team-a/app/tags/v1} → the tag with layers, history, labels and
 *     what is attached ({@code "attached":[…]})</li>
 *     <li>{@code curl -OJ localhost:8080/api/repositories/team-a/app/attached/sha256:…} → an attached SBOM,
 *     attestation or signature payload as a download (see {@link AttachedDownload})</li>
 * </ul>
 * Errors answer {@code {"error":"…"}} with the matching status (see {@link ErrorHandling}).
 */
public final class CatalogApi implements HttpService {

    private static final String PREFIX = "/repositories/";
    private static final String ATTACHED = "/attached/";

    /** Listings larger than this are streamed and never kept. */
    private static final int REUSE_MAX_ROWS = 5_000;

    private final Catalog catalog;
    /**
     * The last listing answered and its bytes: most calls ask the same question of an index that has not changed
     * since, so an equal overview (same rows, same status) is answered with the same bytes instead of serialising
     * every row again.
     */
    private final AtomicReference<Answer> lastAnswer = new AtomicReference<>();

    /** An overview and its JSON. */
    private record Answer(Overview overview, Encoded json) {
    }

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
        // the overview is computed before the first byte, so a registry failure still answers with its status
        Overview overview = catalog.overview(q, sort(req));
        Answer previous = lastAnswer.get();
        // the catalog hands out the same overview while the index is unchanged: identity is the common case
        if (previous != null && (previous.overview() == overview || previous.overview().equals(overview))) {
            Json.send(req, res, previous.json());
            return;
        }
        if (overview.repositories().size() > REUSE_MAX_ROWS) {
            // a huge registry: written row by row, nothing kept (ten of these at once must not fill the heap)
            Json.stream(res, ApiJson.repositories(overview));
            return;
        }
        Encoded json = Encoded.of(Json.write(ApiJson.repositories(overview)).getBytes(StandardCharsets.UTF_8));
        lastAnswer.set(new Answer(overview, json));
        Json.send(req, res, json);
    }

    private void repositoryPath(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().path();
        String rest = path.substring(path.indexOf(PREFIX) + PREFIX.length());
        int attached = rest.lastIndexOf(ATTACHED);
        if (attached > 0) {
            AttachedDownload.send(res, catalog, rest.substring(0, attached),
                    rest.substring(attached + ATTACHED.length()));
            return;
        }
        RepositoryPath target = RepositoryPath.parse(rest, true);
        if (target.tagList()) {
            String repository = target.repository();
            // name order unless asked (a stable order for scripts); ?sort=created is the repository page's default
            Views.Sort sort = Views.Sort.parse(req.query().first("sort").orElse(null), Views.Sort.NAME);
            // tags first: it reads the repository on demand when the index has not yet, the attachments then come
            // from the same index
            List<TagSummary> tags = new ArrayList<>(catalog.tags(repository));
            tags.sort(sort.order());
            Json.send(res, Status.OK_200, ApiJson.tags(repository, tags, catalog.attachments(repository)));
        } else if (target.tag() != null) {
            var detail = catalog.tag(target.repository(), target.tag());
            Json.send(res, Status.OK_200, ApiJson.detail(detail,
                    catalog.attachments(target.repository()).toTag(detail.summary())));
        } else {
            throw WebException.notFound("No such endpoint: use /api/repositories/" + target.repository()
                    + "/tags or /api/repositories/" + target.repository() + "/tags/<tag>.");
        }
    }

    /** {@code ?sort=name|size|newest|tags}; 400 for anything else. */
    public static RepositorySort sort(ServerRequest req) {
        String value = req.query().first("sort").orElse("");
        RepositorySort sort = RepositorySort.parse(value);
        if (sort == null) {
            throw WebException.badRequest("Unknown sort \"" + value + "\": use name, size, newest or tags.");
        }
        return sort;
    }
}
