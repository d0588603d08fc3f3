package dev.imagecatalog.web.catalog;

import java.util.Map;

import dev.imagecatalog.registry.TagDetail;

import io.helidon.webserver.http.ServerRequest;

/**
 * The Untag and Delete image part of a tag page, supplied by the lifecycle feature (as {@link TagRunSection} is by
 * runs), so the catalog's pages need not know deletes.
 */
@FunctionalInterface
public interface TagDeleteSection {

    /** No deletes: the tag page has no delete buttons. */
    TagDeleteSection NONE = (model, req, detail) -> { };

    /** Adds the delete buttons (or a sign-in prompt) to a tag page's model. */
    void addTo(Map<String, Object> model, ServerRequest req, TagDetail detail);
}
