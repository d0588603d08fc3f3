package dev.imagecatalog.catalog.index;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the events waiting for one repository ask for, coalesced: the last digest pushed per tag, the tags deleted
 * by name, the digests deleted, whether the whole repository must be re-read. Applied as one read of the
 * repository ({@link IndexUpdater#apply}) however many events it took in — a thousand deletes without a digest
 * re-read the tags once, not a thousand times. Order between kinds does not matter: pushes are applied first and
 * every delete is checked against the registry as it is when the job runs. Not thread-safe (guarded by the
 * {@link EventIntake}).
 */
final class RepositoryEvents {

    private final String repository;
    /** Tag → digest pushed (null: read the tag by name), the latest event's digest per tag. */
    private final Map<String, String> pushes = new LinkedHashMap<>();
    private final Set<String> deletedTags = new LinkedHashSet<>();
    private final Set<String> deletedDigests = new LinkedHashSet<>();
    private boolean rereadAll;
    private int events;

    RepositoryEvents(String repository) {
        this.repository = repository;
    }

    /** Takes an event in; false when it changes nothing a page shows (pulls, blob pushes, pushes by digest only). */
    boolean add(RegistryEvent e) {
        switch (e.action()) {
            case "push" -> {
                if (e.tag() == null) {
                    return false;
                }
                // a push without a digest after one with it: the tag is read by name, which is the newest truth
                pushes.put(e.tag(), e.digest());
            }
            case "delete" -> {
                if (e.tag() != null && e.digest() == null) {
                    deletedTags.add(e.tag());
                } else if (e.digest() != null) {
                    deletedDigests.add(e.digest());
                } else {
                    rereadAll = true;
                }
            }
            default -> {
                return false;
            }
        }
        events++;
        return true;
    }

    /** Takes in what another job for the same repository holds (that job is dropped). */
    void merge(RepositoryEvents other) {
        other.pushes.forEach(pushes::put);
        deletedTags.addAll(other.deletedTags);
        deletedDigests.addAll(other.deletedDigests);
        rereadAll |= other.rereadAll;
        events += other.events;
    }

    /** Distinct things to read: what counts toward {@code registry.events.max-pending}. */
    int entries() {
        return pushes.size() + deletedTags.size() + deletedDigests.size() + (rereadAll ? 1 : 0);
    }

    /** Events taken in. */
    int events() {
        return events;
    }

    /** Whether a tag was pushed with its digest (what the registry itself always sends). */
    boolean pushedWithDigest() {
        return pushes.values().stream().anyMatch(d -> d != null);
    }

    String repository() {
        return repository;
    }

    Map<String, String> pushes() {
        return pushes;
    }

    Set<String> deletedTags() {
        return deletedTags;
    }

    Set<String> deletedDigests() {
        return deletedDigests;
    }

    boolean rereadAll() {
        return rereadAll;
    }

    @Override
    public String toString() {
        return repository + " (" + events + " events: pushes " + pushes.keySet() + ", deleted tags " + deletedTags
                + ", deleted digests " + deletedDigests.size() + (rereadAll ? ", re-read all" : "") + ")";
    }
}
