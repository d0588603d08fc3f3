package dev.imagecatalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.SignIn;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.web.access.Guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits on what a client may send, over a real socket with raw requests where a client library would refuse to
 * send them: the server is configured from the shipped {@code application.yaml} (so its keys are proven to take
 * effect), errors the server produces itself carry a reason in the usual shapes, and every refused launch leaves the
 * (Fabric8 mock) cluster without a pod — while the same request within the limits creates one.
 */
class RequestLimitsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "runs";

    private static LocalRegistry registry;
    private static TestPusher.Image image;
    private static RegistryCatalog catalog;
    private static MockKubernetes k8s;
    private static WebServer server;
    private static HttpClient http;
    private static String session;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        image = new TestPusher(registry).pushOciImage("team/app", "v1", TestPusher.Arch.AMD64, Map.of());
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), "localhost:5001"));
        k8s = MockKubernetes.withNodes(Map.of());
        Runner runner = Runner.create(catalog, k8s.cluster(), new RunSettings(true, NAMESPACE, Duration.ofHours(1)));
        // the shipped defaults, as the service starts with them (no external file, no environment)
        server = Main.server(AppConfig.load(Map.of(), Path.of("does-not-exist.yaml")).get("server"))
                .host("127.0.0.1").port(0)
                .update(builder -> Main.setup(builder, catalog, runner, Guard.create(RunWebIT.AUTH, k8s.cluster())))
                .build().start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // every run endpoint needs a signed-in user the cluster allows: the mock's admin
        session = SignIn.session(uri(""), MockKubernetes.ADMIN_TOKEN);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {() -> server.stop(), k8s::close, catalog::close, registry::close}) {
            try {
                c.close();
            } catch (Exception | Error e) {
                // keep stopping the rest
            }
        }
    }

    @AfterEach
    void deletePods() {
        k8s.fabric8().pods().inNamespace(NAMESPACE).delete();
    }

    // ---- the shipped server settings ------------------------------------------------------------------------------

    @Test
    void shippedConfiguration_turnsTcpNoDelayOn_andCapsTheBody() throws IOException {
        var effective = server.prototype();

        assertThat(effective.connectionOptions().tcpNoDelay()).isTrue();
        assertThat(effective.maxPayloadSize()).isEqualTo(1_048_576L);
        // the options object is what the listener applies to every accepted socket
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(false);
            effective.connectionOptions().configureSocket(socket);
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
    }

    // ---- connections that never finish their request -------------------------------------------------------------

    @Test
    void halfSentRequests_areClosedByTheServerWithinTheirBound() throws Exception {
        assertThat(server.prototype().idleConnectionTimeout()).isEqualTo(Duration.ofSeconds(15));
        // nothing at all, half a request line, a request line and half the headers
        List<String> partial = List.of("", "GET /api/reposit", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: te");
        // idle-connection-timeout + its period for the first two; the request line, then HeaderTimeout, for the third
        Duration bound = Duration.ofSeconds(15 + 1 + 2);
        List<Socket> sockets = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                sockets.add(socket);
                socket.getOutputStream().write(partial.get(i % 3).getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            }
            List<Thread> readers = new ArrayList<>();
            List<Duration> closedAfter = Collections.synchronizedList(new ArrayList<>());
            for (Socket socket : sockets) {
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        socket.setSoTimeout((int) bound.plusSeconds(10).toMillis());
                        InputStream in = socket.getInputStream();
                        while (in.read() >= 0) {
                            // the server may answer before it closes; we wait for the close
                        }
                        closedAfter.add(Duration.ofNanos(System.nanoTime() - start));
                    } catch (java.net.SocketTimeoutException stillOpen) {
                        // not closed within the bound and more: missing from closedAfter
                    } catch (IOException reset) {
                        closedAfter.add(Duration.ofNanos(System.nanoTime() - start));
                    }
                }));
            }
            for (Thread reader : readers) {
                reader.join();
            }
            assertThat(closedAfter).hasSize(sockets.size()).allSatisfy(d -> assertThat(d).isLessThan(bound));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        // and the server still answers
        assertThat(get("/api/status").statusCode()).isEqualTo(200);
    }

    // ---- server-sent event streams -----------------------------------------------------------------------------------

    @Test
    void changeStreams_overTheBoundPerClient_get429WithRetryAfterAndAReason() throws Exception {
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                streams.add(socket);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET /api/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(head(socket.getInputStream())).as("stream %d", i + 1).startsWith("HTTP/1.1 200")
                        .containsIgnoringCase("content-type: text/event-stream");
            }
            Raw refused = raw("GET /api/changes HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("retry-after")).isEqualTo("30");
            assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("16 event streams open");
        } finally {
            for (Socket socket : streams) {
                socket.close();
            }
        }
    }

    // ---- errors of the server itself ---------------------------------------------------------------------------

    @Test
    void tenKilobyteApiAddress_is414WithAJsonReason() throws IOException {
        Raw res = raw("GET /api/repositories?q=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(res.status()).isEqualTo(414);
        assertThat(res.header("content-type")).startsWith("application/json");
        assertThat(JSON.readTree(res.body()).get("error").asText()).contains("characters long", "8192");
    }

    @Test
    void tenKilobytePageAddress_is414WithTheErrorPage() throws IOException {
        Raw res = raw("GET /?q=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(res.status()).isEqualTo(414);
        assertThat(res.header("content-type")).startsWith("text/html");
        assertThat(res.body()).contains("class=\"error-card\"", "8192");
    }

    @Test
    void requestLineOverTheHardLimit_is414WithTheErrorPage_becauseThePathIsUnknown() throws IOException {
        Raw res = raw("GET /api/" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(res.status()).isEqualTo(414);
        assertThat(res.header("content-type")).startsWith("text/html");
        assertThat(res.body()).contains("class=\"error-card\"", "The address is too long.");
    }

    @Test
    void malformedRequestLine_is400WithAReason_onApiAndPages() throws IOException {
        Raw api = raw("GET /api/repositories HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n");
        Raw page = raw("GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(api.status()).isEqualTo(400);
        assertThat(JSON.readTree(api.body()).get("error").asText()).startsWith("The request is malformed");
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.header("content-type")).startsWith("text/html");
        assertThat(page.body()).contains("class=\"error-card\"", "The request is malformed");
    }

    @Test
    void malformedHeader_is400WithAJsonReasonOnTheApi() throws IOException {
        Raw res = raw("GET /api/repositories HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n");

        assertThat(res.status()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).get("error").asText()).startsWith("The request is malformed");
    }

    @Test
    void headersOverTheirLimit_areRefusedWithAReason() throws IOException {
        Raw res = raw("GET /api/repositories HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");

        // Helidon 4.5 reports headers over max-headers-size (16 KiB) as a bad request, not 431
        assertThat(res.status()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).get("error").asText()).startsWith("The request is malformed");
    }

    @Test
    void bodyOverOneMebibyte_is413WithAJsonReason_andNoPod() throws IOException {
        String body = "{\"repository\":\"team/app\",\"tag\":\"v1\",\"node\":\"" + MockKubernetes.AMD64_WORKER
                + "\",\"args\":[\"" + "x".repeat(1_100_000) + "\"]}";
        Raw res = raw("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + MockKubernetes.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body);

        assertThat(res.status()).isEqualTo(413);
        assertThat(JSON.readTree(res.body()).get("error").asText()).isEqualTo(
                "The request body is larger than 1048576 bytes.");
        assertThat(pods()).isEmpty();
    }

    @Test
    void chunkedBodyOverOneMebibyte_is413WithAJsonReason_andNoPod() throws IOException {
        StringBuilder request = new StringBuilder("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + MockKubernetes.ADMIN_TOKEN + "\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        String chunk = "x".repeat(64 * 1024);
        for (int i = 0; i < 20; i++) {
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        request.append("0\r\n\r\n");
        Raw res = raw(request.toString());

        assertThat(res.status()).isEqualTo(413);
        assertThat(JSON.readTree(res.body()).get("error").asText()).contains("1048576 bytes");
        assertThat(pods()).isEmpty();
    }

    @Test
    void formBodyOverOneMebibyte_is413WithTheErrorPage() throws IOException {
        String body = "args=" + "x".repeat(1_100_000);
        Raw res = raw("POST /runs HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + session + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);

        assertThat(res.status()).isEqualTo(413);
        assertThat(res.body()).contains("class=\"error-card\"", "1048576 bytes");
        assertThat(pods()).isEmpty();
    }

    // ---- launch fields -------------------------------------------------------------------------------------------

    @Test
    void launchWithinEveryLimit_createsOnePod() throws Exception {
        Map<String, Object> body = launch();
        body.put("command", Collections.nCopies(64, "c"));
        body.put("args", List.of("a".repeat(16 * 1024)));
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < 127; i++) {
            env.put("V" + i, "v");
        }
        env.put("L".repeat(253), "v".repeat(32 * 1024));
        body.put("env", env);

        HttpResponse<String> res = post(body);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        assertThat(pods()).hasSize(1);
    }

    static Stream<Arguments> overLimits() {
        Map<String, String> manyEnv = new LinkedHashMap<>();
        for (int i = 0; i < 129; i++) {
            manyEnv.put("V" + i, "v");
        }
        return Stream.of(
                Arguments.of("65 command items", "command", Collections.nCopies(65, "c"), "command: at most 64 items"),
                Arguments.of("65 args", "args", Collections.nCopies(65, "a"), "args: at most 64 items"),
                Arguments.of("an argument of 16 KiB + 1", "args", List.of("ok", "a".repeat(16 * 1024 + 1)),
                        "args[1] is 16385 characters long, at most 16384"),
                Arguments.of("129 env vars", "env", manyEnv, "env: at most 128 environment variables"),
                Arguments.of("a 254-character env name", "env", Map.of("N".repeat(254), "v"),
                        "env: a variable name is 254 characters long, at most 253"),
                Arguments.of("a 32 KiB + 1 env value", "env", Map.of("BIG", "v".repeat(32 * 1024 + 1)),
                        "env: the value of BIG is 32769 characters long, at most 32768"),
                Arguments.of("a huge exponent", "resources", Map.of("cpuRequest", "1e99999999999"),
                        "cpu request \"1e99999999999\" is out of range"),
                Arguments.of("a 300-character node", "node", "n".repeat(300), "node is 300 characters long, at most 253"),
                Arguments.of("a 300-character repository", "repository", "r".repeat(300),
                        "repository is 300 characters long, at most 255"),
                Arguments.of("a long quantity", "resources", Map.of("memoryLimit", "1".repeat(100)),
                        "resources.memoryLimit is 100 characters long, at most 64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overLimits")
    void launchOverALimit_is400NamingTheField_andCreatesNothing(String what, String field, Object value,
                                                               String reason) throws Exception {
        Map<String, Object> body = launch();
        body.put(field, value);

        HttpResponse<String> res = post(body);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).get("error").asText()).startsWith(reason);
        assertThat(res.body().length()).as("the reason does not echo the input").isLessThan(1000);
        assertThat(pods()).isEmpty();
    }

    @Test
    void runFormWithAnOversizedArgument_is400WithTheReason_andCreatesNothing() throws Exception {
        // the form's CSRF token is bound to the session: take it from the tag page the session sees
        String token = RunWebIT.token(http.send(HttpRequest.newBuilder(uri("/repositories/team/app/tags/v1"))
                .header("Cookie", session).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        String body = "csrf=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8) + "&repository=team%2Fapp&tag=v1&node=" + MockKubernetes.AMD64_WORKER
                + "&args=" + "a".repeat(20_000);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri("/runs"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", session)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("args[0] is 20000 characters long, at most 16384");
        assertThat(pods()).isEmpty();
    }

    // ---- query parameters -----------------------------------------------------------------------------------------

    @Test
    void badNumbersInQueryParameters_are400WithAReason() throws Exception {
        HttpResponse<String> tail = get("/api/runs/some-run/logs?tail=99999999999999999999");
        HttpResponse<String> page = get("/?page=1e99999999999");

        assertThat(tail.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tail.body()).get("error").asText()).startsWith("tail must be a whole number");
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("Page must be a whole number");
    }

    @Test
    void malformedPercentEncodingInAQuery_is400WithAReason() throws Exception {
        Raw api = raw("GET /api/repositories?q=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        Raw page = raw("GET /?q=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(api.status()).isEqualTo(400);
        assertThat(JSON.readTree(api.body()).get("error").asText()).isNotBlank();
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("class=\"error-card\"");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static Map<String, Object> launch() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("repository", image.repository());
        body.put("tag", image.tag());
        body.put("node", MockKubernetes.AMD64_WORKER);
        return body;
    }

    private static List<?> pods() {
        return k8s.fabric8().pods().inNamespace(NAMESPACE).list().getItems();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + MockKubernetes.ADMIN_TOKEN)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(Map<String, Object> body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/api/runs"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + MockKubernetes.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A response read off the socket: status, lower-cased headers, body (the server closes after these errors). */
    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    /** Sends bytes as they are (no client library normalising them) and reads the answer until the server closes. */
    private static Raw raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException refusedMidway) {
                // the server may answer and close before reading everything (413 on Content-Length)
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    bytes.write(buffer, 0, n);
                    if (complete(bytes)) {
                        break;
                    }
                }
            } catch (IOException reset) {
                // a reset after the answer (unread request bytes) still leaves the answer read
            }
            return parse(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    /** The status line and headers of an answer still being sent. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static boolean complete(ByteArrayOutputStream bytes) {
        Raw partial = parse(bytes.toString(StandardCharsets.UTF_8));
        String length = partial.header("content-length");
        return !length.isEmpty() && partial.body().getBytes(StandardCharsets.UTF_8).length >= Integer.parseInt(length);
    }

    private static Raw parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Raw(-1, Map.of(), "");
        }
        List<String> lines = new ArrayList<>(List.of(text.substring(0, end).split("\r\n")));
        int status = Integer.parseInt(lines.removeFirst().split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Raw(status, headers, text.substring(end + 4));
    }
}
