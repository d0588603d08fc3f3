package dev.imagecatalog.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The moment by which the current page or API request must have its answer, carried to every registry call made
 * for it. It is an inheritable thread-local (not a {@code ScopedValue}, still a preview in Java 21) so that the
 * virtual threads a page starts to read manifests in parallel inherit it; {@link DistributionClient} stops waiting
 * for the registry at this moment with a {@link RegistryException.Kind#TIMEOUT} and, when no other request shares
 * the call, abandons it and closes its connection.
 */
public final class RequestDeadline {

    private static final InheritableThreadLocal<Instant> CURRENT = new InheritableThreadLocal<>();

    private RequestDeadline() {
    }

    /**
     * Runs {@code work} with a deadline {@code budget} from now (or the current one when that is earlier).
     *
     * @param budget how long the work may wait for the registry in total
     * @param work   the request's handling
     */
    public static void run(Duration budget, Runnable work) {
        Instant previous = CURRENT.get();
        Instant deadline = Instant.now().plus(budget);
        CURRENT.set(previous != null && previous.isBefore(deadline) ? previous : deadline);
        try {
            work.run();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** The current request's deadline, empty outside a request (e.g. background work). */
    static Optional<Instant> current() {
        return Optional.ofNullable(CURRENT.get());
    }
}
