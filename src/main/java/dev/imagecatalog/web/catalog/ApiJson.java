package dev.imagecatalog.web.catalog;

import java.util.AbstractList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.imagecatalog.catalog.Overview;
import dev.imagecatalog.catalog.RepositoryInfo;
import dev.imagecatalog.catalog.index.Attached;
import dev.imagecatalog.catalog.index.Attachments;
import dev.imagecatalog.catalog.index.IndexChange;
import dev.imagecatalog.catalog.index.IndexStatus;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RunDefaults;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.web.http.Formats;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JSON API's documents (issue 2 §5) as small records, and their mapping from the domain.
 * Dates are RFC 3339 strings, absent values are {@code null} (never omitted) so clients see the whole shape.
 */
public final class ApiJson {

    private ApiJson() {
    }

    /** {@code {"repositories":[{"name":…,"tagCount",…}],"total":{"repositories","tags","size"},"index":{…}}}. */
    public record Repositories(List<Repository> repositories, Total total, Status index) {
    }

    /**
     * A repository with what the index knows of it; {@code indexed=false} while the first crawl has not reached it
     * (then the counts are 0 and {@code newestCreated} null).
     */
    public record Repository(String name, boolean indexed, int tagCount, long size, String newestCreated,
                      List<String> platforms) {
    }

    /** Registry totals: {@code size} counts each distinct blob once. */
    public record Total(int repositories, long tags, long size) {
    }

    /** {@code GET /api/status}. */
    public record Status(int indexed, int repositories, long tags, long manifests, boolean crawling, boolean ready,
                  String lastEvent, String lastReconcile, String lastError, String crawlStarted,
                  String crawlFinished, long reclaimableBytes, String source, String caughtUp) {
    }

    /** One change of the index (server-sent event data). */
    public record Change(String repository, List<String> added, List<String> changed, List<String> removed,
                  boolean created, boolean deleted) {
    }

    /** {@code {"accepted":n}}: events that will update the index. */
    public record Accepted(int accepted) {
    }

    /** The listing; its rows are made one at a time while they are written (a view, not a copy of 100k rows). */
    public static Repositories repositories(Overview overview) {
        List<RepositoryInfo> infos = overview.repositories();
        List<Repository> rows = new AbstractList<>() {
            @Override
            public Repository get(int i) {
                RepositoryInfo r = infos.get(i);
                return new Repository(r.name(), r.indexed(), r.tagCount(), r.size(),
                        Formats.rfc3339(r.newestCreated()), r.platforms());
            }

            @Override
            public int size() {
                return infos.size();
            }
        };
        return new Repositories(rows,
                new Total(overview.totalRepositories(), overview.totalTags(), overview.totalSize()),
                status(overview.status()));
    }

    public static Status status(IndexStatus s) {
        return new Status(s.indexed(), s.repositories(), s.tags(), s.manifests(), s.crawling(), s.ready(),
                Formats.rfc3339(s.lastEvent()), Formats.rfc3339(s.lastReconcile()), s.lastError(),
                Formats.rfc3339(s.crawlStarted()), Formats.rfc3339(s.crawlFinished()), s.reclaimableBytes(),
                s.source(), Formats.rfc3339(s.caughtUp()));
    }

    public static Change change(IndexChange c) {
        return new Change(c.repository(), c.added(), c.changed(), c.removed(), c.created(), c.deleted());
    }

    /** {@code {"repository":…,"tags":[…]}}. */
    public record Tags(String repository, List<Tag> tags) {
    }

    /**
     * A tag as listed; {@code size} is null for an index (see platforms); {@code error} when it could not be read.
     * {@code attached}: the kinds attached to it ({@code signature}, {@code sbom}, {@code attestation}; a signature
     * is attached, not verified). A cosign sidecar tag names its subject in {@code sidecarOf} (else null) and is
     * {@code orphaned} when no manifest of that digest is left in the repository.
     */
    public record Tag(String name, String digest, String mediaType, Long size, String created, boolean runnable, String kind,
               List<Platform> platforms, String error, List<String> attached, String sidecarOf, boolean orphaned) {
    }

    /**
     * A document attached to a tag: {@code kind} signature|sbom|attestation, the document's (layer's) digest, size and
     * media type, the in-toto {@code predicateType} (or null), {@code source} tag|index|referrers, the holding
     * {@code manifest}, the sidecar {@code tag} (or null), the SBOM {@code format} (SPDX|CycloneDX or null), a keyless
     * signature's certificate {@code identity} and {@code issuer} (or null), and {@code href}, where to download it.
     */
    public record AttachedDoc(String kind, String digest, long size, String mediaType, String predicateType,
                              String source, String manifest, String tag, String format, String identity,
                              String issuer, String href) {
    }

    /**
     * A platform of a listed tag; {@code missing}: the index lists it but the registry no longer has its manifest
     * (not runnable there; {@code size} null).
     */
    public record Platform(String os, String architecture, String variant, String digest, Long size,
                           boolean missing) {
    }

    /**
     * One tag in detail. For a single-platform image {@code layers}, {@code history} and {@code labels} are that
     * image's; for an index they are empty and each entry of {@code platforms} carries its own.
     */
    public record TagDetailDoc(String repository, String name, String digest, String mediaType, Long size, String created,
                        boolean runnable, String kind, List<PlatformDetailDoc> platforms, List<LayerDoc> layers,
                        List<HistoryDoc> history, Map<String, String> labels, DefaultsDoc defaults,
                        ChartDoc chart, List<AttachedDoc> attached) {
    }

