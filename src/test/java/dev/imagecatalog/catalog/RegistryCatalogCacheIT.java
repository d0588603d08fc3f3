package dev.imagecatalog.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the index costs the registry, counted in the registry's access log (never timed): the first crawl makes the
 * requests a correct listing needs, views of an indexed repository make none, a reconcile with nothing changed
 * makes only list requests and HEADs, and changes missed by events are found by the reconcile.
 */
class RegistryCatalogCacheIT {

    @Test
    void crawl_makesOneManifestGetPerTagAndChild_andOneConfigGetPerDistinctConfig() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            seed(registry);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry))) {
                catalog.crawl();

                assertThat(registry.countRequests("GET", "/v2/_catalog")).isEqualTo(1);
                assertThat(registry.countRequests("GET", "/v2/cache/app/tags/list")).isEqualTo(1);
                // 3 tags + 2 children of the index + its attestation manifest (its blobs count in storage);
                // configs: 2 singles + 2 children (an attestation's config is not read: it is no platform)
                assertThat(registry.countRequests("GET", "/v2/cache/app/manifests/")).isEqualTo(6);
                assertThat(registry.countRequests("GET", "/v2/cache/app/blobs/")).isEqualTo(4);
                assertThat(registry.countRequests("HEAD", "/v2/cache/app/manifests/")).isZero();
                assertThat(catalog.status().ready()).isTrue();
                assertThat(catalog.status().tags()).isEqualTo(3);
            }
        }
    }

    @Test
    void views_onceIndexed_makeNoRegistryRequests() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            seed(registry);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry))) {
                List<TagSummary> first = catalog.tags("cache/app");
                long manifestGets = registry.countRequests("GET", "/v2/cache/app/manifests/");
                long blobGets = registry.countRequests("GET", "/v2/cache/app/blobs/");
                long tagLists = registry.countRequests("GET", "/v2/cache/app/tags/list");
                long catalogGets = registry.countRequests("GET", "/v2/_catalog");
                assertThat(manifestGets).isEqualTo(6); // 3 tags, 2 children, 1 attestation

                for (int i = 0; i < 3; i++) {
                    assertThat(catalog.tags("cache/app")).isEqualTo(first);
                    catalog.overview("", RepositorySort.SIZE);
                    catalog.search("sha256:");
                    catalog.storage("cache/app");
                }

                assertThat(registry.countRequests("GET", "/v2/cache/app/manifests/")).isEqualTo(manifestGets);
                assertThat(registry.countRequests("GET", "/v2/cache/app/blobs/")).isEqualTo(blobGets);
                assertThat(registry.countRequests("GET", "/v2/cache/app/tags/list")).isEqualTo(tagLists);
                assertThat(registry.countRequests("HEAD", "/v2/")).isZero();
                // the overview read the catalog's names once (the first crawl would have done it)
                assertThat(registry.countRequests("GET", "/v2/_catalog")).isEqualTo(catalogGets + 1);
            }
        }
    }

    @Test
    void overview_distinctLongFilters_keptListingsStayWithinTheirBytes() {
        // one anonymous client's distinct 8,000-character filters, each matching nothing: an empty listing must
        // still weigh its key (weighed by rows it weighed 1, and 46,709 of them filled a 384 MiB heap)
        try (LocalRegistry registry = LocalRegistry.start()) {
            seed(registry);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry))) {
                catalog.crawl();
                String filler = "x".repeat(8_000);
                for (int i = 0; i < 3_000; i++) {
                    assertThat(catalog.overview(i + filler, RepositorySort.NAME).repositories()).isEmpty();
                }
                long keptFilterBytes = catalog.keptFilterLengths().stream().mapToLong(n -> 2L * n).sum();
                assertThat(keptFilterBytes).as("bytes of the kept filters")
                        .isLessThanOrEqualTo(RegistryCatalog.OVERVIEW_BYTES_KEPT);
                assertThat(catalog.overviewBytesKept()).isLessThanOrEqualTo(RegistryCatalog.OVERVIEW_BYTES_KEPT)
                        .isGreaterThanOrEqualTo(keptFilterBytes);
                // the listing everyone asks for is still answered (and kept) as before
                assertThat(catalog.overview("", RepositorySort.NAME).repositories()).hasSize(1);
            }
        }
    }

    @Test
    void registryDown_afterIndexing_listingsSearchAndStorageStillAnswerFromMemory() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            seed(registry);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry))) {
                catalog.crawl();
                List<TagSummary> tags = catalog.tags("cache/app");
                registry.stop();

                assertThat(catalog.tags("cache/app")).isEqualTo(tags);
                assertThat(catalog.repositories("")).containsExactly("cache/app");
                assertThat(catalog.overview("", RepositorySort.SIZE).totalTags()).isEqualTo(3);
                assertThat(catalog.search("c").groups()).isNotEmpty();
                assertThat(catalog.storage("cache/app").total()).isPositive();
            }
        }
    }

    @Test
    void tagPage_readsHistoryOnDemandOncePerConfig_thenFromMemory() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            seed(registry);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry))) {
                catalog.crawl();
                long blobGets = registry.countRequests("GET", "/v2/cache/app/blobs/");

                assertThat(catalog.tag("cache/app", "c").platforms()).hasSize(2)
                        .allSatisfy(p -> assertThat(p.history()).hasSize(3));
                assertThat(registry.countRequests("GET", "/v2/cache/app/blobs/")).isEqualTo(blobGets + 2);
                catalog.tag("cache/app", "c");
                assertThat(registry.countRequests("GET", "/v2/cache/app/blobs/")).isEqualTo(blobGets + 2);
                assertThat(registry.countRequests("GET", "/v2/cache/app/manifests/")).isEqualTo(6);
            }
        }
    }

    @Test
    void reconcile_withNothingChanged_readsOnlyListsAndOneHeadPerTag() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            seed(registry);
            IndexSettings everyTagEveryTime = IndexSettings.defaults().withReconcile(Duration.ofMinutes(5), 1);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry), everyTagEveryTime)) {
                catalog.crawl();
                List<TagSummary> before = catalog.tags("cache/app");
                long version = catalog.index().version();

                catalog.reconcile();

                assertThat(catalog.tags("cache/app")).isEqualTo(before);
                // nothing changed, so nothing derived from the index (listings, pages, accounting) is rebuilt
                assertThat(catalog.index().version()).isEqualTo(version);
                assertThat(registry.countRequests("GET", "/v2/_catalog")).isEqualTo(2);
                assertThat(registry.countRequests("GET", "/v2/cache/app/tags/list")).isEqualTo(2);
                assertThat(registry.countRequests("HEAD", "/v2/cache/app/manifests/")).isEqualTo(3);
                // the crawl's 6 (3 tags, 2 children, 1 attestation): the reconcile read none again
                assertThat(registry.countRequests("GET", "/v2/cache/app/manifests/")).isEqualTo(6);
                assertThat(registry.countRequests("GET", "/v2/cache/app/blobs/")).isEqualTo(4);
                assertThat(catalog.status().lastReconcile()).isNotNull();
            }
        }
    }

    @Test
    void reconcile_overThreeRounds_headsEveryTagExactlyOnce() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            for (int i = 0; i < 12; i++) {
                pusher.pushOciImage("cache/rounds", "t" + i, Arch.AMD64, Map.of());
            }
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry),
                    IndexSettings.defaults().withReconcile(Duration.ofMinutes(5), 3))) {
                catalog.crawl();
                catalog.reconcile();
                catalog.reconcile();
                catalog.reconcile();

                assertThat(registry.countRequests("HEAD", "/v2/cache/rounds/manifests/")).isEqualTo(12);
                assertThat(registry.countRequests("GET", "/v2/cache/rounds/manifests/")).isEqualTo(12);
            }
        }
    }

    @Test
    void reconcile_findsWhatNoEventAnnounced_aMovedTagANewRepositoryAndADeletedTag() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            pusher.pushOciImage("cache/moving", "latest", Arch.AMD64, Map.of());
            TestPusher.Image doomed = pusher.pushOciImage("cache/moving", "old", Arch.AMD64, Map.of());
            IndexSettings everyTag = IndexSettings.defaults().withReconcile(Duration.ofMinutes(5), 1);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry), everyTag)) {
                catalog.crawl();
                TestPusher.Image moved = pusher.pushOciImage("cache/moving", "latest", Arch.ARM64, Map.of());
                TestPusher.Image fresh = pusher.pushOciImage("cache/new", "v1", Arch.AMD64, Map.of());
                pusher.deleteManifest("cache/moving", doomed.digest());
                // no event reached this catalog: the index still shows the old state
                assertThat(catalog.tags("cache/moving")).extracting(TagSummary::name).containsExactly("latest", "old");

                catalog.reconcile();

                TagSummary latest = catalog.tags("cache/moving").getFirst();
                assertThat(catalog.tags("cache/moving")).extracting(TagSummary::name).containsExactly("latest");
                assertThat(latest.digest()).isEqualTo(moved.digest());
                assertThat(latest.size()).isEqualTo(moved.size());
                assertThat(latest.platforms().getFirst().platform().architecture()).isEqualTo("arm64");
                assertThat(catalog.repositories("")).contains("cache/new");
                assertThat(catalog.tags("cache/new").getFirst().digest()).isEqualTo(fresh.digest());
            }
        }
    }

    @Test
    void start_crawlsInTheBackground_thenTheScheduledReconcileFindsAPushWhoseEventWasMissed() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            pusher.pushOciImage("cache/missed", "v1", Arch.AMD64, Map.of());
            IndexSettings everySecond = IndexSettings.defaults().withReconcile(Duration.ofSeconds(1), 1);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry), everySecond).start()) {
                await(() -> catalog.status().ready());
                assertThat(catalog.index().get("cache/missed").tags()).extracting(TagSummary::name).containsExactly("v1");

                // no notifications are configured: this push's event is missed
                TestPusher.Image missed = pusher.pushOciImage("cache/missed", "v2", Arch.AMD64, Map.of());

                await(() -> catalog.index().get("cache/missed").tag("v2") != null);
                assertThat(catalog.index().get("cache/missed").tag("v2").digest()).isEqualTo(missed.digest());
                // the reconcile puts each repository as it reads it and stamps its end after the last one: the tag
                // can be visible a moment before the stamp (a full run once saw it so)
                await(() -> catalog.status().lastReconcile() != null);
            }
        }
    }

    @Test
    void indexWithMorePlatformsThanTheCap_readsOnlyTheCap_andSaysSo() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher.Index index = new TestPusher(registry).pushOciIndex("cache/wide", "all",
                    List.of(Arch.AMD64, Arch.ARM64, Arch.ARM_V7), false);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry),
                    IndexSettings.defaults().withMaxPlatforms(2))) {
                TagSummary tag = catalog.tags("cache/wide").getFirst();

                assertThat(tag.platforms()).extracting(p -> p.digest())
                        .containsExactly(index.platforms().get(0).digest(), index.platforms().get(1).digest());
                assertThat(catalog.platformsCapped("cache/wide", index.digest())).isTrue();
                // the index and two children, not the third
                assertThat(registry.countRequests("GET", "/v2/cache/wide/manifests/")).isEqualTo(3);
            }
        }
    }

    @Test
    void attestationsOfAnIndex_areReadUpToTheSameCapAsPlatforms() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher.Index index = new TestPusher(registry).pushBuildxIndex("cache/attested", "all",
                    List.of(Arch.AMD64, Arch.ARM64, Arch.ARM_V7), 1_000);
            try (RegistryCatalog catalog = RegistryCatalog.create(settings(registry),
                    IndexSettings.defaults().withMaxPlatforms(2))) {
                catalog.tags("cache/attested");

                assertThat(catalog.platformsCapped("cache/attested", index.digest())).isTrue();
                // the index, two children and two attestations: an index listing thousands of entries is input
                assertThat(registry.countRequests("GET", "/v2/cache/attested/manifests/")).isEqualTo(5);
                // no attestation's config is read (it is no platform); the two children's are
                assertThat(registry.countRequests("GET", "/v2/cache/attested/blobs/")).isEqualTo(2);
            }
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void seed(LocalRegistry registry) {
        TestPusher pusher = new TestPusher(registry);
        pusher.pushOciImage("cache/app", "a", Arch.AMD64, Map.of());
        pusher.pushDockerImage("cache/app", "b", Arch.ARM64, Map.of());
        pusher.pushOciIndex("cache/app", "c", List.of(Arch.AMD64, Arch.ARM64), true);
    }

    private static RegistrySettings settings(LocalRegistry registry) {
        return RegistrySettings.of(registry.url(), registry.hostPort());
    }
}
