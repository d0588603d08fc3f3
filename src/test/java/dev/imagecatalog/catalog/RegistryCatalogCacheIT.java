package dev.imagecatalog.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a second view of a repository costs, counted in the registry's access log (never timed). */
class RegistryCatalogCacheIT {

    @Test
    void tags_secondViewWithinTtl_makesNoRegistryRequests() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            seed(registry);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry, Duration.ofMinutes(10)))) {
                List<TagSummary> first = catalog.tags("cache/app");
                long manifestGets = registry.countRequests("GET", "/v2/cache/app/manifests/");
                long blobGets = registry.countRequests("GET", "/v2/cache/app/blobs/");
                long tagLists = registry.countRequests("GET", "/v2/cache/app/tags/list");
                // 3 tags + 2 children of the index; configs: 2 singles + 2 children
                assertThat(manifestGets).isEqualTo(5);
                assertThat(blobGets).isEqualTo(4);

                List<TagSummary> second = catalog.tags("cache/app");

                assertThat(second).isEqualTo(first);
                assertThat(registry.countRequests("GET", "/v2/cache/app/manifests/")).isEqualTo(manifestGets);
                assertThat(registry.countRequests("GET", "/v2/cache/app/blobs/")).isEqualTo(blobGets);
                assertThat(registry.countRequests("GET", "/v2/cache/app/tags/list")).isEqualTo(tagLists);
                assertThat(registry.countRequests("HEAD", "/v2/cache/app/manifests/")).isZero();
            }
        }
    }

    @Test
    void tags_secondViewAfterTtl_costsOneHeadPerTagAndNoManifestOrBlobGets() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            seed(registry);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry, Duration.ofNanos(1)))) {
                List<TagSummary> first = catalog.tags("cache/app");
                long manifestGets = registry.countRequests("GET", "/v2/cache/app/manifests/");
                long blobGets = registry.countRequests("GET", "/v2/cache/app/blobs/");

                List<TagSummary> second = catalog.tags("cache/app");

                assertThat(second).isEqualTo(first);
                assertThat(registry.countRequests("HEAD", "/v2/cache/app/manifests/")).isEqualTo(3);
                assertThat(registry.countRequests("GET", "/v2/cache/app/manifests/")).isEqualTo(manifestGets);
                assertThat(registry.countRequests("GET", "/v2/cache/app/blobs/")).isEqualTo(blobGets);
            }
        }
    }

    @Test
    void tags_afterTtl_showATagMovedToNewContent() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            pusher.pushOciImage("cache/moving", "latest", Arch.AMD64, Map.of());
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry, Duration.ofNanos(1)))) {
                catalog.tags("cache/moving");
                TestPusher.Image moved = pusher.pushOciImage("cache/moving", "latest", Arch.ARM64, Map.of());

                TagSummary tag = catalog.tags("cache/moving").getFirst();

                assertThat(tag.digest()).isEqualTo(moved.digest());
                assertThat(tag.size()).isEqualTo(moved.size());
                assertThat(tag.platforms().getFirst().platform().architecture()).isEqualTo("arm64");
            }
        }
    }

    private static void seed(LocalRegistry registry) {
        TestPusher pusher = new TestPusher(registry);
        pusher.pushOciImage("cache/app", "a", Arch.AMD64, Map.of());
        pusher.pushDockerImage("cache/app", "b", Arch.ARM64, Map.of());
        pusher.pushOciIndex("cache/app", "c", List.of(Arch.AMD64, Arch.ARM64), true);
    }

    private static RegistrySettings settings(LocalRegistry registry, Duration tagTtl) {
        return RegistrySettings.of(registry.url(), registry.hostPort()).withTagTtl(tagTtl);
    }
}
