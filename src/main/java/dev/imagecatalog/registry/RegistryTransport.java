package dev.imagecatalog.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

/**
 * One HTTP exchange with the registry (or its token server / blob storage), bounded in time and size: the whole
 * exchange — connect, headers and body — must end within {@code registry.call-deadline} (the read timeout alone
 * restarts with every byte, so a registry trickling one byte a second would hold a call for minutes), and a body
 * is read up to its limit plus one byte, never further. The exchange runs on its own virtual thread; at the
 * deadline (or when the waiting load is abandoned) that thread is interrupted, which makes the JDK close the
 * socket, so the connection is dropped rather than returned to the pool.
 *
 * <p>{@code registry.concurrency} is counted here, per exchange: whoever asks (the index, a view, the pull
 * diagnosis, the readiness ping, a token request), at most that many exchanges are in flight at once. Callers
 * sharing one load ({@link SingleFlight}) share its exchange and hold no permit of their own.
 */
final class RegistryTransport implements AutoCloseable {

    private static final HeaderName DOCKER_CONTENT_DIGEST = HeaderNames.create("Docker-Content-Digest");
    private static final HeaderName LINK = HeaderNames.create("Link");
    private static final HeaderName WWW_AUTHENTICATE = HeaderNames.create("WWW-Authenticate");

    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Duration ABANDON_CHECK = Duration.ofMillis(200);

    /** No end other than {@code registry.call-deadline}. */
    static final long NO_END = Long.MAX_VALUE;

    private final WebClient http;
    private final Duration callDeadline;
    private final Semaphore exchanges;

    /** One answer, body fully read (empty for HEAD). */
    record Response(int status, String contentType, String digest, String link, String location,
                    String challenge, byte[] body, URI uri) {
    }

    RegistryTransport(RegistrySettings settings) {
        this.callDeadline = settings.callDeadline();
        // not fair, like the index's former limit: a fair queue made a view's multi-page listing wait behind the
        // whole crawl's backlog at every page (and be abandoned at its deadline between pages)
        this.exchanges = new Semaphore(settings.concurrency());
        this.http = WebClient.builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .followRedirects(false)
                .build();
    }

    /**
     * Sends one request and reads the answer.
     *
     * @param maxBytes largest body accepted; a bigger one is TOO_LARGE without reading it
     * @throws RegistryException UNREACHABLE for transport failures, TIMEOUT past the call deadline, TOO_LARGE
     */
    Response execute(Method method, URI uri, String authorization, List<String> accept, String what, int maxBytes) {
        return execute(method, uri, authorization, accept, what, maxBytes, NO_END);
    }

