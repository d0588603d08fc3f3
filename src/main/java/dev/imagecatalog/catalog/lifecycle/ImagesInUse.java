package dev.imagecatalog.catalog.lifecycle;

import java.util.List;
import java.util.Map;

/**
 * Which manifest digests the cluster's pods use, as the cluster reports them (the port the cluster adapter serves):
 * what a delete preview names under "in use" and what retention always keeps.
 */
@FunctionalInterface
public interface ImagesInUse {

    /** No cluster: nothing is known to be in use. */
    ImagesInUse NONE = Map::of;

    /**
     * The pods using each digest ({@code sha256:…}), by digest. A digest is the one the container runs — for a
     * multi-platform image the platform's manifest, which the caller maps to its index.
     */
    Map<String, List<PodUse>> byDigest();
}
