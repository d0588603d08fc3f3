package dev.imagecatalog.web.catalog;

import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.http.StreamLimits;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.SearchResult;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.index.EventIntake;
import dev.imagecatalog.catalog.index.IndexChange;
import dev.imagecatalog.catalog.index.PeerForwarder;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.Json;
import dev.imagecatalog.web.http.WebException;
import dev.imagecatalog.web.http.EventStreams;

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
 * The index's endpoints, registered under {@code /api}.
 * <ul>
 *     <li>{@code curl localhost:8080/api/status} → {@code {"indexed","repositories","tags","lastEvent",
 *     "lastReconcile","ready",…}}</li>
 *     <li>{@code curl 'localhost:8080/api/search?q=sha256:3a4b'} → matches grouped by repository: {@code {"query",
 *     "groups":[{"repository","nameMatches","hits":[{"tag","digest","reason"}],"hitCount"}],"truncated",
 *     "repository":null}}, at most 5 hits listed per repository, {@code hitCount} counting all;
 *     {@code &repository=team-a/app} lists every match in that repository</li>
 *     <li>{@code curl -N 'localhost:8080/api/changes?repository=team-a/app'} → server-sent {@code change} events
 *     ({@code {"repository","added","changed","removed"}}) as the index changes</li>
 *     <li>{@code curl -H 'Authorization: Bearer $REGISTRY_EVENTS_TOKEN' -d @envelope.json
 *     localhost:8080/api/registry/events} → 202: the registry's notifications (429 with a reason when too many
 *     wait to be applied)</li>
 *     <li>{@code curl -H 'Authorization: Bearer $REGISTRY_EVENTS_TOKEN' localhost:8080/api/index/snapshot} → 200:
 *     this replica's index in the {@code IndexFormat} (JSON lines: header, one line per repository, trailer with a
 *     SHA-256), for a starting peer; 503 while this replica's own index is not complete and caught up</li>
 * </ul>
 * The events endpoint is machine-to-machine: the registry sends neither a browser Origin nor our CSRF cookie, so
 * it is deliberately not behind {@link Csrf}; the bearer token (compared in constant time) is its guard, and it
 * does not exist (404) when no token is configured.
 */
public final class IndexApi implements HttpService {

    /** Largest envelope accepted (the registry batches a few events; 1 MiB is far above that). */
    static final int MAX_ENVELOPE = 1024 * 1024;
    private static final Logger LOGGER = Logger.getLogger(IndexApi.class.getName());

    private final Catalog catalog;
    private final RegistryCatalog indexed;
    private final StreamLimits streams = new StreamLimits(StreamLimits.MAX_STREAMS, StreamLimits.MAX_STREAMS_PER_CLIENT);

    /**
     * @param catalog the catalog use cases
     * @param indexed the indexed catalog receiving registry events; {@code null}: no events endpoint
     */
    public IndexApi(Catalog catalog, RegistryCatalog indexed) {
        this.catalog = catalog;
        this.indexed = indexed;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/status", this::status)
                .get("/search", this::search)
                .get("/changes", this::changes)
                .post("/registry/events", this::events)
                .get("/index/snapshot", this::copy);
    }

