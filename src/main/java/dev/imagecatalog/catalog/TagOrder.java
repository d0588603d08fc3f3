package dev.imagecatalog.catalog;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.registry.TagSummary;

/**
 * The order a repository's tags are shown in by default: newest image first, so that {@code latest} and the last
 * release open the page instead of landing on page 2 behind 300 names. Tags of the same time (one image under
 * several tags, or an index pushed with its aliases) put {@code latest} first, then SemVer tags highest first
 * ({@code v2.10.0} before {@code v2.9.1}, a release before its pre-releases), then the rest by name. Tags without
 * a known creation time come last, in the same tie order.
 */
public final class TagOrder {

    /** {@code 1}, {@code 1.2}, {@code v1.2.3}, {@code 1.2.3-rc.1}, {@code 1.2.3+build}: what people tag releases as. */
    private static final Pattern SEMVER = Pattern.compile(
            "v?(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*))?(?:\\.(0|[1-9]\\d*))?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    /** Newest first; unknown dates last; ties: {@code latest}, SemVer descending, then name. */
    public static final Comparator<TagSummary> NEWEST = Comparator
            .comparing(TagSummary::created, Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
            .thenComparing(TagOrder::tie);

    private TagOrder() {
    }

    /** Same creation time: {@code latest}, then SemVer highest first, then other names alphabetically. */
    static int tie(TagSummary a, TagSummary b) {
        boolean latestA = "latest".equals(a.name());
        boolean latestB = "latest".equals(b.name());
        if (latestA != latestB) {
            return latestA ? -1 : 1;
        }
        Matcher ma = SEMVER.matcher(a.name());
        Matcher mb = SEMVER.matcher(b.name());
        boolean semA = ma.matches();
        boolean semB = mb.matches();
        if (semA != semB) {
            return semA ? -1 : 1;
        }
        if (semA) {
            int c = compareSemver(mb, ma); // descending
            if (c != 0) {
                return c;
            }
        }
        return a.name().compareTo(b.name());
    }

    /** SemVer 2.0 precedence of two matched tags (missing minor/patch read as 0). */
    private static int compareSemver(Matcher a, Matcher b) {
        for (int g = 1; g <= 3; g++) {
            int c = number(a.group(g)).compareTo(number(b.group(g)));
            if (c != 0) {
                return c;
            }
        }
        String preA = a.group(4);
        String preB = b.group(4);
        if (preA == null || preB == null) {
            // a release ranks above its pre-releases
            return preA == null ? (preB == null ? 0 : 1) : -1;
        }
        String[] x = preA.split("\\.");
        String[] y = preB.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean numX = x[i].matches("\\d+");
            boolean numY = y[i].matches("\\d+");
            int c = numX && numY ? number(x[i]).compareTo(number(y[i]))
                    : numX != numY ? (numX ? -1 : 1) : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static BigInteger number(String digits) {
        return digits == null ? BigInteger.ZERO : new BigInteger(digits);
    }
}
