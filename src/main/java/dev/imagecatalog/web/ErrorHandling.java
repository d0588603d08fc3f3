package dev.imagecatalog.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.imagecatalog.registry.RegistryException;

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
                .error(RegistryException.class, errors::registry)
                .error(HttpException.class, (req, res, e) -> errors.answer(req, res, e.status(), title(e.status()),
                        e.status().code() < 500 ? e.getMessage() : "The request could not be completed."))
                .error(Throwable.class, errors::unexpected);
    }

    private void registry(ServerRequest req, ServerResponse res, RegistryException e) {
        Status status = switch (e.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND_404;
            case UNREACHABLE -> Status.SERVICE_UNAVAILABLE_503;
            case UNAUTHORIZED, BAD_RESPONSE -> Status.BAD_GATEWAY_502;
        };
        String title = switch (e.kind()) {
            case NOT_FOUND -> "Not found";
            case UNREACHABLE -> "Registry unavailable";
            case UNAUTHORIZED -> "Registry refused our credentials";
            case BAD_RESPONSE -> "Registry error";
        };
        if (e.kind() != RegistryException.Kind.NOT_FOUND) {
            // an operator problem (registry down, wrong credentials): worth a log line, without the stack
            LOGGER.warning(() -> req.prologue().method().text() + " " + req.path().absolute().path() + ": " + e.getMessage());
        }
        answer(req, res, status, title, e.getMessage());
    }

    private void unexpected(ServerRequest req, ServerResponse res, Throwable e) {
        LOGGER.log(Level.SEVERE, "Unexpected failure on " + req.prologue().method().text() + " " + req.path().absolute().path(), e);
        answer(req, res, Status.INTERNAL_SERVER_ERROR_500, "Something went wrong",
                "The catalog failed unexpectedly while answering this request. The error has been logged.");
    }

    private void answer(ServerRequest req, ServerResponse res, Status status, String title, String message) {
        if (res.isSent()) {
            return;
        }
        if (req.path().absolute().path().startsWith("/api/")) {
            CatalogApi.send(res, status, new ApiJson.Error(message));
            return;
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", title);
        model.put("status", status.code());
        model.put("message", message == null ? "" : message);
        model.put("hint", hint(status));
        String html;
        try {
            html = templates.render("error.ftlh", model);
        } catch (RuntimeException renderFailure) {
            LOGGER.log(Level.SEVERE, "Cannot render the error page", renderFailure);
            html = "<!doctype html><title>Error</title><p>The catalog cannot show this page right now.</p>";
        }
        Html.send(res, status, html);
    }

    private static String title(Status status) {
        return switch (status.code()) {
            case 400 -> "Bad request";
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
            case 404 -> "Check the name, or go back to the list of repositories.";
            case 400 -> "Check the address or the form values.";
            default -> "Try again in a moment.";
        };
    }
}
