package dev.imagecatalog;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.imagecatalog.auth.AddressSet;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.lifecycle.DeleteSettings;
import dev.imagecatalog.catalog.lifecycle.Deleter;
import dev.imagecatalog.catalog.lifecycle.Retention;
import dev.imagecatalog.catalog.lifecycle.RetentionRule;
import dev.imagecatalog.catalog.lifecycle.RetentionSettings;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;
import dev.imagecatalog.web.access.Guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real answers of the real service — a real registry with an index (platforms, attestation, cosign sidecar) and
 * single images, the Fabric8 mock cluster for nodes, runs and pods, deletes and retention on — validate against
 * the schemas {@code META-INF/openapi.yml} gives for that path, method, status and media type, with a kept
 * JSON-schema validator (networknt, OpenAPI 3.1 dialect). Also: {@code /openapi} serves the description as YAML and
 * JSON, behind the same Host check as every page.
 */
class OpenApiSchemaIT {

    private static final String PULL_HOST = "localhost:5001";
    private static final String ADMIN = MockKubernetes.ADMIN_TOKEN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31());
    private static final String DOCUMENT = "classpath:" + Main.OPENAPI_FILE;

    private static Map<String, Object> description;
    private static LocalRegistry registry;
    private static TestPusher.Index multi;
    private static TestPusher.Image single;
    private static TestPusher.Image doomed;
    private static RegistryCatalog catalog;
    private static MockKubernetes k8s;
    private static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = OpenApiSchemaIT.class.getClassLoader().getResourceAsStream(Main.OPENAPI_FILE)) {
            description = new Yaml().load(in);
        }
        registry = LocalRegistry.start();
        TestPusher pusher = new TestPusher(registry);
        multi = pusher.pushOciIndex("team/multi", "v1", List.of(TestPusher.Arch.AMD64, TestPusher.Arch.ARM64), true);
        pusher.pushOciImage("team/multi", "sha256-" + multi.digest().substring(7) + ".sig", TestPusher.Arch.AMD64,
                Map.of("role", "signature"));
        single = pusher.pushOciImage("team/app", "v1", TestPusher.Arch.AMD64, Map.of("org.example.team", "a"));
        pusher.pushOciImage("team/app", "keep-1", TestPusher.Arch.AMD64, Map.of("n", "2"));
        doomed = pusher.pushOciImage("team/doomed", "v1", TestPusher.Arch.AMD64, Map.of());
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), PULL_HOST));
        catalog.crawl();
        k8s = MockKubernetes.withNodes(Map.of(MockKubernetes.AMD64_WORKER,
                List.of(PULL_HOST + "/team/app@" + single.digest())));
        Runner runner = Runner.create(catalog, k8s.cluster(), new RunSettings(true, "runs", Duration.ofHours(1)));
        Deleter deleter = new Deleter(new DeleteSettings(true), catalog.deletions(), catalog.index(), k8s.cluster(),
                PULL_HOST, catalog::reread);
        Retention retention = catalog.retention(k8s.cluster(), new RetentionSettings(
                List.of(RetentionRule.parse("team/app", null, "^keep-.*$", null)), null, "lease", "default", true));
        AuthSettings auth = new AuthSettings(AuthMode.KUBERNETES, false, null, null, AddressSet.none(), null,
                "openapi-schema-it-session-key-0123456789ab", List.of());
        server = WebServer.builder().host("127.0.0.1").port(0).update(b -> Main.setup(b, catalog, runner,
                Guard.create(auth, k8s.cluster()), RegistrySettings.DEFAULT_REQUEST_DEADLINE, deleter, retention))
                .build().start();
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(server, k8s, catalog, registry);
    }

    @Test
    void catalogAnswers_matchTheirSchemas() throws Exception {
        valid("/api/repositories", send("GET", "/api/repositories?sort=size", null), 200);
        valid("/api/repositories/{name}/tags", send("GET", "/api/repositories/team/multi/tags", null), 200);
        valid("/api/repositories/{name}/tags", send("GET", "/api/repositories/team/app/tags", null), 200);
        valid("/api/repositories/{name}/tags/{tag}", send("GET", "/api/repositories/team/multi/tags/v1", null), 200);
        valid("/api/repositories/{name}/tags/{tag}", send("GET", "/api/repositories/team/app/tags/v1", null), 200);
        valid("/api/repositories/{name}/compare",
                send("GET", "/api/repositories/team/app/compare?from=v1&to=keep-1", null), 200);
        valid("/api/repositories/{name}/compare",
                send("GET", "/api/repositories/team/multi/compare?from=v1&to=v1&toRepository=team/app", null), 200);
        valid("/api/status", send("GET", "/api/status", null), 200);
        valid("/api/search", send("GET", "/api/search?q=team&repository=team/multi", null), 200);
        valid("/api/repositories/{name}/attached/{digest}",
                send("GET", "/api/repositories/team/multi/attached/" + single.digest(), null), 404);
        valid("/api/search", send("GET", "/api/search?q=team", null), 200);
        valid("/api/search", send("GET", "/api/search?q=" + single.digest().substring(7, 15), null), 200);
    }

    @Test
    void runAnswers_matchTheirSchemas() throws Exception {
        valid("/api/nodes", send("GET", "/api/nodes", ADMIN), 200);
        valid("/api/repositories/{name}/tags/{tag}/nodes",
                send("GET", "/api/repositories/team/app/tags/v1/nodes?cpuRequest=100m&memoryRequest=64Mi", ADMIN),
                200);
        valid("/api/repositories/{name}/tags/{tag}/nodes",
                send("GET", "/api/repositories/team/multi/tags/v1/nodes", ADMIN), 200);
        HttpResponse<String> launched = send("POST", "/api/runs", ADMIN, "application/json",
                "{\"repository\":\"team/app\",\"tag\":\"v1\",\"node\":\"" + MockKubernetes.AMD64_WORKER
                        + "\",\"env\":{\"A\":\"1\"},\"resources\":{\"cpuRequest\":\"100m\"}}");
        valid("/api/runs", launched, 201);
        String name = JSON.readTree(launched.body()).get("name").asText();
        valid("/api/runs", send("GET", "/api/runs", ADMIN), 200);
        valid("/api/runs/{name}", send("GET", "/api/runs/" + name, ADMIN), 200);
        assertThat(send("DELETE", "/api/runs/" + name, ADMIN).statusCode()).isEqualTo(204);
    }

    @Test
    void lifecycleAnswers_matchTheirSchemas() throws Exception {
        valid("/api/repositories/{name}/tags/{tag}/deletion",
                send("GET", "/api/repositories/team/multi/tags/v1/deletion?mode=image", ADMIN), 200);
        valid("/api/repositories/{name}/tags/{tag}/deletion",
                send("GET", "/api/repositories/team/app/tags/v1/deletion?mode=untag", ADMIN), 200);
        valid("/api/repositories/{name}/tags/{tag}", send("DELETE",
                "/api/repositories/team/doomed/tags/v1?mode=image&digest=" + doomed.digest(), ADMIN), 200);
        valid("/api/retention", send("GET", "/api/retention", ADMIN), 200);
        valid("/api/retention/apply", send("POST", "/api/retention/apply", ADMIN, "application/json",
                "{\"plan\":\"not-the-plan\"}"), 409);
    }

    @Test
    void errorAnswers_matchTheErrorSchemas() throws Exception {
        valid("/api/search", send("GET", "/api/search", null), 400);
        // no events token configured here: the copy endpoint does not exist
        valid("/api/index/snapshot", send("GET", "/api/index/snapshot", null), 404);
        valid("/api/repositories/{name}/compare", send("GET", "/api/repositories/team/app/compare?from=v1", null), 400);
        valid("/api/repositories/{name}/compare",
                send("GET", "/api/repositories/team/app/compare?from=v1&to=nope", null), 404);
        valid("/api/repositories/{name}/tags/{tag}", send("GET", "/api/repositories/team/app/tags/nope", null), 404);
        valid("/api/repositories/{name}/tags", send("GET", "/api/repositories/Not_Valid/tags", null), 400);
        valid("/api/nodes", send("GET", "/api/nodes", null), 401);
        valid("/api/nodes", send("GET", "/api/nodes", "not-a-token"), 401);
        valid("/api/runs", send("POST", "/api/runs", ADMIN, "application/json", "{\"repository\":\"team/app\"}"), 400);
        valid("/api/runs", send("POST", "/api/runs", ADMIN, "text/plain", "{}"), 415);
        valid("/api/runs/{name}", send("GET", "/api/runs/no-such-run", ADMIN), 404);
        valid("/api/repositories/{name}/tags/{tag}",
                send("DELETE", "/api/repositories/team/app/tags/v1?mode=image", ADMIN), 400);
        valid("/api/registry/events", send("POST", "/api/registry/events", null,
                "application/vnd.docker.distribution.events.v1+json", "{\"events\":[]}"), 404);
        String[] misdirected = foreignHost("/api/status");
        assertThat(misdirected[0]).isEqualTo("421");
        assertThat(misdirected[1]).isEqualTo("application/json");
        assertThat(SCHEMAS.getSchema(SchemaLocation.of(DOCUMENT + "#/components/schemas/Error"))
                .validate(misdirected[2], InputFormat.JSON)).as(misdirected[2]).isEmpty();
    }

    @Test
    void openapiIsServedAsYamlAndJson_behindTheHostCheck() throws Exception {
        HttpResponse<String> yaml = HTTP.send(HttpRequest.newBuilder(uri("/openapi")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("Content-Type").orElse(""))
                .as("OpenAPI's YAML media type").startsWith("application/vnd.oai.openapi");
        Map<String, Object> served = new Yaml().load(yaml.body());
        assertThat(served.get("openapi")).isEqualTo("3.1.0");
        assertThat(served.get("paths")).isEqualTo(description.get("paths"));

        HttpResponse<String> json = HTTP.send(HttpRequest.newBuilder(uri("/openapi"))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        java.util.regex.Matcher bang = java.util.regex.Pattern.compile("(?s).{0,300}!!.{0,100}").matcher(json.body());
        assertThat(bang.find() ? bang.group() : "").as("YAML tags in the JSON answer").isEmpty();
        JsonNode doc = JSON.readTree(json.body());
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(JSON.convertValue(doc.get("paths"), Map.class)).isEqualTo(description.get("paths"));

        assertThat(foreignHost("/openapi")[0]).isEqualTo("421");
    }

    /**
     * Asserts the answer has the status, and that its body validates against the schema the description gives for
     * that path, method, status (or {@code default}) and the answer's media type.
     */
    @SuppressWarnings("unchecked")
    private static void valid(String path, HttpResponse<String> res, int status) {
        assertThat(res.statusCode()).as(res.request().method() + " " + res.uri() + ": " + res.body())
                .isEqualTo(status);
        String method = res.request().method().toLowerCase(Locale.ROOT);
        Map<String, Object> paths = (Map<String, Object>) description.get("paths");
        Map<String, Object> operation = (Map<String, Object>) ((Map<String, Object>) paths.get(path)).get(method);
        assertThat(operation).as(method + " " + path + " described").isNotNull();
        Map<String, Object> responses = (Map<String, Object>) operation.get("responses");
        String key = responses.containsKey(String.valueOf(status)) ? String.valueOf(status) : "default";
        assertThat(responses).as(method + " " + path + " describes " + status).containsKey(key);
        String pointer = "#/paths/" + escape(path) + "/" + method + "/responses/" + key;
        Map<String, Object> response = (Map<String, Object>) responses.get(key);
        if (response.containsKey("$ref")) {
            pointer = (String) response.get("$ref");
            response = (Map<String, Object>) at(pointer);
        }
        String mediaType = res.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        Map<String, Object> content = (Map<String, Object>) response.get("content");
        assertThat(content).as(method + " " + path + " " + status + " content").containsKey(mediaType);
        Schema schema = SCHEMAS.getSchema(SchemaLocation.of(DOCUMENT + pointer + "/content/" + escape(mediaType)
                + "/schema"));
        List<Error> errors = schema.validate(res.body(), InputFormat.JSON);
        assertThat(errors).as(method + " " + res.uri() + " " + status + " against " + pointer + ": " + res.body())
                .isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Object at(String pointer) {
        Object node = description;
        for (String part : pointer.substring(2).split("/")) {
            node = ((Map<String, Object>) node).get(part.replace("~1", "/").replace("~0", "~"));
        }
        return node;
    }

    private static String escape(String pointerPart) {
        return pointerPart.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
    }

    private static HttpResponse<String> send(String method, String path, String token) throws Exception {
        return send(method, path, token, null, null);
    }

    private static HttpResponse<String> send(String method, String path, String token, String contentType,
                                             String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A GET with {@code Host: evil.example} over a plain socket (the JDK client does not send another Host):
     * status, media type, body.
     */
    private static String[] foreignHost(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder headBytes = new StringBuilder();
            while (!headBytes.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                headBytes.append((char) b);
            }
            String head = headBytes.toString().strip();
            String type = header(head, "content-type:").split(";")[0].trim();
            String length = header(head, "content-length:");
            byte[] body = length.isEmpty() ? new byte[0] : in.readNBytes(Integer.parseInt(length));
            return new String[] {head.substring(9, 12), type, new String(body, StandardCharsets.UTF_8)};
        }
    }

    private static String header(String head, String name) {
        return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name))
                .map(l -> l.substring(name.length()).trim()).findFirst().orElse("");
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
