package dev.imagecatalog;

import java.io.IOException;
import java.time.Duration;

import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.testing.HeadlessChromium;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person deletes an image in a real browser (headless Chromium): the tag page offers a sign-in instead of the
 * delete buttons to an anonymous visitor; signed in with the permission, Delete image leads to the preview (tags,
 * platforms, the pod that runs one of them, the bytes freed), and confirming deletes it: the result page says what
 * went and the repository page no longer lists the tag.
 */
class DeleteBrowserIT {

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
        // alice may delete from any repository, as a binding of the chart's repository-deleter ClusterRole allows
        app = BrowserApp.start(1280, 1000, cluster -> cluster.addUser(ALICE_TOKEN, ALICE, "platform")
                .grant(ALICE, "delete", "repositories", null), true);
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
    void person_previewsADelete_seesThePodUsingIt_confirms_andTheTagIsGone() throws IOException {
        TestPusher.Index index = seeded.multiArch();
        String platform = index.platforms().getFirst().digest();
        k8s.fabric8().pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("shop-web")
                .withNamespace("shop").endMetadata().withNewSpec().withNodeName(MockKubernetes.AMD64_WORKER)
                .addNewContainer().withName("web").withImage(PULL_HOST + "/" + index.repository() + ":"
                        + index.tag()).endContainer().endSpec().build()).create();
        k8s.fabric8().pods().inNamespace("shop").withName("shop-web").editStatus(p -> new PodBuilder(p)
                .withStatus(new PodStatusBuilder().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                        .withName("web").withImage(PULL_HOST + "/" + index.repository() + ":" + index.tag())
                        .withImageID(PULL_HOST + "/" + index.repository() + "@" + platform).withReady(true)
                        .withRestartCount(0).build()).build()).build());
        String tagPage = app.base() + "/repositories/" + index.repository() + "/tags/" + index.tag();

        browser.get(app.base() + "/");
        long reclaimableBefore = reclaimableBytes();
        browser.get(tagPage);
        // anonymous: a sign-in prompt, no buttons
        assertThat(browser.findElements(By.id("delete-image"))).isEmpty();
        assertThat(browser.findElement(By.id("sign-in-to-delete")).isDisplayed()).isTrue();
        app.signIn(ALICE_TOKEN);
        browser.get(tagPage);
        screenshot("delete-00-tag-page");
        browser.findElement(By.id("delete-image")).click();

        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/delete?mode=image"));
        assertThat(browser.findElement(By.id("deletion-digest")).getText()).isEqualTo(index.digest());
        assertThat(browser.findElement(By.id("deletion-tags")).getText()).contains(index.tag());
        assertThat(browser.findElement(By.id("deletion-children")).getText()).contains(platform);
        assertThat(browser.findElement(By.id("in-use-warning")).getText()).contains("In use");
        assertThat(browser.findElement(By.id("in-use")).getText()).contains("shop", "shop-web",
                MockKubernetes.AMD64_WORKER);
        assertThat(browser.findElement(By.id("deletion-freed")).getText()).matches("[0-9.]+ (B|KiB|MiB)");
        screenshot("delete-01-preview");
        browser.findElement(By.id("deletion-confirm")).click();

        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                By.id("deletion-result")));
        assertThat(browser.findElement(By.id("deleted-tags")).getText()).contains(index.tag());
        screenshot("delete-02-result");
        browser.findElement(By.id("back-to-repository")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(app.base()
                + "/repositories/" + index.repository()));
        // the index was re-read at once: no event or reconcile needed for the tag to be gone
        assertThat(browser.findElements(By.cssSelector("a[href='/repositories/" + index.repository() + "/tags/"
                + index.tag() + "']"))).isEmpty();
        browser.get(tagPage);
        assertThat(browser.findElement(By.tagName("h1")).getText()).containsIgnoringCase("not found");
        // the deleted image's blobs wait for the garbage collector: the home page says how much
        browser.get(app.base() + "/");
        screenshot("delete-03-reclaimable");
        assertThat(reclaimableBytes()).as("reclaimable bytes after the delete").isGreaterThan(reclaimableBefore);
    }

    /** The home page's reclaimable figure, exact (its title), or 0 when the page shows none. */
    private static long reclaimableBytes() {
        var figure = browser.findElements(By.cssSelector("#reclaimable span[title]"));
        return figure.isEmpty() ? 0 : Long.parseLong(figure.getFirst().getAttribute("title").replaceAll("[^0-9]", ""));
    }

    private static void screenshot(String name) throws IOException {
        assertThat(chromium.screenshot(name)).isNotEmpty();
    }
}
