package dev.imagecatalog.web.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.imagecatalog.auth.AccessDeniedException;
import dev.imagecatalog.auth.NotSignedInException;
import dev.imagecatalog.auth.TooManyAttemptsException;
import dev.imagecatalog.catalog.lifecycle.DeletesDisabledException;
import dev.imagecatalog.catalog.lifecycle.TagMovedException;
import dev.imagecatalog.cluster.ClusterException;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.runner.LaunchException;
import dev.imagecatalog.runner.RunsDisabledException;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Turns every failure into a status and a message a person understands: an HTML page for pages,
 * {@code {"error":"…"}} under {@code /api}. Never a stack trace, never a bare 500.
 */
public final class ErrorHandling {

    private static final Logger LOGGER = Logger.getLogger(ErrorHandling.class.getName());

    private final Templates templates;

    private ErrorHandling(Templates templates) {
        this.templates = templates;
    }

    /**
     * Registers the handlers, most specific first.
     *
     * @param routing   the routing
     * @param templates the application's templates (for the error page)
     */
    public static void register(HttpRouting.Builder routing, Templates templates) {
        ErrorHandling errors = new ErrorHandling(templates);
        routing.error(WebException.class, (req, res, e) -> errors.answer(req, res, e.status(), title(e.status()),
                        e.getMessage()))
                .error(NotSignedInException.class, (req, res, e) -> {
                    if (req.path().absolute().path().startsWith("/api/")) {
                        res.header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE,
                                "Bearer realm=\"image-catalog\""));
                    }
                    errors.answer(req, res, Status.UNAUTHORIZED_401, "Sign-in required", e.getMessage(),
                            "Sign in (the link at the top of the page), or send a Kubernetes bearer token to the API.");
                })
                .error(TooManyAttemptsException.class, (req, res, e) -> {
                    res.header(HeaderValues.create(HeaderNames.RETRY_AFTER, e.retryAfterSeconds()));
                    errors.answer(req, res, Status.TOO_MANY_REQUESTS_429, "Too many attempts", e.getMessage(),
                            "Wait a little before trying another token.");
                })
                .error(AccessDeniedException.class, (req, res, e) -> errors.answer(req, res, Status.FORBIDDEN_403,
                        "Not allowed", e.getMessage(), "The cluster's RBAC decides what you may do; nothing was done."))
                .error(RegistryException.class, errors::registry)
                .error(LaunchException.class, (req, res, e) -> {
                    if (!e.fields().isEmpty() && req.path().absolute().path().startsWith("/api/") && !res.isSent()) {
                        Json.send(res, Status.BAD_REQUEST_400, new Json.FieldErrors(e.getMessage(),
                                new java.util.TreeMap<>(e.fields())));
                        return;
                    }
                    errors.answer(req, res, Status.BAD_REQUEST_400, "Cannot run this", e.getMessage(),
                            "Nothing was created. Check the form values.");
                })
                .error(RunsDisabledException.class, (req, res, e) -> errors.answer(req, res, Status.FORBIDDEN_403,
                        "Read-only catalog", e.getMessage(), e.getMessage().contains("no Kubernetes cluster")
                                ? "An operator can configure a cluster (KUBECONFIG, or run the catalog in a pod)."
                                : "An operator can enable runs with RUNS_ENABLED=true."))
                .error(DeletesDisabledException.class, (req, res, e) -> errors.answer(req, res, Status.FORBIDDEN_403,
                        "Deletes are disabled", e.getMessage(), "Nothing was deleted."))
                .error(TagMovedException.class, (req, res, e) -> errors.answer(req, res, Status.CONFLICT_409,
                        "The tag moved", e.getMessage(), "Open the tag page again to preview what it points at now."))
                .error(ClusterException.class, errors::cluster)
                .error(HttpException.class, (req, res, e) -> errors.answer(req, res, e.status(), title(e.status()),
                        e.status().code() < 500 ? e.getMessage() : "The request could not be completed."))
                .error(Throwable.class, errors::unexpected);
    }

    private void registry(ServerRequest req, ServerResponse res, RegistryException e) {
        Status status = switch (e.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND_404;
            case UNREACHABLE -> Status.SERVICE_UNAVAILABLE_503;
            case UNAUTHORIZED, BAD_RESPONSE, TOO_LARGE, DIGEST_MISMATCH -> Status.BAD_GATEWAY_502;
            case TIMEOUT -> Status.GATEWAY_TIMEOUT_504;
        };
        String title = switch (e.kind()) {
            case NOT_FOUND -> "Not found";
            case UNREACHABLE -> "Registry unavailable";
            case UNAUTHORIZED -> "Registry refused our credentials";
            case BAD_RESPONSE -> "Registry error";
            case TIMEOUT -> "Registry too slow";
            case TOO_LARGE -> "Registry answer too large";
            case DIGEST_MISMATCH -> "Registry content does not match its digest";
        };
        if (e.kind() != RegistryException.Kind.NOT_FOUND) {
            // an operator problem (registry down, wrong credentials): worth a log line, without the stack
            LOGGER.warning(() -> req.prologue().method().text() + " " + req.path().absolute().path() + ": " + e.getMessage());
        }
        answer(req, res, status, title, e.getMessage());
    }

    private void cluster(ServerRequest req, ServerResponse res, ClusterException e) {
        Status status = switch (e.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND_404;
            case CONFLICT -> Status.CONFLICT_409;
            case INVALID -> Status.BAD_REQUEST_400;
            case FORBIDDEN, FAILED -> Status.BAD_GATEWAY_502;
            case UNREACHABLE -> Status.SERVICE_UNAVAILABLE_503;
        };
        String title = switch (e.kind()) {
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case INVALID -> "Rejected by Kubernetes";
            case FORBIDDEN -> "Kubernetes refused the call";
            case FAILED -> "Kubernetes error";
            case UNREACHABLE -> "Kubernetes unavailable";
        };
        String hint = switch (e.kind()) {
            case NOT_FOUND -> "The run may have been stopped or swept. See the list of runs.";
            case UNREACHABLE -> "The Kubernetes API server did not answer; the catalog itself keeps working.";
            case FORBIDDEN -> "The service account lacks a permission: check the chart's Role and ClusterRole.";
            default -> "Try again in a moment.";
        };
        if (e.kind() != ClusterException.Kind.NOT_FOUND && e.kind() != ClusterException.Kind.INVALID) {
            LOGGER.warning(() -> req.prologue().method().text() + " " + req.path().absolute().path() + ": " + e.getMessage());
        }
        answer(req, res, status, title, e.getMessage(), hint);
    }

    private void unexpected(ServerRequest req, ServerResponse res, Throwable e) {
        LOGGER.log(Level.SEVERE, "Unexpected failure on " + req.prologue().method().text() + " " + req.path().absolute().path(), e);
        answer(req, res, Status.INTERNAL_SERVER_ERROR_500, "Something went wrong",
                "The catalog failed unexpectedly while answering this request. The error has been logged.");
    }

    private void answer(ServerRequest req, ServerResponse res, Status status, String title, String message) {
        answer(req, res, status, title, message, hint(status));
    }

    private void answer(ServerRequest req, ServerResponse res, Status status, String title, String message,
                        String hint) {
        if (res.isSent()) {
            return;
        }
        if (req.path().absolute().path().startsWith("/api/")) {
            Json.send(res, status, new Json.Error(message));
            return;
        }
        Html.send(res, status, page(templates, status, title, message, hint, null));
    }

    /**
     * The error page; one that cannot be rendered becomes a plain one.
     *
     * @param auth the page frame's viewer part, or {@code null} for the viewer of the request on this thread
     */
    public static String page(Templates templates, Status status, String title, String message, String hint,
                       Map<String, Object> auth) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", title);
        model.put("status", status.code());
        model.put("message", message == null ? "" : message);
        model.put("hint", hint);
        if (auth != null) {
            model.put("auth", auth);
        }
        try {
            return templates.render("error.ftlh", model);
        } catch (RuntimeException renderFailure) {
            LOGGER.log(Level.SEVERE, "Cannot render the error page", renderFailure);
            return "<!doctype html><title>Error</title><p>" + status.code() + " The catalog cannot show this page "
                   + "right now.</p>";
        }
    }

    private static String title(Status status) {
        return switch (status.code()) {
            case 400 -> "Bad request";
            case 403 -> "Forbidden";
            case 421 -> "Unknown host name";
            case 404 -> "Not found";
            default -> status.reasonPhrase();
        };
    }

    private static String hint(Status status) {
        return switch (status.code()) {
            case 503 -> "The registry did not answer. Check that it is running and that registry.url points at it; "
                    + "this page works again as soon as it does.";
            case 502 -> "The registry answered, but not as expected. Check registry.username and registry.password "
                    + "(REGISTRY_USERNAME / REGISTRY_PASSWORD) and the registry's logs.";
            case 403 -> "The request was refused. If you submitted a form, reload its page and submit it again.";
            case 504 -> "The registry did not answer in time. Try again; if it persists, check the registry's load.";
            case 404 -> "Check the name, or go back to the list of repositories.";
            case 400 -> "Check the address or the form values.";
            default -> "Try again in a moment.";
        };
    }
}
