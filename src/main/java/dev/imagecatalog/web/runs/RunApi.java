package dev.imagecatalog.web.runs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.imagecatalog.auth.Identity;
import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.runner.LaunchOptions;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.runner.RunView;
import dev.imagecatalog.runner.RunsDisabledException;
import dev.imagecatalog.web.access.Csrf;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.catalog.RepositoryPath;
import dev.imagecatalog.web.http.EventStreams;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.Json;
import dev.imagecatalog.web.http.WebException;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

/**
 * The runner's JSON API, registered under {@code /api}; every call with {@code -H "Authorization: Bearer $TOKEN"}
 * (a Kubernetes token) or the browser's session cookie.
 * <ul>
 *     <li>{@code curl localhost:8080/api/nodes} → {@code {"nodes":[{"name","ready","roles",…}]}}</li>
 *     <li>{@code curl -H 'Content-Type: application/json' -d '{"repository":"team-a/app","tag":"v1",
 *     "node":"worker-1","command":["sh","-c"],"args":["echo hi"],"env":{"A":"1"}}' localhost:8080/api/runs}
 *     → 201 {@code {"name","namespace","node","image"}} with {@code Location}</li>
 *     <li>{@code curl 'localhost:8080/api/runs?repository=team-a/app&node=worker-1'} (filters optional),
 *     {@code curl localhost:8080/api/runs/<name>}; {@code curl -N 'localhost:8080/api/runs?watch=true'}: server-sent
 *     {@code changed} events whenever a run changes</li>
 *     <li>{@code curl 'localhost:8080/api/runs/<name>/logs?tail=100'} (text; {@code &previous=true}: the container
 *     before the last restart); {@code ?follow=true}: server-sent
 *     events, one {@code data:} per line, a final {@code end} event</li>
 *     <li>{@code curl -X DELETE localhost:8080/api/runs/<name>} → 204</li>
 *     <li>{@code curl 'localhost:8080/api/repositories/team-a/app/tags/v1/nodes?cpuRequest=500m&memoryRequest=512Mi'}
 *     → {@code {"preselected","nodes":[{"name","verdict":"ready|wait|cannot","reasons",…}]}}: the pre-flight</li>
 * </ul>
 * Every route needs a signed-in user ({@code Authorization: Bearer <token>}, or the session cookie) whom the cluster
 * allows the matching verb: {@code list nodes}, {@code list pods}, {@code get pods}, {@code create pods},
 * {@code delete pods}, {@code get pods/log} — 401 without a user, 403 naming the missing permission.
 * Unsafe requests pass {@link Csrf#checkApi}; when runs are disabled they answer 403.
 */
public final class RunApi implements HttpService {

    /** Default and largest {@code tail}. */
    static final int DEFAULT_TAIL = 500;
    static final int MAX_TAIL = 100_000;

    private static final Logger LOGGER = Logger.getLogger(RunApi.class.getName());
    /** A comment this often finds out whether the client is still there while the log is quiet. */
    static final Duration HEARTBEAT = EventStreams.HEARTBEAT;
    private static final Object END = new Object();
    /** Log lines read ahead of a following client, at most. */
    private static final int LOG_LINES_QUEUED = 1_000;
    private static final String REPOSITORIES = "/repositories/";
    /** A runs watch stream lasts this long; EventSource then reconnects (so no connection lives for ever). */
    static final Duration WATCH_STREAM = EventStreams.LIFETIME;
    private static final String NODES = "/nodes";

    private final Runner runner;
    private final Duration heartbeat;

    /**
     * @param runner the runner use cases
     */
    public RunApi(Runner runner) {
        this(runner, HEARTBEAT);
    }

    /** With another heartbeat interval (tests prove a vanished client is noticed without waiting 15 s). */
    RunApi(Runner runner, Duration heartbeat) {
        this.runner = runner;
        this.heartbeat = heartbeat;
    }

