package dev.imagecatalog.web.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formatting shared by pages: human-readable sizes, short digests and dates. */
public final class Formats {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
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

    /** RFC 3339 ({@link Instant#toString()}), or {@code null} when unknown. */
    public static String rfc3339(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
