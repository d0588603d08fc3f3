package dev.imagecatalog.web.lifecycle;

import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.catalog.lifecycle.Deleter;
import dev.imagecatalog.catalog.lifecycle.DeletionOutcome;
import dev.imagecatalog.catalog.lifecycle.DeletionPlan;
import dev.imagecatalog.web.access.Csrf;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.http.Json;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The delete API, registered under {@code /api} before the catalog's own {@code /repositories} routes.
 * <ul>
 *     <li>{@code curl 'localhost:8080/api/repositories/team-a/app/tags/v1/deletion?mode=image'} → the preview
 *     {@code {"repository","tag","digest","mode","tags","children","attestations","sidecars","manifests",
 *     "inUse":[{"namespace","pod","node"}],"freedBytes","sharedBytes","throwAwayBytes","leavesUntagged","caveats"}}</li>
 *     <li>{@code curl -X DELETE 'localhost:8080/api/repositories/team-a/app/tags/v1?digest=sha256:…&mode=image'} →
 *     {@code {"repository","tag","digest","mode","deleted":{"tags","manifests"},"freedBytes","technique"}}; 409 when
 *     the tag no longer names that digest (nothing deleted)</li>
 * </ul>
 * Both need {@code delete repositories.imagecatalog.dev <name>} (403 naming it) and deletes enabled
 * ({@code registry.delete.enabled}; off: 403 saying so); the DELETE passes {@link Csrf#checkApi}.
 */
public final class DeletionApi implements HttpService {

    private static final String DELETION = "/deletion";

    private final Deleter deleter;

    /** Over the delete use cases. */
    public DeletionApi(Deleter deleter) {
        this.deleter = deleter;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/repositories/*", this::preview)
                .delete("/repositories/*", this::delete);
    }

    private void preview(ServerRequest req, ServerResponse res) {
        if (!DeletionTarget.addresses(req, DELETION)) {
            res.next();
            return;
        }
        deleter.requireEnabled();
        DeletionTarget target = DeletionTarget.of(req, DELETION, req.query().first("mode").orElse(null));
        Guard.viewer(req).require(Permission.deleteRepository(target.repository()));
        DeletionPlan plan = deleter.preview(target.repository(), target.tag(), target.mode());
        Json.send(res, Status.OK_200, DeletionJson.preview(plan));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Csrf.checkApi(req, false);
        deleter.requireEnabled();
        DeletionTarget target = DeletionTarget.of(req, "", req.query().first("mode").orElse(null));
        String digest = DeletionTarget.digest(req.query().first("digest").orElse(null));
        Guard.viewer(req).require(Permission.deleteRepository(target.repository()));
        DeletionOutcome outcome = deleter.delete(target.repository(), target.tag(), digest, target.mode());
        Json.send(res, Status.OK_200, DeletionJson.outcome(outcome));
    }
}
