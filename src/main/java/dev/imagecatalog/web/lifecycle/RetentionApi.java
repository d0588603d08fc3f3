package dev.imagecatalog.web.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.imagecatalog.catalog.lifecycle.PlanChangedException;
import dev.imagecatalog.catalog.lifecycle.Retention;
import dev.imagecatalog.catalog.lifecycle.RetentionOutcome;
import dev.imagecatalog.catalog.lifecycle.RetentionPlan;
import dev.imagecatalog.web.access.Csrf;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.access.Viewer;
import dev.imagecatalog.web.http.Json;
import dev.imagecatalog.web.http.WebException;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Retention's JSON API, registered under {@code /api}:
 * <ul>
 *     <li>{@code curl localhost:8080/api/retention} → the dry run {@code {"plan":"<id>","repositories":[{"name",
 *     "delete":[{"tag","digest","reason"}],"keep":[…]}],"freedBytes","notPermitted":[…]}}</li>
 *     <li>{@code curl -H 'Content-Type: application/json' -d '{"plan":"<id>"}' localhost:8080/api/retention/apply}
 *     → 200 {@code {"deleted":[{"repository","tag","digest"}],"skipped":[…],"freedBytes"}}; 409 with the new plan
 *     when it is not the one with that id (nothing deleted); 403 naming every repository the caller may not delete
 *     from (nothing deleted)</li>
 * </ul>
 * Both answer 403 while {@code registry.delete.enabled} is off.
 */
public final class RetentionApi implements HttpService {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_PLAN_ID = 128;

    private final Retention retention;

    /**
     * @param retention the retention use case
     */
    public RetentionApi(Retention retention) {
        this.retention = retention;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/retention", this::dryRun)
                .post("/retention/apply", this::apply);
    }

    private void dryRun(ServerRequest req, ServerResponse res) {
        RetentionAccess.requireEnabled(retention);
        RetentionPlan plan = retention.plan();
        Json.send(res, Status.OK_200, RetentionJson.plan(plan, RetentionAccess.notPermitted(Guard.viewer(req),
                plan)));
    }

    private void apply(ServerRequest req, ServerResponse res) {
        RetentionAccess.requireEnabled(retention);
        Csrf.checkApi(req, true);
        String id = planId(req.content().hasEntity() ? req.content().as(String.class) : "");
        Viewer viewer = Guard.viewer(req);
        RetentionPlan plan = retention.plan();
        if (!plan.id().equals(id)) {
            conflict(res, viewer, "The plan changed since " + id + " was shown: nothing was deleted; this is the plan"
                    + " now.", plan);
            return;
        }
        RetentionAccess.requireAll(viewer, plan);
        RetentionOutcome outcome;
        try {
            outcome = retention.apply(plan);
        } catch (PlanChangedException e) {
            conflict(res, viewer, e.getMessage(), e.current());
            return;
        }
        Json.send(res, Status.OK_200, RetentionJson.outcome(outcome));
    }

    private static void conflict(ServerResponse res, Viewer viewer, String message, RetentionPlan current) {
        Json.send(res, Status.CONFLICT_409, RetentionJson.changed(message, current,
                RetentionAccess.notPermitted(viewer, current)));
    }

    /** The {@code plan} of {@code {"plan":"<id>"}}; anything else is a 400 with the reason. */
    static String planId(String body) {
        JsonNode doc;
        try {
            doc = MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw WebException.badRequest("The body must be JSON: {\"plan\":\"<id from GET /api/retention>\"}.");
        }
        JsonNode plan = doc == null ? null : doc.get("plan");
        if (plan == null || !plan.isTextual() || plan.asText().isBlank() || plan.asText().length() > MAX_PLAN_ID) {
            throw WebException.badRequest("\"plan\" is required: the id GET /api/retention answered.");
        }
        return plan.asText();
    }
}
