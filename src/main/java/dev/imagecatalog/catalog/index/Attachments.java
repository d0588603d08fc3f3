package dev.imagecatalog.catalog.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.TagSummary;

/**
 * What is attached to which manifest of one repository, derived from its snapshot alone (no registry request):
 * cosign's sidecar tags ({@code sha256-<hex>.sig/.att/.sbom}, and the OCI 1.1 referrers fallback tag
 * {@code sha256-<hex>}, an index of referrers) fold under the manifest whose digest they name; buildx's attestation
 * manifests inside an index attach to that index. A sidecar whose subject no tag reaches any more is orphaned.
 * Immutable.
 */
public final class Attachments {

    /** A sidecar tag: cosign's suffixes, or none (the OCI 1.1 fallback tag of a registry without referrers API). */
    private static final Pattern SIDECAR = Pattern.compile("(sha256)-([a-f0-9]{64})(\\.(sig|att|sbom))?");
    private static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    private static final String DSSE = "application/vnd.dsse.envelope.v1+json";
    private static final String IN_TOTO = "application/vnd.in-toto+json";
    /** cosign 2.x with the referrers API stores a signature as a Sigstore bundle. */
    private static final String SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle";
    private static final Comparator<Attached> ORDER = Comparator.comparing(Attached::kind)
            .thenComparing(Attached::digest);

    private static final Attachments NONE = new Attachments(Map.of(), Map.of());

    /** Nothing attached, no sidecars (a catalog without index). */
    public static Attachments none() {
        return NONE;
    }

    private final Map<String, List<Attached>> bySubject;
    private final Map<String, Sidecar> sidecars;

    /**
     * A sidecar tag.
     *
     * @param tag      the tag
     * @param subject  the digest it names ({@code sha256:<hex>})
     * @param orphaned whether no manifest of that digest is left in the repository
     * @param size     bytes of its configs and layers
     */
    public record Sidecar(String tag, String subject, boolean orphaned, long size) {
    }

    private Attachments(Map<String, List<Attached>> bySubject, Map<String, Sidecar> sidecars) {
        this.bySubject = bySubject;
        this.sidecars = sidecars;
    }

    /** The subject digest a sidecar tag names, or {@code null} when the tag is no sidecar. */
    public static String sidecarSubject(String tag) {
        if (tag == null || !tag.startsWith("sha256-")) {
            return null;
        }
        Matcher m = SIDECAR.matcher(tag);
        return m.matches() ? m.group(1) + ":" + m.group(2) : null;
    }

    /** Whether a tag is a sidecar (left out of the tags shown and counted). */
    public static boolean isSidecar(String tag) {
        return sidecarSubject(tag) != null;
    }

    /** What a snapshot's tags and indexes attach. */
    static Attachments of(RepositorySnapshot snapshot) {
        Map<String, List<Attached>> bySubject = new HashMap<>();
        Map<String, Sidecar> sidecars = new LinkedHashMap<>();
        for (TagSummary t : snapshot.tags()) {
            String subject = sidecarSubject(t.name());
            if (subject == null) {
                continue;
            }
            long size = snapshot.blobs(t.digest()).stream().mapToLong(Layer::size).sum();
            sidecars.put(t.name(), new Sidecar(t.name(), subject, snapshot.manifest(subject) == null, size));
            String suffix = t.name().contains(".") ? t.name().substring(t.name().indexOf('.') + 1) : "";
            snapshot.visitManifests(t.digest(), m -> {
                if (m instanceof IndexedManifest.Image image) {
                    add(bySubject, subject, image, Attached.Source.TAG, t.name(), suffix);
                }
            });
        }
        java.util.Set<String> sidecarTargets = new java.util.HashSet<>();
        for (Sidecar s : sidecars.values()) {
            sidecarTargets.add(snapshot.tag(s.tag()).digest());
        }
        for (IndexedManifest m : snapshot.manifests().values()) {
            // a fallback index's entries were read as the sidecar's above
            if (m instanceof IndexedManifest.Index index && !sidecarTargets.contains(index.digest())) {
                for (String a : index.attestations()) {
                    if (snapshot.manifest(a) instanceof IndexedManifest.Image image) {
                        add(bySubject, index.digest(), image, Attached.Source.INDEX, null, "");
                    }
                }
            }
        }
        snapshot.referrers().forEach((subject, digests) -> {
            for (String d : digests) {
                if (snapshot.manifest(d) instanceof IndexedManifest.Image image) {
                    add(bySubject, subject, image, Attached.Source.REFERRERS, null, "");
                }
            }
        });
        bySubject.replaceAll((k, v) -> v.stream().distinct().sorted(ORDER).toList());
        return new Attachments(Map.copyOf(bySubject), java.util.Collections.unmodifiableMap(sidecars));
    }

