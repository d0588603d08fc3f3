package dev.imagecatalog.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small HTTP/1.1 server on a free loopback port that answers what a test tells it to — for registry behaviours a
 * real Distribution registry never shows: pagination links to other hosts or back to the first page, lying
 * {@code Docker-Content-Digest} headers, odd token realms, bodies trickled one byte at a time. It records every
 * request (method, target, headers) so tests count requests and see the {@code Authorization} each one carried, and
 * it notices when a client closes a connection while an answer is still being trickled.
 *
 * <pre>{@code
 * try (HostileRegistry registry = HostileRegistry.start(req -> Answer.json(200, "{\"repositories\":[]}"))) {
 *     ... registry.url() ... registry.requests() ...
 * }
 * }</pre>
 */
public final class HostileRegistry implements AutoCloseable {

    private final ServerSocket server;
    private final Function<Request, Answer> handler;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedWhileTrickling = new AtomicInteger();
    private final Thread acceptor;

    /**
     * One request as received.
     *
     * @param method  e.g. {@code GET}
     * @param target  path and query, e.g. {@code /v2/_catalog?n=100}
     * @param headers header names in lower case
     */
    public record Request(String method, String target, Map<String, String> headers) {

        /** The path without the query. */
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        /** The {@code Authorization} header, {@code null} when none was sent. */
        public String authorization() {
            return headers.get("authorization");
        }
    }

    /**
     * An answer.
     *
     * @param status  HTTP status
     * @param headers headers to send ({@code Content-Length} is added)
     * @param body    body bytes (not sent for HEAD)
     * @param trickle when not {@code null}, every byte of the answer (status line and headers included) is sent
     *                alone, this long after the previous one
     */
    public record Answer(int status, Map<String, String> headers, byte[] body, Duration trickle) {

        /** A JSON answer. */
        public static Answer json(int status, String json) {
            return new Answer(status, Map.of("Content-Type", "application/json"),
                    json.getBytes(StandardCharsets.UTF_8), null);
        }

        /** An answer with these bytes and content type. */
        public static Answer bytes(int status, String contentType, byte[] body) {
            return new Answer(status, Map.of("Content-Type", contentType), body, null);
        }

        /** A copy with one more header. */
        public Answer header(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Answer(status, copy, body, trickle);
        }

        /** A copy sent one byte every {@code interval}. */
        public Answer trickled(Duration interval) {
            return new Answer(status, headers, body, interval);
        }
    }

    private HostileRegistry(Function<Request, Answer> handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("hostile-registry").start(this::accept);
    }

    /** Starts a server answering each request with {@code handler}'s answer. */
    public static HostileRegistry start(Function<Request, Answer> handler) {
        try {
            return new HostileRegistry(handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The port. */
    public int port() {
        return server.getLocalPort();
    }

    /** Every request so far, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests with this method whose target starts with {@code prefix}. */
    public long count(String method, String prefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.target().startsWith(prefix)).count();
    }

    /** Connections the client closed while an answer was still being trickled to it. */
    public int closedWhileTrickling() {
        return closedWhileTrickling.get();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        acceptor.interrupt();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
             OutputStream out = socket.getOutputStream()) {
            while (true) {
                Request request = read(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                Answer answer = handler.apply(request);
                byte[] bytes = encode(request, answer);
                if (answer.trickle() == null) {
                    out.write(bytes);
                    out.flush();
                } else {
                    trickle(socket, in, out, bytes, answer.trickle());
                    return;
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    /** Sends byte by byte; a watcher reading the (otherwise silent) input sees the client close at once. */
    private void trickle(Socket socket, InputStream in, OutputStream out, byte[] bytes, Duration interval) {
        AtomicInteger seen = new AtomicInteger();
        Thread watcher = Thread.ofVirtual().start(() -> {
            try {
                if (in.read() < 0 && seen.compareAndSet(0, 1)) {
                    closedWhileTrickling.incrementAndGet();
                }
            } catch (IOException e) {
                if (seen.compareAndSet(0, 1)) {
                    closedWhileTrickling.incrementAndGet();
                }
            }
        });
        try {
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                Thread.sleep(interval.toMillis());
            }
        } catch (IOException e) {
            if (seen.compareAndSet(0, 1)) {
                closedWhileTrickling.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                watcher.join(Duration.ofSeconds(1));
                socket.close();
            } catch (IOException | InterruptedException e) {
                // closing anyway
            }
        }
    }

    private static Request read(InputStream in) throws IOException {
        String line = line(in);
        if (line == null || line.isEmpty()) {
            return null;
        }
        String[] parts = line.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
        }
        return new Request(parts[0], parts.length > 1 ? parts[1] : "/", Map.copyOf(headers));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = buffer.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buffer.write(c);
        }
        return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] encode(Request request, Answer answer) {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(answer.status()).append(' ')
                .append(answer.status() < 400 ? "OK" : "Error").append("\r\n");
        List<String> names = new ArrayList<>();
        answer.headers().forEach((name, value) -> {
            head.append(name).append(": ").append(value).append("\r\n");
            names.add(name.toLowerCase(Locale.ROOT));
        });
        if (!names.contains("content-length")) {
            head.append("Content-Length: ").append(answer.body().length).append("\r\n");
        }
        head.append("\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (request.method().equals("HEAD")) {
            return start;
        }
        byte[] all = new byte[start.length + answer.body().length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(answer.body(), 0, all, start.length, answer.body().length);
        return all;
    }
}
