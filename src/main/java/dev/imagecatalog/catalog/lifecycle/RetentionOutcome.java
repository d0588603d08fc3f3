package dev.imagecatalog.catalog.lifecycle;

import java.util.List;

/**
 * What an apply did.
 *
 * @param plan       the plan carried out
 * @param deleted    the tags deleted (with the manifest each named)
 * @param skipped    tags of the plan left in place because they no longer named the planned digest just before
 *                   their delete (re-pushed meanwhile), with where they point now
 * @param freedBytes bytes garbage collection frees after what was deleted
 */
public record RetentionOutcome(RetentionPlan plan, List<Deleted> deleted, List<Skipped> skipped, long freedBytes) {

    /** Copies the lists. */
    public RetentionOutcome {
        deleted = List.copyOf(deleted);
        skipped = List.copyOf(skipped);
    }

    /**
     * A deleted tag.
     *
     * @param repository repository
     * @param tag        tag
     * @param digest     the manifest deleted
     */
    public record Deleted(String repository, String tag, String digest) {
    }

    /**
     * A tag of the plan not deleted.
     *
     * @param repository repository
     * @param tag        tag
     * @param digest     the digest planned
     * @param reason     why it was left (e.g. where it points now)
     */
    public record Skipped(String repository, String tag, String digest, String reason) {
    }
}