    @Override
    public void routing(HttpRules rules) {
        // with runs disabled every route refuses before asking the cluster anything (no SubjectAccessReview either:
        // a read-only catalog's service account may not be granted one)
        rules.get("/nodes", (req, res) -> {
                    requireEnabled();
                    Guard.viewer(req).require(Permission.listNodes());
                    Json.send(res, Status.OK_200, RunJson.nodes(runner.nodes()));
                })
                .get("/runs", (req, res) -> {
                    requireEnabled();
                    Guard.viewer(req).require(Permission.listPods(namespace()));
                    if (flag(req, "watch")) {
                        watch(res);
                        return;
                    }
                    RunFilter filter = RunFilter.of(req);
                    Json.send(res, Status.OK_200, RunJson.runs(filter.apply(runner.runs())));
                })
                .post("/runs", this::launch)
                .get("/runs/{name}", (req, res) -> {
                    requireEnabled();
                    Guard.viewer(req).require(Permission.getPods(namespace()));
                    RunView view = runner.runView(name(req), 0, false);
                    Json.send(res, Status.OK_200, RunJson.detail(view));
                })
                .delete("/runs/{name}", this::stop)
                .get("/repositories/*", this::preflight)
                .get("/runs/{name}/logs", this::logs);
    }

    private void launch(ServerRequest req, ServerResponse res) {
        requireEnabled();
        Csrf.checkApi(req, true);
        Identity who = Guard.viewer(req).require(Permission.createPods(namespace()));
        String body = req.content().hasEntity() ? req.content().as(String.class) : "";
        RunJson.Launch launch = RunJson.launch(body);
        Run run = runner.launch(launch.request(), new LaunchOptions(who.user(), launch.acceptTaints()));
        res.header(HeaderValues.create(HeaderNames.LOCATION, "/api/runs/" + run.name()));
        Json.send(res, Status.CREATED_201, RunJson.launched(run));
    }

    /**
     * {@code GET /api/repositories/<name>/tags/<tag>/nodes[?cpuRequest=…&memoryRequest=…]}: the pre-flight per node;
     * every other path below {@code /api/repositories/} belongs to {@link CatalogApi}.
     */
    private void preflight(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().path();
        if (!path.endsWith(NODES)) {
            res.next();
            return;
        }
        String rest = path.substring(path.indexOf(REPOSITORIES) + REPOSITORIES.length(), path.length() - NODES.length());
        RepositoryPath target = RepositoryPath.parse(rest, false);
        if (target.tag() == null) {
            throw WebException.notFound("No such endpoint: use /api/repositories/<name>/tags/<tag>/nodes.");
        }
        requireEnabled();
        Guard.viewer(req).require(Permission.listNodes());
        Resources requests = new Resources(query(req, "cpuRequest"), null, query(req, "memoryRequest"), null);
        Json.send(res, Status.OK_200, RunJson.preflight(target.repository(), target.tag(), requests,
                runner.preflight(target.repository(), target.tag(), requests)));
    }

