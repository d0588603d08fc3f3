package dev.imagecatalog.web.lifecycle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.lifecycle.RetentionOutcome;
import dev.imagecatalog.catalog.lifecycle.RetentionPlan;

/** The JSON documents of {@code /api/retention}. */
final class RetentionJson {

    private RetentionJson() {
    }

    /**
     * {@code {"plan","repositories":[{"name","delete":[{"tag","digest","reason"}],"keep":[…]}],"freedBytes",
     * "notPermitted":[…]}}.
     */
    static Map<String, Object> plan(RetentionPlan plan, List<String> notPermitted) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("plan", plan.id());
        doc.put("repositories", plan.repositories().stream().map(r -> {
            Map<String, Object> repo = new LinkedHashMap<>();
            repo.put("name", r.name());
            repo.put("delete", r.delete().stream().map(RetentionJson::decision).toList());
            repo.put("keep", r.keep().stream().map(RetentionJson::decision).toList());
            return repo;
        }).toList());
        doc.put("freedBytes", plan.freedBytes());
        doc.put("notPermitted", notPermitted);
        return doc;
    }

    /** A 409: the reason, then the plan as it is now. */
    static Map<String, Object> changed(String error, RetentionPlan current, List<String> notPermitted) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", error);
        doc.putAll(plan(current, notPermitted));
        return doc;
    }

    /** {@code {"plan","deleted":[{"repository","tag","digest"}],"skipped":[{…,"reason"}],"freedBytes"}}. */
    static Map<String, Object> outcome(RetentionOutcome outcome) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("plan", outcome.plan().id());
        doc.put("deleted", outcome.deleted().stream().map(d -> Map.of("repository", d.repository(), "tag", d.tag(),
                "digest", d.digest())).toList());
        doc.put("skipped", outcome.skipped().stream().map(s -> Map.of("repository", s.repository(), "tag", s.tag(),
                "digest", s.digest(), "reason", s.reason())).toList());
        doc.put("freedBytes", outcome.freedBytes());
        return doc;
    }

    private static Map<String, String> decision(RetentionPlan.Decision d) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("tag", d.tag());
        m.put("digest", d.digest());
        m.put("reason", d.reason());
        return m;
    }
}
