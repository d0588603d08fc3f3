package dev.imagecatalog.web.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formatting shared by pages: human-readable sizes, short digests and dates. */
public final class Formats {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    /**
     * Up to this age a date reads relative ("5 days ago"); beyond it "Mar 2025": "2 years ago" on every row of a
     * long-lived repository tells nothing apart. catalog.js applies the same rule when it refreshes the text.
     */
    static final Duration RELATIVE_UP_TO = Duration.ofDays(28);
    /** Hex digits shown of a digest: enough to tell images apart, as {@code docker images} does. */
    private static final int SHORT_HEX = 12;

    private Formats() {
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 23.4 MiB}: binary units, one decimal above bytes. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** Exact byte count with thousands separators, for tooltips: {@code 12,345,678 bytes}. */
    public static String exactBytes(long bytes) {
        return String.format(Locale.ROOT, "%,d bytes", bytes);
    }

    /** A short name for a manifest media type ({@code OCI index}); unknown types unchanged. */
    public static String mediaType(String mediaType) {
        if (mediaType == null) {
            return "";
        }
        return switch (mediaType) {
            case "application/vnd.oci.image.index.v1+json" -> "OCI index";
            case "application/vnd.oci.image.manifest.v1+json" -> "OCI manifest";
            case "application/vnd.docker.distribution.manifest.list.v2+json" -> "Docker manifest list";
            case "application/vnd.docker.distribution.manifest.v2+json" -> "Docker manifest v2";
            case "application/vnd.docker.distribution.manifest.v1+json",
                 "application/vnd.docker.distribution.manifest.v1+prettyjws" -> "Docker schema 1";
            default -> mediaType;
        };
    }

    /** {@code sha256:0123456789ab} from a full digest; other strings unchanged. */
    public static String shortDigest(String digest) {
        if (digest == null) {
            return "";
        }
        int colon = digest.indexOf(':');
        int end = colon + 1 + SHORT_HEX;
        return colon > 0 && digest.length() > end ? digest.substring(0, end) : digest;
    }

    /** {@code 2026-11-27 05:34 UTC}, or an empty string when unknown. */
    public static String date(Instant instant) {
        return instant == null ? "" : DATE.format(instant);
    }

    /**
     * A date as the pages show it: {@code just now}, {@code 12 minutes ago}, {@code 3 hours ago},
     * {@code yesterday}, {@code 5 days ago} up to four weeks, then the month ({@code Mar 2025}, UTC); a date in the
     * future (a clock ahead of ours) shows its month too. Empty when unknown. The exact time goes in the
     * {@code title} ({@link #exact}).
     */
    public static String when(Instant instant, Instant now) {
        if (instant == null) {
            return "";
        }
        Duration age = Duration.between(instant, now);
        if (age.isNegative() && age.abs().toMinutes() >= 1 || age.compareTo(RELATIVE_UP_TO) >= 0) {
            return MONTH.format(instant);
        }
        if (age.toMinutes() < 1) {
            return "just now";
        }
        if (age.toHours() < 1) {
            return plural(age.toMinutes(), "minute") + " ago";
        }
        if (age.toDays() < 1) {
            return plural(age.toHours(), "hour") + " ago";
        }
        return age.toDays() == 1 ? "yesterday" : age.toDays() + " days ago";
    }

    /** {@link #when(Instant, Instant)} as of now. */
    public static String when(Instant instant) {
        return when(instant, Instant.now());
    }

    /** {@code 2025-03-14 09:21:07 UTC} for the {@code title} of a date, or an empty string when unknown. */
    public static String exact(Instant instant) {
        return instant == null ? "" : EXACT.format(instant);
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** RFC 3339 ({@link Instant#toString()}), or {@code null} when unknown. */
    public static String rfc3339(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
