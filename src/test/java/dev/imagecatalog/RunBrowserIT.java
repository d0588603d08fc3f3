package dev.imagecatalog;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.testing.HeadlessChromium;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person runs an image in a real browser (headless Chromium): opens a tag, sees the nodes that cannot run it
 * disabled, chooses a node, presses Run, lands on the run page with the pod's name and status; when the kubelet
 * (simulated through the mock API) starts the container, the page's script updates the status and follows the log.
 * Screenshots land in {@code target/screenshots/}.
 */
class RunBrowserIT {

    private static final String NAMESPACE = BrowserApp.NAMESPACE;
    private static final String PULL_HOST = BrowserApp.PULL_HOST;
    private static final String ALICE = "alice@example.com";
    private static final String ALICE_TOKEN = "alice-token";

    private static BrowserApp app;
    private static SeededRegistry seeded;
    private static MockKubernetes k8s;
    private static ChromeDriver browser;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() {
        // alice may do everything with pods in the runs namespace and list nodes, as a RoleBinding would allow
        app = BrowserApp.start(1280, 1000, cluster -> cluster.addUser(ALICE_TOKEN, ALICE, "developers")
                .grant("group:developers", "*", "pods", NAMESPACE)
                .grant("group:developers", "*", "pods/log", NAMESPACE)
                .grant(ALICE, "list", "nodes", null));
        seeded = app.seeded();
        k8s = app.k8s();
        chromium = app.chromium();
        browser = app.browser();
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(app);
    }

    @Test
    void person_signsIn_runsAnImageOnAChosenNode_watchesItStart_andSignsOut() throws IOException {
        TestPusher.Image image = seeded.arm64Only();
        String tagPage = base() + "/repositories/" + image.repository() + "/tags/" + image.tag();
        browser.get(tagPage);
        // anonymous: the catalog is readable, running needs a sign-in
        assertThat(browser.findElements(By.cssSelector("input[name=node]"))).isEmpty();
        browser.findElement(By.id("sign-in-to-run")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("login-token")).sendKeys(ALICE_TOKEN);
        screenshot("run-00-sign-in");
        browser.findElement(By.id("login-submit")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(tagPage));
        assertThat(browser.findElement(By.id("signed-in-user")).getText()).isEqualTo(ALICE);
        // the pre-flight: the arm64 worker is ready and preselected; the others cannot run an arm64-only image
        WebElement arm = browser.findElement(By.cssSelector("input[name=node][value='" + MockKubernetes.ARM64_WORKER + "']"));
        assertThat(arm.isSelected()).isTrue();
        assertThat(browser.findElement(By.cssSelector("label[data-node='" + MockKubernetes.ARM64_WORKER + "']")).getText())
                .contains("ready to run", "4 CPU, 7.6Gi memory free", "pulls about");
        assertThat(browser.findElement(By.cssSelector("label[data-node='" + MockKubernetes.CONTROL_PLANE + "']")).getText())
                .contains("cannot run", "amd64 node; image has linux/arm64 only");
        screenshot("run-01-tag-with-form");
        copyToDocs("run-01-tag-with-form", "preflight.png");
        WebElement amd = browser.findElement(By.cssSelector("input[name=node][value='" + MockKubernetes.AMD64_WORKER + "']"));
        assertThat(amd.isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("run-form")).getText()).contains("amd64 node; image has linux/arm64 only");

