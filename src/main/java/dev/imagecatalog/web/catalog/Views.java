package dev.imagecatalog.web.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.imagecatalog.catalog.Overview;
import dev.imagecatalog.catalog.RepositoryInfo;
import dev.imagecatalog.catalog.SearchResult;
import dev.imagecatalog.catalog.Storage;
import dev.imagecatalog.catalog.TagOrder;
import dev.imagecatalog.catalog.index.IndexStatus;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.web.http.Formats;
import dev.imagecatalog.web.http.WebException;

/**
 * Page models: what the templates show, already formatted, so templates hold no logic beyond loops.
 * The records are public because FreeMarker reads them reflectively.
 */
public final class Views {

    private Views() {
    }

    /**
     * A size as shown: human-readable text, exact bytes for the tooltip, and the bar width.
     *
     * @param text    e.g. {@code 23.4 MiB}
     * @param exact   e.g. {@code 24,536,064 bytes}
     * @param bytes   raw bytes
     * @param percent bar width against the largest on the page, 0–100
     */
    public record Size(String text, String exact, long bytes, int percent) {
        static Size of(long bytes, long largest) {
            int percent = largest <= 0 ? 0 : (int) Math.round(bytes * 100.0 / largest);
            // a non-empty image never disappears from the chart
            return new Size(Formats.size(bytes), Formats.exactBytes(bytes), bytes, bytes > 0 ? Math.max(1, percent) : 0);
        }
    }

    /**
     * One row of the repository page: one per platform of a tag (one row for a single image or artifact).
     *
     * @param tag          tag name
     * @param href         link to the tag page
     * @param first        whether this is the tag's first row (carries the tag cell)
     * @param rows         rows of this tag (rowspan of the tag cell)
     * @param kind         human-readable kind
     * @param runnable     whether the tag can be run
     * @param index        whether the tag is a multi-platform index
     * @param tagDigest    the tag's manifest digest
     * @param tagShort     its short form
     * @param platform     e.g. {@code linux/arm64/v8}; empty for an artifact
     * @param digest       this row's image digest (a platform child for an index)
     * @param shortDigest  its short form
     * @param mediaType    the tag's manifest media type
     * @param mediaTypeLabel a short name for it, e.g. {@code OCI index}
     * @param size         size of this row's image, {@code null} when unknown
     * @param created      exact creation time (the date's title), empty when unknown
     * @param createdIso   RFC 3339, {@code null} when unknown
     * @param aliases      other tags pointing at the same digest (shown as "latest = 2.4.1")
     * @param error        why the tag could not be read, empty when it was
     * @param createdWhen  creation date as shown ({@link Formats#when}), empty when unknown
     * @param missing      whether this platform's manifest is gone from the registry (the index still lists it)
     */
    public record TagRow(String tag, String href, boolean first, int rows, String kind, boolean runnable,
                         boolean index, String tagDigest, String tagShort, String platform, String digest,
                         String shortDigest, String mediaType, String mediaTypeLabel, Size size, String created,
                         String createdIso, List<Alias> aliases, String error, String createdWhen,
                         boolean missing) {
    }

    /**
     * Another tag of the same digest.
     *
     * @param tag  tag name
     * @param href its page
     */
    public record Alias(String tag, String href) {
    }

    /**
     * A repository on the home page.
     *
     * @param name      full name
     * @param href      its page
     * @param namespace the part up to the last slash (e.g. {@code team-a/})
     * @param base      the rest
     * @param indexed   whether the index has it yet
     * @param tagCount  number of tags
     * @param size      distinct bytes, with a bar against the largest repository
     * @param newest    newest creation time, exact (the date's title), empty when unknown
     * @param newestIso RFC 3339, {@code null} when unknown
     * @param platforms e.g. {@code linux/amd64, linux/arm64}
     * @param newestWhen newest creation date as shown ({@link Formats#when}), empty when unknown
     */
    public record RepositoryRow(String name, String href, String namespace, String base, boolean indexed,
                                int tagCount, Size size, String newest, String newestIso, String platforms,
                                String newestWhen) {
    }

    /**
     * One repository's matches on the search page.
     *
     * @param repository  name
     * @param href        its page
     * @param nameMatches whether the name matched
     * @param hits        the matching tags listed
     * @param hitCount    matching tags in all
     * @param more        matching tags not listed
     * @param moreHref    the search of this repository alone, listing them all
     */
    public record SearchGroupView(String repository, String href, boolean nameMatches, List<SearchHitView> hits,
                                  int hitCount, int more, String moreHref) {
    }

    /**
     * One matching tag on the search page.
     *
     * @param tag         tag name
     * @param href        its page
     * @param digest      manifest digest
     * @param shortDigest short form
     * @param reason      what matched
     */
    public record SearchHitView(String tag, String href, String digest, String shortDigest, String reason) {
    }

