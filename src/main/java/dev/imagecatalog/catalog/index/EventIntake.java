package dev.imagecatalog.catalog.index;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies registry notifications to the index: a push of a tag points the tag at the pushed digest (read by
 * digest unless the repository already has it), a delete re-reads the
 * repository's tag list (and the tags that pointed at the deleted digest); pulls, blob pushes and pushes by digest
 * only (index children) change nothing a page shows. Work runs in the background so the registry's notification
 * (which has a short timeout and retries) is answered at once; an envelope received from the registry is also
 * handed to the other replicas.
 */
public final class EventIntake implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(EventIntake.class.getName());

    private final IndexUpdater updater;
    private final RegistryIndex index;
    private final PeerForwarder forwarder;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param updater   reads what an event names
     * @param index     the index (records when an event was applied)
     * @param forwarder the other replicas
     */
    public EventIntake(IndexUpdater updater, RegistryIndex index, PeerForwarder forwarder) {
        this.updater = updater;
        this.index = index;
        this.forwarder = forwarder;
    }

    /**
     * Accepts an envelope.
     *
     * @param envelope  the body as received
     * @param forwarded whether another replica forwarded it (then it is not forwarded again)
     * @return the number of events that will update the index
     * @throws IllegalArgumentException when the body is not an envelope
     */
    public int accept(byte[] envelope, boolean forwarded) {
        List<RegistryEvent> events = RegistryEvent.parse(envelope);
        if (!forwarded && forwarder.enabled()) {
            forwarder.forward(envelope);
        }
        int applied = 0;
        for (RegistryEvent e : events) {
            Runnable work = work(e);
            if (work != null) {
                applied++;
                executor.submit(() -> {
                    try {
                        work.run();
                        index.eventApplied();
                    } catch (RuntimeException ex) {
                        // the reconcile finds what this missed
                        LOGGER.log(Level.WARNING, "Cannot apply registry event " + e + ": " + ex.getMessage());
                    }
                });
            }
        }
        return applied;
    }

    private Runnable work(RegistryEvent e) {
        return switch (e.action()) {
            case "push" -> e.tag() == null ? null : () -> updater.refreshTag(e.repository(), e.tag(), e.digest());
            case "delete" -> e.tag() != null && e.digest() == null
                    ? () -> updater.refreshTag(e.repository(), e.tag(), null)
                    : () -> updater.refreshAfterDelete(e.repository(), e.digest());
            default -> null;
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
