package dev.imagecatalog.web.runs;

import dev.imagecatalog.web.access.Guard;
import dev.imagecatalog.web.http.Templates;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.runner.LaunchOptions;
import dev.imagecatalog.runner.LaunchRequest;
import dev.imagecatalog.runner.NodeChoice;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SSE log follower over a real socket with a log stream the test writes itself (standing in for the Kubernetes
 * API's open-ended {@code follow=true} response, which the mock API server cannot hold open): a client that goes
 * away closes the API stream, and the end of the log ends the events with {@code end} and closes it too.
 */
class LogFollowIT {

    private PipedOutputStream kubelet;
    private CountDownLatch closed;
    private WebServer server;
    private MockKubernetes k8s;

    @BeforeEach
    void start() throws IOException {
        closed = new CountDownLatch(1);
        PipedInputStream stream = new PipedInputStream(64 * 1024) {
            @Override
            public void close() throws IOException {
                closed.countDown();
                super.close();
            }
        };
        kubelet = new PipedOutputStream(stream);
        Runner runner = new LogOnlyRunner(stream);
        // the guard asks the mock API server who the bearer token is and whether they may read logs
        k8s = MockKubernetes.empty();
        Guard guard = Guard.create(AuthSettings.kubernetes(), k8s.cluster());
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> {
                    guard.register(r, new Templates());
                    r.register("/api", new RunApi(runner, Duration.ofMillis(100)));
                })
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        k8s.close();
    }

    @Test
    void follow_clientGoesAway_closesTheLogStream() throws Exception {
        try (Socket client = new Socket("127.0.0.1", server.port())) {
            BufferedReader events = request(client);
            kubelet.write("first line\n".getBytes(StandardCharsets.UTF_8));
            kubelet.flush();
            assertThat(readUntil(events, "data:")).isEqualTo("data:first line");
            assertThat(closed.getCount()).isEqualTo(1);
        }
        // the log goes on, the client is gone: the next heartbeat or line fails and the stream is closed
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("log stream closed after the client left").isTrue();
    }

    @Test
    void follow_logEnds_sendsEndAndClosesTheStream() throws Exception {
        try (Socket client = new Socket("127.0.0.1", server.port())) {
            BufferedReader events = request(client);
            kubelet.write("only line\n".getBytes(StandardCharsets.UTF_8));
            kubelet.close();
            assertThat(readUntil(events, "data:")).isEqualTo("data:only line");
            assertThat(readUntil(events, "event:")).isEqualTo("event:end");
        }
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private BufferedReader request(Socket client) throws IOException {
        client.setSoTimeout(10_000);
        OutputStream out = client.getOutputStream();
        out.write(("GET /api/runs/r1/logs?follow=true&tail=5 HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nAuthorization: Bearer " + MockKubernetes.ADMIN_TOKEN + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The next line starting with {@code prefix} (chunk sizes and heartbeats are skipped), without spaces after ':'. */
    private static String readUntil(BufferedReader in, String prefix) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith(prefix)) {
                return prefix + line.substring(prefix.length()).stripLeading();
            }
        }
        throw new IOException("stream ended before a line starting with " + prefix);
    }

    /** Answers only what the log follower calls; everything else is not part of this test. */
    private record LogOnlyRunner(InputStream stream) implements Runner {
        @Override
        public RunSettings settings() {
            return new RunSettings(true, "runs", Duration.ofHours(1));
        }

        @Override
        public InputStream openLogStream(String name, Integer tailLines) {
            assertThat(name).isEqualTo("r1");
            assertThat(tailLines).isEqualTo(5);
            return stream;
        }

        @Override
        public List<Node> nodes() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<NodeChoice> nodeChoices(TagDetail image) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<NodeChoice> nodeChoices(TagDetail image, dev.imagecatalog.cluster.Resources requests) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<NodeChoice> preflight(String repository, String tag, dev.imagecatalog.cluster.Resources requests) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Run launch(LaunchRequest request, LaunchOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Run> runs() {
            throw new UnsupportedOperationException();
        }

        @Override
        public RunDetail run(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String logs(String name, Integer tailLines, boolean previous) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<dev.imagecatalog.runner.RunChanges> changes(dev.imagecatalog.cluster.RunDetail detail) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void check(LaunchRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AutoCloseable onRunsChanged(Runnable listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<dev.imagecatalog.runner.Diagnosis> diagnose(Run run) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void followLogs(String name, Integer tailLines, Consumer<String> lines) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> sweep() {
            throw new UnsupportedOperationException();
        }
    }
}
