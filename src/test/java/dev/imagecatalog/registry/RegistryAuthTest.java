package dev.imagecatalog.registry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token request URIs, token responses and token lifetime. */
class RegistryAuthTest {

    private static final URI REGISTRY = URI.create("http://registry.example:5000");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private RegistryAuth auth(String user, String password, Clock clock) {
        return new RegistryAuth(REGISTRY, List.of(), user, password, clock);
    }

    @Test
    void tokenUri_relativeRealm_isResolvedAgainstTheRegistryUrl() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=\"/token\",service=\"reg\"").orElseThrow();

        assertThat(auth("u", "p", clock).tokenUri(challenge, null).toString())
                .isEqualTo("http://registry.example:5000/token?service=reg");
    }

    @Test
    void tokenUri_credentialsGoToTheRegistryHostHttpsRealmsAndAllowedHostsOnly() {
        RegistryAuth auth = auth("u", "p", clock);
        assertThat(auth.tokenUri(challenge("http://registry.example:5001/auth"), null).getHost())
                .isEqualTo("registry.example");
        assertThat(auth.tokenUri(challenge("https://auth.example/token"), null).getHost()).isEqualTo("auth.example");

        assertThatThrownBy(() -> auth.tokenUri(challenge("http://auth.example/token"), null))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                    assertThat(e.getMessage()).contains("http://auth.example/token")
                            .contains("registry.token-realm-allowed-hosts");
                });
        RegistryAuth allowing = new RegistryAuth(REGISTRY, List.of("auth.example"), "u", "p", clock);
        assertThat(allowing.tokenUri(challenge("http://auth.example/token"), null).getHost())
                .isEqualTo("auth.example");
        // without credentials there is nothing to leak: an anonymous token may come from anywhere
        assertThat(auth(null, null, clock).tokenUri(challenge("http://auth.example/token"), null).getHost())
                .isEqualTo("auth.example");
    }

    @Test
    void tokenUri_realmWithASpaceOrNotHttp_isARegistryErrorNamingTheRealm() {
        RegistryAuth auth = auth("u", "p", clock);
        for (String realm : new String[] {"http://auth example/token", "file:///etc/passwd", "ftp://x/token",
                "http://[bad/token"}) {
            assertThatThrownBy(() -> auth.tokenUri(challenge(realm), null))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE);
                        assertThat(e.getMessage()).contains(realm);
                    });
        }
    }

    @Test
    void token_absurdExpiresIn_isCappedInsteadOfOverflowingTheClock() {
        RegistryAuth auth = auth("u", "p", clock);
        auth.acceptTokenResponse("s", ("{\"token\":\"t\",\"expires_in\":" + Long.MAX_VALUE + "}")
                .getBytes(StandardCharsets.UTF_8));
        clock.advance(RegistryAuth.MAX_EXPIRES_IN.minusSeconds(1));
        assertThat(auth.authorization("s")).isEqualTo("Bearer t");
        clock.advance(Duration.ofSeconds(2));
        assertThat(auth.authorization("s")).isNotEqualTo("Bearer t");
    }

    private static AuthChallenge challenge(String realm) {
        return new AuthChallenge("bearer", java.util.Map.of("realm", realm));
    }

    @Test
    void authorization_beforeAnyChallenge_isBasicWithCredentialsAndNoneWithout() {
        assertThat(auth("u", "p", clock).authorization("x")).isEqualTo("Basic dTpw");
        assertThat(auth(null, null, clock).authorization("x")).isNull();
    }

    @Test
    void tokenUri_addsServiceAndScopeToTheRealm() {
        RegistryAuth auth = auth("u", "p", clock);
        AuthChallenge challenge = AuthChallenge.parse(
                "Bearer realm=\"https://auth.io/token?account=me\",service=\"reg.io\"").orElseThrow();

        assertThat(auth.tokenUri(challenge, RegistryAuth.repositoryScope("team-a/app")).toString())
                .isEqualTo("https://auth.io/token?account=me&service=reg.io&scope=repository:team-a/app:pull");
        assertThat(auth.tokenUri(challenge, RegistryAuth.CATALOG_SCOPE).toString())
                .isEqualTo("https://auth.io/token?account=me&service=reg.io&scope=registry:catalog:*");
    }

    @Test
    void token_isReusedPerScopeUntilExpiresInElapses() {
        RegistryAuth auth = auth("u", "p", clock);
        auth.tokenUri(AuthChallenge.parse("Bearer realm=\"https://t\"").orElseThrow(), "s1");
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
        RegistryAuth auth = auth(null, null, clock);
        auth.acceptTokenResponse("s", json("{\"access_token\":\"oauth\"}"));

        assertThat(auth.authorization("s")).isEqualTo("Bearer oauth");
        clock.advance(RegistryAuth.DEFAULT_EXPIRES_IN);
        assertThat(auth.authorization("s")).isNull();
    }

    @Test
    void token_responseWithoutToken_isUnauthorized() {
        RegistryAuth auth = auth("u", "p", clock);
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

    @Test
    void tokens_largeAnswersForLongScopes_areKeptWithinTheirBytes() {
        // a hostile token server's 60 KB tokens for 8,000-character repository names (a viewer's unknown names)
        RegistryAuth auth = auth("u", "p", clock);
        String token = "t".repeat(60_000);
        for (int i = 0; i < 500; i++) {
            String scope = RegistryAuth.repositoryScope(i + "-" + "r".repeat(8_000));
            auth.acceptTokenResponse(scope, ("{\"token\":\"" + i + token + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(auth.keptBytes()).isLessThanOrEqualTo(RegistryAuth.TOKEN_CACHE_BYTES);
        // each kept token weighs at least its scope and value: 500 of them would be ~68 MB, not a few MiB
        assertThat(RegistryAuth.weight("s".repeat(8_000), new RegistryAuth.Token(token, Instant.EPOCH)))
                .isGreaterThan(2 * (8_000 + 60_000));
    }
}