    /** The home page's row for a repository. */
    public static RepositoryRow repositoryRow(RepositoryInfo r, long largest) {
        int slash = r.name().lastIndexOf('/');
        return new RepositoryRow(r.name(), Links.repository(r.name()), r.name().substring(0, slash + 1),
                r.name().substring(slash + 1), r.indexed(), r.tagCount(), Size.of(r.size(), largest),
                Formats.exact(r.newestCreated()), Formats.rfc3339(r.newestCreated()), String.join(", ", r.platforms()),
                Formats.when(r.newestCreated()));
    }

    /** The registry total line: repositories, tags, distinct bytes. */
    public static Map<String, Object> totals(Overview overview) {
        return Map.of("repositories", overview.totalRepositories(), "tags", overview.totalTags(),
                "size", Formats.size(overview.totalSize()), "sizeExact", Formats.exactBytes(overview.totalSize()));
    }

    /** "12.3 MiB reclaimable by garbage collection" once deletes left blobs behind; an empty map when none. */
    public static Map<String, Object> reclaimable(IndexStatus status) {
        if (status.reclaimableBytes() <= 0) {
            return Map.of();
        }
        return Map.of("size", Formats.size(status.reclaimableBytes()),
                "sizeExact", Formats.exactBytes(status.reclaimableBytes()));
    }

    /** "indexing 120 of 500 repositories" while the first crawl runs; an empty map once it is done. */
    public static Map<String, Object> progress(IndexStatus status) {
        if (status.ready() || status.repositories() == 0) {
            return Map.of();
        }
        return Map.of("indexed", status.indexed(), "repositories", status.repositories());
    }

    /** Links of the sort options of the home page, keeping the filter. */
    public static List<Map<String, String>> sortHrefs(String q) {
        String query = q.isEmpty() ? "" : "q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8) + "&";
        List<Map<String, String>> links = new ArrayList<>();
        String[][] options = {{"name", "Name"}, {"size", "Size"}, {"newest", "Newest"}, {"tags", "Tags"}};
        for (String[] o : options) {
            links.add(Map.of("key", o[0], "label", o[1], "href", "/?" + query + "sort=" + o[0]));
        }
        return links;
    }

    /** The repository page's link for a page, keeping sort and filter. */
    public static String repositoryHref(String href, Sort sort, String filter, int page) {
        String query = "?sort=" + sort.key() + (filter.isEmpty() ? ""
                : "&tag=" + java.net.URLEncoder.encode(filter, java.nio.charset.StandardCharsets.UTF_8));
        return href + query + "&page=" + page;
    }

    /** Unique and shared bytes of a repository. */
    public static Map<String, Object> storage(Storage storage) {
        return Map.of("total", Formats.size(storage.total()), "unique", Formats.size(storage.unique()),
                "uniqueExact", Formats.exactBytes(storage.unique()), "shared", Formats.size(storage.shared()),
                "sharedExact", Formats.exactBytes(storage.shared()));
    }

    /** The search page's groups. */
    public static List<SearchGroupView> searchGroups(SearchResult result) {
        String q = java.net.URLEncoder.encode(result.query(), java.nio.charset.StandardCharsets.UTF_8);
        return result.groups().stream().map(g -> new SearchGroupView(g.repository(), Links.repository(g.repository()),
                g.nameMatches(), g.hits().stream().map(h -> new SearchHitView(h.tag(), Links.tag(g.repository(), h.tag()),
                        h.digest() == null ? "" : h.digest(), h.digest() == null ? "" : Formats.shortDigest(h.digest()),
                        h.reason())).toList(), g.hitCount(), g.more(),
                "/search?q=" + q + "&repository="
                + java.net.URLEncoder.encode(g.repository(), java.nio.charset.StandardCharsets.UTF_8))).toList();
    }

