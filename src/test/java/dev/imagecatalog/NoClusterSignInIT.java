package dev.imagecatalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.imagecatalog.testing.HeadlessChromium;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.OciImages;
import dev.imagecatalog.testing.ServiceProcess;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real service with no cluster configured (no service account, {@code KUBECONFIG} naming no file): signing in
 * says so and how to configure one, instead of dialling client-java's default {@code http://localhost:8080} — which
 * was often the catalog itself and answered "404 tokenreviews not found". A listener on that default port counts
 * every connection made to it while the service serves sign-in, header and tag pages: none. In the browser (1400 and
 * 420 px, light and dark) the header offers no Nodes, Runs or sign-in, the sign-in page says why, and a runnable
 * tag's page says that runs are off and why.
 */
class NoClusterSignInIT {

    /** client-java's address when nothing is configured. */
    private static final int DEFAULT_PORT = 8080;

    private static LocalRegistry registry;
    private static ServiceProcess service;
    private static TestPusher.Image image;
    private static ServerSocket defaultAddress;
    private static final AtomicInteger DIALLED = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        defaultAddress = listenOnTheDefaultPort();
        Thread.ofVirtual().start(() -> {
            while (!defaultAddress.isClosed()) {
                try (Socket ignored = defaultAddress.accept()) {
                    DIALLED.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        registry = LocalRegistry.start();
        image = OciImages.push(registry, "team/app-server", "1.0", "linux", "amd64", Map.of());
        service = ServiceProcess.start(List.of(), Map.of("REGISTRY_URL", registry.url().toString(),
                                                          "AUTH_MODE", "kubernetes"));
        service.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws IOException {
        TestResources.closeAll(service, registry);
        defaultAddress.close();
    }

    @Test
    void signIn_withoutACluster_saysNoClusterIsConfigured_andHowToConfigureOne() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(service.url().resolve("/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("no Kubernetes cluster configured").contains("KUBECONFIG")
                .doesNotContain("name=\"token\"");
        // the run API with a token: runs are off, and the answer says why (no dial of a default address either)
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(service.url().resolve("/api/runs"))
                .header("Authorization", "Bearer abc").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(api.statusCode()).as(api.body()).isEqualTo(403);
        assertThat(api.body()).contains("no Kubernetes cluster configured").contains("KUBECONFIG")
                .doesNotContain("tokenreviews").doesNotContain("localhost:8080");
        assertThat(service.log()).doesNotContain("localhost:8080");
        assertThat(DIALLED.get()).as("connections to the default address " + DEFAULT_PORT).isZero();
    }

    @ParameterizedTest(name = "{0} px, {1}")
    @CsvSource({"1400, light", "1400, dark", "420, light", "420, dark"})
    void pages_withoutACluster_offerNoRunsNodesOrSignIn_andSayWhy(int width, String scheme) throws IOException {
        try (HeadlessChromium chromium = HeadlessChromium.start(width, 1000)) {
            ChromeDriver browser = chromium.driver();
            browser.manage().window().setSize(new Dimension(width, 1000));
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
            String base = service.url().toString().replaceAll("/$", "");

            browser.get(base + "/repositories/" + image.repository() + "/tags/" + image.tag());
            assertThat(browser.findElement(By.cssSelector("nav.topnav")).getText()).isEqualTo("Repositories");
            assertThat(browser.findElements(By.id("sign-in"))).as("no sign-in link").isEmpty();
            assertThat(browser.findElements(By.id("sign-in-to-run"))).isEmpty();
            assertThat(browser.findElement(By.id("runs-off")).getText()).contains("Running this image is off",
                    "no Kubernetes cluster configured", "set KUBECONFIG");
            assertThat(browser.findElement(By.id("runs-off")).isDisplayed()).isTrue();
            chromium.screenshot("no-cluster-tag-" + width + "-" + scheme);

            browser.get(base + "/login");
            assertThat(browser.findElement(By.id("no-cluster")).getText()).contains("Sign-in is unavailable",
                    "no Kubernetes cluster configured", "KUBECONFIG");
            assertThat(browser.findElements(By.id("login-token"))).as("no token form that cannot work").isEmpty();
            assertThat(browser.findElements(By.id("sign-in"))).isEmpty();
            chromium.screenshot("no-cluster-sign-in-" + width + "-" + scheme);

            browser.get(base + "/");
            assertThat(browser.findElement(By.cssSelector("nav.topnav")).getText()).isEqualTo("Repositories");
            assertThat(browser.findElements(By.id("sign-in"))).isEmpty();
        }
        assertThat(DIALLED.get()).as("connections to the default address " + DEFAULT_PORT).isZero();
    }

    /** Binds the default port on every address (a busy port is retried: another test's server may hold it). */
    private static ServerSocket listenOnTheDefaultPort() throws IOException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try {
                return new ServerSocket(DEFAULT_PORT);
            } catch (java.net.BindException busy) {
                if (Instant.now().isAfter(deadline)) {
                    throw new UncheckedIOException("port " + DEFAULT_PORT + " stays busy: cannot watch it", busy);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
    }
}
