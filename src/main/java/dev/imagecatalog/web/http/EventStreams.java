package dev.imagecatalog.web.http;

import java.time.Duration;

/** What every server-sent event stream of the service shares: how long it lives and how often it proves so. */
public final class EventStreams {

    /**
     * How long one stream lives: anyone may listen to some of them, so none lives for ever; {@code EventSource}
     * reconnects by itself.
     */
    public static final Duration LIFETIME = Duration.ofMinutes(10);
    /** A comment this often finds out whether the client is still there while nothing happens. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private EventStreams() {
    }
}
