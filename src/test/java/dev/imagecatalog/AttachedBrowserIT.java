package dev.imagecatalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.testing.CosignSidecars;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestResources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a real browser, the badges of a signed image and the attached list of its tag page (issue 16) read at
 * 1280 px and at 420 px without horizontal overflow, and axe-core finds no serious or critical violation on the
 * repository page (sidecars folded and shown) and the tag pages of a cosign-signed image and a buildx index.
 */
class AttachedBrowserIT {

    private static final String REPO = "attached/app";

    private static BrowserApp app;
    private static ChromeDriver browser;
    private static String axe;
    private static TestPusher.Index buildx;

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = AttachedBrowserIT.class.getResourceAsStream("/axe/axe.min.js")) {
            assertThat(in).as("vendored axe-core").isNotNull();
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        app = BrowserApp.start(1280, 1000, k8s -> { });
        browser = app.browser();
        TestPusher pusher = new TestPusher(app.seeded().registry());
        CosignSidecars cosign = new CosignSidecars(pusher);
        TestPusher.Image signed = pusher.pushOciImage(REPO, "1.0", Arch.AMD64, Map.of());
        cosign.sign(REPO, signed.digest(), CosignSidecars.fulcioLikeCertificate(
                "a-rather-long-identity-for-a-narrow-screen@build.example.com", "https://token.actions.example.com"));
        cosign.attest(REPO, signed.digest(), List.of("https://slsa.dev/provenance/v1",
                "https://cosign.sigstore.dev/attestation/vuln/v1"));
        cosign.sbom(REPO, signed.digest(), CosignSidecars.CYCLONEDX,
                "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\"}".getBytes(StandardCharsets.UTF_8));
        TestPusher.Image gone = pusher.pushOciImage(REPO, "gone", Arch.ARM64, Map.of());
        cosign.sign(REPO, gone.digest(), null);
        pusher.deleteManifest(REPO, gone.digest());
        buildx = pusher.pushBuildxIndex("attached/buildx", "1.0", List.of(Arch.AMD64, Arch.ARM64), 1_000);
        // the first crawl may have read them half-pushed (no notifications here): read them now
        app.catalog().reread(REPO);
        app.catalog().reread(buildx.repository());
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(app);
    }

    private static List<String> pages() {
        return List.of("/repositories/" + REPO, "/repositories/" + REPO + "?sidecars=show",
                "/repositories/" + REPO + "/tags/1.0", "/repositories/" + buildx.repository() + "/tags/1.0");
    }

    @Test
    void badgesAndAttachedList_readAt1280And420_withoutHorizontalOverflow() {
        try {
            for (int width : new int[] {1280, 420}) {
                browser.manage().window().setSize(new Dimension(width, 900));
                browser.get(app.base() + "/repositories/" + REPO);
                List<String> badges = browser.findElements(By.cssSelector(".badge-attached")).stream()
                        .map(e -> e.getText().lines().findFirst().orElse("")).toList();
                assertThat(badges).as("badges at " + width).containsExactly("signed", "SBOM", "attested");
                assertThat(browser.findElements(By.cssSelector("#orphans li"))).hasSize(1);
                for (WebElement badge : browser.findElements(By.cssSelector(".badge-attached"))) {
                    assertThat(badge.isDisplayed()).isTrue();
                }
                for (String page : pages()) {
                    browser.get(app.base() + page);
                    assertThat(overflow()).as(page + " at " + width + " px").isEmpty();
                }
                browser.get(app.base() + "/repositories/" + REPO + "/tags/1.0");
                List<WebElement> items = browser.findElements(By.cssSelector("#attached .attached-item"));
                assertThat(items).hasSize(4);
                for (WebElement item : items) {
                    WebElement download = item.findElement(By.cssSelector("a.attached-download"));
                    assertThat(download.isDisplayed()).isTrue();
                }
                browser.executeScript("document.getElementById('attached').scrollIntoView();");
                try {
                    app.chromium().screenshot("attached-tag-" + width);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 1000));
        }
    }

    @Test
    void changedPages_haveNoSeriousOrCriticalViolation() {
        List<String> violations = new ArrayList<>();
        for (String scheme : List.of("light", "dark")) {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
            for (String page : pages()) {
                browser.get(app.base() + page);
                browser.executeScript(axe);
                Object found = browser.executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        axe.run(document, { resultTypes: ["violations"] }).then(r => done(r.violations
                            .filter(v => v.impact === "serious" || v.impact === "critical")
                            .map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 3)
                                .map(n => n.target.join(" ")).join("; "))))
                          .catch(e => done(["axe failed: " + e]));
                        """);
                for (Object v : (List<?>) found) {
                    violations.add(scheme + " " + page + ": " + v);
                }
            }
        }
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
        assertThat(violations).as(String.join("\n", violations)).isEmpty();
    }

    /** Elements reaching past the viewport (a table scrolling inside its own box is fine), empty when none. */
    private static String overflow() {
        Object wide = browser.executeScript("""
                const vw = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= vw) { return ''; }
                return [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > vw + 1 && !e.closest('.table-wrap'))
                  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                  .join(', ') || ('scrollWidth ' + document.documentElement.scrollWidth + ' > ' + vw);""");
        return String.valueOf(wide);
    }
}
