package dev.imagecatalog.catalog.index;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Asks the other replicas (those {@link PeerForwarder} finds) for their index, one after the other, with the events
 * token: the first verified copy wins. Each peer gets {@code index.peer-timeout} for everything, connect to last
 * byte, and at most {@code index.max-copy-bytes}; a peer that refuses, is not ready (503), answers garbage or
 * trickles is given up and the next asked — the replica falls back to its snapshot or a crawl in bounded time.
 */
public final class PeerCopy {

    /** Where a replica serves its copy. */
    public static final String PATH = "/api/index/snapshot";

    private static final Logger LOGGER = Logger.getLogger(PeerCopy.class.getName());

    private final PeerForwarder peers;
    private final IndexSettings settings;
    private final RestartSettings restart;

    /**
     * @param peers    who the other replicas are
     * @param settings the events token
     * @param restart  deadline and size bound
     */
    public PeerCopy(PeerForwarder peers, IndexSettings settings, RestartSettings restart) {
        this.peers = peers;
        this.settings = settings;
        this.restart = restart;
    }

    /** Whether a copy can be asked for (peers and an events token to prove this replica to them). */
    public boolean enabled() {
        return peers.enabled();
    }

    /** The first verified copy a peer gives, or empty. */
    public Optional<Copied> fetch() {
        if (!enabled()) {
            return Optional.empty();
        }
        for (URI peer : peers.peers()) {
            Optional<IndexFormat.Loaded> copy = fetch(peer);
            if (copy.isPresent()) {
                return Optional.of(new Copied(peer, copy.get()));
            }
        }
        return Optional.empty();
    }

    /** A verified copy and the peer it came from. */
    public record Copied(URI peer, IndexFormat.Loaded copy) {
    }

    private Optional<IndexFormat.Loaded> fetch(URI peer) {
        Duration deadline = restart.peerTimeout();
        AtomicReference<InputStream> body = new AtomicReference<>();
        // neither is closed with try-with-resources: both would wait for a peer that trickles, which is what the
        // deadline is there to stop; they are shut down without waiting instead
        HttpClient http = HttpClient.newBuilder().connectTimeout(min(deadline, Duration.ofSeconds(2))).build();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<IndexFormat.Loaded> task = executor.submit(() -> {
                HttpRequest request = HttpRequest.newBuilder(peer.resolve(PATH)).timeout(deadline)
                        .header("Authorization", "Bearer " + settings.eventsToken())
                        .GET().build();
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                body.set(response.body());
                try (InputStream in = response.body()) {
                    if (response.statusCode() != 200) {
                        throw new IOException("HTTP " + response.statusCode());
                    }
                    return IndexFormat.read(in, restart.maxCopyBytes());
                }
            });
            try {
                return Optional.of(task.get(deadline.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                LOGGER.warning(() -> "Peer " + peer + " did not give its index within " + deadline.toMillis()
                        + " ms; giving up on it");
                task.cancel(true);
                close(body.get());
            } catch (ExecutionException e) {
                LOGGER.warning(() -> "No index from peer " + peer + ": " + e.getCause().getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
            http.shutdownNow();
        }
        return Optional.empty();
    }

    private static void close(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                LOGGER.fine(() -> "closing a peer's copy: " + e.getMessage());
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
