package dev.imagecatalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.imagecatalog.auth.AddressSet;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.auth.FailedReviewLimit;
import dev.imagecatalog.auth.SessionCodec;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.index.PeerForwarder;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.RunForms;
import dev.imagecatalog.testing.MovableClock;
import dev.imagecatalog.testing.SignIn;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.web.access.Guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.imagecatalog.testing.RunForms.form;
import static dev.imagecatalog.testing.RunForms.radio;
import static dev.imagecatalog.testing.RunForms.tagPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may act on the cluster, over real sockets: a real seeded registry, the Fabric8 mock API server answering
 * TokenReviews and SubjectAccessReviews from its test RBAC ({@link MockKubernetes#grant}), the assembled application
 * in each sign-in mode. What exists afterwards is checked with the Fabric8 client.
 */
class AuthWebIT {

    private static final String NAMESPACE = "runs";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "auth-web-it-session-key-0123456789abcdef";

    private static SeededRegistry seeded;
    private static RegistryCatalog catalog;
    private static MockKubernetes k8s;
    private static WebServer kube;
    private static WebServer proxyTrusted;
    private static WebServer proxyUntrusted;
    private static WebServer browseAuthenticated;
    private static WebServer demo;
    private static WebServer tainted;
    private static WebServer limited;
    private static WebServer replicaA;
    private static WebServer replicaB;
    /** Two replicas that announce sign-outs to each other, as the chart's peers do. */
    private static WebServer readOnly;
    private static WebServer announcingA;
    private static WebServer announcingB;
    private static MovableClock replicaClock;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        seeded = SeededRegistry.start();
        catalog = RegistryCatalog.create(RegistrySettings.of(seeded.registry().url(), "localhost:5001"));
        k8s = MockKubernetes.withNodes(Map.of());
        k8s.addUser("nobody-token", "nobody")
                .addUser("creator-token", "creator", "system:authenticated")
                .grant("creator", "create", "pods", NAMESPACE)
                .grant("creator", "list", "nodes", null)
                .addUser("reader-token", "reader")
                .grant("reader", "list", "pods", NAMESPACE)
                .grant("reader", "get", "pods", NAMESPACE)
                .addUser("member-token", "member", "runners")
                .grant("group:runners", "create", "pods", NAMESPACE)
                .grant("carol", "list", "nodes", null)
                .grant("group:proxied", "list", "pods", NAMESPACE);
        RunSettings runs = new RunSettings(true, NAMESPACE, Duration.ofHours(1));
        AuthSettings kubernetes = new AuthSettings(AuthMode.KUBERNETES, false, null, null, AddressSet.none(), null, KEY,
                List.of("catalog.runs.svc"));
        kube = start(runs, kubernetes);
        proxyTrusted = start(runs, kubernetes.withMode(AuthMode.PROXY, AddressSet.parse(List.of("127.0.0.1/32"))));
        proxyUntrusted = start(runs, kubernetes.withMode(AuthMode.PROXY, AddressSet.parse(List.of("10.0.0.0/8"))));
        browseAuthenticated = start(runs, kubernetes.withBrowseAuthenticated(true));
        demo = start(runs, kubernetes.withMode(AuthMode.NONE, AddressSet.none()));
        tainted = start(new RunSettings(true, NAMESPACE, Duration.ofHours(1), true, RunSettings.RESTRICTED), kubernetes);
        // its own limit of failed token reviews: the other tests' wrong tokens do not count against it
        limited = start(runs, kubernetes);
        // two replicas of one deployment: the same session key, and a clock the test moves
        replicaClock = new MovableClock(Instant.now());
        replicaA = start(runs, kubernetes, replicaClock);
        replicaB = start(runs, kubernetes, replicaClock);
        readOnly = start(new RunSettings(false, NAMESPACE, Duration.ofHours(1)), kubernetes);
        Guard guardA = Guard.create(kubernetes, k8s.cluster());
        Guard guardB = Guard.create(kubernetes, k8s.cluster());
        announcingA = start(runs, guardA);
        announcingB = start(runs, guardB);
        announceTo(guardA, announcingB);
        announceTo(guardB, announcingA);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static WebServer start(RunSettings runs, AuthSettings auth) {
        return start(runs, auth, Clock.systemUTC());
    }

    private static WebServer start(RunSettings runs, AuthSettings auth, Clock clock) {
        return start(runs, Guard.create(auth, k8s.cluster(), clock));
    }

    private static WebServer start(RunSettings runs, Guard guard) {
        Runner runner = Runner.create(catalog, k8s.cluster(), runs);
        return WebServer.builder().host("127.0.0.1").port(0)
                .update(b -> Main.setup(b, catalog, runner, guard)).build().start();
    }

    /** Wires a guard's sign-outs to a peer the way Main does: the peer forwarding's list, here a static one. */
    private static void announceTo(Guard guard, WebServer peer) {
        PeerForwarder peers = new PeerForwarder(IndexSettings.defaults().withPeers(List.of(base(peer))));
        guard.announceSignOutsTo(cookie -> peers.announce(Guard.PEER_SIGN_OUT, "text/plain",
                                                          cookie.getBytes(StandardCharsets.US_ASCII)));
    }

    @AfterAll
    static void stop() {
        for (WebServer s : new WebServer[] {kube, proxyTrusted, proxyUntrusted, browseAuthenticated, demo, tainted,
                limited, replicaA, replicaB, readOnly, announcingA, announcingB}) {
            if (s != null) {
                s.stop();
            }
        }
        if (k8s != null) {
            k8s.close();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (seeded != null) {
            seeded.close();
        }
    }

    @AfterEach
    void deletePods() {
        k8s.fabric8().pods().inNamespace(NAMESPACE).delete();
    }

    // ---- kubernetes mode: bearer tokens, TokenReview, SubjectAccessReview ---------------------------------------

    @Test
    void noCredentials_everyClusterRouteAnswers401_andNothingIsCreated() throws Exception {
        for (String path : List.of("/api/nodes", "/api/runs", "/api/runs/some-run", "/api/runs/some-run/logs",
                "/api/runs/some-run/logs?follow=true")) {
            HttpResponse<String> res = send(HttpRequest.newBuilder(uri(kube, path)).GET());
            assertThat(res.statusCode()).as(path).isEqualTo(401);
            assertThat(res.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
            assertThat(JSON.readTree(res.body()).get("error").asText()).as(path).contains("Sign-in required");
        }
        assertThat(postJson(kube, null, launchBody(MockKubernetes.AMD64_WORKER, false)).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri(kube, "/api/runs/some-run")).DELETE()).statusCode()).isEqualTo(401);
        for (String page : List.of("/nodes", "/runs", "/runs/some-run")) {
            HttpResponse<String> res = send(HttpRequest.newBuilder(uri(kube, page)).GET());
            assertThat(res.statusCode()).as(page).isEqualTo(401);
            assertThat(res.body()).contains("Sign-in required", "href=\"/login\"");
        }
        HttpResponse<String> badToken = send(HttpRequest.newBuilder(uri(kube, "/api/nodes"))
                .header("Authorization", "Bearer not-a-token").GET());
        assertThat(badToken.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(badToken.body()).get("error").asText()).contains("did not accept");
        // the catalog itself stays anonymous
        assertThat(send(HttpRequest.newBuilder(uri(kube, "/")).GET()).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri(kube, "/api/repositories")).GET()).statusCode()).isEqualTo(200);
        assertThat(pods()).isEmpty();
    }

    @Test
    void userWithoutTheRight_gets403NamingTheMissingPermission_andNoPod() throws Exception {
        HttpResponse<String> api = postJson(kube, "nobody-token", launchBody(MockKubernetes.AMD64_WORKER, false));
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(api.body()).get("error").asText())
                .isEqualTo("nobody may not create pods in namespace runs (ask a cluster administrator for a "
                           + "RoleBinding that grants it)");
        HttpResponse<String> nodes = get(kube, "/api/nodes", "nobody-token");
        assertThat(nodes.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(nodes.body()).get("error").asText()).contains("list nodes");

        // the same through the page's form, signed in on /login
        String session = SignIn.session(base(kube), "nobody-token");
        TestPusher.Image image = seeded.amd64Only();
        String tagPage = page(kube, tagPath(image), session);
        assertThat(tagPage).contains("nobody may not list nodes");
        Map<String, String> form = form(image, MockKubernetes.AMD64_WORKER);
        form.put("csrf", token(tagPage));
        HttpResponse<String> page = postForm(kube, "/runs", form, session);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("Not allowed", "nobody may not create pods in namespace runs");
        assertThat(pods()).isEmpty();
    }

    @Test
    void allowedUser_launches_201_andThePodRecordsWhoLaunchedIt_withTheFixedSecuritySettings() throws Exception {
        HttpResponse<String> res = postJson(kube, "creator-token", launchBody(MockKubernetes.AMD64_WORKER, false));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        Pod pod = pods().getFirst();
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("imagecatalog.dev/launched-by", "creator");
        Container c = pod.getSpec().getContainers().getFirst();
        assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        // baseline (the default): images may run as root
        assertThat(c.getSecurityContext().getRunAsNonRoot()).isNull();

        // a user allowed through a group of theirs
        assertThat(postJson(kube, "member-token", launchBody(MockKubernetes.AMD64_WORKER, false)).statusCode())
                .isEqualTo(201);
        // the runs list and the run page show who launched each run
        String name = pod.getMetadata().getName();
        JsonNode listed = JSON.readTree(get(kube, "/api/runs", MockKubernetes.ADMIN_TOKEN).body()).get("runs");
        assertThat(listed).extracting(r -> r.get("launchedBy").asText()).containsExactlyInAnyOrder("creator", "member");
        String session = SignIn.session(base(kube), MockKubernetes.ADMIN_TOKEN);
        assertThat(page(kube, "/runs/" + name, session)).contains("id=\"run-launched-by\">creator<");
        assertThat(page(kube, "/runs", session)).contains("<td class=\"launched-by\">creator</td>");
    }

    @Test
    void stopByAUserAllowedOnlyToCreate_is403_andThePodStays() throws Exception {
        String name = launch("creator-token");
        HttpResponse<String> api = send(HttpRequest.newBuilder(uri(kube, "/api/runs/" + name))
                .header("Authorization", "Bearer creator-token").DELETE());
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(api.body()).get("error").asText()).contains("creator may not delete pods in namespace runs");
        String session = SignIn.session(base(kube), "creator-token");
        String token = token(page(kube, "/login", session));
        HttpResponse<String> form = postForm(kube, "/runs/" + name + "/stop", Map.of("csrf", token), session);
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(form.body()).contains("delete pods");
        assertThat(pods()).hasSize(1);
        assertThat(send(HttpRequest.newBuilder(uri(kube, "/api/runs/" + name))
                .header("Authorization", "Bearer " + MockKubernetes.ADMIN_TOKEN).DELETE()).statusCode()).isEqualTo(204);
    }

    @Test
    void logsAndTheRunsList_needTheirOwnVerbs() throws Exception {
        String name = launch("creator-token");
        assertThat(error(get(kube, "/api/runs", "creator-token"), 403)).contains("list pods in namespace runs");
        assertThat(error(get(kube, "/api/runs/" + name + "/logs", "creator-token"), 403))
                .contains("get pods/log in namespace runs");
        assertThat(get(kube, "/api/runs", "reader-token").statusCode()).isEqualTo(200);
        assertThat(get(kube, "/api/runs/" + name, "reader-token").statusCode()).isEqualTo(200);
        assertThat(error(get(kube, "/api/runs/" + name + "/logs", "reader-token"), 403)).contains("get pods/log");
        assertThat(error(get(kube, "/api/runs/" + name + "/logs?follow=true", "reader-token"), 403))
                .contains("get pods/log");
        // the run page still shows the run, and says why there is no log
        String session = SignIn.session(base(kube), "reader-token");
        assertThat(page(kube, "/runs/" + name, session)).contains(name, "reader may not get pods/log");
    }

    @Test
    void accessReviews_areRememberedBrieflyPerUser_neverAcrossUsers() throws Exception {
        // users of this test only, so no earlier answer is remembered
        k8s.addUser("counted-token", "counted").grant("counted", "list", "pods", NAMESPACE)
                .addUser("uncounted-token", "uncounted");
        int before = k8s.accessReviews();
        assertThat(get(kube, "/api/runs", "counted-token").statusCode()).isEqualTo(200);
        assertThat(get(kube, "/api/runs", "counted-token").statusCode()).isEqualTo(200);
        assertThat(k8s.accessReviews() - before).isEqualTo(1);
        // another user asking the same thing is asked about, and refused
        assertThat(get(kube, "/api/runs", "uncounted-token").statusCode()).isEqualTo(403);
        assertThat(k8s.accessReviews() - before).isEqualTo(2);
    }

    // ---- proxy mode ----------------------------------------------------------------------------------------------

    @Test
    void proxyHeaders_fromAnUntrustedSource_areIgnored_fromATrustedOne_honoured() throws Exception {
        HttpResponse<String> untrusted = send(HttpRequest.newBuilder(uri(proxyUntrusted, "/api/nodes"))
                .header("X-Forwarded-User", MockKubernetes.ADMIN).GET());
        assertThat(untrusted.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(untrusted.body()).get("error").asText()).contains("authenticating proxy");

        HttpResponse<String> trusted = send(HttpRequest.newBuilder(uri(proxyTrusted, "/api/nodes"))
                .header("X-Forwarded-User", "carol").GET());
        assertThat(trusted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(trusted.body()).get("nodes")).hasSize(3);
        // groups come from their header too; without the header the request is anonymous
        assertThat(send(HttpRequest.newBuilder(uri(proxyTrusted, "/api/runs")).header("X-Forwarded-User", "dave")
                .header("X-Forwarded-Groups", "staff, proxied").GET()).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri(proxyTrusted, "/api/runs")).header("X-Forwarded-User", "dave")
                .GET()).statusCode()).isEqualTo(403);
        assertThat(send(HttpRequest.newBuilder(uri(proxyTrusted, "/api/runs")).GET()).statusCode()).isEqualTo(401);
    }

    @Test
    void sessionCookie_isHttpOnlyLaxWithAnExpiry_andSecureBehindATrustedTlsProxy() throws Exception {
        HttpResponse<String> login = send(HttpRequest.newBuilder(uri(kube, "/login")).GET());
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("catalog_session="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=").doesNotContain("Secure");

        TestPusher.Image image = seeded.amd64Only();
        HttpResponse<String> overTls = send(HttpRequest.newBuilder(uri(proxyTrusted, tagPath(image)))
                .header("X-Forwarded-User", "creator").header("X-Forwarded-Proto", "https").GET());
        assertThat(overTls.body()).contains("id=\"run-form\"");
        assertThat(overTls.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("catalog_session=").contains("Secure", "HttpOnly", "SameSite=Lax"));
        // the token itself is never in the cookie
        String session = SignIn.session(base(kube), "creator-token");
        assertThat(session).doesNotContain("creator-token");
        assertThat(new String(java.util.Base64.getUrlDecoder().decode(session.substring(session.indexOf('=') + 1,
                session.indexOf('.'))), StandardCharsets.UTF_8)).contains("\"u\":\"creator\"").doesNotContain("token");
        // an altered cookie is no session at all
        String altered = session.replace(session.substring(session.indexOf('=') + 1, session.indexOf('=') + 5), "AAAA");
        assertThat(send(HttpRequest.newBuilder(uri(kube, "/api/nodes")).header("Cookie", altered).GET()).statusCode())
                .isEqualTo(401);
    }

    // ---- Host allow-list -----------------------------------------------------------------------------------------

    @Test
    void foreignHost_withAMatchingOrigin_isRefused_andCreatesNothing() throws Exception {
        String body = launchBody(MockKubernetes.AMD64_WORKER, false);
        String rebinding = raw(kube, "POST", "/api/runs", "evil.example:" + kube.port(),
                Map.of("Origin", "http://evil.example:" + kube.port(), "Authorization",
                        "Bearer " + MockKubernetes.ADMIN_TOKEN, "Content-Type", "application/json"), body);
        assertThat(rebinding).startsWith("HTTP/1.1 421").contains("evil.example");
        assertThat(pods()).isEmpty();
        // pages too, and before any sign-in logic
        assertThat(raw(kube, "GET", "/", "evil.example", Map.of(), null)).startsWith("HTTP/1.1 421");
        // probes by pod IP keep working
        assertThat(raw(kube, "GET", "/observe/health", "10.244.1.7:8080", Map.of(), null)).startsWith("HTTP/1.1 200");
        // a configured name is allowed, with its own Origin
        String allowed = raw(kube, "POST", "/api/runs", "catalog.runs.svc:8080",
                Map.of("Origin", "http://catalog.runs.svc:8080", "Authorization", "Bearer " + MockKubernetes.ADMIN_TOKEN,
                        "Content-Type", "application/json"), body);
        assertThat(allowed).startsWith("HTTP/1.1 201");
        // an allowed Host with another site's Origin is cross-site
        String crossOrigin = raw(kube, "POST", "/api/runs", "catalog.runs.svc:8080",
                Map.of("Origin", "http://localhost:8080", "Authorization", "Bearer " + MockKubernetes.ADMIN_TOKEN,
                        "Content-Type", "application/json"), body);
        assertThat(crossOrigin).startsWith("HTTP/1.1 403");
        assertThat(pods()).hasSize(1);
    }

    @Test
    void forwardedHost_countsOnlyFromATrustedProxy_forTheHostCheckAndTheOrigin() throws Exception {
        String body = launchBody(MockKubernetes.AMD64_WORKER, false);
        Map<String, String> viaProxy = Map.of("X-Forwarded-User", "creator", "X-Forwarded-Host", "catalog.runs.svc",
                "Origin", "http://catalog.runs.svc", "Content-Type", "application/json");
        // behind the trusted proxy the browser addressed catalog.runs.svc: its Origin is this site
        assertThat(raw(proxyTrusted, "POST", "/api/runs", "127.0.0.1:" + proxyTrusted.port(), viaProxy, body))
                .startsWith("HTTP/1.1 201");
        // a trusted proxy forwarding a foreign host name is refused like a foreign Host
        assertThat(raw(proxyTrusted, "GET", "/", "127.0.0.1", Map.of("X-Forwarded-Host", "evil.example"), null))
                .startsWith("HTTP/1.1 421");
        // from an untrusted source X-Forwarded-Host means nothing: the Origin is not the Host addressed
        String untrusted = raw(kube, "POST", "/api/runs", "127.0.0.1:" + kube.port(), Map.of(
                "X-Forwarded-Host", "catalog.runs.svc", "Origin", "http://catalog.runs.svc",
                "Authorization", "Bearer creator-token", "Content-Type", "application/json"), body);
        assertThat(untrusted).startsWith("HTTP/1.1 403").contains("Cross-site");
        assertThat(pods()).hasSize(1);
    }

    // ---- CSRF bound to the session -------------------------------------------------------------------------------

    @Test
    void csrf_equalCookieAndFieldNotBoundToTheSession_andATokenOfAnotherSession_areRefused() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        String mine = SignIn.session(base(kube), MockKubernetes.ADMIN_TOKEN);
        String other = SignIn.session(base(kube), MockKubernetes.ADMIN_TOKEN);
        Map<String, String> form = form(image, MockKubernetes.AMD64_WORKER);

        // the old double-submit: any equal cookie/field pair
        form.put("csrf", "x");
        assertThat(postForm(kube, "/runs", form, "csrf=x; " + mine).statusCode()).isEqualTo(403);
        // an invented session cookie
        assertThat(postForm(kube, "/runs", form, "catalog_session=x.x").statusCode()).isEqualTo(403);
        // the token of another (valid) session of the same user
        form.put("csrf", token(page(kube, tagPath(image), other)));
        HttpResponse<String> foreign = postForm(kube, "/runs", form, mine);
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("does not match your session");
        assertThat(pods()).isEmpty();

        form.put("csrf", token(page(kube, tagPath(image), mine)));
        assertThat(postForm(kube, "/runs", form, mine).statusCode()).isEqualTo(303);
        assertThat(pods()).hasSize(1);
    }

    @Test
    void signOut_needsTheSessionsToken_andEndsTheSession() throws Exception {
        String session = SignIn.session(base(kube), MockKubernetes.ADMIN_TOKEN);
        String home = page(kube, "/", session);
        assertThat(home).contains("id=\"signed-in-user\"", MockKubernetes.ADMIN);
        assertThat(postForm(kube, "/logout", Map.of("csrf", "x"), session).statusCode()).isEqualTo(403);
        HttpResponse<String> out = postForm(kube, "/logout", Map.of("csrf", token(home)), session);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("catalog_session=;")
                .contains("Max-Age=0"));
        // the cookie kept and replayed after sign-out is no session any more
        HttpResponse<String> replayed = send(HttpRequest.newBuilder(uri(kube, "/api/nodes")).header("Cookie", session)
                .GET());
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(page(kube, "/", session)).doesNotContain("id=\"signed-in-user\"");
        // a wrong token on /login shows the form again
        HttpResponse<String> login = send(HttpRequest.newBuilder(uri(kube, "/login")).GET());
        String anonymous = SignIn.cookie(login);
        HttpResponse<String> refused = postForm(kube, "/login", Map.of("csrf", token(login.body()), "token", "wrong",
                "next", "https://evil.example/"), anonymous);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("did not accept this token", "id=\"login-token\"")
                .doesNotContain("value=\"https://evil.example/\"");
    }

    @Test
    void signOutOnOneReplica_theOtherRefusesTheCopyOnceItsIdleExpiryPasses() throws Exception {
        String session = SignIn.session(base(replicaA), MockKubernetes.ADMIN_TOKEN);
        assertThat(cookieGet(replicaB, "/api/nodes", session).statusCode()).isEqualTo(200);
        HttpResponse<String> out = postForm(replicaA, "/logout", Map.of("csrf", token(page(replicaA, "/", session))),
                session);
        assertThat(out.statusCode()).isEqualTo(303);

        assertThat(cookieGet(replicaA, "/api/nodes", session).statusCode()).isEqualTo(401);
        // the README's window: the other replica was not told, and honours the copy until its idle expiry
        assertThat(cookieGet(replicaB, "/api/nodes", session).statusCode()).isEqualTo(200);
        replicaClock.advance(SessionCodec.IDLE.plusSeconds(1));
        assertThat(cookieGet(replicaB, "/api/nodes", session).statusCode()).isEqualTo(401);
        assertThat(cookieGet(replicaA, "/api/nodes", session).statusCode()).isEqualTo(401);
    }

    @Test
    void readOnlyCatalog_refusesEveryRunRoute_withoutAskingTheCluster() throws Exception {
        String session = SignIn.session(base(readOnly), MockKubernetes.ADMIN_TOKEN);
        drainApiRequests();
        TestPusher.Image image = seeded.amd64Only();
        for (String path : List.of("/api/nodes", "/api/runs", "/api/runs/some-run", "/api/runs/some-run/logs",
                "/nodes", "/runs", "/runs/some-run",
                "/api/repositories/" + image.repository() + "/tags/" + image.tag() + "/nodes")) {
            HttpResponse<String> res = cookieGet(readOnly, path, session);
            assertThat(res.statusCode()).as(path).isEqualTo(403);
            assertThat(res.body()).as(path).contains("read-only");
        }
        // the chart grants a read-only catalog no SubjectAccessReview: it must not need one
        assertThat(drainApiRequests()).as("requests the API server received").isEmpty();
    }

    @Test
    void signOutOnOneReplica_isAnnouncedToItsPeers_whichRefuseTheCopyAtOnce() throws Exception {
        String session = SignIn.session(base(announcingA), MockKubernetes.ADMIN_TOKEN);
        assertThat(cookieGet(announcingB, "/api/nodes", session).statusCode()).isEqualTo(200);
        HttpResponse<String> out = postForm(announcingA, "/logout",
                Map.of("csrf", token(page(announcingA, "/", session))), session);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(cookieGet(announcingA, "/api/nodes", session).statusCode()).isEqualTo(401);
        // the announcement travels in the background: within a second the peer refuses the copy too
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int status;
        do {
            status = cookieGet(announcingB, "/api/nodes", session).statusCode();
        } while (status == 200 && System.nanoTime() < end && sleepBriefly());
        assertThat(status).as("the peer refuses the signed-out copy").isEqualTo(401);
    }

    @Test
    void announcedSignOut_mustBeASignedSession_andNeedsNoAllowedHost() throws Exception {
        // replicas address each other by pod IP: the Host check does not apply to this machine path
        assertThat(raw(announcingB, "POST", Guard.PEER_SIGN_OUT, "10.244.1.7:8080",
                Map.of("Content-Type", "text/plain"), "catalog_session-forged.value"))
                .as("a forged cookie is refused, and nothing is revoked").startsWith("HTTP/1.1 400");
        String session = SignIn.session(base(announcingB), MockKubernetes.ADMIN_TOKEN);
        String cookie = session.substring(session.indexOf('=') + 1);
        assertThat(cookieGet(announcingB, "/api/nodes", session).statusCode()).isEqualTo(200);
        assertThat(raw(announcingB, "POST", Guard.PEER_SIGN_OUT, "10.244.1.7:8080",
                Map.of("Content-Type", "text/plain"), cookie)).startsWith("HTTP/1.1 204");
        assertThat(cookieGet(announcingB, "/api/nodes", session).statusCode()).isEqualTo(401);
        // the registry's notifications, forwarded between replicas by pod IP, are not refused as misdirected either
        assertThat(raw(announcingB, "POST", "/api/registry/events", "10.244.1.7:8080",
                Map.of("Content-Type", "application/vnd.docker.distribution.events.v1+json"), "{}"))
                .doesNotStartWith("HTTP/1.1 421");
    }

    private static boolean sleepBriefly() {
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void activity_renewsTheSession_onEitherReplica_andIdlenessEndsIt() throws Exception {
        String session = SignIn.session(base(replicaA), MockKubernetes.ADMIN_TOKEN);
        replicaClock.advance(SessionCodec.IDLE.dividedBy(2).plusSeconds(1));
        HttpResponse<String> renewed = cookieGet(replicaB, "/api/nodes", session);
        assertThat(renewed.statusCode()).isEqualTo(200);
        String next = SignIn.cookie(renewed);
        assertThat(next).isNotEqualTo(session);

        replicaClock.advance(SessionCodec.IDLE.dividedBy(2));
        assertThat(cookieGet(replicaA, "/api/nodes", session).statusCode()).as("not renewed").isEqualTo(401);
        assertThat(cookieGet(replicaA, "/api/nodes", next).statusCode()).as("renewed").isEqualTo(200);
    }

    // ---- what a bearer token costs the API server ----------------------------------------------------------------

    @Test
    void tokenLongerThan16KiB_isRefusedWithAReason_andNeverReachesTheApiServer() throws Exception {
        HttpResponse<String> login = send(HttpRequest.newBuilder(uri(kube, "/login")).GET());
        String anonymous = SignIn.cookie(login);
        drainApiRequests();

        HttpResponse<String> refused = postForm(kube, "/login", Map.of("csrf", token(login.body()),
                "token", "a".repeat(1_000_000), "next", "/"), anonymous);

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("1000000 characters long; at most 16384 are accepted");
        assertThat(tokenReviews(drainApiRequests())).isZero();
    }

    @Test
    void anonymousCatalogBrowsing_withABearerToken_costsNoTokenReview_aClusterRouteOne() throws Exception {
        drainApiRequests();
        TestPusher.Image image = seeded.amd64Only();
        for (String path : List.of("/", "/api/repositories", "/repositories/" + image.repository(), "/api/status")) {
            assertThat(get(kube, path, "never-reviewed-token").statusCode()).as(path).isEqualTo(200);
        }
        assertThat(tokenReviews(drainApiRequests())).isZero();

        assertThat(get(kube, "/api/nodes", "never-reviewed-token").statusCode()).isEqualTo(401);
        assertThat(tokenReviews(drainApiRequests())).isEqualTo(1);
    }

    @Test
    void failedReviewsFromOneClient_get429WithRetryAfter_afterTheBurst_withoutAReview() throws Exception {
        drainApiRequests();
        for (int i = 0; i < FailedReviewLimit.BURST; i++) {
            assertThat(get(limited, "/api/nodes", "guess-" + i).statusCode()).as("guess %d", i).isEqualTo(401);
        }
        HttpResponse<String> limitedAnswer = get(limited, "/api/nodes", "guess-" + FailedReviewLimit.BURST);

        assertThat(limitedAnswer.statusCode()).isEqualTo(429);
        assertThat(limitedAnswer.headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Integer.parseInt(v)).isBetween(1, 6));
        assertThat(error(limitedAnswer, 429)).contains("Too many tokens from 127.0.0.1");
        assertThat(tokenReviews(drainApiRequests())).isEqualTo(FailedReviewLimit.BURST);
        // browsing the catalog needs no review and is not limited
        assertThat(get(limited, "/api/repositories", "guess-x").statusCode()).isEqualTo(200);
    }

    // ---- sign-in's way back --------------------------------------------------------------------------------------

    @Test
    void signInNext_nonAsciiRoundTrips_andAnOverlongOneBecomesTheHomePage() throws Exception {
        assertThat(signInLocation("/é")).isEqualTo("/%C3%A9");
        assertThat(signInLocation("/repositories/team/app?q=ü")).isEqualTo("/repositories/team/app?q=%C3%BC");
        assertThat(signInLocation("/" + "a".repeat(60_000))).isEqualTo("/");
    }

    // ---- auth.browse=authenticated, auth.mode=none ---------------------------------------------------------------

    @Test
    void browseAuthenticated_requiresSignInForTheCatalogToo() throws Exception {
        HttpResponse<String> signInNeeded = send(HttpRequest.newBuilder(uri(browseAuthenticated, "/")).GET());
        assertThat(signInNeeded.statusCode()).isEqualTo(401);
        // the 401 page offers the way in, not only the way back
        assertThat(signInNeeded.body()).contains("id=\"error-sign-in\"", "href=\"/login\"");
        assertThat(send(HttpRequest.newBuilder(uri(browseAuthenticated, "/api/repositories")).GET()).statusCode())
                .isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri(browseAuthenticated, "/login")).GET()).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri(browseAuthenticated, "/static/catalog.css")).GET()).statusCode())
                .isEqualTo(200);
        assertThat(get(browseAuthenticated, "/api/repositories", "nobody-token").statusCode()).isEqualTo(200);
        String session = SignIn.session(base(browseAuthenticated), "nobody-token");
        assertThat(page(browseAuthenticated, "/", session)).contains("nobody");
    }

    @Test
    void demoMode_warnsOnEveryPage_andRunsWithoutSignIn() throws Exception {
        for (String path : List.of("/", "/runs", "/login", "/no-such-page")) {
            assertThat(send(HttpRequest.newBuilder(uri(demo, path)).GET()).body()).as(path)
                    .contains("id=\"demo-warning\"", "anyone who can reach this page can run");
        }
        HttpResponse<String> res = postJson(demo, null, launchBody(MockKubernetes.AMD64_WORKER, false));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        assertThat(pods().getFirst().getMetadata().getAnnotations())
                .containsEntry("imagecatalog.dev/launched-by", "anonymous (auth.mode=none)");
        assertThat(send(HttpRequest.newBuilder(uri(kube, "/")).GET()).body()).doesNotContain("demo-warning");
    }

    // ---- tainted nodes and pod security --------------------------------------------------------------------------

    @Test
    void taintedNodes_areNotOfferedByDefault_andNeedTheSettingAndAnAcknowledgement() throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        String session = SignIn.session(base(kube), MockKubernetes.ADMIN_TOKEN);
        String form = page(kube, tagPath(image), session);
        assertThat(radio(form, MockKubernetes.CONTROL_PLANE)).contains("disabled").doesNotContain("checked");
        assertThat(form).contains("runs.allow-tainted-nodes is off");
        assertThat(radio(form, MockKubernetes.AMD64_WORKER)).contains("checked");
        assertThat(error(postJson(kube, MockKubernetes.ADMIN_TOKEN, launchBody(MockKubernetes.CONTROL_PLANE, true)),
                400)).contains("runs.allow-tainted-nodes is off");

        // allowed by the operator: offered, never preselected, and only with the acknowledgement
        String allowed = page(tainted, tagPath(image), session);
        assertThat(radio(allowed, MockKubernetes.CONTROL_PLANE)).doesNotContain("disabled", "checked");
        assertThat(radio(allowed, MockKubernetes.AMD64_WORKER)).contains("checked");
        assertThat(allowed).contains("name=\"acceptTaints\"");
        assertThat(error(postJson(tainted, MockKubernetes.ADMIN_TOKEN, launchBody(MockKubernetes.CONTROL_PLANE, false)),
                400)).contains("acceptTaints");
        assertThat(pods()).isEmpty();
        HttpResponse<String> accepted = postJson(tainted, MockKubernetes.ADMIN_TOKEN,
                launchBody(MockKubernetes.CONTROL_PLANE, true));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        Pod pod = pods().getFirst();
        assertThat(pod.getSpec().getTolerations()).anySatisfy(t -> assertThat(t.getKey())
                .isEqualTo(MockKubernetes.CONTROL_PLANE_TAINT));
        // runs.pod-security=restricted
        assertThat(pod.getSpec().getContainers().getFirst().getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** Where a successful sign-in sends the browser for a {@code next}. */
    private static String signInLocation(String next) throws Exception {
        HttpResponse<String> login = send(HttpRequest.newBuilder(uri(kube, "/login")).GET());
        HttpResponse<String> res = postForm(kube, "/login", Map.of("csrf", token(login.body()), "token",
                MockKubernetes.ADMIN_TOKEN, "next", next), SignIn.cookie(login));
        assertThat(res.statusCode()).isEqualTo(303);
        return res.headers().firstValue("Location").orElseThrow();
    }

    private static HttpResponse<String> cookieGet(WebServer target, String path, String cookie) throws Exception {
        return send(HttpRequest.newBuilder(uri(target, path)).header("Cookie", cookie).GET());
    }

    /** The paths of the requests the mock API server received since the last call. */
    private static List<String> drainApiRequests() throws InterruptedException {
        List<String> paths = new ArrayList<>();
        for (var r = k8s.server().takeRequest(100, TimeUnit.MILLISECONDS); r != null;
             r = k8s.server().takeRequest(100, TimeUnit.MILLISECONDS)) {
            paths.add(r.getPath());
        }
        return paths;
    }

    private static long tokenReviews(List<String> paths) {
        return paths.stream().filter(p -> p.contains("/tokenreviews")).count();
    }

    private static List<Pod> pods() {
        return k8s.fabric8().pods().inNamespace(NAMESPACE).list().getItems();
    }

    private static String launch(String token) throws Exception {
        HttpResponse<String> res = postJson(kube, token, launchBody(MockKubernetes.AMD64_WORKER, false));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return JSON.readTree(res.body()).get("name").asText();
    }

    private static String launchBody(String node, boolean acceptTaints) throws Exception {
        TestPusher.Image image = seeded.amd64Only();
        Map<String, Object> body = new LinkedHashMap<>(Map.of("repository", image.repository(), "tag", image.tag(),
                "node", node));
        if (acceptTaints) {
            body.put("acceptTaints", true);
        }
        return JSON.writeValueAsString(body);
    }

    private static String error(HttpResponse<String> res, int status) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        return JSON.readTree(res.body()).get("error").asText();
    }


    private static String token(String page) {
        return RunForms.csrfToken(page);
    }

    private static URI base(WebServer target) {
        return URI.create("http://127.0.0.1:" + target.port());
    }

    private static URI uri(WebServer target, String path) {
        return URI.create("http://127.0.0.1:" + target.port() + path);
    }

    private static HttpResponse<String> get(WebServer target, String path, String bearer) throws Exception {
        return send(HttpRequest.newBuilder(uri(target, path)).header("Authorization", "Bearer " + bearer).GET());
    }

    private static String page(WebServer target, String path, String cookie) throws Exception {
        HttpResponse<String> res = send(HttpRequest.newBuilder(uri(target, path)).header("Cookie", cookie).GET());
        assertThat(res.statusCode()).as(path + " " + res.body()).isEqualTo(200);
        return res.body();
    }

    private static HttpResponse<String> postJson(WebServer target, String bearer, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target, "/api/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request);
    }

    private static HttpResponse<String> postForm(WebServer target, String path, Map<String, String> form,
                                                 String cookie) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target, path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with a Host header of our choosing (java.net.http does not allow setting it), over a socket. */
    private static String raw(WebServer target, String method, String path, String host, Map<String, String> headers,
                              String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", target.port())) {
            socket.setSoTimeout(20_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
                                                      + "\r\nConnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            request.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            // the head, then exactly Content-Length bytes (the server may keep the connection open)
            InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String answer = head.toString(StandardCharsets.ISO_8859_1);
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(answer);
            byte[] content = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return answer + new String(content, StandardCharsets.UTF_8);
        }
    }
}
