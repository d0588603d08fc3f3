package dev.imagecatalog.web.catalog;

import dev.imagecatalog.web.http.WebException;

import io.helidon.webserver.http.ServerRequest;

/**
 * A compare request ({@code …/repositories/<name>/compare?from=<tag>&to=<tag>[&toRepository=<name>]}), its names
 * validated like the tag routes'; bad input is a 400 with the reason.
 *
 * @param fromRepository the repository of the address
 * @param from           the {@code from} tag
 * @param toRepository   {@code toRepository}, or the address's repository when not given
 * @param to             the {@code to} tag
 */
record CompareRequest(String fromRepository, String from, String toRepository, String to) {

    /** The last segment of a compare address. */
    static final String SUFFIX = "/compare";
    private static final String REPOSITORIES = "/repositories/";

    /**
     * Whether the request is a compare: its path ends with {@link #SUFFIX} after a repository name. A tag named
     * {@code compare} ({@code …/tags/compare}) is the tag page's.
     */
    static boolean addresses(ServerRequest req) {
        String path = req.path().absolute().path();
        if (!path.endsWith(SUFFIX) || !path.contains(REPOSITORIES)) {
            return false;
        }
        String rest = rest(path);
        if (rest.isEmpty()) {
            return false;
        }
        try {
            return RepositoryPath.parse(rest + SUFFIX, false).tag() == null;
        } catch (WebException notAName) {
            // an invalid name still addresses a compare: the compare answers the 400
            return true;
        }
    }

    /** Whether the query names neither tag (the page then may be a repository literally named {@code …/compare}). */
    static boolean bare(ServerRequest req) {
        return req.query().first("from").isEmpty() && req.query().first("to").isEmpty()
               && req.query().first("toRepository").isEmpty();
    }

    /** The repository a compare address names (validated). */
    static String repository(ServerRequest req) {
        String name = rest(req.path().absolute().path());
        if (!RepositoryPath.isRepositoryName(name)) {
            throw WebException.badRequest("\"" + name + "\" is not a valid repository name "
                    + "(lower-case letters, digits and . _ - separated by /).");
        }
        return name;
    }

    /** The request's repositories and tags; 400 naming what is missing or malformed. */
    static CompareRequest of(ServerRequest req) {
        String repository = repository(req);
        String from = tag(req, "from");
        String to = tag(req, "to");
        String toRepository = req.query().first("toRepository").orElse("").trim();
        if (toRepository.isEmpty()) {
            toRepository = repository;
        } else if (!RepositoryPath.isRepositoryName(toRepository)) {
            throw WebException.badRequest("toRepository \"" + toRepository + "\" is not a valid repository name "
                    + "(lower-case letters, digits and . _ - separated by /).");
        }
        return new CompareRequest(repository, from, toRepository, to);
    }

    private static String tag(ServerRequest req, String name) {
        String value = req.query().first(name).orElse("").trim();
        if (value.isEmpty()) {
            throw WebException.badRequest("Name the tags to compare: ?from=<tag>&to=<tag> (" + name + " is missing).");
        }
        if (!RepositoryPath.isTagName(value)) {
            throw WebException.badRequest(name + " \"" + value + "\" is not a valid tag name.");
        }
        return value;
    }

    private static String rest(String path) {
        int start = path.indexOf(REPOSITORIES) + REPOSITORIES.length();
        int end = path.length() - SUFFIX.length();
        return end <= start ? "" : path.substring(start, end);
    }
}
