package dev.imagecatalog.runner;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Pod names and label values derived from repository and tag follow Kubernetes' syntax rules. */
class NamingTest {

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    private static String podName(String repository, String suffix) {
        return RunnerService.podName(repository, suffix);
    }

    @ParameterizedTest
    @CsvSource({
            "team/app, app-x1y2z",
            "deep/nested/path/image, image-x1y2z",
            "busybox, busybox-x1y2z",
            "a/under_score.dots, under-score-dots-x1y2z",
            "a/__x__, x-x1y2z",
            "a/___, run-x1y2z"})
    void podName_isLastSegmentPlusSuffix_asDns1123Label(String repository, String expected) {
        String name = podName(repository, "x1y2z");
        assertThat(name).isEqualTo(expected).matches(DNS_1123_LABEL).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void podName_ofAVeryLongRepository_isCutTo63Characters() {
        String name = podName("org/" + "a-".repeat(60) + "b", "abcde");
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_1123_LABEL).endsWith("-abcde");
    }

    @ParameterizedTest
    @CsvSource({
            "team/app, team.app",
            "v1.2.3-rc_1, v1.2.3-rc_1",
            "_leading, leading",
            "deep/nested/path/image, deep.nested.path.image"})
    void labelValue_keepsAllowedCharacters(String text, String expected) {
        assertThat(RunnerService.labelValue(text)).isEqualTo(expected).matches(LABEL_VALUE);
    }

    @Test
    void labelValue_ofALongText_isAtMost63AndEndsAlphanumeric() {
        String value = RunnerService.labelValue("x".repeat(62) + "-" + "y".repeat(10));
        assertThat(value).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE);
    }
}
