package dev.imagecatalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven headless by Selenium, with a fresh profile. The driver and browser paths are set
 * explicitly so that Selenium Manager never tries to download a driver (there is no network here).
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final Path profile;
    private final ChromeDriver driver;

    private HeadlessChromium(Path profile, ChromeDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    /**
     * Starts a browser with a window of the given size.
     *
     * @param width  window width in pixels
     * @param height window height in pixels
     * @return the running browser
     */
    public static HeadlessChromium start(int width, int height) {
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        try {
            Path profile = Files.createTempDirectory("catalog-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            // the background-networking flags keep Chromium from calling out of a machine without network
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--user-data-dir=" + profile);
            ChromeDriver driver = new ChromeDriver(options);
            driver.manage().window().setSize(new Dimension(width, height));
            return new HeadlessChromium(profile, driver);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WebDriver. */
    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Saves the current page as {@code target/screenshots/<name>.png}.
     *
     * @param name file name without extension
     * @return the PNG bytes
     */
    public byte[] screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        return png;
    }

    /** Quits the browser and deletes its profile. */
    @Override
    public void close() throws IOException {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