    /**
     * Sends one request and reads the answer, ending at {@code registry.call-deadline} or at {@code endNanos}
     * ({@link System#nanoTime()}; a whole listing's deadline) when that comes first. Waits for a free exchange
     * ({@code registry.concurrency}) first; an abandoned load stops waiting when its thread is interrupted.
     */
    Response execute(Method method, URI uri, String authorization, List<String> accept, String what, int maxBytes,
                     long endNanos) {
        try {
            exchanges.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TIMEOUT,
                    what + ": abandoned, no request is waiting for it any more");
        }
        try {
            long limit = Math.min(callDeadline.toNanos(), endNanos == NO_END ? Long.MAX_VALUE
                    : Math.max(0, endNanos - System.nanoTime()));
            return exchange(method, uri, authorization, accept, null, what, maxBytes, limit);
        } finally {
            exchanges.release();
        }
    }

    /** A request body and its media type (writes only). */
    private record Body(String contentType, byte[] content) {
    }

    private Response exchange(Method method, URI uri, String authorization, List<String> accept, Body body,
                              String what, int maxBytes, long limitNanos) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Thread exchange = Thread.ofVirtual().name("registry-exchange").start(() -> {
            try {
                result.complete(send(method, uri, authorization, accept, body, what, maxBytes));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(limitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandon(exchange);
            throw new RegistryException(RegistryException.Kind.TIMEOUT, what + ": the registry at "
                    + origin(uri) + " did not finish answering within " + seconds(callDeadline)
                    + " (registry.call-deadline)");
        } catch (InterruptedException e) {
            // the load was abandoned: every request waiting for it ended
            abandon(exchange);
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TIMEOUT,
                    what + ": abandoned, no request is waiting for it any more");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RegistryException re) {
                throw re;
            }
            if (e.getCause() instanceof Error error) {
                // e.g. OutOfMemoryError: this process's failure, not the registry's
                throw error;
            }
            throw unreachable(uri, what, e.getCause());
        }
    }

    /**
     * Ends an exchange nobody waits for: interrupting a virtual thread blocked on its socket closes the socket. An
     * interrupt that arrives before the exchange blocks there (while it sets up the connection) can be consumed on
     * the way, and the exchange would then hold its connection as long as the registry keeps trickling; so the
     * interrupt is repeated until the exchange ends, for at most {@code registry.call-deadline}.
     */
    private void abandon(Thread exchange) {
        exchange.interrupt();
        Thread.ofVirtual().name("registry-exchange-abandon").start(() -> {
            long end = System.nanoTime() + callDeadline.toNanos();
            try {
                while (!exchange.join(ABANDON_CHECK) && System.nanoTime() < end) {
                    exchange.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private Response send(Method method, URI uri, String authorization, List<String> accept, Body content,
                          String what, int maxBytes) {
        var request = http.method(method).uri(uri).followRedirects(false).headers(h -> {
            if (authorization != null) {
                h.set(HeaderNames.AUTHORIZATION, authorization);
            }
            if (accept != null) {
                h.set(HeaderNames.ACCEPT, String.join(", ", accept));
            }
            if (content != null && content.contentType() != null) {
                h.set(HeaderNames.CONTENT_TYPE, content.contentType());
            }
        });
        try (HttpClientResponse res = content == null || content.content() == null ? request.request()
                : request.submit(content.content())) {
            var headers = res.headers();
            byte[] body = new byte[0];
            if (method != Method.HEAD) {
                // an error's JSON may be longer than a small expected body (a config blob of 2 bytes)
                int limit = res.status().code() / 100 == 2 ? maxBytes : Math.max(maxBytes, MAX_ERROR_BODY);
                // a declared length over the limit is refused before reading; closing then drops the connection
                if (headers.contentLength().orElse(0) > limit) {
                    throw tooLarge(what, limit);
                }
                try (InputStream in = res.inputStream()) {
                    body = in.readNBytes(limit + 1);
                }
                if (body.length > limit) {
                    throw tooLarge(what, limit);
                }
            }
            return new Response(res.status().code(),
                    headers.first(HeaderNames.CONTENT_TYPE).orElse(null),
                    headers.first(DOCKER_CONTENT_DIGEST).orElse(null),
                    headers.first(LINK).orElse(null),
                    headers.first(HeaderNames.LOCATION).orElse(null),
                    headers.first(WWW_AUTHENTICATE).orElse(null),
                    body, uri);
        } catch (RegistryException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw unreachable(uri, what, e);
        }
    }

    @Override
    public void close() {
        http.closeResource();
    }

    /** Connection refused, timeouts, resets: all mean "cannot talk to the registry right now". */
    private static RegistryException unreachable(URI uri, String what, Throwable e) {
        return new RegistryException(RegistryException.Kind.UNREACHABLE,
                what + ": cannot reach the registry at " + origin(uri) + " (" + describe(e) + ")", e);
    }

    private static RegistryException tooLarge(String what, int maxBytes) {
        return new RegistryException(RegistryException.Kind.TOO_LARGE,
                what + ": the answer is larger than the limit of " + maxBytes + " bytes");
    }

    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    // ---- writes (issue 14: delete and untag) --------------------------------------------------------------------

    /**
     * One write exchange — a DELETE, or a PUT/POST carrying {@code content} (a manifest, a small blob) — bounded by
     * {@code registry.call-deadline} and holding an exchange permit ({@code registry.concurrency}) like
     * {@link #execute}; the answer's body is read up to {@code maxBytes}.
     */
    Response write(Method method, URI uri, String authorization, String contentType, byte[] content, String what,
                   int maxBytes) {
        try {
            exchanges.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TIMEOUT, what + ": interrupted");
        }
        try {
            return exchange(method, uri, authorization, null, new Body(contentType, content), what, maxBytes,
                            callDeadline.toNanos());
        } finally {
            exchanges.release();
        }
    }

}
