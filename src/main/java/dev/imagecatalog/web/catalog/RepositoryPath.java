package dev.imagecatalog.web.catalog;

import dev.imagecatalog.web.http.WebException;

import java.util.regex.Pattern;

/**
 * The part of a URL after {@code /repositories/}: a repository name (which may contain {@code /}),
 * optionally followed by {@code /tags} or {@code /tags/<tag>}.
 *
 * <p>Tag names cannot contain {@code /}, so a path whose next-to-last segment is {@code tags} addresses a
 * tag — the same rule the Distribution API uses for {@code /v2/<name>/tags/list}. A repository whose name
 * itself ends in {@code /tags/<x>} is therefore read as tag {@code x} of its parent first; the pages fall back
 * to that repository when the tag does not exist (the API has no repository-level route, so it is unambiguous).
 *
 * @param repository repository name
 * @param tag        tag name, {@code null} when the path addresses the repository
 * @param tagList    whether the path ends in {@code /tags} (the API's tag list)
 */
public record RepositoryPath(String repository, String tag, boolean tagList) {

    /** Distribution's repository name grammar (path components separated by {@code /}). */
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    /** Distribution's tag grammar. */
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final String TAGS = "/tags";

    /**
     * Parses the path below {@code /repositories/}.
     *
     * @param rest             e.g. {@code team-a/app}, {@code team-a/app/tags/v1}
     * @param tagListAllowed   whether a trailing {@code /tags} means the tag list (API) or is part of the name
     * @return the parsed path
     * @throws WebException 400 when the name or tag is not valid for a registry
     */
    public static RepositoryPath parse(String rest, boolean tagListAllowed) {
        String path = rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
        if (tagListAllowed && path.endsWith(TAGS) && path.length() > TAGS.length()) {
            return of(path.substring(0, path.length() - TAGS.length()), null, true);
        }
        int lastSlash = path.lastIndexOf('/');
        if (lastSlash > 0) {
            String head = path.substring(0, lastSlash);
            if (head.endsWith(TAGS) && head.length() > TAGS.length()) {
                return of(head.substring(0, head.length() - TAGS.length()), path.substring(lastSlash + 1), false);
            }
        }
        return of(path, null, false);
    }

    /** Whether a string is a valid repository name. */
    public static boolean isRepositoryName(String name) {
        return name.length() <= 255 && NAME.matcher(name).matches();
    }

    /** Whether a string is a valid tag name. */
    public static boolean isTagName(String tag) {
        return TAG.matcher(tag).matches();
    }

    private static RepositoryPath of(String repository, String tag, boolean tagList) {
        if (!isRepositoryName(repository)) {
            throw WebException.badRequest("\"" + repository + "\" is not a valid repository name "
                    + "(lower-case letters, digits and . _ - separated by /).");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw WebException.badRequest("\"" + tag + "\" is not a valid tag name.");
        }
        return new RepositoryPath(repository, tag, tagList);
    }
}