    /** A {@code true}/{@code false} query parameter (absent: false); anything else is a 400. */
    private static boolean flag(ServerRequest req, String name) {
        String value = req.query().first(name).orElse("false").trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw WebException.badRequest(name + " must be true or false, got \"" + value + "\".");
        }
        return value.equals("true");
    }

    private static String query(ServerRequest req, String name) {
        String value = req.query().first(name).orElse("").trim();
        return value.isEmpty() ? null : value;
    }

    private void stop(ServerRequest req, ServerResponse res) {
        requireEnabled();
        Csrf.checkApi(req, false);
        Guard.viewer(req).require(Permission.deletePods(namespace()));
        runner.stop(name(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void logs(ServerRequest req, ServerResponse res) {
        requireEnabled();
        Guard.viewer(req).require(Permission.getLogs(namespace()));
        String name = name(req);
        int tail = tail(req.query().first("tail").orElse(null));
        boolean previous = flag(req, "previous");
        if (flag(req, "follow")) {
            if (previous) {
                throw WebException.badRequest("previous=true shows a container that has ended: it cannot be followed.");
            }
            follow(res, name, tail);
            return;
        }
        res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8"));
        res.header(Html.NO_STORE);
        res.header(HeaderValues.create(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff"));
        res.send(runner.logs(name, tail, previous));
    }

    /**
     * Streams the log as server-sent events: {@code data:} per line, {@code notice} for a message instead of a log
     * (container not started yet), {@code end} when the log ends. The API stream is closed in every case: log end,
     * client gone (an emit fails, at the latest at the next heartbeat) or failure.
     */
    private void follow(ServerResponse res, String name, int tail) {
        InputStream in;
        try {
            in = runner.openLogStream(name, tail);
        } catch (ClusterException e) {
            if (e.kind() != ClusterException.Kind.INVALID) {
                throw e;
            }
            // e.g. "container … is waiting to start": a state to show, not an error
            res.header(Html.NO_STORE);
            SseSink sink = res.sink(SseSink.TYPE);
            try {
                sink.emit(event("notice", e.getMessage()));
                sink.emit(event("end", "waiting"));
            } finally {
                sink.close();
            }
            return;
        }
        try (in) {
            res.header(Html.NO_STORE);
            SseSink sink = res.sink(SseSink.TYPE);
            try {
                pump(in, sink);
            } finally {
                closeQuietly(sink);
            }
        } catch (IOException e) {
            LOGGER.fine(() -> "closing the log stream of " + name + ": " + e.getMessage());
        }
    }

    private void pump(InputStream in, SseSink sink) {
        // bounded: a chatty container and a client that reads slowly must not fill the heap; a full queue stops the
        // reader, and so the log stream from the cluster, until the client catches up
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>(LOG_LINES_QUEUED);
        Thread reader = Thread.ofVirtual().name("log-reader").start(() -> {
            try {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        queue.put(line);
                    }
                } catch (IOException | UncheckedIOException | ClusterException e) {
                    // closed by us (client gone) or the API dropped the connection: either way the log is over
                    queue.put(new Notice("log stream ended: " + e.getMessage()));
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // the follower went away while the queue was full: nobody reads what is left
                Thread.currentThread().interrupt();
            }
        });
        try {
            while (true) {
                Object next = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    sink.emit(SseEvent.builder().comment("keep-alive").build());
                } else if (next == END) {
                    sink.emit(event("end", "end"));
                    return;
                } else if (next instanceof Notice notice) {
                    sink.emit(event("notice", notice.message()));
                } else {
                    sink.emit(SseEvent.builder().data(new String[] {(String) next}).build());
                }
            }
        } catch (UncheckedIOException | IllegalStateException clientGone) {
            LOGGER.fine(() -> "log follower went away: " + clientGone.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // closing the API stream (by the caller) ends the reader; interrupting covers a reader not yet blocked
            reader.interrupt();
        }
    }

    private record Notice(String message) {
    }


    /**
     * {@code GET /api/runs?watch=true}: server-sent events, {@code changed} whenever a run changes (from the replica's
     * one shared watch; several changes in a row arrive as one), heartbeat comments meanwhile. The events carry no
     * data: the page reads the runs again with its user's rights. The stream ends after {@link #WATCH_STREAM}; the
     * browser's EventSource reconnects by itself.
     */
    private void watch(ServerResponse res) {
        BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>(1);
        long end = System.nanoTime() + WATCH_STREAM.toNanos();
        try (AutoCloseable subscription = runner.onRunsChanged(() -> changes.offer(Boolean.TRUE))) {
            res.header(Html.NO_STORE);
            SseSink sink = res.sink(SseSink.TYPE);
            try {
                sink.emit(event("watching", "runs"));
                while (System.nanoTime() < end) {
                    Boolean changed = changes.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                    sink.emit(changed == null ? SseEvent.builder().comment("keep-alive").build()
                                      : event("changed", "runs"));
                }
            } catch (UncheckedIOException | IllegalStateException clientGone) {
                LOGGER.fine(() -> "runs watcher went away: " + clientGone.getMessage());
            } finally {
                closeQuietly(sink);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RunsDisabledException | ClusterException e) {
            throw e;
        } catch (Exception e) {
            LOGGER.fine(() -> "closing the runs subscription: " + e.getMessage());
        }
    }

    private static SseEvent event(String name, String data) {
        return SseEvent.builder().name(name).data(new String[] {data}).build();
    }

    private static void closeQuietly(SseSink sink) {
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOGGER.fine(() -> "SSE sink already closed: " + e.getMessage());
        }
    }

    private String namespace() {
        return runner.settings().namespace();
    }

    private void requireEnabled() {
        if (!runner.settings().enabled()) {
            throw new RunsDisabledException(runner.settings().offReason());
        }
    }

    static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    /** {@code tail} query parameter: 1…{@value #MAX_TAIL}, default {@value #DEFAULT_TAIL}. */
    static int tail(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_TAIL;
        }
        try {
            int tail = Integer.parseInt(value.trim());
            if (tail >= 1 && tail <= MAX_TAIL) {
                return tail;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw WebException.badRequest("tail must be a whole number from 1 to " + MAX_TAIL + ", got \"" + value + "\".");
    }
}
