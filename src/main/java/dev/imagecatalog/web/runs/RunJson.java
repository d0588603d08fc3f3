package dev.imagecatalog.web.runs;

import java.util.List;
import java.util.Map;

import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.cluster.RunEvent;
import dev.imagecatalog.runner.Diagnosis;
import dev.imagecatalog.runner.RunChanges;
import dev.imagecatalog.runner.RunHeadline;
import dev.imagecatalog.runner.RunView;
import dev.imagecatalog.runner.LaunchException;
import dev.imagecatalog.runner.LaunchRequest;
import dev.imagecatalog.runner.NodeChoice;
import dev.imagecatalog.web.http.Formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The runner's JSON documents (issue 3 §2–§4) and their mapping from the domain; written with {@link dev.imagecatalog.web.http.Json#write}.
 * Dates are RFC 3339 strings, absent values {@code null}.
 */
final class RunJson {

    /** Strict reader: an unknown field is a typo the client should hear about, not something silently ignored. */
    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private RunJson() {
    }

    /** {@code {"nodes":[…]}}. */
    record Nodes(List<NodeDoc> nodes) {
    }

    /** One node. */
    record NodeDoc(String name, boolean ready, List<String> roles, String os, String architecture,
                   String kubeletVersion, String cpu, String memory, List<TaintDoc> taints, boolean unschedulable) {
    }

    /** A taint. */
    record TaintDoc(String key, String value, String effect) {
    }

    /** {@code {"repository","tag","requests","preselected","nodes":[…]}}: the pre-flight of one tag. */
    record Preflight(String repository, String tag, ResourcesDoc requests, String preselected,
                     String preselectedBecause, List<PreflightNode> nodes) {
    }

    /** One node's pre-flight. */
    record PreflightNode(String name, String verdict, List<String> reasons, String platform, String platformDigest,
                         Boolean fits, FreeDoc free, boolean cached, Long pullBytes, String pullEstimate,
                         boolean selectable, boolean preferred, boolean tainted, boolean ready, boolean unschedulable,
                         List<TaintDoc> taints, CapacityDoc capacity, List<String> roles) {
    }

    /**
     * What the browser needs to judge other requests without asking again ({@code static/catalog.js}): allocatable
     * and requested in millicores and bytes ({@code requested…} null: the pods cannot be read), whether something
     * other than the requests already makes the verdict cannot, and where the capacity sentence stands in
     * {@code reasons}.
     */
    record CapacityDoc(long allocatableMilliCpu, long allocatableMemory, Long requestedMilliCpu, Long requestedMemory,
                       boolean blocked, int reason) {
    }

    /** Free capacity, quantity syntax ({@code null}: unknown). */
    record FreeDoc(String cpu, String memory) {
    }

    /** The body of {@code POST /api/runs}. */
    record LaunchDoc(String repository, String tag, String digest, String node, List<String> command,
                     List<String> args, Map<String, String> env, String restartPolicy, ResourcesDoc resources,
                     Boolean acceptTaints) {
    }

    /** A parsed launch body: the request and whether the user accepts a tainted node. */
    record Launch(LaunchRequest request, boolean acceptTaints) {
    }

