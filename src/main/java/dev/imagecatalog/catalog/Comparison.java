package dev.imagecatalog.catalog;

import java.util.List;
import java.util.Map;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.PlatformImage;

/**
 * What changed from one tag to another ({@link Catalog#compare}), per platform; built by {@link Comparisons}.
 *
 * @param from      the older side, as asked
 * @param to        the newer side
 * @param platforms one entry per platform of either side: matched platforms first in {@code to}'s order, then those
 *                  only one side has
 */
public record Comparison(Side from, Side to, List<PlatformChange> platforms) {

    /** Defensive copy. */
    public Comparison {
        platforms = List.copyOf(platforms);
    }

    /**
     * One side of a comparison.
     *
     * @param repository repository
     * @param tag        tag
     * @param digest     the manifest the tag points at
     * @param kind       what it is (only images and indexes have platforms to compare)
     */
    public record Side(String repository, String tag, String digest, ArtifactKind kind) {

        /** Whether it is an image (single or multi-platform). */
        public boolean image() {
            return kind == ArtifactKind.IMAGE || kind == ArtifactKind.INDEX;
        }
    }

    /** Which side alone has a platform. */
    public enum Only {
        /** Only the {@code from} tag has it (it was dropped). */
        FROM,
        /** Only the {@code to} tag has it (it was added). */
        TO
    }

    /**
     * The change of one platform.
     *
     * @param platform    os / architecture / variant
     * @param only        which side alone has it, {@code null} when both do
     * @param from        the {@code from} image, {@code null} when only {@code to} has it
     * @param to          the {@code to} image, {@code null} when only {@code from} has it
     * @param sizeDelta   compressed size of {@code to} minus that of {@code from} (a missing side counts 0)
     * @param layers      layers by digest
     * @param configKnown whether both configs were read (else {@code config} is empty: nothing to compare)
     * @param config      the config fields that differ, by their config name ({@code Entrypoint}, {@code Env}…)
     * @param history     history steps added and removed
     */
    public record PlatformChange(Platform platform, Only only, PlatformImage from, PlatformImage to, long sizeDelta,
                                 LayerChanges layers, boolean configKnown, Map<String, FieldChange> config,
                                 HistoryChanges history) {
    }

    /**
     * Layers compared by digest, as multisets: a layer twice in {@code to} and once in {@code from} is shared once
     * and added once.
     *
     * @param shared  in both, in {@code to}'s order
     * @param added   only in {@code to} (or more often), in {@code to}'s order
     * @param removed only in {@code from} (or more often), in {@code from}'s order
     */
    public record LayerChanges(List<Layer> shared, List<Layer> added, List<Layer> removed) {

        /** Defensive copies. */
        public LayerChanges {
            shared = List.copyOf(shared);
            added = List.copyOf(added);
            removed = List.copyOf(removed);
        }

        /** Compressed bytes of the added layers (what a node holding {@code from} downloads). */
        public long addedBytes() {
            return added.stream().mapToLong(Layer::size).sum();
        }

        /** Compressed bytes of the removed layers. */
        public long removedBytes() {
            return removed.stream().mapToLong(Layer::size).sum();
        }

        /** Compressed bytes of the shared layers. */
        public long sharedBytes() {
            return shared.stream().mapToLong(Layer::size).sum();
        }
    }

    /**
     * One config field's two values. Lists ({@code Entrypoint}, {@code Cmd}, {@code ExposedPorts}) and strings
     * ({@code User}, {@code WorkingDir}, {@code null} when unset) whole; {@code Env} and {@code Labels} as maps of
     * only the variables / labels that differ (a name missing on one side is unset there).
     *
     * @param from value in {@code from}
     * @param to   value in {@code to}
     */
    public record FieldChange(Object from, Object to) {
    }

    /**
     * History steps compared by instruction, comment and empty-layer flag (not by date: a rebuild of the same
     * Dockerfile is the same history), as multisets.
     *
     * @param added   steps only {@code to} has, in its order
     * @param removed steps only {@code from} has, in its order
     */
    public record HistoryChanges(List<HistoryEntry> added, List<HistoryEntry> removed) {

        /** Defensive copies. */
        public HistoryChanges {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
        }
    }
}