    private static void add(Map<String, List<Attached>> bySubject, String subject, IndexedManifest.Image image,
                            Attached.Source source, String tag, String suffix) {
        for (Layer layer : image.layers()) {
            IndexedManifest.LayerNote note = image.note(layer.digest());
            Attached.Kind kind = kind(layer.mediaType(), note, suffix);
            if (kind == null) {
                continue;
            }
            bySubject.computeIfAbsent(subject, k -> new ArrayList<>()).add(new Attached(kind, layer.digest(),
                    layer.size(), layer.mediaType(), note == null ? null : note.predicateType(), source,
                    image.digest(), tag, note == null ? null : note.identity(), note == null ? null : note.issuer()));
        }
    }

    /** What a layer is: by its annotations and media type first, else by the sidecar's suffix; {@code null}: none. */
    static Attached.Kind kind(String mediaType, IndexedManifest.LayerNote note, String suffix) {
        String type = mediaType == null ? "" : mediaType;
        if (SIMPLE_SIGNING.equals(type) || note != null && note.signature()) {
            return Attached.Kind.SIGNATURE;
        }
        if (note != null && note.predicateType() != null) {
            return sbom(note.predicateType()) ? Attached.Kind.SBOM : Attached.Kind.ATTESTATION;
        }
        if (sbom(type)) {
            return Attached.Kind.SBOM;
        }
        if (type.startsWith(SIGSTORE_BUNDLE)) {
            return Attached.Kind.SIGNATURE;
        }
        if (DSSE.equals(type) || IN_TOTO.equals(type)) {
            return Attached.Kind.ATTESTATION;
        }
        return switch (suffix) {
            case "sig" -> Attached.Kind.SIGNATURE;
            case "sbom" -> Attached.Kind.SBOM;
            case "att" -> Attached.Kind.ATTESTATION;
            default -> null;
        };
    }

    /** SPDX or CycloneDX, named by a media type ({@code text/spdx+json}) or a predicate type. */
    private static boolean sbom(String named) {
        String n = named.toLowerCase(java.util.Locale.ROOT);
        return n.contains("spdx") || n.contains("cyclonedx");
    }

    /** What is attached to the manifest {@code digest} (empty when nothing). */
    public List<Attached> to(String digest) {
        return digest == null ? List.of() : bySubject.getOrDefault(digest, List.of());
    }

    /**
     * What is attached to a tag: to the manifest it points at and, for an index, to its platform images (cosign
     * may sign a platform's digest).
     */
    public List<Attached> toTag(TagSummary tag) {
        List<Attached> out = new ArrayList<>(to(tag.digest()));
        tag.platforms().forEach(p -> {
            if (!p.digest().equals(tag.digest())) {
                out.addAll(to(p.digest()));
            }
        });
        return out.stream().distinct().sorted(ORDER).toList();
    }

    /** The kinds attached to a tag, in order (signature, sbom, attestation), each once. */
    public List<Attached.Kind> kinds(TagSummary tag) {
        return toTag(tag).stream().map(Attached::kind).distinct().sorted().toList();
    }

    /** The sidecar a tag is, or {@code null}. */
    public Sidecar sidecar(String tag) {
        return sidecars.get(tag);
    }

    /** Every sidecar tag, in tag order. */
    public List<Sidecar> sidecars() {
        return List.copyOf(sidecars.values());
    }

    /** An attached document of this repository by its digest, or {@code null} when none is. */
    public Attached document(String digest) {
        for (List<Attached> list : bySubject.values()) {
            for (Attached a : list) {
                if (a.digest().equals(digest)) {
                    return a;
                }
            }
        }
        return null;
    }
}
