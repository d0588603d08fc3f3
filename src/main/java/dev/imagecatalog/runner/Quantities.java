package dev.imagecatalog.runner;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict parser of Kubernetes quantities ({@code 100m}, {@code 1.5}, {@code 64Mi}, {@code 1e3}), so bad input is a
 * 400 before anything is sent to the API, and a request larger than its limit is caught with a clear message.
 */
final class Quantities {

    // The API's grammar (k8s.io/apimachinery resource.Quantity), minus signs: negative requests make no sense.
    private static final Pattern QUANTITY =
            Pattern.compile("^(\\d+(?:\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?$");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")), Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)), Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)), Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    /** Largest decimal exponent accepted: 1e30 is far above any node's CPU or memory. */
    private static final int MAX_EXPONENT = 30;

    private Quantities() {
    }

    /**
     * The quantity's value.
     *
     * @param what  field name for the message, e.g. {@code cpu request}
     * @param value the text
     * @throws LaunchException if it is not a quantity
     */
    static BigDecimal parse(String what, String value) {
        Matcher m = QUANTITY.matcher(value);
        if (!m.matches() || value.length() > 64) {
            throw new LaunchException(what + " \"" + value + "\" is not a Kubernetes quantity (e.g. 100m, 0.5, 64Mi, 1Gi)");
        }
        BigDecimal number = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
        String suffix = m.group(2);
        if (suffix == null) {
            return number;
        }
        if (suffix.startsWith("e") || suffix.startsWith("E")) {
            return number.scaleByPowerOfTen(exponent(what, value, suffix.substring(1)));
        }
        return number.multiply(SUFFIXES.get(suffix));
    }

    /** The decimal exponent, within ±30: the grammar allows any digits, and {@code 1e99999999999} overflows an int. */
    private static int exponent(String what, String value, String digits) {
        String unsigned = digits.startsWith("+") || digits.startsWith("-") ? digits.substring(1) : digits;
        // compared as text, so no digit count can overflow the parse
        String significant = unsigned.replaceFirst("^0+(?=\\d)", "");
        if (significant.length() > 2 || Integer.parseInt(significant) > MAX_EXPONENT) {
            throw new LaunchException(what + " \"" + value + "\" is out of range (exponent beyond ±" + MAX_EXPONENT + ")");
        }
        return digits.startsWith("-") ? -Integer.parseInt(significant) : Integer.parseInt(significant);
    }
}
