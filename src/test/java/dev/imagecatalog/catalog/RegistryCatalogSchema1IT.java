package dev.imagecatalog.catalog;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A legacy schema 1 image in a real registry is listed, marked unsupported, and does not break the page. */
class RegistryCatalogSchema1IT {

    @Test
    void tags_ofSchema1Image_listItAsUnsupportedNextToNormalImages() {
        try (LocalRegistry registry = LocalRegistry.startWithSchema1()) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image old = pusher.pushSchema1Image("legacy/app", "old");
            TestPusher.Image current = pusher.pushOciImage("legacy/app", "new", TestPusher.Arch.AMD64,
                    java.util.Map.of());
            try (RegistryCatalog catalog = RegistryCatalog.create(RegistrySettings.of(registry.url(), "x"))) {
                var tags = catalog.tags("legacy/app");

                assertThat(tags).extracting(TagSummary::name).containsExactly("new", "old");
                TagSummary legacy = tags.get(1);
                assertThat(legacy.kind()).isEqualTo(ArtifactKind.SCHEMA1);
                assertThat(legacy.digest()).isEqualTo(old.digest());
                assertThat(legacy.runnable()).isFalse();
                assertThat(legacy.size()).isNull();
                assertThat(tags.get(0).digest()).isEqualTo(current.digest());
            }
        }
    }
}
