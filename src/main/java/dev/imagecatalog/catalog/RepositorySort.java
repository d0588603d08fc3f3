package dev.imagecatalog.catalog;

import java.util.Comparator;
import java.util.Locale;

/** Orders of the home page and {@code GET /api/repositories?sort=}. */
public enum RepositorySort {
    /** By name. */
    NAME(Comparator.comparing(RepositoryInfo::name)),
    /** Largest first. */
    SIZE(Comparator.comparingLong(RepositoryInfo::size).reversed().thenComparing(RepositoryInfo::name)),
    /** Most recently created first; unknown last. */
    NEWEST(Comparator.comparing(RepositoryInfo::newestCreated, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(RepositoryInfo::name)),
    /** Most tags first. */
    TAGS(Comparator.comparingInt(RepositoryInfo::tagCount).reversed().thenComparing(RepositoryInfo::name));

    private final Comparator<RepositoryInfo> order;

    RepositorySort(Comparator<RepositoryInfo> order) {
        this.order = order;
    }

    /** The order. */
    public Comparator<RepositoryInfo> order() {
        return order;
    }

    /** The query value: {@code name}, {@code size}, {@code newest}, {@code tags}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a query value (blank: name); {@code null} for an unknown one. */
    public static RepositorySort parse(String value) {
        if (value == null || value.isBlank()) {
            return NAME;
        }
        for (RepositorySort s : values()) {
            if (s.key().equalsIgnoreCase(value.strip())) {
                return s;
            }
        }
        return null;
    }
}
