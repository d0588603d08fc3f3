package dev.imagecatalog.web.runs;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.auth.AccessDeniedException;
import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.runner.LaunchException;
import dev.imagecatalog.runner.LaunchOptions;
import dev.imagecatalog.runner.LaunchRequest;
import dev.imagecatalog.runner.RunChanges;
import dev.imagecatalog.runner.RunHeadline;
import dev.imagecatalog.runner.RunView;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.runner.RunsDisabledException;
import dev.imagecatalog.web.access.Csrf;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.access.Viewer;
import dev.imagecatalog.web.catalog.CatalogPages;
import dev.imagecatalog.web.catalog.Links;
import dev.imagecatalog.web.catalog.RepositoryPath;
import dev.imagecatalog.web.http.Formats;
import dev.imagecatalog.web.http.Forms;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.Templates;
import dev.imagecatalog.web.http.WebException;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The runner's HTML pages and forms, usable without JavaScript.
 * <ul>
 *     <li>{@code GET /nodes} — the cluster's nodes</li>
 *     <li>{@code POST /runs} — the tag page's Run form → 303 to {@code /runs/<name>}; a refused form is shown
 *     again with status 400 and the reason</li>
 *     <li>{@code GET /runs} — runs with a Stop button each; {@code GET /runs/<name>} — one run, events, log</li>
 *     <li>{@code POST /runs/<name>/stop} — Stop → 303 to {@code /runs}</li>
 * </ul>
 * Every page needs a signed-in user whom the cluster allows the matching verb (see {@link RunApi}); forms carry the
 * session-bound token of {@link Csrf}; with runs disabled there are no forms and POSTs answer 403.
 */
public final class RunPages implements HttpService {

    /** Free-text fields of the Run form, kept when the form is shown again. */
    static final List<String> FORM_FIELDS = List.of("node", "command", "args", "env", "cpuRequest", "cpuLimit",
            "memoryRequest", "memoryLimit");
    private static final String REPOSITORIES = "/repositories/";
    /** Lines of log shown on the run page. */
    static final int PAGE_TAIL = 200;

    private final Runner runner;
    private final Templates templates;
    private final CatalogPages catalogPages;

    /**
     * @param runner       the runner use cases
     * @param templates    the application's templates
     * @param catalogPages renders the tag page again when a submitted Run form is refused
     */
    public RunPages(Runner runner, Templates templates, CatalogPages catalogPages) {
        this.runner = runner;
        this.templates = templates;
        this.catalogPages = catalogPages;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/nodes", this::nodes)
                .get("/runs", this::runs)
                .post("/runs", this::launch)
                .post("/repositories/*", this::launchFromTagPage)
                .get("/runs/{name}", this::run)
                .post("/runs/{name}/stop", this::stop);
    }

    private void nodes(ServerRequest req, ServerResponse res) {
        // with runs disabled every page refuses before asking the cluster anything (no SubjectAccessReview either)
        requireEnabled();
        Guard.viewer(req).require(Permission.listNodes());
        List<Node> nodes = runner.nodes();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Nodes");
        model.put("nodes", nodes.stream().map(RunPages::node).toList());
        Html.send(res, templates.render("nodes.ftlh", model));
    }

    private void runs(ServerRequest req, ServerResponse res) {
        requireEnabled();
        Guard.viewer(req).require(Permission.listPods(runner.settings().namespace()));
        List<Run> all = runner.runs();
        RunFilter filter = RunFilter.of(req);
        List<Run> runs = filter.apply(all);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Runs");
        model.put("filter", Map.of("repository", filter.repository(), "node", filter.node(),
                "active", filter.active()));
        model.put("repositories", all.stream().map(Run::repository).filter(java.util.Objects::nonNull).distinct()
                .sorted().toList());
        model.put("runNodes", all.stream().map(Run::node).filter(java.util.Objects::nonNull).distinct().sorted()
                .toList());
        model.put("total", all.size());
        // what the last Stop did, said once on the list it returns to (the name is only echoed, escaped)
        String stopped = req.query().first("stopped").orElse("");
        model.put("stopped", stopped.length() <= 253 ? stopped : "");
        model.put("enabled", runner.settings().enabled());
        model.put("namespace", runner.settings().namespace());
        model.put("token", runner.settings().enabled() ? Csrf.issue(req, res) : "");
        Instant now = Instant.now();
        model.put("runs", runs.stream().map(r -> run(r, now)).toList());
        Html.send(res, templates.render("runs.ftlh", model));
    }

