package dev.imagecatalog.web.lifecycle;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.catalog.lifecycle.Deleter;
import dev.imagecatalog.catalog.lifecycle.DeletionMode;
import dev.imagecatalog.catalog.lifecycle.DeletionOutcome;
import dev.imagecatalog.catalog.lifecycle.DeletionPlan;
import dev.imagecatalog.catalog.lifecycle.DeletionPreview;
import dev.imagecatalog.web.access.Csrf;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.catalog.Links;
import dev.imagecatalog.web.http.Formats;
import dev.imagecatalog.web.http.Forms;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.Templates;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The delete pages, registered before the catalog's and the runs' {@code /repositories} routes.
 * <ul>
 *     <li>{@code GET /repositories/<name>/tags/<tag>/delete?mode=untag|image} — the preview: tags, index children,
 *     attestations and sidecars that go, pods that use it, bytes freed and kept, and a confirm form</li>
 *     <li>{@code POST} to the same address (CSRF token, the previewed digest, the mode) — deletes exactly what was
 *     previewed and shows what went; 409 when the tag moved meanwhile (nothing deleted)</li>
 * </ul>
 * Both need deletes enabled and {@code delete repositories.imagecatalog.dev <name>} (403 pages naming it).
 */
public final class DeletionPages implements HttpService {

    private static final String DELETE = "/delete";

    private final Deleter deleter;
    private final Templates templates;

    /**
     * @param deleter   the delete use cases
     * @param templates the application's templates
     */
    public DeletionPages(Deleter deleter, Templates templates) {
        this.deleter = deleter;
        this.templates = templates;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/repositories/*", this::preview)
                .post("/repositories/*", this::confirm);
    }

    /** The address of the preview page of a tag. */
    static String href(String repository, String tag, DeletionMode mode) {
        return Links.tag(repository, tag) + DELETE + "?mode=" + mode.apiName();
    }

    private void preview(ServerRequest req, ServerResponse res) {
        if (!DeletionTarget.addresses(req, DELETE)) {
            res.next();
            return;
        }
        deleter.requireEnabled();
        DeletionTarget target = DeletionTarget.of(req, DELETE, req.query().first("mode").orElse(null));
        Guard.viewer(req).require(Permission.deleteRepository(target.repository()));
        DeletionPlan plan = deleter.preview(target.repository(), target.tag(), target.mode());
        Map<String, Object> model = common(target);
        DeletionPreview p = plan.preview();
        model.put("title", (target.mode() == DeletionMode.UNTAG ? "Untag " : "Delete ") + target.repository() + ":"
                           + target.tag() + "?");
        model.put("digest", p.digest());
        model.put("tags", p.tags());
        model.put("children", p.children());
        model.put("attestations", p.attestations());
        model.put("sidecars", p.sidecars());
        model.put("pods", DeletionJson.pods(plan.inUse()).stream().map(pod -> {
            Map<String, Object> row = new LinkedHashMap<>(pod);
            row.put("node", pod.get("node") == null ? "" : pod.get("node"));
            return row;
        }).toList());
        model.put("inUseError", plan.inUseError() == null ? "" : plan.inUseError());
        model.put("freed", bytes(p.freedBytes()));
        model.put("shared", bytes(p.sharedBytes()));
        model.put("throwAway", p.throwAwayBytes() == 0 ? "" : bytes(p.throwAwayBytes()));
        model.put("leavesUntagged", p.leavesUntagged());
        model.put("caveats", p.caveats());
        model.put("token", Csrf.issue(req, res));
        model.put("action", href(target.repository(), target.tag(), target.mode()));
        Html.send(res, templates.render("deletion.ftlh", model));
    }

    private void confirm(ServerRequest req, ServerResponse res) {
        if (!DeletionTarget.addresses(req, DELETE)) {
            res.next();
            return;
        }
        Map<String, String> form = Forms.read(req);
        Csrf.checkForm(req, form.get(Csrf.NAME));
        deleter.requireEnabled();
        DeletionTarget target = DeletionTarget.of(req, DELETE, form.get("mode"));
        String digest = DeletionTarget.digest(form.get("digest"));
        Guard.viewer(req).require(Permission.deleteRepository(target.repository()));
        DeletionOutcome outcome = deleter.delete(target.repository(), target.tag(), digest, target.mode());
        Map<String, Object> model = common(target);
        DeletionPreview p = outcome.preview();
        model.put("title", (target.mode() == DeletionMode.UNTAG ? "Untagged " : "Deleted ") + target.repository()
                           + ":" + target.tag());
        model.put("digest", p.digest());
        model.put("tags", p.tags());
        model.put("manifests", outcome.deleted());
        model.put("freed", bytes(p.freedBytes()));
        model.put("technique", outcome.technique() == null ? "deleted by digest (DELETE /v2/<name>/manifests/<digest>)"
                : switch (outcome.technique()) {
                    case TAG_DELETE -> "the registry deleted the tag itself (DELETE /v2/<name>/manifests/<tag>)";
                    case THROW_AWAY_MANIFEST -> "the tag was pointed at a throw-away manifest, which was then deleted"
                                                + " by digest (Distribution 2.8 cannot delete a tag alone)";
                });
        Html.send(res, templates.render("deleted.ftlh", model));
    }

    private static Map<String, Object> common(DeletionTarget target) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("repository", target.repository());
        model.put("repositoryHref", Links.repository(target.repository()));
        model.put("tag", target.tag());
        model.put("tagHref", Links.tag(target.repository(), target.tag()));
        model.put("mode", target.mode().apiName());
        model.put("untag", target.mode() == DeletionMode.UNTAG);
        return model;
    }

    /** Binary units as on every page, with the exact count for the tooltip. */
    private static Map<String, String> bytes(long bytes) {
        return Map.of("text", Formats.size(bytes), "exact", Formats.exactBytes(bytes));
    }
}
