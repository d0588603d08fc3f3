package dev.imagecatalog.registry;

import java.util.Map;
import java.util.Set;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TokenServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deletes and untags against a real Distribution 2.8 registry (Debian's docker-registry). */
class DistributionClientDeleteIT {

    @Test
    void deleteManifest_removesEveryTagOfTheDigest_andAnUnknownDigestIsNotFound() {
        try (LocalRegistry registry = LocalRegistry.start();
             DistributionClient client = new DistributionClient(settings(registry))) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image image = pusher.pushOciImage("del/app", "v1", Arch.AMD64, Map.of());
            pusher.tag("del/app", image.digest(), image.mediaType(), "v2");
            pusher.pushOciImage("del/app", "other", Arch.AMD64, Map.of());

            client.deleteManifest("del/app", image.digest());

            assertThat(client.tags("del/app")).containsExactly("other");
            assertThatThrownBy(() -> client.deleteManifest("del/app", image.digest()))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
        }
    }

    @Test
    void untag_onDistribution28_pointsTheTagAtAThrowAwayManifestAndDeletesIt_theOtherTagStays() {
        try (LocalRegistry registry = LocalRegistry.start();
             DistributionClient client = new DistributionClient(settings(registry))) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Image image = pusher.pushOciImage("del/app", "v1", Arch.AMD64, Map.of());
            pusher.tag("del/app", image.digest(), image.mediaType(), "v2");

            Untag untag = client.untag("del/app", "v1");

            // 2.8 answers DELETE on a tag with 400 DIGEST_INVALID: the throw-away technique ran
            assertThat(untag.technique()).isEqualTo(Untag.Technique.THROW_AWAY_MANIFEST);
            assertThat(untag.throwAwayDigest()).isNotEqualTo(image.digest());
            assertThat(untag.throwAwayBytes()).isEqualTo(Untag.THROW_AWAY_MANIFEST_BYTES);
            assertThat(client.tags("del/app")).containsExactly("v2");
            assertThat(client.manifestDigest("del/app", "v2")).contains(image.digest());
            assertThatThrownBy(() -> client.manifest("del/app", untag.throwAwayDigest()))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND));
            // twice: each throw-away manifest is unique, so a second untag never deletes the first one's digest
            pusher.tag("del/app", image.digest(), image.mediaType(), "v3");
            assertThat(client.untag("del/app", "v3").throwAwayDigest()).isNotEqualTo(untag.throwAwayDigest());
            assertThat(client.manifestDigest("del/app", "v2")).contains(image.digest());
        }
    }

    @Test
    void deletesTurnedOffOnTheRegistry_areRefusedNamingStorageDeleteEnabled_andTheTagStays() {
        try (LocalRegistry registry = LocalRegistry.startWithDeletesDisabled();
             DistributionClient client = new DistributionClient(settings(registry))) {
            TestPusher.Image image = new TestPusher(registry).pushOciImage("del/app", "v1", Arch.AMD64, Map.of());

            assertThatThrownBy(() -> client.deleteManifest("del/app", image.digest()))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.getMessage()).contains("storage.delete.enabled"));
            // no throw-away manifest is pushed when deletes are off: it could never be deleted again
            assertThatThrownBy(() -> client.untag("del/app", "v1"))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.getMessage()).contains("storage.delete.enabled"));
            assertThat(client.manifestDigest("del/app", "v1")).contains(image.digest());
        }
    }

    @Test
    void credentialsWithoutTheDeleteScope_areRefusedNamingTheScope() {
        try (TokenServer tokens = TokenServer.start("robot", "pw");
             LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens);
             DistributionClient client = new DistributionClient(settings(registry).withCredentials("robot", "pw"))) {
            TestPusher.Image image = new TestPusher(registry).pushOciImage("del/app", "v1", Arch.AMD64, Map.of());
            tokens.grantOnly(Set.of("pull"));

            assertThatThrownBy(() -> client.deleteManifest("del/app", image.digest()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("lack the delete scope")
                                .contains("repository:del/app:pull,delete");
                    });
            assertThat(tokens.scopesRequested()).contains("repository:del/app:pull,delete");

            tokens.grantOnly(null);
            client.deleteManifest("del/app", image.digest());
            assertThat(client.tags("del/app")).isEmpty();
        }
    }

    private static RegistrySettings settings(LocalRegistry registry) {
        return RegistrySettings.of(registry.url(), registry.hostPort());
    }
}
