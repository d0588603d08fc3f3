package dev.imagecatalog.web.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.config.Config;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Closes a connection whose request headers do not arrive within {@link #TIMEOUT} of its request line.
 *
 * <p>Helidon 4.5 has no such setting: {@code server.idle-connection-timeout} closes a connection that sends nothing
 * or only part of a request line (checked every {@code idle-connection-period}), but once the request line is read a
 * client that stops half-way through the headers holds its connection and thread for ever
 * ({@code connection-options.read-timeout} applies to clients only). This listener notes when a request line has
 * been read and when its headers have; one daemon thread interrupts the connections that are late, and interrupting
 * a (virtual) connection thread blocked in a socket read closes the socket.
 */
public final class HeaderTimeout implements Http1ConnectionListener {

    /** Longest wait for the headers after the request line (a real client sends them in the same packet). */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String HTTP_1_1 = "http_1_1";
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    private static final Logger LOGGER = Logger.getLogger(HeaderTimeout.class.getName());
    /** Connection threads reading headers now, with the time they must be done by (System.nanoTime). */
    private static final Map<Thread, Long> READING = new ConcurrentHashMap<>();
    private static final HeaderTimeout INSTANCE = new HeaderTimeout();

    static {
        Thread.ofPlatform().daemon().name("header-timeout").start(HeaderTimeout::watch);
    }

    private HeaderTimeout() {
    }

    /**
     * Adds the listener to the server's HTTP/1.1 settings. Helidon reads {@code protocols} from the configuration only
     * when the server is built, and a protocol added here replaces the configured one of the same name, so the
     * configured settings are read here and kept.
     *
     * @param server       the server builder
     * @param serverConfig the server's configuration node ({@code server}); its {@code protocols.http_1_1} is kept
     */
    public static void install(WebServerConfig.Builder server, Config serverConfig) {
        Config http1 = serverConfig.get("protocols").get(HTTP_1_1);
        Http1Config.Builder config = Http1Config.builder();
        if (http1.exists()) {
            config.config(http1);
        }
        server.addProtocol(withListener(config.name(HTTP_1_1).build()));
    }

    private static Http1Config withListener(Http1Config config) {
        // the connection calls only the composite; Helidon 4.5's composite of several listeners
        // (Http1ConnectionListener.create) forwards data but drops prologue and headers, so we chain by hand
        // (and rebuilds it from the list on build), so the list becomes one listener: the old composite, then ours
        return Http1Config.builder().from(config)
                .receiveListeners(List.of(new Chained(config.compositeReceiveListener()))).build();
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        READING.put(Thread.currentThread(), System.nanoTime() + TIMEOUT.toNanos());
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        READING.remove(Thread.currentThread());
    }

    /** Helidon's own listener (request logging), then ours. */
    private record Chained(Http1ConnectionListener first) implements Http1ConnectionListener {

        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            first.prologue(ctx, prologue);
            INSTANCE.prologue(ctx, prologue);
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            first.headers(ctx, headers);
            INSTANCE.headers(ctx, headers);
        }

        @Override
        public void status(ConnectionContext ctx, Status status) {
            first.status(ctx, status);
        }

        @Override
        public void data(ConnectionContext ctx, BufferData data) {
            first.data(ctx, data);
        }

        @Override
        public void data(ConnectionContext ctx, byte[] bytes, int offset, int length) {
            first.data(ctx, bytes, offset, length);
        }
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(CHECK_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            READING.forEach((thread, deadline) -> {
                // remove(key, value): headers that arrive meanwhile win, and the thread is left alone
                if (now - deadline > 0 && READING.remove(thread, deadline)) {
                    if (thread.isAlive()) {
                        LOGGER.fine(() -> "closing a connection whose headers did not arrive within " + TIMEOUT);
                        thread.interrupt();
                    }
                }
            });
        }
    }
}
