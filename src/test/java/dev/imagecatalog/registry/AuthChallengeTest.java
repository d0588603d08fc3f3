package dev.imagecatalog.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing of {@code WWW-Authenticate} challenges as registries and token services send them. */
class AuthChallengeTest {

    @Test
    void parse_distributionChallenge_readsRealmServiceAndScope() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry."
                + "example.com\",scope=\"repository:team-a/app:pull\"").orElseThrow();

        assertThat(c.isBearer()).isTrue();
        assertThat(c.param("realm")).isEqualTo("https://auth.example.com/token");
        assertThat(c.param("service")).isEqualTo("registry.example.com");
        assertThat(c.param("scope")).isEqualTo("repository:team-a/app:pull");
    }

    @Test
    void parse_paramsInAnyOrderWithQuotedCommasAndSpaces_keepsEachValueWhole() {
        AuthChallenge c = AuthChallenge.parse("bearer  scope=\"repository:a/b:pull,push\" , Service=harbor,"
                + " realm=\"https://h/service/token\", error=\"insufficient_scope\"").orElseThrow();

        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.param("scope")).isEqualTo("repository:a/b:pull,push");
        assertThat(c.param("service")).isEqualTo("harbor");
        assertThat(c.param("realm")).isEqualTo("https://h/service/token");
        assertThat(c.param("error")).isEqualTo("insufficient_scope");
    }

    @Test
    void parse_escapedQuoteInsideValue_isUnescaped() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"http://x/t\",service=\"a\\\"b\"").orElseThrow();

        assertThat(c.param("service")).isEqualTo("a\"b");
    }

    @Test
    void parse_basicChallenge_isNotBearer() {
        AuthChallenge c = AuthChallenge.parse("Basic realm=\"Registry Realm\"").orElseThrow();

        assertThat(c.scheme()).isEqualTo("basic");
        assertThat(c.isBearer()).isFalse();
        assertThat(c.param("realm")).isEqualTo("Registry Realm");
    }

    @Test
    void parse_missingHeader_isEmpty() {
        assertThat(AuthChallenge.parse(null)).isEmpty();
        assertThat(AuthChallenge.parse("  ")).isEmpty();
    }

    @Test
    void parse_malformedHeaders_neverThrow() {
        for (String header : new String[] {"Bearer", "Bearer realm", "Bearer realm=\"", "Bearer realm=\"a\\",
                "Bearer ,,,=,=\"\"", "Bearer realm=\"a\" service", "=", " \t ", "Bearer realm=x,realm=y"}) {
            assertThat(AuthChallenge.parse(header)).as(header).isNotNull();
        }
        assertThat(AuthChallenge.parse("Bearer realm=x,realm=y").orElseThrow().param("realm")).isEqualTo("y");
    }
}
