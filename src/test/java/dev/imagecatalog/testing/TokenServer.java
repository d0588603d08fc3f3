package dev.imagecatalog.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny Docker token server (the "realm" of the Bearer flow) for {@link LocalRegistry#startWithTokenAuth}:
 * checks HTTP Basic credentials and issues RS256 JWTs signed with a key whose self-signed certificate (made with
 * the JDK's {@code keytool}) the registry trusts via {@code auth.token.rootcertbundle}. The token carries the
 * certificate in {@code x5c}, which is how Distribution 2.8 finds the signing key.
 */
public final class TokenServer implements AutoCloseable {

    /** {@code auth.token.service} of the registry, the JWT audience. */
    public static final String SERVICE = "test-registry";
    /** {@code auth.token.issuer} of the registry. */
    public static final String ISSUER = "test-token-issuer";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String username;
    private final String password;
    private final Path dir;
    private final PrivateKey key;
    private final byte[] certificateDer;
    private final HttpServer server;
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final List<String> scopes = Collections.synchronizedList(new ArrayList<>());
    private volatile String tokenField = "token";
    private volatile int expiresIn = 300;
    /** Actions granted on repositories; {@code null}: whatever is asked. */
    private volatile java.util.Set<String> grantedActions;

    private TokenServer(String username, String password) throws Exception {
        this.username = username;
        this.password = password;
        this.dir = Files.createTempDirectory("token-server-");
        Path keystore = dir.resolve("signing.p12");
        LocalRegistry.run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "signing", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=test-token-issuer", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        this.key = (PrivateKey) store.getKey("signing", "changeit".toCharArray());
        Certificate certificate = store.getCertificate("signing");
        this.certificateDer = certificate.getEncoded();
        Files.writeString(dir.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificateDer)
                + "\n-----END CERTIFICATE-----\n");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::token);
        server.start();
    }

    /** Starts a token server accepting exactly these Basic credentials. */
    public static TokenServer start(String username, String password) {
        try {
            return new TokenServer(username, password);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start token server", e);
        }
    }

    /** The realm URL the registry puts in its challenge. */
    public URI realm() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    /** PEM file of the signing certificate. */
    public Path certificatePem() {
        return dir.resolve("root.pem");
    }

    /** Accepted user name. */
    public String username() {
        return username;
    }

    /** Accepted password. */
    public String password() {
        return password;
    }

    /** How many tokens were requested (successfully or not). */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** Every {@code scope} parameter received, in order. */
    public List<String> scopesRequested() {
        synchronized (scopes) {
            return List.copyOf(scopes);
        }
    }

    /** Name of the JSON field carrying the token: {@code token} (default) or {@code access_token}. */
    public void tokenField(String field) {
        this.tokenField = field;
    }

    /** {@code expires_in} of issued tokens in seconds (also their JWT lifetime); default 300. */
    public void expiresIn(int seconds) {
        this.expiresIn = seconds;
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        try (exchange) {
            String expected = "Basic " + Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                byte[] body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            List<Map<String, Object>> access = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String param : query == null ? new String[0] : query.split("&")) {
                int eq = param.indexOf('=');
                if (eq > 0 && param.substring(0, eq).equals("scope")) {
                    String scope = URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
                    scopes.add(scope);
                    access.add(restrict(accessEntry(scope)));
                }
            }
            String jwt = jwt(access);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put(tokenField, jwt);
            answer.put("expires_in", expiresIn);
            answer.put("issued_at", Instant.now().toString());
            byte[] body = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * Grants at most these actions on repositories (e.g. {@code pull} only: an account without the delete scope),
     * as a token server with per-account rights does; {@code null} grants whatever is asked.
     */
    public void grantOnly(java.util.Set<String> actions) {
        this.grantedActions = actions == null ? null : java.util.Set.copyOf(actions);
    }

    private Map<String, Object> restrict(Map<String, Object> entry) {
        java.util.Set<String> granted = grantedActions;
        if (granted != null && "repository".equals(entry.get("type"))) {
            @SuppressWarnings("unchecked")
            List<String> asked = (List<String>) entry.get("actions");
            entry.put("actions", asked.stream().filter(granted::contains).toList());
        }
        return entry;
    }

    /** {@code repository:team-a/app:pull,push} → type, name (may contain ':' only before actions), actions. */
    private static Map<String, Object> accessEntry(String scope) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", scope.substring(0, first));
        entry.put("name", scope.substring(first + 1, last));
        entry.put("actions", List.of(scope.substring(last + 1).split(",")));
        return entry;
    }

    private String jwt(List<Map<String, Object>> access) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5c", List.of(Base64.getEncoder().encodeToString(certificateDer)));
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", username);
        claims.put("aud", SERVICE);
        claims.put("exp", now + expiresIn);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        String signingInput = url.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + url.encodeToString(JSON.writeValueAsBytes(claims));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + url.encodeToString(signature.sign());
    }

    @Override
    public void close() {
        server.stop(0);
        LocalRegistry.deleteRecursively(dir);
    }
}