    /** Tags sorted, then grouped by digest (first tag of a group in sort order carries it). */
    public static List<List<TagSummary>> groupByDigest(List<TagSummary> tags, Sort sort) {
        List<TagSummary> sorted = new ArrayList<>(tags);
        sorted.sort(sort.order);
        Map<String, List<TagSummary>> groups = new java.util.LinkedHashMap<>();
        for (TagSummary t : sorted) {
            String key = t.digest() == null ? "\u0000" + t.name() : t.digest();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        return List.copyOf(groups.values());
    }

    /** The largest image size among these tags (the bars' 100 %). */
    public static long largest(List<TagSummary> tags) {
        return tags.stream().map(Views::largestSize).filter(s -> s != null).mapToLong(Long::longValue).max().orElse(0);
    }

    /**
     * A layer on the tag page.
     *
     * @param digest      full digest
     * @param shortDigest short form
     * @param size        size
     * @param mediaType   media type
     */
    public record LayerView(String digest, String shortDigest, Size size, String mediaType) {
    }

    /**
     * A history step on the tag page.
     *
     * @param created    exact time (the date's title)
     * @param createdIso RFC 3339 or null
     * @param createdBy  build instruction
     * @param comment    comment or empty
     * @param emptyLayer whether it produced no layer
     * @param createdWhen date as shown ({@link Formats#when})
     */
    public record HistoryView(String created, String createdIso, String createdBy, String comment, boolean emptyLayer,
                              String createdWhen) {
    }

    /**
     * A config label.
     *
     * @param key   label key
     * @param value label value
     */
    public record Label(String key, String value) {
    }

    /**
     * One platform's image on the tag page.
     *
     * @param platform    e.g. {@code linux/amd64}
     * @param digest      image manifest digest
     * @param shortDigest short form
     * @param size        compressed size
     * @param created     exact creation time (the date's title)
     * @param createdIso  RFC 3339 or null
     * @param pullByDigest {@code docker pull host/repo@digest} for this platform
     * @param layers      layers in order
     * @param history     history steps
     * @param labels      labels sorted by key
     * @param createdWhen date as shown ({@link Formats#when})
     */
    public record PlatformView(String platform, String digest, String shortDigest, Size size, String created,
                               String createdIso, String pullByDigest, List<LayerView> layers,
                               List<HistoryView> history, List<Label> labels, DefaultsView defaults,
                               String createdWhen) {
    }

    /**
     * A platform an index lists whose manifest the registry no longer has.
     *
     * @param platform    e.g. {@code linux/arm64/v8}
     * @param digest      the digest the index names
     * @param shortDigest its short form
     */
    public record MissingPlatformView(String platform, String digest, String shortDigest) {
    }

    /** A Helm chart's name, version, app version and description as the tag page shows them (absent: empty). */
    public static Map<String, String> chart(dev.imagecatalog.registry.ChartConfig chart) {
        return Map.of("name", orEmpty(chart.name()), "version", orEmpty(chart.version()),
                "appVersion", orEmpty(chart.appVersion()), "description", orEmpty(chart.description()));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The platforms of a tag the registry lost (the tag page's "missing from the registry" list). */
    public static List<MissingPlatformView> missingPlatforms(TagSummary tag) {
        return tag.missing().stream().map(p -> new MissingPlatformView(String.valueOf(p.platform()), p.digest(),
                Formats.shortDigest(p.digest()))).toList();
    }

    /**
     * What a platform runs by default, as the tag page shows it ({@code known} false: the config could not be read).
     *
     * @param command the effective command line: entrypoint then cmd, each item quoted when it has spaces
     */
    public record DefaultsView(boolean known, List<String> entrypoint, List<String> cmd, String command,
                               List<Label> env, List<String> ports, String user, String workingDir,
                               String stopSignal) {

        static DefaultsView of(dev.imagecatalog.registry.RunDefaults d) {
            if (d == null) {
                return new DefaultsView(false, List.of(), List.of(), "", List.of(), List.of(), "", "", "");
            }
            List<String> all = new ArrayList<>(d.entrypoint());
            all.addAll(d.cmd());
            String command = String.join(" ", all.stream().map(a -> a.isEmpty() || a.matches(".*\\s.*")
                    ? "\"" + a + "\"" : a).toList());
            return new DefaultsView(true, d.entrypoint(), d.cmd(), command,
                    d.envMap().entrySet().stream().map(e -> new Label(e.getKey(), e.getValue())).toList(),
                    d.exposedPorts(), d.user() == null ? "" : d.user(), d.workingDir() == null ? "" : d.workingDir(),
                    d.stopSignal() == null ? "" : d.stopSignal());
        }
    }

    /** Sort orders of the repository page and of {@code GET /api/repositories/<name>/tags?sort=}. */
    enum Sort {
        NAME(Comparator.comparing((TagSummary t) -> t.name().toLowerCase(Locale.ROOT)).thenComparing(TagSummary::name)),
        /** Newest first; unknown dates last; ties: {@code latest}, SemVer descending, name ({@link TagOrder}). */
        CREATED(TagOrder.NEWEST),
        /** Largest first; unknown sizes last. */
        SIZE(Comparator.comparing(Views::largestSize, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(TagSummary::name));

        private final Comparator<TagSummary> order;

        Sort(Comparator<TagSummary> order) {
            this.order = order;
        }

        /** {@code name}, {@code created} or {@code size}, blank: {@code fallback}; 400 for anything else. */
        static Sort parse(String value, Sort fallback) {
            if (value == null || value.isBlank()) {
                return fallback;
            }
            for (Sort sort : values()) {
                if (sort.name().equalsIgnoreCase(value)) {
                    return sort;
                }
            }
            throw WebException.badRequest("Unknown sort \"" + value + "\": use name, created or size.");
        }

        /** The order. */
        Comparator<TagSummary> order() {
            return order;
        }

        /** The query value. */
        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The largest size of a tag: its own, or its largest platform for an index. */
    public static Long largestSize(TagSummary tag) {
        if (tag.size() != null) {
            return tag.size();
        }
        return tag.platforms().stream().map(PlatformImage::size).max(Long::compare).orElse(null);
    }

    /** Rows of the repository page (groups already sorted and paged), with bars against {@code largest}. */
    public static List<TagRow> rows(String repository, List<List<TagSummary>> groups, long largest) {
        List<TagRow> rows = new ArrayList<>();
        for (List<TagSummary> group : groups) {
            TagSummary tag = group.getFirst();
            List<Alias> aliases = group.subList(1, group.size()).stream()
                    .map(t -> new Alias(t.name(), Links.tag(repository, t.name()))).toList();
            String href = Links.tag(repository, tag.name());
            boolean index = tag.kind() == ArtifactKind.INDEX;
            String kind = tag.error() != null ? "unreadable" : tag.kind().label();
            String error = tag.error() == null ? "" : tag.error();
            String digest = tag.digest() == null ? "" : tag.digest();
            if (tag.platforms().isEmpty() && tag.missing().isEmpty()) {
                Size size = tag.size() == null ? null : Size.of(tag.size(), largest);
                rows.add(new TagRow(tag.name(), href, true, 1, kind, tag.runnable(), index, digest,
                        Formats.shortDigest(digest), "", digest, Formats.shortDigest(digest),
                        tag.mediaType() == null ? "" : tag.mediaType(), Formats.mediaType(tag.mediaType()), size,
                        Formats.exact(tag.created()), Formats.rfc3339(tag.created()), aliases, error,
                        Formats.when(tag.created()), false));
                continue;
            }
            int present = tag.platforms().size();
            int count = present + tag.missing().size();
            for (int i = 0; i < count; i++) {
                boolean missing = i >= present;
                PlatformImage image = missing ? tag.missing().get(i - present) : tag.platforms().get(i);
                rows.add(new TagRow(tag.name(), href, i == 0, count, kind, tag.runnable(), index, digest,
                        Formats.shortDigest(digest), String.valueOf(image.platform()), image.digest(),
                        Formats.shortDigest(image.digest()), tag.mediaType(), Formats.mediaType(tag.mediaType()),
                        missing ? null : Size.of(image.size(), largest), Formats.exact(image.created()),
                        Formats.rfc3339(image.created()), aliases, error, Formats.when(image.created()), missing));
            }
        }
        return rows;
    }

    /** The platforms of the tag page. */
    public static List<PlatformView> platforms(TagDetail detail, String pullHost) {
        long largestLayer = detail.platforms().stream().flatMap(p -> p.layers().stream()).mapToLong(Layer::size)
                .max().orElse(0);
        long largestImage = detail.platforms().stream().mapToLong(p -> p.image().size()).max().orElse(0);
        List<PlatformView> views = new ArrayList<>();
        for (PlatformDetail platform : detail.platforms()) {
            PlatformImage image = platform.image();
            List<LayerView> layers = platform.layers().stream()
                    .map(l -> new LayerView(l.digest(), Formats.shortDigest(l.digest()), Size.of(l.size(), largestLayer),
                            l.mediaType()))
                    .toList();
            List<HistoryView> history = platform.history().stream().map(Views::history).toList();
            List<Label> labels = new TreeMap<>(platform.labels() == null ? Map.<String, String>of() : platform.labels())
                    .entrySet().stream().map(e -> new Label(e.getKey(), e.getValue())).toList();
            views.add(new PlatformView(String.valueOf(image.platform()), image.digest(),
                    Formats.shortDigest(image.digest()), Size.of(image.size(), largestImage),
                    Formats.exact(image.created()), Formats.rfc3339(image.created()),
                    Links.pullByDigest(pullHost, detail.repository(), image.digest()), layers, history, labels,
                    DefaultsView.of(platform.defaults()), Formats.when(image.created())));
        }
        return views;
    }

    static HistoryView history(HistoryEntry entry) {
        return new HistoryView(Formats.exact(entry.created()), Formats.rfc3339(entry.created()),
                entry.createdBy() == null ? "" : entry.createdBy(), entry.comment() == null ? "" : entry.comment(),
                entry.emptyLayer(), Formats.when(entry.created()));
    }
}
