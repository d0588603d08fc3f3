package dev.imagecatalog.catalog.lifecycle;

import java.util.Map;

import dev.imagecatalog.catalog.index.IndexSettings;
import dev.imagecatalog.catalog.index.IndexUpdater;
import dev.imagecatalog.catalog.index.RegistryIndex;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.RegistrySettings;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A preview is carried out only while the tag still names what it showed. */
class DeletionsIT {

    @Test
    void aTagPushedAgainAfterThePreview_isNotDeleted_andTheAnswerSaysWhereItPointsNow() {
        try (LocalRegistry registry = LocalRegistry.start();
             DistributionClient client = new DistributionClient(
                     RegistrySettings.of(registry.url(), registry.hostPort()))) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image old = pusher.pushOciImage("del/app", "v1", Arch.AMD64, Map.of());
            RegistryIndex index = new RegistryIndex();
            new IndexUpdater(client, index, IndexSettings.defaults(), 2).crawl();
            Deletions deletions = new Deletions(index, client);
            DeletionPreview image = deletions.preview("del/app", "v1", DeletionMode.IMAGE).orElseThrow();
            DeletionPreview untag = deletions.preview("del/app", "v1", DeletionMode.UNTAG).orElseThrow();

            TestPusher.Image repushed = pusher.pushOciImage("del/app", "v1", Arch.AMD64, Map.of());

            for (DeletionPreview preview : new DeletionPreview[] {image, untag}) {
                assertThatThrownBy(() -> deletions.apply(preview)).isInstanceOf(TagMovedException.class)
                        .hasMessageContaining(repushed.digest()).hasMessageContaining(old.digest());
            }
            assertThat(client.manifestDigest("del/app", "v1")).contains(repushed.digest());
            assertThat(client.manifest("del/app", old.digest()).digest()).isEqualTo(old.digest());
        }
    }
}
