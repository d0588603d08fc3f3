package dev.imagecatalog.web.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.http.Status;

/**
 * How many server-sent event streams may be open at once, in all and per client address. Anyone may listen to the
 * index's changes, and each open stream holds a connection, a thread and ~30 KiB; without a bound a single client
 * could hold thousands. Beyond the bound the request is answered at once (503 in all, 429 per client) with
 * {@code Retry-After}; the page's script waits that long before it listens again.
 */
public final class StreamLimits {

    /** Default bound of open streams (about 15 MiB of heap at ~30 KiB each). */
    public static final int MAX_STREAMS = 500;
    /** Default bound per client: a browser opens at most 6 connections per host, a few tabs share them. */
    public static final int MAX_STREAMS_PER_CLIENT = 16;
    /** What {@code Retry-After} says: a stream ends every ten minutes, so slots free up within minutes. */
    public static final int RETRY_AFTER_SECONDS = 30;

    private final int max;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    // an entry exists only while its client has a stream open, so the map is bounded by max
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();

    public StreamLimits(int max, int maxPerClient) {
        this.max = max;
        this.maxPerClient = maxPerClient;
    }

    /**
     * A slot for one stream of the client, to close when the stream ends.
     *
     * @throws Refused when the bound in all or the client's is reached
     */
    public Slot open(String client) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            throw new Refused(Status.SERVICE_UNAVAILABLE_503, "The server has " + max + " event streams open, its "
                    + "most; try again in " + RETRY_AFTER_SECONDS + " s.");
        }
        boolean[] admitted = {false};
        perClient.compute(client, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPerClient) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            throw new Refused(Status.TOO_MANY_REQUESTS_429, "This client has " + maxPerClient + " event streams "
                    + "open, its most; close some pages or try again in " + RETRY_AFTER_SECONDS + " s.");
        }
        return new Slot(client);
    }

    /** Streams open now (all clients). */
    int open() {
        return open.get();
    }

    /** One open stream; closing it twice frees it once. */
    public final class Slot implements AutoCloseable {

        private final String client;
        private boolean closed;

        private Slot(String client) {
            this.client = client;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            open.decrementAndGet();
        }
    }

    /** The answer when no slot is free: the status and the reason. */
    public static final class Refused extends RuntimeException {

        private final Status status;

        Refused(Status status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public Status status() {
            return status;
        }
    }
}
