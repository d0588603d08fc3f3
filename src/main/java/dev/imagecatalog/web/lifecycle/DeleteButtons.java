package dev.imagecatalog.web.lifecycle;

import java.util.Map;

import dev.imagecatalog.catalog.lifecycle.DeleteSettings;
import dev.imagecatalog.catalog.lifecycle.DeletionMode;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.catalog.TagDeleteSection;

import io.helidon.webserver.http.ServerRequest;

/**
 * The Untag and Delete image buttons of a tag page, when deletes are enabled; an anonymous visitor sees a sign-in
 * prompt instead (the cluster decides who may delete). Each button leads to a preview, never straight to a delete.
 */
public final class DeleteButtons implements TagDeleteSection {

    private final DeleteSettings settings;

    /** Shown only when {@code settings} enable deletes. */
    public DeleteButtons(DeleteSettings settings) {
        this.settings = settings;
    }

    @Override
    public void addTo(Map<String, Object> model, ServerRequest req, TagDetail detail) {
        if (!settings.enabled() || detail.summary().digest() == null) {
            return;
        }
        if (Guard.viewer(req).identity().isEmpty()) {
            model.put("signInToDelete", true);
            model.put("signInNext", req.path().absolute().path());
            return;
        }
        String tag = detail.summary().name();
        model.put("deleteActions", Map.of(
                "untagHref", DeletionPages.href(detail.repository(), tag, DeletionMode.UNTAG),
                "deleteHref", DeletionPages.href(detail.repository(), tag, DeletionMode.IMAGE)));
    }
}
