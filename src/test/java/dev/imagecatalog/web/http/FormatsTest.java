package dev.imagecatalog.web.http;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Human-readable sizes, digests and dates. */
class FormatsTest {

    @Test
    void size_usesBinaryUnitsWithOneDecimal() {
        assertThat(Formats.size(0)).isEqualTo("0 B");
        assertThat(Formats.size(1023)).isEqualTo("1023 B");
        assertThat(Formats.size(1024)).isEqualTo("1.0 KiB");
        assertThat(Formats.size(1536)).isEqualTo("1.5 KiB");
        assertThat(Formats.size(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
    }

    @Test
    void exactBytes_groupsThousands() {
        assertThat(Formats.exactBytes(24_536_064)).isEqualTo("24,536,064 bytes");
    }

    @Test
    void shortDigest_keepsAlgorithmAndTwelveHexDigits() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        assertThat(Formats.shortDigest(digest)).isEqualTo("sha256:0123456789ab");
        assertThat(Formats.shortDigest("odd")).isEqualTo("odd");
    }

    @Test
    void when_readsRelativeUpToFourWeeks_thenNamesTheMonth() {
        Instant now = Instant.parse("2026-12-03T12:00:00Z");
        assertThat(Formats.when(now.minusSeconds(20), now)).isEqualTo("just now");
        assertThat(Formats.when(now.minusSeconds(60), now)).isEqualTo("1 minute ago");
        assertThat(Formats.when(now.minusSeconds(12 * 60 + 5), now)).isEqualTo("12 minutes ago");
        assertThat(Formats.when(now.minusSeconds(3 * 3600 + 100), now)).isEqualTo("3 hours ago");
        assertThat(Formats.when(now.minusSeconds(30 * 3600), now)).isEqualTo("yesterday");
        assertThat(Formats.when(now.minusSeconds(5 * 86400 + 7), now)).isEqualTo("5 days ago");
        assertThat(Formats.when(now.minusSeconds(27 * 86400), now)).isEqualTo("27 days ago");
        assertThat(Formats.when(now.minusSeconds(28 * 86400), now)).isEqualTo("Nov 2026");
        // two years back, months apart: no longer both "2 years ago"
        assertThat(Formats.when(Instant.parse("2025-03-14T09:21:07Z"), now)).isEqualTo("Mar 2025");
        assertThat(Formats.when(Instant.parse("2024-11-02T00:00:00Z"), now)).isEqualTo("Nov 2024");
        assertThat(Formats.when(Instant.parse("2027-01-05T00:00:00Z"), now)).isEqualTo("Jan 2027");
        assertThat(Formats.when(null, now)).isEmpty();
    }

    @Test
    void exact_isUtcSeconds_forTheTitle() {
        assertThat(Formats.exact(Instant.parse("2025-03-14T09:21:07Z"))).isEqualTo("2025-03-14 09:21:07 UTC");
        assertThat(Formats.exact(null)).isEmpty();
    }

    @Test
    void date_isUtcMinutes_andRfc3339ForApi() {
        Instant instant = Instant.parse("2026-11-27T05:34:19Z");
        assertThat(Formats.date(instant)).isEqualTo("2026-11-27 05:34 UTC");
        assertThat(Formats.rfc3339(instant)).isEqualTo("2026-11-27T05:34:19Z");
        assertThat(Formats.date(null)).isEmpty();
        assertThat(Formats.rfc3339(null)).isNull();
    }

    @Test
    void mediaType_namesKnownManifestTypes() {
        assertThat(Formats.mediaType("application/vnd.oci.image.index.v1+json")).isEqualTo("OCI index");
        assertThat(Formats.mediaType("application/x-unknown")).isEqualTo("application/x-unknown");
    }
}
