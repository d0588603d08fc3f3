package dev.imagecatalog.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Shares identical in-flight registry loads: the first caller of a key starts the load on its own virtual thread,
 * later callers of the same key wait for that load's result or exception instead of asking the registry again
 * (ten views of a 100k-repository catalog cost one listing, not ten). Each waiter waits at most until its own
 * {@link RequestDeadline}; when the last waiter has left, the load is interrupted, which ends its HTTP exchange
 * and closes that connection. Nothing is cached: a key is free again once its load ends.
 */
final class SingleFlight {

    private final ConcurrentHashMap<String, Flight<?>> flights = new ConcurrentHashMap<>();

    /** One load and the number of callers still waiting for it (changed only inside the map's compute). */
    private static final class Flight<T> {
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private int waiters;
        private Thread worker;
    }

    /**
     * The result of {@code load} for {@code key}, shared with every concurrent caller of the same key.
     *
     * @param key  what is loaded, e.g. {@code manifest team/app@sha256:…}
     * @param what the operation in words, for the timeout message
     * @param load the registry call(s); runs on a new virtual thread that inherits no request deadline
     * @throws RegistryException the load's failure, or TIMEOUT when the caller's request deadline passes first
     */
    @SuppressWarnings("unchecked")
    <T> T run(String key, String what, Supplier<T> load) {
        Optional<Instant> deadline = RequestDeadline.current();
        if (deadline.isPresent() && !Instant.now().isBefore(deadline.get())) {
            throw RequestDeadline.expired(what);
        }
        Flight<T> flight = (Flight<T>) flights.compute(key, (k, existing) -> {
            Flight<T> f = (Flight<T>) existing;
            if (f == null) {
                f = start(k, load);
            }
            f.waiters++;
            return f;
        });
        try {
            return deadline.isEmpty() ? flight.result.get()
                    : flight.result.get(Math.max(0, Duration.between(Instant.now(), deadline.get()).toNanos()),
                    TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw RequestDeadline.expired(what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TIMEOUT, what + ": interrupted while waiting", e);
        } catch (ExecutionException e) {
            // a copy per waiter keeps each caller's own stack trace next to the load's
            if (e.getCause() instanceof RegistryException re) {
                throw new RegistryException(re.kind(), re.getMessage(), re);
            }
            if (e.getCause() instanceof Error error) {
                // e.g. OutOfMemoryError: this process's failure, not the registry's
                throw error;
            }
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    what + ": unexpected failure (" + e.getCause() + ")", e.getCause());
        } finally {
            leave(key, flight);
        }
    }

    private <T> Flight<T> start(String key, Supplier<T> load) {
        Flight<T> flight = new Flight<>();
        // Started inside compute (no I/O there, only a thread start) so that a leaving waiter always sees the worker.
        flight.worker = Thread.ofVirtual().name("registry-load").inheritInheritableThreadLocals(false).start(() -> {
            try {
                flight.result.complete(load.get());
            } catch (Throwable t) {
                flight.result.completeExceptionally(t);
            } finally {
                flights.remove(key, flight);
            }
        });
        return flight;
    }

    /** One waiter less; the last one to leave an unfinished load abandons it (interrupting ends its exchange). */
    private void leave(String key, Flight<?> flight) {
        flights.computeIfPresent(key, (k, f) -> {
            if (f != flight) {
                return f;
            }
            f.waiters--;
            if (f.waiters == 0 && !f.result.isDone()) {
                f.worker.interrupt();
                return null;
            }
            return f;
        });
    }
}
