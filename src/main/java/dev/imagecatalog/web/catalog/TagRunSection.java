package dev.imagecatalog.web.catalog;

import java.util.Map;

import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.runner.LaunchException;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The Run part of a tag page, supplied by the runs feature: the catalog's page shows an image, the runs feature
 * decides whether and how it can be run, so the catalog's pages need not know runs (and the two features' pages
 * depend one way only).
 */
@FunctionalInterface
public interface TagRunSection {

    /** No runs: the tag page shows the image only. */
    TagRunSection NONE = (model, req, res, detail, form, error) -> { };

    /**
     * Adds the Run form (or the sign-in prompt) to a tag page's model.
     *
     * @param form  the submitted form shown again, empty for a fresh page
     * @param error why a submitted form was refused, {@code null} for none
     */
    void addTo(Map<String, Object> model, ServerRequest req, ServerResponse res, TagDetail detail,
               Map<String, String> form, LaunchException error);
}