        // the pre-flight follows the requests typed in: too much memory for the node, then back
        By armLabel = By.cssSelector("label[data-node='" + MockKubernetes.ARM64_WORKER + "']");
        browser.findElement(By.id("run-memory-request")).sendKeys("16Gi");
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.attributeToBe(armLabel, "data-verdict", "cannot"));
        assertThat(browser.findElement(armLabel).getText()).contains("cannot run",
                "never fits: needs 16Gi, 7.6Gi allocatable on the whole node");
        assertThat(arm.isEnabled()).isFalse();
        browser.findElement(By.id("run-memory-request")).clear();
        browser.findElement(By.id("run-memory-request")).sendKeys("1Gi");
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.attributeToBe(armLabel, "data-verdict", "ready"));
        assertThat(browser.findElement(armLabel).getText()).contains("fits (4 CPU, 7.6Gi memory free)");
        // judged in the page from the node figures: seven keystrokes and a clear asked the server once, not per edit
        assertThat((Long) browser.executeScript("return performance.getEntriesByType('resource')"
                                                + ".filter(e => new URL(e.name).pathname.endsWith('/nodes')).length")).isEqualTo(1L);
        arm.click();

        // the form starts from the image's defaults: replace its args
        browser.findElement(By.id("run-args")).clear();
        browser.findElement(By.id("run-args")).sendKeys("hello");
        browser.findElement(By.id("run-submit")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlMatches("/runs/[a-z0-9-]+$"));

        List<Pod> pods = k8s.fabric8().pods().inNamespace(NAMESPACE).list().getItems();
        assertThat(pods).hasSize(1);
        String name = pods.getFirst().getMetadata().getName();
        assertThat(browser.getCurrentUrl()).endsWith("/runs/" + name);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(name);
        assertThat(browser.findElement(By.id("run-phase")).getText()).isEqualTo("Pending");
        assertThat(pods.getFirst().getSpec().getContainers().getFirst().getArgs()).containsExactly("hello");
        assertThat(pods.getFirst().getMetadata().getAnnotations()).containsEntry("imagecatalog.dev/launched-by", ALICE);
        assertThat(browser.findElement(By.id("run-launched-by")).getText()).isEqualTo(ALICE);

        // the scheduler cannot place it yet: the page shows why, without a reload
        String why = "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector.";
        k8s.fabric8().v1().events().inNamespace(NAMESPACE).resource(new EventBuilder()
                .withNewMetadata().withName(name + ".sched").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(name).withNamespace(NAMESPACE).endInvolvedObject()
                .withReason("FailedScheduling").withType("Warning").withMessage(why)
                .withNewSource().withComponent("default-scheduler").endSource()
                .withLastTimestamp(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                .build()).create();
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-message"), "Insufficient memory"));
        screenshot("run-02-pending");
        copyToDocs("run-02-pending", "run-pending.png");

        // then it is placed, and the kubelet cannot pull: the page diagnoses it
        k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).edit(p -> new PodBuilder(p).editSpec()
                .withNodeName(MockKubernetes.ARM64_WORKER).endSpec().build());
        k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
                        .withName("run").withImage("i").withImageID("").withReady(false).withRestartCount(0)
                        .withNewState().withNewWaiting().withReason("ImagePullBackOff")
                        .withMessage("dial tcp [::1]:5001: connect: connection refused").endWaiting().endState()
                        .build()).build()).build());
        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("diagnosis")).getText())
                .contains("cannot reach the registry at " + PULL_HOST, "hosts.toml",
                          "Is the manifest still in the registry?");
        screenshot("run-02b-image-pull-diagnosis");
        copyToDocs("run-02b-image-pull-diagnosis", "run-diagnosis.png");

        // the kubelet starts the container and it logs a line: the page follows without a reload
        k8s.server().expect().get()
                .withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/" + name + "/log?container=run&follow=true&tailLines=200")
                .andReturn(200, "hello from the pod\n").always();
        k8s.fabric8().pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                        .withName("run").withImage("i").withImageID("").withReady(true).withRestartCount(0)
                        .withNewState().withNewRunning().withStartedAt("2026-01-01T00:00:00Z").endRunning().endState()
                        .build()).build()).build());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.textToBe(By.id("run-phase"), "Running"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "hello from the pod"));
        // textContent: the heading is upper-cased by CSS
        wait.until(d -> d.findElement(By.id("log-status")).getAttribute("textContent").contains("log ended"));
        // a later status refresh (every 3 s) must not follow the ended log again and repeat its lines
        sleep(Duration.ofMillis(3500));
        assertThat(browser.findElement(By.id("log")).getText()).isEqualTo("hello from the pod");
        assertThat(browser.findElement(By.id("log-status")).getAttribute("textContent")).containsOnlyOnce("log ended");
        screenshot("run-03-running-with-log");

        browser.get(base() + "/runs");
        assertThat(browser.findElement(By.cssSelector("table.runs")).getText()).contains(name, "Running", ALICE);
        // Stop asks first: dismissing keeps the run, accepting stops it and the list says so
        browser.findElement(By.cssSelector("tr[data-run='" + name + "'] button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
        assertThat(browser.switchTo().alert().getText()).contains("Stop run " + name + "?");
        browser.switchTo().alert().dismiss();
        assertThat(k8s.fabric8().pods().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
        browser.findElement(By.cssSelector("tr[data-run='" + name + "'] button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
        browser.switchTo().alert().accept();
        new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(ExpectedConditions.urlToBe(base() + "/runs?stopped=" + name));
        assertThat(browser.findElement(By.id("stopped-notice")).getText()).contains("Stopped " + name);
        screenshot("run-04-stopped");
        assertThat(k8s.fabric8().pods().inNamespace(NAMESPACE).list().getItems()).isEmpty();

        browser.findElement(By.id("sign-out")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(base() + "/"));
        assertThat(browser.findElements(By.id("signed-in-user"))).isEmpty();
        assertThat(browser.findElement(By.id("sign-in")).isDisplayed()).isTrue();
        browser.get(base() + "/runs");
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Sign-in required");
        screenshot("run-05-signed-out");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String base() {
        return app.base();
    }

    private static void screenshot(String name) throws IOException {
        assertThat(chromium.screenshot(name)).isNotEmpty();
    }

    /** The README's pictures come from this test: {@code -Ddocs.screenshots=true} refreshes {@code docs/}. */
    private static void copyToDocs(String screenshot, String file) throws IOException {
        if (Boolean.getBoolean("docs.screenshots")) {
            java.nio.file.Files.createDirectories(java.nio.file.Path.of("docs"));
            java.nio.file.Files.copy(java.nio.file.Path.of("target", "screenshots", screenshot + ".png"),
                    java.nio.file.Path.of("docs", file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