    /** Requests and limits, quantity syntax. */
    record ResourcesDoc(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {
    }

    /** The answer to a launch. */
    record Launched(String name, String namespace, String node, String image) {
    }

    /** {@code {"runs":[…]}}. */
    record Runs(List<RunDoc> runs) {
    }

    /** One run as listed. */
    record RunDoc(String name, String namespace, String node, String image, String repository, String tag,
                  String phase, String state, String reason, String message, Integer exitCode, int restarts,
                  String created, String finished, boolean done, String launchedBy) {
    }

    /** One run in detail. */
    record RunDetailDoc(String name, String namespace, String node, String image, String repository, String tag,
                        String phase, String state, String reason, String message, Integer exitCode, int restarts,
                        String created, String finished, boolean done, String launchedBy, List<String> command,
                        List<String> args,
                        Map<String, String> env, String restartPolicy, ResourcesDoc resources,
                        List<EventDoc> events, boolean previousLog, DiagnosisDoc diagnosis,
                        ChangesDoc changes, HeadlineDoc headline, ReachDoc reach) {
    }

    /**
     * What the run does now, in a sentence ({@code text}), and its tone ({@code wait}, {@code problem}, {@code ok},
     * {@code done}); the sentence in parts for a page that shows the time relative ({@code lead}, {@code since}
     * RFC 3339 or null, {@code rest}); {@code fix}: what would let a waiting run be scheduled ({@code ""}: nothing
     * known).
     */
    record HeadlineDoc(String text, String tone, String lead, String since, String rest, String fix) {
    }

    /** The commands that reach the run's pod from the user's machine (the catalog proxies nothing). */
    record ReachDoc(List<String> portForward, String exec, String logs) {
    }

    /** What the run changed against its image's defaults ({@code null}: the image's config cannot be read). */
    record ChangesDoc(boolean commandOverridden, boolean argsOverridden, List<String> imageEntrypoint,
                      List<String> imageCmd, List<EnvChangeDoc> env) {
    }

    /** An added ({@code imageValue} null) or changed variable. */
    record EnvChangeDoc(String name, String imageValue, String value) {
    }

    /** Why the image does not pull. */
    record DiagnosisDoc(String summary, List<CheckDoc> checks) {
    }

    /** One question of a diagnosis ({@code ok} null: cannot tell). */
    record CheckDoc(String question, Boolean ok, String answer, String todo) {
    }

    /** A pod event. */
    record EventDoc(String type, String reason, String message, String source, int count, String lastSeen) {
    }

    /**
     * Parses a launch body; malformed JSON, wrong types and unknown fields are a {@link LaunchException} (400).
     */
    static Launch launch(String body) {
        if (body == null || body.isBlank()) {
            throw new LaunchException("the request body is empty; send {\"repository\":…,\"tag\":…,\"node\":…}");
        }
        LaunchDoc doc;
        try {
            doc = READER.readValue(body, LaunchDoc.class);
        } catch (UnrecognizedPropertyException e) {
            throw LaunchException.field(e.getPropertyName(), "unknown field \"" + e.getPropertyName() + "\" in the request body");
        } catch (JsonProcessingException e) {
            throw new LaunchException("the request body is not a valid run request: " + e.getOriginalMessage());
        }
        if (doc == null) {
            throw new LaunchException("the request body is empty; send {\"repository\":…,\"tag\":…,\"node\":…}");
        }
        ResourcesDoc r = doc.resources();
        return new Launch(new LaunchRequest(doc.repository(), doc.tag(), doc.digest(), doc.node(), doc.command(),
                doc.args(), doc.env(), doc.restartPolicy(),
                r == null ? Resources.NONE : new Resources(r.cpuRequest(), r.cpuLimit(), r.memoryRequest(),
                        r.memoryLimit())), Boolean.TRUE.equals(doc.acceptTaints()));
    }

    static Nodes nodes(List<Node> nodes) {
        return new Nodes(nodes.stream().map(n -> new NodeDoc(n.name(), n.ready(), n.roles(), n.os(), n.architecture(),
                n.kubeletVersion(), n.cpu(), n.memory(),
                n.taints().stream().map(t -> new TaintDoc(t.key(), t.value(), t.effect())).toList(),
                n.unschedulable())).toList());
    }

    static Preflight preflight(String repository, String tag, Resources requests, List<NodeChoice> choices) {
        return new Preflight(repository, tag, new ResourcesDoc(requests.cpuRequest(), null, requests.memoryRequest(),
                null), Preselection.of(choices, null), Preselection.because(choices, null), choices.stream().map(c -> new PreflightNode(
                c.node().name(), c.verdict().word(), c.reasons(),
                c.platform() == null ? null : c.platform().platform().toString(),
                c.platform() == null ? null : c.platform().digest(), c.fits(),
                new FreeDoc(c.freeCpu(), c.freeMemory()), c.cached(),
                c.pull() == null ? null : c.pull().bytes(),
                c.pull() == null ? null : c.pull().basis().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                c.selectable(), c.preferred(), c.tainted(), c.node().ready(), c.node().unschedulable(),
                c.node().taints().stream().map(t -> new TaintDoc(t.key(), t.value(), t.effect())).toList(),
                capacity(c), c.node().roles())).toList());
    }

    private static CapacityDoc capacity(NodeChoice c) {
        var load = c.fit().load();
        return load == null || c.capacityReason() < 0 ? null
                : new CapacityDoc(load.allocatableMilliCpu(), load.allocatableMemory(), load.requestedMilliCpu(),
                                  load.requestedMemory(), c.blocked(), c.capacityReason());
    }

    static Launched launched(Run run) {
        return new Launched(run.name(), run.namespace(), run.node(), run.image());
    }

    static Runs runs(List<Run> runs) {
        return new Runs(runs.stream().map(RunJson::run).toList());
    }

    static RunDoc run(Run r) {
        return new RunDoc(r.name(), r.namespace(), r.node(), r.image(), r.repository(), r.tag(), r.phase(), r.state(),
                r.reason(), r.message(), r.exitCode(), r.restarts(), Formats.rfc3339(r.created()),
                Formats.rfc3339(r.finished()), r.done(), r.launchedBy());
    }

    static RunDetailDoc detail(RunView view) {
        RunDetail d = view.detail();
        Diagnosis diagnosis = view.diagnosis();
        RunChanges changes = view.changes();
        Run r = d.run();
        Resources res = d.resources() == null ? Resources.NONE : d.resources();
        return new RunDetailDoc(r.name(), r.namespace(), r.node(), r.image(), r.repository(), r.tag(), r.phase(),
                r.state(), r.reason(), r.message(), r.exitCode(), r.restarts(), Formats.rfc3339(r.created()),
                Formats.rfc3339(r.finished()), r.done(), r.launchedBy(), d.command(), d.args(), d.env(), d.restartPolicy(),
                new ResourcesDoc(res.cpuRequest(), res.cpuLimit(), res.memoryRequest(), res.memoryLimit()),
                d.events().stream().map(e -> new EventDoc(e.type(), e.reason(), e.message(), e.source(), e.count(),
                        Formats.rfc3339(e.lastSeen()))).toList(), r.restarts() > 0,
                diagnosis == null ? null : new DiagnosisDoc(diagnosis.summary(), diagnosis.checks().stream()
                        .map(c -> new CheckDoc(c.question(), c.ok(), c.answer(), c.todo())).toList()),
                changes == null ? null : new ChangesDoc(changes.commandOverridden(), changes.argsOverridden(),
                        changes.image().entrypoint(), changes.image().cmd(), changes.env().stream()
                        .map(e -> new EnvChangeDoc(e.name(), e.imageValue(), e.value())).toList()),
                headline(view.headline()),
                new ReachDoc(view.reach().portForward(), view.reach().exec(), view.reach().logs()));
    }

    static HeadlineDoc headline(RunHeadline h) {
        return new HeadlineDoc(h.text(), h.tone(), h.lead(), Formats.rfc3339(h.since()), h.rest(), h.fix());
    }
}