    /** A Helm chart's config: {@code helm pull … --version} takes {@code version} (null fields: not in the config). */
    public record ChartDoc(String name, String version, String appVersion, String description) {
    }

    /**
     * A platform with its own layers, history, labels and what it runs by default; {@code missing}: listed by the
     * index but gone from the registry ({@code size} and {@code created} null, nothing else known).
     */
    public record PlatformDetailDoc(String os, String architecture, String variant, String digest, Long size, String created,
                             List<LayerDoc> layers, List<HistoryDoc> history, Map<String, String> labels,
                             DefaultsDoc defaults, boolean missing) {
    }

    /** What the image runs by default, in the config's own names ({@code null}: the config could not be read). */
    public record DefaultsDoc(@JsonProperty("Entrypoint") List<String> entrypoint, @JsonProperty("Cmd") List<String> cmd,
                       @JsonProperty("Env") List<String> env, @JsonProperty("ExposedPorts") List<String> exposedPorts,
                       @JsonProperty("User") String user, @JsonProperty("WorkingDir") String workingDir,
                       @JsonProperty("StopSignal") String stopSignal) {
    }

    /** A layer. */
    public record LayerDoc(String digest, long size, String mediaType) {
    }

    /** A history step. */
    public record HistoryDoc(String created, String createdBy, String comment, boolean emptyLayer) {
    }

    /** The API's name of a kind: {@code image}, {@code index}, {@code helm-chart}, {@code signature}, … */
    public static String kind(ArtifactKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Tags tags(String repository, List<TagSummary> tags, Attachments attachments) {
        return new Tags(repository, tags.stream().map(t -> tag(t, attachments)).toList());
    }

    public static Tag tag(TagSummary t, Attachments attachments) {
        Attachments.Sidecar sidecar = attachments.sidecar(t.name());
        return new Tag(t.name(), t.digest(), t.mediaType(), t.size(), Formats.rfc3339(t.created()), t.runnable(),
                kind(t.kind()), platforms(t), t.error(),
                attachments.kinds(t).stream().map(Attached.Kind::key).toList(),
                sidecar == null ? null : sidecar.subject(), sidecar != null && sidecar.orphaned());
    }

    /** A document attached to a tag of {@code repository}. */
    public static AttachedDoc attached(String repository, Attached a) {
        return new AttachedDoc(a.kind().key(), a.digest(), a.size(), a.mediaType(), a.predicateType(),
                a.source().key(), a.manifest(), a.tag(), a.format(), a.identity(), a.issuer(),
                Links.attachedDocument(repository, a.digest()));
    }

    public static TagDetailDoc detail(TagDetail detail, List<Attached> attached) {
        TagSummary t = detail.summary();
        List<PlatformDetailDoc> platforms = new java.util.ArrayList<>(
                detail.platforms().stream().map(ApiJson::platformDetail).toList());
        boolean single = t.kind() != ArtifactKind.INDEX && platforms.size() == 1;
        t.missing().forEach(m -> platforms.add(new PlatformDetailDoc(m.platform().os(), m.platform().architecture(),
                m.platform().variant(), m.digest(), null, null, List.of(), List.of(), Map.of(), null, true)));
        PlatformDetailDoc only = single ? platforms.getFirst() : null;
        return new TagDetailDoc(detail.repository(), t.name(), t.digest(), t.mediaType(), t.size(),
                Formats.rfc3339(t.created()), t.runnable(), kind(t.kind()), platforms,
                only == null ? List.of() : only.layers(), only == null ? List.of() : only.history(),
                only == null ? Map.of() : only.labels(), only == null ? null : only.defaults(),
                detail.chart() == null ? null : new ChartDoc(detail.chart().name(), detail.chart().version(),
                        detail.chart().appVersion(), detail.chart().description()),
                attached.stream().map(a -> attached(detail.repository(), a)).toList());
    }

    /** The present platforms, then those the registry no longer has. */
    private static List<Platform> platforms(TagSummary t) {
        List<Platform> all = new java.util.ArrayList<>();
        t.platforms().forEach(p -> all.add(new Platform(p.platform().os(), p.platform().architecture(),
                p.platform().variant(), p.digest(), p.size(), false)));
        t.missing().forEach(p -> all.add(new Platform(p.platform().os(), p.platform().architecture(),
                p.platform().variant(), p.digest(), null, true)));
        return all;
    }

    private static PlatformDetailDoc platformDetail(PlatformDetail d) {
        PlatformImage p = d.image();
        return new PlatformDetailDoc(p.platform().os(), p.platform().architecture(), p.platform().variant(),
                p.digest(), p.size(), Formats.rfc3339(p.created()),
                d.layers().stream().map(ApiJson::layer).toList(),
                d.history().stream().map(ApiJson::history).toList(),
                new TreeMap<>(d.labels() == null ? Map.of() : d.labels()), defaults(d.defaults()), false);
    }

    private static DefaultsDoc defaults(RunDefaults d) {
        return d == null ? null : new DefaultsDoc(d.entrypoint(), d.cmd(), d.env(), d.exposedPorts(), d.user(),
                d.workingDir(), d.stopSignal());
    }

    private static LayerDoc layer(Layer l) {
        return new LayerDoc(l.digest(), l.size(), l.mediaType());
    }

    private static HistoryDoc history(HistoryEntry h) {
        return new HistoryDoc(Formats.rfc3339(h.created()), h.createdBy(), h.comment(), h.emptyLayer());
    }
}
