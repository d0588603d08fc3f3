package dev.imagecatalog.catalog.index;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Hands a registry notification on to the other replicas, so every replica applies a push within a second, not
 * only the one the registry's notification reached. Peers are a static list ({@code registry.events.peers}) and/or
 * the A records of a headless Service ({@code registry.events.peers-service}), this pod's own addresses left out.
 * A forwarded envelope carries {@value #FORWARDED_HEADER} so the receiver does not forward it again.
 */
public final class PeerForwarder {

    /** Marks an envelope a replica forwarded. */
    public static final String FORWARDED_HEADER = "X-Catalog-Forwarded";

    private static final Logger LOGGER = Logger.getLogger(PeerForwarder.class.getName());

    private final IndexSettings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param settings where the peers are, and the token they expect
     */
    public PeerForwarder(IndexSettings settings) {
        this.settings = settings;
    }

    /** Whether there is anyone to forward to. */
    public boolean enabled() {
        return settings.eventsToken() != null && (!settings.peers().isEmpty() || settings.peersService() != null);
    }

    /** Sends the envelope to every peer in the background; failures are logged (the reconcile is the safety net). */
    public void forward(byte[] envelope) {
        for (URI peer : peers()) {
            HttpRequest request = HttpRequest.newBuilder(peer.resolve("/api/registry/events"))
                    .timeout(Duration.ofSeconds(2))
                    .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                    .header("Authorization", "Bearer " + settings.eventsToken())
                    .header(FORWARDED_HEADER, "1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null) {
                    LOGGER.warning(() -> "Cannot forward a registry event to " + peer + ": " + e.getMessage());
                } else if (r.statusCode() / 100 != 2) {
                    LOGGER.warning(() -> "Peer " + peer + " refused a forwarded registry event: HTTP " + r.statusCode());
                }
            });
        }
    }

    /**
     * Sends a message that carries its own proof (a signed session cookie) to every peer, in the background: the
     * peers are known without an events token. Failures are logged; the sender does not wait.
     *
     * @param path        the peers' endpoint, e.g. {@code /api/sessions/signed-out}
     * @param contentType the body's media type
     */
    public void announce(String path, String contentType, byte[] body) {
        for (URI peer : peers()) {
            HttpRequest request = HttpRequest.newBuilder(peer.resolve(path))
                    .timeout(Duration.ofSeconds(2))
                    .header("Content-Type", contentType)
                    .header(FORWARDED_HEADER, "1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() / 100 != 2) {
                    LOGGER.warning(() -> "Cannot tell " + peer + path + ": "
                            + (e != null ? e.getMessage() : "HTTP " + r.statusCode()));
                }
            });
        }
    }

    /** The peers now: the static list plus the Service's addresses that are not this pod's. */
    List<URI> peers() {
        List<URI> peers = new ArrayList<>(settings.peers());
        if (settings.peersService() != null) {
            Set<InetAddress> own = ownAddresses();
            try {
                for (InetAddress a : InetAddress.getAllByName(settings.peersService())) {
                    if (!own.contains(a)) {
                        String host = a.getHostAddress().contains(":") ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
                        peers.add(URI.create("http://" + host + ":" + settings.peersPort()));
                    }
                }
            } catch (UnknownHostException e) {
                LOGGER.fine(() -> "No peers behind " + settings.peersService() + " (" + e.getMessage() + ")");
            }
        }
        return peers;
    }

    private static Set<InetAddress> ownAddresses() {
        Set<InetAddress> own = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                own.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            LOGGER.fine(() -> "Cannot list this pod's addresses: " + e.getMessage());
        }
        return own;
    }
}
