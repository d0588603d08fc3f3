package dev.imagecatalog.web.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies kept in both encodings, and which Accept-Encoding values get gzip. */
class EncodedTest {

    @Test
    void of_largeBody_keepsGzipThatInflatesToTheSameBytes() throws IOException {
        byte[] body = "{\"name\":\"team/app\",\"tagCount\":10},".repeat(200).getBytes(StandardCharsets.UTF_8);
        Encoded encoded = Encoded.of(body);
        assertThat(encoded.identity()).isSameAs(body);
        assertThat(encoded.gzip()).isNotNull().hasSizeLessThan(body.length / 10);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(encoded.gzip()))) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        assertThat(encoded.weight()).isEqualTo(body.length + encoded.gzip().length);
    }

    @Test
    void of_smallBody_isSentAsItIs() {
        assertThat(Encoded.of("{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8)).gzip()).isNull();
    }

    @Test
    void acceptsGzip_listedCodingsAndWildcard() {
        assertThat(Encoded.acceptsGzip("gzip, deflate, br")).isTrue();
        assertThat(Encoded.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
        assertThat(Encoded.acceptsGzip("x-gzip")).isTrue();
        assertThat(Encoded.acceptsGzip("*")).isTrue();
    }

    @Test
    void acceptsGzip_refusedOrAbsent() {
        assertThat(Encoded.acceptsGzip("")).isFalse();
        assertThat(Encoded.acceptsGzip("identity")).isFalse();
        assertThat(Encoded.acceptsGzip("br, deflate")).isFalse();
        assertThat(Encoded.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(Encoded.acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(Encoded.acceptsGzip("*, gzip;q=0")).isFalse();
        assertThat(Encoded.acceptsGzip("*;q=0")).isFalse();
        // a gzip mentioned only inside another coding's name is not gzip
        assertThat(Encoded.acceptsGzip("notgzip")).isFalse();
    }
}
