package dev.imagecatalog.runner;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;

/**
 * Which layers a node already holds, as far as the catalog can tell: the node reports the names of its images
 * ({@code status.images}); those pulled from our registry ({@code <pull-host>/<repository>@<digest>} or
 * {@code :<tag>}) are looked up in the catalog and their layer digests collected. One instance serves one pre-flight
 * (a few nodes share the look-ups), bounded so a node holding hundreds of images costs a fixed number of reads.
 */
final class LayerKnowledge {

    private final Catalog catalog;
    private final int maxLookups;
    private final Map<String, TagDetail> looked = new HashMap<>();
    private int lookups;

    LayerKnowledge(Catalog catalog, int maxLookups) {
        this.catalog = catalog;
        this.maxLookups = maxLookups;
    }

    /** Digests of the layers of the catalog images the node holds (for the node's platform). */
    Set<String> heldBy(Node node) {
        String prefix = catalog.pullHost() + "/";
        Set<String> layers = new HashSet<>();
        for (String name : node.images()) {
            if (!name.startsWith(prefix)) {
                continue;
            }
            TagDetail image = lookup(name.substring(prefix.length()));
            if (image == null) {
                continue;
            }
            for (PlatformDetail p : image.platforms()) {
                // an index's other platforms are not on this node: only the one its kubelet would have pulled
                if (node.os().equals(p.image().platform().os())
                    && node.architecture().equals(p.image().platform().architecture())) {
                    p.layers().stream().map(Layer::digest).forEach(layers::add);
                }
            }
        }
        return layers;
    }

    /** {@code repo@digest} or {@code repo:tag} from the catalog; {@code null} when unknown, unreadable or over budget. */
    private TagDetail lookup(String reference) {
        if (looked.containsKey(reference)) {
            return looked.get(reference);
        }
        if (lookups >= maxLookups) {
            return null;
        }
        lookups++;
        TagDetail found = null;
        try {
            int at = reference.indexOf('@');
            int colon = reference.lastIndexOf(':');
            if (at > 0) {
                found = catalog.digest(reference.substring(0, at), reference.substring(at + 1));
            } else if (colon > reference.lastIndexOf('/')) {
                found = catalog.tag(reference.substring(0, colon), reference.substring(colon + 1));
            }
        } catch (RegistryException | IllegalArgumentException e) {
            // gone from the registry, or not an image the catalog can read: the estimate just knows less
            found = null;
        }
        looked.put(reference, found);
        return found;
    }
}
