package dev.imagecatalog.catalog;

import java.util.ArrayList;
import java.util.List;

import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** More repositories than one catalog page holds, with Distribution's default page size and a small one. */
class RegistryCatalogPagingIT {

    @Test
    void repositories_withMoreThanOnePage_followTheLinkHeaderToTheEnd() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestPusher pusher = new TestPusher(registry);
            List<String> pushed = new ArrayList<>(pusher.pushManyRepositories("paging/repo", 205));
            pushed.add(pusher.pushOciImage("zz/last", "1", TestPusher.Arch.AMD64, java.util.Map.of()).repository());
            try (RegistryCatalog catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), "x:5000"))) {
                List<String> listed = catalog.repositories("");

                assertThat(listed).containsExactlyElementsOf(pushed.stream().sorted().toList());
                assertThat(registry.countRequests("GET", "/v2/_catalog")).isEqualTo(3);
                assertThat(registry.countRequests("GET", "/v2/paging/")).isZero();
            }
        }
    }

    @Test
    void repositories_ofARegistryWithSmallMaxEntries_retryWithoutN_andFollowItsPages() {
        try (LocalRegistry registry = LocalRegistry.startWithCatalogMaxEntries(5)) {
            List<String> pushed = new TestPusher(registry).pushManyRepositories("small/repo", 12);
            try (RegistryCatalog catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), "x:5000"))) {
                assertThat(catalog.repositories("")).containsExactlyElementsOf(pushed.stream().sorted().toList());
                // n=100 refused once, then pages of 5, 5 and 2 by the registry's own links
                assertThat(registry.countRequests("GET", "/v2/_catalog")).isEqualTo(4);
            }
        }
    }
}
