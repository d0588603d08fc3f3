package dev.imagecatalog;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.lifecycle.DeleteSettings;
import dev.imagecatalog.catalog.lifecycle.Deleter;
import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.runner.RunSettings;
import dev.imagecatalog.runner.Runner;
import dev.imagecatalog.testing.HeadlessChromium;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.TestResources;
import dev.imagecatalog.web.access.Guard;

import io.helidon.webserver.WebServer;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole application as a person meets it in a browser: the seeded registry, the catalog over it, a stand-in
 * cluster (nodes of {@link MockKubernetes#withNodes}, users and grants set up by the caller), runs in
 * {@value #NAMESPACE}, sign-in with Kubernetes tokens, served on a free port and opened in headless Chromium.
 * One fixture for the browser tests, so each states only what it checks.
 */
final class BrowserApp implements AutoCloseable {

    /** The runs namespace. */
    public static final String NAMESPACE = "runs";
    /** What nodes pull from (the catalog's pull host). */
    public static final String PULL_HOST = "localhost:5001";

    private final SeededRegistry seeded;
    private final RegistryCatalog catalog;
    private final MockKubernetes k8s;
    private final Runner runner;
    private final WebServer server;
    private final HeadlessChromium chromium;

    private BrowserApp(SeededRegistry seeded, RegistryCatalog catalog, MockKubernetes k8s, Runner runner,
                       WebServer server, HeadlessChromium chromium) {
        this.seeded = seeded;
        this.catalog = catalog;
        this.k8s = k8s;
        this.runner = runner;
        this.server = server;
        this.chromium = chromium;
    }

    /**
     * Starts everything; {@code cluster} adds the users and grants the test needs (before the server serves).
     *
     * @param width  the browser window's width
     * @param height its height
     */
    public static BrowserApp start(int width, int height, Consumer<MockKubernetes> cluster) {
        return start(width, height, cluster, false);
    }

    /**
     * {@link #start(int, int, Consumer)} with Untag and Delete image on ({@code registry.delete.enabled}) when
     * {@code deletes} is true.
     */
    public static BrowserApp start(int width, int height, Consumer<MockKubernetes> cluster, boolean deletes) {
        SeededRegistry seeded = null;
        RegistryCatalog catalog = null;
        MockKubernetes k8s = null;
        WebServer server = null;
        try {
            seeded = SeededRegistry.start();
            catalog = RegistryCatalog.create(RegistrySettings.of(seeded.registry().url(), PULL_HOST));
            k8s = MockKubernetes.withNodes(Map.of());
            cluster.accept(k8s);
            Runner runner = Runner.create(catalog, k8s.cluster(), new RunSettings(true, NAMESPACE, Duration.ofHours(1)));
            RegistryCatalog c = catalog;
            MockKubernetes m = k8s;
            Deleter deleter = deletes ? new Deleter(new DeleteSettings(true), catalog.deletions(), catalog.index(),
                    k8s.cluster(), PULL_HOST, catalog::reread) : Deleter.disabled();
            server = WebServer.builder().host("127.0.0.1").port(0)
                    .update(builder -> Main.setup(builder, c, runner,
                            Guard.create(AuthSettings.kubernetes(), m.cluster()),
                            RegistrySettings.DEFAULT_REQUEST_DEADLINE, deleter)).build().start();
            return new BrowserApp(seeded, catalog, k8s, runner, server, HeadlessChromium.start(width, height));
        } catch (RuntimeException e) {
            TestResources.closeAll(server, k8s, catalog, seeded);
            throw e;
        }
    }

    /** Signs in through the {@code /login} form with a Kubernetes token; the session cookie serves what follows. */
    public void signIn(String token) {
        ChromeDriver browser = browser();
        browser.get(base() + "/login");
        browser.findElement(By.id("login-token")).sendKeys(token);
        browser.findElement(By.id("login-submit")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.id("signed-in-user")));
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The browser. */
    public ChromeDriver browser() {
        return chromium.driver();
    }

    /** The browser's process (screenshots). */
    public HeadlessChromium chromium() {
        return chromium;
    }

    /** The seeded registry. */
    public SeededRegistry seeded() {
        return seeded;
    }

    /** The catalog the server uses (tests re-read a repository they pushed to after the start). */
    public RegistryCatalog catalog() {
        return catalog;
    }

    /** The stand-in cluster. */
    public MockKubernetes k8s() {
        return k8s;
    }

    /** The runner the server uses. */
    public Runner runner() {
        return runner;
    }

    @Override
    public void close() {
        TestResources.closeAll(chromium, server, k8s, catalog, seeded);
    }
}