    private void launch(ServerRequest req, ServerResponse res) {
        Map<String, String> form = requireEnabledForm(req);
        launch(req, res, form, form.getOrDefault("repository", ""), form.getOrDefault("tag", ""));
    }

    /**
     * The tag page's Run form posts to the tag page's own address: a refused form is shown again there (status 400,
     * values kept, each reason next to its field), so the address stays the tag page's.
     */
    private void launchFromTagPage(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().path();
        RepositoryPath target = RepositoryPath.parse(path.substring(path.indexOf(REPOSITORIES)
                                                                    + REPOSITORIES.length()), false);
        if (target.tag() == null) {
            throw WebException.notFound("Only a tag page takes a Run form.");
        }
        launch(req, res, requireEnabledForm(req), target.repository(), target.tag());
    }

    private Map<String, String> requireEnabledForm(ServerRequest req) {
        requireEnabled();
        Map<String, String> form = Forms.read(req);
        Csrf.checkForm(req, form.get(Csrf.NAME));
        return form;
    }

    private void launch(ServerRequest req, ServerResponse res, Map<String, String> form, String repository,
                        String tag) {
        Identity who = Guard.viewer(req).require(Permission.createPods(runner.settings().namespace()));
        Run run;
        try {
            Resources resources = new Resources(blankToNull(form.get("cpuRequest")), blankToNull(form.get("cpuLimit")),
                    blankToNull(form.get("memoryRequest")), blankToNull(form.get("memoryLimit")));
            List<String> command = LaunchRequest.lines(form.get("command"));
            List<String> args = LaunchRequest.lines(form.get("args"));
            Map<String, String> env;
            try {
                env = LaunchRequest.envLines(form.get("env"));
            } catch (LaunchException badEnv) {
                // every other field is still checked, so the form shows all of its faults at once
                throw withOthers(badEnv, new LaunchRequest(repository, tag, null, form.getOrDefault("node", ""),
                        command, args, Map.of(), form.get("restartPolicy"), resources));
            }
            run = runner.launch(new LaunchRequest(repository, tag, null, form.getOrDefault("node", ""), command, args,
                    env, form.get("restartPolicy"), resources),
                    new LaunchOptions(who.user(), "on".equals(form.get("acceptTaints"))
                                                  || "true".equals(form.get("acceptTaints"))));
        } catch (LaunchException e) {
            if (repository.isBlank() || tag.isBlank()) {
                throw e;
            }
            try {
                catalogPages.tag(req, res, repository, tag, Status.BAD_REQUEST_400, form, e);
            } catch (RegistryException | ClusterException notThere) {
                // no tag page to go back to: the plain 400 page with the launch's reason
                throw e;
            }
            return;
        }
        redirect(res, "/runs/" + run.name());
    }

    /** The env fault together with the faults of the other fields. */
    private LaunchException withOthers(LaunchException envFault, LaunchRequest rest) {
        try {
            runner.check(rest);
            return envFault;
        } catch (LaunchException others) {
            Map<String, String> fields = new LinkedHashMap<>(others.fields());
            fields.putAll(envFault.fields());
            return new LaunchException(fields.size() + " fields are not valid: " + String.join("; ", fields.values()),
                                       fields);
        }
    }

