package dev.imagecatalog;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.HeadlessChromium;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestResources;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person keeps a page open while someone pushes: the real registry notifies the service, the index publishes
 * the change, and the open page (headless Chromium) says "2 new tags — refresh" without reloading itself.
 */
class IndexBrowserIT {

    private static final String TOKEN = "browser-events-token";

    private static LocalRegistry registry;
    private static TestPusher pusher;
    private static RegistryCatalog catalog;
    private static WebServer server;
    private static HeadlessChromium chromium;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        pusher = new TestPusher(registry);
        pusher.pushOciImage("live/app", "v1", Arch.AMD64, Map.of());
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()),
                IndexSettings.defaults().withEventsToken(TOKEN));
        server = WebServer.builder().host("127.0.0.1").port(0)
                .update(builder -> ReadOnlyApp.setup(builder, catalog)).build().start();
        catalog.crawl();
        registry.notifyTo(base().resolve("/api/registry/events"), TOKEN);
        chromium = HeadlessChromium.start(1280, 900);
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(chromium, server, catalog, registry);
    }

    @Test
    void openRepositoryPage_showsNewTagsNotice_whenTwoTagsArePushed_andRefreshShowsThem() throws IOException {
        browser.get(base().resolve("/repositories/live/app").toString());
        awaitSubscribed();
        WebElement notice = browser.findElement(By.id("changes"));
        assertThat(notice.isDisplayed()).isFalse();

        pusher.pushOciImage("live/app", "v2", Arch.AMD64, Map.of());
        pusher.pushOciImage("live/app", "v3", Arch.ARM64, Map.of());

        new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(d -> d.findElement(By.id("changes-text")).getText().contains("2 new tags"));
        assertThat(notice.isDisplayed()).isTrue();
        assertThat(chromium.screenshot("index-01-new-tags")).isNotEmpty();

        browser.findElement(By.id("changes-refresh")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> d.findElements(By.linkText("v3")).size() == 1);
        assertThat(browser.findElement(By.cssSelector("table.tags")).getText()).contains("v1", "v2", "v3");
        assertThat(browser.findElement(By.id("changes")).isDisplayed()).isFalse();
    }

    @Test
    void openHomePage_showsANewRepository() throws IOException {
        browser.get(base().resolve("/").toString());
        awaitSubscribed();

        pusher.pushOciImage("live/other", "1.0", Arch.AMD64, Map.of());

        new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(d -> d.findElement(By.id("changes-text")).getText().contains("1 new repository"));
        assertThat(browser.findElement(By.id("changes-text")).getText()).contains("1 new tag");
        assertThat(chromium.screenshot("index-02-new-repository")).isNotEmpty();
    }

    private static void awaitSubscribed() {
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-changes-ready")));
    }

    private static URI base() {
        return URI.create("http://127.0.0.1:" + server.port());
    }
}
