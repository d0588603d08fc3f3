package dev.imagecatalog.web.lifecycle;

import dev.imagecatalog.catalog.lifecycle.DeletionMode;
import dev.imagecatalog.registry.Digests;
import dev.imagecatalog.web.catalog.RepositoryPath;
import dev.imagecatalog.web.http.WebException;

import io.helidon.webserver.http.ServerRequest;

/**
 * The tag a delete request addresses ({@code …/repositories/<name>/tags/<tag>[/<suffix>]}), its mode and, for the
 * delete itself, the digest the caller previewed; bad input is a 400 with the reason.
 *
 * @param repository repository
 * @param tag        tag
 * @param mode       untag or image
 */
record DeletionTarget(String repository, String tag, DeletionMode mode) {

    private static final String REPOSITORIES = "/repositories/";

    /**
     * The target of a request whose path is {@code …/repositories/<name>/tags/<tag>} followed by {@code suffix}
     * ({@code ""}, {@code /delete} or {@code /deletion}); {@code mode} from the query or the form.
     */
    static DeletionTarget of(ServerRequest req, String suffix, String mode) {
        String path = req.path().absolute().path();
        String rest = path.substring(path.indexOf(REPOSITORIES) + REPOSITORIES.length(), path.length() - suffix.length());
        RepositoryPath target = RepositoryPath.parse(rest, false);
        if (target.tag() == null) {
            throw WebException.notFound("No such address: use /repositories/<name>/tags/<tag>" + suffix + ".");
        }
        return new DeletionTarget(target.repository(), target.tag(), mode(mode));
    }

    /** {@code untag} or {@code image}; anything else (or nothing) is a 400. */
    static DeletionMode mode(String value) {
        return DeletionMode.parse(value == null ? null : value.trim()).orElseThrow(() -> WebException.badRequest(
                "mode must be untag or image, got \"" + (value == null ? "" : value) + "\"."));
    }

    /** The digest the caller previewed; a missing or malformed one is a 400 (a delete never guesses it). */
    static String digest(String value) {
        String digest = value == null ? "" : value.trim();
        if (!Digests.isValid(digest)) {
            throw WebException.badRequest("digest must be the digest the preview showed (sha256:<64 hex>), got \""
                                          + digest + "\".");
        }
        return digest;
    }

    /**
     * Whether the request is this feature's: its path ends with the suffix after a tag's address. A tag literally
     * named {@code delete} or {@code deletion} ({@code …/tags/delete}) is the catalog's, not ours.
     */
    static boolean addresses(ServerRequest req, String suffix) {
        String path = req.path().absolute().path();
        if (!path.endsWith(suffix) || !path.contains(REPOSITORIES)) {
            return false;
        }
        String rest = path.substring(path.indexOf(REPOSITORIES) + REPOSITORIES.length(), path.length() - suffix.length());
        try {
            return RepositoryPath.parse(rest, false).tag() != null;
        } catch (WebException notATag) {
            return false;
        }
    }
}
