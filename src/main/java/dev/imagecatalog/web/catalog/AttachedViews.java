package dev.imagecatalog.web.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.catalog.index.Attached;
import dev.imagecatalog.catalog.index.Attachments;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.web.http.Formats;

/**
 * What the pages show of signatures, SBOMs and attestations (issue 16): badges on a subject's row, the sidecar
 * toggle and orphaned sidecars of the repository page, and the attached list of the tag page. Rendered by the
 * macros of {@code attached.ftlh}.
 */
public final class AttachedViews {

    /** The repository page's query parameter that lists sidecar tags too. */
    static final String SHOW_SIDECARS = "sidecars";

    private AttachedViews() {
    }

    /** A badge: its text and what it means (the title and the screen-reader text). */
    public record Badge(String key, String label, String meaning) {
    }

    /** A sidecar tag's marks when sidecars are listed. */
    public record SidecarMark(String subject, String subjectShort, boolean orphaned) {
    }

    /** An orphaned sidecar: its subject is gone, its bytes stay until it is deleted. */
    public record Orphan(String tag, String href, String subject, String subjectShort, String size, String sizeExact) {
    }

    /** One attached document on the tag page. */
    public record Row(String kind, String digest, String shortDigest, String size, String sizeExact, String mediaType,
               String format, String predicateType, String identity, String issuer, String source, String tag,
               String tagHref, String href, String fetch) {
    }

    static Badge badge(Attached.Kind kind) {
        return switch (kind) {
            case SIGNATURE -> new Badge("signature", "signed",
                    "a signature is attached (not verified: verification needs trusted keys)");
            case SBOM -> new Badge("sbom", "SBOM", "a software bill of materials is attached");
            case ATTESTATION -> new Badge("attestation", "attested", "an attestation is attached");
        };
    }

    /** Whether the repository page lists sidecar tags ({@code ?sidecars=show}). */
    static boolean showSidecars(String value) {
        return "show".equals(value);
    }

    /** The tags listed: sidecars left out unless asked for. */
    static List<TagSummary> listed(List<TagSummary> tags, boolean showSidecars) {
        return showSidecars ? tags : tags.stream().filter(t -> !Attachments.isSidecar(t.name())).toList();
    }

    /** The repository page's part: badges per tag, sidecar marks, orphans, and the toggle. */
    static Map<String, Object> repository(String repository, String href, List<TagSummary> tags,
                                          Attachments attachments, boolean showSidecars) {
        Map<String, List<Badge>> badges = new LinkedHashMap<>();
        Map<String, SidecarMark> marks = new LinkedHashMap<>();
        boolean anySigned = false;
        for (TagSummary t : tags) {
            Attachments.Sidecar s = attachments.sidecar(t.name());
            if (s != null) {
                marks.put(t.name(), new SidecarMark(s.subject(), Formats.shortDigest(s.subject()), s.orphaned()));
                continue;
            }
            List<Attached.Kind> kinds = attachments.kinds(t);
            if (!kinds.isEmpty()) {
                badges.put(t.name(), kinds.stream().map(AttachedViews::badge).toList());
                anySigned |= kinds.contains(Attached.Kind.SIGNATURE);
            }
        }
        List<Orphan> orphans = new ArrayList<>();
        for (Attachments.Sidecar s : attachments.sidecars()) {
            if (s.orphaned()) {
                orphans.add(new Orphan(s.tag(), Links.tag(repository, s.tag()), s.subject(),
                        Formats.shortDigest(s.subject()), Formats.size(s.size()), Formats.exactBytes(s.size())));
            }
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("badges", badges);
        model.put("marks", marks);
        model.put("orphans", orphans);
        model.put("anySigned", anySigned);
        model.put("sidecarCount", attachments.sidecars().size());
        model.put("showSidecars", showSidecars);
        model.put("toggleHref", showSidecars ? href : href + "?" + SHOW_SIDECARS + "=show");
        return model;
    }

    /** The tag page's part: what is attached, and whether the tag itself is a sidecar. */
    static Map<String, Object> tag(String repository, String pullHost, List<Attached> attached,
                                   Attachments.Sidecar sidecar) {
        List<Row> rows = new ArrayList<>();
        for (Attached a : attached) {
            // a document over the download cap gets the command that fetches it from the registry, not a link
            // that could only be refused
            boolean served = a.size() <= AttachedDownload.MAX_BYTES;
            rows.add(new Row(badge(a.kind()).label(), a.digest(), Formats.shortDigest(a.digest()),
                    Formats.size(a.size()), Formats.exactBytes(a.size()), nz(a.mediaType()), nz(a.format()),
                    nz(a.predicateType()), nz(a.identity()), nz(a.issuer()), source(a.source()), nz(a.tag()),
                    a.tag() == null ? "" : Links.tag(repository, a.tag()),
                    served ? Links.attachedDocument(repository, a.digest()) : "",
                    served ? "" : AttachedDownload.fetchCommand(pullHost, repository, a.digest())));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("rows", rows);
        model.put("kinds", attached.stream().map(Attached::kind).distinct().sorted().map(AttachedViews::badge)
                .toList());
        model.put("maxBytes", Formats.size(AttachedDownload.MAX_BYTES));
        model.put("sidecarOf", sidecar == null ? "" : sidecar.subject());
        model.put("orphaned", sidecar != null && sidecar.orphaned());
        return model;
    }

    private static String source(Attached.Source source) {
        return switch (source) {
            case TAG -> "sidecar tag";
            case INDEX -> "image index";
            case REFERRERS -> "referrers API";
        };
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
