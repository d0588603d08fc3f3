package dev.imagecatalog.web.access;

import java.util.List;

import dev.imagecatalog.auth.AddressSet;
import dev.imagecatalog.auth.AuthMode;
import dev.imagecatalog.auth.AuthSettings;
import dev.imagecatalog.cluster.MockKubernetes;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GuardTest {

    private static MockKubernetes k8s;
    private static Guard guard;

    @BeforeAll
    static void start() {
        k8s = MockKubernetes.empty();
        guard = Guard.create(new AuthSettings(AuthMode.KUBERNETES, false, null, null, AddressSet.none(), null, null,
                List.of("catalog.catalog.svc", " Catalog-Control-Plane ")), k8s.cluster());
    }

    @AfterAll
    static void stop() {
        k8s.close();
    }

    @Test
    void allowedHost_loopbackNamesWithAnyPort_andConfiguredNamesCaseInsensitively() {
        assertThat(List.of("localhost", "localhost:8080", "127.0.0.1:30080", "[::1]:8080", "[::1]",
                "catalog.catalog.svc:8080", "catalog-control-plane:30080", "CATALOG-control-plane"))
                .allMatch(guard::allowedHost);
        assertThat(List.of("", "evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.2",
                "catalog.catalog.svc.evil.example", "::1", "[::1", "10.0.0.1:8080"))
                .noneMatch(guard::allowedHost);
    }

    @Test
    void originHost_isTheOriginsAuthority() {
        assertThat(Guard.originHost("http://Catalog.Example:8080")).isEqualTo("catalog.example:8080");
        assertThat(Guard.originHost("null")).isEmpty();
        assertThat(Guard.originHost("http://[::1")).isEmpty();
    }

    @Test
    void next_afterSignIn_isALocalPathOnly() {
        assertThat(LoginPages.next(java.util.Optional.of("/repositories/a/tags/b"))).isEqualTo("/repositories/a/tags/b");
        assertThat(List.of("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
                "/a\r\nSet-Cookie: x=y", "/\t/evil.example", "/\n/evil.example", "/\u007f/evil.example",
                "/a/..\\\\evil.example")).allMatch(n -> LoginPages.next(java.util.Optional.of(n)).equals("/"));
        assertThat(LoginPages.next(java.util.Optional.empty())).isEqualTo("/");
    }

    @Test
    void next_longerThanItsBound_becomesTheHomePage() {
        String longest = "/" + "a".repeat(LoginPages.MAX_NEXT - 1);
        assertThat(LoginPages.next(java.util.Optional.of(longest))).isEqualTo(longest);
        assertThat(LoginPages.next(java.util.Optional.of("/" + "a".repeat(60_000)))).isEqualTo("/");
    }

    @Test
    void location_percentEncodesNonAsciiAsUtf8_andKeepsAsciiAsItIs() {
        assertThat(LoginPages.location("/é")).isEqualTo("/%C3%A9");
        assertThat(LoginPages.location("/repositories/team/app?q=a b&x=1#top"))
                .isEqualTo("/repositories/team/app?q=a%20b&x=1#top");
        assertThat(LoginPages.location("/a%2Fb")).isEqualTo("/a%2Fb");
        assertThat(LoginPages.location("/日本")).isEqualTo("/%E6%97%A5%E6%9C%AC");
    }
}
