package dev.imagecatalog.web.lifecycle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.lifecycle.DeletionOutcome;
import dev.imagecatalog.catalog.lifecycle.DeletionPlan;
import dev.imagecatalog.catalog.lifecycle.DeletionPreview;
import dev.imagecatalog.catalog.lifecycle.PodUse;

/** The JSON documents of the delete API. */
final class DeletionJson {

    private DeletionJson() {
    }

    /** The preview: what goes, the pods using it, the bytes freed and kept. */
    static Map<String, Object> preview(DeletionPlan plan) {
        DeletionPreview p = plan.preview();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("repository", p.repository());
        json.put("tag", p.tag());
        json.put("digest", p.digest());
        json.put("mode", p.mode().apiName());
        json.put("tags", p.tags());
        json.put("children", p.children());
        json.put("attestations", p.attestations());
        json.put("sidecars", p.sidecars());
        json.put("manifests", p.manifests());
        json.put("inUse", pods(plan.inUse()));
        if (plan.inUseError() != null) {
            json.put("inUseError", plan.inUseError());
        }
        json.put("freedBytes", p.freedBytes());
        json.put("sharedBytes", p.sharedBytes());
        json.put("throwAwayBytes", p.throwAwayBytes());
        json.put("leavesUntagged", p.leavesUntagged());
        json.put("caveats", p.caveats());
        return json;
    }

    /** What a delete did. */
    static Map<String, Object> outcome(DeletionOutcome outcome) {
        DeletionPreview p = outcome.preview();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("repository", p.repository());
        json.put("tag", p.tag());
        json.put("digest", p.digest());
        json.put("mode", p.mode().apiName());
        Map<String, Object> deleted = new LinkedHashMap<>();
        deleted.put("tags", p.tags());
        deleted.put("manifests", outcome.deleted());
        json.put("deleted", deleted);
        json.put("freedBytes", p.freedBytes());
        json.put("technique", outcome.technique() == null ? "manifest-delete"
                : outcome.technique().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        return json;
    }

    static List<Map<String, Object>> pods(List<PodUse> pods) {
        return pods.stream().map(u -> {
            Map<String, Object> pod = new LinkedHashMap<>();
            pod.put("namespace", u.namespace());
            pod.put("pod", u.pod());
            pod.put("node", u.node());
            return pod;
        }).toList();
    }
}
