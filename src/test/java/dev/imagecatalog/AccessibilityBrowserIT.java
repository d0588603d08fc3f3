package dev.imagecatalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.runner.LaunchRequest;
import dev.imagecatalog.testing.SeededRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestResources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * axe-core (vendored from its npm tarball under {@code src/test/resources/axe}) reports no serious or critical
 * violation on any page, in light and in dark mode (Chromium's {@code prefers-color-scheme} emulated over CDP):
 * the catalog's pages, the signed-in tag page with the Run form and its pre-flight, nodes, runs, a run, search,
 * sign-in, an error page, the Untag and Delete image previews and retention.
 */
class AccessibilityBrowserIT {

    private static final String TOKEN = "a11y-token";

    private static BrowserApp app;
    private static SeededRegistry seeded;
    private static ChromeDriver browser;
    private static String axe;
    private static String runName;
    private static final java.util.regex.Pattern DECIMAL_UNITS =
            java.util.regex.Pattern.compile("\\b\\d+(\\.\\d+)? ?(kB|KB|MB|GB|TB)\\b");

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = AccessibilityBrowserIT.class.getResourceAsStream("/axe/axe.min.js")) {
            assertThat(in).as("vendored axe-core").isNotNull();
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // deletes on: the tag page shows Untag and Delete image, and their previews are swept too
        app = BrowserApp.start(1280, 1000,
                k8s -> k8s.addUser(TOKEN, "a11y@example.com").grant("a11y@example.com", "*", "*", null), true);
        seeded = app.seeded();
        browser = app.browser();
        TestPusher.Image image = seeded.amd64Only();
        runName = app.runner().launch(LaunchRequest.of(image.repository(), image.tag(), MockKubernetes.AMD64_WORKER))
                .name();
        // sign in once: the session cookie serves every page after
        app.signIn(TOKEN);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(app);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"light", "dark"})
    void everyPage_hasNoSeriousOrCriticalViolation_andNoDecimalUnits(String scheme) {
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
        TestPusher.Image image = seeded.amd64Only();
        TestPusher.Index index = seeded.multiArch();
        List<String> pages = List.of("/", "/repositories/" + image.repository(),
                "/repositories/" + image.repository() + "/tags/" + image.tag(),
                "/repositories/" + index.repository() + "/tags/" + index.tag(),
                "/search?q=app", "/nodes", "/runs", "/runs/" + runName, "/login", "/repositories/no/such",
                "/repositories/" + image.repository() + "/tags/" + image.tag() + "/delete?mode=untag",
                "/repositories/" + index.repository() + "/tags/" + index.tag() + "/delete?mode=image",
                "/retention",
                // a chart's facts, a platform missing from the registry
                "/repositories/" + seeded.helmChart().repository() + "/tags/" + seeded.helmChart().tag(),
                "/repositories/" + seeded.partialIndex().repository(),
                "/repositories/" + seeded.partialIndex().repository() + "/tags/" + seeded.partialIndex().tag());
        List<String> violations = new ArrayList<>();
        List<String> visits = new ArrayList<>(pages);
        // Stop's confirmation page is the answer to the Stop form sent without JavaScript's confirm()
        visits.add("stop confirmation of " + runName);
        for (String page : visits) {
            if (page.startsWith("stop confirmation")) {
                browser.get(base() + "/runs/" + runName);
                // form.submit() skips the submit handler that would ask confirm(): what a browser without JS sends
                browser.executeScript("document.querySelector('form.stop-form').submit();");
                new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                        .until(d -> d.getPageSource().contains("name=\"confirm\""));
            } else {
                browser.get(base() + page);
            }
            // one unit system on every page: binary (KiB, MiB…), never a decimal kB/MB beside it
            java.util.regex.Matcher decimal = DECIMAL_UNITS.matcher(
                    browser.findElement(org.openqa.selenium.By.tagName("body")).getText());
            if (decimal.find()) {
                violations.add(scheme + " " + page + ": a figure in decimal units: " + decimal.group());
            }
            browser.executeScript(axe);
            Object found = browser.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    axe.run(document, { resultTypes: ["violations"] }).then(r => done(r.violations
                        .filter(v => v.impact === "serious" || v.impact === "critical")
                        .map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 3)
                            .map(n => n.target.join(" ") + " (" + (n.failureSummary || "").replace(/\\s+/g, " ") + ")")
                            .join("; "))))
                      .catch(e => done(["axe failed: " + e]));
                    """);
            for (Object v : (List<?>) found) {
                violations.add(scheme + " " + page + ": " + v);
            }
        }
        assertThat(violations).as(String.join("\n", violations)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void tagTable_fitsAt1280_andRunPagesDoNotOverflowAt420() {
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
        try {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
            browser.get(base() + "/repositories/" + seeded.multiArch().repository());
            Object tableFits = browser.executeScript("""
                    const t = document.querySelector('main table');
                    const box = t.closest('.table-wrap') || t.parentElement;
                    return t.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1
                        && box.scrollWidth <= box.clientWidth + 1;""");
            assertThat(tableFits).as("the tag table fits its box at 1280 px").isEqualTo(true);

            browser.manage().window().setSize(new org.openqa.selenium.Dimension(420, 900));
            for (String page : List.of("/runs/" + runName, "/runs")) {
                browser.get(base() + page);
                Object width = browser.executeScript("return document.documentElement.scrollWidth;");
                Object view = browser.executeScript("return document.documentElement.clientWidth;");
                Object widest = browser.executeScript("""
                        const vw = document.documentElement.clientWidth;
                        return [...document.querySelectorAll('body *')]
                          .filter(e => e.getBoundingClientRect().right > vw + 1 && (!e.closest('.table-wrap') || e.classList.contains('table-wrap')))
                          .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                              + Math.round(e.getBoundingClientRect().right) + ' ' + getComputedStyle(e).overflowX).join(', ');""");
                assertThat(((Number) width).longValue()).as(page + " at 420 px; too wide: " + widest).isLessThanOrEqualTo(((Number) view).longValue());
            }
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        }
    }

    @org.junit.jupiter.api.Test
    void timestamps_readRelative_withTheAbsoluteUtcTimeOnHover() {
        browser.get(base() + "/runs/" + runName);
        org.openqa.selenium.WebElement created = browser.findElement(
                org.openqa.selenium.By.cssSelector("time[datetime]"));
        // the run was created moments ago: the text is relative, the title the absolute UTC time
        assertThat(created.getText()).matches("just now|\\d+ seconds? ago|\\d+ minutes? ago|1 minute ago");
        assertThat(created.getAttribute("title")).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}(:\\d{2})? UTC");
    }

    private static String base() {
        return app.base();
    }
}