    private void run(ServerRequest req, ServerResponse res) {
        requireEnabled();
        Viewer viewer = Guard.viewer(req);
        viewer.require(Permission.getPods(runner.settings().namespace()));
        boolean mayReadLogs = viewer.allows(Permission.getLogs(runner.settings().namespace()));
        RunView view = runner.runView(RunApi.name(req), PAGE_TAIL, mayReadLogs);
        RunDetail detail = view.detail();
        Run r = detail.run();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", r.name());
        model.put("run", run(r, Instant.now()));
        model.put("headline", headline(view.headline()));
        model.put("reach", Map.of("portForward", view.reach().portForward(), "exec", view.reach().exec(),
                                  "logs", view.reach().logs()));
        model.put("enabled", runner.settings().enabled());
        model.put("token", runner.settings().enabled() ? Csrf.issue(req, res) : "");
        model.put("command", detail.command());
        model.put("args", detail.args());
        model.put("env", detail.env().entrySet().stream()
                .map(e -> Map.of("name", e.getKey(), "value", e.getValue())).toList());
        model.put("restartPolicy", text(detail.restartPolicy()));
        Resources resources = detail.resources() == null ? Resources.NONE : detail.resources();
        model.put("resources", Map.of("cpuRequest", text(resources.cpuRequest()), "cpuLimit", text(resources.cpuLimit()),
                "memoryRequest", text(resources.memoryRequest()), "memoryLimit", text(resources.memoryLimit())));
        model.put("events", detail.events().stream().map(e -> Map.of(
                "type", text(e.type()), "reason", text(e.reason()), "message", text(e.message()),
                "source", text(e.source()), "count", e.count(),
                "lastSeen", e.lastSeen() == null ? "" : Formats.date(e.lastSeen()),
                "lastSeenIso", e.lastSeen() == null ? "" : Formats.rfc3339(e.lastSeen()))).toList());
        String logs = view.log();
        String logsNote = mayReadLogs ? view.logNote()
                : new AccessDeniedException(viewer.identity().orElseThrow(),
                                            Permission.getLogs(runner.settings().namespace())).getMessage();
        model.put("previousLog", view.previousLog());
        model.put("diagnosis", view.diagnosis() == null ? null : Map.of("summary", view.diagnosis().summary(), "checks",
                view.diagnosis().checks().stream().map(c -> Map.of("question", c.question(),
                        "ok", c.ok() == null ? "unknown" : c.ok() ? "yes" : "no",
                        "answer", c.answer(), "todo", text(c.todo()))).toList()));
        model.put("changes", view.changes() == null ? null : changes(view.changes()));
        model.put("logs", logs);
        model.put("logsNote", logsNote);
        model.put("tail", PAGE_TAIL);
        model.put("mayReadLogs", mayReadLogs);
        model.put("refresh", !r.done());
        Html.send(res, templates.render("run.ftlh", model));
    }

