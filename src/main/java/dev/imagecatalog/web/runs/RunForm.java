package dev.imagecatalog.web.runs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.RunDefaults;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.runner.LaunchException;
import dev.imagecatalog.runner.NodeChoice;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.web.access.Csrf;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.access.Viewer;
import dev.imagecatalog.web.catalog.Links;
import dev.imagecatalog.web.catalog.TagRunSection;
import dev.imagecatalog.web.http.Formats;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The Run form on a tag page: for a runnable image with runs enabled, the nodes judged by the pre-flight with the
 * best one preselected, the image's run defaults, and a refused form's reasons next to its fields; for an anonymous
 * visitor only a sign-in prompt (the cluster decides who may run).
 */
public final class RunForm implements TagRunSection {

    private final Runner runner;

    /** Over the runner (node choices; its settings say whether runs are enabled). */
    public RunForm(Runner runner) {
        this.runner = runner;
    }

    @Override
    public void addTo(Map<String, Object> model, ServerRequest req, ServerResponse res, TagDetail detail,
                      Map<String, String> form, LaunchException error) {
        if (!detail.summary().runnable()) {
            return;
        }
        if (!runner.settings().enabled()) {
            // a runnable image the catalog will not run: say why (no cluster configured, or a read-only catalog)
            model.put("runsOff", runner.settings().offReason());
            return;
        }
        if (Guard.viewer(req).identity().isEmpty()) {
            // the cluster decides who may run: nothing of it is shown to an anonymous visitor
            model.put("signInToRun", true);
            model.put("signInNext", req.path().absolute().path());
        } else {
            model.put("run", runForm(req, res, detail, form, error));
            model.put("runAction", Links.tag(detail.repository(), detail.summary().name()));
        }
    }

    /** The Run form's model: nodes with whether they can run the image, values, token, error. */
    private Map<String, Object> runForm(ServerRequest req, ServerResponse res, TagDetail detail,
                                        Map<String, String> form, LaunchException error) {
        Map<String, Object> run = new LinkedHashMap<>();
        List<NodeChoice> choices = nodeChoices(req, detail, run, form);
        String chosen = form.getOrDefault("node", "");
        String selected = Preselection.of(choices, chosen);
        boolean chosenSelectable = choices.stream().anyMatch(c -> c.selectable() && c.node().name().equals(chosen));
        // a refused choice stays unchecked (its reason is next to the field): then nothing is said about it
        run.put("preselected", chosen.isEmpty() || chosenSelectable ? selected == null ? "" : selected : "");
        run.put("preselectedBecause", chosen.isEmpty() || chosenSelectable ? Preselection.because(choices, chosen) : "");
        run.put("nodes", choices.stream().map(c -> {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", c.node().name());
            node.put("platform", c.node().platform());
            node.put("ready", c.node().ready());
            node.put("selectable", c.selectable());
            node.put("reason", c.reason() == null ? "" : c.reason());
            node.put("cached", c.cached());
            node.put("checked", c.selectable() && c.node().name().equals(selected));
            node.put("tainted", c.tainted());
            node.put("verdict", c.verdict().word());
            node.put("controlPlane", c.node().roles().contains("control-plane") || c.node().roles().contains("master"));
            node.put("reasons", c.reasons());
            node.put("pull", c.pull() == null ? "" : c.cached() ? "cached" : "≈ " + Formats.size(c.pull().bytes()));
            node.put("free", c.freeCpu() == null ? "" : c.freeCpu() + " CPU · " + c.freeMemory() + " free");
            return node;
        }).toList());
        run.put("anyTainted", choices.stream().anyMatch(c -> c.selectable() && c.tainted()));
        run.put("acceptTaints", "true".equals(form.get("acceptTaints")) || "on".equals(form.get("acceptTaints")));
        run.put("anySelectable", choices.stream().anyMatch(NodeChoice::selectable));
        run.put("token", Csrf.issue(req, res));
        Map<String, String> fieldErrors = new LinkedHashMap<>();
        if (error != null) {
            // the API's field names → the form's (resources.cpuRequest → cpuRequest)
            error.fields().forEach((field, reason) -> fieldErrors.put(field.substring(field.lastIndexOf('.') + 1),
                                                                      reason));
        }
        run.put("fieldErrors", fieldErrors);
        // a fault not tied to a field (or more than the form shows next to fields) is said at the top
        run.put("error", error == null ? "" : fieldErrors.isEmpty() ? error.getMessage()
                : fieldErrors.size() == 1 ? "one field needs a change (see below)."
                : fieldErrors.size() + " fields need a change (see below).");
        for (String field : RunPages.FORM_FIELDS) {
            run.put(field, form.getOrDefault(field, ""));
        }
        run.put("restartPolicy", form.getOrDefault("restartPolicy", "Never"));
        // a fresh form starts from what the image runs by default, when every platform agrees on it
        List<RunDefaults> defaults = detail.platforms().stream().map(PlatformDetail::defaults).distinct().toList();
        RunDefaults shared = defaults.size() == 1 ? defaults.getFirst() : null;
        if (form.isEmpty() && shared != null) {
            run.put("command", String.join("\n", shared.entrypoint()));
            run.put("args", String.join("\n", shared.cmd()));
        }
        run.put("imageEnv", shared == null ? List.of() : shared.env());
        run.put("defaultsDiffer", defaults.size() > 1);
        return run;
    }

    /** The node choices, or none with {@code nodesError} set when the cluster cannot be read. */
    private List<NodeChoice> nodeChoices(ServerRequest req, TagDetail detail, Map<String, Object> run,
                                         Map<String, String> form) {
        Viewer viewer = Guard.viewer(req);
        try {
            if (!viewer.allows(Permission.listNodes())) {
                run.put("nodesError", viewer.identity().map(Identity::user).orElse("you")
                                      + " may not list nodes (ask for a ClusterRoleBinding that grants it)");
                return List.of();
            }
            List<NodeChoice> choices;
            try {
                // a form shown again is judged with the requests it asked for
                choices = runner.nodeChoices(detail, new Resources(blankToNull(form.get("cpuRequest")), null,
                                                                   blankToNull(form.get("memoryRequest")), null));
            } catch (LaunchException badQuantity) {
                // that error is reported next to its field; the nodes are judged without requests
                choices = runner.nodeChoices(detail, Resources.NONE);
            }
            run.put("nodesError", "");
            return choices;
        } catch (ClusterException e) {
            // the catalog page stays useful when the cluster is away; the form explains why it cannot run
            run.put("nodesError", e.getMessage());
            return List.of();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
