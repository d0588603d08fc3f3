package dev.imagecatalog.web.runs;

import java.util.List;

import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.web.http.WebException;

import io.helidon.webserver.http.ServerRequest;

/**
 * The runs list's filter ({@code ?repository=…&node=…}, both optional, exact match), shared by {@code /runs} and
 * {@code GET /api/runs}.
 *
 * @param repository repository to keep, empty for all
 * @param node       node to keep, empty for all
 */
record RunFilter(String repository, String node) {

    /** Longest accepted value: a repository name's limit (longer cannot match anything). */
    private static final int MAX = 255;

    /** From the query; over-long values are a 400. */
    static RunFilter of(ServerRequest req) {
        return new RunFilter(value(req, "repository"), value(req, "node"));
    }

    private static String value(ServerRequest req, String name) {
        String v = req.query().first(name).orElse("").trim();
        if (v.length() > MAX) {
            throw WebException.badRequest(name + " is " + v.length() + " characters long, at most " + MAX + ".");
        }
        return v;
    }

    /** Whether a filter is set. */
    boolean active() {
        return !repository.isEmpty() || !node.isEmpty();
    }

    List<Run> apply(List<Run> runs) {
        return runs.stream()
                .filter(r -> repository.isEmpty() || repository.equals(r.repository()))
                .filter(r -> node.isEmpty() || node.equals(r.node()))
                .toList();
    }
}
