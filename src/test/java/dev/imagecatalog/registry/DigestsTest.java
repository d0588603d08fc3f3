package dev.imagecatalog.registry;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The OCI digest grammar for the algorithms that can be verified, and computing digests of bytes. */
class DigestsTest {

    @Test
    void isValid_acceptsOnlyLowerCaseHexOfTheRightLengthForSha256AndSha512() {
        assertThat(Digests.isValid("sha256:" + "a".repeat(64))).isTrue();
        assertThat(Digests.isValid("sha512:" + "0".repeat(128))).isTrue();

        assertThat(Digests.isValid("sha256:" + "A".repeat(64))).as("upper case").isFalse();
        assertThat(Digests.isValid("sha256:" + "a".repeat(63))).as("short").isFalse();
        assertThat(Digests.isValid("sha512:" + "a".repeat(64))).as("sha512 of sha256 length").isFalse();
        assertThat(Digests.isValid("md5:" + "a".repeat(32))).as("unverifiable algorithm").isFalse();
        assertThat(Digests.isValid("not-a-digest/../../x")).isFalse();
        assertThat(Digests.isValid("sha256:" + "a".repeat(64) + "\n")).as("trailing newline").isFalse();
        assertThat(Digests.isValid(null)).isFalse();
    }

    @Test
    void compute_usesTheAlgorithmOfTheDigestItIsComparedWith() {
        byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(Digests.compute(null, bytes))
                .isEqualTo("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(Digests.compute("sha512:" + "0".repeat(128), bytes)).startsWith("sha512:9b71d224bd62f378")
                .hasSize(7 + 128);
    }
}
