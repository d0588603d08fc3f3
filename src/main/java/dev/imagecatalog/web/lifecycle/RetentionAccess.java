package dev.imagecatalog.web.lifecycle;

import java.util.List;

import dev.imagecatalog.auth.Permission;
import dev.imagecatalog.catalog.lifecycle.Retention;
import dev.imagecatalog.catalog.lifecycle.RetentionPlan;
import dev.imagecatalog.web.access.Viewer;
import dev.imagecatalog.web.http.WebException;

/** The checks retention's page and API share: deletes enabled, and who may delete from which repository. */
final class RetentionAccess {

    static final String DISABLED = "Retention is off because image deletes are disabled: an operator enables them"
            + " with registry.delete.enabled=true (chart value, env REGISTRY_DELETE_ENABLED).";

    private RetentionAccess() {
    }

    /** 403 saying how to enable deletes, when they are off. */
    static void requireEnabled(Retention retention) {
        if (!retention.settings().deletesEnabled()) {
            throw WebException.forbidden(DISABLED);
        }
    }

    /** The repositories the plan deletes from that the viewer may not delete from (all of them for nobody). */
    static List<String> notPermitted(Viewer viewer, RetentionPlan plan) {
        return plan.touched().stream().filter(r -> !viewer.allows(Permission.deleteRepository(r))).toList();
    }

    /**
     * Requires a signed-in viewer allowed to delete from every repository the plan touches.
     *
     * @throws dev.imagecatalog.auth.NotSignedInException nobody signed in (401)
     * @throws WebException                               403 naming every missing permission
     */
    static void requireAll(Viewer viewer, RetentionPlan plan) {
        List<String> touched = plan.touched();
        if (touched.isEmpty()) {
            return;
        }
        if (viewer.identity().isEmpty()) {
            viewer.require(Permission.deleteRepository(touched.getFirst()));
        }
        List<String> denied = notPermitted(viewer, plan);
        if (!denied.isEmpty()) {
            String who = viewer.identity().map(i -> i.user()).orElse("You");
            throw WebException.forbidden(who + " may not " + String.join("; ", denied.stream()
                    .map(r -> Permission.deleteRepository(r).describe()).toList()) + " (ask a cluster administrator"
                    + " for a RoleBinding that grants it); nothing was deleted.");
        }
    }
}