    /** A peer's request for this replica's index: the events token proves it, as for forwarded events. */
    private void copy(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res, "A copy of the index needs Authorization: Bearer <registry.events.token>.")) {
            return;
        }
        if (!indexed.copies().servable()) {
            res.header(HeaderValues.create(HeaderNames.RETRY_AFTER, "5"));
            Json.send(res, Status.SERVICE_UNAVAILABLE_503, new Json.Error(
                    "This replica's index is not complete and caught up yet; ask another replica or crawl."));
            return;
        }
        res.header(Html.NO_STORE);
        res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
        try (OutputStream out = res.outputStream()) {
            indexed.copies().serve(out);
        } catch (IOException | UncheckedIOException e) {
            // the peer went away or gave up: it falls back on its own
            LOGGER.fine(() -> "index copy not completed: " + e.getMessage());
        }
    }

    /**
     * The bearer token check of the machine endpoints: 404 without a configured token (the endpoint does not
     * exist), 401 with a reason when the token is missing or wrong.
     */
    private boolean authorized(ServerRequest req, ServerResponse res, String reason) {
        String token = indexed == null ? null : indexed.indexSettings().eventsToken();
        if (token == null) {
            throw WebException.notFound("No such endpoint without registry.events.token (REGISTRY_EVENTS_TOKEN).");
        }
        String authorization = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || !sameSecret(authorization.substring(7).strip(), token)) {
            res.header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"registry-events\""));
            Json.send(res, Status.UNAUTHORIZED_401, new Json.Error(reason));
            return false;
        }
        return true;
    }

    private void status(ServerRequest req, ServerResponse res) {
        Json.send(res, Status.OK_200, ApiJson.status(catalog.status()));
    }

    private void search(ServerRequest req, ServerResponse res) {
        String q = req.query().first("q").orElse("").trim();
        if (q.isEmpty()) {
            throw WebException.badRequest("Give a search term: ?q=<name, tag, digest prefix or label value>.");
        }
        Json.send(res, Status.OK_200, search(catalog, q, req.query().first("repository").orElse("").trim()));
    }

    /** All repositories (a few tags listed each, all counted), or every match in one when {@code repository} is given. */
    static SearchResult search(Catalog catalog, String q, String repository) {
        if (repository.isEmpty()) {
            return catalog.search(q);
        }
        if (!RepositoryPath.isRepositoryName(repository)) {
            throw WebException.badRequest("Not a repository name: \"" + repository + "\".");
        }
        return catalog.search(q, repository);
    }

    /**
     * Server-sent events: one {@code change} per repository change (of one repository when {@code ?repository=}).
     * Bounded by {@link StreamLimits}: beyond, 503 or 429 with {@code Retry-After} and a reason.
     */
    private void changes(ServerRequest req, ServerResponse res) {
        StreamLimits.Slot slot;
        try {
            slot = streams.open(Guard.viewer(req).guard().client(req));
        } catch (StreamLimits.Refused refused) {
            res.header(HeaderValues.create(HeaderNames.RETRY_AFTER, StreamLimits.RETRY_AFTER_SECONDS));
            Json.send(res, refused.status(), new Json.Error(refused.getMessage()));
            return;
        }
        try (slot) {
            changes(req, res, req.query().first("repository").orElse(""));
        }
    }

    private void changes(ServerRequest req, ServerResponse res, String repository) {
        BlockingQueue<IndexChange> queue = new LinkedBlockingQueue<>(1000);
        try (AutoCloseable subscription = catalog.subscribe(change -> {
            if (repository.isEmpty() || repository.equals(change.repository())) {
                queue.offer(change);
            }
        })) {
            res.header(Html.NO_STORE);
            SseSink sink = res.sink(SseSink.TYPE);
            try {
                // tells the page the stream is open: changes from now on reach it
                sink.emit(SseEvent.builder().name("ready").data(new String[] {"{}"}).build());
                // anyone may listen, so no stream lives for ever: it ends like the runs watch and EventSource reconnects
                long end = System.nanoTime() + EventStreams.LIFETIME.toNanos();
                while (System.nanoTime() < end) {
                    IndexChange next = queue.poll(EventStreams.HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                    if (next == null) {
                        sink.emit(SseEvent.builder().comment("keep-alive").build());
                    } else {
                        sink.emit(SseEvent.builder().name("change")
                                .data(new String[] {Json.write(ApiJson.change(next))}).build());
                    }
                }
            } finally {
                try {
                    sink.close();
                } catch (RuntimeException e) {
                    LOGGER.fine(() -> "change stream already closed: " + e.getMessage());
                }
            }
        } catch (UncheckedIOException | IllegalStateException clientGone) {
            LOGGER.fine(() -> "change listener went away: " + clientGone.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOGGER.fine(() -> "change stream ended: " + e.getMessage());
        }
    }

    private void events(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res, "A registry notification needs Authorization: Bearer <registry.events.token>.")) {
            return;
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_ENVELOPE + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > MAX_ENVELOPE) {
            Json.send(res, Status.REQUEST_ENTITY_TOO_LARGE_413,
                    new Json.Error("A notification envelope is at most " + MAX_ENVELOPE + " bytes."));
            return;
        }
        boolean forwarded = req.headers().first(HeaderNames.create(PeerForwarder.FORWARDED_HEADER)).isPresent();
        int applied;
        try {
            applied = indexed.events().accept(body, forwarded);
        } catch (IllegalArgumentException e) {
            throw WebException.badRequest("Not a registry notification envelope: " + e.getMessage());
        } catch (EventIntake.Busy e) {
            // the registry keeps the envelope and sends it again after a backoff
            res.header(HeaderValues.create(HeaderNames.RETRY_AFTER, "5"));
            Json.send(res, Status.TOO_MANY_REQUESTS_429, new Json.Error(e.getMessage()));
            return;
        }
        Json.send(res, Status.ACCEPTED_202, new ApiJson.Accepted(applied));
    }

    /** Constant-time comparison of two secrets (hashes first, so not even the length leaks). */
    static boolean sameSecret(String given, String expected) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(given.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
