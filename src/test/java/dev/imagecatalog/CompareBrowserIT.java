package dev.imagecatalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestPusher.Blob;
import dev.imagecatalog.testing.TestPusher.Image;
import dev.imagecatalog.testing.TestResources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person compares two tags in a real browser: from the tag page's "Compare with…" form to the compare page, which
 * fits a 1280 px and a 420 px window without horizontal scrolling (long digests, a long Env value and label) and
 * on which axe-core finds no serious or critical violation, in light and dark mode — nor on the tag page with the
 * form.
 */
class CompareBrowserIT {

    private static final String REPO = "compare/browser";
    private static final String LONG = "x".repeat(160);

    private static BrowserApp app;
    private static ChromeDriver browser;
    private static String axe;

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = CompareBrowserIT.class.getResourceAsStream("/axe/axe.min.js")) {
            assertThat(in).as("vendored axe-core").isNotNull();
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        app = BrowserApp.start(1280, 1000, cluster -> { });
        browser = app.browser();
        TestPusher pusher = new TestPusher(app.seeded().registry());
        Blob shared = pusher.pushBlob(REPO, TestPusher.random(5000), TestPusher.OCI_LAYER);
        Blob old = pusher.pushBlob(REPO, TestPusher.random(800), TestPusher.OCI_LAYER);
        Blob fresh = pusher.pushBlob(REPO, TestPusher.random(2400), TestPusher.OCI_LAYER);
        List<Image> v1 = new ArrayList<>();
        List<Image> v2 = new ArrayList<>();
        for (Arch arch : List.of(Arch.AMD64, Arch.ARM64)) {
            v1.add(pusher.pushOciImageOf(REPO, null, arch, List.of(shared, old), Map.of("version", "1"),
                    Map.of("Env", List.of("PATH=/usr/bin:/bin", "TOKEN_URL=https://example.com/" + LONG)),
                    List.of("ADD base.tar /", "COPY app /app")));
            v2.add(pusher.pushOciImageOf(REPO, null, arch, List.of(shared, fresh, fresh),
                    Map.of("version", "2", "org.opencontainers.image.description", LONG),
                    Map.of("Env", List.of("PATH=/usr/bin:/bin", "TOKEN_URL=https://example.org/" + LONG),
                            "Entrypoint", List.of("/usr/local/bin/a-rather-long-entrypoint-name", "--flag=" + LONG)),
                    List.of("ADD base.tar /", "COPY app /app", "RUN /bin/sh -c 'apk add --no-cache " + LONG + "'")));
        }
        pusher.pushOciIndexOf(REPO, "v1", v1, true);
        pusher.pushOciIndexOf(REPO, "v2", v2, true);
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(app);
    }

    @Test
    void tagPageForm_leadsToTheComparePage_whichFitsAt1280And420_andAxeFindsNothingSerious() throws IOException {
        try {
            browser.manage().window().setSize(new Dimension(1280, 1000));
            browser.get(app.base() + "/repositories/" + REPO + "/tags/v1");
            new Select(browser.findElement(By.id("compare-with-to"))).selectByValue("v2");
            browser.findElement(By.id("compare-with-submit")).click();
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/compare?"));
            assertThat(browser.getCurrentUrl()).endsWith("/repositories/" + REPO + "/compare?from=v1&to=v2");
            assertThat(browser.findElements(By.cssSelector("section.compare-platform"))).hasSize(2);
            assertThat(browser.findElements(By.cssSelector("tr[data-status=added]"))).hasSize(4);

            List<String> problems = new ArrayList<>();
            String compare = "/repositories/" + REPO + "/compare?from=v1&to=v2";
            for (int width : List.of(1280, 420)) {
                browser.manage().window().setSize(new Dimension(width, 1800));
                for (String page : List.of(compare, "/repositories/" + REPO + "/tags/v1")) {
                    browser.get(app.base() + page);
                    app.chromium().screenshot((page.equals(compare) ? "compare-" : "compare-with-") + width);
                    long scroll = ((Number) browser.executeScript(
                            "return document.documentElement.scrollWidth;")).longValue();
                    long client = ((Number) browser.executeScript(
                            "return document.documentElement.clientWidth;")).longValue();
                    if (scroll > client) {
                        problems.add(page + " at " + width + " px is " + scroll + " px wide: " + widest());
                    }
                }
            }
            browser.manage().window().setSize(new Dimension(1280, 1000));
            for (String scheme : List.of("light", "dark")) {
                browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                        List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
                for (String page : List.of(compare, "/repositories/" + REPO + "/tags/v1",
                        "/repositories/" + REPO + "/compare?from=v1")) {
                    browser.get(app.base() + page);
                    for (Object v : axeViolations()) {
                        problems.add(scheme + " " + page + ": " + v);
                    }
                }
            }
            assertThat(problems).as(String.join("\n", problems)).isEmpty();
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 1000));
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
        }
    }

    /** The elements reaching past the window (outside a scrolling table box), to say what overflows. */
    private static Object widest() {
        return browser.executeScript("""
                const vw = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > vw + 1
                       && (!e.closest('.table-wrap') || e.classList.contains('table-wrap')))
                  .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                      + Math.round(e.getBoundingClientRect().right)).join(', ');""");
    }

    private static List<?> axeViolations() {
        browser.executeScript(axe);
        return (List<?>) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ["violations"] }).then(r => done(r.violations
                    .filter(v => v.impact === "serious" || v.impact === "critical")
                    .map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 3)
                        .map(n => n.target.join(" ") + " (" + (n.failureSummary || "").replace(/\\s+/g, " ") + ")")
                        .join("; "))))
                  .catch(e => done(["axe failed: " + e]));
                """);
    }
}
