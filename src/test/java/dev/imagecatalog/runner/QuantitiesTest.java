package dev.imagecatalog.runner;

import java.math.BigDecimal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Quantity syntax as the Kubernetes API accepts it, checked before anything is sent. */
class QuantitiesTest {

    @ParameterizedTest
    @CsvSource({
            "100m, 0.1",
            "1, 1",
            "0.5, 0.5",
            "1.5, 1.5",
            ".5, 0.5",
            "64Mi, 67108864",
            "1Gi, 1073741824",
            "1k, 1000",
            "2M, 2000000",
            "1e3, 1000",
            "5E-1, 0.5",
            "250u, 0.00025",
            "1e030, 1e30",
            "1e-30, 1e-30"})
    void parse_validQuantity_hasItsValue(String text, String value) {
        assertThat(Quantities.parse("cpu request", text)).isEqualByComparingTo(new BigDecimal(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 1", "1 ", "-1", "+1", "lots", "64MB", "1mi", "1Kb", "1..2", "1e", "0x10", "1m1",
            "1e99", "1e99999999999", "1e-99999999999", "1E2147483648"})
    void parse_invalidQuantity_isALaunchError(String text) {
        assertThatThrownBy(() -> Quantities.parse("memory limit", text))
                .isInstanceOf(LaunchException.class)
                .hasMessageStartingWith("memory limit \"" + text + "\"");
    }
}
