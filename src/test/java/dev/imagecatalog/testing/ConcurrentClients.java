package dev.imagecatalog.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A bounded load: {@code clients} concurrent users, each asking for the given paths in turn (each client starting
 * at a different one) until the time is up, every answer recorded with its status, time and body. A request that
 * gets no answer within {@code giveUp} is recorded as status 0 (a hang), so one stuck request never stalls the test.
 */
public final class ConcurrentClients {

    /** Body bytes kept per answer (a 100k-repository listing is megabytes; its start says what it is). */
    static final int KEPT = 4096;

    private ConcurrentClients() {
    }

    /**
     * One answer.
     *
     * @param path    what was asked
     * @param status  the HTTP status, 0 when no answer came within the give-up time or the connection failed
     * @param took    from sending to the whole body received
     * @param type    the Content-Type answered ({@code ""} when none)
     * @param body    the body's first {@value ConcurrentClients#KEPT} bytes, or what went wrong when there was no answer
     */
    public record Answer(String path, int status, Duration took, String type, String body) {

        /** Short form for assertion messages. */
        @Override
        public String toString() {
            return status + " " + path + " in " + took.toMillis() + " ms: "
                    + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /**
     * Runs the load for {@code duration} and returns every answer.
     *
     * @param base     the service's base URL
     * @param paths    paths asked in turn
     * @param clients  concurrent clients
     * @param duration how long the clients keep asking (a request started before the end is completed)
     * @param giveUp   longest wait for one answer
     */
    public static List<Answer> run(URI base, List<String> paths, int clients, Duration duration, Duration giveUp) {
        return run(base, paths, clients, duration, giveUp, Duration.ZERO, () -> false);
    }

    /**
     * Runs the load until {@code done} says so (asked about once a second) or {@code longest} has passed, each
     * client pausing {@code pause} between its requests (a person reading a page; zero: back to back).
     *
     * @param base    the service's base URL
     * @param paths   paths asked in turn
     * @param clients concurrent clients
     * @param longest the load ends after this at the latest (a request started before the end is completed)
     * @param giveUp  longest wait for one answer
     * @param pause   time between one client's requests
     * @param done    ends the load early
     */
    public static List<Answer> run(URI base, List<String> paths, int clients, Duration longest, Duration giveUp,
                                   Duration pause, BooleanSupplier done) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + longest.toNanos();
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int first = c;
                executor.submit(() -> {
                    for (int i = first; !stop.get() && System.nanoTime() < end; i++) {
                        answers.add(ask(http, base, paths.get(i % paths.size()), giveUp));
                        sleep(pause);
                    }
                });
            }
            while (System.nanoTime() < end && !done.getAsBoolean()) {
                sleep(Duration.ofSeconds(1));
            }
            stop.set(true);
        }
        return new ArrayList<>(answers);
    }

    /** Status counts per path, e.g. {@code {"/": {200=57}}}, for assertion messages. */
    public static Map<String, Map<Integer, Long>> summary(List<Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(Answer::path, TreeMap::new,
                Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting())));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Answer ask(HttpClient http, URI base, String path, Duration giveUp) {
        long start = System.nanoTime();
        try {
            // only the start of a body is kept, and the rest is not even decoded: a 10 MB listing costs this JVM
            // (sharing the cores with the service) as little as possible
            HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(giveUp)
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] kept;
            try (InputStream in = res.body()) {
                kept = in.readNBytes(KEPT);
                in.transferTo(OutputStream.nullOutputStream());
            }
            return new Answer(path, res.statusCode(), Duration.ofNanos(System.nanoTime() - start),
                    res.headers().firstValue("Content-Type").orElse(""), new String(kept, StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return new Answer(path, 0, Duration.ofNanos(System.nanoTime() - start), "", "no answer: " + e);
        } catch (IOException e) {
            return new Answer(path, 0, Duration.ofNanos(System.nanoTime() - start), "", "failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(path, 0, Duration.ofNanos(System.nanoTime() - start), "", "interrupted");
        }
    }
}
