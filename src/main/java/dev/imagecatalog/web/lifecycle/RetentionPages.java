package dev.imagecatalog.web.lifecycle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.lifecycle.PlanChangedException;
import dev.imagecatalog.catalog.lifecycle.Retention;
import dev.imagecatalog.catalog.lifecycle.RetentionOutcome;
import dev.imagecatalog.catalog.lifecycle.RetentionPlan;
import dev.imagecatalog.web.access.Csrf;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.access.Viewer;
import dev.imagecatalog.web.http.Formats;
import dev.imagecatalog.web.http.Forms;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.Templates;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /retention}: the dry run per repository — what goes and what stays, each with its reason — the bytes
 * freed in total and the repositories the viewer may not delete from; {@code POST /retention} (the page's form, with
 * its CSRF token and the plan id shown) applies exactly that plan, or shows the new one when it changed.
 */
public final class RetentionPages implements HttpService {

    private final Retention retention;
    private final Templates templates;

    /**
     * @param retention the retention use case
     * @param templates the application's templates
     */
    public RetentionPages(Retention retention, Templates templates) {
        this.retention = retention;
        this.templates = templates;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/retention", this::page)
                .post("/retention", this::apply);
    }

    private void page(ServerRequest req, ServerResponse res) {
        Map<String, Object> model = model();
        if (retention.settings().deletesEnabled()) {
            plan(model, req, res, retention.plan());
        }
        Html.send(res, templates.render("retention.ftlh", model));
    }

    private void apply(ServerRequest req, ServerResponse res) {
        Map<String, String> form = Forms.read(req);
        Csrf.checkForm(req, form.get(Csrf.NAME));
        RetentionAccess.requireEnabled(retention);
        Viewer viewer = Guard.viewer(req);
        Map<String, Object> model = model();
        RetentionPlan plan = retention.plan();
        String id = form.getOrDefault("plan", "");
        if (!plan.id().equals(id)) {
            model.put("notice", "The plan changed since you saw it: nothing was deleted. Review the plan below.");
            plan(model, req, res, plan);
            Html.send(res, Status.CONFLICT_409, templates.render("retention.ftlh", model));
            return;
        }
        RetentionAccess.requireAll(viewer, plan);
        try {
            RetentionOutcome outcome = retention.apply(plan);
            model.put("outcome", Map.of(
                    "deleted", outcome.deleted().stream().map(d -> Map.of("repository", d.repository(), "tag",
                            d.tag(), "digest", Formats.shortDigest(d.digest()))).toList(),
                    "skipped", outcome.skipped().stream().map(s -> Map.of("repository", s.repository(), "tag",
                            s.tag(), "reason", s.reason())).toList(),
                    "freed", Formats.size(outcome.freedBytes())));
            plan(model, req, res, retention.plan());
            Html.send(res, templates.render("retention.ftlh", model));
        } catch (PlanChangedException e) {
            model.put("notice", e.getMessage());
            plan(model, req, res, e.current());
            Html.send(res, Status.CONFLICT_409, templates.render("retention.ftlh", model));
        }
    }

    private Map<String, Object> model() {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Retention");
        model.put("enabled", retention.settings().deletesEnabled());
        model.put("disabled", RetentionAccess.DISABLED);
        model.put("ruleCount", retention.settings().rules().size());
        model.put("schedule", retention.settings().schedule() == null ? "" : retention.settings().schedule()
                .toString());
        return model;
    }

    private void plan(Map<String, Object> model, ServerRequest req, ServerResponse res, RetentionPlan plan) {
        List<String> notPermitted = RetentionAccess.notPermitted(Guard.viewer(req), plan);
        model.put("plan", Map.of(
                "id", plan.id(),
                "freed", Formats.size(plan.freedBytes()),
                "freedExact", Formats.exactBytes(plan.freedBytes()),
                "deletes", plan.repositories().stream().mapToInt(r -> r.delete().size()).sum(),
                "repositories", plan.repositories().stream().map(r -> Map.of(
                        "name", r.name(),
                        "delete", r.delete().stream().map(RetentionPages::row).toList(),
                        "keep", r.keep().stream().map(RetentionPages::row).toList(),
                        "permitted", !notPermitted.contains(r.name()))).toList()));
        model.put("notPermitted", notPermitted);
        model.put("token", Csrf.issue(req, res));
    }

    private static Map<String, String> row(RetentionPlan.Decision d) {
        return Map.of("tag", d.tag(), "digest", d.digest() == null ? "" : d.digest(),
                "short", d.digest() == null ? "" : Formats.shortDigest(d.digest()), "reason", d.reason());
    }
}
