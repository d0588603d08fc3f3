package dev.imagecatalog.registry;

import java.util.List;
import java.util.Map;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TokenServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Authentication against real registries: htpasswd Basic auth, and the Bearer flow against Distribution's own
 * {@code auth.token} mode with JWTs issued by the test's {@link TokenServer}.
 */
class DistributionClientAuthIT {

    @Test
    void basicAuth_withCredentials_readsCatalogManifestsAndBlobs() {
        try (LocalRegistry registry = LocalRegistry.startWithBasicAuth("reader", "pa:ss word");
             DistributionClient client = new DistributionClient(settings(registry).withCredentials("reader", "pa:ss word"))) {
            TestPusher.Image pushed = new TestPusher(registry).pushOciImage("private/app", "v1", Arch.AMD64, Map.of());

            assertThat(client.catalog()).containsExactly("private/app");
            assertThat(client.tags("private/app")).containsExactly("v1");
            assertThat(client.manifest("private/app", "v1").digest()).isEqualTo(pushed.digest());
            assertThat(client.blob("private/app", pushed.config().digest(), pushed.config().size())).hasSize((int) pushed.config().size());
            client.ping();
        }
    }

    @Test
    void basicAuth_withoutOrWithWrongCredentials_isUnauthorizedWithAHint() {
        try (LocalRegistry registry = LocalRegistry.startWithBasicAuth("reader", "secret");
             DistributionClient anonymous = new DistributionClient(settings(registry));
             DistributionClient wrong = new DistributionClient(settings(registry).withCredentials("reader", "nope"))) {
            assertThatThrownBy(anonymous::catalog).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                assertThat(e.getMessage()).contains("authentication required").contains("REGISTRY_USERNAME");
            });
            assertThatThrownBy(wrong::ping).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED));
        }
    }

    @Test
    void tokenAuth_followsTheChallengeWithScopesPerRepositoryAndCatalog_andReusesTokens() {
        try (TokenServer tokens = TokenServer.start("robot", "t0ken-pass");
             LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens);
             DistributionClient client = new DistributionClient(settings(registry).withCredentials("robot", "t0ken-pass"))) {
            TestPusher pusher = new TestPusher(registry);
            TestPusher.Index index = pusher.pushOciIndex("team/secure", "1", List.of(Arch.AMD64, Arch.ARM64), false);
            int pusherTokens = tokens.tokenRequests();

            assertThat(client.catalog()).containsExactly("team/secure");
            assertThat(client.tags("team/secure")).containsExactly("1");
            assertThat(client.manifest("team/secure", "1").digest()).isEqualTo(index.digest());
            TestPusher.Image child = index.platforms().getFirst();
            assertThat(client.manifest("team/secure", child.digest())).isInstanceOf(Manifest.Image.class);
            assertThat(client.blob("team/secure", child.config().digest(), child.config().size())).hasSize((int) child.config().size());
            assertThat(client.manifestDigest("team/secure", "1")).contains(index.digest());

            assertThat(tokens.scopesRequested().subList(pusherTokens, tokens.scopesRequested().size()))
                    .containsExactly("registry:catalog:*", "repository:team/secure:pull");
            int afterFirstRound = tokens.tokenRequests();
            client.tags("team/secure");
            client.manifest("team/secure", "1");
            client.catalog();
            assertThat(tokens.tokenRequests()).isEqualTo(afterFirstRound);
        }
    }

    @Test
    void tokenAuth_acceptsAccessTokenField() {
        try (TokenServer tokens = TokenServer.start("robot", "pw");
             LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens);
             DistributionClient client = new DistributionClient(settings(registry).withCredentials("robot", "pw"))) {
            new TestPusher(registry).pushOciImage("oauth/app", "v1", Arch.AMD64, Map.of());
            tokens.tokenField("access_token");

            assertThat(client.tags("oauth/app")).containsExactly("v1");
            client.ping();
        }
    }

    @Test
    void tokenAuth_withWrongPassword_isUnauthorizedNamingTheTokenServer() {
        try (TokenServer tokens = TokenServer.start("robot", "right");
             LocalRegistry registry = LocalRegistry.startWithTokenAuth(tokens);
             DistributionClient client = new DistributionClient(settings(registry).withCredentials("robot", "wrong"))) {
            assertThatThrownBy(client::catalog).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                assertThat(e.getMessage()).contains("token server").contains("bad credentials");
            });
        }
    }

    private static RegistrySettings settings(LocalRegistry registry) {
        return RegistrySettings.of(registry.url(), registry.hostPort());
    }
}
