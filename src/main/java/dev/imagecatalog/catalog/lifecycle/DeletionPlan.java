package dev.imagecatalog.catalog.lifecycle;

import java.util.List;

/**
 * What the preview of a delete shows: the blast radius from the index and the pods that use what goes.
 *
 * @param preview    the blast radius
 * @param inUse      pods whose containers run a digest that goes (for an index: the index or one of its platforms),
 *                   sorted by namespace and name
 * @param inUseError why the cluster could not be asked, {@code null} when it answered
 */
public record DeletionPlan(DeletionPreview preview, List<PodUse> inUse, String inUseError) {

    /** Copies the list. */
    public DeletionPlan {
        inUse = List.copyOf(inUse);
    }
}
