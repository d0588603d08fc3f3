package dev.imagecatalog.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import dev.imagecatalog.testing.MovableClock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionCodecTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private final SessionCodec codec = new SessionCodec(KEY, Duration.ofHours(8), Clock.fixed(NOW, ZoneOffset.UTC));
    private final Identity alice = new Identity("alice", List.of("dev", "ops"));

    @Test
    void encodeThenDecode_givesTheSameSession_andAnotherReplicaWithTheSameKeyAcceptsIt() {
        Session session = codec.signedIn(alice, Optional.empty());
        SessionCodec replica = new SessionCodec(KEY, Duration.ofHours(8), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(replica.decode(codec.encode(session))).contains(session);
        assertThat(session.expires()).isEqualTo(NOW.plus(Duration.ofHours(8)));
    }

    @Test
    void decode_refusesAlteredForeignKeyedExpiredAndGarbageCookies() {
        String cookie = codec.encode(codec.signedIn(alice, Optional.empty()));
        String payload = cookie.substring(0, cookie.indexOf('.'));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8).replace("alice", "admin")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(codec.decode(forged + cookie.substring(cookie.indexOf('.')))).isEmpty();
        assertThat(new SessionCodec("another-key-another-key-another-key", Duration.ofHours(8), Clock.systemUTC())
                .decode(cookie)).isEmpty();
        SessionCodec later = new SessionCodec(KEY, Duration.ofHours(8),
                Clock.fixed(NOW.plus(Duration.ofHours(9)), ZoneOffset.UTC));
        assertThat(later.decode(cookie)).isEmpty();
        assertThat(codec.decode("x.x")).isEmpty();
        assertThat(codec.decode("")).isEmpty();
        assertThat(codec.decode(null)).isEmpty();
        assertThat(codec.decode("a".repeat(5000) + ".b")).isEmpty();
    }

    @Test
    void session_neverOutlivesTheTokensOwnExpiry() {
        Instant soon = NOW.plus(Duration.ofMinutes(20));
        assertThat(codec.signedIn(alice, Optional.of(soon)).expires()).isEqualTo(soon);
        assertThat(codec.signedIn(alice, Optional.of(NOW.plus(Duration.ofDays(3)))).expires())
                .isEqualTo(NOW.plus(Duration.ofHours(8)));
    }

    @Test
    void tokenExpiry_readsTheExpClaimOfAJwt_andNothingElse() {
        String claims = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"x\",\"exp\":1795000000}".getBytes(StandardCharsets.UTF_8));
        assertThat(SessionCodec.tokenExpiry("eyJhbGciOiJSUzI1NiJ9." + claims + ".sig"))
                .contains(Instant.ofEpochSecond(1795000000));
        assertThat(SessionCodec.tokenExpiry("opaque-token")).isEmpty();
        assertThat(SessionCodec.tokenExpiry("a.!!!.c")).isEmpty();
    }

    @Test
    void csrfToken_isBoundToOneSession() {
        Session one = codec.anonymous();
        Session two = codec.anonymous();
        String token = codec.csrfToken(one);

        assertThat(one.id()).isNotEqualTo(two.id());
        assertThat(codec.validCsrf(one, token)).isTrue();
        assertThat(codec.validCsrf(two, token)).isFalse();
        assertThat(codec.validCsrf(one, null)).isFalse();
        assertThat(codec.validCsrf(one, one.id())).isFalse();
    }

    @Test
    void signIn_startsANewSessionId_andTheCookieHoldsNoToken() {
        Session before = codec.anonymous();
        Session after = codec.signedIn(alice, Optional.empty());
        assertThat(after.id()).isNotEqualTo(before.id());
        String json = new String(Base64.getUrlDecoder().decode(codec.encode(after).split("\\.")[0]),
                StandardCharsets.UTF_8);
        assertThat(json).contains("\"u\":\"alice\"", "\"g\":[\"dev\",\"ops\"]");
    }

    @Test
    void session_endsWhenIdleTooLong_unlessARequestRenewedIt() {
        MovableClock clock = new MovableClock(NOW);
        SessionCodec moving = new SessionCodec(KEY, Duration.ofHours(8), clock);
        String cookie = moving.encode(moving.signedIn(alice, Optional.empty()));

        clock.advance(SessionCodec.IDLE.dividedBy(2).minusSeconds(1));
        Session early = moving.decode(cookie).orElseThrow();
        assertThat(moving.renewalDue(early)).isFalse();
        clock.advance(Duration.ofSeconds(2));
        Session due = moving.decode(cookie).orElseThrow();
        assertThat(moving.renewalDue(due)).isTrue();
        String renewed = moving.encode(moving.renewed(due));

        clock.advance(SessionCodec.IDLE.dividedBy(2));
        assertThat(moving.decode(cookie)).as("not renewed: idle for %s", SessionCodec.IDLE).isEmpty();
        assertThat(moving.decode(renewed)).map(Session::id).contains(due.id());
        assertThat(moving.remaining(moving.decode(renewed).orElseThrow())).isEqualTo(SessionCodec.IDLE.dividedBy(2));
    }

    @Test
    void renewal_neverPassesTheAbsoluteExpiry() {
        MovableClock clock = new MovableClock(NOW);
        SessionCodec moving = new SessionCodec(KEY, Duration.ofHours(8), clock);
        Session session = moving.signedIn(alice, Optional.empty());
        String cookie = moving.encode(session);
        for (int i = 0; i < 8 * 60 / 5; i++) {
            clock.advance(Duration.ofMinutes(5));
            Optional<Session> now = moving.decode(cookie);
            if (now.isEmpty()) {
                break;
            }
            cookie = moving.encode(moving.renewed(now.get()));
        }
        assertThat(clock.instant()).isEqualTo(NOW.plus(Duration.ofHours(8)));
        assertThat(moving.decode(cookie)).isEmpty();
    }

    @Test
    void revokedSession_isRefusedAtOnceHere_andByAnotherReplicaWhenItsIdleExpiryPasses() {
        MovableClock clock = new MovableClock(NOW);
        SessionCodec here = new SessionCodec(KEY, Duration.ofHours(8), clock);
        SessionCodec replica = new SessionCodec(KEY, Duration.ofHours(8), clock);
        Session session = here.signedIn(alice, Optional.empty());
        String cookie = here.encode(session);

        here.revoke(session);

        assertThat(here.decode(cookie)).isEmpty();
        // the other replica was not told: it refuses the copy once the copy's idle expiry has passed
        assertThat(replica.decode(cookie)).isPresent();
        clock.advance(SessionCodec.IDLE.plusSeconds(1));
        assertThat(replica.decode(cookie)).isEmpty();
        // a session not signed out is not affected on either
        Session other = here.signedIn(alice, Optional.empty());
        assertThat(here.decode(here.encode(other))).isPresent();
        assertThat(replica.decode(here.encode(other))).isPresent();
    }

    @Test
    void shortKey_isRefused() {
        assertThatThrownBy(() -> new SessionCodec("short", Duration.ofHours(1), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32");
    }
}
