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
