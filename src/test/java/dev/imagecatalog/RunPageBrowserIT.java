package dev.imagecatalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.runner.LaunchRequest;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run page answers "why isn't it running?" and "how do I reach it?", and the Run form says why it preselects a
 * node, in headless Chromium at 1400 and 420 px, light and dark: a Pending run without and then with the scheduler's
 * {@code PodScheduled=False} condition (headline, the scheduler's message whole and the fix the catalog names, all
 * in view without scrolling), the kubectl commands with the image's port, the preselection reason and the best node
 * selected again after a request no node fits is cleared. axe-core finds no serious or critical violation there.
 */
class RunPageBrowserIT {

    private static final String TOKEN = "runpage-token";
    private static final String USER = "runpage@example.com";
    private static final String SCHEDULER = "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated "
            + "taint {node-role.kubernetes.io/control-plane: }, 1 node(s) didn't match Pod's node affinity/selector. "
            + "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is "
            + "not helpful for scheduling.";
    private static final String FIX = "Needs 9Gi memory; " + MockKubernetes.AMD64_WORKER + " has 7.6Gi allocatable: "
            + "run the image again with a memory request of at most 7.6Gi, or on a node with more memory.";

    private static BrowserApp app;
    private static ChromeDriver browser;
    private static TestPusher.Image server;
    private static String axe;

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = RunPageBrowserIT.class.getResourceAsStream("/axe/axe.min.js")) {
            assertThat(in).as("vendored axe-core").isNotNull();
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        app = BrowserApp.start(1400, 900, k8s -> k8s.addUser(TOKEN, USER)
                .grant(USER, "*", "pods", BrowserApp.NAMESPACE)
                .grant(USER, "*", "pods/log", BrowserApp.NAMESPACE)
                .grant(USER, "list", "nodes", null));
        browser = app.browser();
        // an image that exposes a port: the run page offers a port-forward for it
        server = new TestPusher(app.seeded().registry()).pushOciImageWithRunConfig("reach/server", "1",
                TestPusher.Arch.AMD64, Map.of("Cmd", List.of("serve"), "ExposedPorts",
                        Map.of("8080/tcp", Map.of(), "53/udp", Map.of())));
        app.signIn(TOKEN);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(app);
    }

    @ParameterizedTest(name = "{0} px, {1}")
    @CsvSource({"1400, light", "1400, dark", "420, light", "420, dark"})
    void pendingRun_saysWhy_withTheSchedulersMessageWholeAndTheFix_inView_andHowToReachThePod(int width, String scheme) {
        show(width, scheme);
        String name = app.runner().launch(LaunchRequest.of(server.repository(), server.tag(),
                MockKubernetes.AMD64_WORKER)).name();
        browser.get(app.base() + "/runs/" + name);

        // Pending, no condition yet: waiting for the scheduler, nothing to fix
        assertThat(browser.findElement(By.id("run-headline-text")).getText()).isEqualTo("Waiting for the scheduler");
        assertThat(browser.findElement(By.id("run-fix")).isDisplayed()).isFalse();
        assertInView("run-headline", width, scheme);

        // the scheduler gives up on it: the request is larger than the node; the page's script shows it without a reload
        app.k8s().fabric8().pods().inNamespace(BrowserApp.NAMESPACE).withName(name).edit(p -> new PodBuilder(p)
                .editSpec().editFirstContainer().withNewResources()
                .addToRequests("memory", new Quantity("9Gi")).endResources().endContainer().endSpec().build());
        app.k8s().fabric8().pods().inNamespace(BrowserApp.NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Pending").addNewCondition().withType("PodScheduled")
                        .withStatus("False").withReason("Unschedulable").withMessage(SCHEDULER).endCondition()
                        .build()).build());
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("run-fix-text"), FIX));
        assertThat(browser.findElement(By.id("run-headline-text")).getText())
                .isEqualTo("Cannot be scheduled: " + SCHEDULER);
        assertThat(browser.findElement(By.id("run-headline")).getAttribute("class")).contains("run-headline-problem");
        assertInView("run-headline", width, scheme);

        // and the same when the page is opened afresh (server-rendered, without the script's help)
        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("run-headline-text")).getText())
                .isEqualTo("Cannot be scheduled: " + SCHEDULER);
        assertThat(browser.findElement(By.id("run-fix-text")).getText()).isEqualTo(FIX);
        assertInView("run-headline", width, scheme);
        screenshot("runpage-pending-unschedulable-" + width + "-" + scheme);

        // reach the pod: the image's TCP port forwarded (its UDP port cannot be), a shell, the log, each copyable
        WebElement reach = browser.findElement(By.id("reach"));
        List<String> commands = reach.findElements(By.cssSelector(".copyable input")).stream()
                .map(i -> i.getAttribute("value")).toList();
        assertThat(commands).containsExactly(
                "kubectl port-forward -n runs pod/" + name + " 8080:8080",
                "kubectl exec -it -n runs pod/" + name + " -- sh",
                "kubectl logs -f -n runs pod/" + name);
        for (WebElement copy : reach.findElements(By.cssSelector("button.copy"))) {
            assertThat(copy.isDisplayed()).isTrue();
        }
        assertThat(reach.findElements(By.cssSelector(".copyable button.copy")).getFirst().getAttribute("data-copy"))
                .isEqualTo(commands.getFirst());
        // the API document carries the same
        Object api = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/runs/' + arguments[0]).then(r => r.json()).then(d => done(JSON.stringify(
                    [d.reach.portForward, d.reach.exec, d.reach.logs, d.headline.fix]))).catch(e => done(String(e)));""",
                name);
        assertThat((String) api).isEqualTo("[[\"" + commands.get(0) + "\"],\"" + commands.get(1) + "\",\""
                                           + commands.get(2) + "\",\"" + FIX + "\"]");
        assertNoSeriousViolation(scheme + " " + width + " run page");
        assertNoSidewaysScroll(width);

        // placed and started five minutes ago: "Running since 5 minutes ago", the exact time on hover
        app.k8s().fabric8().pods().inNamespace(BrowserApp.NAMESPACE).withName(name).edit(p -> new PodBuilder(p)
                .editSpec().withNodeName(MockKubernetes.AMD64_WORKER).endSpec().build());
        String started = java.time.Instant.now().minusSeconds(300).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        app.k8s().fabric8().pods().inNamespace(BrowserApp.NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Running").addNewContainerStatus().withName("run")
                        .withImage("i").withImageID("").withReady(true).withRestartCount(0).withNewState()
                        .withNewRunning().withStartedAt(started).endRunning().endState().endContainerStatus()
                        .build()).build());
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("run-headline-text"),
                "Running since 5 minutes ago"));
        assertThat(browser.findElement(By.id("run-since")).getAttribute("title"))
                .isEqualTo(started.substring(0, 19).replace('T', ' ') + " UTC");
        assertThat(browser.findElement(By.id("run-fix")).isDisplayed()).isFalse();
        assertInView("run-headline", width, scheme);
    }

    @ParameterizedTest(name = "{0} px, {1}")
    @CsvSource({"1400, light", "1400, dark", "420, light", "420, dark"})
    void runForm_saysWhyANodeIsPreselected_andSelectsTheBestAgain_whenARequestNoNodeFitsIsCleared(int width,
                                                                                                 String scheme) {
        show(width, scheme);
        TestPusher.Index index = app.seeded().multiArch();
        browser.get(app.base() + "/repositories/" + index.repository() + "/tags/" + index.tag());
        WebElement checked = browser.findElement(By.cssSelector("input[name=node]:checked"));
        String best = checked.getAttribute("value");
        String reason = browser.findElement(By.id("preselection")).getText();
        // what the pre-flight API says is what the page says
        Object api = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(document.querySelector('form[data-preflight]').dataset.preflight).then(r => r.json())
                    .then(d => done(d.preselected + ': ' + d.preselectedBecause)).catch(e => done(String(e)));""");
        assertThat(reason).isEqualTo("Preselected " + api + ".");
        assertThat(reason).startsWith("Preselected " + best + ": ready to run; ");
        assertThat(best).isIn(MockKubernetes.AMD64_WORKER, MockKubernetes.ARM64_WORKER);
        assertInView("preselection", width, scheme, false);

        // a request no node fits: nothing can be selected, and the page says so
        WebElement memory = browser.findElement(By.id("run-memory-request"));
        memory.sendKeys("16Gi");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.until(d -> d.findElements(By.cssSelector("input[name=node]:checked")).isEmpty());
        wait.until(ExpectedConditions.textToBe(By.id("preselection"),
                "No node is preselected: none can run this image now."));
        // cleared: the nodes are ready again and the best is selected again, with its reason
        memory.clear();
        memory.sendKeys(" ");
        memory.sendKeys(org.openqa.selenium.Keys.BACK_SPACE);
        wait.until(ExpectedConditions.elementToBeSelected(By.cssSelector("input[name=node][value='" + best + "']")));
        assertThat(browser.findElement(By.id("preselection")).getText()).isEqualTo(reason);
        screenshot("runpage-preselection-" + width + "-" + scheme);

        // the user's own choice is said as such, and comes back once a request that did not fit is cleared
        String other = best.equals(MockKubernetes.AMD64_WORKER) ? MockKubernetes.ARM64_WORKER : MockKubernetes.AMD64_WORKER;
        browser.findElement(By.cssSelector("label[data-node='" + other + "'] input[type=radio]")).click();
        assertThat(browser.findElement(By.id("preselection")).getText()).isEqualTo(other + ": your choice.");
        memory.sendKeys("16Gi");
        wait.until(d -> d.findElements(By.cssSelector("input[name=node]:checked")).isEmpty());
        memory.sendKeys(org.openqa.selenium.Keys.BACK_SPACE, org.openqa.selenium.Keys.BACK_SPACE,
                        org.openqa.selenium.Keys.BACK_SPACE, org.openqa.selenium.Keys.BACK_SPACE);
        wait.until(ExpectedConditions.elementToBeSelected(By.cssSelector("input[name=node][value='" + other + "']")));
        assertThat(browser.findElement(By.id("preselection")).getText()).isEqualTo(other + ": your choice.");
        assertNoSeriousViolation(scheme + " " + width + " tag page");
        assertNoSidewaysScroll(width);
    }

    private static void show(int width, String scheme) {
        browser.manage().window().setSize(new Dimension(width, 900));
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    private static void assertInView(String id, int width, String scheme) {
        assertInView(id, width, scheme, true);
    }

    /**
     * The element is wholly inside the window — as the page opens ({@code top}: no scrolling), else once scrolled to
     * — and none of its text is clipped.
     */
    private static void assertInView(String id, int width, String scheme, boolean top) {
        Object box = browser.executeScript("""
                const e = document.getElementById(arguments[0]);
                if (arguments[1]) e.scrollIntoView({ block: 'center' });
                const r = e.getBoundingClientRect();
                const clipped = [e, ...e.querySelectorAll('*')].some(x => x.scrollWidth > x.clientWidth + 1
                    && getComputedStyle(x).overflowX !== 'visible');
                return [window.scrollY, r.top, r.bottom, r.left, r.right, window.innerHeight,
                    document.documentElement.clientWidth, clipped, e.ownerDocument.defaultView
                    .matchMedia('(prefers-color-scheme: dark)').matches].join(' ');""", id, !top);
        String[] v = ((String) box).split(" ");
        String where = "#" + id + " at " + width + " px " + scheme + ": " + box;
        if (top) {
            assertThat(Double.parseDouble(v[0])).as(where).isZero();
        }
        assertThat(Double.parseDouble(v[1])).as(where).isGreaterThanOrEqualTo(0);
        assertThat(Double.parseDouble(v[2])).as(where).isLessThanOrEqualTo(Double.parseDouble(v[5]));
        assertThat(Double.parseDouble(v[3])).as(where).isGreaterThanOrEqualTo(0);
        assertThat(Double.parseDouble(v[4])).as(where).isLessThanOrEqualTo(Double.parseDouble(v[6]));
        assertThat(v[7]).as(where + " (text clipped)").isEqualTo("false");
        assertThat(v[8]).as(where + " (colour scheme)").isEqualTo(String.valueOf("dark".equals(scheme)));
    }

    private static void assertNoSidewaysScroll(int width) {
        Object scroll = browser.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) scroll).longValue()).as("horizontal overflow at " + width + " px").isLessThanOrEqualTo(0);
    }

    private static void assertNoSeriousViolation(String where) {
        browser.executeScript(axe);
        Object found = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ["violations"] }).then(r => done(r.violations
                    .filter(v => v.impact === "serious" || v.impact === "critical")
                    .map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 3)
                        .map(n => n.target.join(" ")).join("; "))))
                  .catch(e => done(["axe failed: " + e]));
                """);
        assertThat((List<?>) found).as(where).isEmpty();
    }

    private static void screenshot(String name) {
        try {
            assertThat(app.chromium().screenshot(name)).isNotEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
