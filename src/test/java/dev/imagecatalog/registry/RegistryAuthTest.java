package dev.imagecatalog.registry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token request URIs, token responses and token lifetime. */
class RegistryAuthTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void authorization_beforeAnyChallenge_isBasicWithCredentialsAndNoneWithout() {
        assertThat(new RegistryAuth("u", "p", clock).authorization("x")).isEqualTo("Basic dTpw");
        assertThat(new RegistryAuth(null, null, clock).authorization("x")).isNull();
    }

    @Test
    void tokenUri_addsServiceAndScopeToTheRealm() {
        RegistryAuth auth = new RegistryAuth("u", "p", clock);
        AuthChallenge challenge = AuthChallenge.parse(
                "Bearer realm=\"https://auth.io/token?account=me\",service=\"reg.io\"").orElseThrow();

        assertThat(auth.tokenUri(challenge, RegistryAuth.repositoryScope("team-a/app")).toString())
                .isEqualTo("https://auth.io/token?account=me&service=reg.io&scope=repository:team-a/app:pull");
        assertThat(auth.tokenUri(challenge, RegistryAuth.CATALOG_SCOPE).toString())
                .isEqualTo("https://auth.io/token?account=me&service=reg.io&scope=registry:catalog:*");
    }

    @Test
    void token_isReusedPerScopeUntilExpiresInElapses() {
        RegistryAuth auth = new RegistryAuth("u", "p", clock);
        auth.tokenUri(AuthChallenge.parse("Bearer realm=\"http://t\"").orElseThrow(), "s1");
        auth.acceptTokenResponse("s1", json("{\"token\":\"abc\",\"expires_in\":300}"));

        assertThat(auth.authorization("s1")).isEqualTo("Bearer abc");
        assertThat(auth.authorization("s2")).as("another scope needs its own token").isNull();
        clock.advance(Duration.ofSeconds(299));
        assertThat(auth.authorization("s1")).isEqualTo("Bearer abc");
        clock.advance(Duration.ofSeconds(1));
        assertThat(auth.authorization("s1")).as("expired: a Bearer registry must challenge again").isNull();
    }

    @Test
    void token_accessTokenFieldAndDefaultLifetimeOf60Seconds() {
        RegistryAuth auth = new RegistryAuth(null, null, clock);
        auth.acceptTokenResponse("s", json("{\"access_token\":\"oauth\"}"));

        assertThat(auth.authorization("s")).isEqualTo("Bearer oauth");
        clock.advance(RegistryAuth.DEFAULT_EXPIRES_IN);
        assertThat(auth.authorization("s")).isNull();
    }

    @Test
    void token_responseWithoutToken_isUnauthorized() {
        RegistryAuth auth = new RegistryAuth("u", "p", clock);
        assertThatThrownBy(() -> auth.acceptTokenResponse("s", json("{\"expires_in\":3}")))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED));
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A clock tests move forward by hand. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
