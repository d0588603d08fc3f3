package dev.imagecatalog.catalog;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.HostileRegistry;
import dev.imagecatalog.testing.HostileRegistry.Answer;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While the first crawl runs, the index changes with every repository it reads: a listing built during the crawl is
 * reused for up to a second, so viewers asking after every change cannot take the crawl's CPU. Once the crawl is done
 * every change shows at once. The crawl is held open by a proxy in front of a real registry that stalls one
 * repository until the test lets it go; the catalog's clock is the test's.
 */
class RegistryCatalogCrawlIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void duringTheFirstCrawl_aListingIsReusedForASecond_andAfterItEveryChangeShowsAtOnce() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            pusher.pushOciImage("crawl/held", "v1", Arch.AMD64, Map.of());
            pusher.pushOciImage("crawl/open", "v1", Arch.AMD64, Map.of());
            CountDownLatch release = new CountDownLatch(1);
            try (HostileRegistry proxy = HostileRegistry.start(request -> {
                if (request.path().startsWith("/v2/crawl/held/")) {
                    awaitQuietly(release);
                }
                return forward(registry, request);
            })) {
                AtomicLong now = new AtomicLong();
                RegistrySettings settings = RegistrySettings.of(proxy.url(), registry.hostPort());
                try (RegistryCatalog catalog = new RegistryCatalog(new DistributionClient(settings), settings,
                        IndexSettings.defaults(), now::get)) {
                    Thread crawl = Thread.ofVirtual().start(catalog::crawl);
                    await(() -> catalog.status().crawling() && catalog.status().indexed() == 1);

                    Overview during = catalog.overview("", RepositorySort.NAME);
                    assertThat(names(during)).containsExactly("crawl/held", "crawl/open");
                    pusher.pushOciImage("crawl/late", "v1", Arch.AMD64, Map.of());
                    catalog.tags("crawl/late");
                    // the index changed, but a listing built during the crawl is less than a second old
                    assertThat(catalog.overview("", RepositorySort.NAME)).isSameAs(during);

                    now.addAndGet(RegistryCatalog.CRAWL_REFRESH_NANOS);
                    assertThat(names(catalog.overview("", RepositorySort.NAME)))
                            .containsExactly("crawl/held", "crawl/late", "crawl/open");

                    release.countDown();
                    crawl.join(Duration.ofSeconds(30));
                    assertThat(catalog.status().crawling()).isFalse();
                    assertThat(catalog.status().ready()).isTrue();
                    assertThat(catalog.overview("", RepositorySort.NAME).repositories())
                            .allMatch(RepositoryInfo::indexed);
                    pusher.pushOciImage("crawl/after", "v1", Arch.AMD64, Map.of());
                    catalog.tags("crawl/after");
                    // no clock advance: after the crawl a change is shown at once
                    assertThat(names(catalog.overview("", RepositorySort.NAME)))
                            .containsExactly("crawl/after", "crawl/held", "crawl/late", "crawl/open");
                    assertThat(catalog.overview("", RepositorySort.NAME).totalTags()).isEqualTo(4);
                }
            } finally {
                release.countDown();
            }
        }
    }

    private static List<String> names(Overview overview) {
        return overview.repositories().stream().map(RepositoryInfo::name).toList();
    }

    /** The registry's answer to the same request, with the headers a registry client reads. */
    private static Answer forward(LocalRegistry registry, HostileRegistry.Request request) {
        try {
            HttpRequest.Builder out = HttpRequest.newBuilder(registry.url().resolve(request.target()))
                    .method(request.method(), HttpRequest.BodyPublishers.noBody());
            String accept = request.headers().get("accept");
            if (accept != null) {
                out.header("Accept", accept);
            }
            HttpResponse<byte[]> in = HTTP.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            Answer answer = Answer.bytes(in.statusCode(),
                    in.headers().firstValue("Content-Type").orElse("application/octet-stream"), in.body());
            for (String name : List.of("Docker-Content-Digest", "Link", "Content-Length")) {
                String value = in.headers().firstValue(name).orElse(null);
                if (value != null) {
                    answer = answer.header(name, value);
                }
            }
            return answer;
        } catch (Exception e) {
            return Answer.json(502, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"" + e + "\"}]}");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached in 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