    /**
     * Stop asks first: without {@code confirm=yes} the answer is a confirmation page (its form sends it), so the step
     * works without JavaScript; the pages' script asks with {@code confirm()} and sends it at once. After the stop
     * the list says what was stopped.
     */
    private void stop(ServerRequest req, ServerResponse res) {
        requireEnabled();
        Map<String, String> form = Forms.read(req);
        Csrf.checkForm(req, form.get(Csrf.NAME));
        Guard.viewer(req).require(Permission.deletePods(runner.settings().namespace()));
        String name = RunApi.name(req);
        if (!"yes".equals(form.get("confirm"))) {
            Run r = runner.run(name).run();
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("title", "Stop " + r.name() + "?");
            model.put("run", run(r, Instant.now()));
            model.put("token", Csrf.issue(req, res));
            Html.send(res, templates.render("stop.ftlh", model));
            return;
        }
        runner.stop(name);
        redirect(res, "/runs?stopped=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    private void requireEnabled() {
        if (!runner.settings().enabled()) {
            throw new RunsDisabledException(runner.settings().offReason());
        }
    }

    private static Map<String, Object> node(Node n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", n.name());
        m.put("ready", n.ready());
        m.put("roles", n.roles());
        m.put("os", text(n.os()));
        m.put("architecture", text(n.architecture()));
        m.put("kubeletVersion", text(n.kubeletVersion()));
        m.put("cpu", text(n.cpu()));
        m.put("memory", text(n.memory()));
        m.put("taints", n.taints().stream().map(t -> (t.key() + (t.value() == null || t.value().isEmpty() ? ""
                : "=" + t.value()) + ":" + t.effect())).toList());
        m.put("unschedulable", n.unschedulable());
        return m;
    }

    /** The run page's diff against the image's defaults. */
    private static Map<String, Object> changes(RunChanges c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("none", c.none());
        m.put("commandOverridden", c.commandOverridden());
        m.put("argsOverridden", c.argsOverridden());
        m.put("imageEntrypoint", c.image().entrypoint());
        m.put("imageCmd", c.image().cmd());
        m.put("env", c.env().stream().map(e -> Map.of("name", e.name(), "added", e.imageValue() == null,
                "imageValue", text(e.imageValue()), "value", e.value())).toList());
        return m;
    }

    /** A headline's parts for a template: the sentence, its time (exact, the script makes it relative), the fix. */
    private static Map<String, Object> headline(RunHeadline h) {
        Map<String, Object> headline = new LinkedHashMap<>();
        headline.put("text", h.text());
        headline.put("lead", h.lead());
        headline.put("since", h.since() == null ? "" : Formats.date(h.since()));
        headline.put("sinceIso", h.since() == null ? "" : Formats.rfc3339(h.since()));
        headline.put("rest", h.rest());
        headline.put("tone", h.tone());
        headline.put("fix", h.fix());
        return headline;
    }

    private static Map<String, Object> run(Run r, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        // the list says what each run does now in the run page's words ("Waiting for the scheduler", "Cannot be
        // scheduled: …", "Exited 1 after 4s"), not the raw container state, which is empty for a Pending pod
        m.put("headline", headline(RunHeadline.of(r, now)));
        m.put("name", r.name());
        m.put("href", "/runs/" + URLEncoder.encode(r.name(), StandardCharsets.UTF_8));
        m.put("stopAction", "/runs/" + URLEncoder.encode(r.name(), StandardCharsets.UTF_8) + "/stop");
        m.put("namespace", text(r.namespace()));
        m.put("node", text(r.node()));
        m.put("image", text(r.image()));
        m.put("repository", text(r.repository()));
        m.put("tag", text(r.tag()));
        m.put("tagHref", r.repository() == null || r.tag() == null ? "" : Links.tag(r.repository(), r.tag()));
        m.put("phase", text(r.phase()));
        m.put("state", text(r.state()));
        m.put("reason", text(r.reason()));
        m.put("message", text(r.message()));
        m.put("exitCode", r.exitCode() == null ? "" : r.exitCode().toString());
        m.put("restarts", r.restarts());
        m.put("created", r.created() == null ? "" : Formats.date(r.created()));
        m.put("createdIso", r.created() == null ? "" : Formats.rfc3339(r.created()));
        m.put("age", r.created() == null ? "" : age(Duration.between(r.created(), now)));
        m.put("finished", r.finished() == null ? "" : Formats.date(r.finished()));
        m.put("finishedIso", r.finished() == null ? "" : Formats.rfc3339(r.finished()));
        m.put("done", r.done());
        m.put("launchedBy", text(r.launchedBy()));
        return m;
    }

    /** kubectl-style age: {@code 45s}, {@code 12m}, {@code 3h}, {@code 2d}. */
    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 2 * 3600) {
            return s / 60 + "m";
        }
        if (s < 2 * 86400) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static void redirect(ServerResponse res, String location) {
        res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, location).send();
    }
}
