package dev.imagecatalog;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import dev.imagecatalog.catalog.RegistryCatalog;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.HeadlessChromium;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
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
 * A real browser (headless Chromium) uses the catalog as a person would: opens {@code /}, filters, opens a
 * repository and reads the sizes. Screenshots land in {@code target/screenshots/}.
 */
@ServerTest
class CatalogBrowserIT {

    private static SeededRegistry seeded;
    private static RegistryCatalog catalog;
    private static ChromeDriver browser;
    private static HeadlessChromium chromium;

    private final URI server;

    CatalogBrowserIT(URI server) {
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        seeded = SeededRegistry.start();
        catalog = RegistryCatalog.create(RegistrySettings.of(seeded.registry().url(), "localhost:5001"));
        ReadOnlyApp.setup(server, catalog);
    }

    @BeforeAll
    static void startBrowser() {
        chromium = HeadlessChromium.start(1280, 900);
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(chromium, catalog, seeded);
    }

    @Test
    void repositoryPage_oldDatesReadAsMonthAndYear_afterTheScriptRan_exactTimeOnHover() {
        TestPusher.Index index = seeded.multiArch();
        browser.get(server.resolve("/repositories/" + index.repository()).toString());
        List<WebElement> times = browser.findElements(By.cssSelector("table.tags td.created time"));
        assertThat(times).hasSize(index.platforms().size());
        for (int i = 0; i < times.size(); i++) {
            java.time.ZonedDateTime created = index.platforms().get(i).created().atZone(java.time.ZoneOffset.UTC);
            // the seeded images are from 2023/2024: the script must not turn them into "2 years ago"
            String month = created.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH)
                           + " " + created.getYear();
            WebElement time = times.get(i);
            new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> time.getText().equals(month));
            assertThat(time.getAttribute("title")).isEqualTo(String.format(java.util.Locale.ROOT,
                    "%1$tY-%1$tm-%1$td %1$tH:%1$tM:%1$tS UTC", created));
        }
    }

    @Test
    void person_filtersOpensRepositoryAndSeesSizes() throws IOException {
        TestPusher.Index index = seeded.multiArch();
        browser.get(server.resolve("/").toString());
        screenshot("01-repositories");
        assertThat(links()).containsAll(seeded.repositories());

        WebElement filter = browser.findElement(By.id("q"));
        filter.sendKeys("multi");
        filter.submit();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("q=multi"));
        screenshot("02-filtered");
        assertThat(links()).containsExactly("multi/app", "multi/docker-list");

        browser.findElement(By.cssSelector("table.repos a[href='/repositories/" + index.repository() + "']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.urlToBe(server.resolve("/repositories/" + index.repository()).toString()));
        screenshot("03-repository");
        List<WebElement> sizes = browser.findElements(By.cssSelector("table.tags .size-text"));
        assertThat(sizes).hasSize(index.platforms().size());
        for (int i = 0; i < sizes.size(); i++) {
            long expected = index.platforms().get(i).size();
            assertThat(sizes.get(i).getAttribute("title")).isEqualTo(CatalogWebIT.exactBytes(expected));
            assertThat(sizes.get(i).getText()).matches("[0-9.]+ (B|KiB|MiB|GiB)");
        }
        // with JavaScript the copy buttons appear
        assertThat(browser.findElements(By.cssSelector("button.copy")).getFirst().isDisplayed()).isTrue();

        browser.findElement(By.linkText(index.tag())).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/tags/"));
        screenshot("04-tag");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(index.repository() + ":" + index.tag());

        browser.get(server.resolve("/repositories/" + seeded.labelled().repository() + "/tags/"
                + seeded.labelled().tag()).toString());
        screenshot("05-labelled-tag");
        assertThat(browser.findElement(By.cssSelector("table.labels")).getText())
                .contains(SeededRegistry.SCRIPT_LABEL_VALUE);

        // the cosign signature folds under the image it signs (a badge); the toggle lists it (issue 16)
        browser.get(server.resolve("/repositories/" + seeded.labelled().repository()).toString());
        assertThat(browser.findElement(By.cssSelector("table.tags .badge-signature")).getText()).startsWith("signed");
        browser.findElement(By.id("sidecar-toggle")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("sidecars=show"));
        screenshot("07-repository-with-signature");
        assertThat(browser.findElement(By.cssSelector("table.tags")).getText()).contains("not runnable");

        browser.get(server.resolve("/repositories/no/such").toString());
        screenshot("06-not-found");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
    }

    @Test
    void search_showsRepositoryNamesAsTheyAre() {
        // names are case-sensitive identifiers: a card title styled in capitals showed "MULTI/APP"
        catalog.crawl();
        browser.get(server.resolve("/search?q=multi").toString());
        List<String> titles = browser.findElements(By.cssSelector("h2.card-title a")).stream()
                .map(WebElement::getText).toList();
        assertThat(titles).contains("multi/app", "multi/docker-list");
    }

    private List<String> links() {
        return browser.findElements(By.cssSelector("table.repos th[scope=row] a")).stream()
                .map(a -> a.getAttribute("href").substring(server.resolve("/repositories/").toString().length()))
                .toList();
    }

    private static void screenshot(String name) throws IOException {
        assertThat(chromium.screenshot(name)).isNotEmpty();
    }
}
