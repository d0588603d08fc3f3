package dev.imagecatalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.RegistryCatalog;
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
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page opened while its client already holds the most change streams the server allows: the server answers the
 * page's EventSource 429, which makes a browser give the stream up for good — the page's script must notice and
 * listen again later. Real Chromium, real server, real registry.
 */
class ChangeStreamLimitBrowserIT {

    private static LocalRegistry registry;
    private static RegistryCatalog catalog;
    private static WebServer server;
    private static HeadlessChromium chromium;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
        new TestPusher(registry).pushOciImage("limits/app", "v1", Arch.AMD64, Map.of());
        catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), registry.hostPort()));
        server = WebServer.builder().host("127.0.0.1").port(0)
                .update(builder -> ReadOnlyApp.setup(builder, catalog)).build().start();
        chromium = HeadlessChromium.start(1280, 900);
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() {
        TestResources.closeAll(chromium, server, catalog, registry);
    }

    @Test
    void pageRefusedItsChangeStream_schedulesAnotherTry_insteadOfGivingUp() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            // this client (127.0.0.1, like the browser) holds every stream it may have
            for (int i = 0; i < 16; i++) {
                held.add(openStream());
            }
            browser.get(base().resolve("/").toString());

            String retry = new WebDriverWait(browser, Duration.ofSeconds(15))
                    .until(d -> d.findElement(By.tagName("body")).getDomAttribute("data-changes-retry"));
            assertThat(Integer.parseInt(retry)).isBetween(30_000, 60_000);
            assertThat(browser.findElement(By.tagName("body")).getDomAttribute("data-changes-ready")).isNull();
            // the page itself works: only the live notice waits
            assertThat(browser.findElement(By.cssSelector("main")).getText()).contains("limits/app");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private static Socket openStream() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET /api/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        return socket;
    }

    private static URI base() {
        return URI.create("http://127.0.0.1:" + server.port());
    }
}
